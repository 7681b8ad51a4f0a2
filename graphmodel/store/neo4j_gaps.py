"""Gap facts from Neo4j: one query per rule, one for the processes with their sources and one for
the meetings; never a query per node. Rule queries name their evidence by source id, and the
sources themselves come from the processes' query."""
from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..gaps import cypher
from ..gaps.facts import Context, Hit, MeetingFact, ProcessFact, SourceFact

if TYPE_CHECKING:
    from ..gaps.rule import Rule
    from .neo4j import Neo4jStore

PROCESSES = cypher.cypher(f"""
MATCH (p:Process) WHERE {cypher.AREA}
RETURN p.id AS id, p[$labels.Process] AS label, p.area AS area,
       [s IN [(p)<-[:ASSURES]-(s) | s] WHERE NOT s.id IN $withdrawn |
        {cypher.SOURCE_MAP[:-1]}, meetings: [(s)-[:REPORTS_TO]->(m) | m.id]}}] AS sources
""")

MEETINGS = cypher.cypher("""
MATCH (m:Meeting)
RETURN m.id AS id, m[$labels.Meeting] AS name, coalesce(m.panel, false) AS panel,
       [(m)-[:REPORTS_TO]->(n) | n.id] AS reports_to
""")

AREAS = cypher.cypher("MATCH (p:Process) RETURN DISTINCT p.area AS area")

_HIT_KEYS = frozenset({"id", "label", "area", "sources", "processes"})


def _source(row: Mapping[str, Any]) -> SourceFact:
    return SourceFact(row["id"], row["name"], row["line"], row["opinion"], row.get("last_assured"),
                      row.get("frequency"), tuple(sorted(row.get("meetings") or ())), row.get("assured_later"))


def _hit(row: Mapping[str, Any], sources_by_id: Mapping[str, SourceFact]) -> Hit:
    sources = tuple(sorted((sources_by_id[s] for s in row.get("sources") or ()), key=lambda s: s.id))
    processes = tuple(sorted((p["id"], p["name"], p["area"]) for p in row.get("processes") or ()))
    details = {k: v for k, v in row.items() if k not in _HIT_KEYS}
    return Hit(row["id"], row["label"], row.get("area"), sources, processes, details)


class CypherFacts:
    """GapFacts read from Neo4j; values arrive as Python values (dates as datetime.date)."""

    def __init__(self, store: Neo4jStore, ctx: Context):
        self.store = store
        self.ctx = ctx
        self.params = cypher.params(ctx)

    def hits(self, rule: Rule) -> list[Hit]:
        sources = self._sources
        return [_hit(row, sources) for row in self.store.read(rule.cypher, **self.params)]

    def processes(self) -> list[ProcessFact]:
        return self._processes

    def meetings(self) -> list[MeetingFact]:
        return [MeetingFact(r["id"], r["name"], bool(r["panel"]), tuple(sorted(r["reports_to"])))
                for r in self.store.read(MEETINGS, **self.params)]

    def areas(self) -> list[str]:
        return sorted(r["area"] for r in self.store.read(AREAS))

    @cached_property
    def _processes(self) -> list[ProcessFact]:
        rows = self.store.read(PROCESSES, **self.params)
        return sorted((ProcessFact(r["id"], r["label"], r["area"],
                                   tuple(sorted((_source(s) for s in r["sources"]), key=lambda s: s.id)))
                       for r in rows), key=lambda p: p.id)

    @cached_property
    def _sources(self) -> dict[str, SourceFact]:
        return {s.id: s for p in self._processes for s in p.sources}

