"""A process's oversight chain in words: how each source's evidence travels up to the audit
panel, and where it stops."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import networkx as nx

from graphmodel.gaps.facts import MeetingFact
from graphmodel.gaps.reporting import reporting_chains
from graphmodel.schema import LINE_NAMES

ARROW = " \u2192 "  # →


@dataclass(frozen=True)
class Route:
    """One source and the meetings its evidence reaches."""

    source_id: str
    source: str
    line: int
    meetings: tuple[str, ...]  # names, in reporting order: the route to the panel, or all reached
    reaches_panel: bool
    meeting_ids: tuple[str, ...] = ()

    @property
    def last(self) -> str:
        """Where the evidence gets to: the last meeting reached, or the source itself."""
        return self.meeting_ids[-1] if self.meeting_ids else self.source_id

    @property
    def words(self) -> str:
        who = f"{self.source}, a {LINE_NAMES.get(self.line, f'line {self.line}')} source,"
        if self.reaches_panel:
            return f"{who} reports to {ARROW.join(self.meetings)}."
        if self.meetings:
            return f"{who} reports to {ARROW.join(self.meetings)}, which never reach the panel: no route to the panel."
        return f"{who} reports to no meeting: no route to the panel."


def _all(n: int) -> str:
    return "its only source" if n == 1 else "both its sources" if n == 2 else f"all {n} of its sources"


@dataclass(frozen=True)
class Chain:
    process_id: str
    routes: tuple[Route, ...]
    overseers: tuple[str, ...]  # meetings that oversee the process directly

    @property
    def breaks(self) -> bool:
        return not self.routes or any(not r.reaches_panel for r in self.routes)

    @property
    def summary(self) -> str:
        if not self.routes:
            return ("No source of assurance: nothing gives assurance over this process, so no evidence reaches "
                    "the panel.")
        lost = sum(1 for r in self.routes if not r.reaches_panel)
        n = len(self.routes)
        if not lost:
            return f"The evidence of {_all(n)} reaches the audit panel."
        if lost == n:
            return f"No route to the panel: the evidence of {_all(n)} never reaches the audit panel."
        return f"The chain breaks for {lost} of its {n} sources: no route to the panel."

    @property
    def lines(self) -> list[str]:
        out = [r.words for r in self.routes]
        if self.overseers:
            out.append(f"Overseen directly by {', '.join(self.overseers)}.")
        return out


def meeting_facts(g: nx.MultiDiGraph) -> dict[str, MeetingFact]:
    return {n: MeetingFact(n, d["node"].label, bool(d["node"].panel),
                           tuple(sorted(t for _, t, rel in g.out_edges(n, keys=True) if rel == "REPORTS_TO")))
            for n, d in g.nodes(data=True) if d["kind"] == "Meeting"}


def _reached(meetings: dict[str, MeetingFact], start: tuple[str, ...]) -> list[str]:
    """Every meeting reached up REPORTS_TO from `start`, nearest first."""
    seen: list[str] = []
    todo = deque(m for m in start if m in meetings)
    while todo:
        m = todo.popleft()
        if m in seen:
            continue
        seen.append(m)
        todo.extend(meetings[m].reports_to)
    return seen


def chain_of(g: nx.MultiDiGraph, process_id: str) -> Chain:
    """`g` is the whole map, so a route is never cut short by what a view leaves out."""
    meetings = meeting_facts(g)
    chains = reporting_chains(meetings.values())
    routes = []
    for sid in sorted(s for s, _, rel in g.in_edges(process_id, keys=True) if rel == "ASSURES"):
        source = g.nodes[sid]["node"]
        direct = tuple(sorted(t for _, t, rel in g.out_edges(sid, keys=True) if rel == "REPORTS_TO"))
        best = min((chains[m] for m in direct if m in chains), key=lambda c: (len(c), [x.id for x in c]), default=None)
        if best is not None:
            routes.append(Route(sid, source.label, source.line, tuple(m.name for m in best), True,
                                tuple(m.id for m in best)))
        else:
            reached = _reached(meetings, direct)
            routes.append(Route(sid, source.label, source.line, tuple(meetings[m].name for m in reached), False,
                                tuple(reached)))
    routes.sort(key=lambda r: (r.reaches_panel, r.line, r.source.lower(), r.source_id))
    overseers = tuple(sorted(g.nodes[m]["node"].label for m, _, rel in g.in_edges(process_id, keys=True)
                             if rel == "OVERSEES"))
    return Chain(process_id, tuple(routes), overseers)
