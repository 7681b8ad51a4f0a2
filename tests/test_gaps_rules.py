"""Each gap rule on small hand-built maps with known answers, on both stores."""
from __future__ import annotations

import datetime as dt

import pytest

from graphmodel.errors import ValidationError
from graphmodel.gaps import RULES, AreaSummary, Overlay, Policy, Status, analyse, summarise
from graphmodel.models import edge_from_dict, node_from_dict

AS_OF = dt.date(2024, 6, 15)  # G3 cut-off with the default 36 months: 2021-06-15


def put(store, nodes, links=()):
    """nodes: (kind, {fields}); links: 'SOURCE REL TARGET' strings."""
    store.upsert([node_from_dict(kind, data) for kind, data in nodes],
                 [edge_from_dict(dict(zip(("source", "rel", "target"), link.split(), strict=True))) for link in links])


def process(pid, area="People"):
    return ("Process", {"id": pid, "name": f"Process {pid}", "area": area})


def source(sid, line, **fields):
    return ("AssuranceSource", {"id": sid, "name": f"Source {sid}", "line": line, **fields})


def days_ago(n):
    return AS_OF - dt.timedelta(days=n)


def findings(store, rule, **kw):
    report = analyse(store, as_of=AS_OF, rules=[rule], **kw)
    return {f.node_id: f for f in report.findings}


def test_g1_uncovered_gets_g1_alone(store):
    put(store, [process("P1"), process("P2"), source("S1", 1)], ["S1 ASSURES P2"])
    found = findings(store, "G1")
    assert set(found) == {"P1"}
    assert found["P1"].reasons == ("no source of assurance covers it",)
    assert found["P1"].severity.value == "high" and found["P1"].area == "People"
    report = analyse(store, as_of=AS_OF)
    p1 = next(a for a in report.assessments if a.process_id == "P1")
    assert (p1.status, p1.rules, p1.score) == (Status.UNCOVERED, ("G1",), 0.0)
    assert {f.rule for f in report.findings if f.node_id == "P1"} == {"G1"}


def test_g2_only_line_one(store):
    put(store, [process("P1"), process("P2"), source("S1", 1, name="Monthly supervisor spot checks"),
                source("S2", 1, name="Team leader review"), source("S3", 2)],
        ["S1 ASSURES P1", "S2 ASSURES P1", "S1 ASSURES P2", "S3 ASSURES P2"])
    found = findings(store, "G2")
    assert set(found) == {"P1"}
    assert found["P1"].reasons == ("only line 1 (management) sources: Monthly supervisor spot checks, "
                                   "Team leader review",)


def test_g3_independent_within_36_calendar_months(store):
    cutoff = dt.date(2021, 6, 15)
    put(store, [process(p) for p in ("ON", "BEFORE", "OLD", "UNDATED", "L2")] + [
        source("S_ON", 3, last_assured=cutoff.isoformat()),
        source("S_BEFORE", 3, last_assured=(cutoff - dt.timedelta(days=1)).isoformat()),
        source("S_OLD", 4, name="internal audit of payroll", last_assured="2021-02-15"),
        source("S_UNDATED", 4),
        source("S_L2", 2, last_assured=AS_OF.isoformat()),
    ], ["S_ON ASSURES ON", "S_BEFORE ASSURES BEFORE", "S_OLD ASSURES OLD", "S_UNDATED ASSURES UNDATED",
        "S_L2 ASSURES L2"])
    found = findings(store, "G3")
    assert set(found) == {"BEFORE", "OLD", "UNDATED", "L2"}
    assert "36 months and 1 day before the as-of date" in found["BEFORE"].reasons[0]
    assert found["OLD"].reasons == (
        "the internal audit of payroll, a line 4 (external) source, was last assured on 2021-02-15, "
        "40 months before the as-of date; independent assurance is needed within 36 months",)
    assert "has no last assured date" in found["UNDATED"].reasons[0]
    assert found["L2"].reasons[0].startswith("no line 3 (internal audit) or line 4 (external) source, only Source S_L2")


def test_g3_follows_the_policy_months(store):
    put(store, [process("P1"), source("S1", 3, last_assured="2023-01-01")], ["S1 ASSURES P1"])
    assert set(findings(store, "G3")) == set()
    strict = Policy.from_dict({"independent_months": 12})
    assert set(findings(store, "G3", policy=strict)) == {"P1"}


@pytest.mark.parametrize("frequency, fresh_age, limit", [
    ("weekly", 10, 10.5),
    ("monthly", 46, 46.5),
    ("quarterly", 138, 138),  # exactly 1.5 x 92 days: not stale
    ("4 per annum", 136, 136.875),
    ("whenever the inspector calls", 547, 547.5),  # text that does not parse counts as adhoc
    (None, 547, 547.5),
])
def test_g4_stale_boundaries(store, frequency, fresh_age, limit):
    freq = {"frequency": frequency} if frequency else {}
    put(store, [process("FRESH"), process("STALE"), process("UNDATED"), process("MIXED"),
                source("S_FRESH", 2, last_assured=days_ago(fresh_age).isoformat(), **freq),
                source("S_STALE", 2, last_assured=days_ago(fresh_age + 1).isoformat(), **freq),
                source("S_UNDATED", 2, **freq)],
        ["S_FRESH ASSURES FRESH", "S_STALE ASSURES STALE", "S_UNDATED ASSURES UNDATED",
         "S_STALE ASSURES MIXED", "S_FRESH ASSURES MIXED"])
    found = findings(store, "G4")
    assert set(found) == {"STALE", "UNDATED"}
    assert found["UNDATED"].reasons[1] == "Source S_UNDATED: no last assured date"
    assert f"{fresh_age + 1} days before the as-of date" in found["STALE"].reasons[1]
    assert f"it is stale after {limit:g} days" in found["STALE"].reasons[1]
    if frequency == "whenever the inspector calls":
        assert "not understood (counted as adhoc)" in found["STALE"].reasons[1]


def test_recency_classes_feed_the_score(store):
    put(store, [process("P1"),
                source("CUR", 3, opinion="substantial", frequency="monthly", last_assured=days_ago(31).isoformat()),
                source("DUE", 3, opinion="substantial", frequency="monthly", last_assured=days_ago(32).isoformat()),
                source("OLD", 3, opinion="substantial", frequency="monthly", last_assured=days_ago(47).isoformat()),
                source("NONE", 3, opinion="substantial", frequency="monthly")],
        [f"{s} ASSURES P1" for s in ("CUR", "DUE", "OLD", "NONE")])
    [a] = analyse(store, as_of=AS_OF).assessments
    assert {s.source_id: s.recency for s in a.sources} == {
        "CUR": "current", "DUE": "due", "OLD": "stale", "NONE": "undated"}
    expected = 1 - (1 - 0.7) * (1 - 0.7 * 0.75) * (1 - 0.7 * 0.3) * (1 - 0.7 * 0.2)
    assert a.score == pytest.approx(expected)
    assert a.explanation.startswith("score = 1 - (1 - 0.700) x (1 - 0.525)")


def test_more_evidence_never_lowers_the_score(store):
    put(store, [process("P1"), process("P2"),
                source("S1", 3, opinion="substantial", frequency="annual", last_assured=days_ago(10).isoformat()),
                source("S2", 1, opinion="none")],
        ["S1 ASSURES P1", "S1 ASSURES P2", "S2 ASSURES P2"])
    scores = {a.process_id: a.score for a in analyse(store, as_of=AS_OF).assessments}
    assert scores["P1"] == pytest.approx(0.7)
    assert scores["P2"] >= scores["P1"]


def test_g5_most_recent_independent_opinion(store):
    put(store, [process(p) for p in ("NEG", "POS", "TIE", "UNDATED", "ONLY_UNDATED", "UNRATED")] + [
        source("A1", 3, opinion="limited", last_assured="2023-01-01"),
        source("A2", 4, opinion="substantial", last_assured="2022-01-01"),
        source("B1", 3, opinion="limited", last_assured="2022-01-01"),
        source("B2", 4, opinion="reasonable", last_assured="2023-01-01"),
        source("C1", 3, opinion="substantial", last_assured="2023-05-05"),
        source("C2", 4, opinion="none", name="HMICFRS inspection", last_assured="2023-05-05"),
        source("D1", 3, opinion="none"),
        source("D2", 4, opinion="reasonable", last_assured="2020-01-01"),
        source("E1", 3, opinion="limited"),
        source("F1", 3, opinion="unrated", last_assured="2024-01-01"),
        source("F2", 1, opinion="none", last_assured="2024-05-01"),
    ], ["A1 ASSURES NEG", "A2 ASSURES NEG", "B1 ASSURES POS", "B2 ASSURES POS", "C1 ASSURES TIE",
        "C2 ASSURES TIE", "D1 ASSURES UNDATED", "D2 ASSURES UNDATED", "E1 ASSURES ONLY_UNDATED",
        "F1 ASSURES UNRATED", "F2 ASSURES UNRATED"])
    found = findings(store, "G5")
    assert set(found) == {"NEG", "TIE", "ONLY_UNDATED"}
    assert found["TIE"].reasons == ("the most recent independent opinion is none: HMICFRS inspection, "
                                    "a line 4 (external) source, last assured on 2023-05-05",)
    assert found["NEG"].reasons[0].startswith("the most recent independent opinion is limited: Source A1")
    assert found["ONLY_UNDATED"].reasons[0].endswith("undated")


def test_g6_unreported_and_the_chain_to_the_panel(store):
    put(store, [process("P1"), process("P2"), process("P3"), source("S1", 2), source("S2", 1), source("S3", 3),
                source("S4", 2),
                ("Meeting", {"id": "M1", "name": "Force Assurance Board"}),
                ("Meeting", {"id": "M2", "name": "Audit Committee"}),
                ("Meeting", {"id": "M3", "name": "JARAP", "panel": True}),
                ("Meeting", {"id": "M4", "name": "Chief Officer Team"})],
        ["S1 ASSURES P1", "S2 ASSURES P1", "S2 ASSURES P2", "S3 ASSURES P2", "S4 ASSURES P3",
         "S1 REPORTS_TO M1", "M1 REPORTS_TO M2", "M2 REPORTS_TO M3", "S4 REPORTS_TO M4"])
    found = findings(store, "G6")
    assert set(found) == {"P2"}
    assert found["P2"].reasons == ("none of its sources reports to a meeting: Source S2, Source S3",)
    by_id = {a.process_id: a for a in analyse(store, as_of=AS_OF).assessments}
    reporting = {s.source_id: s.reporting for s in by_id["P1"].sources}
    assert reporting == {"S1": "Force Assurance Board -> Audit Committee -> JARAP (audit panel)", "S2": ""}
    assert by_id["P3"].sources[0].reporting == "Chief Officer Team (no route to the audit panel)"


def test_g7_commitment_without_oversight(store):
    put(store, [("Commitment", {"id": c, "title": f"Commitment {c}"}) for c in ("C1", "C2", "C3")] + [
        ("Meeting", {"id": "M1", "name": "Board"}), source("S1", 2)], ["M1 OVERSEES C2", "S1 ASSURES C3"])
    found = findings(store, "G7")
    assert set(found) == {"C1"}
    assert found["C1"].kind == "Commitment" and found["C1"].label == "Commitment C1"


def test_g7_oversight_inherited_by_reference(store):
    """'See 2.1' in an oversight cell links the commitment to 2.1: overseen there, it is no finding;
    referring to a commitment with no oversight, its reason says so."""
    put(store, [("Commitment", {"id": c, "title": f"Commitment {c}"}) for c in ("C1", "C2", "C3", "C4")] + [
        ("Meeting", {"id": "M1", "name": "Board"})], ["M1 OVERSEES C1", "C2 LINKED_TO C1", "C3 LINKED_TO C4"])
    found = findings(store, "G7")
    assert set(found) == {"C3", "C4"}
    assert found["C3"].reasons[-1] == ("it refers to C4 for its oversight (LINKED_TO), and that has no oversight "
                                       "either")
    assert len(found["C4"].reasons) == 1


def test_g7_oversight_given_to_the_actions_that_deliver_a_commitment(store):
    """A plan that gives oversight row by row, to a priority's actions, oversees the priority: a
    commitment is a finding only when neither it nor any action delivering it is overseen."""
    put(store, [("Commitment", {"id": c, "title": f"Priority {c}"}) for c in ("P1", "P2", "P3", "P4")] + [
        ("Action", {"id": a, "title": f"Action {a}"}) for a in ("A1", "A2", "A3", "A4")] + [
        ("Meeting", {"id": "M1", "name": "Victims Board"}), source("S1", 2)],
        ["A1 DELIVERS P1", "A2 DELIVERS P1", "M1 OVERSEES A1", "A3 DELIVERS P2", "S1 ASSURES A3",
         "A4 DELIVERS P3", "P4 LINKED_TO P1"])
    found = findings(store, "G7")
    assert set(found) == {"P3"}
    assert found["P3"].reasons == ("no meeting oversees it and no source of assurance covers it, directly or "
                                   "through the actions that deliver it",)
    assert set(findings(store, "G7", overlay=Overlay(withdraw=frozenset({"S1"})))) == {"P2", "P3"}
    for c in ("P1", "P2", "P3", "P4"):  # one commitment's own report reads its actions alone, and agrees
        alone = analyse(store, as_of=AS_OF, node=c, rules=["G7"])
        assert [f.node_id for f in alone.findings] == (["P3"] if c == "P3" else []), c


def test_g7_quotes_a_placeholder_the_paper_gives_for_oversight(store):
    put(store, [("Commitment", {"id": "C1", "title": "Protect people from fraud",
                                "oversight_text": "To be determined"})])
    assert findings(store, "G7")["C1"].reasons[-1] == "the paper gives its oversight as 'To be determined'"


def test_g8_unmitigated_risk(store):
    put(store, [("Risk", {"id": "R1", "title": "Data loss", "score": 16}), ("Risk", {"id": "R2", "title": "Fraud"}),
                ("Action", {"id": "A1", "title": "Encrypt laptops"})], ["A1 MITIGATES R2"])
    found = findings(store, "G8")
    assert set(found) == {"R1"}
    assert found["R1"].reasons == ("no action is recorded against it", "its risk score is 16")


def test_g8_a_closed_or_referenced_risk_needs_no_action_and_a_tolerated_one_says_so(store):
    put(store, [("Risk", {"id": "R1", "title": "Old system", "status": "Closed"}),
                ("Risk", {"id": "R2", "title": "Small fraud", "status": "tolerated", "score": 4}),
                ("Risk", {"id": "R3", "title": "Cyber", "status": "transferred"}),
                ("Risk", {"id": "R4", "title": "Fraud", "status": "open"}),
                ("Risk", {"id": "R5", "title": "Listed by a programme", "status": "referenced"})])
    found = findings(store, "G8")
    assert set(found) == {"R2", "R3", "R4"}
    assert found["R2"].reasons == ("no action is recorded against it", "its risk score is 4",
                                   "the register tolerates it: no action is planned")
    assert found["R3"].reasons[-1] == "the register leaves it to another register"
    assert found["R4"].reasons == ("no action is recorded against it",)


def test_g9_overdue_action(store):
    put(store, [("Action", {"id": "LATE", "title": "Late", "target_date": "2024-06-14", "status": "amber"}),
                ("Action", {"id": "DONE", "title": "Done", "target_date": "2023-06-30", "status": "complete"}),
                ("Action", {"id": "TODAY", "title": "Today", "target_date": AS_OF.isoformat(), "status": "red"}),
                ("Action", {"id": "NOSTATUS", "title": "No status", "target_date": "2013-06-30"}),
                ("Action", {"id": "TEXT", "title": "Ongoing", "target_text": "Ongoing"}),
                ("Action", {"id": "WORDS", "title": "Words", "target_date": "2024-01-31",
                            "status_text": "In progress"}),
                ("Action", {"id": "DONE2", "title": "Implemented", "target_date": "2024-01-31",
                            "status": "Implemented"})])
    found = findings(store, "G9")
    assert set(found) == {"LATE", "NOSTATUS", "WORDS"}
    assert found["WORDS"].reasons[1] == ("its status in the paper, 'In progress', gives no colour and does not say it "
                                         "is complete")
    assert found["LATE"].reasons == ("its target date 2024-06-14 passed 1 day before the as-of date 2024-06-15",
                                     "its status is amber, not blue (complete)")
    assert found["NOSTATUS"].reasons[0] == "its target date 2013-06-30 passed 10 years before the as-of date 2024-06-15"
    assert found["NOSTATUS"].reasons[1] == "no status is recorded"


def test_g10_single_point_of_assurance(store):
    put(store, [process("P1"), process("P2"), process("P3"), source("S1", 3, name="Vetting audit"), source("S2", 2)],
        ["S1 ASSURES P1", "S1 ASSURES P2", "S1 ASSURES P3", "S2 ASSURES P3"])
    found = findings(store, "G10")
    assert set(found) == {"S1"}
    assert found["S1"].kind == "AssuranceSource"
    assert found["S1"].reasons[0] == "the only source of assurance over 2 processes: Process P1 (P1), Process P2 (P2)"


def test_classes_rules_filter_and_area(store):
    put(store, [process("P1"), process("P2", "Information Quality"), process("P3"),
                source("S1", 3, opinion="substantial", last_assured="2024-01-01", frequency="annual"),
                source("S2", 4, opinion="reasonable", last_assured="2024-02-01", frequency="annual"),
                ("Meeting", {"id": "M1", "name": "JARAP", "panel": True}),
                ("Risk", {"id": "R1", "title": "Unmitigated"})],
        ["S1 ASSURES P1", "S2 ASSURES P1", "S1 REPORTS_TO M1", "S2 ASSURES P3"])
    report = analyse(store, as_of=AS_OF, rules=["g6"])
    assert [f.rule for f in report.findings] == ["G6"]
    statuses = {a.process_id: a.status for a in report.assessments}
    assert statuses == {"P1": Status.ADEQUATE, "P2": Status.UNCOVERED, "P3": Status.WEAK}

    people = analyse(store, as_of=AS_OF, area="people")
    assert [a.process_id for a in people.assessments] == ["P1", "P3"]
    assert {f.rule for f in people.findings} == {"G6", "G10"}  # no G1 for P2, no G8 for the risk
    area = summarise(people).areas["People"]
    assert area == AreaSummary("People", processes=2, uncovered=0, weak=1, adequate=1, findings=1)
    assert (area.covered, area.assured, area.coverage, area.covered_share) == (2, 1, 0.5, 1.0)
    assert area.as_dict() == {"processes": 2, "uncovered": 0, "weak": 1, "adequate": 1, "covered": 2, "assured": 1,
                              "coverage": 0.5, "covered_share": 1.0, "findings": 1}

    everything = analyse(store, as_of=AS_OF)
    assert [(f.rule, f.node_id) for f in everything.findings] == sorted(
        ((f.rule, f.node_id) for f in everything.findings), key=lambda k: (list(RULES).index(k[0]), k[1]))
    assert summarise(everything).by_rule["G8"] == 1


def test_overlay_withdraws_and_replaces_opinions(store):
    put(store, [process("P1"), source("S1", 3, opinion="substantial", last_assured="2024-01-01")],
        ["S1 ASSURES P1"])
    assert set(findings(store, "G5", overlay=Overlay(opinions={"S1": "limited"}))) == {"P1"}
    assert set(findings(store, "G1", overlay=Overlay(withdraw=frozenset({"S1"})))) == {"P1"}
    assert set(findings(store, "G1")) == set()


def test_unknown_rule_is_an_error(store):
    with pytest.raises(ValidationError) as err:
        analyse(store, rules=["G1", "G11"])
    assert "G11" in str(err.value) and "expected one of G1" in str(err.value)


def test_a_rule_about_the_whole_map_cannot_be_narrowed_to_an_area(store):
    put(store, [process("P1"), ("Risk", {"id": "R1", "title": "Unmitigated"})])
    with pytest.raises(ValidationError) as err:
        analyse(store, as_of=AS_OF, rules=["G1", "G8", "G9"], area="People")
    assert [p.value for p in err.value.problems] == ["G8", "G9"]
    assert "rule G8 is about the whole map (Risk nodes have no area)" in str(err.value)
    assert [f.rule for f in analyse(store, as_of=AS_OF, rules=["G1", "G10"], area="People").findings] == ["G1"]


def test_an_as_of_date_at_the_start_of_the_accepted_range(store):
    put(store, [process("P1"), source("S1", 3, last_assured="1900-01-10")], ["S1 ASSURES P1"])
    [a] = analyse(store, as_of=dt.date(1900, 3, 1)).assessments
    assert "G3" not in a.rules  # the 36-month window reaches back before the earliest date accepted
    [a] = analyse(store, as_of=dt.date(1, 3, 1)).assessments  # the engine itself copes with year 1
    assert "G3" in a.rules  # the source was assured after that date, so it does not count


def test_as_of_ignores_assurance_dated_after_it(store):
    """Judged at a past date, a source assured later counts as not yet assured: its date and its
    opinion had not happened then, and the reasons say so."""
    later = AS_OF + dt.timedelta(days=30)
    put(store, [process("LATER"), process("BOTH"),
                source("S_LATER", 3, name="internal audit of vetting", opinion="limited",
                       last_assured=later.isoformat(), frequency="annual"),
                source("S_THEN", 4, opinion="reasonable", last_assured=days_ago(100).isoformat()),
                source("S_NEXT", 3, opinion="none", last_assured=later.isoformat())],
        ["S_LATER ASSURES LATER", "S_THEN ASSURES BOTH", "S_NEXT ASSURES BOTH"])
    report = analyse(store, as_of=AS_OF)
    by_node: dict[str, set[str]] = {}
    for f in report.findings:
        by_node.setdefault(f.node_id, set()).add(f.rule)
    # LATER: no independent assurance yet, and stale (undated) -- but no negative opinion from the future.
    assert {"G3", "G4"} <= by_node["LATER"] and "G5" not in by_node["LATER"]
    g3 = next(f for f in report.findings if f.rule == "G3" and f.node_id == "LATER")
    assert f"its assurance of {later.isoformat()} came later" in g3.reasons[0]
    # BOTH: the assurance that stood at the as-of date decides; the later "none" opinion does not.
    assert by_node["BOTH"] == {"G6"}  # (nothing reports to a meeting in this map)
    # Judged after the later assurance, it counts with its opinion.
    after = analyse(store, as_of=later)
    assert {f.node_id for f in after.findings if f.rule == "G5"} == {"LATER", "BOTH"}


@pytest.mark.parametrize("start, end, words", [
    ("2024-06-14", "2024-06-15", "1 day"), ("2024-05-01", "2024-05-31", "30 days"),
    ("2024-01-31", "2024-02-29", "1 month"), ("2024-01-15", "2024-02-15", "1 month"),
    ("2023-06-15", "2024-06-14", "11 months"), ("2023-06-15", "2024-06-15", "1 year"),
    ("2023-04-15", "2024-06-20", "1 year and 2 months"), ("2013-06-30", "2026-03-31", "12 years")])
def test_durations_in_words(start, end, words):
    from graphmodel.gaps.rules import span_words

    assert span_words(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == words
