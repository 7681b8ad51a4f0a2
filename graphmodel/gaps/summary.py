"""Counts for a report: per rule, per severity, per class and per area."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .model import Report, Severity, Status
from .rules import RULES


@dataclass(frozen=True)
class AreaSummary:
    """One area's processes by class, and the findings about them."""

    area: str
    processes: int
    uncovered: int
    weak: int
    adequate: int
    findings: int = 0

    def count(self, status: Status) -> int:
        return {Status.UNCOVERED: self.uncovered, Status.WEAK: self.weak, Status.ADEQUATE: self.adequate}[status]

    @property
    def covered(self) -> int:
        """Processes with at least one source (not uncovered)."""
        return self.processes - self.uncovered

    @property
    def assured(self) -> int:
        """Processes adequately assured."""
        return self.adequate

    @property
    def coverage(self) -> float:
        """The share adequately assured."""
        return round(self.assured / self.processes, 4) if self.processes else 0.0

    @property
    def covered_share(self) -> float:
        return round(self.covered / self.processes, 4) if self.processes else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"processes": self.processes, "uncovered": self.uncovered, "weak": self.weak,
                "adequate": self.adequate, "covered": self.covered, "assured": self.assured,
                "coverage": self.coverage, "covered_share": self.covered_share, "findings": self.findings}


@dataclass(frozen=True)
class Summary:
    findings: int
    by_rule: dict[str, int]  # every rule, in order, with 0 when it found nothing
    by_severity: dict[Severity, int]
    processes: int
    by_status: dict[Status, int]
    areas: dict[str, AreaSummary]  # by area name, in name order
    accepted: int = 0  # findings the panel has accepted, in force
    lapsed: int = 0  # findings whose acceptance has lapsed (they are open again)
    open_by_severity: dict[Severity, int] = field(default_factory=dict)

    @property
    def open(self) -> int:
        return self.findings - self.accepted

    def as_dict(self) -> dict[str, Any]:
        return {"findings": self.findings, "open": self.open, "accepted": self.accepted, "lapsed": self.lapsed,
                "by_rule": dict(self.by_rule),
                "by_severity": {s.value: n for s, n in self.by_severity.items()},
                "open_by_severity": {s.value: n for s, n in self.open_by_severity.items()},
                "processes": self.processes,
                "by_status": {s.value: n for s, n in self.by_status.items()},
                "areas": {name: a.as_dict() for name, a in self.areas.items()}}


def summarise(report: Report) -> Summary:
    by_rule = Counter(f.rule for f in report.findings)
    by_severity = Counter(f.severity for f in report.findings)
    by_status = Counter(a.status for a in report.assessments)
    per_area: dict[str, Counter[Status]] = {}
    for a in report.assessments:
        per_area.setdefault(a.area, Counter())[a.status] += 1
    findings = Counter(f.area for f in report.findings if f.area in per_area)
    areas = {name: AreaSummary(name, sum(c.values()), c[Status.UNCOVERED], c[Status.WEAK], c[Status.ADEQUATE],
                               findings[name])
             for name, c in sorted(per_area.items())}
    open_by_severity = Counter(f.severity for f in report.findings if f.is_open)
    return Summary(len(report.findings), {rule: by_rule[rule] for rule in RULES},
                   {s: by_severity[s] for s in Severity}, len(report.assessments),
                   {s: by_status[s] for s in Status}, areas,
                   accepted=sum(1 for f in report.findings if not f.is_open),
                   lapsed=sum(1 for f in report.findings if f.accepted and not f.accepted.in_force),
                   open_by_severity={s: open_by_severity[s] for s in Severity})
