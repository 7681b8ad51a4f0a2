"""The web pages for panel members: dashboard, network views, heat map, and their assets."""
import datetime as dt
from typing import Annotated, Literal

import networkx as nx
from annotated_types import MinLen
from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from graphmodel.gaps import Report, what_if
from graphmodel.store import Store
from graphmodel.store.records import NAME_MAX
from graphmodel.text import ID_RULES
from viz import assets, heatmap, pages, scope, urls

from ..auth import Role
from ..bodies import Body
from ..costly import Costly
from ..deps import Area, AsOf, Editor, Public, StoreDep, Viewer
from ..models import ID_LIMITS
from ..reports import policy_for, report_for
from .snapshots import travel_for

router = APIRouter(tags=["views"], default_response_class=HTMLResponse)
AreaPath = Annotated[str, Path(min_length=1, description="The area (any case).")]
IdPath = Annotated[str, Path(**ID_LIMITS, description=f"The item's id (case-sensitive; a / in it is sent as %2F). "
                                                     f"{ID_RULES}")]
ASSET_BASE = urls.ASSET_BASE
Expand = Annotated[str | None, Query(min_length=1,
                                     description="At area level (a large map): the area to open in place.")]
Page = Annotated[int, Query(ge=1, description="Which page of the opened area's processes, worst first.")]
Plans = Annotated[bool, Query(description="Also draw risks and actions.")]
HeatPage = Annotated[int, Query(ge=1, description=f"Which {heatmap.HEAT_ROWS} processes of the selection.")]
SinceSnapshot = Annotated[str | None, Query(max_length=NAME_MAX, description="Directions of travel since this "
                                           "snapshot (default: the latest at or before the as-of date).")]


def _analysed(request: Request, store: Store, as_of: dt.date | None) -> tuple[nx.MultiDiGraph, Report]:
    return request.app.state.reports.graph(store), report_for(request, store, as_of=as_of)


def _known(g: nx.MultiDiGraph, area: str | None) -> None:
    """An area to open must be one the map has, whether or not the map is drawn at area level."""
    if area is not None:
        scope.area_processes(g, area)


@router.get("/", include_in_schema=False)
def home(_: Public) -> RedirectResponse:
    return RedirectResponse(urls.dashboard_url(), status_code=303)


@router.get(urls.dashboard_url(), summary="Coverage per area, counts per rule, findings and the heat map",
            description="With a snapshot taken, each area, process and action shows its direction of travel since it.")
def dashboard(request: Request, store: StoreDep, _: Viewer, as_of: AsOf = None,
              since: SinceSnapshot = None) -> Response:
    # Rendered once per store version, date and set of snapshots, like the gap report it shows (see
    # api.bodies): taking or deleting a snapshot leaves the version as it was but changes the travel.
    policy = policy_for(request)
    as_of = as_of or dt.date.today()
    version = store.version()
    key = None if version is None else ("dashboard", version, as_of, since, tuple(store.list_snapshots()),
                                        policy.model_dump_json() if policy else None)

    def make() -> Body:
        g, report = _analysed(request, store, as_of)
        page = pages.dashboard_page(g, report, asset_base=urls.ASSET_BASE,
                                    changes=travel_for(request, store, since, as_of))
        return Body(page.encode(), "text/html; charset=utf-8")

    return request.app.state.reports.bodies.get(key, make).response(request)


@router.get(urls.map_url(), summary="The whole map")
def whole_map(request: Request, store: StoreDep, _: Viewer, expand: Expand = None, page: Page = 1,
              plans: Plans = False, as_of: AsOf = None, since: SinceSnapshot = None) -> str:
    g, report = _analysed(request, store, as_of)
    _known(g, expand)
    return pages.map_page(g, report, expand=expand, page=page, plans=plans, asset_base=ASSET_BASE, links=True,
                          changes=travel_for(request, store, since, as_of))


@router.get(urls.gaps_url(), summary="Items with findings, in context")
def gaps_view(request: Request, store: StoreDep, _: Viewer, expand: Expand = None, page: Page = 1,
              as_of: AsOf = None, since: SinceSnapshot = None) -> str:
    g, report = _analysed(request, store, as_of)
    _known(g, expand)
    return pages.gaps_page(g, report, expand=expand, page=page, asset_base=ASSET_BASE, links=True,
                           changes=travel_for(request, store, since, as_of))


@router.get("/views/area/{area}", summary="One area's processes, their sources and routes to the panel")
def area_view(request: Request, area: AreaPath, store: StoreDep, _: Viewer, page: Page = 1, plans: Plans = False,
              as_of: AsOf = None, since: SinceSnapshot = None) -> str:
    g, report = _analysed(request, store, as_of)
    return pages.area_page(g, report, area, page=page, plans=plans, asset_base=ASSET_BASE, links=True,
                           changes=travel_for(request, store, since, as_of))


@router.get("/views/node/{node_id:path}", summary="The neighbourhood of one item, centred on it")
def node_view(request: Request, node_id: IdPath, store: StoreDep, _: Viewer,
              depth: Annotated[int, Query(ge=0, le=6)] = 2, as_of: AsOf = None, since: SinceSnapshot = None) -> str:
    g, report = _analysed(request, store, as_of)
    return pages.node_page(g, report, node_id, depth, asset_base=ASSET_BASE, links=True,
                           changes=travel_for(request, store, since, as_of))


@router.get("/views/chain/{process_id:path}", summary="A process's oversight chain up to the panel")
def chain_view(request: Request, process_id: IdPath, store: StoreDep, _: Viewer, as_of: AsOf = None,
               since: SinceSnapshot = None) -> str:
    g, report = _analysed(request, store, as_of)
    return pages.chain_page(g, report, process_id, asset_base=ASSET_BASE, links=True,
                            changes=travel_for(request, store, since, as_of))


@router.get("/views/record/{node_id:path}", summary="One item's record: fields, sources, findings, chain and links",
            description="With `withdraw` (analysts and above): what would change if those sources were withdrawn.")
def record_view(request: Request, node_id: IdPath, store: StoreDep, who: Viewer,
                withdraw: Annotated[list[Annotated[str, MinLen(1)]] | None,
                                    Query(description="Assurance sources to withdraw (what-if).")]
                = None, as_of: AsOf = None, since: SinceSnapshot = None) -> str:
    g, report = _analysed(request, store, as_of)
    can_what_if = who.role >= Role.analyst
    result = None
    if withdraw:
        if not can_what_if:
            raise HTTPException(403, f"what-if needs the analyst role; {who.name} has {who.role.name}")
        result = what_if(store, withdraw=withdraw, as_of=report.as_of, policy=policy_for(request))
    return pages.record_page(g, report, node_id, what_if=result, can_what_if=can_what_if, asset_base=ASSET_BASE,
                             changes=travel_for(request, store, since, as_of))


@router.get(urls.heatmap_url(), summary="Processes by line of defence, coloured by opinion and recency")
def heatmap_page(request: Request, store: StoreDep, _: Viewer, area: Area = None, page: HeatPage = 1,
                 as_of: AsOf = None, since: SinceSnapshot = None) -> str:
    g, report = _analysed(request, store, as_of)
    return pages.heatmap_page(g, report, area, page=page, asset_base=ASSET_BASE, links=True,
                              changes=travel_for(request, store, since, as_of))


IMAGES = {"png": ("image/png", heatmap.heatmap_png), "svg": ("image/svg+xml", heatmap.heatmap_svg)}


@router.get("/views/heatmap.{fmt}", response_class=Response, summary="The heat map as PNG or SVG, for panel papers",
            responses={200: {"content": {media: {"schema": {"type": "string", "format": "binary"}}
                                         for media, _ in IMAGES.values()}}})
def heatmap_image(request: Request, fmt: Literal["png", "svg"], store: StoreDep, _: Viewer, area: Area = None,
                  page: Annotated[int | None, Query(ge=1, description=f"Which {heatmap.HEAT_ROWS} processes; needed "
                                                    "when the selection has more, which is otherwise refused (422).")]
                  = None, as_of: AsOf = None) -> Response:
    g, report = _analysed(request, store, as_of)
    media, render = IMAGES[fmt]
    costly: Costly = request.app.state.costly  # drawn in turn, and kept while the map is the same
    return costly.body(store, ("heatmap", fmt, area, page, report.as_of),
                       lambda: render(heatmap.heat_map(g, report, area, page)), media,
                       compressible=fmt == "svg").response(request)


@router.get(urls.ASSET_BASE + "/{name}", response_class=Response, include_in_schema=False)
def asset(name: str, _: Public) -> Response:
    # Library code and styles only, the same for everyone: no key needed.
    return Response(assets.asset(name), media_type=assets.media_type(name),
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get(urls.import_url(), summary="Import papers: upload, preview, adjust the column map, write or cancel")
def import_view(_: Editor) -> str:
    from loaders.load import ADAPTER_NAMES

    return pages.import_page(ADAPTER_NAMES, asset_base=ASSET_BASE, links=True)
