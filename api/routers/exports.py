"""Exports: the graph as JSON or GraphML, findings as CSV or XLSX; each within a budget and kept
while the map is the same (api.costly)."""
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import networkx as nx
from fastapi import APIRouter, Request
from fastapi.responses import Response

from graphmodel.gaps.model import Finding
from graphmodel.gaps.render import write_csv, xlsx_bytes
from graphmodel.store import Store
from graphmodel.text import xml_safe

from ..costly import Costly
from ..deps import Analyst, Area, AsOf, RuleIds, StoreDep
from ..models import GraphOut, node_out
from ..reports import report_for

router = APIRouter(prefix="/exports", tags=["exports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = {"schema": {"type": "string"}}
BYTES = {"schema": {"type": "string", "format": "binary"}}


def _export(request: Request, store: Store, key: tuple[Any, ...], make: Callable[[], bytes], media_type: str,
            filename: str | None = None) -> Response:
    """An export within the budget, made in turn, kept while the map is the same (api.costly)."""
    costly: Costly = request.app.state.costly
    costly.check_size(store, "an export")
    body = costly.body(store, key, make, media_type, compressible=media_type != XLSX)
    return body.response(request, {"Content-Disposition": f'attachment; filename="{filename}"'} if filename else None)


@router.get("/graph.json", response_model=GraphOut, name="export_graph_json", summary="The whole graph as JSON")
def graph_json(request: Request, store: StoreDep, _: Analyst) -> Response:
    def make() -> bytes:
        g = store.export()
        return json.dumps({
            "nodes": [node_out(d["node"]) for _, d in sorted(g.nodes(data=True))],
            "edges": [d["edge"].model_dump() for *_, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3])]},
            ensure_ascii=False, separators=(",", ":"), default=str).encode()

    return _export(request, store, ("graph.json",), make, "application/json")


@router.get("/graph.graphml", response_class=Response, name="export_graph_graphml",
            summary="The whole graph as GraphML (for Gephi, yEd)",
            responses={200: {"content": {"application/graphml+xml": TEXT}}})
def graph_graphml(request: Request, store: StoreDep, _: Analyst, as_of: AsOf = None) -> Response:
    day = as_of or dt.date.today()
    return _export(request, store, ("graph.graphml", day), lambda: _graphml(request, store, day),
                   "application/graphml+xml", f"assurance-map-{day}.graphml")


def _graphml(request: Request, store: Store, as_of: dt.date) -> bytes:
    g = store.export()
    report = report_for(request, store, as_of=as_of)
    assessed = {a.process_id: a for a in report.assessments}
    found: dict[str, list[Finding]] = {}
    for f in report.findings:
        found.setdefault(f.node_id, []).append(f)
    flat: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node_id, d in g.nodes(data=True):  # GraphML holds plain values: dates as ISO text, text XML can carry
        props = {k: v.isoformat() if isinstance(v, dt.date) else xml_safe(v) if isinstance(v, str) else v
                 for k, v in d["node"].properties().items()}
        a = assessed.get(node_id)
        gaps = {"class": a.status.value, "score": round(a.score, 6)} if a else {}
        if node_id in found:  # the rules that hold and their reasons, in plain words
            gaps["rules"] = ", ".join(f.rule for f in found[node_id])
            gaps["findings"] = xml_safe("\n".join(f"{f.rule} ({f.severity.value}): {'; '.join(f.reasons)}"
                                                   for f in found[node_id]))
        flat.add_node(xml_safe(node_id), kind=d["kind"], **{k: v for k, v in props.items() if k != "id"}, **gaps)
    for s, t, k, d in g.edges(keys=True, data=True):
        note = {"note": xml_safe(d["edge"].note)} if d["edge"].note else {}
        flat.add_edge(xml_safe(s), xml_safe(t), key=k, rel=k, **note)
    flat.graph["as_of"] = report.as_of.isoformat()
    return "\n".join(nx.generate_graphml(flat, named_key_ids=True)).encode()


@router.get("/findings.csv", response_class=Response, name="export_findings_csv", summary="Findings as CSV, one a row",
            responses={200: {"content": {"text/csv": TEXT}}})
def findings_csv(request: Request, store: StoreDep, _: Analyst, as_of: AsOf = None, rule: RuleIds = None,
                 area: Area = None) -> Response:
    report = report_for(request, store, as_of=as_of, rules=rule, area=area)

    def make() -> bytes:
        out = io.StringIO()
        write_csv(report, out)
        return out.getvalue().encode("utf-8-sig")

    return _export(request, store, ("findings.csv", report.as_of, tuple(rule or ()), area), make,
                   "text/csv; charset=utf-8", f"findings-{report.as_of}.csv")


@router.get("/findings.xlsx", response_class=Response, name="export_findings_xlsx",
            summary="Findings and process classes as a workbook",
            responses={200: {"content": {XLSX: BYTES}}})
def findings_xlsx(request: Request, store: StoreDep, _: Analyst, as_of: AsOf = None, rule: RuleIds = None,
                  area: Area = None) -> Response:
    report = report_for(request, store, as_of=as_of, rules=rule, area=area)
    return _export(request, store, ("findings.xlsx", report.as_of, tuple(rule or ()), area),
                   lambda: xlsx_bytes(report), XLSX, f"findings-{report.as_of}.xlsx")
