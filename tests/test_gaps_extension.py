"""A new rule is one declaration: declared here for this test only (and registered for its
duration), it is run by the engine on both stores, counted, classified, rendered in every format,
given a severity the policy can change, and offered by the API, with no other code touched."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graphmodel.gaps import RULES, Context, GraphReader, Hit, Policy, Rule, Severity, Status, analyse, summarise
from graphmodel.gaps.render import report_json, write_csv, write_table
from graphmodel.models import edge_from_dict, node_from_dict

AS_OF = dt.date(2024, 6, 15)


def _unowned(facts: GraphReader, ctx: Context) -> Iterable[Hit]:
    for p in facts.nodes("Process"):
        if p.owner is None and ctx.in_area(p.area):
            yield Hit(p.id, p.label, p.area)


G11 = Rule(
    "G11", "Unowned process",
    "A key process with nobody named as its owner.",
    kind="Process", severity=Severity.LOW, classifies=Status.WEAK, by_area=True,
    check=_unowned,
    explain=lambda hit, ctx: ["nobody is named as its owner"],
)


@pytest.fixture
def g11(monkeypatch):
    monkeypatch.setitem(RULES, G11.id, G11)


@pytest.fixture
def mapped(store):
    """Two processes that every standard rule is content with; only P2 lacks an owner."""
    recent = (AS_OF - dt.timedelta(days=30)).isoformat()
    store.upsert([node_from_dict("Process", {"id": "P1", "name": "Vetting", "area": "People", "owner": "HR"}),
                  node_from_dict("Process", {"id": "P2", "name": "Leavers", "area": "People"}),
                  node_from_dict("AssuranceSource", {"id": "S1", "name": "Vetting audit", "line": 3,
                                                     "opinion": "substantial", "frequency": "annual",
                                                     "last_assured": recent}),
                  node_from_dict("AssuranceSource", {"id": "S2", "name": "Leavers audit", "line": 3,
                                                     "opinion": "substantial", "frequency": "annual",
                                                     "last_assured": recent}),
                  node_from_dict("Meeting", {"id": "JARAP", "name": "JARAP", "panel": True})],
                 [edge_from_dict({"source": s, "rel": rel, "target": t}) for s, rel, t in (
                     ("S1", "ASSURES", "P1"), ("S1", "ASSURES", "P2"), ("S2", "ASSURES", "P1"),
                     ("S2", "ASSURES", "P2"), ("S1", "REPORTS_TO", "JARAP"), ("S2", "REPORTS_TO", "JARAP"))])
    return store


def test_without_the_rule_both_processes_are_adequate(mapped):
    report = analyse(mapped, as_of=AS_OF)
    assert report.findings == () and {a.status for a in report.assessments} == {Status.ADEQUATE}


def test_the_engine_runs_counts_and_classifies_it(mapped, g11):
    report = analyse(mapped, as_of=AS_OF)
    assert [(f.rule, f.node_id, f.severity, f.reasons, f.area) for f in report.findings] == [
        ("G11", "P2", Severity.LOW, ("nobody is named as its owner",), "People")]
    by_id = {a.process_id: a for a in report.assessments}
    assert (by_id["P1"].status, by_id["P2"].status, by_id["P2"].rules) == (Status.ADEQUATE, Status.WEAK, ("G11",))
    summary = summarise(report)
    assert summary.by_rule["G11"] == 1 and summary.areas["People"].weak == 1
    assert analyse(mapped, as_of=AS_OF, area="PEOPLE").findings == report.findings  # it honours the area
    assert [f.rule for f in analyse(mapped, as_of=AS_OF, rules=["g11"]).findings] == ["G11"]
    assert list(analyse(mapped, as_of=AS_OF, rules=["G1"]).assessments) == list(report.assessments)


def test_the_policy_knows_its_severity_and_may_change_it(mapped, g11):
    assert Policy().severity("G11") is Severity.LOW
    assert Policy().as_dict()["severities"]["G11"] == "low"
    louder = Policy.from_dict({"severities": {"G11": "high"}})
    [finding] = analyse(mapped, as_of=AS_OF, policy=louder).findings
    assert finding.severity is Severity.HIGH


def test_every_rendering_shows_it(mapped, g11):
    report = analyse(mapped, as_of=AS_OF)
    data = report_json(report)
    assert data["summary"]["by_rule"]["G11"] == 1 and data["findings"][0]["rule"] == "G11"
    out = io.StringIO()
    write_csv(report, out)
    assert [r["rule"] for r in csv.DictReader(io.StringIO(out.getvalue()))] == ["G11"]
    out = io.StringIO()
    write_table(report, out)
    assert "G11  low    Process P2: Leavers" in out.getvalue() and "G11 Unowned process" in out.getvalue()


def test_the_api_offers_it(mapped, g11, tmp_path):
    with TestClient(create_app(Settings(audit_log=tmp_path / "audit.jsonl"), mapped)) as client:
        rules = {r["id"]: r for r in client.get("/gaps/rules").json()}
        assert rules["G11"] == {"id": "G11", "title": "Unowned process", "kind": "Process", "severity": "low",
                                "classifies": "weak", "description": "A key process with nobody named as its owner."}
        assert client.get("/gaps/policy").json()["severities"]["G11"] == "low"
        one = client.get("/gaps/rules/G11", params={"as_of": AS_OF.isoformat()}).json()
        assert [(f["rule"], f["node_id"]) for f in one["findings"]] == [("G11", "P2")]
        body = client.post("/gaps", json={"as_of": AS_OF.isoformat(), "rules": ["G11"],
                                          "policy": {"severities": {"G11": "medium"}}}).json()
        assert [f["severity"] for f in body["findings"]] == ["medium"]
        csv_text = client.get("/exports/findings.csv", params={"as_of": AS_OF.isoformat()}).text
        assert "G11,low,Process,P2,Leavers,People,nobody is named as its owner" in csv_text
        assert json.loads(client.get("/gaps", params={"rule": "G11", "as_of": AS_OF.isoformat()}).text)[
            "summary"]["by_rule"]["G11"] == 1
        spec = client.get("/openapi.json").json()["components"]["schemas"]  # the document lists it too
        assert "G11" in spec["RuleId"]["enum"] and "G11" in spec["FindingsByRule"]["required"]


def test_a_declaration_that_cannot_work_is_refused():
    base = dict(title="t", description="d", severity=Severity.LOW, check=_unowned,
                explain=lambda hit, ctx: [])
    with pytest.raises(ValueError, match="unknown node kind 'Widget'"):
        Rule("G12", kind="Widget", **base)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="only a rule about Processes can classify"):
        Rule("G12", kind="Risk", classifies=Status.WEAK, **base)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="only a rule about Processes can classify"):
        Rule("G12", kind="Process", classifies=Status.ADEQUATE, **base)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="letters and digits"):
        Rule("G 12", kind="Process", **base)  # type: ignore[arg-type]


def test_the_contract_lists_every_rule():
    spec = (Path(__file__).resolve().parents[1] / "docs" / "spec.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"| {rule.id} | {rule.title} | {rule.severity.value} |" in spec, rule.id
