"""The web pages for panel members: dashboard, network views, heat map, and their assets."""
import datetime as dt
from html import escape
from typing import Annotated, Literal
from urllib.parse import quote

import networkx as nx
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from graphmodel.gaps import Report
from graphmodel.store import Store
from viz import assets, heatmap, pages, urls

from ..auth import COOKIE, recognise
from ..deps import Area, AsOf, StoreDep, Viewer
from ..problems import RESPONSES, area_resource
from ..reports import report_for

router = APIRouter(tags=["views"], default_response_class=HTMLResponse,
                   responses={k: RESPONSES[k] for k in (401, 403, 404, 503)})
ASSET_BASE = urls.ASSET_BASE


def _analysed(request: Request, store: Store, as_of: dt.date | None) -> tuple[nx.MultiDiGraph, Report]:
    return request.app.state.reports.graph(store), report_for(request, store, as_of=as_of)


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse(urls.dashboard_url(), status_code=303)


@router.get(urls.dashboard_url(), summary="Coverage per area, counts per rule, findings and the heat map")
def dashboard(request: Request, store: StoreDep, _: Viewer, as_of: AsOf = None) -> str:
    g, report = _analysed(request, store, as_of)
    return pages.dashboard_page(g, report, asset_base=urls.ASSET_BASE)


@router.get(urls.map_url(), summary="The whole map")
def whole_map(request: Request, store: StoreDep, _: Viewer, as_of: AsOf = None) -> str:
    return pages.map_page(*_analysed(request, store, as_of), asset_base=ASSET_BASE, links=True)


@router.get(urls.gaps_url(), summary="Nodes with findings, in context")
def gaps_view(request: Request, store: StoreDep, _: Viewer, as_of: AsOf = None) -> str:
    return pages.gaps_page(*_analysed(request, store, as_of), asset_base=ASSET_BASE, links=True)


@router.get("/views/area/{area}", summary="One area's processes and what links to them")
def area_view(request: Request, area: str, store: StoreDep, _: Viewer, as_of: AsOf = None) -> str:
    g, report = _analysed(request, store, as_of)
    with area_resource(area):
        return pages.area_page(g, report, area, asset_base=ASSET_BASE, links=True)


@router.get("/views/node/{node_id:path}", summary="The neighbourhood of one node")
def node_view(request: Request, node_id: str, store: StoreDep, _: Viewer,
              depth: Annotated[int, Query(ge=0, le=6)] = 2, as_of: AsOf = None) -> str:
    report = report_for(request, store, as_of=as_of)
    return pages.node_page(store.neighbourhood(node_id, depth), report, node_id, depth, asset_base=ASSET_BASE,
                           links=True)


@router.get("/views/chain/{process_id:path}", summary="A process's oversight chain up to the panel")
def chain_view(request: Request, process_id: str, store: StoreDep, _: Viewer, as_of: AsOf = None) -> str:
    g, report = _analysed(request, store, as_of)
    return pages.chain_page(g, report, process_id, asset_base=ASSET_BASE, links=True)


@router.get(urls.heatmap_url(), summary="Processes by line of defence, coloured by opinion and recency")
def heatmap_page(request: Request, store: StoreDep, _: Viewer, area: Area = None, as_of: AsOf = None) -> str:
    g, report = _analysed(request, store, as_of)
    return pages.heatmap_page(g, report, area, asset_base=ASSET_BASE, links=True)


IMAGES = {"png": ("image/png", heatmap.heatmap_png), "svg": ("image/svg+xml", heatmap.heatmap_svg)}


@router.get("/views/heatmap.{fmt}", response_class=Response, summary="The heat map as PNG or SVG, for panel papers",
            responses={200: {"content": {media: {} for media, _ in IMAGES.values()}}})
def heatmap_image(request: Request, fmt: Literal["png", "svg"], store: StoreDep, _: Viewer,
                  area: Area = None, as_of: AsOf = None) -> Response:
    g, report = _analysed(request, store, as_of)
    media, render = IMAGES[fmt]
    return Response(render(heatmap.heat_map(g, report, area)), media_type=media)


@router.get(urls.ASSET_BASE + "/{name}", response_class=Response, include_in_schema=False)
def asset(name: str) -> Response:
    # Library code and styles only, the same for everyone: no key needed.
    return Response(assets.asset(name), media_type=assets.media_type(name),
                    headers={"Cache-Control": "public, max-age=86400"})


LOGIN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title>
<link rel="stylesheet" href="{css}"></head><body><main><h1>assurance-map</h1>
<form method="post" action="/login"><label>API key <input type="password" name="key" autocomplete="off"></label>
<input type="hidden" name="next" value="{next}"><button type="submit">Sign in</button></form>{error}</main>
</body></html>"""


@router.get("/login", include_in_schema=False)
def login_form(next: str = "/dashboard", error: str = "") -> str:
    target = next if next.startswith("/") and not next.startswith("//") else "/dashboard"
    message = '<p role="alert">That key is not recognised.</p>' if error else ""
    return LOGIN_PAGE.format(css=urls.asset_url("viz.css"), next=escape(target, quote=True), error=message)


@router.post("/login", include_in_schema=False)
def login(request: Request, key: Annotated[str, Form()], next: Annotated[str, Form()] = "/dashboard") -> Response:
    target = next if next.startswith("/") and not next.startswith("//") else "/dashboard"
    if recognise(request.app.state.keys, key) is None:
        return RedirectResponse(f"/login?error=1&next={quote(target)}", status_code=303)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, key, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response
