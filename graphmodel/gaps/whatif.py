"""What-if: how classes and coverage would change if sources were withdrawn or their
opinions replaced. The store is never touched: the change is a query-time overlay."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import Missing, Problem, ValidationError
from ..schema import OPINIONS
from ..store.base import Store
from .analysis import analyse
from .facts import Overlay
from .model import Report, Status
from .policy import Policy
from .summary import summarise


@dataclass(frozen=True)
class ClassChange:
    process_id: str
    name: str
    area: str
    before: Status
    after: Status
    score_before: float
    score_after: float

    def as_dict(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "name": self.name, "area": self.area, "before": self.before.value,
                "after": self.after.value, "score_before": round(self.score_before, 6),
                "score_after": round(self.score_after, 6)}


@dataclass(frozen=True)
class AreaChange:
    area: str
    processes: int
    coverage_before: float  # share adequately assured
    coverage_after: float
    covered_before: int  # processes not uncovered
    covered_after: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class WhatIf:
    withdraw: tuple[str, ...]
    opinions: Mapping[str, str]
    changes: tuple[ClassChange, ...]  # the processes whose class changes
    areas: tuple[AreaChange, ...]
    before: Report
    after: Report

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.before.as_of.isoformat(), "withdraw": list(self.withdraw),
                "opinions": dict(self.opinions), "changes": [c.as_dict() for c in self.changes],
                "areas": [a.as_dict() for a in self.areas]}


def _overlay(store: Store, withdraw: Iterable[str], opinions: Mapping[str, str]) -> Overlay:
    """Check the ids name assurance sources and the opinions are known words."""
    withdraw = tuple(dict.fromkeys(withdraw))
    replaced = {sid: str(op).strip().lower() for sid, op in opinions.items()}
    kinds = store.kinds(set(withdraw) | set(replaced))
    missing = []
    for sid in (*withdraw, *replaced):
        if kinds.get(sid) != "AssuranceSource":
            found = f"it is a {kinds[sid]}" if sid in kinds else "no node has this id"
            missing.append(Problem(f"not an assurance source: {found}", "AssuranceSource", sid))
    if missing:
        raise Missing(missing)
    problems = []
    for sid, op in replaced.items():
        if op not in OPINIONS:
            problems.append(Problem(f"unknown opinion; expected one of {', '.join(OPINIONS)}", "AssuranceSource",
                                    sid, "opinion", opinions[sid]))
    if problems:
        raise ValidationError(problems)
    return Overlay(frozenset(withdraw), replaced)


def what_if(store: Store, *, withdraw: Iterable[str] = (), opinions: Mapping[str, str] = {},
            as_of: dt.date | None = None, policy: Policy | None = None) -> WhatIf:
    """Classes and per-area coverage now and with the change, without writing anything."""
    overlay = _overlay(store, withdraw, opinions)
    as_of = as_of or dt.date.today()
    before = analyse(store, as_of=as_of, policy=policy, rules=())
    after = analyse(store, as_of=as_of, policy=policy, rules=(), overlay=overlay)
    was = {a.process_id: a for a in before.assessments}
    changes = tuple(ClassChange(a.process_id, a.name, a.area, was[a.process_id].status, a.status,
                                was[a.process_id].score, a.score)
                    for a in after.assessments if a.status != was[a.process_id].status)
    then, now = summarise(before).areas, summarise(after).areas
    areas = tuple(AreaChange(area, old.processes, old.coverage, now[area].coverage, old.covered, now[area].covered)
                  for area, old in then.items())
    return WhatIf(tuple(sorted(overlay.withdraw)), dict(sorted(overlay.opinions.items())), changes, areas,
                  before, after)
