"""Recommendation trackers: the recommendations of audit and inspection reports and what is being done
about them (Rec / Recommendation / Management response / Responsible officer / Target date / Status /
Latest update), grouped under report lines ("Report 2023/24-03: Victims' Code compliance – Limited
assurance") or by a report column whose value stands on a report's first row or is merged down.

Each recommendation is an Action `<prefix>-<ref>`; where refs start again in each report ('1, 2, 3', or
'AFI 1' and 'Rec 1' in every inspection) the report's code or name comes first,
`<prefix>-<report>-<ref>`. The report, the priority and the management response are kept in its notes.
"""
from __future__ import annotations

import re

from ..document import one_line
from .common import slug
from .engine import Extraction, Layout, Record
from .fields import FieldSpec
from .register import Build

NAME = "recommendation-tracker"
LAYOUT = Layout(
    NAME,
    "recommendation tracker: report lines or a report column, then Rec / Recommendation / Responsible officer / "
    "Target date / Status rows",
    (FieldSpec("ref", ("rec", "rec no", "ref", "no", "number", "recommendation no", "recommendation number",
                       "rec ref", "#", "item", "id"), "ref"),
     FieldSpec("title", ("recommendation", "recommendations", "area for improvement", "afi", "recommendation afi",
                         "finding", "issue", "audit recommendation", "recommendation or afi", "cause of concern")),
     FieldSpec("report", ("report", "audit report", "inspection report", "inspection", "audit", "review",
                          "source report", "report title", "audit title", "source")),
     FieldSpec("response", ("management response", "agreed action", "management response agreed action",
                            "action agreed", "response", "management action", "agreed management action")),
     FieldSpec("priority", ("priority", "grade", "rating", "risk rating", "category")),
     FieldSpec("owner", ("responsible officer", "owner", "lead", "action owner", "force lead", "lead officer",
                         "officer responsible", "responsibility", "responsible", "opcc lead")),
     FieldSpec("target", ("target date", "due date", "implementation date", "deadline", "target", "agreed date",
                          "due", "by when", "timescale", "date due", "completion date"), "date"),
     FieldSpec("status", ("status", "rag", "rag status", "progress status", "implementation status",
                          "current status"), "rag"),
     FieldSpec("update", ("latest update", "update", "progress", "progress update", "comment", "comments",
                          "commentary", "position", "current position", "management update", "follow up"))),
    sections=("report",))


def _report_key(record: Record, carried: str | None) -> tuple[str | None, str | None]:
    """(the key that goes in ids, the report as written) for a row: its report line, else its report
    cell or the one above it."""
    if record.section is not None and record.section.kind == "report":
        s = record.section
        return re.sub(r"[^\w.]+", "-", s.code).strip("-"), f"Report {s.code}: {s.title}".strip(": ")
    name = one_line(record.values.get("report", "")) or carried or record.group
    if not name:
        return None, None
    code = re.match(r"^([A-Z]{0,5}\s?\d{2,4}(?:[/\-.]\d{1,3})*)\b", name)
    return (re.sub(r"[^\w.]+", "-", code[1]) if code else slug(" ".join(name.split()[:4]))), name


def build(ex: Extraction, b: Build) -> None:
    rows: list[tuple[Record, str, str | None, str | None]] = []
    carried: str | None = None
    for record in ex.rows(NAME):
        key, report = _report_key(record, carried)
        carried = report if record.values.get("report") else carried
        ref = b.own_ref(record.values.get("ref", ""))
        rows.append((record, ref, key, report))
    refs = [ref for _, ref, _, _ in rows if ref]
    by_report = len(set(refs)) < len(refs)  # refs start again in each report
    counters: dict[str | None, int] = {}
    for record, ref, key, report in rows:
        if not ref:
            counters[key] = counters.get(key, 0) + 1
            ref = f"R{counters[key]}"
            b.parsed.warn(record.origin, f"recommendation has no ref; numbered {ref} in its report", b.column("ref"))
        aid = b.ident(f"{key}-{ref}" if by_report and key else ref)
        values = record.values
        notes = "\n".join(p for p in (
            report or "",
            f"Priority: {one_line(values['priority'])}" if values.get("priority") else "",
            f"Management response: {one_line(values['response'])}" if values.get("response") else "") if p)
        b.add("Action", {"id": aid, "title": one_line(values.get("title") or values.get("response", "")),
                         "owner": one_line(values.get("owner", "")), "target_date": one_line(values.get("target", "")),
                         "update": values.get("update"), "notes": notes or None,
                         **b.status(values, record.origin, values.get("update", ""))}, record.origin, ref)
