"""Running the rules: findings, each Process's class and strength score."""
from __future__ import annotations

import datetime as dt
import gc
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..errors import Missing, NotFound, Problem, UnknownArea, ValidationError
from .accepted import judge, store_evidence
from .facts import Context, GapFacts, Hit, Overlay, ProcessFact, SourceFact
from .model import Assessment, Finding, Report, SourceScore, Status
from .policy import Policy
from .reporting import Routes
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
            rules: Iterable[str] | None = None, area: str | None = None, node: str | None = None,
            overlay: Overlay | None = None) -> Report:
    """Findings of the chosen rules (all by default) and every Process's class and score, with the
    panel's acceptances marked (see accepted.py).

    Classes always use every rule that classifies, whichever rules are chosen for the findings.
    With `area`, only that area's Processes are looked at, with the rules that can be narrowed to
    one area (their `by_area`): asking for another rule by name is an error, and so is an area no
    Process has (UnknownArea). With `node`, the report holds that node's findings, and its class
    and score when it is a Process (NotFound when no node has the id); the store gathers only the
    facts about that node and what it touches.
    """
    chosen = select_rules(rules)
    if area is not None and rules is not None and (whole := [r.id for r in chosen if not r.by_area]):
        raise Missing([Problem(f"rule {r} is about the whole map ({RULES[r].kind} nodes have no area), so it "
                                       "cannot be narrowed to an area; ask for it without an area", "rule", value=r)
                               for r in whole])
    if node is not None and not store.kinds([node]):
        raise NotFound(f"node {node!r}")
    ctx = Context(as_of or dt.date.today(), policy or Policy(), overlay or Overlay(), area, node)
    with collector_paused():
        report = _analyse(store.gap_facts(ctx), chosen, ctx)
    return judge(report, store.list_acceptances(), store_evidence(store))


@contextmanager
def collector_paused() -> Iterator[None]:
    """For work that makes many small objects and no cycles (an analysis, a report's JSON): on a
    large map the cyclic collector's passes over the whole store graph held in memory would
    otherwise cost as much as the work itself."""
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
    hits: dict[str, list[Hit]] = {rule.id: list(rule.check(facts, ctx)) for rule in needed}
    if ctx.node is not None:
        hits = {rule_id: [h for h in found if h.node_id == ctx.node] for rule_id, found in hits.items()}
        processes = [p for p in processes if p.id == ctx.node]

    findings = []
    for rule in chosen:
        severity = ctx.policy.severity(rule.id)
        findings += [Finding(rule.id, hit.node_id, rule.kind, severity, tuple(rule.explain(hit, ctx)), hit.label,
                             hit.area) for hit in hits.get(rule.id, ())]
    order = {rule_id: i for i, rule_id in enumerate(RULES)}
    findings.sort(key=lambda f: (order[f.rule], f.node_id))

    holding: dict[str, list[Rule]] = {}
    for rule in needed:  # in the standard order, so each process's rules are too
        if rule.classifies:
            for hit in hits[rule.id]:
                holding.setdefault(hit.node_id, []).append(rule)
    scores = SourceScores(ctx, facts.routes() if processes else Routes(()))
    assessments = tuple(assess(p, holding.get(p.id, ()), scores) for p in processes)  # processes come by id
    return Report(ctx.as_of, ctx.policy.as_dict(), tuple(findings), assessments)


class SourceScores:
    """Each source's contribution, worked out once per analysis however many processes it assures."""

    def __init__(self, ctx: Context, routes: Routes):
        self.ctx, self.routes = ctx, routes
        self._done: dict[str, SourceScore] = {}

    def of(self, sources: Iterable[SourceFact]) -> tuple[SourceScore, ...]:
        done = self._done
        return tuple([done.get(s.id) or self._score(s) for s in sources])

    def _score(self, s: SourceFact) -> SourceScore:
        p, recency = self.ctx.policy, self.ctx.recency(s)
        found = self._done[s.id] = SourceScore(
            s.id, s.name, s.line, s.opinion, p.line_weights[s.line], p.opinion_factors[s.opinion], recency,
            p.recency_factors[recency], s.last_assured, s.frequency, self.routes.text(s.meetings))
        return found


_WORST_FIRST = tuple(Status)  # uncovered, weak, adequate


def assess(process: ProcessFact, holding: Sequence[Rule], scores: SourceScores) -> Assessment:
    """The worst class any holding rule gives (adequate when none holds); score = 1 - prod(1 - line x
    opinion x recency) over its sources. `holding` comes in the rules' standard order."""
    contributions = scores.of(process.sources)
    score = 1.0 - math.prod([1.0 - c.value for c in contributions]) if contributions else 0.0
    status = min((r.classifies for r in holding if r.classifies), key=_WORST_FIRST.index) if holding \
        else Status.ADEQUATE
    return Assessment(process.id, process.name, process.area, status, score, tuple(r.id for r in holding),
                      contributions)
