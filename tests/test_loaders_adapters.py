"""Register adapters, tested on real public papers (tests/data/reference) and small samples."""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import openpyxl

from loaders.command import run_load
from loaders.load import load, parse_paths

DATA = Path(__file__).parent / "data"
REFERENCE = DATA / "reference"
RISK_PAPER = REFERENCE / "leicestershire-jarap-2013-risk-register-and-assurance-framework.txt"
DELIVERY_PAPER = REFERENCE / "opcc-2018-police-and-crime-plan-delivery-plan-report.txt"
PROGRAMME_PAPER = REFERENCE / "west-mercia-2016-draft-assurance-programme.txt"


def by_id(parsed):
    return {p.node.id: p.node for p in parsed.nodes}


def edges(parsed):
    return {p.edge.key for p in parsed.edges}


# -- risk register action plan ---------------------------------------------------------

def test_risk_register_paper(store):
    report = load([RISK_PAPER], store)
    assert report.ok, report.errors
    assert report.nodes == {"Risk": 10, "Action": 46} and report.edges == {"MITIGATES": 46}
    r1, r5 = store.node("R1"), store.node("R5")
    assert (r1.title, r1.score) == ("Failure to manage public expectations of the PCC role", 12)
    assert r5.title.startswith("Failure in accountability of the PCC") and r5.score == 6
    assert r1.register == "OPCC RISK REGISTER & ASSURANCE FRAMEWORK"
    a = store.node("R1-A1")
    assert (a.title, a.owner, a.target_date) == ("Develop a proactive public communications strategy",
                                                 "Rebecca Watson", dt.date(2013, 4, 30))
    assert a.update.startswith("The OPCC has undertaken")
    assert store.node("R6-A1").target_date == dt.date(2013, 9, 30)  # "30th September 2013"
    ongoing = store.node("R1-A3")
    assert ongoing.target_date is None and ongoing.target_text == "Ongoing"
    assert store.node("R2-A4").status == "blue"  # target "Complete"
    assert store.node("R7-A1").status == "blue"  # update "Complete"
    assert store.node("R9-A2").status == "blue"  # update "Completed"
    assert store.node("R10-A4").status is None  # "All completed apart from ..." is not complete
    assert store.node("R4-A1").target_date == dt.date(2013, 9, 30)  # the table without a Target Date header
    assert any("blank header cell" in str(w) and w.row == 100 for w in report.warnings)
    assert store.get_edge("R10-A4", "MITIGATES", "R10") is not None
    assert "<sup>" not in store.node("R10-A1").title


def test_risk_register_saved_from_excel_reads_the_same(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in RISK_PAPER.read_text(encoding="utf-8").splitlines():
        ws.append(line.split("\t"))
    wb.save(tmp_path / "register.xlsx")
    from_text, from_xlsx = parse_paths([RISK_PAPER]), parse_paths([tmp_path / "register.xlsx"])
    assert not from_xlsx.errors
    assert by_id(from_xlsx) == by_id(from_text)
    assert edges(from_xlsx) == edges(from_text)


def test_risk_register_errors_name_the_line(store, tmp_path):
    bad = tmp_path / "register.txt"
    bad.write_text("Risk Item 1 A risk\t\tCurrent Risk Score - 40\n"
                   "Action Number\tAction\tComponent Actions\tOwner\tTarget Date\tImpact\tAction Update\n"
                   "1\t\tcomponents\tOwner\tJun-13\t\t\n", encoding="utf-8")
    report = load([bad], store)
    assert not report.ok and store.counts().total_nodes == 0
    text = "\n".join(map(str, report.errors))
    assert "register.txt: Risk Item 1 row 1, column score: Risk score: Input should be less than or equal to 25" in text


# -- delivery plan ---------------------------------------------------------------------

def test_delivery_plan_sample(store):
    report = load([DATA / "loaders-delivery-plan-sample.txt"], store)
    assert report.ok, report.errors
    v1 = store.node("V1")
    assert v1.kind == "Commitment" and v1.theme == "Victims"
    assert v1.title == "Victims receive a consistent, high quality service"
    a = store.node("V1.1")
    assert (a.target_date, a.sponsor, a.owner, a.status) == (dt.date(2019, 3, 31), "Chief Executive",
                                                            "Head of Commissioning", "green")
    assert store.node("V1.2").status == "amber" and store.node("V1.2").target_text == "Ongoing"
    assert store.node("V2.1").status == "blue"  # "(C)"
    assert store.node("O1.1").status == "red" and store.node("C1.2").status == "grey"
    assert store.get_edge("V2.1", "DELIVERS", "V2") and store.get_edge("V2.1", "LINKED_TO", "O1.1")
    assert store.get_edge("V1.1", "LINKED_TO", "C1.2")
    # a theme with rows but no objective is itself the commitment; an empty theme is kept too
    assert store.get_edge("C1.2", "DELIVERS", "theme-communities")
    assert store.node("theme-transformation").title == "Transformation"


def test_delivery_plan_paper_themes_are_recognised(store):
    report = load([DELIVERY_PAPER], store)
    assert report.ok, report.errors
    themes = sorted(n.title for n in store.list_nodes("Commitment").items)
    assert themes == ["Communities", "Offenders", "Transformation", "Victims"]
    assert any("no action rows found" in str(w) and "Victims, Offenders, Communities, Transformation" in str(w)
               for w in report.warnings)


# -- assurance programme -----------------------------------------------------------------

def test_assurance_programme_paper(store):
    report = load([PROGRAMME_PAPER], store)
    assert report.ok, report.errors
    commitments = {n.title: n for n in store.list_nodes("Commitment").items}
    assert len(commitments) == 8
    assert "Holding the Chief Constable to" not in commitments
    assert "The Police and Crime Commissioner will:" not in commitments
    c = commitments["Bring together and lead a new West Mercia Victims Board"]
    assert c.theme == "Putting victim and survivors first"
    assert c.notes == "Supporting activity: Coordination and ongoing management of the Board"
    assert store.get_edge("west-mercia-lcjb", "OVERSEES", c.id)
    rj = commitments["Support the appropriate use of restorative justice"]
    assert store.get_edge("restorative-justice-alliance-programme-board", "OVERSEES", rj.id)
    assert store.get_edge("crime-reduction-board", "OVERSEES", rj.id)  # the continuation row
    assert store.node("agg").kind == "Meeting"  # "Updates at AGG"
    plan = store.node("opcc-delivery-plan")
    assert plan.kind == "AssuranceSource" and plan.line == 2
    assert store.get_edge("opcc-delivery-plan", "ASSURES", commitments["Complete a victims need assessment"].id)
    assert "Victims have access to Track my Crime or alternative equivalent" in commitments
    assert any(w.value == "charter" and "cut off" in w.message for w in report.warnings)


def test_assurance_programme_with_glossary_from_csv(store):
    report = load([DATA / "loaders-assurance-programme-sample.csv"], store)
    assert report.ok, report.errors
    agg = store.node("agg")
    assert agg.kind == "Meeting" and agg.frequency == "monthly" and agg.purpose.startswith("Assurance and Governance")
    assert store.node("joint-audit-committee").frequency == "quarterly"
    lines = {n.id: n.line for n in store.list_nodes("AssuranceSource").items}
    assert lines == {"audit": 3, "kpi-monitoring": 2, "briefings": 1, "peer-review": 4}
    assert store.node("kpi-monitoring").frequency == "monthly"
    vfm = next(n for n in store.list_nodes("Commitment").items if n.title == "Value for money")
    assert store.get_edge("joint-audit-committee", "OVERSEES", vfm.id)
    assert store.get_edge("briefings", "ASSURES", vfm.id)
    assert "Risk register items: SR2" in vfm.notes
    assert store.counts().total_nodes == 10  # glossary rows are not commitments


# -- choosing an adapter --------------------------------------------------------------------

def test_unrecognised_text_and_unknown_adapter_are_refused(store, tmp_path, capsys):
    note = tmp_path / "notes.txt"
    note.write_text("Minutes of the meeting\nNothing tabular here\n", encoding="utf-8")
    report = load([note], store)
    assert "cannot tell which register layout this is; choose one with --adapter" in str(report.errors[0])
    code = run_load(argparse.Namespace(paths=[str(RISK_PAPER)], dry_run=False, adapter="minutes"), store)
    assert code == 2 and "unknown adapter" in capsys.readouterr().err
    assert store.counts().total_nodes == 0


def test_explicit_adapter_and_all_papers_in_one_load(store):
    code = run_load(argparse.Namespace(paths=[str(RISK_PAPER)], dry_run=False, adapter="risk-register"), store)
    assert code == 0 and store.counts().nodes["Risk"] == 10
    report = load([RISK_PAPER, PROGRAMME_PAPER, DELIVERY_PAPER], store)
    assert report.ok, report.errors
    assert store.counts().nodes["Commitment"] == 12
