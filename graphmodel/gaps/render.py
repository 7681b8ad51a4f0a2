"""A gap report in the forms people and programs read: JSON, CSV, a terminal table and a workbook;
and the panel cycle's snapshots, changes and accepted gaps as JSON and tables. The command line and
the HTTP API both render through here."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ..text import xml_safe
from .model import Finding, Report
from .rules import RULES
from .summary import summarise

if TYPE_CHECKING:
    from ..cycle.acceptances import Kept
    from ..cycle.changes import Changes
    from ..cycle.snapshots import MapState
    from ..store.records import SnapshotInfo

# The workbook's too.
CSV_COLUMNS = ("rule", "severity", "kind", "node_id", "label", "area", "reasons", "acceptance")
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
            f.node_id, f.label, f.area or "", "; ".join(f.reasons), f.accepted.words() if f.accepted else ""))])


def xlsx_bytes(report: Report) -> bytes:
    """A workbook: the findings (one a row) and every process's class and score."""
    from openpyxl import Workbook

    def append(ws: Any, values: Sequence[Any]) -> None:
        # User text stays text: characters a workbook cannot hold are replaced, and a cell that would
        # be taken for a formula is stored as a string. (Cells are found by row and column counted
        # here: asking the sheet for its last row or column scans every cell, which made this quadratic.)
        ws.append([xml_safe(v) if isinstance(v, str) else v for v in values])
        rows[ws.title] = row = rows.get(ws.title, 1) + 1
        for column, value in enumerate(values, 1):
            if isinstance(value, str) and formula_like(value):
                ws.cell(row=row, column=column).data_type = "s"

    rows: dict[str, int] = {}  # the last row written of each sheet; row 1 is the header

    wb = Workbook()
    findings = wb.active
    findings.title = "Findings"
    findings.append(list(CSV_COLUMNS))  # the same columns as the CSV
    for f in report.findings:
        append(findings, [f.rule, f.severity.value, f.kind, f.node_id, f.label, f.area or "", "\n".join(f.reasons),
                          f.accepted.words() if f.accepted else ""])
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

    accepted = f" ({summary.open} open, {summary.accepted} accepted by the panel)" if summary.accepted else ""
    w(f"Gap analysis as of {report.as_of.isoformat()}: {summary.findings} finding(s){accepted}, "
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
    """Open findings, then apart from them the ones the panel has accepted."""
    listed = list(findings)
    for title, group in (("Findings", [f for f in listed if f.is_open]),
                         ("Accepted by the panel (not open)", [f for f in listed if not f.is_open])):
        if group:
            w(f"  {title}:")
        for f in group:
            _finding(w, f, "  ")


def _finding(w: Callable[[str], None], f: Finding, indent: str) -> None:
    """One finding: rule, severity and item, then its reasons and any acceptance."""
    w(f"{indent}{f.rule:<4} {f.severity.value:<6} {f.kind} {f.node_id}: {f.label}")
    for reason in f.reasons:
        w(f"{indent}       - {reason}")
    if f.accepted:
        w(f"{indent}       * {f.accepted.words()}")


# -- the panel cycle: snapshots, changes, accepted gaps ----------------------------------------
def snapshot_json(state: MapState) -> dict[str, Any]:
    """A snapshot as shown: what it is, and the report it froze."""
    assert state.info is not None
    return {**state.info.as_dict(), "report": report_json(state.report, explain=True)}


def write_snapshot_list(infos: Sequence[SnapshotInfo], out: TextIO) -> None:
    if not infos:
        out.write("No snapshots yet: take one with `assurance-map snapshot save NAME`.\n")
        return
    width = max(len(i.name) for i in infos)
    out.write(f"{'name':<{width}}  as of       taken at (UTC)       by / nodes / findings\n")
    for i in infos:
        out.write(f"{i.name:<{width}}  {i.as_of.isoformat()}  {i.taken_at.strftime('%Y-%m-%d %H:%M')}  "
                  f"     {i.taken_by} / {i.nodes} / {i.findings}\n")


def write_snapshot_table(state: MapState, out: TextIO) -> None:
    info = state.info
    assert info is not None
    out.write(f"Snapshot {info.name!r}: as of {info.as_of.isoformat()}, taken "
              f"{info.taken_at.strftime('%Y-%m-%d %H:%M')} UTC by {info.taken_by}; {info.nodes} nodes, "
              f"{info.edges} links\n\n")
    write_table(state.report, out)


def changes_json(changes: Changes) -> dict[str, Any]:
    return changes.as_dict()


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def _class(status: Any, score: float | None) -> str:
    return "-" if status is None else f"{status.value} {score:.2f}"


def write_changes_table(changes: Changes, out: TextIO) -> None:
    """Areas, the processes that moved, findings new and resolved, actions whose RAG moved, nodes."""
    def w(line: str = "") -> None:
        out.write(line + "\n")

    until = f"{changes.until.name!r}" if changes.until else "the map now"
    w(f"Changes since {changes.since.name!r} (as of {changes.since.as_of.isoformat()}) until {until} "
      f"(as of {changes.until_as_of.isoformat()})")
    if not changes.same_policy:
        w("Note: the two reports ran under different policies, so some changes may come from the policy.")
    w()
    w("Areas (coverage: the share of processes adequately assured)")
    width = max((len(a.area) for a in changes.areas), default=0)
    for a in changes.areas:
        w(f"  {a.area:<{width}}  {_pct(a.coverage_before):>4} -> {_pct(a.coverage_after):>4}  "
          f"{a.direction.sign} {a.direction.value}")
    moved = changes.moved()
    w()
    w(f"Processes that moved: {len(moved)} of {len(changes.processes)}"
      + ("" if moved else " (no class or strength changed)"))
    for p in moved:
        w(f"  {p.direction.sign} {p.direction.value:<9} {p.process_id} {p.name} ({p.area}): "
          f"{_class(p.before, p.score_before)} -> {_class(p.after, p.score_after)}")
    f = changes.findings
    w()
    w(f"Findings: {len(f.new)} new, {len(f.resolved)} resolved, {len(f.persisting)} persisting")
    for title, findings in (("New", f.new), ("Resolved", f.resolved)):
        if findings:
            w(f"  {title}:")
        for found in findings:
            _finding(w, found, "    ")
    actions = [a for a in changes.actions if a.direction != "unchanged"]
    w()
    w(f"Actions whose RAG status moved: {len(actions)} of {len(changes.actions)}")
    for act in actions:
        w(f"  {act.direction.sign} {act.direction.value:<9} {act.action_id} {act.title}: "
          f"{act.status_before or '-'} -> {act.status_after or '-'}")
    n = changes.nodes
    w()
    w(f"Nodes: {len(n.added)} added, {len(n.removed)} removed, {len(n.changed)} changed")
    for sign, group in (("+", n.added), ("-", n.removed)):
        for item in group:
            w(f"  {sign} {item.kind} {item.id}: {item.label}")
    for item in n.changed:
        what = [", ".join(item.fields)] if item.fields else []
        what += [f"link {link} added" for link in item.links_added]
        what += [f"link {link} removed" for link in item.links_removed]
        w(f"  ~ {item.kind} {item.id}: {item.label}: {'; '.join(what)}")


def write_acceptances_table(kept: Sequence[Kept], out: TextIO) -> None:
    if not kept:
        out.write("No gaps accepted.\n")
        return
    for k in kept:
        a = k.acceptance
        state = k.state + (f": {k.lapsed}" if k.lapsed else "") + (", due for review" if k.due() else "")
        out.write(f"{a.rule:<4} {a.node_id}: {state}\n     accepted by {a.by} on {a.on.isoformat()} until "
                  f"{a.review.isoformat()}: {a.reason}\n")
