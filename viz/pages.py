"""Server-rendered pages as HTML strings: the network views, the heat map and the dashboard.

Every page is rendered with autoescaping on. Graph data travels to the page script as
JSON inside a non-executed <script> element, with <, >, & and the JavaScript line
separators escaped so user text can never close the element. With `asset_base=None`
assets are inlined and the page stands alone; otherwise it links to `asset_base/NAME`.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from markupsafe import Markup

from graphmodel.gaps.model import Report, Status
from graphmodel.gaps.summary import summarise
from graphmodel.schema import LINE_NAMES, LINES, SCHEMA

from . import assets, scope, style, urls
from .heatmap import HeatMap, heat_map
from .heatmap import legend as heat_legend
from .network import NO_STATUS, build_network, network_data
from .shapes import swatch

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
    for name in assets.page_assets(page):
        kind = "style" if name.endswith(".css") else "script"
        if asset_base is None:
            out.append({"kind": kind, "text": Markup(assets.inline_text(name)), "url": None})
        else:
            out.append({"kind": kind, "text": None, "url": f"{asset_base.rstrip('/')}/{name}"})
    return out


def _render(template: str, page: str, asset_base: str | None, links: bool, **context: Any) -> str:
    return _ENV.get_template(template).render(assets=_assets(page, asset_base), links=links, urls=urls,
                                              **context)


def _kinds_legend() -> list[dict[str, Any]]:
    return [{"name": k.name, "description": k.description, "icon": swatch(k.style.shape, k.style.colour)}
            for k in SCHEMA.nodes]


def _edges_legend() -> list[dict[str, Any]]:
    return [{"name": e.name, "description": e.description, "icon": swatch("line", e.colour)} for e in SCHEMA.edges]


def _status_legend() -> list[dict[str, Any]]:
    return [{"value": s.value, "words": style.STATUS_WORDS[s], "icon": swatch("ellipse", style.STATUS_COLOURS[s])}
            for s in Status]


# -- network views --------------------------------------------------------------
def network_page(g: nx.MultiDiGraph, report: Report, *, title: str, subtitle: str = "",
                 asset_base: str | None = None, links: bool = False, large: bool | None = None) -> str:
    """An interactive view of `g` with filters by kind, area and status, search, legend and tooltips."""
    net = build_network(g, report, large=large)
    areas = sorted({a for n in net.nodes for a in n["areas"]})
    return _render(
        "network.html", "network", asset_base, links,
        title=title, subtitle=subtitle, as_of=report.as_of,
        node_count=g.number_of_nodes(), edge_count=g.number_of_edges(),
        data=safe_json(network_data(net)),
        kinds=_kinds_legend(), edge_kinds=_edges_legend(), statuses=_status_legend(), areas=areas,
        no_status=NO_STATUS,
    )


def map_page(g: nx.MultiDiGraph, report: Report, **kw: Any) -> str:
    return network_page(g, report, title="Assurance map", subtitle="The whole map", **kw)


def area_page(g: nx.MultiDiGraph, report: Report, area: str, **kw: Any) -> str:
    return network_page(scope.area_view(g, area), report, title=f"Assurance map: {area}",
                        subtitle="The processes of this area and everything linked to them", **kw)


def node_page(g: nx.MultiDiGraph, report: Report, node_id: str, depth: int = 2, **kw: Any) -> str:
    """`g` may be the whole map or already the store's neighbourhood of the node."""
    sub = scope.neighbourhood_view(g, node_id, depth)
    label = sub.nodes[node_id]["node"].label
    return network_page(sub, report, title=f"Around {label} ({node_id})",
                        subtitle=f"Everything within {depth} link(s)", **kw)


def gaps_page(g: nx.MultiDiGraph, report: Report, **kw: Any) -> str:
    return network_page(scope.gaps_view(g, report), report, title="Gaps",
                        subtitle="Nodes with findings, and what they link to", **kw)


def chain_page(g: nx.MultiDiGraph, report: Report, process_id: str, **kw: Any) -> str:
    sub = scope.chain_view(g, process_id)
    label = sub.nodes[process_id]["node"].label
    return network_page(sub, report, title=f"Oversight chain: {label} ({process_id})",
                        subtitle="Its sources, the meetings they report to up to the panel, "
                                 "and the meetings that oversee it", **kw)


# -- heat map and dashboard -----------------------------------------------------
def _heat_context(hm: HeatMap) -> dict[str, Any]:
    return {"heat": hm, "lines": [(line, LINE_NAMES[line]) for line in LINES], "heat_legend": heat_legend(),
            "status_words": style.STATUS_WORDS, "status_colours": style.STATUS_COLOURS,
            "text_colour": style.text_colour, "recency_words": style.RECENCY_WORDS}


def heatmap_page(g: nx.MultiDiGraph, report: Report, area: str | None = None, *,
                 asset_base: str | None = None, links: bool = False) -> str:
    hm = heat_map(g, report, area)
    return _render("heatmap.html", "heatmap", asset_base, links, title="Assurance heat map",
                   as_of=report.as_of, **_heat_context(hm))


def coverage_by_area(report: Report) -> list[dict[str, Any]]:
    """Per area: how many processes are uncovered, weak and adequate, and their mean strength."""
    scores: dict[str, list[float]] = {}
    for a in report.assessments:
        scores.setdefault(a.area, []).append(a.score)
    return [{"area": area, "processes": row.processes, "counts": [(s, row.count(s)) for s in Status],
             "mean": sum(scores[area]) / len(scores[area])}
            for area, row in summarise(report).areas.items()]


def dashboard_page(g: nx.MultiDiGraph, report: Report, *, asset_base: str | None = None,
                   links: bool = True) -> str:
    severity_order = {"high": 0, "medium": 1, "low": 2}
    findings = sorted(report.findings, key=lambda f: (severity_order[f.severity.value], f.rule, f.node_id))
    rules = sorted(Counter(f.rule for f in report.findings).items(), key=lambda kv: (len(kv[0]), kv[0]))
    return _render("dashboard.html", "dashboard", asset_base, links, title="Assurance dashboard",
                   as_of=report.as_of, coverage=coverage_by_area(report), rules=rules, findings=findings,
                   severity_colours={s.value: c for s, c in style.SEVERITY_COLOURS.items()},
                   rule_title=style.rule_title,
                   **_heat_context(heat_map(g, report)))
