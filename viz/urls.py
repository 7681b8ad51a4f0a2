"""The URLs under which the web app serves the views; ids and areas are URL-encoded."""
from __future__ import annotations

from urllib.parse import quote

ASSET_BASE = "/views/assets"


def _seg(text: str) -> str:
    return quote(text, safe="")


def dashboard_url() -> str:
    return "/dashboard"


def map_url() -> str:
    return "/views/map"


def area_url(area: str) -> str:
    return f"/views/area/{_seg(area)}"


def node_url(node_id: str, depth: int = 2) -> str:
    return f"/views/node/{_seg(node_id)}?depth={int(depth)}"


def gaps_url() -> str:
    return "/views/gaps"


def chain_url(process_id: str) -> str:
    return f"/views/chain/{_seg(process_id)}"


def heatmap_url(fmt: str | None = None) -> str:
    """The heat map page, or its image when fmt is "png" or "svg"."""
    return "/views/heatmap" + (f".{fmt}" if fmt else "")


def asset_url(name: str) -> str:
    return f"{ASSET_BASE}/{_seg(name)}"
