"""Direction of travel: what changed between a snapshot and a later state of the map (another
snapshot, or the map now at an as-of date).

What "improved" means, everywhere the same (docs/panel-cycle.md says it for users):
- a process: a better class (uncovered < weak < adequate); in the same class, a higher strength
  score as shown (two decimals); `new` when it was not in the earlier map, `removed` when it has
  gone;
- an area: a higher coverage (the share of its processes adequately assured); at equal coverage, a
  higher share covered at all (not uncovered);
- an action's RAG status: red < amber < green < blue (complete); grey (not started) and no status
  rank with amber, neither on track nor off it.
Anything else is `unchanged`.
"""
from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import networkx as nx

from ..errors import Conflict, Missing, Problem
from ..gaps.model import Assessment, Finding, Status
from ..gaps.policy import Policy
from ..gaps.summary import AreaSummary, summarise
from ..store.base import Store
from ..store.records import SnapshotInfo
from . import snapshots
from .snapshots import MapState


class Travel(enum.StrEnum):
    """The direction of travel of a process, an area or an action."""

    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"
    NEW = "new"
    REMOVED = "removed"

    @property
    def sign(self) -> str:
        """A mark that says the direction without colour, beside the word."""
        return _SIGNS[self]


_SIGNS = {Travel.IMPROVED: "↑", Travel.WORSENED: "↓", Travel.UNCHANGED: "→", Travel.NEW: "+", Travel.REMOVED: "×"}


CLASS_RANK = {Status.UNCOVERED: 0, Status.WEAK: 1, Status.ADEQUATE: 2}
RAG_RANK = {"red": 0, "amber": 1, "grey": 1, None: 1, "green": 2, "blue": 3}


def travel(*before_after: tuple[Any, Any]) -> Travel:
    """Compare (before, after) pairs of ranks in turn: the first that differs decides."""
    for before, after in before_after:
        if after > before:
            return Travel.IMPROVED
        if after < before:
            return Travel.WORSENED
    return Travel.UNCHANGED


@dataclass(frozen=True)
class ProcessChange:
    process_id: str
    name: str
    area: str
    before: Status | None  # None: not in the earlier map
    after: Status | None  # None: no longer in the map
    score_before: float | None
    score_after: float | None
    direction: Travel

    def as_dict(self) -> dict[str, Any]:
        return {"process_id": self.process_id, "name": self.name, "area": self.area,
                "before": self.before.value if self.before else None,
                "after": self.after.value if self.after else None,
                "score_before": _round(self.score_before, 6), "score_after": _round(self.score_after, 6),
                "direction": self.direction.value}


@dataclass(frozen=True)
class AreaChange:
    area: str
    coverage_before: float | None  # share adequately assured; None: no such area then
    coverage_after: float | None
    direction: Travel

    def as_dict(self) -> dict[str, Any]:
        return {"area": self.area, "coverage_before": self.coverage_before, "coverage_after": self.coverage_after,
                "direction": self.direction.value}


@dataclass(frozen=True)
class ActionChange:
    action_id: str
    title: str
    status_before: str | None  # the RAG status word, or None
    status_after: str | None
    direction: Travel

    def as_dict(self) -> dict[str, Any]:
        return {"action_id": self.action_id, "status_before": self.status_before, "status_after": self.status_after,
                "direction": self.direction.value}


@dataclass(frozen=True)
class FindingChanges:
    new: tuple[Finding, ...]  # found now, not before
    resolved: tuple[Finding, ...]  # found before, not now (as they were)
    persisting: tuple[Finding, ...]  # found both times (as they are now)

    def as_dict(self) -> dict[str, Any]:
        return {"new": [f.as_dict() for f in self.new], "resolved": [f.as_dict() for f in self.resolved],
                "persisting": [f.as_dict() for f in self.persisting]}


@dataclass(frozen=True)
class NodeChange:
    id: str
    kind: str
    label: str
    fields: tuple[str, ...] = ()  # fields whose values changed
    links_added: tuple[str, ...] = ()  # "S1 -ASSURES-> P1"
    links_removed: tuple[str, ...] = ()

    def as_dict(self, changed: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind, "label": self.label}
        if changed:
            data.update(fields=list(self.fields), links_added=list(self.links_added),
                        links_removed=list(self.links_removed))
        return data


@dataclass(frozen=True)
class NodeChanges:
    added: tuple[NodeChange, ...]
    removed: tuple[NodeChange, ...]
    changed: tuple[NodeChange, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"added": [n.as_dict() for n in self.added], "removed": [n.as_dict() for n in self.removed],
                "changed": [n.as_dict(changed=True) for n in self.changed]}


@dataclass(frozen=True)
class Changes:
    since: SnapshotInfo
    until: SnapshotInfo | None  # None: the map as it is now
    until_as_of: dt.date
    same_policy: bool  # whether both reports ran under the same policy
    processes: tuple[ProcessChange, ...]  # every process of either map, by area then id
    areas: tuple[AreaChange, ...]
    findings: FindingChanges
    actions: tuple[ActionChange, ...]  # every action of either map, by id
    nodes: NodeChanges

    def as_dict(self) -> dict[str, Any]:
        return {"since": {"name": self.since.name, "as_of": self.since.as_of.isoformat(),
                          "taken_at": self.since.taken_at.isoformat(timespec="seconds")},
                "until": {"name": self.until.name if self.until else None, "as_of": self.until_as_of.isoformat(),
                          "taken_at": self.until.taken_at.isoformat(timespec="seconds") if self.until else None,
                          "same_policy": self.same_policy},
                "processes": [p.as_dict() for p in self.processes], "areas": [a.as_dict() for a in self.areas],
                "findings": self.findings.as_dict(), "actions": [a.as_dict() for a in self.actions],
                "nodes": self.nodes.as_dict()}

    # -- lookups for the views and the paper ---------------------------------------
    @cached_property
    def _by_id(self) -> dict[str, dict[str, Any]]:
        return {"process": {p.process_id: p for p in self.processes}, "area": {a.area: a for a in self.areas},
                "action": {a.action_id: a for a in self.actions}}

    def process(self, process_id: str) -> ProcessChange | None:
        found: ProcessChange | None = self._by_id["process"].get(process_id)
        return found

    def area(self, area: str) -> AreaChange | None:
        found: AreaChange | None = self._by_id["area"].get(area)
        return found

    def action(self, action_id: str) -> ActionChange | None:
        found: ActionChange | None = self._by_id["action"].get(action_id)
        return found

    def moved(self) -> list[ProcessChange]:
        """Processes whose direction is anything but unchanged, worsened first."""
        order = [Travel.WORSENED, Travel.REMOVED, Travel.NEW, Travel.IMPROVED]
        return sorted((p for p in self.processes if p.direction in order),
                      key=lambda p: (order.index(p.direction), p.area, p.process_id))


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


# -- comparing two states ------------------------------------------------------------------
def between(store: Store, since: str | None, *, until: str | None = None, as_of: dt.date | None = None,
            policy: Policy | None = None, load: Callable[[Store, str], MapState] = snapshots.load,
            now: Callable[..., MapState] = snapshots.current) -> Changes:
    """Changes since the snapshot named `since` (by default the latest at or before the later
    state's date) until the snapshot named `until`, or the map now judged at `as_of` (default today)
    under `policy`. `load` and `now` read a snapshot and the map now (a server passes its caches)."""
    after = load(store, until) if until is not None else None  # a snapshot it names must exist (NotFound)
    if after is not None and as_of is not None and as_of != after.as_of:
        raise Conflict(f"snapshot {after.name!r} was judged as of {after.as_of.isoformat()}, not "
                       f"{as_of.isoformat()}: give `until` or `as_of`, or the snapshot's own date")
    after = after or now(store, as_of=as_of, policy=policy)
    if since is None:
        info = snapshots.latest(store, after.as_of, besides=after.info)
        if info is None:
            raise Missing([Problem(f"no earlier snapshot to compare with (as of {after.as_of.isoformat()} or "
                                           "before): take one with `assurance-map snapshot save NAME`", "changes",
                                           field="since")])
        since = info.name
    before = load(store, since)
    if before.as_of > after.as_of:  # not in the history up to the later state: as if it were not there
        raise Missing([Problem(f"snapshot {before.name!r} is as of {before.as_of.isoformat()}, after "
                               f"{after.as_of.isoformat()}: compare a snapshot with a later state",
                               "changes", field="since", value=since)])
    return compare(before, after)


def compare(since: MapState, until: MapState) -> Changes:
    """What changed from `since` (a snapshot) to `until` (a later snapshot, or the map now)."""
    if since.info is None:
        raise ValueError("the earlier state must be a snapshot")
    return Changes(since.info, until.info, until.as_of, since.report.policy == until.report.policy,
                   _processes(since.report.assessments, until.report.assessments),
                   _areas(summarise(since.report).areas, summarise(until.report).areas),
                   _findings(since.report.findings, until.report.findings),
                   _actions(since.graph, until.graph), _nodes(since.graph, until.graph))


def _processes(before: Iterable[Assessment], after: Iterable[Assessment]) -> tuple[ProcessChange, ...]:
    was, now = {a.process_id: a for a in before}, {a.process_id: a for a in after}
    out = []
    for pid in was.keys() | now.keys():
        b, a = was.get(pid), now.get(pid)
        if b is None or a is None:
            direction = Travel.NEW if b is None else Travel.REMOVED
        else:
            direction = travel((CLASS_RANK[b.status], CLASS_RANK[a.status]), (round(b.score, 2), round(a.score, 2)))
        seen = a or b
        assert seen is not None
        out.append(ProcessChange(pid, seen.name, seen.area, b.status if b else None, a.status if a else None,
                                 b.score if b else None, a.score if a else None, direction))
    return tuple(sorted(out, key=lambda p: (p.area, p.process_id)))


def _areas(before: Mapping[str, AreaSummary], after: Mapping[str, AreaSummary]) -> tuple[AreaChange, ...]:
    out = []
    for area in sorted(before.keys() | after.keys()):
        b, a = before.get(area), after.get(area)
        if b is None or a is None:
            direction = Travel.NEW if b is None else Travel.REMOVED
        else:
            direction = travel((b.coverage, a.coverage), (b.covered_share, a.covered_share))
        out.append(AreaChange(area, b.coverage if b else None, a.coverage if a else None, direction))
    return tuple(out)


def _findings(before: Iterable[Finding], after: Iterable[Finding]) -> FindingChanges:
    was, now = {f.key: f for f in before}, {f.key: f for f in after}
    return FindingChanges(tuple(f for k, f in now.items() if k not in was),
                          tuple(f for k, f in was.items() if k not in now),
                          tuple(f for k, f in now.items() if k in was))


def _of_kind(g: nx.MultiDiGraph, kind: str) -> dict[str, Any]:
    return {n: d["node"] for n, d in g.nodes(data=True) if d["kind"] == kind}


def _actions(before: nx.MultiDiGraph, after: nx.MultiDiGraph) -> tuple[ActionChange, ...]:
    was, now = _of_kind(before, "Action"), _of_kind(after, "Action")
    out = []
    for aid in sorted(was.keys() | now.keys()):
        b, a = was.get(aid), now.get(aid)
        if b is None or a is None:
            direction = Travel.NEW if b is None else Travel.REMOVED
        else:
            direction = travel((RAG_RANK[b.status], RAG_RANK[a.status]))
        out.append(ActionChange(aid, (now.get(aid) or was[aid]).title, b.status if b else None,
                                a.status if a else None, direction))
    return tuple(out)


def _link(s: str, rel: str, t: str, note: str | None) -> str:
    return f"{s} -{rel}-> {t}" + (f" ({note})" if note else "")


def _nodes(before: nx.MultiDiGraph, after: nx.MultiDiGraph) -> NodeChanges:
    def item(g: nx.MultiDiGraph, n: str) -> NodeChange:
        node = g.nodes[n]["node"]
        return NodeChange(n, node.kind, node.label)

    def links(g: nx.MultiDiGraph) -> set[tuple[str, str, str, str | None]]:
        return {(s, k, t, d["edge"].note) for s, t, k, d in g.edges(keys=True, data=True)}

    def by_end(edges: set[tuple[str, str, str, str | None]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for e in edges:
            out[e[0]].append(_link(*e))
            out[e[2]].append(_link(*e))
        return out

    added = [item(after, n) for n in sorted(set(after) - set(before))]
    removed = [item(before, n) for n in sorted(set(before) - set(after))]
    was, now = links(before), links(after)
    gained, lost = by_end(now - was), by_end(was - now)
    changed = []
    for n in sorted(set(before) & set(after)):
        old, new = before.nodes[n]["node"], after.nodes[n]["node"]
        fields = tuple(k for k in type(new).model_fields if getattr(old, k, None) != getattr(new, k, None)) \
            if old.kind == new.kind else ("kind",)
        plus, minus = tuple(sorted(gained.get(n, ()))), tuple(sorted(lost.get(n, ())))
        if fields or plus or minus:
            changed.append(NodeChange(n, new.kind, new.label, fields, plus, minus))
    return NodeChanges(tuple(added), tuple(removed), tuple(changed))
