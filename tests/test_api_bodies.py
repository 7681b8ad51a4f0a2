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
from api.bodies import chosen_coding
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
