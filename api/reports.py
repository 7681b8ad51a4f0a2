"""Gap-report response models and the policy a request runs under."""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import Request
from pydantic import BaseModel, Field

from graphmodel.gaps import Policy


class FindingOut(BaseModel):
    rule: str = Field(examples=["G2"])
    node_id: str
    kind: str
    severity: Literal["high", "medium", "low"]
    reasons: list[str] = Field(examples=[["only line 1 sources: Monthly supervisor spot checks"]])
    label: str = ""
    area: str | None = None


class SourceScoreOut(BaseModel):
    source_id: str
    name: str
    line: int
    opinion: str
    last_assured: dt.date | None = None
    frequency: str | None = None
    recency: str
    line_weight: float
    opinion_factor: float
    recency_factor: float
    value: float
    reporting: str = ""


class AssessmentOut(BaseModel):
    process_id: str
    name: str
    area: str
    status: Literal["uncovered", "weak", "adequate"]
    score: float = Field(ge=0, le=1)
    rules: list[str]
    sources: list[SourceScoreOut] | None = Field(None, description="With explain=true: each source's factors.")
    explanation: str | None = Field(None, description="With explain=true: the arithmetic behind the score.")


class GapReportOut(BaseModel):
    as_of: dt.date
    policy: dict[str, Any] = Field(description="The effective policy the rules ran under.")
    findings: list[FindingOut]
    summary: dict[str, Any] = Field(description="Counts per rule, severity, class and area, with coverage.")
    assessments: list[AssessmentOut]


class RuleOut(BaseModel):
    id: str
    title: str
    description: str
    kind: str
    severity: Literal["high", "medium", "low"]


class GapQuery(BaseModel):
    as_of: dt.date | None = Field(None, description="Judge at this date (default today).")
    rules: list[str] | None = Field(None, examples=[["G1", "G3"]], description="Only these rules.")
    area: str | None = None
    explain: bool = False
    policy: dict[str, Any] | None = Field(None, description="Settings overriding the defaults (see GET /gaps/policy).")


class WhatIfQuery(BaseModel):
    withdraw: list[str] = Field(default_factory=list, description="Assurance sources to take away.")
    opinions: dict[str, str] = Field(default_factory=dict, examples=[{"S-IA-VET": "limited"}],
                                     description="New opinions for assurance sources.")
    as_of: dt.date | None = None
    policy: dict[str, Any] | None = None


class ClassChangeOut(BaseModel):
    process_id: str
    name: str
    area: str
    before: str
    after: str
    score_before: float
    score_after: float


class AreaChangeOut(BaseModel):
    area: str
    processes: int
    coverage_before: float
    coverage_after: float
    covered_before: int
    covered_after: int


class WhatIfOut(BaseModel):
    as_of: dt.date
    withdraw: list[str]
    opinions: dict[str, str]
    changes: list[ClassChangeOut]
    areas: list[AreaChangeOut]


def policy_for(request: Request, given: dict[str, Any] | None = None) -> Policy | None:
    """The request's own policy, else the server's policy file, else the defaults (None)."""
    if given is not None:
        return Policy.from_dict(given, "policy")
    path = request.app.state.settings.policy
    return Policy.load(path) if path else None
