"""Running the rules: findings, each Process's class and strength score."""
from __future__ import annotations

import datetime as dt
import gc
import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..errors import Missing, Problem, UnknownArea, ValidationError
from .accepted import judge, store_evidence
from .facts import Context, GapFacts, MeetingFact, Overlay, ProcessFact, SourceFact
from .model import Assessment, Finding, Report, SourceScore, Status
from .policy import Policy
from .reporting import reporting_chains, reporting_text
from .rule import Rule
from .rules import RULES

if TYPE_CHECKING:
    from ..store.base import Store


def select_rules(rules: Iterable[str] | None) -> list[Rule]:
    """The named rules in their standard order; unknown ids are an error naming them. An entry may
    name several, comma-separated ("G1,G3"), as on the command line."""
    if rules is None:
        return list(RULES.values())
    wanted = {part.strip().upper() for r in rules for part in r.split(",") if part.strip()}
    unknown = sorted(wanted - set(RULES))
    if unknown:
        raise ValidationError([Problem(f"unknown rule; expected one of {', '.join(RULES)}", "rule", value=r)
                               for r in unknown])
    return [rule for rule in RULES.values() if rule.id in wanted]


def analyse(store: Store, *, as_of: dt.date | None = None, policy: Policy | None = None,
            rules: Iterable[str] | None = None, area: str | None = None, overlay: Overlay | None = None) -> Report:
    """Findings of the chosen rules (all by default) and every Process's class and score, with the
    panel's acceptances marked (see accepted.py).

    Classes always use every rule that classifies, whichever rules are chosen for the findings.
    With `area`, only that area's Processes are looked at, with the rules that can be narrowed to
    one area (their `by_area`): asking for another rule by name is an error, and so is an area no
    Process has (UnknownArea).
    """
    chosen = select_rules(rules)
    if area is not None and rules is not None and (whole := [r.id for r in chosen if not r.by_area]):
        raise Missing([Problem(f"rule {r} is about the whole map ({RULES[r].kind} nodes have no area), so it "
                                       "cannot be narrowed to an area; ask for it without an area", "rule", value=r)
                               for r in whole])
    ctx = Context(as_of or dt.date.today(), policy or Policy(), overlay or Overlay(), area)
    with _collector_paused():
        report = _analyse(store.gap_facts(ctx), chosen, ctx)
    return judge(report, store.list_acceptances(), store_evidence(store))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The analysis makes many small objects and no cycles; on a large map the cyclic collector's
    passes over the whole store graph would otherwise cost as much as the analysis itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _analyse(facts: GapFacts, chosen: list[Rule], ctx: Context) -> Report:
    processes = facts.processes()
    if ctx.area is not None and not processes:
        raise UnknownArea(ctx.area, facts.areas())
    needed = [r for r in RULES.values() if (r in chosen or r.classifies) and (ctx.area is None or r.by_area)]
    hits = {rule.id: facts.hits(rule) for rule in needed}

    findings = sorted(
        (Finding(rule.id, hit.node_id, rule.kind, ctx.policy.severity(rule.id), tuple(rule.explain(hit, ctx)),
                 hit.label, hit.area)
         for rule in chosen if rule.id in hits for hit in hits[rule.id]),
        key=lambda f: (_order(f.rule), f.node_id))

    holding: dict[str, list[Rule]] = {}
    for rule in needed:
        if rule.classifies:
            for hit in hits[rule.id]:
                holding.setdefault(hit.node_id, []).append(rule)
    meetings = {m.id: m for m in facts.meetings()}
    scores = SourceScores(ctx, meetings, reporting_chains(meetings.values()))
    assessments = tuple(assess(p, holding.get(p.id, []), scores) for p in sorted(processes, key=lambda p: p.id))
    return Report(ctx.as_of, ctx.policy.as_dict(), tuple(findings), assessments)


def _order(rule_id: str) -> int:
    return list(RULES).index(rule_id)


class SourceScores:
    """Each source's contribution, worked out once per analysis however many processes it assures."""

    def __init__(self, ctx: Context, meetings: Mapping[str, MeetingFact],
                 chains: Mapping[str, tuple[MeetingFact, ...]]):
        self.ctx, self.meetings, self.chains = ctx, meetings, chains
        self._done: dict[str, SourceScore] = {}

    def __getitem__(self, s: SourceFact) -> SourceScore:
        found = self._done.get(s.id)
        if found is None:
            p, recency = self.ctx.policy, self.ctx.recency(s)
            found = self._done[s.id] = SourceScore(
                s.id, s.name, s.line, s.opinion, p.line_weights[s.line], p.opinion_factors[s.opinion], recency,
                p.recency_factors[recency], s.last_assured, s.frequency, reporting_text(s, self.meetings, self.chains))
        return found


_WORST_FIRST = tuple(Status)  # uncovered, weak, adequate


def assess(process: ProcessFact, holding: Iterable[Rule], scores: SourceScores) -> Assessment:
    """The worst class any holding rule gives (adequate when none holds); score = 1 - prod(1 - line x
    opinion x recency) over its sources."""
    contributions = tuple(scores[s] for s in process.sources)
    score = 1.0 - math.prod(1.0 - c.value for c in contributions) if contributions else 0.0
    held = sorted(holding, key=lambda r: _order(r.id))
    status = min((r.classifies for r in held if r.classifies), key=_WORST_FIRST.index, default=Status.ADEQUATE)
    return Assessment(process.id, process.name, process.area, status, score, tuple(r.id for r in held),
                      contributions)
