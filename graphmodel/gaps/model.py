"""What gap analysis returns: findings, per-process assessments and the report around them."""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Status(enum.StrEnum):
    """How well a Process is assured."""

    UNCOVERED = "uncovered"  # G1 holds
    WEAK = "weak"  # any of G2-G6 holds, G1 does not
    ADEQUATE = "adequate"  # no rule holds


@dataclass(frozen=True)
class Finding:
    rule: str  # "G1" .. "G10"
    node_id: str
    kind: str  # node kind the rule reports
    severity: Severity
    reasons: tuple[str, ...]  # plain words naming the evidence
    label: str = ""  # the node's name or title, for people
    area: str | None = None  # for Process findings

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "node_id": self.node_id, "kind": self.kind, "severity": self.severity.value,
                "reasons": list(self.reasons), "label": self.label, "area": self.area}


@dataclass(frozen=True)
class SourceScore:
    """One source's contribution to a Process's strength score."""

    source_id: str
    name: str
    line: int
    opinion: str
    line_weight: float
    opinion_factor: float
    recency: str  # "current", "due", "stale" or "undated"
    recency_factor: float
    last_assured: dt.date | None = None
    frequency: str | None = None
    reporting: str = ""  # the meetings it reports to, up to the audit panel when there is a route

    @property
    def value(self) -> float:
        return self.line_weight * self.opinion_factor * self.recency_factor

    def as_dict(self) -> dict[str, Any]:
        return {"source_id": self.source_id, "name": self.name, "line": self.line, "opinion": self.opinion,
                "last_assured": self.last_assured.isoformat() if self.last_assured else None,
                "frequency": self.frequency, "recency": self.recency, "line_weight": self.line_weight,
                "opinion_factor": self.opinion_factor, "recency_factor": self.recency_factor,
                "value": round(self.value, 6), "reporting": self.reporting}


@dataclass(frozen=True)
class Assessment:
    """A Process's class and strength score, with the arithmetic behind the score."""

    process_id: str
    name: str
    area: str
    status: Status
    score: float  # in [0, 1]
    rules: tuple[str, ...]  # the rules that hold for it
    sources: tuple[SourceScore, ...] = field(default=())

    @property
    def explanation(self) -> str:
        if not self.sources:
            return "no sources: score 0"
        terms = " x ".join(f"(1 - {s.value:.3f})" for s in self.sources)
        return f"score = 1 - {terms} = {self.score:.3f}"

    def source_lines(self) -> list[str]:
        """One line per source: the factors that make its contribution."""
        return [f"{s.name}: line {s.line} weight {s.line_weight:g} x {s.opinion} {s.opinion_factor:g}"
                f" x {s.recency} {s.recency_factor:g} = {s.value:.3f}"
                + (f"; reports to {s.reporting}" if s.reporting else "; reports to no meeting")
                for s in self.sources]

    def as_dict(self, explain: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"process_id": self.process_id, "name": self.name, "area": self.area,
                                "status": self.status.value, "score": round(self.score, 6),
                                "rules": list(self.rules)}
        if explain:
            data["sources"] = [s.as_dict() for s in self.sources]
            data["explanation"] = self.explanation
        return data


@dataclass(frozen=True)
class Report:
    as_of: dt.date
    policy: dict[str, Any]  # the effective policy, as shown to the user
    findings: tuple[Finding, ...]
    assessments: tuple[Assessment, ...]
