"""Register adapters on the reference papers (tests/data/reference) and on the corpus of tests/papers.py,
read back from Word, Excel, PDF, markdown and text."""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.command import run_load
from loaders.load import load, parse_paths
from loaders.preview import ReadOptions
from tests.papers import DELIVERY_PAPER, PROGRAMME_PAPER, RISK_PAPER, render

DATA = Path(__file__).parent / "data"
FORMATS = ("txt", "md", "docx", "xlsx", "pdf", "unruled.pdf", "rules.pdf", "layout.txt")
NO_PREFIX = ReadOptions(prefix="")


def graph(parsed):
    nodes = {(p.node.kind, p.node.id) for p in parsed.nodes}
    return nodes, {p.edge.key for p in parsed.edges}


def by_id(parsed):
    return {p.node.id: p.node for p in parsed.nodes}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("papers")
    return {name: render(name, folder) for name in ("risk-register", "delivery-plan", "assurance-programme",
                                                    "delivery-plan-refs-in-titles", "risk-table")}


# -- the reference papers ----------------------------------------------------------------------

def test_risk_register_paper(store):
    report = load([RISK_PAPER], store, options=NO_PREFIX)
    assert report.ok, report.errors
    assert report.nodes == {"Risk": 10, "Action": 46} and report.edges == {"MITIGATES": 46}
    actions = {1: 7, 2: 4, 3: 3, 4: 3, 5: 4, 6: 5, 7: 7, 8: 3, 9: 6, 10: 4}
    expected = {f"R{r}" for r in actions} | {f"R{r}-A{a}" for r, n in actions.items() for a in range(1, n + 1)}
    assert {n.id for k in ("Risk", "Action") for n in store.list_nodes(k, limit=500).items} == expected
    r1, r5 = store.node("R1"), store.node("R5")
    assert (r1.title, r1.score) == ("Failure to manage public expectations of the PCC role", 12)
    assert r5.title.startswith("Failure in accountability of the PCC") and r5.score == 6
    assert r1.register == "OPCC RISK REGISTER & ASSURANCE FRAMEWORK"
    a = store.node("R1-A1")
    assert (a.title, a.owner, a.target_date) == ("Develop a proactive public communications strategy",
                                                 "Rebecca Watson", dt.date(2013, 4, 30))
    assert store.node("R6-A1").target_date == dt.date(2013, 9, 30)  # "30th September 2013"
    assert store.node("R1-A3").target_text == "Ongoing"
    assert [store.node(i).status for i in ("R2-A4", "R7-A1", "R9-A2", "R10-A4")] == ["blue", "blue", "blue", None]
    assert store.node("R4-A1").target_date == dt.date(2013, 9, 30)  # blank header read as the dates it holds
    assert store.node("R10-A1").title == ("Develop commissioning framework and action plan to deliver intentions by "
                                          "30th June 2013")
    assert report.previews[0].adapter == "risk-register" and len(report.previews[0].sections) == 10


def test_programme_paper_graph_is_exact():
    parsed = parse_paths([PROGRAMME_PAPER], options=NO_PREFIX)
    assert not parsed.errors
    nodes, edges = graph(parsed)
    meetings = {"agg", "athena-programme-board", "west-mercia-lcjb", "victims-board",
                "restorative-justice-alliance-programme-board", "crime-reduction-board"}
    assert nodes == ({("Commitment", f"C{i}") for i in range(1, 9)} | {("Meeting", m) for m in meetings}
                     | {("AssuranceSource", "opcc-delivery-plan")})
    assert edges == {("agg", "OVERSEES", "C1"), ("athena-programme-board", "OVERSEES", "C2"),
                     ("opcc-delivery-plan", "ASSURES", "C3"), ("opcc-delivery-plan", "ASSURES", "C4"),
                     ("west-mercia-lcjb", "OVERSEES", "C5"), ("victims-board", "OVERSEES", "C6"),
                     ("restorative-justice-alliance-programme-board", "OVERSEES", "C8"),
                     ("crime-reduction-board", "OVERSEES", "C8")}
    c = by_id(parsed)
    assert c["C1"].title == "Officers and staff have the skills to properly support victims"  # not the sub-heading
    assert c["C5"].notes == "Supporting activity: Coordination and ongoing management of the Board"
    assert c["C2"].title == "Victims have access to Track my Crime or alternative equivalent"  # <i> dropped
    assert c["C1"].theme == "Putting victim and survivors first"
    assert any(w.value == "charter" and "cut off" in w.message for w in parsed.warnings)
    assert "merged into" in parsed.previews[0].merged[0]


def test_delivery_plan_paper_themes_are_recognised(store):
    """A cover report with no action rows whose prose names the plan's themes yields those themes, and
    says that no action rows were found."""
    report = load([DELIVERY_PAPER], store)
    assert report.ok, report.errors
    themes = sorted(n.title for n in store.list_nodes("Commitment").items)
    assert themes == ["Communities", "Offenders", "Transformation", "Victims"]
    assert any("no action rows found" in str(w) and "Victims, Offenders, Communities, Transformation" in str(w)
               for w in report.warnings)


@pytest.mark.parametrize("prose", [
    "The plan is structured around four key strategic themes: Victims, Offenders, Communities, and Transformation.",
    "Our priorities: keeping people safe, and supporting victims.",  # not names: lower case
    "The Board is asked to note the update on the estates strategy."])
def test_themes_only_from_a_list_of_names_and_a_bare_cover_report_is_an_error(tmp_path, store, capsys, prose):
    path = tmp_path / "cover.txt"
    path.write_text(f"To: Resources Board\n\nSUBJECT: ESTATES UPDATE\n\n1.1 {prose}\n\n2.1 The Board is "
                    "recommended to note the report.\n", encoding="utf-8")
    code = run_load(argparse.Namespace(paths=[str(path)], dry_run=False), store)
    err = capsys.readouterr().err
    if "Victims, Offenders" in prose:
        assert code == 0 and store.counts().total_nodes == 4 and "no action rows found" in err
    else:
        assert code == 2 and "no register rows recognised" in err and "Objective A" in err
        assert store.counts().total_nodes == 0


# -- the corpus in every format --------------------------------------------------------------

@pytest.mark.parametrize("paper", ["risk-register", "delivery-plan", "assurance-programme", "risk-table"])
def test_every_format_gives_the_same_graph(corpus, paper):
    graphs = {}
    # Run together on one line, only a table whose columns hold distinct kinds of value can be read.
    formats = FORMATS + (("run-together.txt",) if paper == "delivery-plan" else ())
    for fmt in formats:
        parsed = parse_paths([corpus[paper][fmt]], options=ReadOptions(prefix="p"))
        assert not parsed.errors, (fmt, parsed.errors)
        fields = {(p.node.id, tuple(sorted((k, str(v)) for k, v in p.node.properties().items()
                                          if k in ("title", "status", "owner", "sponsor", "target_date", "theme",
                                                   "line", "public", "notes_published", "frequency"))))
                  for p in parsed.nodes}
        graphs[fmt] = (graph(parsed), fields)
    for fmt in formats[1:]:
        assert graphs[fmt] == graphs["txt"], fmt


def test_risk_register_kept_as_one_table(corpus, store):
    """A risk to a row, its actions in that row and the rows under it whose risk cells are blank."""
    report = load([corpus["risk-table"]["pdf"]], store, options=ReadOptions(prefix="WM"))
    assert report.ok, report.errors
    assert {n.id for k in ("Risk", "Action") for n in store.list_nodes(k).items} == {
        "WM-R1", "WM-R2", "WM-R3", "WM-R1-A1", "WM-R1-A2", "WM-R2-A1"}
    r1 = store.node("WM-R1")
    assert (r1.title, r1.score, r1.likelihood, r1.impact, r1.owner) == (
        "Road harm rises despite partnership work", 20, "4", "5", "TM")
    assert r1.notes == "Plan chapter: Safer roads"
    a2 = store.node("WM-R1-A2")
    assert (a2.title, a2.owner, a2.target_date, a2.status) == ("Fund average speed cameras on two routes", "RS",
                                                               dt.date(2025, 3, 31), "amber")
    assert store.node("WM-R2-A1").status == "blue"
    assert store.get_edge("WM-R1-A2", "MITIGATES", "WM-R1")
    assert not [e for e in store.list_edges("MITIGATES") if e.target == "WM-R3"]
    from graphmodel.gaps import analyse

    findings = {(f.rule, f.node_id) for f in analyse(store, as_of=dt.date(2025, 6, 1)).findings}
    assert ("G8", "WM-R3") in findings and ("G8", "WM-R1") not in findings  # the risk with no action
    assert ("G9", "WM-R1-A2") in findings and ("G9", "WM-R2-A1") not in findings  # complete is never overdue


def test_refs_opening_the_title_cell_are_the_refs(corpus):
    """No ref column, '1.1 Scrutinise ...' in the Actions cell: the same graph as with a ref column."""
    expected = graph(parse_paths([corpus["delivery-plan"]["txt"]], options=ReadOptions(prefix="p")))
    for fmt in FORMATS:
        parsed = parse_paths([corpus["delivery-plan-refs-in-titles"][fmt]], options=ReadOptions(prefix="p"))
        assert graph(parsed) == expected, fmt
        assert by_id(parsed)["p-1.1"].title == "Scrutinise the force's response to burglary and violent crime"


def test_a_run_together_table_that_cannot_be_split_surely_is_refused(corpus, store):
    report = load([corpus["assurance-programme"]["run-together.txt"]], store)
    assert not report.ok and store.counts().total_nodes == 0
    assert "run together on one line" in str(report.errors[0]) and "not read" in str(report.errors[0])


def test_delivery_plan_objectives_links_and_statuses(corpus):
    parsed = parse_paths([corpus["delivery-plan"]["pdf"]], options=ReadOptions(prefix="NS"))
    nodes, edges = graph(parsed)
    actions = ["1.1", "1.2", "1.3", "2.1", "2.2", "A.1", "A.2", "A.3"]
    assert nodes == {("Commitment", "NS-1"), ("Commitment", "NS-2"), ("Commitment", "NS-A")} | {
        ("Action", f"NS-{a}") for a in actions}
    delivers = {(f"NS-{a}", "DELIVERS", f"NS-{a[0]}") for a in actions}
    links = {("NS-1.2", "LINKED_TO", "NS-A.2"), ("NS-2.1", "LINKED_TO", "NS-1.2"), ("NS-2.2", "LINKED_TO", "NS-A.1"),
             ("NS-A.2", "LINKED_TO", "NS-2.2")}
    assert edges == delivers | links
    n = by_id(parsed)
    assert n["NS-1"].title == "Reduce the crimes that matter most to residents"  # title on the next line
    assert [n[f"NS-{a}"].status for a in actions] == ["green", "amber", "blue", "green", "red", "green", "amber",
                                                      "blue"]
    assert (n["NS-2.1"].sponsor, n["NS-2.1"].owner) == ("PCC", "JB")
    assert "Links to other plans: VWDG 1.5" in n["NS-2.1"].notes  # another organisation's plan: kept, warned
    assert any("another plan" in w.message and w.value == "NPF 1.1" for w in parsed.warnings)
    for node in n.values():
        assert "<" not in str(node.properties()) and "&amp;" not in str(node.properties())
    cols = {c.header: (c.field, c.how) for t in parsed.previews[0].tables for c in t.columns}
    assert cols["Sponsor (SMG)"][0] == "sponsor" and cols["R/A/G"][0] == "status"
    assert cols["column 1 (no header)"] == ("ref", "content")


def test_assurance_programme_oversight_resolved(corpus):
    parsed = parse_paths([corpus["assurance-programme"]["docx"]], options=ReadOptions(prefix="AP"))
    n = by_id(parsed)
    pab = n["performance-and-accountability-boards"]
    assert (pab.public, pab.notes_published, pab.frequency) == (True, True, "monthly")  # '*#' and the key
    assert n["police-and-crime-panel"].public and not n["police-and-crime-panel"].notes_published
    jarap = n["joint-audit-risk-and-assurance-panel"]
    assert jarap.name == "Joint Audit, Risk and Assurance Panel" and jarap.notes_published
    assert n["digital-programme-board"].purpose == ("Oversees the force's digital change programme and the "
                                                    "benefits it brings")  # continued on the next row
    assert {s: n[s].line for s in ("AP-kpi-monitoring", "AP-audit", "AP-hmicfrs-inspection", "AP-briefings")} == {
        "AP-kpi-monitoring": 2, "AP-audit": 3, "AP-hmicfrs-inspection": 4, "AP-briefings": 1}
    _, edges = graph(parsed)
    assert {("performance-and-accountability-boards", "OVERSEES", f"AP-1.{i}") for i in (1, 3, 9)} <= edges
    assert ("AP-kpi-monitoring", "REPORTS_TO", "performance-and-accountability-boards") in edges  # 'a > b'
    assert {("AP-1.6", "LINKED_TO", "AP-1.3"), ("AP-1.7", "LINKED_TO", "AP-1.1"), ("AP-1.7", "LINKED_TO", "AP-1.2"),
            ("community-safety-partnerships", "OVERSEES", "AP-1.2"), ("AP-audit", "ASSURES", "AP-1.2"),
            ("safer-roads-partnership", "OVERSEES", "AP-1.9"), ("digital-programme-board", "OVERSEES", "AP-1.5"),
            ("AP-briefings", "ASSURES", "AP-1.5")} <= edges
    meetings = {i for k, i in graph(parsed)[0] if k == "Meeting"}
    assert meetings == {"performance-and-accountability-boards", "police-and-crime-panel", "digital-programme-board",
                        "joint-audit-risk-and-assurance-panel", "community-safety-partnerships",
                        "safer-roads-partnership"}


def test_see_elsewhere_inherits_oversight_in_the_gap_report(corpus, store):
    from graphmodel.gaps import analyse

    assert load([corpus["assurance-programme"]["txt"]], store, options=ReadOptions(prefix="AP")).ok
    g7 = {f.node_id for f in analyse(store, as_of=dt.date(2025, 1, 1)).findings if f.rule == "G7"}
    assert g7 == set()  # 1.6 'See 1.3' and 1.7 'Refer to 1.1 and 1.2' are overseen through what they name


# -- rows the paper splits, separates and repeats ----------------------------------------------

PASTED = """Police and Crime Plan: Objective 3
Keep communities safe online
Ref\tAction\tTimescale\tSponsor\tLead officer\tCurrent status\tRAG
3.1\tRun a fraud awareness campaign\tDec-24\tPCC\tJB\tCampaign designed\tA
\t\t\t\t\twith banks and the university\t
-----\t-----\t-----\t-----\t-----\t-----\t-----
Ref\tAction\tTimescale\tSponsor\tLead officer\tCurrent status\tRAG
3.2\tFund a cyber volunteers scheme\t31/13/2024\tPCC\tAK\tNot started\tGrey
3.3\tTrain call handlers in fraud triage\tJun-24\tPCC\tAK\tDone\tPurple
"""


def test_continuations_separators_repeated_headers_and_impossible_dates(tmp_path, store):
    path = tmp_path / "plan.txt"
    path.write_text(PASTED, encoding="utf-8")
    report = load([path], store, options=ReadOptions(prefix="X"))
    assert not report.written and store.counts().total_nodes == 0
    errors = [str(e) for e in report.errors]
    assert errors == [f"{path}: row 8, column Timescale: not a real date (day or month out of range) "
                      "(value '31/13/2024')"]
    preview = report.previews[0]
    assert preview.merged == ["row 5 merged into row 4: no ref: more of the row above (a row split by a page break)"]
    assert "row 6: separator row" in preview.skipped and "row 7: header row repeated" in preview.skipped
    assert any(w.value == "Purple" and "status not understood" in w.message for w in report.warnings)
    path.write_text(PASTED.replace("31/13/2024", "31/12/2024"), encoding="utf-8")
    report = load([path], store, options=ReadOptions(prefix="X"))
    assert report.ok, report.errors
    assert store.node("X-3.1").update == "Campaign designed with banks and the university"
    assert store.node("X-3").title == "Keep communities safe online"
    assert {k: n for k, n in store.counts().nodes.items() if n} == {"Commitment": 1, "Action": 3}


def test_user_columns_and_mapping_file_win_over_guesses(tmp_path, store, capsys):
    path = tmp_path / "plan.txt"
    path.write_text(PASTED.replace("31/13/2024", "31/12/2024").replace("Current status", "Notes kept"),
                    encoding="utf-8")
    mapping = tmp_path / "plan.mapping.yaml"
    args = argparse.Namespace(paths=[str(path)], dry_run=True, adapter="auto", columns="Notes kept=update",
                              prefix="CY", mapping=None, save_mapping=str(mapping))
    assert run_load(args, store) == 0
    out = capsys.readouterr().out
    assert "'Notes kept'" in out and "-> update" in out and "(user)" in out and "rows read: 3" in out
    assert store.counts().total_nodes == 0  # a dry run
    args = argparse.Namespace(paths=[str(path)], dry_run=False, adapter="auto", columns="", prefix=None,
                              mapping=str(mapping), save_mapping=None)
    assert run_load(args, store) == 0
    assert store.node("CY-3.1").update.startswith("Campaign designed")
    bad = argparse.Namespace(paths=[str(path)], dry_run=True, adapter="auto", columns="Notes kept=colour",
                             prefix=None, mapping=None, save_mapping=None)
    assert run_load(bad, store) == 2 and "unknown field" in capsys.readouterr().err


def test_two_registers_never_clash_and_keep_their_refs(tmp_path, store):
    a, b = tmp_path / "north plan 2024.txt", tmp_path / "south plan 2024.txt"
    for p in (a, b):
        p.write_text(PASTED.replace("31/13/2024", "31/12/2024"), encoding="utf-8")
    report = load([a, b], store)
    assert report.ok, report.errors
    assert store.node("north-plan-2024-3.1") and store.node("south-plan-2024-3.1")


def test_unrecognised_text_is_an_error(store, tmp_path):
    note = tmp_path / "notes.txt"
    note.write_text("Minutes of the meeting\nNothing tabular here\n", encoding="utf-8")
    report = load([note], store)
    assert not report.ok and "no register rows recognised" in str(report.errors[0])


MINUTES = """Performance Board
Notes of the meeting held on 4 March 2024

Ref 03/04/03/2024
Victims' Code compliance.
Compliance has improved but remains below target.
Action: JB is to bring a recovery plan to the next meeting.
Update 02.04.24 – Complete.

Ref 04/04/03/2024
Call handling.
Action: A review of 101 call abandonment is to be carried out
by the contact centre.  Update 02.04.24 – Started; report due in May.  C/Fwd.
"""

MEETINGS_PAGE = """Meetings held by the Commissioner

Performance and Accountability Board

The Performance and Accountability Board (PAB) is a monthly meeting chaired by the Commissioner and
attended by the Chief Constable. It is open to the press and public, and its minutes are published.

The Commissioner's Executive Group meets weekly to make decisions; it is held in private.
"""


def test_actions_logged_in_minutes_and_meetings_described_in_prose(tmp_path):
    minutes = tmp_path / "board minutes.txt"
    minutes.write_text(MINUTES, encoding="utf-8")
    parsed = parse_paths([minutes], options=ReadOptions(prefix="PB"))
    assert parsed.previews[0].adapter == "action-log" and not parsed.errors
    n = by_id(parsed)
    assert (n["PB-A1"].title, n["PB-A1"].owner, n["PB-A1"].status) == (
        "JB is to bring a recovery plan to the next meeting.", "JB", "blue")
    assert n["PB-A2"].title == "A review of 101 call abandonment is to be carried out by the contact centre."
    assert n["PB-A2"].status is None and "report due in May" in n["PB-A2"].update
    page = tmp_path / "meetings.txt"
    page.write_text(MEETINGS_PAGE, encoding="utf-8")
    parsed = parse_paths([page])
    assert parsed.previews[0].adapter == "meeting-notes"
    pab = by_id(parsed)["performance-and-accountability-board"]
    assert (pab.frequency, pab.chair, pab.public, pab.notes_published) == ("monthly", "the Commissioner", True, True)
    group = by_id(parsed)["commissioner-s-executive-group"]
    assert (group.frequency, group.public) == ("weekly", False)


# -- headers by meaning: order, unknown columns and accepted variants do not matter -------------

COLUMNS = [("ref", ["Ref", "Ref.", "No", "Reference"]),
           ("title", ["Action", "Actions", "Key actions", "Activity"]),
           ("target", ["Timescale", "Target date", "Timescales", "Due date (if known)"]),
           ("sponsor", ["Sponsor", "Sponsor (SMG)", "Executive sponsor"]),
           ("owner", ["Lead officer", "Lead", "Lead Oficer", "Responsible officer"]),  # a misspelling too
           ("update", ["Current status of action", "Progress", "Update", "Commentary"]),
           ("status", ["R/A/G", "RAG", "RAG status", "R.A.G."])]
ROWS = [{"ref": "4.1", "title": "Open two new contact points", "target": "Mar-25", "sponsor": "PCC", "owner": "JB",
         "update": "Sites agreed", "status": "G"},
        {"ref": "4.2", "title": "Survey residents' confidence", "target": "Ongoing", "sponsor": "CEO", "owner": "AK",
         "update": "First wave done", "status": "(C)"}]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(len(COLUMNS))), names=st.lists(st.integers(0, 3), min_size=7, max_size=7),
       extra=st.lists(st.sampled_from(["Quarter 1", "Budget (£k)", "Notes for officers"]), max_size=2, unique=True))
def test_column_order_names_and_unknown_columns_leave_the_graph_unchanged(tmp_path, order, names, extra):
    def write(cols, headers, extras) -> Path:
        lines = ["Objective 4: Improve public contact", "\t".join(headers + extras)]
        lines += ["\t".join([r[c] for c in cols] + ["x"] * len(extras)) for r in ROWS]
        path = tmp_path / "plan.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        return path

    canonical = parse_paths([write([c for c, _ in COLUMNS], [v[0] for _, v in COLUMNS], [])], options=NO_PREFIX)
    cols = [COLUMNS[i] for i in order]
    varied = parse_paths([write([c for c, _ in cols], [v[names[i] % len(v)] for i, (_, v) in enumerate(cols)], extra)],
                         options=NO_PREFIX)
    assert not varied.errors
    assert {p.node for p in varied.nodes} == {p.node for p in canonical.nodes}
    assert graph(varied) == graph(canonical)
    ignored = {w.message for w in varied.warnings if "ignored" in w.message}
    assert all(any(e in m for m in ignored) for e in extra)


def test_word_tables_with_merged_and_nested_cells(tmp_path):
    """A cell merged across is read once; one merged down carries its value (and a ref merged down
    continues the row above); a table inside a cell becomes lines of that cell."""
    import docx

    word = docx.Document()
    word.add_paragraph("Police and Crime Plan: Objective 7", style="Heading 2")
    word.add_paragraph("Keep the roads safe")
    table = word.add_table(rows=5, cols=4)
    for cell, text in zip(table.rows[0].cells, ["Ref", "Action", "Lead officer", "R/A/G"], strict=True):
        cell.text = text
    for r, row in enumerate([["7.1", "Run a speed awareness campaign", "SM", "G"],
                             ["7.2", "Fund two average speed cameras", "RT", "A"],
                             ["", "and review their effect after a year", "", ""]], start=1):
        for cell, text in zip(table.rows[r].cells, row, strict=True):
            cell.text = text
    table.cell(2, 0).merge(table.cell(3, 0))  # the ref 7.2 merged down over its continuation
    table.cell(2, 2).merge(table.cell(3, 2))
    title = table.cell(4, 0).merge(table.cell(4, 1))  # a ref and title merged across
    title.text = "7.3 Publish collision data"
    table.cell(4, 2).text = "JB"
    inner = table.cell(4, 3).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Amber"
    path = tmp_path / "roads.docx"
    word.save(str(path))
    parsed = parse_paths([path], options=ReadOptions(prefix="RS"))
    assert not parsed.errors, parsed.errors
    n = by_id(parsed)
    assert n["RS-7.2"].title == "Fund two average speed cameras and review their effect after a year"
    assert n["RS-7.2"].owner == "RT"
    assert (n["RS-7.3"].title, n["RS-7.3"].owner, n["RS-7.3"].status) == ("Publish collision data", "JB", "amber")
    assert set(n) == {"RS-7", "RS-7.1", "RS-7.2", "RS-7.3"}
