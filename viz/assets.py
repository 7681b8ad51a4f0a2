"""Static files the pages need, served from this machine or inlined into a page.

vis-network comes from the installed pyvis package, so nothing is fetched from a CDN
and nothing is copied into the working directory.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

import pyvis

from graphmodel.errors import NotFound

from . import style

_VIS = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
_STATIC = Path(__file__).resolve().parent / "static"

FILES: dict[str, Path] = {
    "vis-network.min.js": _VIS / "vis-network.min.js",
    "vis-network.css": _VIS / "vis-network.css",
    "viz.css": _STATIC / "viz.css",
    "network.js": _STATIC / "network.js",
    "triage.js": _STATIC / "triage.js",
    "import.js": _STATIC / "import.js",
    "session.js": _STATIC / "session.js",
}
SERVED = ("session.js",)  # scripts of every page the server serves (not of a saved, self-contained file)
# Made from code rather than read from a file: the colours of viz.style, as CSS classes.
GENERATED: dict[str, Callable[[], str]] = {"theme.css": style.theme_css}

MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

# Which assets each page uses, in the order they must appear (styles, then scripts).
_PAGES = {
    "network": ("vis-network.css", "viz.css", "theme.css", "vis-network.min.js", "network.js", "triage.js"),
    "heatmap": ("viz.css", "theme.css"),
    "dashboard": ("viz.css", "theme.css", "triage.js"),
    "record": ("viz.css", "theme.css"),
    "import": ("viz.css", "theme.css", "import.js"),
}


def page_assets(page: str) -> tuple[str, ...]:
    """The asset names a page ("network", "heatmap", "dashboard" or "record") links to."""
    return _PAGES[page]


@functools.cache
def asset(name: str) -> bytes:
    """The bytes of one asset, by the name used in its URL; NotFound for anything else."""
    if name in GENERATED:
        return GENERATED[name]().encode("utf-8")
    path = FILES.get(name)
    if path is None:
        raise NotFound(f"asset {name!r}")
    return path.read_bytes()


def media_type(name: str) -> str:
    return MEDIA_TYPES[Path(name).suffix]


_CLOSING = re.compile(r"</(script|style)", re.I)


def inline_text(name: str) -> str:
    """An asset's text made safe to sit inside a <script> or <style> element."""
    return _CLOSING.sub(lambda m: "<\\/" + m[1], asset(name).decode("utf-8"))
