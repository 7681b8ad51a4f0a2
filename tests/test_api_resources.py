"""Imports, gap queries, exports and pages over HTTP, on both stores."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from api.auth import digest
from api.settings import Settings
from loaders.bundled import demo_paths
from tests.test_api import KEYS, ORDER, as_role
from tests.test_store_conformance import snapshot

AS_OF = "2026-12-01"


def demo_files():
    return [("files", (p.name, p.read_bytes())) for p in demo_paths()]


@pytest.fixture
def client(store, tmp_path):
    with TestClient(create_app(Settings(audit_log=tmp_path / "audit.jsonl"), store)) as c:
        assert c.post("/imports", files=demo_files()).status_code == 200
        yield c


def latest_audit(client, n: int = 1) -> list[dict]:
    """The last n entries of the audit log, oldest first (on Neo4j the log outlives each test's map)."""
    return client.get("/audit", params={"newest_first": True, "limit": n}).json()[::-1]


def test_import_dry_run_writes_nothing(store, tmp_path):
    with TestClient(create_app(Settings(audit_log=tmp_path / "a.jsonl"), store)) as c:
        before = latest_audit(c)
        r = c.post("/imports", files=demo_files(), params={"dry_run": True})
        assert r.status_code == 200 and r.json()["dry_run"] and not r.json()["written"]
        assert store.counts().total_nodes == 0
        assert latest_audit(c) == before


def test_import_errors_name_the_uploaded_file_and_change_nothing(client, store):
    before = snapshot(store)
    bad = b"id,name,line,assures\nS-NEW,New source,7,PE-P1\n"
    r = client.post("/imports", files=[("files", ("assurance_sources.csv", bad))])
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["errors"][0]["loc"][:3] == ["assurance_sources.csv", "assurance_sources", 2]
    assert problem["report"]["files"] == ["assurance_sources.csv"]
    assert snapshot(store) == before


def test_import_too_large_is_413(store, tmp_path):
    app = create_app(Settings(audit_log=tmp_path / "a.jsonl", max_upload_mb=0.01), store)
    with TestClient(app) as c:
        r = c.post("/imports", files=[("files", ("risks.csv", b"id,title\n" + b"R1,x\n" * 5000))])
        assert r.status_code == 413 and "limit" in r.json()["detail"]
    assert store.counts().total_nodes == 0


def test_imports_are_audited(client):
    [entry] = latest_audit(client)
    assert entry["action"] == "import" and "people.yaml" in entry["what"]["files"]


def test_gap_report_fires_every_rule(client):
    body = client.get("/gaps", params={"as_of": AS_OF}).json()
    assert body["as_of"] == AS_OF and body["policy"]["independent_months"] == 36
    assert all(body["summary"]["by_rule"][r] > 0 for r in [f"G{i}" for i in range(1, 11)])
    assert {a["status"] for a in body["assessments"]} == {"uncovered", "weak", "adequate"}


def test_one_rule_one_area_one_node(client):
    g3 = client.get("/gaps/rules/G3", params={"as_of": AS_OF}).json()
    assert g3["findings"] and {f["rule"] for f in g3["findings"]} == {"G3"}
    people = client.get("/gaps/areas/People", params={"as_of": AS_OF}).json()
    assert {a["area"] for a in people["assessments"]} == {"People"}
    pid = people["assessments"][0]["process_id"]
    one = client.get(f"/gaps/nodes/{pid}", params={"as_of": AS_OF}).json()
    assert [a["process_id"] for a in one["assessments"]] == [pid] and "explanation" in one["assessments"][0]
    assert client.get("/gaps/rules/G99").status_code == 422  # a closed vocabulary: the schema lists the rules
    assert client.get("/gaps/areas/Finance").status_code == 404
    assert client.get("/gaps/nodes/nope").status_code == 404


def test_policy_in_the_request(client):
    strict = client.post("/gaps", json={"as_of": AS_OF, "policy": {"independent_months": 1}, "rules": ["G3"]}).json()
    lax = client.post("/gaps", json={"as_of": AS_OF, "policy": {"independent_months": 600}, "rules": ["G3"]}).json()
    assert len(strict["findings"]) > len(lax["findings"]) and strict["policy"]["independent_months"] == 1
    bad = client.post("/gaps", json={"policy": {"independent_months": -1, "colour": "red"}})
    assert bad.status_code == 422 and len(bad.json()["errors"]) == 2


def test_what_if_changes_nothing_in_the_store(client, store):
    before = snapshot(store)
    people = client.get("/gaps/areas/People", params={"as_of": AS_OF, "explain": True}).json()
    covered = next(a for a in people["assessments"] if a["sources"])
    sources = [s["source_id"] for s in covered["sources"]]
    r = client.post("/gaps/what-if", json={"withdraw": sources, "as_of": AS_OF}).json()
    change = next(c for c in r["changes"] if c["process_id"] == covered["process_id"])
    assert change["after"] == "uncovered" and change["score_after"] == 0
    assert snapshot(store) == before
    assert client.post("/gaps/what-if", json={"withdraw": ["no-such-source"]}).status_code == 404


def test_exports(client, store):
    graph = client.get("/exports/graph.json").json()
    assert len(graph["nodes"]) == store.counts().total_nodes and len(graph["edges"]) == store.counts().total_edges
    graphml = client.get("/exports/graph.graphml")
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.fromstring(graphml.content)
    assert len(root.findall(".//g:node", ns)) == store.counts().total_nodes
    csv_text = client.get("/exports/findings.csv", params={"as_of": AS_OF}).content.decode("utf-8-sig")
    findings = client.get("/gaps", params={"as_of": AS_OF}).json()["findings"]
    assert len(csv_text.strip().splitlines()) == len(findings) + 1
    wb = load_workbook(io.BytesIO(client.get("/exports/findings.xlsx", params={"as_of": AS_OF}).content))
    assert wb["Findings"].max_row == len(findings) + 1 and wb["Processes"].max_row == 11
    header = csv_text.splitlines()[0].split(",")
    assert [c.value for c in wb["Findings"][1]] == header  # the same column names in both
    for ws in wb.worksheets:  # ready to work with: header frozen, filters on, columns sized
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
        assert ws[1][0].font.bold and all(ws.column_dimensions[c].width >= 8 for c in "ABCDE")
    reasons = wb["Findings"].column_dimensions["G"].width
    assert 20 < reasons <= 80


def test_graphml_carries_class_score_and_findings(client, store):
    report = client.get("/gaps", params={"as_of": AS_OF}).json()
    root = ET.fromstring(client.get("/exports/graph.graphml", params={"as_of": AS_OF}).content)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {k.get("id"): k.get("attr.name") for k in root.findall("g:key", ns)}
    assert {"class", "score", "rules", "findings", "kind"} <= set(keys.values())
    nodes = {n.get("id"): {keys[d.get("key")]: d.text or "" for d in n.findall("g:data", ns)}
             for n in root.findall(".//g:node", ns)}
    for a in report["assessments"]:
        node = nodes[a["process_id"]]
        assert node["class"] == a["status"] and abs(float(node["score"]) - a["score"]) < 1e-6
    for f in report["findings"]:
        assert f["rule"] in nodes[f["node_id"]]["rules"] and f["reasons"][0] in nodes[f["node_id"]]["findings"]


def test_rules_may_be_given_comma_separated(client):
    both = client.get("/gaps", params={"rule": "G1,G3", "as_of": AS_OF}).json()
    apart = client.get("/gaps", params=[("rule", "G1"), ("rule", "G3"), ("as_of", AS_OF)]).json()
    assert both["findings"] == apart["findings"] and {f["rule"] for f in both["findings"]} == {"G1", "G3"}
    csv_text = client.get("/exports/findings.csv", params={"rule": "G1, G3", "as_of": AS_OF}).content
    rows = csv_text.decode("utf-8-sig").splitlines()[1:]
    assert rows and {r.split(",")[0] for r in rows} <= {"G1", "G3"}
    bad = client.get("/gaps", params={"rule": "G1,G99,g3"})
    assert bad.status_code == 422 and [e["value"] for e in bad.json()["errors"]] == ["G99", "g3"]


PAGES = ["/dashboard", "/views/map", "/views/gaps", "/views/heatmap", "/views/area/People",
         "/views/node/PE-P1?depth=1", "/views/chain/PE-P1"]


@pytest.mark.parametrize("url", PAGES)
def test_pages(client, url):
    r = client.get(url)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<html" in r.text and "https://" not in r.text.split("</head>")[0]


def test_heatmap_images(client):
    png = client.get("/views/heatmap.png")
    assert png.headers["content-type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get("/views/heatmap.svg")
    assert svg.headers["content-type"] == "image/svg+xml" and b"<svg" in svg.content


def test_unknown_ids_in_pages_are_404(client):
    assert client.get("/views/node/nope").status_code == 404
    assert client.get("/views/chain/nope").status_code == 404


# -- roles on these routes ------------------------------------------------------------------------

@pytest.fixture
def keyed(store, tmp_path):
    entries = ",".join(f"{r}-user:{r}:{digest(k)}" for r, k in KEYS.items())
    with TestClient(create_app(Settings(audit_log=tmp_path / "a.jsonl", api_keys=entries), store)) as c:
        yield c


ROUTES = [("get", "/dashboard", "viewer"), ("get", "/views/map", "viewer"), ("get", "/views/heatmap.svg", "viewer"),
          ("get", "/gaps/rules", "viewer"), ("get", "/gaps", "viewer"), ("post", "/gaps", "analyst"),
          ("post", "/gaps/what-if", "analyst"),
          ("get", "/exports/graph.json", "analyst"), ("get", "/exports/findings.csv", "analyst"),
          ("post", "/imports", "editor")]


@pytest.mark.parametrize("method, url, least", ROUTES, ids=[f"{m} {u}" for m, u, _ in ROUTES])
def test_role_boundaries(keyed, method, url, least):
    kwargs: dict[str, Any] = {"json": {}} if method == "post" else {}
    if url == "/imports":
        kwargs = {"files": [("files", ("risks.csv", b"id,title\nR-ROLE,t\n"))]}
    assert keyed.request(method, url, **kwargs).status_code == 401
    for role in ORDER:
        r = keyed.request(method, url, headers=as_role(role), **kwargs)
        if ORDER.index(role) >= ORDER.index(least):
            assert r.status_code == 200, (role, r.status_code, r.text[:300])
        else:
            assert r.status_code == 403, (role, r.status_code)


def test_browser_sign_in(keyed):
    r = keyed.get("/dashboard", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/dashboard"
    wrong = keyed.post("/login", data={"key": "nope", "next": "/dashboard"}, follow_redirects=False)
    assert "error=1" in wrong.headers["location"]
    right = keyed.post("/login", data={"key": KEYS["viewer"], "next": "//evil.example/x"}, follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/dashboard"
    assert "httponly" in right.headers["set-cookie"].lower()
    assert keyed.get("/dashboard").status_code == 200  # the cookie now signs the browser in


def test_reports_follow_every_change_to_the_map(client, store):
    before = client.get("/gaps", params={"rule": "G1"}).json()
    assert client.get("/gaps", params={"rule": "G1"}).json() == before  # asked twice, answered alike
    client.post("/nodes/Process", json={"id": "PE-NEW", "name": "Overtime claims", "area": "People"})
    after = client.get("/gaps", params={"rule": "G1"}).json()
    assert {f["node_id"] for f in after["findings"]} == {f["node_id"] for f in before["findings"]} | {"PE-NEW"}
    store.delete_node("PE-NEW")  # a write that bypasses the API counts too
    assert client.get("/gaps", params={"rule": "G1"}).json() == before


def test_exports_keep_user_text_as_text(client):
    client.post("/nodes/Process", json={"id": "=1+1", "name": '=HYPERLINK("http://x","y")\x0bline two',
                                        "area": "People"})
    csv_text = client.get("/exports/findings.csv", params={"rule": "G1"}).content.decode("utf-8-sig")
    assert "'=1+1" in csv_text and "'=HYPERLINK" in csv_text
    wb = load_workbook(io.BytesIO(client.get("/exports/findings.xlsx", params={"rule": "G1"}).content))
    cells = [c.value for row in wb["Findings"].iter_rows() for c in row]
    assert "=1+1" in cells and all("\x0b" not in str(c) for c in cells)


def test_odd_upload_names_are_refused_cleanly(client):
    for name in ("..", ".", "a\x00b.csv", ""):
        r = client.post("/imports", files=[("files", (name, b"id,title\nR-X,t\n"))])
        assert r.status_code in (422, 400), (name, r.status_code)


def test_areas_match_whatever_their_case(client):
    assert client.get("/gaps/areas/people").status_code == 200
    assert client.get("/views/area/people").status_code == 200
    assert client.get("/views/heatmap", params={"area": "PEOPLE"}).status_code == 200
    assert client.get("/views/heatmap", params={"area": "Finance"}).status_code == 404


def test_an_unknown_area_is_not_found_wherever_it_is_named_and_the_problem_names_the_areas(client):
    known = "areas in the map: 'Information Quality', 'People'"
    for url in ("/gaps/areas/Finance", "/views/area/Finance"):
        r = client.get(url, headers={"accept": "application/json"})
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json"), url
        assert known in r.json()["detail"] and "'Finance'" in r.json()["detail"], url
    for url in ("/gaps", "/exports/findings.csv", "/exports/findings.xlsx", "/views/heatmap", "/views/heatmap.png"):
        r = client.get(url, params={"area": "Finance"})
        assert r.status_code == 404, url
        [problem] = r.json()["errors"]
        assert known in problem["message"] and problem["value"] == "Finance", url
        assert problem["loc"] == ["Process", "area"], url
    r = client.post("/gaps", json={"area": "Finance"})
    assert r.status_code == 404 and known in r.json()["errors"][0]["message"]
