"""Server-rendered pages as HTML strings: the network views, the heat map and the dashboard.

Every page is rendered with autoescaping on. Graph data travels to the page script as
JSON inside a non-executed <script> element, with <, >, & and the JavaScript line
separators escaped so user text can never close the element. With `asset_base=None`
assets are inlined and the page stands alone; otherwise it links to `asset_base/NAME`.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from markupsafe import Markup

from graphmodel.cycle.changes import Changes
from graphmodel.gaps.model import Report, Status
from graphmodel.gaps.summary import summarise
from graphmodel.gaps.whatif import WhatIf
from graphmodel.schema import LINE_NAMES, LINES, SCHEMA

from . import assets, scope, style, urls
from .chain import Chain, chain_of
from .heatmap import HEAT_ROWS, HeatMap, heat_map
from .heatmap import legend as heat_legend
from .network import LARGE, NO_STATUS, PAGE, build_drawing, without_plans
from .record import record
from .shapes import line_swatch, swatch
from .triage import triage

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                               "\u2028": "\\u2028", "\u2029": "\\u2029"})


def safe_json(data: Any) -> Markup:
    """JSON that can sit inside a <script> element whatever the strings in it hold."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return Markup(text.translate(_JSON_ESCAPES))


def _assets(page: str, asset_base: str | None) -> list[dict[str, Any]]:
    out = []
    for name in assets.page_assets(page) + (assets.SERVED if asset_base is not None else ()):
        kind = "style" if name.endswith(".css") else "script"
        if asset_base is None:
            out.append({"kind": kind, "text": Markup(assets.inline_text(name)), "url": None})
        else:
            out.append({"kind": kind, "text": None, "url": f"{asset_base.rstrip('/')}/{name}"})
    return out


def _render(template: str, page: str, asset_base: str | None, links: bool, **context: Any) -> str:
    return _ENV.get_template(template).render(assets=_assets(page, asset_base), links=links, urls=urls,
                                              inline=asset_base is None, kind_name=style.kind_words, **context)


def _legend() -> dict[str, Any]:
    """Every fill, border and line a view draws, with its meaning."""
    kinds = [{"name": k.name, "words": style.kind_words(k.name), "description": k.description,
              "icon": swatch(style.kind_look(k.name))}
             for k in SCHEMA.nodes]
    statuses = [{"value": s.value, "words": style.STATUS_WORDS[s], "icon": swatch(style.STATUS[s])}
                for s in style.WORST_FIRST]
    severities = [{"words": f"{sev.value} severity", "icon": swatch(style.finding_look("Risk", sev))}
                  for sev in style.SEVERITY_ORDER]
    edges = [{"name": e.name, "description": e.description, "icon": line_swatch(e.colour, e.name == "OVERSEES")}
             for e in SCHEMA.edges]
    return {"kinds": kinds, "statuses": statuses, "severities": severities, "edge_kinds": edges,
            "panel": swatch(style.PANEL)}


# -- network views --------------------------------------------------------------
def _inert(what: str, key: str) -> None:
    return None


def _no_page(**params: Any) -> None:
    return None


def network_page(g: nx.MultiDiGraph, report: Report, *, title: str, subtitle: str = "",
                 asset_base: str | None = None, links: bool = False, focus: str | None = None,
                 expand: str | None = None, page: int = 1, context: nx.MultiDiGraph | None = None,
                 page_url: Callable[..., str] | None = None, params: dict[str, Any] | None = None,
                 plans_toggle: str | None = None, chain: Chain | None = None, view: str = "map",
                 changes: Changes | None = None) -> str:
    """An interactive view of `g`: the drawing, its legend and filters, and the findings in view
    as a table beside it (with directions of travel, given the changes since a snapshot). With
    `links`, boxes and rows lead to records and other views; `page_url(**params)` is this page's
    own URL, for opening an area in place."""
    link = urls.links_for(page_url or _no_page, **(params or {})) if links else _inert
    drawing = build_drawing(g, report, focus=focus, expand=expand, page=page, context=context, links=link,
                            chain=chain)
    drawing.view = view
    items = drawing.item_ids
    table = triage(context if context is not None else g, report, items, link, changes=changes)
    areas = sorted({a for n in drawing.nodes for a in n["areas"]})
    return _render(
        "network.html", "network", asset_base, links,
        title=title, subtitle=subtitle, as_of=report.as_of, drawing=drawing,
        node_count=len(items), edge_count=len(drawing.edges),
        data=safe_json(drawing.data()), areas=areas, no_status=NO_STATUS, triage=table,
        plans_toggle=plans_toggle, chain=chain, large=LARGE, page_size=PAGE, **_legend(),
    )


def map_page(g: nx.MultiDiGraph, report: Report, *, plans: bool = False, expand: str | None = None, page: int = 1,
             **kw: Any) -> str:
    """The whole map; risks and actions only with `plans`; at area level above LARGE items."""
    params = {"plans": 1 if plans else None}
    toggle = urls.map_url(plans=None if plans else 1, expand=expand)
    return network_page(g if plans else without_plans(g), report, title="Assurance map",
                        subtitle="The whole map, read left to right: what the processes serve, the processes, "
                                 "their sources of assurance, and the meetings up to the audit panel",
                        expand=expand, page=page, context=g, page_url=urls.map_url, params=params,
                        plans_toggle=toggle if kw.get("links") else None, **kw)


def area_page(g: nx.MultiDiGraph, report: Report, area: str, *, plans: bool = False, page: int = 1,
              **kw: Any) -> str:
    view = scope.area_view(g if plans else without_plans(g), area)
    name = g.nodes[scope.area_processes(g, area)[0]]["node"].area
    expand = name if view.number_of_nodes() > LARGE else None
    return network_page(view, report, title=f"Assurance map: {name}",
                        subtitle="The processes of this area, what they serve, their sources of assurance and "
                                 "the meetings up to the audit panel",
                        expand=expand, page=page, context=g, page_url=lambda **p: urls.area_url(name, **p),
                        params={"plans": 1 if plans else None},
                        plans_toggle=urls.area_url(name, plans=None if plans else 1) if kw.get("links") else None,
                        **kw)


def node_page(g: nx.MultiDiGraph, report: Report, node_id: str, depth: int = 2, **kw: Any) -> str:
    """Everything within `depth` links of one item, centred on it. `g` is the whole map."""
    sub = scope.neighbourhood_view(g, node_id, depth)
    label = sub.nodes[node_id]["node"].label
    return network_page(sub, report, title=f"Around {label} ({node_id})",
                        subtitle=f"Everything within {depth} link{'s' if depth != 1 else ''} of it", focus=node_id,
                        context=g, **kw)


def gaps_page(g: nx.MultiDiGraph, report: Report, *, expand: str | None = None, page: int = 1, **kw: Any) -> str:
    return network_page(scope.gaps_view(g, report), report, title="Gaps",
                        subtitle="Items with findings, and what they link to", expand=expand, page=page, context=g,
                        page_url=urls.gaps_url, **kw)


def chain_page(g: nx.MultiDiGraph, report: Report, process_id: str, **kw: Any) -> str:
    sub = scope.chain_view(g, process_id)
    label = sub.nodes[process_id]["node"].label
    return network_page(sub, report, title=f"Oversight chain: {label} ({process_id})",
                        subtitle="From the process, through its sources of assurance and the meetings they report "
                                 "to, up to the audit panel", focus=process_id, context=g,
                        chain=chain_of(g, process_id), view="chain", **kw)


def record_page(g: nx.MultiDiGraph, report: Report, node_id: str, *, what_if: WhatIf | None = None,
                can_what_if: bool = False, asset_base: str | None = None, links: bool = True,
                changes: Changes | None = None) -> str:
    """One item's record: fields, sources, findings, oversight chain, links, and what-if."""
    link = urls.links_for(urls.map_url, record_id=node_id) if links else _inert
    rec = record(g, report, node_id, links=link, what_if=what_if, can_what_if=can_what_if and links)
    own = (urls.record_url(node_id, withdraw=node_id) + "#what-if"
           if can_what_if and links and rec.kind == "AssuranceSource" and what_if is None else None)
    return _render("record.html", "record", asset_base, links,
                   title=f"{style.kind_words(rec.kind)}: {rec.node.label}",
                   as_of=report.as_of, rec=rec, status_words=style.STATUS_WORDS, rule_title=style.rule_title,
                   kind_words=style.kind_words(rec.kind), kind_description=SCHEMA.node(rec.kind).description,
                   what_if_self=own, since=changes.since.name if changes else None,
                   travel=(changes.process(node_id) or changes.action(node_id)) if changes else None)


# -- heat map and dashboard -----------------------------------------------------
def _heat_context(hm: HeatMap | None, changes: Changes | None = None) -> dict[str, Any]:
    return {"heat": hm, "changes": changes, "lines": [(line, LINE_NAMES[line]) for line in LINES],
            "heat_legend": heat_legend(),
            "status_words": style.STATUS_WORDS, "status_colours": style.STATUS_COLOURS,
            "text_colour": style.text_colour, "recency_words": style.RECENCY_WORDS}


def heatmap_page(g: nx.MultiDiGraph, report: Report, area: str | None = None, *, page: int = 1,
                 asset_base: str | None = None, links: bool = False, changes: Changes | None = None) -> str:
    """The heat map of one area or all, HEAT_ROWS processes to a page; with the changes since a
    snapshot, each process's direction of travel."""
    hm = heat_map(g, report, area, page)
    return _render("heatmap.html", "heatmap", asset_base, links, title="Assurance heat map",
                   as_of=report.as_of, **_heat_context(hm, changes))


def coverage_by_area(report: Report) -> list[dict[str, Any]]:
    """Per area: how many processes are uncovered, weak and adequate, and their mean strength."""
    scores: dict[str, list[float]] = {}
    for a in report.assessments:
        scores.setdefault(a.area, []).append(a.score)
    return [{"area": area, "processes": row.processes, "counts": [(s, row.count(s)) for s in Status],
             "mean": sum(scores[area]) / len(scores[area])}
            for area, row in summarise(report).areas.items()]


def dashboard_page(g: nx.MultiDiGraph, report: Report, *, asset_base: str | None = None,
                   links: bool = True, changes: Changes | None = None) -> str:
    """Coverage by area, the findings (accepted ones apart), overdue actions and the heat map; with
    the changes since a snapshot, the direction of travel of each area, process and action."""
    link = urls.links_for(urls.map_url) if links else _inert
    processes = sum(1 for _, d in g.nodes(data=True) if d["kind"] == "Process")
    heat = _heat_context(heat_map(g, report) if processes <= HEAT_ROWS else None, changes)
    return _render("dashboard.html", "dashboard", asset_base, links, title="Assurance dashboard",
                   as_of=report.as_of, coverage=coverage_by_area(report),
                   triage=triage(g, report, links=link, changes=changes), rule_title=style.rule_title, **heat)


# -- import ---------------------------------------------------------------------
def import_page(adapters: tuple[str, ...], *, asset_base: str | None = None, links: bool = True) -> str:
    """Upload papers, see what was found, adjust the column map, then write or cancel (for editors)."""
    return _render("import.html", "import", asset_base, links, title="Import papers", as_of=dt.date.today(),
                   adapters=adapters)
