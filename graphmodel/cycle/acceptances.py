"""Accepting a gap and withdrawing the acceptance; and what each acceptance kept amounts to at a date.

How an acceptance marks a report, and when it lapses, is graphmodel/gaps/accepted.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..audit import Change
from ..errors import Missing, Problem, ValidationError
from ..gaps import RULES, Finding, Policy, Report, analyse
from ..gaps.accepted import store_evidence
from ..store.base import Store
from ..store.records import Acceptance

DUE_WITHIN_DAYS = 92  # an acceptance is due for review when its review date is this close: a quarter


def rule_id(rule: str) -> str:
    found = rule.strip().upper()
    if found not in RULES:
        raise ValidationError([Problem(f"unknown rule; expected one of {', '.join(RULES)}", "rule", value=rule)])
    return found


def accept(store: Store, rule: str, node_id: str, *, by: str, reason: str, review: dt.date,
           on: dt.date | None = None, policy: Policy | None = None,
           change: Change | None = None) -> tuple[Acceptance, Acceptance | None]:
    """Accept the rule's finding about a node until `review` (it must hold on `on`, default today);
    the acceptance keeps a fingerprint of the node's evidence. Returns it and the one it replaced.
    A finding that does not hold is an error that says why."""
    on = on or dt.date.today()
    rule = rule_id(rule)
    where = f"acceptance of {rule} for {node_id!r}"
    node = store.get_node(node_id)  # what it names first: a finding that is not there is Missing
    if node is None:
        raise Missing([Problem("no node has this id, so there is no finding to accept", where, None,
                               "node_id", node_id)])
    report = analyse(store, as_of=on, policy=policy)
    if not any(f.key == (rule, node_id) for f in report.findings):
        raise Missing([Problem(_not_found(report, rule, node.kind, node_id), where, None, "rule", rule)])
    if review <= on:
        raise ValidationError([Problem(f"the review date must be after the date of acceptance, {on.isoformat()}",
                                       where, None, "review", review.isoformat())])
    evidence = store_evidence(store)(node_id) or ""
    acceptance = Acceptance(rule, node_id, by, reason, review, on, evidence)
    return acceptance, store.save_acceptance(acceptance, change)


def _not_found(report: Report, rule: str, kind: str, node_id: str) -> str:
    held = [f.rule for f in report.findings if f.node_id == node_id]
    if RULES[rule].kind != kind:
        why = f"{rule} ({RULES[rule].title}) is about {RULES[rule].kind} nodes and {node_id!r} is a {kind}"
    else:
        why = f"{rule} ({RULES[rule].title}) does not hold for {node_id!r} on {report.as_of.isoformat()}"
    return f"there is no such finding to accept: {why}; " + (
        f"its findings then: {', '.join(held)}" if held else "it has no findings then")


def unaccept(store: Store, rule: str, node_id: str, change: Change | None = None) -> Acceptance:
    """Withdraw an acceptance; NotFound if there is none."""
    return store.delete_acceptance(rule.strip().upper(), node_id, change)


@dataclass(frozen=True)
class Kept:
    """One acceptance kept by the store, and what it amounts to in a report: the finding it marks
    (in force or lapsed), or none when its finding no longer holds or it was made after the report's
    date."""

    acceptance: Acceptance
    finding: Finding | None
    as_of: dt.date

    @property
    def state(self) -> str:
        if self.acceptance.on > self.as_of:
            return "not yet made"
        if self.finding is None or self.finding.accepted is None:
            return "finding resolved"
        return "in force" if self.finding.accepted.in_force else "lapsed"

    @property
    def lapsed(self) -> str | None:
        a = self.finding.accepted if self.finding else None
        return a.lapsed if a else None

    def due(self, within_days: int = DUE_WITHIN_DAYS) -> bool:
        """In force, with its review date within `within_days` of the report's date."""
        return self.state == "in force" and (self.acceptance.review - self.as_of).days <= within_days

    def as_dict(self) -> dict[str, Any]:
        a = self.acceptance
        return {"rule": a.rule, "node_id": a.node_id, "label": self.finding.label if self.finding else None,
                "by": a.by, "reason": a.reason, "review": a.review.isoformat(), "on": a.on.isoformat(),
                "state": self.state, "lapsed": self.lapsed, "due_for_review": self.due()}


def kept(store: Store, report: Report) -> list[Kept]:
    """Every acceptance the store keeps, judged by the report (which analyse marked)."""
    findings = {f.key: f for f in report.findings}
    return [Kept(a, findings.get(a.key), report.as_of) for a in store.list_acceptances()]
