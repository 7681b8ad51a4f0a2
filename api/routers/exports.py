"""Exports: the graph as JSON or GraphML, findings as CSV or XLSX."""
import datetime as dt
import io
from typing import Any

import networkx as nx
from fastapi import APIRouter, Request
from fastapi.responses import Response

from graphmodel.gaps.model import Finding
from graphmodel.gaps.render import write_csv, xlsx_bytes

from ..deps import Analyst, Area, AsOf, RuleIds, StoreDep
from ..models import node_out
from ..problems import RESPONSES
from ..reports import report_for

router = APIRouter(prefix="/exports", tags=["exports"], responses={k: RESPONSES[k] for k in (401, 403, 503)})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/graph.json", summary="The whole graph as JSON", responses={200: {"content": {"application/json": {}}}})
def graph_json(store: StoreDep, _: Analyst) -> dict[str, Any]:
    g = store.export()
    return {"nodes": [node_out(d["node"]) for _, d in sorted(g.nodes(data=True))],
            "edges": [d["edge"].model_dump() for *_, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3])]}


@router.get("/graph.graphml", response_class=Response, summary="The whole graph as GraphML (for Gephi, yEd)",
            responses={200: {"content": {"application/graphml+xml": {}}}})
def graph_graphml(request: Request, store: StoreDep, _: Analyst, as_of: AsOf = None) -> Response:
    g = store.export()
    report = report_for(request, store, as_of=as_of)
    assessed = {a.process_id: a for a in report.assessments}
    found: dict[str, list[Finding]] = {}
    for f in report.findings:
        found.setdefault(f.node_id, []).append(f)
    flat: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node_id, d in g.nodes(data=True):  # GraphML holds plain values: dates as ISO text
        props = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in d["node"].properties().items()}
        a = assessed.get(node_id)
        gaps = {"class": a.status.value, "score": round(a.score, 6)} if a else {}
        if node_id in found:  # the rules that hold and their reasons, in plain words
            gaps["rules"] = ", ".join(f.rule for f in found[node_id])
            gaps["findings"] = "\n".join(f"{f.rule} ({f.severity.value}): {'; '.join(f.reasons)}"
                                          for f in found[node_id])
        flat.add_node(node_id, kind=d["kind"], **{k: v for k, v in props.items() if k != "id"}, **gaps)
    for s, t, k, d in g.edges(keys=True, data=True):
        flat.add_edge(s, t, key=k, rel=k, **({"note": d["edge"].note} if d["edge"].note else {}))
    flat.graph["as_of"] = report.as_of.isoformat()
    return _download("\n".join(nx.generate_graphml(flat, named_key_ids=True)).encode(), "application/graphml+xml",
                     f"assurance-map-{report.as_of}.graphml")


@router.get("/findings.csv", response_class=Response, summary="Findings as CSV, one a row",
            responses={200: {"content": {"text/csv": {}}}, 422: RESPONSES[422]})
def findings_csv(request: Request, store: StoreDep, _: Analyst, as_of: AsOf = None, rule: RuleIds = None,
                 area: Area = None) -> Response:
    report = report_for(request, store, as_of=as_of, rules=rule, area=area)
    out = io.StringIO()
    write_csv(report, out)
    return _download(out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", f"findings-{report.as_of}.csv")


@router.get("/findings.xlsx", response_class=Response, summary="Findings and process classes as a workbook",
            responses={200: {"content": {XLSX: {}}}, 422: RESPONSES[422]})
def findings_xlsx(request: Request, store: StoreDep, _: Analyst, as_of: AsOf = None, rule: RuleIds = None,
                  area: Area = None) -> Response:
    report = report_for(request, store, as_of=as_of, rules=rule, area=area)
    return _download(xlsx_bytes(report), XLSX, f"findings-{report.as_of}.xlsx")
