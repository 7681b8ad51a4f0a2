"""A tiny HTTP server on 127.0.0.1 serving the view pages from a store and a report.

It follows the web app's URL patterns (viz.urls), so browser tests written against it
can later be pointed at the real app by giving them its base URL instead.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import networkx as nx

from graphmodel.errors import AssuranceMapError, NotFound
from graphmodel.gaps.model import Report
from graphmodel.store import Store
from viz import assets, heatmap, pages, urls

HTML = "text/html; charset=utf-8"
Response = tuple[str, bytes]


@dataclass
class ViewSite:
    """Pages of `store` judged by `report`; `extra` maps further paths to page functions."""

    store: Store
    report: Report
    extra: dict[str, Callable[[], str]] = field(default_factory=dict)

    def respond(self, path: str, query: dict[str, list[str]]) -> Response:
        g: nx.MultiDiGraph = self.store.export()
        served: dict[str, Any] = {"asset_base": urls.ASSET_BASE, "links": True}
        if path in self.extra:
            return HTML, self.extra[path]().encode()
        if path.startswith(urls.ASSET_BASE + "/"):
            name = unquote(path[len(urls.ASSET_BASE) + 1:])
            return assets.media_type(name), assets.asset(name)
        if path == urls.dashboard_url():
            return HTML, pages.dashboard_page(g, self.report, asset_base=urls.ASSET_BASE).encode()
        if path == urls.map_url():
            return HTML, pages.map_page(g, self.report, **served).encode()
        if path == urls.gaps_url():
            return HTML, pages.gaps_page(g, self.report, **served).encode()
        if path == urls.heatmap_url():
            return HTML, pages.heatmap_page(g, self.report, **served).encode()
        if path == urls.heatmap_url("png"):
            return "image/png", heatmap.heatmap_png(heatmap.heat_map(g, self.report))
        if path == urls.heatmap_url("svg"):
            return "image/svg+xml", heatmap.heatmap_svg(heatmap.heat_map(g, self.report))
        for prefix, render in (("/views/area/", lambda x: pages.area_page(g, self.report, x, **served)),
                               ("/views/chain/", lambda x: pages.chain_page(g, self.report, x, **served)),
                               ("/views/node/", lambda x: pages.node_page(
                                   self.store.neighbourhood(x, int(query.get("depth", ["2"])[0])), self.report, x,
                                   int(query.get("depth", ["2"])[0]), **served))):
            if path.startswith(prefix):
                return HTML, render(unquote(path[len(prefix):])).encode()
        raise NotFound(path)


class _Handler(BaseHTTPRequestHandler):
    site: ViewSite

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        parts = urlsplit(self.path)
        try:
            ctype, body = self.site.respond(parts.path, parse_qs(parts.query))
            status = 200
        except NotFound as exc:
            ctype, body, status = "text/plain; charset=utf-8", str(exc).encode(), 404
        except AssuranceMapError as exc:
            ctype, body, status = "text/plain; charset=utf-8", str(exc).encode(), 400
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class Served:
    """A ViewSite running in a background thread: `base_url`, then `stop()`."""

    def __init__(self, site: ViewSite):
        handler = type("Handler", (_Handler,), {"site": site})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
