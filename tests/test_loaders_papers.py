"""Papers laid out as the world's papers are, in our own words (tests/papers.py): tables ruled between
rows only, risks with their owner and score under the heading, recommendation trackers, labels over
groups of columns, rows that say a risk has no action, status words and the paper's own key, tables
that cannot be read, and impossible dates wherever they stand."""
from __future__ import annotations

import datetime as dt

import pytest

from graphmodel.gaps import analyse
from loaders.adapters.oversight import split_mechanisms
from loaders.load import load, parse_paths
from loaders.preview import ReadOptions
from tests.papers import AUDIT_TRACKER, RISK_PLAN, Block, render, write_docx, write_pdf, write_text

FORMATS = ("txt", "md", "docx", "xlsx", "pdf", "rules.pdf", "cell-rules.pdf", "unruled.pdf", "layout.txt")
P = ReadOptions(prefix="p")


def graph(parsed):
    return ({(p.node.kind, p.node.id) for p in parsed.nodes}, {p.edge.key for p in parsed.edges})


def by_id(parsed):
    return {p.node.id: p.node for p in parsed.nodes}


def fields(parsed, names=("title", "status", "status_text", "owner", "target_date", "score", "theme", "line")):
    return {(p.node.id, tuple(sorted((k, str(v)) for k, v in p.node.properties().items() if k in names)))
            for p in parsed.nodes}


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("world")
    return {name: render(name, folder) for name in ("risk-plan", "audit-tracker", "grouped-risks",
                                                    "scrutiny-programme")}


@pytest.mark.parametrize(("paper", "formats"), [
    ("risk-plan", FORMATS), ("audit-tracker", FORMATS), ("scrutiny-programme", FORMATS),
    # Thirteen narrow columns drawn without any line are beyond telling apart; every other format reads them.
    ("grouped-risks", tuple(f for f in FORMATS if f != "unruled.pdf"))])
def test_every_format_gives_the_same_graph(papers, paper, formats):
    first = None
    for fmt in formats:
        parsed = parse_paths([papers[paper][fmt]], options=P)
        assert not parsed.errors, (fmt, parsed.errors)
        seen = (graph(parsed), fields(parsed))
        first = first or seen
        assert seen == first, fmt


def test_a_table_ruled_between_rows_only_is_read(papers, store):
    """Word's plainer table styles draw no vertical lines: the columns are the gaps no row's words cover.
    Each risk's owner and current score stand in a line under its heading; a risk whose paper says it has
    no further actions has none, and is a G8 finding whose notes say what the paper said."""
    report = load([papers["risk-plan"]["rules.pdf"]], store, options=P)
    assert report.ok, report.errors
    assert report.previews[0].adapter == "risk-register"
    assert {n.id for k in ("Risk", "Action", "Meeting") for n in store.list_nodes(k).items} == {
        "p-R1", "p-R2", "p-R3", "p-R1-A1", "p-R1-A2", "p-R2-A1", "p-R2-A2"}  # no meeting from the cover prose
    r1, r3 = store.node("p-R1"), store.node("p-R3")
    assert (r1.title, r1.owner, r1.score, r1.likelihood, r1.impact) == (
        "Complaint reviews are not completed in time", "Chief Executive", 16, "4", "4")
    assert r3.notes == "No action: No further actions identified at this review."
    a = store.node("p-R1-A1")
    assert (a.title, a.owner, a.target_date, a.status) == (
        "Recruit two complaint review officers to clear the backlog of reviews", "Head of Standards",
        dt.date(2024, 9, 30), "red")
    assert (store.node("p-R1-A2").status, store.node("p-R1-A2").status_text) == (None, "In progress")
    found = {(f.rule, f.node_id): f for f in analyse(store, as_of=dt.date(2025, 1, 15)).findings}
    assert set(found) == {("G8", "p-R3"), ("G9", "p-R1-A1"), ("G9", "p-R1-A2")}
    assert found[("G9", "p-R1-A2")].reasons[1] == ("its status in the paper, 'In progress', gives no colour and "
                                                   "does not say it is complete")


@pytest.mark.parametrize("fmt", ["rules.pdf", "docx", "txt"])
def test_impossible_dates_fail_the_load_whichever_way_the_paper_is_read(tmp_path, store, fmt):
    bad = [list(b) if isinstance(b, list) else b for b in RISK_PLAN]
    bad[6] = [row[:3] + [{"30/09/2024": "31/09/2024", "31/12/2024": "29/02/2025"}.get(row[3], row[3])] + row[4:]
              for row in bad[6]]
    path = {"rules.pdf": lambda p: write_pdf(p, bad, rules_only=True), "docx": lambda p: write_docx(p, bad),
            "txt": lambda p: write_text(p, bad)}[fmt](tmp_path / f"plan.{fmt.split('.')[-1]}")
    report = load([path], store, options=P)
    assert not report.ok and store.counts().total_nodes == 0
    named = [e.value for e in report.errors if "not a real date" in e.message]
    assert sorted(named) == ["29/02/2025", "31/09/2024"], report.errors
    # Where no table can be read at all, a date that names no day in the prose still fails the load.
    prose = tmp_path / "notes.txt"
    prose.write_text("Performance Board\nThe board last met on 31/09/2024 and meets monthly.\n", encoding="utf-8")
    report = load([prose], store)
    assert not report.ok and any(e.value == "31/09/2024" and e.row == 2 for e in report.errors)


def test_a_recommendation_tracker(papers, store):
    """Report lines group recommendations whose numbers start again in each report: the report goes in the
    id; status words (Implemented, Superseded, Partially implemented, Not yet due) mean what they say; a
    revised target date counts where given, the original where not; dotted dates are dates."""
    report = load([papers["audit-tracker"]["txt"]], store, options=P)
    assert report.ok, report.errors
    assert report.previews[0].adapter == "recommendation-tracker"
    ids = {n.id for n in store.list_nodes("Action").items}
    assert ids == {"p-2023-24-01-1", "p-2023-24-01-2", "p-2023-24-02-1", "p-2023-24-02-2", "p-2023-24-02-3"}
    leavers = store.node("p-2023-24-01-2")
    assert (leavers.target_date, leavers.status, leavers.owner) == (dt.date(2024, 6, 30), "amber", "HR Manager")
    assert leavers.notes.startswith("Report 2023/24-01: Payroll – Substantial assurance\nPriority: High")
    assert [store.node(i).status for i in ("p-2023-24-01-1", "p-2023-24-02-1", "p-2023-24-02-3")] == ["blue"] * 3
    assert store.node("p-2023-24-02-2").status_text == "Not yet due"
    g9 = {f.node_id for f in analyse(store, as_of=dt.date(2024, 11, 15)).findings if f.rule == "G9"}
    assert g9 == {"p-2023-24-01-2", "p-2023-24-02-2"}  # implemented and superseded ones are not overdue
    assert any("'Original target date' also names target: read only where 'Revised target date' is blank"
               in w.message for w in report.warnings)
    assert "row 4: a line across the table, not a row of it" in report.previews[0].skipped  # 2023/24 AUDIT PLAN


def test_labels_over_groups_of_columns_and_rows_that_are_no_action(papers, store):
    """'Inherent risk' and 'Residual risk' over two sets of L / I / Score: the residual score is read and
    the inherent one named as ignored; 'Due' is the target; 'None – risk tolerated' and 'Covered by the
    force ICT risk register' are not actions: the risks are recorded as tolerated and transferred, and
    are G8 findings that say so; the paper's key ('Behind schedule / A') gives its words' colours."""
    report = load([papers["grouped-risks"]["xlsx"]], store, options=P)
    assert report.ok, report.errors
    preview = report.previews[0]
    assert any("labels over groups of columns" in s for s in preview.skipped)
    assert any("'Score (Inherent risk)' also names score; 'Score (Residual risk)' is read" in w.message
               for w in report.warnings)
    assert {n.id for n in store.list_nodes("Action").items} == {"p-RSR1-A1", "p-RSR1-A2", "p-RSR2-A1", "p-RSR5-A1"}
    sr1, sr3, sr4 = store.node("p-RSR1"), store.node("p-RSR3"), store.node("p-RSR4")
    assert (sr1.score, sr1.likelihood, sr1.impact) == (16, "4", "4")
    assert (sr3.status, sr3.notes) == ("tolerated", "No action: None – risk tolerated; controls judged sufficient")
    assert sr4.status == "transferred" and "ICT-07" in sr4.notes
    a = store.node("p-RSR1-A1")
    assert (a.target_date, a.status) == (dt.date(2024, 8, 31), "amber")  # 'Due'; 'Behind schedule'
    assert store.node("p-RSR2-A1").target_date == dt.date(2024, 9, 30)  # '30.09.24'
    found = {(f.rule, f.node_id): f for f in analyse(store, as_of=dt.date(2024, 10, 31)).findings}
    assert {k for k in found if k[0] == "G8"} == {("G8", "p-RSR3"), ("G8", "p-RSR4")}
    assert found[("G8", "p-RSR3")].reasons[-1] == "the register tolerates it: no action is planned"
    assert {k for k in found if k[0] == "G9"} == {("G9", "p-RSR1-A1"), ("G9", "p-RSR2-A1")}


def test_a_closed_risk_in_a_risk_table_is_no_finding(tmp_path, store):
    """A Status column among the risk's own columns is the risk's status, not its actions'."""
    path = tmp_path / "register.md"
    path.write_text("| Ref | Risk | Status | Owner | Actions | Action owner | Due |\n|---|---|---|---|---|---|---|\n"
                    "| CR1 | Fraud by staff | Open | CFO | Refresh the fraud policy | CFO | 31/03/2025 |\n"
                    "| CR2 | Legacy phone system fails | Closed | CEO | | | |\n", encoding="utf-8")
    report = load([path], store, options=P)
    assert report.ok, report.errors
    assert (store.node("p-RCR1").status, store.node("p-RCR2").status) == ("open", "closed")
    assert store.node("p-RCR1-A1").status is None
    assert not [f for f in analyse(store, as_of=dt.date(2024, 12, 1)).findings if f.rule == "G8"]


def test_a_register_table_that_is_not_read_is_never_silent(tmp_path, store):
    """A table that looks like a register (rows, columns, one of refs, dates or statuses) that no layout
    reads is an error when nothing else of the paper is a register, never a meeting from its cover
    prose with exit 0; beside a register that is read, it is a warning naming it."""
    unknown = [["Workstream", "Milestone", "Finish", "Colour"],
               ["WS1", "Appoint the provider", "31/03/2025", "G"], ["WS2", "Open the hub", "30/06/2025", "A"],
               ["WS3", "Evaluate the pilot", "31/12/2025", "G"]]
    cover: list[Block] = [("p", "The Victims Board is a monthly meeting chaired by the Commissioner."), unknown]
    path = write_docx(tmp_path / "hub.docx", cover)
    report = load([path], store)
    assert not report.ok and store.counts().total_nodes == 0
    assert any("looks like a register but none of its rows was read" in e.message and "Workstream" in e.value
               for e in report.errors)
    path = write_docx(tmp_path / "plan.docx", [*AUDIT_TRACKER, unknown])
    report = load([path], store, options=P)
    assert report.ok, report.errors
    assert any("looks like a register" in w.message and w.table == "table 2" for w in report.warnings)


def test_page_furniture_and_rows_under_a_section_without_its_header(tmp_path):
    """Running heads and feet ('... Page 1 of 2', 'OFFICIAL') are never rows; in columns laid out with
    spaces, the rows of a section whose header is not repeated are still read."""
    lines = ["OFFICIAL", "Objective 1: Keep people safe", "",
             "Ref     Action                         Target        Sponsor    Lead", "",
             "1.1     Open two new contact points    31/03/2025    PCC        JB", "",
             "1.2     Survey residents               Ongoing       CEO        AK", "",
             "Eastshire OPCC Delivery Plan 2024-25 – as at 31 October 2024          Page 1 of 2", "",
             "Objective 2: Support victims", "",
             "2.1     Refresh the needs assessment   30.06.2024    CEO        AK", "",
             "2.2     Fund an advocate               End Sept 2024 PCC        LT", ""]
    path = tmp_path / "plan.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    parsed = parse_paths([path], options=P)
    assert not parsed.errors, parsed.errors
    n = by_id(parsed)
    assert set(n) == {"p-1", "p-2", "p-1.1", "p-1.2", "p-2.1", "p-2.2"}
    assert (n["p-2.1"].target_date, n["p-2.2"].target_date) == (dt.date(2024, 6, 30), dt.date(2024, 9, 30))
    assert n["p-2.2"].sponsor == "PCC" and n["p-2.2"].owner == "LT"


def test_a_programme_with_unsettled_oversight_abbreviations_and_a_list_of_risks(papers, store):
    """Oversight not yet settled ('To be agreed', 'TBC', 'n/a') makes no meeting and no link, so G7 still
    finds the commitment and quotes the paper; the paper's abbreviations name its meetings in full; the
    priority column gives every row under it its theme; the risks listed after the table are the risks
    the rows' risk cells link to (referred to only: no G8); a key's 'held in private' is said."""
    parsed = parse_paths([papers["scrutiny-programme"]["docx"]], options=P)
    assert not parsed.errors, parsed.errors
    n = by_id(parsed)
    meetings = {i for i, node in n.items() if node.kind == "Meeting"}
    assert meetings == {"strategic-policing-board", "westvale-local-criminal-justice-board", "scrutiny-panel"}
    assert n["westvale-local-criminal-justice-board"].public is False and n["strategic-policing-board"].public
    assert {n[f"p-{i}"].theme for i in (1, 2, 3)} == {"Safer streets"}
    assert {n[f"p-{i}"].theme for i in (4, 5, 6)} == {"Justice for victims"}
    assert (n["p-2"].oversight_text, n["p-4"].oversight_text, n["p-5"].oversight_text) == ("To be agreed", "TBC",
                                                                                           "n/a")
    _, edges = graph(parsed)
    assert {e for e in edges if e[2] in ("p-2", "p-4", "p-5")} == set()
    assert ("westvale-local-criminal-justice-board", "OVERSEES", "p-3") in edges  # 'Westvale LCJB'
    assert {("p-2", "LINKED_TO", "p-SR1"), ("p-2", "LINKED_TO", "p-SR2"), ("p-5", "LINKED_TO", "p-SR3")} <= edges
    assert n["p-SR2"].title == "Partners withdraw from the criminal justice board"
    assert load([papers["scrutiny-programme"]["pdf"]], store, options=P).ok
    found = {f.node_id: f for f in analyse(store, as_of=dt.date(2025, 6, 1)).findings}
    assert {i for i, f in found.items() if f.rule == "G7"} == {"p-2", "p-4", "p-5"}
    assert "the paper gives its oversight as 'TBC'" in found["p-4"].reasons
    assert not any(f.rule == "G8" for f in found.values())


NOT_YET = ["TBC", "tbc.", "T.B.C.", "TBA", "TBD by the Senior Management Team", "To be confirmed (Q3)",
           "To be agreed at the Strategic Board", "To be determined by the new Chief Executive", "Not yet established",
           "Yet to be agreed", "N/A", "n/a", "Not applicable", "None identified", "Nil", "Awaiting decision",
           "Pending review", "Under development", "To follow", "Unknown", "xx", "-", "—", "?", "..."]


def test_oversight_not_named_yet_makes_no_meeting_source_or_link(tmp_path, store):
    """However a paper says oversight is not settled, the commitment keeps no oversight (so G7 finds it and
    quotes the words); beside a named meeting the words are dropped; a ref after them is still a link."""
    rows = [f"| {i} | Commitment number {i} | {cell} |" for i, cell in enumerate(NOT_YET, 1)]
    n = len(NOT_YET)
    rows += [f"| {n + 1} | Keep the custody suites safe | Custody Scrutiny Board; TBC |",
             f"| {n + 2} | Review stop and search | n/a – see {n + 1} |",
             f"| {n + 3} | Cut vehicle crime | Resources Board and tbc |",
             f"| {n + 4} | Cut cyber crime | None – overseen by the Resources Board |"]
    path = tmp_path / "programme.md"
    path.write_text("# Eastmoor PCC assurance programme\n\n| Ref | Commitment | Oversight mechanism |\n|---|---|---|\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    parsed = parse_paths([path], options=P)
    assert not parsed.errors, parsed.errors
    kinds = {p.node.id: p.node.kind for p in parsed.nodes}
    assert {i for i, k in kinds.items() if k != "Commitment"} == {"custody-scrutiny-board", "resources-board"}
    _, edges = graph(parsed)
    assert edges == {("custody-scrutiny-board", "OVERSEES", f"p-{n + 1}"),
                     ("resources-board", "OVERSEES", f"p-{n + 3}"), (f"p-{n + 2}", "LINKED_TO", f"p-{n + 1}"),
                     ("resources-board", "OVERSEES", f"p-{n + 4}")}
    assert by_id(parsed)["p-6"].oversight_text == "To be confirmed (Q3)"
    assert load([path], store, options=P).ok
    g7 = {f.node_id: f for f in analyse(store, as_of=dt.date(2025, 1, 1)).findings if f.rule == "G7"}
    assert set(g7) == {f"p-{i}" for i in range(1, n + 1)}
    assert "the paper gives its oversight as 'Awaiting decision'" in g7["p-16"].reasons


@pytest.mark.parametrize(("cell", "pieces"), [
    ("Police and Crime Panel", ["Police and Crime Panel"]),
    ("Audit and Risk Committee", ["Audit and Risk Committee"]),
    ("Health and Wellbeing Board and LCJB", ["Health and Wellbeing Board", "LCJB"]),
    ("Safer Roads Partnership and Performance and Accountability Board",
     ["Safer Roads Partnership", "Performance and Accountability Board"]),
    ("PCC and Chief Constable joint briefing and CCAM", ["PCC and Chief Constable joint briefing", "CCAM"]),
    ("KPI monitoring & Police and Crime Panel", ["KPI monitoring", "Police and Crime Panel"]),
    ("Internal audit and Audit and Standards Committee", ["Internal audit", "Audit and Standards Committee"]),
    ("Finance and Resources Board and the Victims and Witnesses Group",
     ["Finance and Resources Board", "Victims and Witnesses Group"]),
    ("Briefings and Digital Programme Board", ["Briefings", "Digital Programme Board"]),
    ("Chief Constable and PCC", ["Chief Constable and PCC"]),
])
def test_and_splits_a_cell_only_between_whole_mechanisms(cell, pieces):
    assert [c[0] for c in split_mechanisms(cell)] == pieces


def test_refs_that_start_again_under_each_section_or_line_across_the_table(tmp_path):
    """'1, 2' under Objective A and again under Objective B, or 'AFI 1' under each inspection named in a
    line across the table (in bold): each id takes its section's code or the line first, and says so."""
    header = "| No. | Action | Lead | Target date | RAG |\n|---|---|---|---|---|\n"
    plan = tmp_path / "plan.md"
    plan.write_text("# Upton OPCC delivery plan\n\n## Objective A: Safer streets\n\n" + header +
                    "| 1 | Open two contact points | JB | 31/03/2025 | G |\n"
                    "| 2 | Survey residents | AK | 30/09/2024 | A |\n\n## Objective B: Support victims\n\n" + header +
                    "| 1 | Refresh the needs assessment | AK | 30/06/2024 | R |\n", encoding="utf-8")
    tracker = tmp_path / "tracker.md"
    tracker.write_text("# HMICFRS recommendations\n\n| Ref | Recommendation | Lead | Deadline | Status |\n"
                       "|---|---|---|---|---|\n| **PEEL 2023** | | | | |\n"
                       "| AFI 1 | Improve call answering | ACC | 31/03/2024 | Open |\n"
                       "| **Custody inspection 2024** | | | | |\n"
                       "| AFI 1 | Improve custody records | Ch Supt | 31/12/2024 | Open |\n"
                       "| Rec 1 | Fix the cell call bells | Ch Supt | 30/09/2024 | Closed |\n", encoding="utf-8")
    parsed = parse_paths([plan], options=P)
    assert not parsed.errors, parsed.errors
    assert {i for i, n in by_id(parsed).items() if n.kind == "Action"} == {"p-A-1", "p-A-2", "p-B-1"}
    assert any("refs start again" in w.message for w in parsed.warnings)
    parsed = parse_paths([tracker], options=P)
    assert not parsed.errors, parsed.errors
    n = by_id(parsed)
    assert set(n) == {"p-PEEL-2023-AFI1", "p-custody-inspection-2024-AFI1", "p-custody-inspection-2024-Rec1"}
    assert n["p-PEEL-2023-AFI1"].notes == "PEEL 2023"


def test_running_heads_repeated_on_every_page_are_dropped_and_rows_never_lost_silently(tmp_path):
    """A running head or foot ending in its page number set apart ('Upton OPCC | Delivery Plan     2'),
    on each page, is no line of the paper; one the loader cannot tell from text ends the table, and the
    rows under it that were not read are named in a warning."""
    rows = ["1.1     Open two contact points          JB       31/03/2025",
            "1.2     Survey residents                 AK       30/09/2024",
            "1.3     Refresh the needs assessment     AK       30/06/2024",
            "1.4     Fund an advocate                 LT       31/12/2024"]
    head = "Ref     Action                           Lead     Target"
    paged = [head, rows[0], rows[1], "Upton OPCC | Delivery Plan | Quarter 2 update             2", rows[2],
             "Upton OPCC | Delivery Plan | Quarter 2 update             3", rows[3]]
    path = tmp_path / "paged.txt"
    path.write_text("\n".join(["Upton OPCC delivery plan 2024/25", "", *paged]), encoding="utf-8")
    parsed = parse_paths([path], options=P)
    titles = {"Open two contact points", "Survey residents", "Refresh the needs assessment", "Fund an advocate"}
    assert not parsed.errors and {n.title for n in by_id(parsed).values()} == titles
    once = [head, rows[0], rows[1], "Upton OPCC | Delivery Plan | Quarter 2 update             2", rows[2], rows[3]]
    path.write_text("\n".join(["Upton OPCC delivery plan 2024/25", "", *once]), encoding="utf-8")
    parsed = parse_paths([path], options=P)
    read = {n.title for n in by_id(parsed).values()}
    assert read >= {"Open two contact points", "Survey residents"}
    assert read == titles or any("2 row(s) with a ref were not read" in w.message for w in parsed.warnings)


def test_header_names_one_space_apart_are_cut_where_the_cells_below_start(tmp_path):
    """'Exec Sponsor Target' over cells that start under 'Target' is two columns, whatever the names; rows
    set close together are rows, not one row wrapped, when each opens with its own ref; the rows of a
    later section without the header are read; a row under no header is never dropped silently."""
    lines = ["Pennbury OPCC delivery plan 2024-25", "", "Objective 1: Keep people safe", "",
             "Ref   Action                            Exec Sponsor Target     Lead    RAG",
             "1.1   Open two contact points           PCC          31/03/25   JB      G",
             "1.2   Survey residents about policing   CEO          30/09/24   AK      A", "",
             "Objective 2: Support victims", "",
             "2.1   Refresh the needs assessment      CEO          30/06/24   AK      R", "",
             "Notes. This plan was agreed by the Board in June and is reviewed each quarter by the Chief Executive.",
             "The following actions were added in September; they are tracked by the Chief Executive.",
             "Further actions will be added as the plan develops.", "The Board will be told of each.", "",
             "2.2   Fund an advocate                  PCC          31/12/24   LT      G"]
    path = tmp_path / "plan.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    parsed = parse_paths([path], options=P)
    assert not parsed.errors, parsed.errors
    n = by_id(parsed)
    assert (n["p-1.1"].sponsor, n["p-1.1"].target_date) == ("PCC", dt.date(2025, 3, 31))
    assert (n["p-1.2"].sponsor, n["p-1.2"].target_date) == ("CEO", dt.date(2024, 9, 30))
    assert n["p-2.1"].title == "Refresh the needs assessment"
    assert "p-2.2" in n or any("row(s) with a ref were not read (rows 18)" in w.message for w in parsed.warnings)


def test_refs_with_letters_link_a_ref_the_paper_lacks_is_no_oversight_and_yes_no_columns(tmp_path):
    """'See 1c' and 'Refer to 2a and 2c' link to those rows; one to a row the paper does not hold is said
    and is never taken for an assurance source (which would hide the gap); a glossary's yes/no columns
    ('Held in public?', 'Papers published?') set what markers would."""
    content: list[Block] = [
        ("h", 1, "Tarnbury PCC scrutiny framework"),
        [["Forum", "Chaired by", "How often", "Held in public?", "Papers published?"],
         ["Accountability Board", "PCC", "Every 8 weeks", "Yes", "Yes"],
         ["Victims Forum", "DPCC", "Twice yearly", "No", "No"],
         ["TBC", "A new board for the estates programme", "Monthly", "No", "No"]],
        [["Ref", "Commitment", "Oversight"],
         ["1a", "Cut burglary in rural areas", "Accountability Board"],
         ["1b", "Tackle county lines", "See 1a"],
         ["2a", "Improve victim updates", "Victims Forum"],
         ["2b", "Review the victims' code", "Refer to 2a and 1a"],
         ["2c", "Fund advocates", "See 9z"]]]
    parsed = parse_paths([write_docx(tmp_path / "framework.docx", content)], options=P)
    assert not parsed.errors, parsed.errors
    n = by_id(parsed)
    assert (n["accountability-board"].public, n["accountability-board"].notes_published) == (True, True)
    assert (n["victims-forum"].public, n["victims-forum"].notes_published) == (False, False)
    assert not any(node.kind == "AssuranceSource" for node in n.values())
    assert {i for i, node in n.items() if node.kind == "Meeting"} == {"accountability-board", "victims-forum"}
    _, edges = graph(parsed)
    assert {("p-1b", "LINKED_TO", "p-1a"), ("p-2b", "LINKED_TO", "p-2a"), ("p-2b", "LINKED_TO", "p-1a")} <= edges
    assert not any(e[2] == "p-2c" or e[0] == "p-2c" for e in edges)
    assert any("refers to a row this paper does not hold" in w.message and w.value == "See 9z"
               for w in parsed.warnings)


@pytest.mark.parametrize(("header", "target"), [
    (["Action No.", "Action", "Owner(s)", "To be completed by", "BRAG"], dt.date(2025, 3, 31)),
    (["#", "Key action", "Lead officer/s", "Completion due", "R/A/G"], dt.date(2025, 3, 31)),
    (["Ref", "Milestone", "Owner", "Expected completion", "RAG"], dt.date(2025, 3, 31)),
    (["Ref", "Action", "Lead", "Target", "Progress (RAG)"], dt.date(2025, 3, 31)),  # the qualifier names it
    (["Ref", "Action", "Owner", "Date raised", "RAG"], None),  # another date: never the target
    (["Ref", "Action", "Owner", "Start date", "RAG"], None),
])
def test_a_column_named_for_no_field_is_read_by_what_it_holds_but_never_as_another_date(tmp_path, header, target):
    """A header that names no field ('#', 'To be completed by') takes the field its cells show (refs,
    dates, R/A/G) when no column has it; a column named for another date ('Date raised', 'Start date')
    is never the target date, so it can give no overdue finding."""
    table = ("| " + " | ".join(header) + " |\n|---|---|---|---|---|\n"
             "| 1.1 | Open a contact point | JB | 31/03/2025 | G |\n")
    path = tmp_path / "plan.md"
    path.write_text("# Upton plan\n\n## Objective 1: Keep people safe\n\n" + table, encoding="utf-8")
    parsed = parse_paths([path], options=P)
    assert not parsed.errors, parsed.errors
    action = by_id(parsed)["p-1.1"]
    assert (action.title, action.target_date, action.status) == ("Open a contact point", target, "green")
    assert (target is None) == any(header[3] in w.message and "ignored" in w.message for w in parsed.warnings)
