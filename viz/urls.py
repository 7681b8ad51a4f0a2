"""The URLs under which the web app serves the views; ids and areas are URL-encoded."""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlencode

ASSET_BASE = "/views/assets"
Link = Callable[[str, str], "str | None"]


def _seg(text: str) -> str:
    return quote(text, safe="")


def _query(path: str, params: dict[str, object]) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "", False)}
    return path + ("?" + urlencode(kept) if kept else "")


def dashboard_url() -> str:
    return "/dashboard"


def import_url() -> str:
    return "/import"


def map_url(**params: object) -> str:
    """The whole map; params such as expand="People", page=2 or plans=1."""
    return _query("/views/map", params)


def area_url(area: str, **params: object) -> str:
    return _query(f"/views/area/{_seg(area)}", params)


def node_url(node_id: str, depth: int = 2) -> str:
    return f"/views/node/{_seg(node_id)}?depth={int(depth)}"


def gaps_url(**params: object) -> str:
    return _query("/views/gaps", params)


def chain_url(process_id: str) -> str:
    return f"/views/chain/{_seg(process_id)}"


def record_url(node_id: str, **params: object) -> str:
    """An item's record page; withdraw=SOURCE_ID shows what-if."""
    return _query(f"/views/record/{_seg(node_id)}", params)


def heatmap_url(fmt: str | None = None, **params: object) -> str:
    """The heat map page, or its image when fmt is "png" or "svg"."""
    return _query("/views/heatmap" + (f".{fmt}" if fmt else ""), params)


def paper_url(fmt: str, **params: object) -> str:
    """The panel paper as "pdf" or "docx"."""
    return _query(f"/papers/current.{fmt}", params)


def asset_url(name: str) -> str:
    return f"{ASSET_BASE}/{_seg(name)}"


def links_for(page: Callable[..., str | None], *, record_id: str | None = None, **params: object) -> Link:
    """What the boxes and rows of one served page link to. `page(**params)` is the page's own
    URL, to which an area to open (and its page) is added."""

    def link(what: str, key: str) -> str | None:
        if what == "record":
            return record_url(key)
        if what == "chain":
            return chain_url(key)
        if what == "expand":
            return page(**{**params, "expand": key})
        if what == "page":
            area, number = key.split("\n")
            return page(**{**params, "expand": area, "page": number})
        if what == "what-if" and record_id is not None:
            return record_url(record_id, withdraw=key)
        return None

    return link
