"""The panel cycle over HTTP, on both stores: snapshots, changes, accepted gaps, roles and the audit log."""
from __future__ import annotations

import datetime as dt

import pytest

from graphmodel.models import Edge, node_from_dict
from tests import test_api
from tests.test_api import ORDER, as_role
from tests.test_api_resources import latest_audit

client, keyed = test_api.client, test_api.keyed  # the API's fixtures: the small map on each store

REVIEW = (dt.date.today() + dt.timedelta(days=90)).isoformat()
ACCEPT = {"rule": "G2", "node_id": "P2", "by": "JARAP, this quarter", "reason": "Spot checks suffice for now",
          "review": REVIEW}


def test_snapshot_lifecycle(client, store):
    made = client.post("/snapshots", json={"name": "JARAP March 2026", "as_of": "2026-03-31"})
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["name"], body["as_of"], body["taken_by"], body["nodes"]) == ("JARAP March 2026", "2026-03-31",
                                                                              "local", 9)
    again = client.post("/snapshots", json={"name": "jarap MARCH 2026"})
    assert again.status_code == 409 and again.headers["content-type"].startswith("application/problem+json")
    assert "already exists" in again.json()["detail"]
    bad = client.post("/snapshots", json={"name": "JARAP\u202e"})
    assert bad.status_code == 422 and "U+202E" in bad.text
    assert [s["name"] for s in client.get("/snapshots").json()] == ["JARAP March 2026"]
    shown = client.get("/snapshots/jarap march 2026").json()
    assert shown["name"] == "JARAP March 2026" and shown["report"]["as_of"] == "2026-03-31"
    assert {f["rule"] for f in shown["report"]["findings"]} >= {"G1", "G2"}
    assert shown["report"]["assessments"][0]["sources"] is not None  # frozen with the arithmetic
    assert client.get("/snapshots/JARAP June 2026").status_code == 404
    assert client.delete("/snapshots/JARAP March 2026").status_code == 204
    assert client.delete("/snapshots/JARAP March 2026").status_code == 404
    assert [(e["action"], e["what"]["name"]) for e in latest_audit(client, 2)] == [
        ("save snapshot", "JARAP March 2026"), ("delete snapshot", "JARAP March 2026")]


def test_names_with_slashes_and_odd_characters(client):
    odd = "JARAP 03/2026 <b>&'\"?#%"
    assert client.post("/snapshots", json={"name": odd}).status_code == 201
    from urllib.parse import quote

    assert client.get(f"/snapshots/{quote(odd, safe='')}").json()["name"] == odd
    assert client.delete(f"/snapshots/{quote(odd, safe='')}").status_code == 204


def test_changes_since_a_snapshot(client, store):
    assert client.post("/snapshots", json={"name": "JARAP March 2026", "as_of": "2026-03-31"}).status_code == 201
    store.upsert([node_from_dict("AssuranceSource", {"id": "S3", "name": "Audit of recruitment", "line": 3,
                                                     "opinion": "substantial", "last_assured": "2026-05-01"})])
    store.delete_node("P3")
    r = client.get("/changes", params={"since": "JARAP March 2026", "as_of": "2026-06-30"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["since", "until", "processes", "areas", "findings", "actions", "nodes"]
    assert body["since"]["name"] == "JARAP March 2026" and body["until"] == {
        "name": None, "as_of": "2026-06-30", "taken_at": None, "same_policy": True}
    travel = {p["process_id"]: p["direction"] for p in body["processes"]}
    assert travel["P3"] == "removed"
    assert {a["area"]: a["direction"] for a in body["areas"]}["Information Quality"] == "removed"
    assert [n["id"] for n in body["nodes"]["added"]] == ["S3"] and [n["id"] for n in body["nodes"]["removed"]] == ["P3"]
    assert client.get("/changes", params={"as_of": "2026-06-30"}).json()["since"]["name"] == "JARAP March 2026"
    assert client.get("/changes", params={"since": "JARAP May"}).status_code == 404
    both = client.get("/changes", params={"until": "JARAP March 2026", "as_of": "2026-06-30"})
    assert both.status_code == 409 and "judged as of" in both.text  # a snapshot keeps its own date
    assert client.get("/changes", params={"as_of": "2026-01-01"}).status_code == 404  # no snapshot that early


def test_accepting_a_gap(client):
    made = client.post("/acceptances", json=ACCEPT)
    assert made.status_code == 201, made.text
    assert made.json() | {"on": None} == {
        "rule": "G2", "node_id": "P2", "label": "Recruitment", "by": "JARAP, this quarter",
        "reason": "Spot checks suffice for now", "review": REVIEW, "on": None, "state": "in force", "lapsed": None,
        "due_for_review": True}
    finding = next(f for f in client.get("/gaps").json()["findings"] if (f["rule"], f["node_id"]) == ("G2", "P2"))
    assert finding["accepted"] == {"by": "JARAP, this quarter", "reason": "Spot checks suffice for now",
                                   "review": REVIEW, "on": dt.date.today().isoformat()}
    summary = client.get("/gaps").json()["summary"]
    assert summary["accepted"] == 1 and summary["open"] == summary["findings"] - 1
    later = client.get("/acceptances", params={"as_of": REVIEW}).json()
    assert [(a["state"], a["lapsed"]) for a in later] == [("lapsed", f"its review date, {REVIEW}, has come")]
    missing = client.post("/acceptances", json={**ACCEPT, "rule": "G1"})
    assert missing.status_code == 404 and "G1 (Uncovered) does not hold for 'P2'" in missing.text
    assert client.post("/acceptances", json={**ACCEPT, "node_id": "P404"}).status_code == 404
    assert client.post("/acceptances", json={**ACCEPT, "rule": "g2"}).status_code == 422  # the document's spelling
    assert client.post("/acceptances", json={**ACCEPT, "review": "2020-01-01"}).status_code == 422
    assert client.delete("/acceptances", params={"rule": "G2", "node_id": "P2"}).status_code == 204
    assert client.delete("/acceptances", params={"rule": "G2", "node_id": "P2"}).status_code == 404
    assert client.get("/acceptances").json() == []
    log = [(e["action"], e["what"]["rule"], e["what"]["node_id"]) for e in latest_audit(client, 2)]
    assert log == [("accept gap", "G2", "P2"), ("unaccept gap", "G2", "P2")]


CYCLE_ROLES = [  # (method, url, body, least role)
    ("get", "/snapshots", None, "viewer"),
    ("get", "/changes?as_of=2027-01-01", None, "viewer"),
    ("get", "/acceptances", None, "viewer"),
    ("post", "/snapshots", {"name": "JARAP roles"}, "editor"),
    ("post", "/acceptances", ACCEPT, "editor"),
    ("delete", "/acceptances?rule=G2&node_id=P2", None, "editor"),
    ("delete", "/snapshots/JARAP roles", None, "admin"),
]


@pytest.mark.parametrize("method, url, body, least", CYCLE_ROLES, ids=[f"{m} {u}" for m, u, _, _ in CYCLE_ROLES])
def test_cycle_roles(keyed, method, url, body, least):
    keyed.post("/snapshots", json={"name": "JARAP before"}, headers=as_role("editor"))
    for role in ORDER:
        r = keyed.request(method, url, json=body, headers=as_role(role))
        if ORDER.index(role) >= ORDER.index(least):  # a repeat may meet 404/409 from the role before it
            assert r.status_code not in (401, 403, 500), (role, r.status_code, r.text)
        else:
            assert r.status_code == 403 and least in r.json()["detail"], (role, r.status_code, r.text)


def test_pages_show_the_direction_of_travel_once_a_snapshot_is_taken(client, store):
    before = client.get("/dashboard").text
    assert "No snapshot yet" in before and "Since " not in before
    assert client.post("/snapshots", json={"name": "JARAP <March> 2026", "as_of": "2026-03-31"}).status_code == 201
    store.upsert([node_from_dict("AssuranceSource", {"id": "S3", "name": "Audit of recruitment", "line": 3,
                                                     "opinion": "substantial", "last_assured": "2026-05-01"})],
                 [Edge(source="S3", rel="ASSURES", target="P2")])
    assert client.post("/acceptances", json={**ACCEPT, "rule": "G1", "node_id": "P3"}).status_code == 201
    page = client.get("/dashboard", params={"as_of": "2026-06-30"}).text
    assert "Since JARAP &lt;March&gt; 2026" in page and "<March>" not in page
    assert 'class="chip travel travel-improved"' in page  # People: recruitment now assured independently
    assert "Accepted by the panel (not open)" not in page  # judged before the acceptance was made
    now = client.get("/dashboard").text
    assert "Accepted by the panel (not open)" in now and "Spot checks suffice for now" in now
    heat = client.get("/views/heatmap", params={"as_of": "2026-06-30"}).text
    assert heat.count('class="travel travel-') == 3  # one per process
    record = client.get("/views/record/P2", params={"as_of": "2026-06-30"}).text
    assert "travel-improved" in record and "since JARAP &lt;March&gt; 2026" in record
    action = client.get("/views/record/R1-A1", params={"as_of": "2026-06-30"}).text
    assert "RAG status: amber" in action and "travel-unchanged" in action
    beside = client.get("/views/map", params={"as_of": "2026-06-30", "plans": 1}).text
    assert "travel-unchanged" in beside  # the overdue action R1-A1, in the findings beside the graph
    assert client.get("/dashboard", params={"since": "JARAP May"}).status_code == 404
    assert "Since " not in client.get("/dashboard", params={"as_of": "2026-01-01"}).text  # no snapshot that early
