"""The panel cycle on both stores: a map changing through three snapshots, the direction of travel
between them, accepted gaps that lapse, and the boundaries (a review date reached, a source assured
after the as-of date, a process removed, evidence that changes under an acceptance)."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from graphmodel.cycle import acceptances, snapshots
from graphmodel.cycle.changes import ActionChange, AreaChange, Changes, ProcessChange, Travel, between, compare
from graphmodel.errors import Conflict, NotFound, ValidationError
from graphmodel.gaps import Status, analyse
from graphmodel.gaps.accepted import fingerprint, graph_evidence, store_evidence
from graphmodel.models import Edge, node_from_dict
from tests.test_gaps_rules import put

MARCH, JUNE, SEPTEMBER = dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2024, 9, 30)


def first_map(store):
    """Vetting adequately assured, leavers uncovered, recruitment self-assured only, incident
    reporting with a limited external opinion; three actions on two risks."""
    put(store, [
        ("Meeting", {"id": "M-JARAP", "name": "JARAP", "panel": True}),
        ("Process", {"id": "P-VET", "name": "Vetting", "area": "People", "owner": "Head of Professional Standards"}),
        ("Process", {"id": "P-LEAVE", "name": "Leaver management", "area": "People", "owner": "HR Director"}),
        ("Process", {"id": "P-REC", "name": "Recruitment", "area": "People"}),
        ("Process", {"id": "P-INC", "name": "Incident reporting", "area": "Information Quality"}),
        ("AssuranceSource", {"id": "S-IA", "name": "Internal audit of vetting", "line": 3, "opinion": "reasonable",
                             "last_assured": "2023-09-30", "frequency": "annual"}),
        ("AssuranceSource", {"id": "S-MGT", "name": "Vetting spot checks", "line": 1, "last_assured": "2024-03-01",
                             "frequency": "monthly"}),
        ("AssuranceSource", {"id": "S-REC", "name": "Recruitment file checks", "line": 1}),
        ("AssuranceSource", {"id": "S-HMI", "name": "HMICFRS crime data inspection", "line": 4,
                             "opinion": "limited", "last_assured": "2022-06-30"}),
        ("Risk", {"id": "R1", "title": "Vetting backlog"}),
        ("Risk", {"id": "R2", "title": "Poor crime data"}),
        ("Action", {"id": "A1", "title": "Clear the vetting backlog", "status": "amber", "target_date": "2024-06-30"}),
        ("Action", {"id": "A2", "title": "Renew vetting policy", "status": "grey", "target_date": "2024-12-31"}),
        ("Action", {"id": "A3", "title": "Retrain crime registrars", "status": "red", "target_date": "2024-01-31"}),
    ], ["S-IA ASSURES P-VET", "S-MGT ASSURES P-VET", "S-IA REPORTS_TO M-JARAP", "S-REC ASSURES P-REC",
        "S-HMI ASSURES P-INC", "S-HMI REPORTS_TO M-JARAP", "A1 MITIGATES R1", "A2 MITIGATES R1", "A3 MITIGATES R2"])


def second_map(store):
    """Leavers now assured by an audit; recruitment gone; training new and uncovered; A1 green, A3 done;
    the vetting spot checks carry on."""
    put(store, [
        ("AssuranceSource", {"id": "S-MGT", "name": "Vetting spot checks", "line": 1, "last_assured": "2024-06-15",
                             "frequency": "monthly"}),
        ("AssuranceSource", {"id": "S-IA2", "name": "Internal audit of leavers", "line": 3, "opinion": "reasonable",
                             "last_assured": "2024-05-31", "frequency": "annual"}),
        ("Process", {"id": "P-TRN", "name": "Training", "area": "People"}),
        ("Action", {"id": "A1", "title": "Clear the vetting backlog", "status": "green", "target_date": "2024-06-30"}),
        ("Action", {"id": "A3", "title": "Retrain crime registrars", "status": "complete",
                    "target_date": "2024-01-31"}),
    ], ["S-IA2 ASSURES P-LEAVE", "S-IA2 REPORTS_TO M-JARAP"])
    store.delete_node("P-REC")


def third_map(store):
    """The vetting audit comes back limited; A1 goes red."""
    put(store, [
        ("AssuranceSource", {"id": "S-IA", "name": "Internal audit of vetting", "line": 3, "opinion": "limited",
                             "last_assured": "2024-08-31", "frequency": "annual"}),
        ("Action", {"id": "A1", "title": "Clear the vetting backlog", "status": "red", "target_date": "2024-10-31"}),
    ])


def three_snapshots(store):
    first_map(store)
    snapshots.take(store, "JARAP March 2024", by="officer", as_of=MARCH)
    second_map(store)
    snapshots.take(store, "JARAP June 2024", by="officer", as_of=JUNE)
    third_map(store)
    snapshots.take(store, "JARAP September 2024", by="officer", as_of=SEPTEMBER)


def procs(changes: Changes) -> dict[str, ProcessChange]:
    return {p.process_id: p for p in changes.processes}


def areas(changes: Changes) -> dict[str, AreaChange]:
    return {a.area: a for a in changes.areas}


def acts(changes: Changes) -> dict[str, ActionChange]:
    return {a.action_id: a for a in changes.actions}


def directions(items, key):
    return {getattr(i, key): i.direction for i in items}


def test_a_map_through_three_snapshots(store):
    three_snapshots(store)
    assert [i.name for i in store.list_snapshots()] == ["JARAP March 2024", "JARAP June 2024", "JARAP September 2024"]
    march, june, september = (snapshots.load(store, n) for n in ("jarap march 2024", "JARAP June 2024",
                                                                  "JARAP September 2024"))

    spring = compare(march, june)
    assert directions(spring.processes, "process_id") == {
        "P-VET": Travel.UNCHANGED, "P-LEAVE": Travel.IMPROVED, "P-REC": Travel.REMOVED, "P-TRN": Travel.NEW,
        "P-INC": Travel.UNCHANGED}
    leave = procs(spring)["P-LEAVE"]
    assert (leave.before, leave.after, leave.score_before) == (Status.UNCOVERED, Status.ADEQUATE, 0.0)
    removed = procs(spring)["P-REC"]
    assert (removed.before, removed.after, removed.score_after) == (Status.WEAK, None, None)
    people = areas(spring)["People"]
    assert (people.coverage_before, people.coverage_after, people.direction) == (0.3333, 0.6667, Travel.IMPROVED)
    assert areas(spring)["Information Quality"].direction is Travel.UNCHANGED
    assert directions(spring.actions, "action_id") == {"A1": Travel.IMPROVED, "A2": Travel.UNCHANGED,
                                                       "A3": Travel.IMPROVED}
    assert (acts(spring)["A3"].status_before, acts(spring)["A3"].status_after) == ("red", "blue")
    keys = {name: {(f.rule, f.node_id) for f in group} for name, group in
            (("new", spring.findings.new), ("resolved", spring.findings.resolved),
             ("persisting", spring.findings.persisting))}
    assert {("G1", "P-TRN"), ("G10", "S-IA2")} <= keys["new"]
    assert {("G1", "P-LEAVE"), ("G2", "P-REC"), ("G9", "A3")} <= keys["resolved"]
    assert ("G5", "P-INC") in keys["persisting"] and not keys["new"] & keys["persisting"]
    nodes = spring.nodes
    assert [n.id for n in nodes.added] == ["P-TRN", "S-IA2"] and [n.id for n in nodes.removed] == ["P-REC"]
    changed = {n.id: n for n in nodes.changed}
    assert changed["A1"].fields == ("status",) and changed["A3"].fields == ("status",)
    assert changed["P-LEAVE"].links_added == ("S-IA2 -ASSURES-> P-LEAVE",) and not changed["P-LEAVE"].fields
    assert changed["S-REC"].links_removed == ("S-REC -ASSURES-> P-REC",)
    assert "P-VET" not in changed and "S-IA" not in changed and changed["S-MGT"].fields == ("last_assured",)

    summer = compare(june, september)
    assert procs(summer)["P-VET"].direction is Travel.WORSENED
    assert (procs(summer)["P-VET"].before, procs(summer)["P-VET"].after) == (Status.ADEQUATE, Status.WEAK)
    assert areas(summer)["People"].direction is Travel.WORSENED
    assert acts(summer)["A1"].direction is Travel.WORSENED
    assert ("G5", "P-VET") in {f.key for f in summer.findings.new}
    assert set(changed_fields := {n.id: n.fields for n in summer.nodes.changed}["S-IA"]) == {
        "opinion", "last_assured"}, changed_fields

    year = compare(march, september)  # across all three: vetting worse, leavers better
    assert procs(year)["P-VET"].direction is Travel.WORSENED and procs(year)["P-LEAVE"].direction is Travel.IMPROVED
    assert areas(year)["People"].direction is Travel.UNCHANGED  # 1 of 3 adequately assured both times...
    assert (areas(year)["People"].coverage_before, areas(year)["People"].coverage_after) == (0.3333, 0.3333)


def test_the_changes_json_has_the_contract_shape(store):
    three_snapshots(store)
    body = between(store, "JARAP June 2024", until="JARAP September 2024").as_dict()
    assert list(body) == ["since", "until", "processes", "areas", "findings", "actions", "nodes"]
    assert body["since"]["name"] == "JARAP June 2024" and body["until"]["name"] == "JARAP September 2024"
    assert body["until"]["as_of"] == "2024-09-30" and body["until"]["same_policy"] is True
    assert set(body["processes"][0]) == {"process_id", "name", "area", "before", "after", "score_before",
                                         "score_after", "direction"}
    assert set(body["areas"][0]) == {"area", "coverage_before", "coverage_after", "direction"}
    assert set(body["findings"]) == {"new", "resolved", "persisting"}
    assert set(body["actions"][0]) == {"action_id", "status_before", "status_after", "direction"}
    assert set(body["nodes"]) == {"added", "removed", "changed"}
    every = {p["direction"] for p in body["processes"]} | {a["direction"] for a in body["areas"]} | {
        a["direction"] for a in body["actions"]}
    assert every <= {"improved", "worsened", "unchanged", "new", "removed"}


def test_changes_since_the_latest_snapshot_by_default_and_refusals(store):
    three_snapshots(store)
    now = between(store, None, as_of=dt.date(2024, 10, 31))
    assert now.since.name == "JARAP September 2024" and now.until is None
    assert between(store, None, until="JARAP June 2024").since.name == "JARAP March 2024"
    assert between(store, None, as_of=dt.date(2024, 7, 1)).since.name == "JARAP June 2024"
    with pytest.raises(ValidationError, match="no earlier snapshot"):
        between(store, None, as_of=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError, match="compare a snapshot with a later state"):
        between(store, "JARAP September 2024", until="JARAP March 2024")
    with pytest.raises(NotFound, match="'JARAP March 2024', 'JARAP June 2024'"):
        between(store, "JARAP December 2024")


def test_a_snapshot_is_the_report_as_it_stood(store):
    first_map(store)
    snapshots.take(store, "JARAP March 2024", by="officer", as_of=MARCH)
    then = analyse(store, as_of=MARCH)
    second_map(store)  # the map moves on; the snapshot does not
    frozen = snapshots.load(store, "JARAP March 2024")
    assert frozen.info is not None and frozen.info.taken_by == "officer" and frozen.as_of == MARCH
    assert frozen.report.findings == then.findings
    assert [(a.process_id, a.status, round(a.score, 6), a.sources) for a in frozen.report.assessments] == [
        (a.process_id, a.status, round(a.score, 6), tuple(s for s in a.sources)) for a in then.assessments]
    assert frozen.report.policy == then.policy
    assert "P-REC" in frozen.graph and "P-TRN" not in frozen.graph
    assert frozen.graph.nodes["A1"]["node"].status == "amber"
    with pytest.raises(Conflict):
        snapshots.take(store, "jarap march 2024", by="someone else")
    assert snapshots.load(store, "JARAP March 2024").graph.nodes["A1"]["node"].status == "amber"


def test_a_source_assured_after_the_as_of_date_counts_as_not_yet_assured(store):
    """On the as-of date itself the assurance counts; a day later it had not happened."""
    put(store, [("Meeting", {"id": "M", "name": "JARAP", "panel": True}),
                ("Process", {"id": "ON", "name": "Assured on the day", "area": "People"}),
                ("Process", {"id": "AFTER", "name": "Assured the day after", "area": "People"}),
                ("AssuranceSource", {"id": "S-ON", "name": "Audit on the day", "line": 3, "opinion": "substantial",
                                     "last_assured": MARCH.isoformat(), "frequency": "annual"}),
                ("AssuranceSource", {"id": "S-AFTER", "name": "Audit the day after", "line": 3,
                                     "opinion": "substantial", "last_assured": "2024-04-01", "frequency": "annual"})],
        ["S-ON ASSURES ON", "S-AFTER ASSURES AFTER", "S-ON REPORTS_TO M", "S-AFTER REPORTS_TO M"])
    snapshots.take(store, "JARAP March 2024", by="officer", as_of=MARCH)
    frozen = snapshots.load(store, "JARAP March 2024").report
    status = {a.process_id: a.status for a in frozen.assessments}
    assert status == {"ON": Status.ADEQUATE, "AFTER": Status.WEAK}
    g3 = next(f for f in frozen.findings if f.key == ("G3", "AFTER"))
    assert "its assurance of 2024-04-01 came later" in g3.reasons[0]
    later = between(store, "JARAP March 2024", as_of=dt.date(2024, 4, 1))
    assert procs(later)["AFTER"].direction is Travel.IMPROVED and procs(later)["ON"].direction is Travel.UNCHANGED


# -- accepted gaps ---------------------------------------------------------------------------

def accept_g2(store, **kw):
    fields = {"by": "JARAP, 12 March 2024", "reason": "Spot checks suffice until the audit", "on": MARCH,
              "review": JUNE, **kw}
    return acceptances.accept(store, "g2", "P-REC", **fields)


def g2(report):
    return next(f for f in report.findings if f.key == ("G2", "P-REC"))


def test_an_accepted_gap_still_appears_marked_and_apart(store):
    first_map(store)
    made, replaced = accept_g2(store)
    assert replaced is None and made.rule == "G2" and made.fingerprint == store_evidence(store)("P-REC")
    report = analyse(store, as_of=dt.date(2024, 4, 15))
    found = g2(report)
    assert not found.is_open and found.accepted.in_force
    assert found.as_dict()["accepted"] == {"by": "JARAP, 12 March 2024", "on": "2024-03-31",
                                           "reason": "Spot checks suffice until the audit", "review": "2024-06-30"}
    assert found.as_dict()["lapsed"] is None
    from graphmodel.gaps import summarise

    summary = summarise(report)
    assert (summary.accepted, summary.open, summary.lapsed) == (1, summary.findings - 1, 0)
    assert all(f.accepted is None for f in report.findings if f.key != ("G2", "P-REC"))
    # Judged before the acceptance was made, it had not happened.
    assert g2(analyse(store, as_of=dt.date(2024, 3, 30))).accepted is None
    # Accepted again at its review, with a later date: the old one is replaced.
    again, replaced = accept_g2(store, on=JUNE, review=SEPTEMBER)
    assert replaced == made and store.list_acceptances() == [again]


def test_an_acceptance_lapses_on_its_review_date(store):
    first_map(store)
    accept_g2(store)
    assert g2(analyse(store, as_of=JUNE - dt.timedelta(days=1))).accepted.in_force
    lapsed = g2(analyse(store, as_of=JUNE))
    assert lapsed.is_open and lapsed.accepted.lapsed == "its review date, 2024-06-30, has come"
    assert lapsed.as_dict()["accepted"] is None
    assert lapsed.as_dict()["lapsed"]["why"] == "its review date, 2024-06-30, has come"
    kept = acceptances.kept(store, analyse(store, as_of=JUNE))
    assert [(k.state, k.due()) for k in kept] == [("lapsed", False)]
    soon = acceptances.kept(store, analyse(store, as_of=dt.date(2024, 4, 30)))
    assert [(k.state, k.due()) for k in soon] == [("in force", True)]  # due within the quarter
    early = acceptances.kept(store, analyse(store, as_of=dt.date(2024, 3, 30)))
    assert [k.state for k in early] == ["not yet made"]


@pytest.mark.parametrize("change", [
    lambda s: put(s, [("AssuranceSource", {"id": "S-REC", "name": "Recruitment file checks", "line": 1,
                                           "last_assured": "2024-04-02"})]),
    lambda s: put(s, [("AssuranceSource", {"id": "S-NEW", "name": "Second line 1 check", "line": 1})],
                  ["S-NEW ASSURES P-REC"]),
    lambda s: put(s, [("Process", {"id": "P-REC", "name": "Recruitment", "area": "People", "owner": "HR"})]),
    lambda s: s.upsert(edges=[Edge(source="S-REC", rel="ASSURES", target="P-REC", note="10 files a month")]),
], ids=["source-dated", "link-added", "node-edited", "link-note"])
def test_an_acceptance_lapses_when_the_evidence_changes(store, change):
    first_map(store)
    accept_g2(store)
    put(store, [("Process", {"id": "P-ELSE", "name": "Elsewhere", "area": "People"})],
        ["S-MGT ASSURES P-ELSE"])  # a change elsewhere keeps it in force
    assert g2(analyse(store, as_of=dt.date(2024, 4, 15))).accepted.in_force
    change(store)
    found = g2(analyse(store, as_of=dt.date(2024, 4, 15)))
    assert found.is_open
    assert found.accepted.lapsed.startswith("the evidence has changed since it was accepted on 2024-03-31")


def test_accepting_a_finding_that_does_not_hold_says_why(store):
    first_map(store)
    cases: list[tuple[dict[str, Any], str]] = [
        (dict(rule="G1", node_id="P-REC"), "G1 (Uncovered) does not hold for 'P-REC' on 2024-03-31; its findings "
                                           "then: G2, G3, G4, G6"),
        (dict(rule="G8", node_id="P-REC"), "G8 (Unmitigated risk) is about Risk nodes and 'P-REC' is a Process"),
        (dict(rule="G2", node_id="NOPE"), "no node has this id"),
        (dict(rule="G42", node_id="P-REC"), "unknown rule"),
        (dict(rule="G2", node_id="P-REC", review=MARCH), "the review date must be after the date of acceptance"),
        (dict(rule="G2", node_id="P-REC", by=" "), "must not be empty"),
    ]
    for given, message in cases:
        fields: dict[str, Any] = {"by": "JARAP", "reason": "r", "on": MARCH, "review": JUNE, **given}
        with pytest.raises(ValidationError, match=re.escape(message)):
            acceptances.accept(store, fields.pop("rule"), fields.pop("node_id"), **fields)
    assert store.list_acceptances() == []
    with pytest.raises(NotFound):
        acceptances.unaccept(store, "G2", "P-REC")


def test_a_resolved_finding_leaves_its_acceptance_kept_but_marking_nothing(store):
    first_map(store)
    accept_g2(store)
    store.delete_node("P-REC")
    report = analyse(store, as_of=dt.date(2024, 4, 15))
    assert [k.state for k in acceptances.kept(store, report)] == ["finding resolved"]
    assert acceptances.unaccept(store, "G2", "P-REC").node_id == "P-REC"
    assert store.list_acceptances() == []


def test_evidence_fingerprints_agree_across_stores_and_graphs(store_factory):
    prints = []
    for kind in ("embedded", "neo4j"):
        s = store_factory(kind)
        first_map(s)
        g = s.export()
        prints.append({n: store_evidence(s)(n) for n in g})
        assert prints[-1] == {n: graph_evidence(g)(n) for n in g}
    assert prints[0] == prints[1]
    node = node_from_dict("Process", {"id": "P", "name": "n", "area": "a"})
    assert fingerprint(node, []) != fingerprint(node.model_copy(update={"owner": "x"}), [])
