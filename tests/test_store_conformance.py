"""One conformance suite for every store operation, run against both stores.

The Neo4j half talks to the real server the test session started (see conftest.py).
"""
from __future__ import annotations

import datetime as dt
import re

import networkx as nx
import pytest

from graphmodel import Edge, NotFound, ValidationError, node_from_dict
from graphmodel.store import Direction, Store

N = node_from_dict


def snapshot(store: Store):
    g = store.export()
    nodes = sorted((i, d["kind"], tuple(sorted(d["node"].properties().items()))) for i, d in g.nodes(data=True))
    edges = sorted((s, k, t, d["edge"].note) for s, t, k, d in g.edges(keys=True, data=True))
    return nodes, edges


def small_map(store: Store) -> None:
    store.upsert(
        [
            N("Commitment", {"id": "C1", "title": "Put victims first", "theme": "Victims"}),
            N("Risk", {"id": "R1", "title": "Data quality failure", "score": 6}),
            N("Action", {"id": "R1-A1", "title": "Review audits", "target_date": "2013-07-31", "status": "amber"}),
            N("Process", {"id": "P1", "name": "Vetting", "area": "People", "criticality": "high"}),
            N("Process", {"id": "P2", "name": "Recruitment", "area": "People"}),
            N("Process", {"id": "P3", "name": "Incident reporting", "area": "Information Quality"}),
            N("AssuranceSource", {"id": "S1", "name": "Internal audit of vetting", "line": 3,
                                  "opinion": "limited", "last_assured": dt.date(2024, 3, 1), "frequency": "annual"}),
            N("AssuranceSource", {"id": "S2", "name": "Monthly spot checks", "line": 1, "frequency": "monthly"}),
            N("Meeting", {"id": "M1", "name": "JARAP", "panel": True, "public": True, "frequency": "quarterly"}),
        ],
        [
            Edge(source="S1", rel="ASSURES", target="P1"),
            Edge(source="S2", rel="ASSURES", target="P1", note="sample of 10 files"),
            Edge(source="S2", rel="ASSURES", target="P2"),
            Edge(source="S1", rel="REPORTS_TO", target="M1"),
            Edge(source="M1", rel="OVERSEES", target="C1"),
            Edge(source="R1-A1", rel="MITIGATES", target="R1"),
            Edge(source="P1", rel="SUPPORTS", target="C1"),
            Edge(source="P3", rel="EXPOSED_TO", target="R1"),
            Edge(source="R1-A1", rel="LINKED_TO", target="C1"),
        ],
    )


# -- writes and reads -------------------------------------------------------------------------

def test_round_trip_keeps_every_field_type(store):
    small_map(store)
    src = store.get_node("S1")
    assert src.kind == "AssuranceSource" and src.line == 3 and src.last_assured == dt.date(2024, 3, 1)
    assert src.opinion == "limited" and src.frequency == "annual"
    meeting = store.node("M1")
    assert meeting.panel is True and meeting.public is True and meeting.notes_published is None
    assert store.get_node("S2").opinion == "unrated"
    assert store.get_node("R1-A1").target_date == dt.date(2013, 7, 31)
    assert store.get_node("R1").score == 6
    assert store.get_node("nope") is None
    with pytest.raises(NotFound):
        store.node("nope")


def test_upsert_replaces_a_node_and_keeps_its_edges(store):
    small_map(store)
    store.upsert([N("AssuranceSource", {"id": "S1", "name": "Internal audit (revised)", "line": 3})])
    src = store.node("S1")
    assert src.name == "Internal audit (revised)"
    assert src.last_assured is None and src.opinion == "unrated"  # cleared fields are cleared
    assert {nb.node.id for nb in store.neighbours("S1")} == {"P1", "M1"}


def test_upsert_is_idempotent(store):
    small_map(store)
    before = snapshot(store)
    small_map(store)
    assert snapshot(store) == before


def test_one_write_of_new_and_stored_nodes_and_links_between_them(store):
    """New nodes are created and stored ones updated; a link at a new node is new, and a link
    between stored nodes is kept once, its note updated."""
    small_map(store)
    before = store.counts()
    store.upsert([N("Process", {"id": "P9", "name": "Payroll", "area": "Finance"}),
                  N("Process", {"id": "P2", "name": "Recruitment (revised)", "area": "People"})],
                 [Edge(source="S1", rel="ASSURES", target="P9"), Edge(source="S2", rel="ASSURES", target="P9"),
                  Edge(source="S1", rel="ASSURES", target="P1", note="again"),
                  Edge(source="S2", rel="ASSURES", target="P2")])
    after = store.counts()
    assert after.nodes["Process"] == before.nodes["Process"] + 1
    assert after.edges["ASSURES"] == before.edges["ASSURES"] + 2  # S1 -> P1 and S2 -> P2 were there
    assert store.get_edge("S1", "ASSURES", "P1").note == "again" and store.node("P2").name == "Recruitment (revised)"
    assert {nb.node.id for nb in store.neighbours("P9")} == {"S1", "S2"}


def test_edges_are_unique_per_triple_and_notes_update(store):
    small_map(store)
    store.upsert(edges=[Edge(source="S2", rel="ASSURES", target="P1", note="sample of 20 files")])
    assert store.get_edge("S2", "ASSURES", "P1").note == "sample of 20 files"
    assert store.counts().edges["ASSURES"] == 3
    assert store.get_edge("S2", "ASSURES", "P3") is None


def test_a_batch_may_name_the_same_edge_twice(store):
    small_map(store)
    store.upsert(edges=[Edge(source="S2", rel="ASSURES", target="P3"), Edge(source="S2", rel="ASSURES", target="P3")])
    assert store.counts().edges["ASSURES"] == 4


def test_counts(store):
    assert store.counts().total_nodes == 0 and store.counts().total_edges == 0
    small_map(store)
    c = store.counts()
    assert c.nodes == {"Commitment": 1, "Risk": 1, "Action": 1, "Process": 3, "AssuranceSource": 2, "Meeting": 1}
    assert c.edges == {"ASSURES": 3, "OVERSEES": 1, "MITIGATES": 1, "DELIVERS": 0, "SUPPORTS": 1,
                       "EXPOSED_TO": 1, "LINKED_TO": 1, "REPORTS_TO": 1}


def test_list_nodes_filters_and_pages(store):
    small_map(store)
    page = store.list_nodes("Process")
    assert [n.id for n in page.items] == ["P1", "P2", "P3"] and page.total == 3
    page = store.list_nodes("Process", {"area": "People"}, offset=1, limit=1)
    assert [n.id for n in page.items] == ["P2"] and page.total == 2
    assert [n.id for n in store.list_nodes("AssuranceSource", {"line": "3"}).items] == ["S1"]
    assert [n.id for n in store.list_nodes("AssuranceSource", {"last_assured": "2024-03-01"}).items] == ["S1"]
    assert [n.id for n in store.list_nodes("Meeting", {"panel": "true"}).items] == ["M1"]
    assert store.list_nodes("Process", {"area": "Finance"}).total == 0
    assert store.list_nodes("Process", offset=10).items == []


@pytest.mark.parametrize("call", [
    lambda s: s.list_nodes("Widget"),
    lambda s: s.list_nodes("Process", {"colour": "red"}),
    lambda s: s.list_nodes("AssuranceSource", {"line": "three"}),
    lambda s: s.list_nodes("Process", limit=0),
    lambda s: s.list_nodes("Process", offset=-1),
    lambda s: s.list_edges("LIKES"),
    lambda s: s.neighbours("P1", rel="LIKES"),
], ids=["kind", "field", "value", "limit", "offset", "edge-kind", "neighbour-rel"])
def test_bad_read_arguments_are_clear_errors(store, call):
    small_map(store)
    with pytest.raises(ValidationError):
        call(store)


def test_list_edges(store):
    small_map(store)
    assert [e.key for e in store.list_edges("ASSURES")] == [
        ("S1", "ASSURES", "P1"), ("S2", "ASSURES", "P1"), ("S2", "ASSURES", "P2")]
    assert len(store.list_edges()) == 9
    assert [e.key for e in store.list_edges(offset=8, limit=5)] == [("S2", "ASSURES", "P2")]


def test_neighbours_by_kind_and_direction(store):
    small_map(store)
    assert {nb.node.id for nb in store.neighbours("P1")} == {"S1", "S2", "C1"}
    assert {nb.node.id for nb in store.neighbours("P1", direction=Direction.IN)} == {"S1", "S2"}
    out = store.neighbours("P1", direction="out")
    assert [(nb.edge.key, nb.direction) for nb in out] == [(("P1", "SUPPORTS", "C1"), Direction.OUT)]
    assert {nb.node.id for nb in store.neighbours("S1", rel="REPORTS_TO")} == {"M1"}
    assert store.neighbours("C1", rel="ASSURES") == []
    assert store.get_edge("S2", "ASSURES", "P1").note == "sample of 10 files"
    with pytest.raises(NotFound):
        store.neighbours("missing")


def test_neighbourhood(store):
    small_map(store)
    assert set(store.neighbourhood("P2", 0).nodes) == {"P2"}
    assert set(store.neighbourhood("P2", 1).nodes) == {"P2", "S2"}
    assert set(store.neighbourhood("P2", 2).nodes) == {"P2", "S2", "P1"}
    with pytest.raises(NotFound):
        store.neighbourhood("missing", 1)


def test_delete_node_takes_its_edges(store):
    small_map(store)
    store.delete_node("S2")
    assert store.get_node("S2") is None
    assert store.counts().edges["ASSURES"] == 1
    assert {nb.node.id for nb in store.neighbours("P1")} == {"S1", "C1"}
    with pytest.raises(NotFound):
        store.delete_node("S2")


def test_delete_edge(store):
    small_map(store)
    store.delete_edge("S1", "ASSURES", "P1")
    assert store.get_edge("S1", "ASSURES", "P1") is None
    assert store.get_node("S1") is not None and store.get_node("P1") is not None
    with pytest.raises(NotFound):
        store.delete_edge("S1", "ASSURES", "P1")
    with pytest.raises(ValidationError):
        store.delete_edge("S1", "DROP", "P1")


def test_export_whole_graph_and_subgraph(store):
    small_map(store)
    g = store.export()
    assert isinstance(g, nx.MultiDiGraph) and g.number_of_nodes() == 9 and g.number_of_edges() == 9
    assert g.nodes["S1"]["kind"] == "AssuranceSource" and g.nodes["S1"]["node"].line == 3
    assert g.edges["S2", "P1", "ASSURES"]["edge"].note == "sample of 10 files"
    sub = store.export(["S1", "P1", "M1", "missing"])
    assert set(sub.nodes) == {"S1", "P1", "M1"}
    assert set(sub.edges(keys=True)) == {("S1", "P1", "ASSURES"), ("S1", "M1", "REPORTS_TO")}


def test_clear(store):
    small_map(store)
    store.clear()
    assert store.counts().total_nodes == 0 and store.counts().total_edges == 0
    small_map(store)
    assert store.counts().total_nodes == 9


def test_both_stores_export_the_same_graph(store_factory):
    graphs = []
    for kind in ("embedded", "neo4j"):
        s = store_factory(kind)
        small_map(s)
        graphs.append(snapshot(s))
    assert graphs[0] == graphs[1]


# -- bad input: a clear error, and the store exactly as it was --------------------------------

BAD_NODES = {
    "unknown kind": lambda: N("Widget", {"id": "W1"}),
    "missing required field": lambda: N("Process", {"id": "P9", "name": "No area"}),
    "wrong type": lambda: N("Risk", {"id": "R9", "title": "t", "score": "high"}),
    "out of range": lambda: N("Risk", {"id": "R9", "title": "t", "score": 26}),
    "bad enum": lambda: N("AssuranceSource", {"id": "S9", "name": "n", "line": 2, "opinion": "great"}),
    "bad date": lambda: N("AssuranceSource", {"id": "S9", "name": "n", "line": 2, "last_assured": "soon"}),
    "unknown field": lambda: N("Meeting", {"id": "M9", "name": "n", "colour": "red"}),
}


@pytest.mark.parametrize("case", BAD_NODES)
def test_invalid_nodes_name_kind_id_and_field(case):
    with pytest.raises(ValidationError) as err:
        BAD_NODES[case]()
    problem = err.value.problems[0]
    assert problem.kind and (problem.field or case == "unknown kind")
    assert problem.kind in str(err.value)


BAD_WRITES = {
    "triple not in schema": ([], [Edge(source="P1", rel="ASSURES", target="S1")], "not allowed"),
    "edge to a missing node": ([], [Edge(source="S1", rel="ASSURES", target="P404")], "no node with id 'P404'"),
    "duplicate ids in one batch": (
        [N("Process", {"id": "P9", "name": "a", "area": "x"}), N("Risk", {"id": "P9", "title": "b"})], [],
        "duplicate id"),
    "id used by another kind": ([N("Risk", {"id": "P1", "title": "clash"})], [], "already used by a Process"),
    "good part then bad part": (
        [N("Process", {"id": "P9", "name": "new", "area": "x"})],
        [Edge(source="S1", rel="ASSURES", target="P9"), Edge(source="M1", rel="MITIGATES", target="R1")],
        "not allowed"),
    "not a node": (["P1"], [], "expected a node"),
}


@pytest.mark.parametrize("case", BAD_WRITES)
def test_bad_writes_change_nothing(store, case):
    nodes, edges, message = BAD_WRITES[case]
    small_map(store)
    before = snapshot(store)
    with pytest.raises(ValidationError) as err:
        store.upsert(nodes, edges)
    assert message in str(err.value)
    assert snapshot(store) == before


def test_every_problem_is_reported_at_once(store):
    small_map(store)
    with pytest.raises(ValidationError) as err:
        store.upsert([], [Edge(source="P1", rel="ASSURES", target="S1"), Edge(source="X", rel="ASSURES", target="Y")])
    assert len(err.value.problems) == 3


HOSTILE_IDS = [
    "quote'd", 'double"quote', "back`tick`", "{brace}", "MATCH (n) DETACH DELETE n", "RETURN",
    "two words", "Sécurité – vérification", "東京", "R5-A2", "}) DETACH DELETE n //", "$param", "a\\b",
]


def test_hostile_ids_are_just_ids(store):
    small_map(store)
    nodes = [N("AssuranceSource", {"id": i, "name": f"source {i}", "line": 2}) for i in HOSTILE_IDS]
    store.upsert(nodes, [Edge(source=i, rel="ASSURES", target="P2") for i in HOSTILE_IDS])
    for i in HOSTILE_IDS:
        assert store.node(i).name == f"source {i}"
        assert store.get_edge(i, "ASSURES", "P2") is not None
    assert {nb.node.id for nb in store.neighbours("P2", direction="in")} == set(HOSTILE_IDS) | {"S2"}
    assert store.counts().nodes["AssuranceSource"] == 2 + len(HOSTILE_IDS)
    store.delete_node("MATCH (n) DETACH DELETE n")
    assert store.counts().nodes["Process"] == 3
    assert store.list_nodes("AssuranceSource", {"name": "source {brace}"}).items[0].id == "{brace}"


def test_ids_are_case_sensitive(store):
    small_map(store)
    store.upsert([N("Process", {"id": "p1", "name": "lower-case twin", "area": "People"})])
    assert store.node("p1").name == "lower-case twin" and store.node("P1").name == "Vetting"


def test_large_writes_report_progress_batch_by_batch(store):
    heard = []
    nodes = [N("Risk", {"id": f"R{i}", "title": "t"}) for i in range(12_000)]
    edges = [Edge(source=f"R{i}", rel="LINKED_TO", target=f"R{i + 1}") for i in range(9_000)]
    store.upsert(nodes, edges, progress=lambda done, total: heard.append((done, total)))
    assert heard[-1] == (21_000, 21_000) and len(heard) >= 3
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)
    assert store.counts().nodes["Risk"] == 12_000 and store.counts().edges["LINKED_TO"] == 9_000


def test_version_changes_with_every_write_and_only_then(store):
    seen = [store.version()]
    small_map(store)
    seen.append(store.version())
    store.counts(), store.export(), store.neighbours("P1")
    assert store.version() == seen[-1]
    for write in (lambda: store.delete_edge("S1", "ASSURES", "P1"), lambda: store.delete_node("P3"),
                  lambda: store.upsert([N("Risk", {"id": "R2", "title": "t"})]), store.clear):
        write()
        seen.append(store.version())
    assert None not in seen and len(set(seen)) == len(seen)


def test_create_only_refuses_existing_ids_and_writes_nothing(store):
    from graphmodel import Conflict

    small_map(store)
    before = snapshot(store)
    with pytest.raises(Conflict, match="'P1'"):
        store.upsert([N("Risk", {"id": "R9", "title": "new"}), N("Process", {"id": "P1", "name": "x", "area": "y"})],
                     create_only=True)
    assert snapshot(store) == before
    store.upsert([N("Risk", {"id": "R9", "title": "new"})], create_only=True)
    assert store.node("R9").title == "new"


# -- the panel cycle's records: snapshots and accepted gaps, beside the map --------------------

def snapshot_record(name: str, as_of=dt.date(2026, 3, 31), payload: bytes = b"\x1f\x8b frozen \x00 bytes",
                    taken_at=dt.datetime(2026, 4, 1, 9, 30, tzinfo=dt.UTC)):
    from graphmodel.store import SnapshotInfo, SnapshotRecord

    return SnapshotRecord(SnapshotInfo(name, as_of, taken_at, "officer", 9, 9, 12), payload)


def test_snapshots_are_kept_listed_read_and_deleted(store):
    small_map(store)
    big = bytes(range(256)) * 4096  # a megabyte of every byte value
    store.save_snapshot(snapshot_record("JARAP June 2026", dt.date(2026, 6, 30), big))
    saved = store.save_snapshot(snapshot_record("  JARAP March 2026 "))
    assert saved.name == "JARAP March 2026"  # kept trimmed
    listed = store.list_snapshots()
    assert [(i.name, i.as_of) for i in listed] == [("JARAP March 2026", dt.date(2026, 3, 31)),
                                                    ("JARAP June 2026", dt.date(2026, 6, 30))]
    assert listed[0].taken_at == dt.datetime(2026, 4, 1, 9, 30, tzinfo=dt.UTC)
    assert (listed[0].taken_by, listed[0].nodes, listed[0].edges, listed[0].findings) == ("officer", 9, 9, 12)
    got = store.get_snapshot("jarap june 2026")  # names match whatever their case
    assert got.info == listed[1] and got.payload == big
    assert store.delete_snapshot("JARAP MARCH 2026") == listed[0]
    assert [i.name for i in store.list_snapshots()] == ["JARAP June 2026"]
    with pytest.raises(NotFound, match="JARAP March 2026"):
        store.get_snapshot("JARAP March 2026")
    with pytest.raises(NotFound):
        store.delete_snapshot("JARAP March 2026")


def test_a_snapshot_is_never_replaced(store):
    from graphmodel import Conflict

    store.save_snapshot(snapshot_record("JARAP March 2026", payload=b"first"))
    with pytest.raises(Conflict, match="already exists"):
        store.save_snapshot(snapshot_record("jarap MARCH 2026", payload=b"second"))
    assert store.get_snapshot("JARAP March 2026").payload == b"first"
    assert len(store.list_snapshots()) == 1


@pytest.mark.parametrize("name, message", [
    ("", "must not be empty"), ("   ", "must not be empty"), ("x" * 101, "at most 100"),
    ("JARAP\nMarch", "U+000A"), ("JARAP\x00", "U+0000"), ("JARAP \u202eeno", "U+202E"), ("a\u200bb", "U+200B"),
], ids=["empty", "blank", "long", "newline", "nul", "bidi-override", "zero-width"])
def test_snapshot_names_are_checked(store, name, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        store.save_snapshot(snapshot_record(name))
    assert store.list_snapshots() == []


def test_snapshots_stay_out_of_the_map_and_its_version(store):
    small_map(store)
    before, version = snapshot(store), store.version()
    store.save_snapshot(snapshot_record("JARAP March 2026"))
    store.delete_snapshot("JARAP March 2026")
    store.save_snapshot(snapshot_record("JARAP June 2026"))
    assert snapshot(store) == before and store.version() == version
    assert store.counts().total_nodes == 9
    store.clear()  # clearing the map keeps the record of past meetings
    assert [i.name for i in store.list_snapshots()] == ["JARAP June 2026"]


def acceptance(rule="G2", node_id="P1", review=dt.date(2026, 9, 30), **kw):
    from graphmodel.store import Acceptance

    fields = {"by": "JARAP, 12 March 2026", "reason": "Management checks suffice\nuntil the audit in September",
              "on": dt.date(2026, 3, 12), "fingerprint": "abc123", **kw}
    return Acceptance(rule, node_id, review=review, **fields)


def test_acceptances_are_kept_replaced_and_removed(store):
    small_map(store)
    assert store.save_acceptance(acceptance("G6", "P1")) is None
    assert store.save_acceptance(acceptance("G10", "S2", by="  JARAP  ")) is None
    first = acceptance("G2", "P2")
    assert store.save_acceptance(first) is None
    assert [(a.rule, a.node_id, a.by) for a in store.list_acceptances()] == [
        ("G10", "S2", "JARAP"), ("G2", "P2", "JARAP, 12 March 2026"), ("G6", "P1", "JARAP, 12 March 2026")]
    again = acceptance("G2", "P2", review=dt.date(2026, 12, 31), fingerprint="def456")
    assert store.save_acceptance(again) == first  # accepted again at its review: the old one is replaced
    kept = {a.key: a for a in store.list_acceptances()}
    assert kept["G2", "P2"] == again and len(kept) == 3
    assert kept["G6", "P1"].reason == "Management checks suffice\nuntil the audit in September"
    assert store.delete_acceptance("G6", "P1") == kept["G6", "P1"]
    with pytest.raises(NotFound):
        store.delete_acceptance("G6", "P1")
    assert [a.key for a in store.list_acceptances()] == [("G10", "S2"), ("G2", "P2")]


@pytest.mark.parametrize("fields, message", [
    ({"by": " "}, "by"), ({"reason": ""}, "reason"), ({"by": "x" * 201}, "at most 200"),
    ({"by": "JARAP\x1b[31m"}, "U+001B"), ({"reason": "r" * 2001}, "at most 2000"),
], ids=["by-blank", "reason-empty", "by-long", "by-escape", "reason-long"])
def test_acceptance_text_is_checked(store, fields, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        store.save_acceptance(acceptance(**fields))
    assert store.list_acceptances() == []


def test_acceptances_change_the_version_and_nothing_else(store):
    small_map(store)
    before, seen = snapshot(store), [store.version()]
    store.save_acceptance(acceptance())
    seen.append(store.version())
    store.save_acceptance(acceptance(review=dt.date(2027, 1, 31)))
    seen.append(store.version())
    store.delete_acceptance("G2", "P1")
    seen.append(store.version())
    with pytest.raises(NotFound):
        store.delete_acceptance("G2", "P1")
    assert store.version() == seen[-1]
    assert len(set(seen)) == len(seen) and snapshot(store) == before


def test_hostile_names_and_ids_in_the_cycle_records(store):
    for i, name in enumerate(HOSTILE_IDS):
        store.save_snapshot(snapshot_record(name, payload=name.encode()))
        store.save_acceptance(acceptance("G1", name, fingerprint=str(i)))
    for name in HOSTILE_IDS:
        assert store.get_snapshot(name).payload == name.encode()
    assert {a.node_id for a in store.list_acceptances()} == set(HOSTILE_IDS)
    assert store.counts().total_nodes == 0
