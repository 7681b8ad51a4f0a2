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
class Accepted:
    """The panel's acceptance of a finding as it stands at the report's date: in force, or lapsed
    (at its review date, or because the evidence changed) and then the finding is open again."""

    by: str
    reason: str
    review: dt.date
    on: dt.date
    lapsed: str | None = None  # why it no longer holds, in words; None while in force

    @property
    def in_force(self) -> bool:
        return self.lapsed is None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"by": self.by, "reason": self.reason, "review": self.review.isoformat(),
                                "on": self.on.isoformat()}
        return data if self.in_force else {**data, "why": self.lapsed}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Accepted:
        return cls(data["by"], data["reason"], dt.date.fromisoformat(data["review"]),
                   dt.date.fromisoformat(data["on"]), data.get("why"))

    def words(self) -> str:
        """One line for tables and papers."""
        said = f"accepted by {self.by} on {self.on.isoformat()} until {self.review.isoformat()}: {self.reason}"
        return said if self.in_force else f"acceptance lapsed ({self.lapsed}); it was {said}"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str  # "G1" .. "G10"
    node_id: str
    kind: str  # node kind the rule reports
    severity: Severity
    reasons: tuple[str, ...]  # plain words naming the evidence
    label: str = ""  # the node's name or title, for people
    area: str | None = None  # for Process findings
    accepted: Accepted | None = None  # the panel's acceptance, in force or lapsed

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.node_id)

    @property
    def is_open(self) -> bool:
        """Not accepted, or its acceptance has lapsed."""
        return self.accepted is None or not self.accepted.in_force

    def as_dict(self) -> dict[str, Any]:
        a = self.accepted
        return {"rule": self.rule, "node_id": self.node_id, "kind": self.kind, "severity": self.severity.value,
                "reasons": list(self.reasons), "label": self.label, "area": self.area,
                "accepted": a.as_dict() if a and a.in_force else None,
                "lapsed": a.as_dict() if a and not a.in_force else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        held = data.get("accepted") or data.get("lapsed")
        return cls(data["rule"], data["node_id"], data["kind"], Severity(data["severity"]), tuple(data["reasons"]),
                   data.get("label") or "", data.get("area"), Accepted.from_dict(held) if held else None)


@dataclass(frozen=True, slots=True)
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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceScore:
        last = data.get("last_assured")
        return cls(data["source_id"], data["name"], data["line"], data["opinion"], data["line_weight"],
                   data["opinion_factor"], data["recency"], data["recency_factor"],
                   dt.date.fromisoformat(last) if last else None, data.get("frequency"), data.get("reporting") or "")


@dataclass(frozen=True, slots=True)
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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Assessment:
        return cls(data["process_id"], data["name"], data["area"], Status(data["status"]), data["score"],
                   tuple(data["rules"]), tuple(SourceScore.from_dict(s) for s in data.get("sources") or ()))


@dataclass(frozen=True)
class Report:
    as_of: dt.date
    policy: dict[str, Any]  # the effective policy, as shown to the user
    findings: tuple[Finding, ...]
    assessments: tuple[Assessment, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """The report again from its JSON form (graphmodel.gaps.render.report_json with explain, as a
        snapshot keeps it)."""
        return cls(dt.date.fromisoformat(data["as_of"]), data["policy"],
                   tuple(Finding.from_dict(f) for f in data["findings"]),
                   tuple(Assessment.from_dict(a) for a in data["assessments"]))
