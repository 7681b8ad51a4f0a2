"""Gap reports and the dashboard over HTTP, made once per store version: the same bytes and a
strong ETag while nothing changes, 304 for a client that holds them, compressed for a client that
accepts it, and new ones after a write; on both stores."""
from __future__ import annotations

import gzip
import json

import brotli
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.bodies import Bodies, Body, chosen_coding
from api.settings import Settings
from tests.test_api_resources import AS_OF, demo_files

IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def client(store, tmp_path):
    with TestClient(create_app(Settings(audit_log=tmp_path / "audit.jsonl"), store)) as c:
        assert c.post("/imports", files=demo_files()).status_code == 200
        yield c


@pytest.mark.parametrize("path", ["/gaps", "/gaps/areas/People", "/gaps/rules/G3", "/dashboard"])
def test_unchanged_answers_are_the_same_bytes_and_304_to_who_has_them(client, path):
    first = client.get(path, params={"as_of": AS_OF}, headers=IDENTITY)
    again = client.get(path, params={"as_of": AS_OF}, headers=IDENTITY)
    assert first.status_code == again.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('"') and not tag.startswith("W/") and again.headers["etag"] == tag
    assert first.content == again.content and first.headers["vary"] == "Accept-Encoding"
    held = client.get(path, params={"as_of": AS_OF}, headers={**IDENTITY, "If-None-Match": f'"other", {tag}'})
    assert held.status_code == 304 and held.content == b"" and held.headers["etag"] == tag
    other_day = client.get(path, params={"as_of": "2026-12-02"}, headers={**IDENTITY, "If-None-Match": tag})
    assert other_day.status_code == 200 and other_day.headers["etag"] != tag


def test_compressed_for_clients_that_accept_it(client):
    plain = client.get("/gaps", params={"as_of": AS_OF}, headers=IDENTITY)
    for coding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        r = client.get("/gaps", params={"as_of": AS_OF}, headers={"Accept-Encoding": coding})
        # TestClient undoes gzip and br itself when its decoders are there; the raw bytes are compared too.
        assert r.headers["content-encoding"] == coding and r.content == plain.content
        raw = client.get("/gaps", params={"as_of": AS_OF}, headers={"Accept-Encoding": coding}).read()
        assert json.loads(raw if raw.startswith(b"{") else decode(raw)) == plain.json()
        assert r.headers["etag"] != plain.headers["etag"]
        held = client.get("/gaps", params={"as_of": AS_OF},
                          headers={"Accept-Encoding": coding, "If-None-Match": plain.headers["etag"]})
        assert held.status_code == 304


def test_a_write_makes_a_new_report(client):
    before = client.get("/gaps", params={"as_of": AS_OF}, headers=IDENTITY)
    pid = before.json()["assessments"][0]["process_id"]
    assert client.post("/nodes/Process", json={"id": "NEW-P1", "name": "New process", "area": "People"}).status_code \
        == 201
    after = client.get("/gaps", params={"as_of": AS_OF}, headers={**IDENTITY, "If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    assert "NEW-P1" in {a["process_id"] for a in after.json()["assessments"]}
    assert pid in {a["process_id"] for a in after.json()["assessments"]}


def test_one_nodes_report_counts_its_own_findings(client):
    whole = client.get("/gaps", params={"as_of": AS_OF}).json()
    finding = next(f for f in whole["findings"] if f["kind"] == "Process")
    one = client.get(f"/gaps/nodes/{finding['node_id']}", params={"as_of": AS_OF}).json()
    assert one["findings"] == [f for f in whole["findings"] if f["node_id"] == finding["node_id"]]
    assert one["summary"]["findings"] == len(one["findings"]) and one["summary"]["processes"] == 1
    assert one["assessments"][0]["process_id"] == finding["node_id"] and "explanation" in one["assessments"][0]
    assert client.get("/gaps/nodes/no-such-node").status_code == 404


@pytest.mark.parametrize(("header", "coding"), [
    ("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip;q=0.5", "gzip"), ("identity", None), ("", None),
    ("*", "br"), ("*;q=0", None), ("gzip;q=nonsense", None), ("GZIP", "gzip"),
])
def test_the_coding_chosen(header, coding):
    assert chosen_coding(header) == coding


def test_taking_a_snapshot_changes_the_dashboard_though_not_the_map(client):
    before = client.get("/dashboard", params={"as_of": AS_OF}, headers=IDENTITY)
    assert "No snapshot yet" in before.text
    assert client.post("/snapshots", json={"name": "JARAP March 2026", "as_of": AS_OF}).status_code == 201
    after = client.get("/dashboard", params={"as_of": AS_OF},
                       headers={**IDENTITY, "If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and "Since JARAP March 2026" in after.text


@pytest.mark.parametrize(("path", "compressed"), [
    ("/exports/graph.json", True), ("/exports/findings.csv", True), ("/exports/findings.xlsx", False),
    ("/views/heatmap.svg", True), ("/views/heatmap.png", False),
])
def test_exports_and_images_are_kept_as_reports_are(client, path, compressed):
    """One mechanism for every answer kept per store version: a strong ETag, 304, and compression
    for formats that are not compressed already."""
    first = client.get(path, params={"as_of": AS_OF}, headers={"Accept-Encoding": "br"})
    assert first.status_code == 200 and first.headers["etag"].startswith('"')
    assert ("content-encoding" in first.headers) == compressed
    held = client.get(path, params={"as_of": AS_OF},
                      headers={"Accept-Encoding": "br", "If-None-Match": first.headers["etag"]})
    assert held.status_code == 304 and held.content == b""


def test_kept_bodies_stay_within_their_budget_least_recently_used_out():
    bodies = Bodies(cache_bytes=2500)
    made: list[str] = []

    def body(name: str) -> Body:
        made.append(name)
        return Body(name.encode() * 1000, "text/plain")

    for name in ("a", "b", "a", "c", "a", "b"):
        bodies.get(name, lambda n=name: body(n))  # type: ignore[misc]
    assert made == ["a", "b", "c", "b"]  # c pushed b out, the least recently used; a was used since
    bodies.get("ab", lambda: body("ab"))  # 2,000 bytes: kept, the others out
    bodies.get("ab", lambda: body("ab"))
    bodies.get("a", lambda: body("a"))
    assert made[4:] == ["ab", "a"]
    bodies.get("wxyz", lambda: body("wxyz"))  # beyond the whole budget: never kept
    bodies.get("wxyz", lambda: body("wxyz"))
    assert made.count("wxyz") == 2
    bodies.get(None, lambda: body("n"))
    bodies.get(None, lambda: body("n"))
    assert made.count("n") == 2  # without a key (no store version) nothing is kept
