"""The facts gap analysis works from, gathered in bulk from either store.

`GraphFacts` reads the embedded store's graph in one linear pass; `CypherFacts` asks
Neo4j with one query per rule (plus one for the processes' sources and one for the
meetings). Both return the same domain objects, so reasons, classes and scores are
computed by the same Python code whatever the store.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import networkx as nx
from dateutil.relativedelta import relativedelta

from ..schema import SCHEMA
from ..values import same_area
from .policy import Policy

if TYPE_CHECKING:
    from ..store.base import Store
    from ..store.neo4j import Neo4jStore
    from .rules import Rule

INDEPENDENT_LINES = (3, 4)
NEGATIVE_OPINIONS = ("limited", "none")
# Worst first: among equally recent independent sources the worse opinion stands.
OPINION_RANK = {"none": 0, "limited": 1, "unrated": 2, "reasonable": 3, "substantial": 4}

_PATTERN_NAME = re.compile(r"[(\[]\s*\w*\s*:\s*(\w+)")
_SCHEMA_NAMES = frozenset(SCHEMA.node_names) | frozenset(SCHEMA.edge_names)


def cypher(query: str) -> str:
    """A query whose labels and relationship types are all schema names (checked at import)."""
    unknown = {name for name in _PATTERN_NAME.findall(query) if name not in _SCHEMA_NAMES}
    if unknown:
        raise ValueError(f"not in the schema: {', '.join(sorted(unknown))}")
    return query.strip()


# Cypher fragments shared by the queries; `x` names a source map or node.
# Patterns label only their starting node: the schema already fixes the kind at the
# far end of each relationship type, and an extra label there can lead the planner
# to scan that label and join, which is quadratic on large maps. For the same reason
# existence checks and pattern comprehensions filter withdrawn sources out of an
# expanded list rather than in their own WHERE, where the planner may choose an
# index scan per process.
AREA = "($area IS NULL OR toLower(p.area) = $area)"
SOURCE_MAP = ("{id: s.id, name: s[$labels.AssuranceSource], line: s.line, "
              "opinion: coalesce($opinions[s.id], s.opinion, 'unrated'), "
              "last_assured: s.last_assured, frequency: s.frequency}")
_N = "toInteger(split(x.frequency, ' ')[0])"
STALE = (f"(x.last_assured IS NULL OR duration.inDays(x.last_assured, $as_of).days > $multiplier * "
         f"coalesce($frequency_days[x.frequency], "
         f"CASE WHEN x.frequency =~ '[0-9]{{1,6}} per annum' AND {_N} > 0 THEN $year_days / toFloat({_N}) END, "
         f"$frequency_days.adhoc))")


@dataclass(frozen=True)
class Overlay:
    """Hypothetical changes for what-if: sources withdrawn, opinions replaced. Never stored."""

    withdraw: frozenset[str] = frozenset()
    opinions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceFact:
    id: str
    name: str
    line: int
    opinion: str  # after any what-if replacement
    last_assured: dt.date | None
    frequency: str | None
    meetings: tuple[str, ...] = ()  # meetings it reports to directly

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> SourceFact:
        return cls(row["id"], row["name"], row["line"], row["opinion"], _date(row.get("last_assured")),
                   row.get("frequency"), tuple(sorted(row.get("meetings") or ())))


@dataclass(frozen=True)
class ProcessFact:
    id: str
    name: str
    area: str
    sources: tuple[SourceFact, ...]  # ordered by id


@dataclass(frozen=True)
class MeetingFact:
    id: str
    name: str
    panel: bool
    reports_to: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    """One node a rule holds for, with the evidence its reasons are built from."""

    node_id: str
    label: str
    area: str | None = None
    sources: tuple[SourceFact, ...] = ()
    processes: tuple[tuple[str, str, str], ...] = ()  # (id, name, area)
    details: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Mapping[str, Any], sources_by_id: Mapping[str, SourceFact]) -> Hit:
        """Rule queries name their evidence by source id; the facts themselves come from one query."""
        sources = tuple(sorted((sources_by_id[s] for s in row.get("sources") or ()), key=lambda s: s.id))
        processes = tuple(sorted((p["id"], p["name"], p["area"]) for p in row.get("processes") or ()))
        details = {k: _date(v) for k, v in row.items() if k not in {"id", "label", "area", "sources", "processes"}}
        return cls(row["id"], row["label"], row.get("area"), sources, processes, details)


@dataclass(frozen=True)
class Context:
    """Everything a rule needs besides the graph: date, policy, what-if overlay, area."""

    as_of: dt.date
    policy: Policy
    overlay: Overlay = Overlay()
    area: str | None = None

    @cached_property
    def independent_cutoff(self) -> dt.date:
        """Independent assurance on or after this date is within the policy's months."""
        try:
            return self.as_of - relativedelta(months=self.policy.independent_months)
        except ValueError:  # before year 1: every date is within the window
            return dt.date.min

    def in_area(self, area: str | None) -> bool:
        return self.area is None or same_area(area, self.area)

    def age_days(self, source: SourceFact) -> int | None:
        return None if source.last_assured is None else (self.as_of - source.last_assured).days

    @cached_property
    def _recencies(self) -> dict[str, str]:
        return {}  # by source id: a source's recency is asked for by several rules and the score

    @cached_property
    def _limits(self) -> dict[str | None, tuple[float, float]]:
        return {}  # by frequency: (period, stale after), in days

    def recency(self, source: SourceFact) -> str:
        found = self._recencies.get(source.id)
        if found is None:
            found = self._recencies[source.id] = self._recency(source)
        return found

    def _recency(self, source: SourceFact) -> str:
        age = self.age_days(source)
        if age is None:
            return "undated"
        limits = self._limits.get(source.frequency)
        if limits is None:
            limits = self._limits[source.frequency] = (self.policy.period_days(source.frequency),
                                                       self.policy.stale_after(source.frequency))
        if age <= limits[0]:
            return "current"
        return "due" if age <= limits[1] else "stale"

    def is_stale(self, source: SourceFact) -> bool:
        return self.recency(source) in ("stale", "undated")

    def cypher_params(self) -> dict[str, Any]:
        p = self.policy
        return {
            "as_of": self.as_of, "cutoff": self.independent_cutoff, "area": self.area.lower() if self.area else None,
            "withdrawn": sorted(self.overlay.withdraw), "opinions": dict(self.overlay.opinions),
            "multiplier": p.staleness_multiplier, "frequency_days": dict(p.frequency_days), "year_days": p.year_days,
            "independent": list(INDEPENDENT_LINES), "negative": list(NEGATIVE_OPINIONS),
            "opinion_rank": OPINION_RANK, "labels": {k.name: k.label_field for k in SCHEMA.nodes},
        }


def _date(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


# -- the embedded store -------------------------------------------------------------

class GraphFacts:
    """Facts read from the embedded store's graph; every pass is linear in its size."""

    def __init__(self, graph: nx.MultiDiGraph, ctx: Context):
        self.graph = graph
        self.ctx = ctx

    def of_kind(self, kind: str) -> Iterable[tuple[str, Any]]:
        return ((n, d["node"]) for n, d in self.graph.nodes(data=True) if d["kind"] == kind)

    def has_in(self, node_id: str, rel: str, skip: frozenset[str] = frozenset()) -> bool:
        return any(rel in keys and u not in skip for u, keys in self.graph.pred[node_id].items())

    @cached_property
    def _sources(self) -> dict[str, SourceFact]:
        g, opinions = self.graph, self.ctx.overlay.opinions
        out = {}
        for sid, s in self.of_kind("AssuranceSource"):
            if sid in self.ctx.overlay.withdraw:
                continue
            meetings = tuple(sorted(v for v, keys in g.succ[sid].items() if "REPORTS_TO" in keys))
            out[sid] = SourceFact(sid, s.label, s.line, opinions.get(sid) or s.opinion or "unrated",
                                  s.last_assured, s.frequency, meetings)
        return out

    @cached_property
    def process_list(self) -> list[ProcessFact]:
        sources, g = self._sources, self.graph
        out = []
        for pid, p in self.of_kind("Process"):
            if not self.ctx.in_area(p.area):
                continue
            mine = sorted((u for u, keys in g.pred[pid].items() if "ASSURES" in keys and u in sources))
            out.append(ProcessFact(pid, p.label, p.area, tuple(sources[u] for u in mine)))
        return out

    def hits(self, rule: Rule) -> list[Hit]:
        return list(rule.nx(self, self.ctx))

    def processes(self) -> list[ProcessFact]:
        return self.process_list

    def meetings(self) -> list[MeetingFact]:
        g = self.graph
        return [MeetingFact(mid, m.label, bool(m.panel),
                            tuple(sorted(v for v, keys in g.succ[mid].items() if "REPORTS_TO" in keys)))
                for mid, m in self.of_kind("Meeting")]


# -- Neo4j --------------------------------------------------------------------------

PROCESSES_QUERY = cypher(f"""
MATCH (p:Process) WHERE {AREA}
RETURN p.id AS id, p[$labels.Process] AS label, p.area AS area,
       [s IN [(p)<-[:ASSURES]-(s) | s] WHERE NOT s.id IN $withdrawn |
        {SOURCE_MAP[:-1]}, meetings: [(s)-[:REPORTS_TO]->(m) | m.id]}}] AS sources
""")

MEETINGS_QUERY = cypher("""
MATCH (m:Meeting)
RETURN m.id AS id, m[$labels.Meeting] AS name, coalesce(m.panel, false) AS panel,
       [(m)-[:REPORTS_TO]->(n) | n.id] AS reports_to
""")


class CypherFacts:
    """Facts read from Neo4j, each kind in one query: no query per node."""

    def __init__(self, store: Neo4jStore, ctx: Context):
        self.store = store
        self.ctx = ctx
        self.params = ctx.cypher_params()

    def hits(self, rule: Rule) -> list[Hit]:
        sources = self._sources
        return [Hit.from_row(row, sources) for row in self.store.read(rule.cypher, **self.params)]

    @cached_property
    def _processes(self) -> list[ProcessFact]:
        rows = self.store.read(PROCESSES_QUERY, **self.params)
        return [ProcessFact(r["id"], r["label"], r["area"],
                            tuple(sorted((SourceFact.from_row(s) for s in r["sources"]), key=lambda s: s.id)))
                for r in rows]

    @cached_property
    def _sources(self) -> dict[str, SourceFact]:
        return {s.id: s for p in self._processes for s in p.sources}

    def processes(self) -> list[ProcessFact]:
        return self._processes

    def meetings(self) -> list[MeetingFact]:
        return [MeetingFact(r["id"], r["name"], bool(r["panel"]), tuple(sorted(r["reports_to"])))
                for r in self.store.read(MEETINGS_QUERY, **self.params)]


def facts_for(store: Store, ctx: Context) -> GraphFacts | CypherFacts:
    return store.gap_facts(ctx)


# -- reporting chains -----------------------------------------------------------------

def reporting_chains(meetings: Iterable[MeetingFact]) -> dict[str, tuple[MeetingFact, ...]]:
    """For each meeting, the shortest chain of meetings from it up to an audit-panel meeting
    (itself when it is one); meetings with no such route are left out."""
    by_id = {m.id: m for m in meetings}
    chains: dict[str, tuple[MeetingFact, ...]] = {}
    for start in sorted(by_id):
        parent: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            mid = queue.popleft()
            if by_id[mid].panel:
                path = []
                node: str | None = mid
                while node is not None:
                    path.append(by_id[node])
                    node = parent[node]
                chains[start] = tuple(reversed(path))
                break
            for nxt in by_id[mid].reports_to:  # sorted, so the chain found is always the same
                if nxt in by_id and nxt not in parent:
                    parent[nxt] = mid
                    queue.append(nxt)
    return chains


def reporting_text(source: SourceFact, meetings: Mapping[str, MeetingFact],
                   chains: Mapping[str, tuple[MeetingFact, ...]]) -> str:
    """'Audit Committee -> JARAP (audit panel)', or the meetings it reports to when none leads to the panel."""
    routes = sorted((len(chains[m]), [c.id for c in chains[m]], chains[m]) for m in source.meetings if m in chains)
    if routes:
        return " -> ".join(m.name for m in routes[0][2]) + " (audit panel)"
    direct = [meetings[m].name for m in source.meetings if m in meetings]
    return "; ".join(direct) + " (no route to the audit panel)" if direct else ""
