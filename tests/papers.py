"""The test corpus of papers: each paper is written once here as blocks (headings, paragraphs,
tables) and rendered deterministically as Word (.docx), Excel (.xlsx), PDF (with a text layer and a
real page break inside a table), markdown and tab-separated text. Tests read them back.

The delivery plan and assurance programme are written for these tests in the layouts of real
papers (objective sections coded by digits and letters, qualified headers, a blank ref header,
HTML in cells, every oversight separator, a glossary with markers and a key)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

REFERENCE = Path(__file__).parent / "data" / "reference"
RISK_PAPER = REFERENCE / "leicestershire-jarap-2013-risk-register-and-assurance-framework.txt"
DELIVERY_PAPER = REFERENCE / "opcc-2018-police-and-crime-plan-delivery-plan-report.txt"
PROGRAMME_PAPER = REFERENCE / "west-mercia-2016-draft-assurance-programme.txt"

Heading = tuple  # ("h", level, text) or ("p", text)
Block = tuple | list  # a heading or paragraph tuple, or a table: a list of rows

DP_HEADER = ["", "Actions", "Timescale", "Sponsor (SMG)", "Lead officer", "Current Status of Action",
             "Links to other actions", "R/A/G"]
DELIVERY_PLAN: list[Block] = [
    ("h", 1, "Northshire OPCC Strategic Delivery Plan 2024/25"),
    ("p", "R/A/G key: Green on track or completed (C); Amber at risk; Red significantly delayed."),
    ("h", 2, "Police and Crime Plan: Objective 1"),
    ("p", "Reduce the crimes that matter most to residents"),
    [DP_HEADER,
     ["1.1", "Scrutinise the force's response to burglary and violent crime", "Ongoing", "PCC", "JB",
      "<ul><li>Burglary down 8% on last year</li><li>Violence deep dive held in May</li></ul>", "NPF 1.1", "G"],
     ["1.2", "Seek evidence that rural crime teams reduce repeat victimisation", "March 2025", "DPCC", "AK",
      "Evaluation commissioned from the university; report due in spring", "OPCC Action A.2", "A"],
     ["1.3", "Commission a drug and alcohol diversion scheme", "31/12/2024", "CEO", "SM",
      "Contract awarded and the scheme is live", "", "(C)"]],
    ("h", 2, "Police and Crime Plan: Objective 2"),
    ("p", "Support victims and witnesses through the justice system"),
    [DP_HEADER,
     ["2.1", "Hold the force to account for Victims' Code compliance", "Quarterly", "PCC", "JB",
      "Compliance at 91%, reported to the Performance Board", "1.2; VWDG 1.5", "G"],
     ["2.2", "Refresh the victims' needs assessment", "30 June 2024", "CEO", "AK",
      "Draft complete<br>Consultation with partners to follow", "A.1", "R"]],
    ("h", 2, "OPCC Operational Objective A"),
    ("p", "Run an efficient and transparent office"),
    [DP_HEADER,
     ["A.1", "Publish every decision within five working days", "Ongoing", "CEO", "SM",
      "Decisions log published weekly", "", "G"],
     ["A.2", "Deliver the office's medium term financial plan", "31 March 2025", "CFO", "RT",
      "Savings of £120k identified &amp; a further £40k required", "2.2", "Amber"],
     ["A.3", "Review the office's records retention schedule", "Sep-24", "CEO", "SM", "Complete", "", "Complete"]],
]

AP_HEADER = ["Ref", "Plan commitment", "Supporting activity", "Links to strategic risk register item",
             "PCC's oversight mechanism(s)", "Frequency of oversight"]
PROGRAMME: list[Block] = [
    ("h", 1, "NORTHSHIRE PLAN - SAFER NEIGHBOURHOODS"),
    [AP_HEADER,
     ["1.1", "Neighbourhood teams are visible and known to residents", "Neighbourhood policing review", "SR1",
      "Performance and Accountability Board, KPI monitoring", "Quarterly"],
     ["1.2", "Anti-social behaviour is tackled with partners", "Community safety partnership plans", "",
      "Community Safety Partnerships. Audit", "Biannual"],
     ["1.3", "Rural crime is reduced", "Rural crime strategy", "SR4",
      "KPI monitoring > Performance and Accountability Board", "Monthly"],
     ["1.4", "Road harm is reduced", "Road safety action plan", "",
      "Joint Audit, Risk and Assurance Panel; HMICFRS inspection", "Annual"],
     ["1.5", "Residents can report crime online", "Digital contact programme", "",
      "Briefings and Digital Programme Board", ""],
     ["1.6", "Repeat victims are identified early", "Vulnerability training", "", "See 1.3", ""],
     ["1.7", "Hate crime reporting increases", "Third party reporting centres", "", "Refer to 1.1 and 1.2", ""],
     ["1.8", "Young people are diverted from crime", "Youth diversion scheme", "SR2", "Police and Crime Panel*",
      "Quarterly"],
     ["1.9", "The road safety partnership is effective", "", "",
      "Safer Roads Partnership and Performance and Accountability Board", ""]],
    ("h", 2, "OVERVIEW OF KEY MEETINGS"),
    [["Name", "Purpose", "Meets"],
     ["Performance and Accountability Boards*#", "The PCC holds the Chief Constable to account for performance",
      "Monthly"],
     ["Police and Crime Panel*", "Scrutinises the decisions of the PCC", "Quarterly"],
     ["Joint Audit, Risk and Assurance Panel#", "Independent assurance on governance, risk and control", "Quarterly"],
     ["Digital Programme Board", "Oversees the force's digital change", "Monthly"],
     ["", "programme and the benefits it brings", ""]],
    ("p", "* Meetings held in public"),
    ("p", "# Minutes published on the PCC's website"),
]


RT_HEADER = ["Risk No.", "Plan chapter", "Risk", "Likelihood", "Impact", "Score *", "Risk owner", "Mitigating action",
             "Action owner", "Target date", "Action status"]
RISK_TABLE: list[Block] = [
    ("h", 1, "Appendix B: Strategic risk register"),
    [RT_HEADER,
     ["1", "Safer roads", "Road harm rises despite partnership work", "4", "5", "20", "TM",
      "Quarterly road safety report to the board", "TM", "Ongoing", "G"],
     ["", "", "", "", "", "", "", "Fund average speed cameras on two routes", "RS", "31/03/2025", "A"],
     ["2", "Cyber crime", "Victims of online fraud are not supported", "3", "4", "12", "AF",
      "Commission a fraud victim service", "AF", "Sep-24", "Complete"],
     ["3", "Confidence", "Public confidence in policing falls", "3", "3", "9", "MK", "", "", "", ""]],
    ("p", "* Score is likelihood multiplied by impact."),
]


# A risk register action plan as Word's plainer table styles print it: rules between rows and no vertical
# lines; each risk a heading, its title on the next line and its owner and current score in a line under
# it; action numbers start again under each risk; one risk has no actions.
RP_HEADER = ["No.", "Action", "Lead", "Target date", "Status", "Progress"]
RISK_PLAN: list[Block] = [
    ("h", 1, "Southdown OPCC strategic risk action plan"),
    ("p", "Report to the Joint Audit Committee, 14 November 2024."),
    ("p", "2. Recommendation. The Committee is asked to note progress on the actions below."),
    ("h", 2, "STRATEGIC RISK 1"),
    ("p", "Complaint reviews are not completed in time"),
    ("p", "Residual score: 16 (L4 x I4) – Risk owner: Chief Executive"),
    [RP_HEADER,
     ["1", "Recruit two complaint review officers to clear the backlog of reviews", "Head of Standards",
      "30/09/2024", "Overdue", "Interviews held in October; one post accepted"],
     ["2", "Publish review timeliness figures every quarter", "Business Manager", "31/12/2024", "In progress",
      "First figures drafted for the Committee"]],
    ("h", 2, "STRATEGIC RISK 2"),
    ("p", "The savings in the medium-term plan are not delivered"),
    ("p", "Residual score: 12 (L3 x I4) – Risk owner: Chief Finance Officer"),
    [RP_HEADER,
     ["1", "Agree the savings plan with the force", "Chief Finance Officer", "31/10/2024", "Complete",
      "Agreed at the Resources Board"],
     ["2", "Review the estates plan for further savings", "Chief Finance Officer", "Mar-25", "On track",
      "Scope agreed"]],
    ("h", 2, "STRATEGIC RISK 3"),
    ("p", "Partnership funding for community safety is withdrawn"),
    ("p", "Residual score: 6 (L2 x I3) – Risk owner: Head of Partnerships"),
    ("p", "No further actions identified at this review."),
]

# An audit recommendations tracker pasted from Excel: report lines group the recommendations, whose
# numbers start again in each report; statuses in words; an original and a revised target date.
AT_HEADER = ["Rec", "Recommendation", "Priority", "Management response", "Responsible officer",
             "Original target date", "Revised target date", "Status", "Latest update"]
AUDIT_TRACKER: list[Block] = [
    ("h", 1, "Westshire OPCC internal audit recommendations – follow-up at 15 November 2024"),
    [AT_HEADER,
     ["2023/24 AUDIT PLAN"],
     ["Report 2023/24-01: Payroll – Substantial assurance"],
     ["1", "Overtime claims should be approved before payment", "Medium", "Agreed.", "Finance Manager",
      "30/09/2023", "", "Implemented", "Approval step added to the claim form"],
     ["2", "Leavers should be removed from payroll in the month they leave", "High", "Agreed.", "HR Manager",
      "31.12.23", "30.06.24", "Partially implemented", "Monthly check started in May"],
     ["Report 2023/24-02: Grants – Limited assurance"],
     ["1", "Every grant should have a signed agreement before payment", "High", "Agreed.", "Chief Executive",
      "31/03/2024", "", "Implemented (C)", "Tested by audit in September"],
     ["2", "Grant outcomes should be reported to the panel each year", "Low", "Agreed.", "Head of Partnerships",
      "31/08/2024", "", "Not yet due", "First report planned for March"],
     ["3", "The grants register should be published", "Low", "Superseded by the transparency review.",
      "Business Manager", "30/06/2024", "", "Superseded", "Closed by the Committee"]],
]


# A strategic risk register kept as one sheet: labels over groups of columns ('Inherent risk', 'Residual
# risk') above the real header, likelihood, impact and score under each, 'Due' for the target date, a
# risk's further actions in the rows under it, risks with no action ('None – risk tolerated', one covered
# by another register), and status words the paper keys below the table.
GR_GROUPS = ["Risk", "", "", "Inherent risk", "", "", "Mitigation", "", "", "", "Residual risk", "", ""]
GR_HEADER = ["Risk ref", "Risk description", "Risk owner", "L", "I", "Score", "Further actions", "Action owner",
             "Due", "Action RAG", "L", "I", "Score"]
GROUPED_RISKS: list[Block] = [
    ("h", 1, "Northshire OPCC strategic risk register, quarter 2"),
    [GR_GROUPS, GR_HEADER,
     ["SR1", "Funding does not meet the cost of the plan", "Chief Finance Officer", "5", "4", "20",
      "Agree a savings programme with the force", "CFO", "31/08/2024", "Behind schedule", "4", "4", "16"],
     ["", "", "", "", "", "", "Lobby for a fairer funding formula", "PCC", "Ongoing", "G", "", "", ""],
     ["SR2", "Commissioned services fail", "Head of Services", "3", "4", "12",
      "Draw up a provider failure plan", "Head of Services", "30.09.24", "Overdue", "3", "3", "9"],
     ["SR3", "A data breach at the office", "Chief Executive", "3", "5", "15",
      "None – risk tolerated; controls judged sufficient", "", "", "", "2", "5", "10"],
     ["SR4", "The office's systems are disabled by a cyber attack", "Chief Executive", "3", "5", "15",
      "Covered by the force ICT risk register (ICT-07)", "", "", "", "2", "5", "10"],
     ["SR5", "Staff wellbeing falls", "Chief Executive", "3", "3", "9", "Run the staff survey", "Business Manager",
      "31/07/2024", "Done", "2", "2", "4"]],
    [["Action RAG", "Meaning"], ["Done", "Action finished"], ["On track / G", "Progressing to the due date"],
     ["Behind schedule / A", "Slipping but recoverable"], ["Overdue / R", "Due date passed"]],
]


def risk_register_blocks() -> list[Block]:
    """The 2013 paper's Appendix A as blocks: each 'Risk Item' line a heading, each table as it is."""
    out: list[Block] = []
    table: list[list[str]] | None = None
    started = False
    for line in RISK_PAPER.read_text(encoding="utf-8").splitlines():
        if line.startswith("Risk Item"):
            started = True
            cells = [c for c in line.split("\t") if c.strip()]
            out.append(("h", 2, " ".join(cells)))
            table = None
            continue
        if not started or not line.strip():
            continue
        if "\t" in line:
            if table is None:
                table = []
                out.append(table)
            table.append(line.split("\t"))
    width = max(len(r) for b in out if isinstance(b, list) for r in b)
    for b in out:
        if isinstance(b, list):
            for r in b:
                r += [""] * (width - len(r))
    return out


def _ref_in_title(content: list[Block]) -> list[Block]:
    """The delivery plan as some papers print it: no ref column, the ref opening the Actions cell."""
    out: list[Block] = []
    for b in content:
        out.append(b if isinstance(b, tuple) else [row[1:] if n == 0 else [f"{row[0]} {row[1]}"] + row[2:]
                                                   for n, row in enumerate(b)])
    return out


# A scrutiny programme with the priority in a column of its own (written on a priority's first row only),
# oversight not yet settled ('To be agreed', 'TBC', 'n/a'), abbreviations the paper spells out, the
# strategic risks it refers to listed after the table, and a glossary whose key marks private meetings.
SP_HEADER = ["Plan priority", "No.", "Commitment", "Risk register link", "Oversight", "How often"]
SCRUTINY_PROGRAMME: list[Block] = [
    ("h", 1, "Westvale PCC scrutiny programme 2025"),
    ("p", "LCJB – Local Criminal Justice Board"),
    ("p", "SPB – Strategic Policing Board"),
    [SP_HEADER,
     ["Safer streets", "1", "Cut knife crime in the town centres", "SR1", "SPB", "Monthly"],
     ["", "2", "Make the night-time economy safer", "SR1, SR2", "To be agreed", ""],
     ["", "3", "Reduce shoplifting with retailers", "", "Westvale LCJB", "Quarterly"],
     ["Justice for victims", "4", "Speed up charging decisions", "SR2", "TBC", ""],
     ["", "5", "Keep victims informed of their case", "SR3", "n/a", ""],
     ["", "6", "Review out-of-court disposals", "", "Scrutiny panel > SPB", "Twice yearly"]],
    ("p", "Strategic risks referred to in this programme"),
    ("p", "SR1 Violent crime rises in the town centres"),
    ("p", "SR2 Partners withdraw from the criminal justice board"),
    ("p", "SR3 Victim services lose their funding"),
    ("h", 2, "Meetings"),
    [["Meeting", "Purpose", "Frequency"],
     ["Strategic Policing Board*", "The PCC holds the Chief Constable to account", "Monthly"],
     ["Westvale Local Criminal Justice Board†", "Partners oversee the justice system", "Quarterly"]],
    ("p", "Key: * held in public † held in private"),
]


PAPERS = {"delivery-plan": DELIVERY_PLAN, "assurance-programme": PROGRAMME, "risk-table": RISK_TABLE,
          "risk-plan": RISK_PLAN, "audit-tracker": AUDIT_TRACKER, "grouped-risks": GROUPED_RISKS,
          "scrutiny-programme": SCRUTINY_PROGRAMME,
          "delivery-plan-refs-in-titles": _ref_in_title(DELIVERY_PLAN)}


def blocks(name: str) -> list[Block]:
    return risk_register_blocks() if name == "risk-register" else PAPERS[name]


# -- renderers ------------------------------------------------------------------------------

def write_docx(path: Path, content: list[Block]) -> Path:
    import docx

    doc = docx.Document()
    for b in content:
        if isinstance(b, tuple) and b[0] == "h":
            doc.add_heading(b[2], level=b[1])
        elif isinstance(b, tuple):
            doc.add_paragraph(b[1])
        else:
            table = doc.add_table(rows=0, cols=len(b[0]))
            for row in b:
                cells = table.add_row().cells
                if len(row) == 1:  # a line written across the table: one cell merged over every column
                    cells[0].merge(cells[-1]).text = row[0]
                    continue
                for cell, value in zip(cells, row, strict=True):
                    cell.text = value
    doc.core_properties.created = dt.datetime(2024, 4, 1)  # deterministic output
    doc.save(str(path))
    return path


def write_xlsx(path: Path, content: list[Block]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    for b in content:
        if isinstance(b, tuple):
            ws.append([b[-1]])
        else:
            for row in b:
                ws.append(row)
                if len(row) == 1:
                    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(b[0]))
            ws.append([])
    wb.save(path)
    return path


def write_text(path: Path, content: list[Block], markdown: bool = False) -> Path:
    lines: list[str] = []
    for b in content:
        if isinstance(b, tuple) and b[0] == "h":
            lines.append(("#" * b[1] + " " if markdown else "") + b[2])
        elif isinstance(b, tuple):
            lines.append(("\\" if markdown and b[1][:1] in "#*" else "") + b[1])
        elif markdown:
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in b[0]) + " |")
            lines.append("|" + "---|" * len(b[0]))
            lines += ["| " + " | ".join(c.replace("\n", "<br>") for c in _full(row, b)) + " |" for row in b[1:]]
        else:
            lines += ["\t".join(c.replace("\n", " ") for c in _full(row, b)) for row in b]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _full(row: list[str], table: list) -> list[str]:
    """A row as wide as its table: a line written across it stands in the first cell."""
    return row + [""] * (len(table[0]) - len(row))


def write_layout(path: Path, content: list[Block], width: int = 24) -> Path:
    """Text laid out as a PDF converter with 'keep layout' writes it: each table in fixed columns, cells
    wrapped inside their column, a blank line between rows; headings and paragraphs as plain lines."""
    import textwrap

    lines: list[str] = []
    for b in content:
        if isinstance(b, tuple):
            lines += [b[-1], ""]
            continue
        for row in b:
            if len(row) == 1:
                lines += [_plain(row[0]), ""]
                continue
            wrapped = [textwrap.wrap(_plain(c), width - 2) or [""] for c in row]
            for k in range(max(len(w) for w in wrapped)):
                lines.append("".join((w[k] if k < len(w) else "").ljust(width) for w in wrapped).rstrip())
            lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_run_together(path: Path, content: list[Block]) -> Path:
    """Every heading, paragraph and cell run together into one line with single spaces, as some
    converters leave a PDF: only the header's words, the refs and what each cell holds tell them apart."""
    words: list[str] = []
    for b in content:
        if isinstance(b, tuple):
            words.append(b[-1])
        else:
            words += [_plain(c) for row in b for c in row if c]
    path.write_text(" ".join(words) + "\n", encoding="utf-8")
    return path


def _plain(text: str) -> str:
    from loaders.document import clean

    return " ".join(clean(text).split())


def write_pdf(path: Path, content: list[Block], ruled: bool = True, rules_only: bool = False,
              by_cell: bool = False) -> Path:
    """Tables with ruled cells (or, `rules_only`, rules between rows and no vertical lines, as Word's plainer
    table styles draw them; `by_cell`, those rules drawn a cell at a time, as Word's PDF export does) and
    the header repeated on each page; rows long enough to be split by a page
    break (reportlab's splitInRow), as papers exported from Word often are."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    from reportlab.rl_config import defaultPageSize  # noqa: F401  (imported for its side effect on settings)

    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=7, leading=8.5)
    story = []
    for b in content:
        if isinstance(b, tuple) and b[0] == "h":
            story.append(Paragraph(_xml(b[2]), styles["Heading1" if b[1] == 1 else "Heading2"]))
        elif isinstance(b, tuple):
            story.append(Paragraph(_xml(b[1]), styles["BodyText"]))
        else:
            width = (landscape(A4)[0] - 72) / len(b[0])
            rows = [[Paragraph(_xml(c), cell) for c in _full(row, b)] for row in b]
            spans = [("SPAN", (0, n), (-1, n)) for n, row in enumerate(b) if len(row) == 1]
            table = Table(rows, colWidths=[width] * len(b[0]), repeatRows=1,
                          splitInRow=1 if ruled or rules_only else 0)
            columns = [(c, c) for c in range(len(b[0]))] if by_cell else [(0, -1)]
            lines = ([cmd for a, z in columns for cmd in (("LINEABOVE", (a, 0), (z, 0), 1, colors.black),
                                                           ("LINEBELOW", (a, 0), (z, -1), 0.5, colors.black))]
                     if rules_only else
                     [("GRID", (0, 0), (-1, -1), 0.5, colors.black)] if ruled else [])
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), *spans, *lines]))
            story.append(table)
    SimpleDocTemplate(str(path), pagesize=landscape(A4), invariant=1, title=path.stem).build(story)
    return path


def _xml(text: str) -> str:
    """Cell text for reportlab: the cell's own HTML lists and breaks become lines."""
    from loaders.document import clean

    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def render(name: str, folder: Path) -> dict[str, Path]:
    """Every format of one paper: {'docx': path, 'xlsx': ..., 'pdf': ..., 'unruled.pdf': (a table drawn
    without lines), 'rules.pdf': (rules between rows only), 'cell-rules.pdf' (the same
    drawn a cell at a time), 'layout.txt': (fixed columns, as pasted from a PDF), 'md': ..., 'txt': ...}."""
    content = blocks(name)
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / name
    return {"docx": write_docx(stem.with_suffix(".docx"), content),
            "xlsx": write_xlsx(stem.with_suffix(".xlsx"), content),
            "pdf": write_pdf(stem.with_suffix(".pdf"), content),
            "unruled.pdf": write_pdf(folder / f"{name}-unruled.pdf", content, ruled=False),
            "rules.pdf": write_pdf(folder / f"{name}-rules.pdf", content, rules_only=True),
            "cell-rules.pdf": write_pdf(folder / f"{name}-cell-rules.pdf", content, rules_only=True, by_cell=True),
            "layout.txt": write_layout(folder / f"{name}-layout.txt", content),
            "run-together.txt": write_run_together(folder / f"{name}-run-together.txt", content),
            "md": write_text(stem.with_suffix(".md"), content, markdown=True),
            "txt": write_text(stem.with_suffix(".txt"), content)}


if __name__ == "__main__":
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "papers")
    for paper in ("risk-register", *PAPERS):  # noqa: B007
        for fmt, p in render(paper, out).items():
            print(fmt, p)
