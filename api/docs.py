"""API documentation that needs no internet: Swagger UI at /docs and ReDoc at /redoc, their
scripts served from this package (as shipped by the fastapi-offline package), and every
operation described with examples that work on the bundled demo map (`assurance-map demo`).

The pages carry no inline script, so a Content-Security-Policy of script-src 'self' holds."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response

from graphmodel.errors import NotFound
from loaders.bundled import DEMO_SNAPSHOT
from viz import urls

from .deps import Public

_VENDOR = Path(fastapi_offline.__file__).resolve().parent / "static"
_OWN = Path(__file__).resolve().parent / "static"
ASSETS = {
    "swagger-ui-bundle.js": _VENDOR / "swagger-ui-bundle.js",
    "swagger-ui.css": _VENDOR / "swagger-ui.css",
    "redoc.standalone.js": _VENDOR / "redoc.standalone.js",
    "swagger-init.js": _OWN / "swagger-init.js",
}
ASSET_BASE = "/docs/assets"
# Scripts only from here; ReDoc's footer asks for a logo from its makers' site, which this blocks.
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'self'")
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

SWAGGER = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>assurance-map API</title>
<link rel="stylesheet" href="{ASSET_BASE}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-spec="/openapi.json"></div>
<script src="{urls.asset_url("session.js")}"></script>
<script src="{ASSET_BASE}/swagger-ui-bundle.js"></script>
<script src="{ASSET_BASE}/swagger-init.js"></script></body></html>"""

REDOC = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>assurance-map API</title></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="{ASSET_BASE}/redoc.standalone.js"></script></body></html>"""

# -- examples: ids of the bundled demo map, so "Try it out" works on `assurance-map demo` ----
DEMO_IDS = {"Process": "IQ-P1", "AssuranceSource": "IQ-S3", "Meeting": "SAB", "Commitment": "PCP-1",
            "Risk": "IQ-R1", "Action": "IQ-A1"}
NEW_NODES: dict[str, dict[str, Any]] = {
    "Process": {"id": "PE-P7", "name": "Occupational health referrals", "area": "People",
                "owner": "Head of HR", "criticality": "medium"},
    "AssuranceSource": {"id": "PE-S10", "name": "Internal audit of occupational health", "line": 3,
                        "provider": "Internal audit", "opinion": "reasonable", "last_assured": "2025-11-30",
                        "frequency": "annual"},
    "Meeting": {"id": "WFB", "name": "Workforce Board", "frequency": "quarterly", "chair": "Director of People"},
    "Commitment": {"id": "PCP-5", "title": "Support the wellbeing of officers and staff", "theme": "People",
                   "plan": "Police and Crime Plan 2025-29"},
    "Risk": {"id": "PE-R2", "title": "Sickness absence rises above tolerance", "score": 12,
             "owner": "Director of People"},
    "Action": {"id": "PE-A3", "title": "Launch a wellbeing programme", "owner": "Head of HR",
               "target_date": "2026-09-30", "status": "amber"},
}
PARAMS: dict[str, Any] = {
    "area": "People", "process_id": "PE-P4", "rule_id": "G1", "rule": ["G1", "G3"], "as_of": "2026-03-31",
    "rel": "ASSURES", "direction": "in", "offset": 0, "limit": 100, "explain": True, "expand": "People", "page": 1,
    "plans": True, "depth": 2, "withdraw": ["IQ-S3"], "fmt": "png", "dry_run": True, "adapter": "auto",
    "source": "IQ-S3", "target": "IQ-P1", "since": DEMO_SNAPSHOT, "name": DEMO_SNAPSHOT,
    "token": "token-returned-by-POST-imports-preview",  # staged imports are made by a preview, not the demo map
}
# Where a parameter's example differs by operation.
OPERATION_PARAMS: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/papers/current.{fmt}"): {"fmt": "pdf"},
    ("delete", "/acceptances"): {"rule": "G1", "node_id": "PE-P4"},
}
BODIES = {
    ("post", "/edges"): {"source": "IQ-S3", "rel": "ASSURES", "target": "IQ-P2", "note": "Covers both processes"},
    ("post", "/gaps"): {"as_of": "2026-03-31", "rules": ["G1", "G3"], "area": "People", "explain": True,
                        "policy": {"independent_months": 24}},
    ("post", "/gaps/what-if"): {"withdraw": ["IQ-S3"], "opinions": {"PE-S2": "limited"}, "as_of": "2026-03-31"},
    ("post", "/imports/{token}"): {"adapter": "auto", "prefix": "TV",
                                   "columns": {"R/A/G": "status", "Officer remarks": "update", "Quarter": "ignore"}},
    ("post", "/snapshots"): {"name": "JARAP June 2026", "as_of": "2026-06-30"},
}


def _review_date() -> str:
    """An acceptance's review date must be in the future: half a year from the day the docs are made."""
    return (dt.date.today() + dt.timedelta(days=182)).isoformat()


DESCRIPTIONS = {
    ("get", "/health"): "Whether the service can reach its store, with counts of nodes and edges by kind. "
                        "Needs no key.",
    ("get", "/edges"): "Every edge, optionally of one kind, in pages. Needs the viewer role.",
    ("delete", "/edges"): "Removes one edge, named by its two ends and kind. Needs the editor role.",
    ("get", "/gaps"): "Every finding with its plain-words reasons, each process's class and strength score, and "
                      "counts per rule, class and area. `rule=G1,G3` or `rule=G1&rule=G3` narrows the rules. "
                      "Needs the viewer role.",
    ("post", "/gaps"): "As GET /gaps, under policy settings given in the body (any of GET /gaps/policy). "
                       "Needs the analyst role.",
    ("get", "/gaps/rules"): "The rules G1 to G10: what each finds, the kind it reports and its severity under "
                            "the effective policy. Needs the viewer role.",
    ("get", "/gaps/policy"): "Every threshold, period, weight, factor and severity the rules use. Needs the "
                             "viewer role.",
    ("get", "/gaps/rules/{rule_id}"): "The findings of one rule. Needs the viewer role.",
    ("get", "/gaps/areas/{area}"): "Findings and classes for the processes of one area (any case). Needs the "
                                   "viewer role.",
    ("get", "/exports/graph.json"): "The whole map as nodes and edges in JSON. Needs the analyst role.",
    ("get", "/exports/graph.graphml"): "The whole map as GraphML for Gephi or yEd, with each process's class, "
                                       "score and findings. Needs the analyst role.",
    ("get", "/exports/findings.csv"): "Findings, one a row, with the same columns as the workbook. Needs the "
                                      "analyst role.",
    ("get", "/exports/findings.xlsx"): "Findings and process classes as a workbook with a frozen header, filters "
                                       "and widths. Needs the analyst role.",
    ("get", "/dashboard"): "The dashboard page: coverage per area, the findings to sort and filter, overdue "
                           "actions by risk, and the heat map. Needs the viewer role.",
    ("get", "/views/map"): "The whole map as a page, read left to right. Large maps open one box per area; "
                           "`expand` opens one. Needs the viewer role.",
    ("get", "/views/gaps"): "The items with findings and what they link to, as a page. Needs the viewer role.",
    ("get", "/views/area/{area}"): "One area's processes, what they serve, their sources and the meetings up to "
                                   "the panel, as a page. Needs the viewer role.",
    ("get", "/views/node/{node_id}"): "Everything within `depth` links of one item, centred on it. Needs the "
                                      "viewer role.",
    ("get", "/views/chain/{process_id}"): "A process's oversight chain from its sources up to the audit panel, "
                                          "with where it breaks in words. Needs the viewer role.",
    ("get", "/views/heatmap"): "Processes against lines 1 to 4, coloured by the best opinion and its recency. "
                               "Needs the viewer role.",
    ("get", "/views/heatmap.{fmt}"): "The heat map as a PNG or SVG image for panel papers, per area on large "
                                     "maps. Needs the viewer role.",
    ("get", "/audit"): "Every write (import, edit, delete, snapshot, acceptance): who, when and what, oldest "
                       "first. Needs the admin role.",
    ("get", "/snapshots"): "Every snapshot of the map and its gap report, by as-of date. Needs the viewer role.",
    ("post", "/snapshots"): "Freezes the whole map and its gap report under a new name (409 when the name is "
                            "taken, whatever its case). Needs the editor role; recorded in the audit log.",
    ("get", "/snapshots/{name}"): "One snapshot and the gap report it froze. Needs the viewer role.",
    ("delete", "/snapshots/{name}"): "Deletes a snapshot. Needs the admin role; recorded in the audit log.",
    ("get", "/changes"): "The direction of travel since a snapshot (default: the latest at or before the as-of "
                         "date): every process, area and action improved, worsened, unchanged, new or removed; "
                         "findings new, resolved and persisting; nodes added, removed and changed. Needs the viewer "
                         "role.",
    ("get", "/acceptances"): "The gaps the panel has accepted, each in force, due for review, lapsed (and why) or "
                             "resolved. Needs the viewer role.",
    ("post", "/acceptances"): "Accepts a finding that holds today until a review date; it stays in every report, "
                              "marked, until then or until its evidence changes. Needs the editor role; recorded "
                              "in the audit log.",
    ("delete", "/acceptances"): "Withdraws the acceptance of a gap. Needs the editor role; recorded in the audit "
                                "log.",
    ("get", "/papers/current.{fmt}"): "The panel paper as PDF or Word: coverage with its direction of travel, the "
                                      "heat map, high-severity findings with owners, changes since the snapshot, "
                                      "accepted gaps, overdue actions by risk and every finding. Needs the viewer "
                                      "role.",
}
NODE_DESCRIPTIONS = {
    "get": "Reads need the viewer role.", "post": "Writes need the editor role and are recorded in the audit log.",
    "put": "Writes need the editor role and are recorded in the audit log.",
    "delete": "Deletes need the editor role and are recorded in the audit log.",
}


def _kind_of(path: str) -> str | None:
    parts = path.split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "nodes" else None


def enrich(spec: dict[str, Any]) -> None:
    """Fill in descriptions and examples for every operation of the OpenAPI document."""
    for path, ops in spec["paths"].items():
        kind = _kind_of(path)
        for method, op in ops.items():
            if not op.get("description"):
                op["description"] = DESCRIPTIONS.get((method, path)) or (
                    f"{op.get('summary', '')}. {NODE_DESCRIPTIONS[method]}" if kind else op.get("summary", ""))
            own = OPERATION_PARAMS.get((method, path), {})
            for p in op.get("parameters", []):
                if "example" in p or p["in"] in ("header", "cookie"):
                    continue
                if p["name"] in own:
                    p["example"] = own[p["name"]]
                elif p["name"] == "node_id":
                    p["example"] = DEMO_IDS.get(kind or "", "PE-P4")
                elif p["name"] in PARAMS and not (kind and p["name"] in ("area", "source", "target")):
                    p["example"] = PARAMS[p["name"]]
            if kind and method == "get" and path == f"/nodes/{kind}":
                for p in op.get("parameters", []):
                    if p["name"] == {"Process": "area", "AssuranceSource": "line"}.get(kind):
                        p["example"] = "People" if kind == "Process" else 3
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                example = BODIES.get((method, path))
                if (method, path) == ("post", "/acceptances"):
                    example = {"rule": "G1", "node_id": "PE-P4", "by": "JARAP, 31 March 2026",
                               "reason": "Leavers are checked in the HR audit planned for next year",
                               "review": _review_date()}
                elif kind and method == "post":
                    example = NEW_NODES[kind]
                elif kind and method == "put":
                    example = {**NEW_NODES[kind], "id": DEMO_IDS[kind]}
                if example is not None:
                    body["example"] = example


def install(app: FastAPI) -> None:
    """Serve /docs, /redoc and their assets."""
    @app.get("/docs", include_in_schema=False)
    def swagger(_: Public) -> HTMLResponse:
        return HTMLResponse(SWAGGER, headers={"Content-Security-Policy": POLICY})

    @app.get("/redoc", include_in_schema=False)
    def redoc(_: Public) -> HTMLResponse:
        return HTMLResponse(REDOC, headers={"Content-Security-Policy": POLICY})

    @app.get(ASSET_BASE + "/{name}", include_in_schema=False)
    def asset(name: str, _: Public) -> Response:
        path = ASSETS.get(name)
        if path is None:
            raise NotFound(f"asset {name!r}")
        return Response(path.read_bytes(), media_type=_TYPES[path.suffix],
                        headers={"Cache-Control": "public, max-age=86400"})
