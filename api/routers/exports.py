"""Exports: the graph as JSON or GraphML, findings as CSV or XLSX."""
import datetime as dt
import io
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from graphmodel.gaps.command import write_csv

from ..deps import Analyst, AsOf, StoreDep
from ..models import node_out
from ..problems import RESPONSES
from ..reports import report_for

router = APIRouter(prefix="/exports", tags=["exports"], responses={k: RESPONSES[k] for k in (401, 403, 503)})
Rules = Annotated[list[str] | None, Query(description="Only these rules, e.g. rule=G1&rule=G3.")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _append(ws, values: list) -> None:
    """A row of user text kept as text: control characters Excel refuses are dropped, and text
    that starts like a formula is stored as a string, not a formula."""
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@"):
            cell.data_type = "s"


@router.get("/graph.json", summary="The whole graph as JSON", responses={200: {"content": {"application/json": {}}}})
def graph_json(store: StoreDep, _: Analyst) -> dict[str, Any]:
    g = store.export()
    return {"nodes": [node_out(d["node"]) for _, d in sorted(g.nodes(data=True))],
            "edges": [d["edge"].model_dump() for *_, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3])]}


@router.get("/graph.graphml", response_class=Response, summary="The whole graph as GraphML (for Gephi, yEd)",
            responses={200: {"content": {"application/graphml+xml": {}}}})
def graph_graphml(store: StoreDep, _: Analyst) -> Response:
    g = store.export()
    flat: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node_id, d in g.nodes(data=True):  # GraphML holds plain values: dates as ISO text
        props = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in d["node"].properties().items()}
        flat.add_node(node_id, kind=d["kind"], **{k: v for k, v in props.items() if k != "id"})
    for s, t, k, d in g.edges(keys=True, data=True):
        flat.add_edge(s, t, key=k, rel=k, **({"note": d["edge"].note} if d["edge"].note else {}))
    return _download("\n".join(nx.generate_graphml(flat)).encode(), "application/graphml+xml", "assurance-map.graphml")


@router.get("/findings.csv", response_class=Response, summary="Findings as CSV, one a row",
            responses={200: {"content": {"text/csv": {}}}, 422: RESPONSES[422]})
def findings_csv(request: Request, store: StoreDep, _: Analyst, as_of: AsOf = None, rule: Rules = None,
                 area: str | None = None) -> Response:
    report = report_for(request, store, as_of=as_of, rules=rule, area=area)
    out = io.StringIO()
    write_csv(report, out)
    return _download(out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8", f"findings-{report.as_of}.csv")


@router.get("/findings.xlsx", response_class=Response, summary="Findings and process classes as a workbook",
            responses={200: {"content": {XLSX: {}}}, 422: RESPONSES[422]})
def findings_xlsx(request: Request, store: StoreDep, _: Analyst, as_of: AsOf = None, rule: Rules = None,
                  area: str | None = None) -> Response:
    report = report_for(request, store, as_of=as_of, rules=rule, area=area)
    wb = Workbook()
    sheet = wb.active
    sheet.title = "Findings"
    sheet.append(["rule", "severity", "kind", "node_id", "name", "area", "reasons"])
    for f in report.findings:
        _append(sheet, [f.rule, f.severity.value, f.kind, f.node_id, f.label, f.area or "", "\n".join(f.reasons)])
    processes = wb.create_sheet("Processes")
    processes.append(["process_id", "name", "area", "class", "score", "rules"])
    for a in report.assessments:
        _append(processes, [a.process_id, a.name, a.area, a.status.value, round(a.score, 3), ", ".join(a.rules)])
    buf = io.BytesIO()
    wb.save(buf)
    return _download(buf.getvalue(), XLSX, f"findings-{report.as_of}.xlsx")
