"""Gap facts from Neo4j, for the analysis's scope, in a few queries that each answer with one row
of columns (a list of values per field) rather than a record per node: decoding records costs
the driver far more than the server spends finding them. Nodes and links of other kinds are read
in bulk, a kind (and a link kind) at a time, when a rule first asks; never a query per node.

Labels and relationship types come from the schema; ids, the area and dates are parameters."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, partial
from typing import TYPE_CHECKING

from ..gaps.facts import Context, MeetingFact, ProcessFact, SourceFact, as_it_stood
from ..gaps.reporting import Routes
from ..gaps.stored import AS_STORED, StoredProcesses, stored_source
from ..models import Node
from ..schema import SCHEMA
from ..values import same_area
from .base import node_from_props
from .neo4j import ENTITY

if TYPE_CHECKING:
    from .neo4j import Neo4jStore

_PROCESS = SCHEMA.node("Process")
_SOURCE = SCHEMA.node("AssuranceSource")
_MEETING = SCHEMA.node("Meeting")
_ASSURES = SCHEMA.edge("ASSURES").name
_REPORTS_TO = SCHEMA.edge("REPORTS_TO").name

# Where the processes of each scope are found.
_SCOPES = {
    "map": f"MATCH (p:{_PROCESS.name})",
    "area": f"MATCH (p:{_PROCESS.name}) WHERE p.area IN $spellings",  # the area as stored, through its index
    "Process": f"MATCH (p:{_PROCESS.name} {{id: $node}})",
    "AssuranceSource": f"MATCH (:{_SOURCE.name} {{id: $node}})-[:{_ASSURES}]->(p:{_PROCESS.name})",
}


def _processes_query(scope: str) -> str:
    """The scope's processes with the ids of their sources, and those sources once each. Dates
    travel as ISO text: the driver builds a date object far more slowly than Python parses one."""
    return f"""
{_SCOPES[scope]}
WITH collect(p) AS ps
CALL {{
  WITH ps UNWIND ps AS p MATCH (p)<-[:{_ASSURES}]-(s)
  WITH DISTINCT s RETURN collect(s) AS ss
}}
RETURN [p IN ps | p.id] AS id, [p IN ps | p.{_PROCESS.label_field}] AS name, [p IN ps | p.area] AS area,
       [p IN ps | [(p)<-[:{_ASSURES}]-(s) | s.id]] AS sources,
       [s IN ss | s.id] AS source_id, [s IN ss | s.{_SOURCE.label_field}] AS source_name,
       [s IN ss | s.line] AS line, [s IN ss | s.opinion] AS opinion,
       [s IN ss | toString(s.last_assured)] AS last_assured, [s IN ss | s.frequency] AS frequency,
       [s IN ss | [(s)-[:{_REPORTS_TO}]->(m) | m.id]] AS meetings
"""


MEETINGS = f"""
MATCH (m:{_MEETING.name}) WITH collect(m) AS ms
RETURN [m IN ms | m.id] AS id, [m IN ms | m.{_MEETING.label_field}] AS name,
       [m IN ms | coalesce(m.panel, false)] AS panel, [m IN ms | [(m)-[:{_REPORTS_TO}]->(t) | t.id]] AS reports_to
"""

AREAS = f"MATCH (p:{_PROCESS.name}) RETURN collect(DISTINCT p.area) AS areas"


def _nodes_query(kind: str, one: bool) -> str:
    """Every node of a kind (or the one asked about), a column per field of the schema."""
    spec = SCHEMA.node(kind)
    columns = ", ".join(
        f"[n IN ns | {'toString(n.' + f.name + ')' if f.type is dt.date else 'n.' + f.name}] AS {f.name}"
        for f in spec.fields)
    match = f"MATCH (n:{spec.name} {{id: $node}})" if one else f"MATCH (n:{spec.name})"
    return f"{match} WITH collect(n) AS ns RETURN {columns}"


def _links_query(kind: str | None, rel: str, incoming: bool, one: bool) -> str:
    """Links of one kind at the nodes of a kind (or at one node), as pairs of ids."""
    label = SCHEMA.node(kind).name if kind is not None else ENTITY
    node = f"(n:{label} {{id: $node}})" if one else f"(n:{label})"
    link = f"<-[:{SCHEMA.edge(rel).name}]-" if incoming else f"-[:{SCHEMA.edge(rel).name}]->"
    return f"MATCH {node}{link}(m) RETURN collect(n.id) AS n, collect(m.id) AS m"


class _Dates:
    """ISO text to dates, each distinct text parsed once."""

    def __init__(self) -> None:
        self._seen: dict[str | None, dt.date | None] = {None: None}

    def __call__(self, text: str | None) -> dt.date | None:
        if text in self._seen:
            return self._seen[text]
        found = self._seen[text] = dt.date.fromisoformat(text)  # type: ignore[arg-type]
        return found


class _Reader:
    """Reads facts from the store: processes with their sources, nodes of a kind, links."""

    def __init__(self, store: Neo4jStore):
        self.store = store
        self.dates = _Dates()

    def processes(self, scope: str, ctx: Context, source: Callable[..., SourceFact],
                  spellings: Sequence[str] = ()) -> list[ProcessFact]:
        c = self.store.read_columns(_processes_query(scope), spellings=list(spellings), node=ctx.node)
        withdrawn, date = ctx.overlay.withdraw, self.dates
        sources = {sid: source(sid, name, line, opinion, date(assured), frequency, tuple(sorted(meetings)))
                   for sid, name, line, opinion, assured, frequency, meetings in zip(
                       c["source_id"], c["source_name"], c["line"], c["opinion"], c["last_assured"], c["frequency"],
                       c["meetings"], strict=True)
                   if sid not in withdrawn}
        out = [ProcessFact(pid, name, area, tuple(sources[s] for s in sorted(mine) if s in sources))
               for pid, name, area, mine in zip(c["id"], c["name"], c["area"], c["sources"], strict=True)]
        out.sort(key=lambda p: p.id)
        return out

    def meetings(self) -> list[MeetingFact]:
        c = self.store.read_columns(MEETINGS)
        return [MeetingFact(*row[:3], tuple(sorted(row[3])))
                for row in zip(c["id"], c["name"], c["panel"], c["reports_to"], strict=True)]

    def nodes(self, kind: str, node: str | None) -> list[Node]:
        c = self.store.read_columns(_nodes_query(kind, node is not None), node=node)
        dates = [f.name for f in SCHEMA.node(kind).fields if f.type is dt.date]
        names = list(c)
        out = []
        for row in zip(*c.values(), strict=True):
            props = dict(zip(names, row, strict=True))
            for name in dates:
                props[name] = self.dates(props[name])
            out.append(node_from_props(kind, props))
        return out

    def links(self, kind: str | None, rel: str, incoming: bool, node: str | None) -> dict[str, list[str]]:
        c = self.store.read_columns(_links_query(kind, rel, incoming, node is not None), node=node)
        found: dict[str, list[str]] = {}
        for n, m in zip(c["n"], c["m"], strict=True):
            found.setdefault(n, []).append(m)
        return found


class CypherMap:
    """What every analysis of one version of the map shares, each part read when first asked for:
    the meetings' routes, the processes with their sources as stored, nodes of a kind, links of a
    kind at the nodes of a kind. The store keeps one for its latest version (see Store.version)."""

    def __init__(self, store: Neo4jStore, version: object):
        self.version = version
        self.read = _Reader(store)
        self.kinds: dict[str, str] = {}  # node id -> kind, for the nodes read
        self._nodes: dict[str, list[Node]] = {}
        self._links: dict[tuple[str, str, bool], dict[str, list[str]]] = {}

    @cached_property
    def routes(self) -> Routes:
        return Routes(self.read.meetings())

    @cached_property
    def stored(self) -> StoredProcesses:
        processes = StoredProcesses(self.read.processes("map", AS_STORED, stored_source))
        self.kinds.update((p.id, "Process") for p in processes.processes)
        return processes

    @property
    def has_stored(self) -> bool:
        return "stored" in self.__dict__  # built (the cached property above has run)

    @cached_property
    def areas(self) -> list[str]:
        """The areas as stored (read from the index on processes' area)."""
        return sorted(self.read.store.read_columns(AREAS)["areas"])

    def nodes(self, kind: str) -> list[Node]:
        found = self._nodes.get(kind)
        if found is None:
            found = self._nodes[kind] = self.read.nodes(kind, None)
            self.kinds.update((n.id, kind) for n in found)
        return found

    def linked(self, node_id: str, rel: str, incoming: bool) -> Iterable[str] | None:
        """The other ends of a node's links of one kind, read for every node of its kind at once;
        None when the node's kind has not been read."""
        kind = self.kinds.get(node_id)
        if kind is None:
            return None
        found = self._links.get((kind, rel, incoming))
        if found is None:
            found = self._links[(kind, rel, incoming)] = self.read.links(kind, rel, incoming, None)
        return found.get(node_id, ())


class CypherFacts:
    """GapFacts for one analysis: the whole map's from the version's CypherMap, an area's or one
    node's read for that scope alone."""

    def __init__(self, shared: CypherMap, ctx: Context):
        self.shared = shared
        self.ctx = ctx
        self._nodes: dict[str, list[Node]] = {}
        self._links: dict[tuple[str, str, bool], Iterable[str]] = {}

    # -- GraphReader ----------------------------------------------------------------
    def processes(self) -> list[ProcessFact]:
        return self._processes

    def nodes(self, kind: str) -> Sequence[Node]:
        node = self.ctx.node
        if node is None:
            return self.shared.nodes(kind)
        if kind not in self._nodes:
            self._nodes[kind] = self.shared.read.nodes(kind, node) if self._node_kind == kind else []
        return self._nodes[kind]

    def has_in(self, node_id: str, rel: str, skip: frozenset[str] = frozenset()) -> bool:
        return any(m not in skip for m in self._linked(node_id, rel, True))

    def out(self, node_id: str, rel: str) -> tuple[str, ...]:
        return tuple(sorted(self._linked(node_id, rel, False)))

    def into(self, node_id: str, rel: str) -> tuple[str, ...]:
        return tuple(sorted(self._linked(node_id, rel, True)))

    # -- GapFacts ---------------------------------------------------------------------
    def routes(self) -> Routes:
        return self.shared.routes

    def areas(self) -> list[str]:
        return self.shared.areas

    # -- reading --------------------------------------------------------------------------
    @cached_property
    def _node_kind(self) -> str | None:
        node = self.ctx.node
        return None if node is None else self.shared.read.store.kinds([node]).get(node)

    @cached_property
    def _processes(self) -> list[ProcessFact]:
        ctx, shared = self.ctx, self.shared
        if ctx.node is None and (ctx.area is None or shared.has_stored):
            return shared.stored.as_it_stood(ctx)
        scope = ("area" if ctx.node is None else self._node_kind or "")
        if scope not in _SCOPES:
            return []
        spellings = [a for a in shared.areas if same_area(a, ctx.area)] if scope == "area" else []
        return shared.read.processes(scope, ctx, partial(as_it_stood, ctx=ctx), spellings)

    def _linked(self, node_id: str, rel: str, incoming: bool) -> Iterable[str]:
        """From the version's links when the scope is the whole map or an area; for one node, read
        for the nodes asked about alone."""
        if self.ctx.node is None:
            found = self.shared.linked(node_id, rel, incoming)
            if found is not None:
                return found
        key = (node_id, rel, incoming)
        if key not in self._links:
            kind = self._node_kind if node_id == self.ctx.node else None
            self._links[key] = self.shared.read.links(kind, rel, incoming, node_id).get(node_id, ())
        return self._links[key]
