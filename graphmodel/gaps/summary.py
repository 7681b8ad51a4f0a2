"""Counts for a report: per rule, per severity, per class and per area."""
from __future__ import annotations

from typing import Any

from .model import Report, Severity, Status
from .rules import RULES


def area_counts(report: Report) -> dict[str, dict[str, Any]]:
    """Per area: processes, how many are uncovered / weak / adequate, covered (not uncovered),
    assured (adequate) and coverage = assured / processes."""
    areas: dict[str, dict[str, Any]] = {}
    for a in report.assessments:
        row = areas.setdefault(a.area, {"processes": 0, **{s.value: 0 for s in Status}})
        row["processes"] += 1
        row[a.status.value] += 1
    for row in areas.values():
        row["covered"] = row["processes"] - row[Status.UNCOVERED.value]
        row["assured"] = row[Status.ADEQUATE.value]
        row["coverage"] = round(row["assured"] / row["processes"], 4)
        row["covered_share"] = round(row["covered"] / row["processes"], 4)
    return dict(sorted(areas.items()))


def summarise(report: Report) -> dict[str, Any]:
    by_rule = {rule: 0 for rule in RULES}
    by_severity = {s.value: 0 for s in Severity}
    for f in report.findings:
        by_rule[f.rule] += 1
        by_severity[f.severity.value] += 1
    by_status = {s.value: 0 for s in Status}
    for a in report.assessments:
        by_status[a.status.value] += 1
    areas = area_counts(report)
    for f in report.findings:
        if f.area in areas:
            areas[f.area]["findings"] = areas[f.area].get("findings", 0) + 1
    for row in areas.values():
        row.setdefault("findings", 0)
    return {"findings": len(report.findings), "by_rule": by_rule, "by_severity": by_severity,
            "processes": len(report.assessments), "by_status": by_status, "areas": areas}
