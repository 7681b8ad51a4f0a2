"""Writes, whichever door they come through: the same rules for every id and text (the API, an
import, the command line), lost updates refused (ETag and If-Match), and a write and its audit
record that succeed or fail together."""
from __future__ import annotations

import io
import json
import os
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook

from api.cli import main
from graphmodel import StoreUnavailable, node_from_dict
from graphmodel.audit import AuditUnavailable
from graphmodel.store.embedded import EmbeddedStore

from .helpers import as_role, is_problem, unchanged

EDITOR = as_role("editor")

HOSTILE_IDS = {
    "a NUL": "R\x00X", "a tab": "R\tX", "a line break": "R\nX", "an escape sequence": "\x1b[2JR",
    "a zero-width space": "R\u200bX", "a right-to-left override": "R\u202eX", "a BOM": "\ufeffR",
    "a private-use character": "R\ue000", "Cyrillic among Latin": "Р1-R",  # the first letter is Cyrillic
    "201 characters": "R" * 201, "100,000 characters": "R" * 100_000, "only spaces": "   ", "empty": "",
    "a line separator": "R\u2028X", "a soft hyphen": "R\u00adX", "an emoji": "R\U0001f600",
    "an unassigned astral character": "R\U00089cac", "an astral private-use character": "R\U00100000",
}


@pytest.mark.parametrize("name", HOSTILE_IDS)
def test_hostile_ids_are_refused_at_every_door(client, mapped, tmp_path, name):
    bad = HOSTILE_IDS[name]
    with unchanged(mapped):
        is_problem(client.post("/nodes/Risk", json={"id": bad, "title": "t"}, headers=EDITOR), 422, "id")
        is_problem(client.post("/edges", json={"source": bad, "rel": "LINKED_TO", "target": "R1"}, headers=EDITOR),
                   422, "source")
        is_problem(client.post("/gaps/what-if", json={"withdraw": [bad]}, headers=as_role("analyst")), 422)
        doc = json.dumps({"risks": [{"id": bad, "title": "t"}]}).encode()
        r = client.post("/imports", files=[("files", ("map.json", doc))], headers=EDITOR)
        is_problem(r, 422)
        path = tmp_path / "map.json"
        path.write_bytes(doc)
        assert main(["--store", _cli_store(mapped), "load", str(path)]) == 2


@pytest.mark.parametrize("given, stored", [("Ｐ１", "P1"), ("R5  A2", "R5 A2"), ("  R9 ", "R9"),
                                           ("ﬁle-1", "file-1"), ("Cafe\u0301", "Café")])
def test_ids_that_look_alike_are_one_id_at_every_door(client, mapped, given, stored):
    r = client.post("/nodes/Risk", json={"id": given, "title": "t"}, headers=EDITOR)
    if stored == "P1":  # P1 is a Process already: the look-alike is that same id
        is_problem(r, 409)
        return
    assert r.status_code == 201 and r.json()["id"] == stored
    put = client.put(f"/nodes/Risk/{given.strip()}", json={"id": given, "title": "again"}, headers=EDITOR)
    assert put.status_code == 200 and put.json()["id"] == stored
    assert mapped.get_node(stored).title == "again"


@pytest.mark.parametrize("field, value", [("title", "x" * 20_001), ("owner", "x" * 1_001), ("notes", "\ud800"),
                                          ("title", "bell\x07"), ("notes", "nul\x00"), ("title", "\uffff")])
def test_text_is_capped_and_clean_at_every_door(client, mapped, tmp_path, field, value):
    with unchanged(mapped):
        body = json.dumps({"id": "R-TEXT", "title": "t", **{field: value}})
        r = client.post("/nodes/Risk", content=body, headers={**EDITOR, "Content-Type": "application/json"})
        assert r.status_code in (400, 422)
        is_problem(r, r.status_code)


def test_exports_stay_well_formed_whatever_the_text(client, mapped):
    words = "<tag attr='x'> & \"quotes\" ]]> <!-- --> \u202e\u200b 東京 😀 =HYPERLINK(\"x\") \t\n"
    client.post("/nodes/Process", json={"id": "P-TEXT", "name": words, "area": "People", "notes": words * 100},
                headers=EDITOR)
    graphml = client.get("/exports/graph.graphml", headers=as_role("analyst")).content
    root = ET.fromstring(graphml)  # well-formed, or this raises
    assert words.strip() in "".join(root.itertext())
    json.loads(client.get("/exports/graph.json", headers=as_role("analyst")).content)
    wb = load_workbook(io.BytesIO(client.get("/exports/findings.xlsx", headers=as_role("analyst")).content))
    assert any(words.strip()[:10] in str(c.value) for row in wb["Processes"].iter_rows() for c in row)


def test_text_stored_before_these_rules_still_exports_well_formed(tmp_path):
    """An old store file may hold what the rules now refuse: the exports replace it."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    from .helpers import settings

    path = tmp_path / "map.json"
    store = EmbeddedStore(path)
    store.upsert([node_from_dict("Process", {"id": "P-OLD", "name": "old", "area": "People"})])
    path.write_text(path.read_text().replace('"name":"old"', '"name":"old\\u0001\\ud800\\uffff"'))
    with TestClient(create_app(settings(tmp_path), store), base_url="http://localhost") as c:
        ET.fromstring(c.get("/exports/graph.graphml", headers=as_role("analyst")).content)
        load_workbook(io.BytesIO(c.get("/exports/findings.xlsx", headers=as_role("analyst")).content))


# -- lost updates -----------------------------------------------------------------------------------

def test_two_editors_cannot_overwrite_each_other(client, mapped):
    first = client.get("/nodes/Process/P1", headers=EDITOR)
    tag = first.headers["etag"]
    body = first.json()
    body.pop("kind")
    alice = client.put("/nodes/Process/P1", json={**body, "owner": "Alice"}, headers={**EDITOR, "If-Match": tag})
    assert alice.status_code == 200 and alice.headers["etag"] != tag
    with unchanged(mapped):
        bob = client.put("/nodes/Process/P1", json={**body, "owner": "Bob"}, headers={**EDITOR, "If-Match": tag})
        is_problem(bob, 412, "changed")
        is_problem(client.delete("/nodes/Process/P1", headers={**EDITOR, "If-Match": tag}), 412)
        is_problem(client.put("/nodes/Process/P9", json={**body, "id": "P9"}, headers={**EDITOR, "If-Match": tag}),
                   412, "does not exist")
        is_problem(client.put("/nodes/Process/P1", json=body, headers={**EDITOR, "If-None-Match": "*"}), 412)
        is_problem(client.put("/nodes/Process/P1", json=body, headers={**EDITOR, "If-Match": f"W/{tag}"}), 412)
    assert mapped.get_node("P1").owner == "Alice"
    latest = client.get("/nodes/Process/P1", headers=EDITOR).headers["etag"]
    assert client.put("/nodes/Process/P1", json={**body, "owner": "Bob"},
                      headers={**EDITOR, "If-Match": f'"nope", {latest}'}).status_code == 200
    assert client.delete("/nodes/Process/P1", headers={**EDITOR, "If-Match": "*"}).status_code == 204


def test_the_store_checks_the_tag_inside_its_own_write(mapped):
    from graphmodel import Stale

    node = mapped.get_node("P2")
    mapped.upsert([node_from_dict("Process", {"id": "P2", "name": "changed", "area": "People"})])
    with unchanged(mapped), pytest.raises(Stale):
        mapped.upsert([node_from_dict("Process", {"id": "P2", "name": "lost", "area": "People"})],
                      expect={"P2": node.etag})
    with unchanged(mapped), pytest.raises(Stale):
        mapped.delete_node("P2", expect=node.etag)


def test_tags_are_the_same_from_either_store(store_factory):
    tags = []
    for kind in ("embedded", "neo4j"):
        s = store_factory(kind)
        s.upsert([node_from_dict("AssuranceSource", {"id": "S-T", "name": "n", "line": 3, "last_assured": "2024-01-31",
                                                     "frequency": "annual"})])
        tags.append(s.get_node("S-T").etag)
        s.clear()
    assert tags[0] == tags[1]


# -- audit integrity --------------------------------------------------------------------------------

def _cli_store(store) -> str:
    return str(store.path) if isinstance(store, EmbeddedStore) else store.uri


@pytest.fixture
def cli_env(mapped, monkeypatch, neo4j_env):
    """The command line pointed at the test's store (for Neo4j: its credentials in the environment)."""
    return _cli_store(mapped)


@pytest.fixture
def neo4j_env(request, store, monkeypatch):
    if store.backend == "neo4j":
        handle = request.getfixturevalue("neo4j")
        monkeypatch.setenv("NEO4J_USER", handle.user)
        monkeypatch.setenv("NEO4J_PASSWORD", handle.password)


def test_command_line_writes_are_audited(mapped, cli_env, tmp_path, capsys):
    path = tmp_path / "risks.csv"
    path.write_text("id,title\nR-CLI,from the command line\n")
    assert main(["--store", cli_env, "load", str(path)]) == 0
    [last] = mapped.audit(0, 1, newest_first=True)
    assert last.action == "import" and last.what["files"] == ["risks.csv"] and last.who.endswith("(local)")
    assert last.what["nodes"] == {"Risk": 1}


def test_with_the_audit_log_unwritable_nothing_is_written(client, mapped, monkeypatch, tmp_path, cli_env, capsys):
    if isinstance(mapped, EmbeddedStore):  # its log is a file: make it something no one can append to
        log = mapped._audit.path
        log.unlink()
        log.mkdir()
    else:  # Neo4j writes the record in the write's transaction: make that statement fail
        import graphmodel.store.neo4j as neo4j_store

        monkeypatch.setattr(neo4j_store, "RECORD", "CREATE (:AssuranceMapAudit {seq: $nope})")
    with unchanged(mapped) if not isinstance(mapped, EmbeddedStore) else _counts_unchanged(mapped):
        for method, url, kwargs in (("post", "/nodes/Risk", {"json": {"id": "R-A", "title": "t"}}),
                                    ("put", "/nodes/Process/P1", {"json": {"id": "P1", "name": "x", "area": "y"}}),
                                    ("delete", "/nodes/Process/P3", {}),
                                    ("post", "/edges", {"json": {"source": "S2", "rel": "ASSURES", "target": "P3"}}),
                                    ("delete", "/edges", {"params": {"source": "S1", "rel": "ASSURES",
                                                                     "target": "P1"}}),
                                    ("post", "/imports", {"files": [("files", ("risks.csv", b"id,title\nR-I,t\n"))]})):
            r = client.request(method, url, headers=EDITOR, **kwargs)
            is_problem(r, 503, "audit log")
            assert str(tmp_path) not in r.text
        path = tmp_path / "risks.csv"
        path.write_text("id,title\nR-CLI,t\n")
        capsys.readouterr()
        assert main(["--store", cli_env, "load", str(path)]) == 2
        assert "audit log cannot be written" in capsys.readouterr().err
        with pytest.raises(AuditUnavailable):
            mapped.clear()


class _counts_unchanged:
    """unchanged(), less the audit log (which the embedded test has turned into a folder)."""

    def __init__(self, store):
        self.store = store

    def __enter__(self):
        self.before = (self.store.version(), self.store.counts())

    def __exit__(self, *exc):
        if exc[0] is None:
            assert (self.store.version(), self.store.counts()) == self.before


def test_a_write_that_fails_is_not_left_in_the_log_as_done(tmp_path, monkeypatch):
    store = EmbeddedStore(tmp_path / "map.json")

    def disk_full(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(StoreUnavailable):
        store.upsert([node_from_dict("Risk", {"id": "R9", "title": "t"})])
    monkeypatch.undo()
    assert [e.action for e in store.audit(0, 10)] == ["write", "not written"]
    assert store.get_node("R9") is None
