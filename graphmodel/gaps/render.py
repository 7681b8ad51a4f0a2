"""A gap report in the forms people and programs read: JSON, CSV, a terminal table and a workbook.
The command line and the HTTP API both render through here."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

from .model import Finding, Report
from .rules import RULES
from .summary import summarise

CSV_COLUMNS = ("rule", "severity", "kind", "node_id", "label", "area", "reasons")  # the workbook's too
PROCESS_COLUMNS = ("process_id", "name", "area", "class", "score", "rules")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula. Names and ids come from users, so
    every text cell is checked."""
    return text.startswith(_FORMULA_STARTS)


def report_json(report: Report, explain: bool = False) -> dict[str, Any]:
    """The report as JSON-ready data: as_of, policy, findings, summary and assessments."""
    return {"as_of": report.as_of.isoformat(), "policy": report.policy,
            "findings": [f.as_dict() for f in report.findings], "summary": summarise(report).as_dict(),
            "assessments": [a.as_dict(explain) for a in report.assessments]}


def write_json(report: Report, out: TextIO, explain: bool = False) -> None:
    json.dump(report_json(report, explain), out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_csv(report: Report, out: TextIO) -> None:
    """One finding a row; text a spreadsheet would run as a formula is kept as text (a leading ')."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in report.findings:
        writer.writerow([f.rule, f.severity.value, f.kind, *("'" + v if formula_like(v) else v for v in (
            f.node_id, f.label, f.area or "", "; ".join(f.reasons)))])


def xlsx_bytes(report: Report) -> bytes:
    """A workbook: the findings (one a row) and every process's class and score."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def append(ws: Any, values: Sequence[Any]) -> None:
        # User text stays text: characters Excel refuses are dropped, and a cell that would be
        # taken for a formula is stored as a string.
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and formula_like(cell.value):
                cell.data_type = "s"

    wb = Workbook()
    findings = wb.active
    findings.title = "Findings"
    findings.append(list(CSV_COLUMNS))  # the same columns as the CSV
    for f in report.findings:
        append(findings, [f.rule, f.severity.value, f.kind, f.node_id, f.label, f.area or "", "\n".join(f.reasons)])
    processes = wb.create_sheet("Processes")
    processes.append(list(PROCESS_COLUMNS))
    for a in report.assessments:
        append(processes, [a.process_id, a.name, a.area, a.status.value, round(a.score, 3), ", ".join(a.rules)])
    for ws in wb.worksheets:
        _tidy(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _tidy(ws: Any) -> None:
    """A sheet analysts can work with at once: the header frozen and bold, filters on every column,
    and widths to fit the text (within reason; longer text wraps)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, column in enumerate(ws.iter_cols(values_only=True), 1):
        longest = max((len(line) for value in column if value is not None for line in str(value).split("\n")),
                      default=8)
        ws.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 8), 80)
        if longest > 80:
            for cell in ws[get_column_letter(i)][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_table(report: Report, out: TextIO, explain: bool = False) -> None:
    """Per area: its processes with class and score, then its findings; then the other findings."""
    summary = summarise(report)

    def w(line: str = "") -> None:
        out.write(line + "\n")

    w(f"Gap analysis as of {report.as_of.isoformat()}: {summary.findings} finding(s), "
      f"{summary.processes} process(es)")
    if not summary.areas:
        w("No processes.")
    by_area: dict[str | None, list[Finding]] = {}
    for f in report.findings:
        by_area.setdefault(f.area if f.kind == "Process" else None, []).append(f)
    for area, counts in summary.areas.items():
        w()
        w(f"== {area}: {counts.processes} process(es), {counts.uncovered} uncovered, {counts.weak} weak, "
          f"{counts.adequate} adequate; coverage {counts.coverage:.0%} assured, {counts.covered_share:.0%} covered")
        assessments = [a for a in report.assessments if a.area == area]
        id_width = max(len(a.process_id) for a in assessments)
        for a in assessments:
            w(f"  {a.process_id:<{id_width}}  {a.status.value:<9}  {a.score:.2f}  {a.name}"
              + (f"  [{', '.join(a.rules)}]" if a.rules else ""))
            if explain:
                for line in a.source_lines():
                    w(f"  {'':<{id_width}}    {line}")
                w(f"  {'':<{id_width}}    {a.explanation}")
        _findings(w, by_area.pop(area, []))
    rest = [f for group in by_area.values() for f in group]
    if rest:
        w()
        w("== Other findings")
        _findings(w, rest)
    w()
    w("Rules: " + "; ".join(f"{r.id} {r.title}" for r in RULES.values()))


def _findings(w: Callable[[str], None], findings: Iterable[Finding]) -> None:
    listed = list(findings)
    if listed:
        w("  Findings:")
    for f in listed:
        w(f"  {f.rule:<4} {f.severity.value:<6} {f.kind} {f.node_id}: {f.label}")
        for reason in f.reasons:
            w(f"         - {reason}")
