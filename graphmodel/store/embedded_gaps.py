"""Gap facts from the embedded store's graph, for the analysis's scope: the whole map's from an
index the store keeps per version of its graph, an area's or one node's by following only the
links that scope touches."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property, partial
from typing import Any

import networkx as nx

from ..gaps.facts import Context, MeetingFact, ProcessFact, SourceFact, as_it_stood
from ..gaps.reporting import Routes
from ..gaps.stored import StoredProcesses, stored_source
from ..models import Node
from ..schema import SCHEMA
from ..values import same_area

Adjacency = dict[str, dict[str, dict[str, Any]]]  # node -> neighbour -> {link kind: data}


class GraphIndex:
    """What every analysis of one graph shares: its nodes by kind (a label index), and, built when
    first asked for, the meetings' routes and the processes with their sources as stored. The
    store makes one per graph it holds; writes replace the graph rather than change it.

    It reads networkx's adjacency dicts directly: on a national map an analysis follows some
    100,000 links, and the read-only views around those dicts would cost more than the rest."""

    def __init__(self, graph: nx.MultiDiGraph):
        dicts = vars(graph)  # networkx's own: node -> attributes, and the adjacency both ways
        self.node: dict[str, dict[str, Any]] = dicts["_node"]
        self.pred: Adjacency = dicts["_pred"]
        self.succ: Adjacency = dicts["_succ"]
        self.by_kind: dict[str, list[Node]] = {kind: [] for kind in SCHEMA.node_names}
        for data in self.node.values():
            self.by_kind[data["kind"]].append(data["node"])

    def out(self, node_id: str, rel: str) -> tuple[str, ...]:
        return tuple(sorted(v for v, keys in self.succ[node_id].items() if rel in keys))

    def sources_of(self, process_id: str) -> list[str]:
        return sorted(u for u, keys in self.pred[process_id].items() if "ASSURES" in keys)

    @cached_property
    def routes(self) -> Routes:
        return Routes(MeetingFact(m.id, m.label, bool(m.panel), self.out(m.id, "REPORTS_TO"))
                      for m in self.by_kind["Meeting"])

    @property
    def has_stored(self) -> bool:
        return "stored" in self.__dict__  # built (the cached property below has run)

    def source_facts(self, make: Callable[..., SourceFact]) -> Callable[[str], SourceFact]:
        """A source's fact by id, made once by `make` from the source and where it reports."""
        memo: dict[str, SourceFact] = {}

        def source(sid: str) -> SourceFact:
            found = memo.get(sid)
            if found is None:
                s = self.node[sid]["node"]
                found = memo[sid] = make(s.id, s.label, s.line, s.opinion, s.last_assured, s.frequency,
                                         self.out(sid, "REPORTS_TO"))
            return found

        return source

    @cached_property
    def stored(self) -> StoredProcesses:
        source = self.source_facts(stored_source)
        return StoredProcesses(ProcessFact(p.id, p.label, p.area, tuple(source(s) for s in self.sources_of(p.id)))
                               for p in self.by_kind["Process"])


class GraphFacts:
    """GapFacts for one analysis over a GraphIndex."""

    def __init__(self, index: GraphIndex, ctx: Context):
        self.index = index
        self.ctx = ctx

    # -- GraphReader ----------------------------------------------------------------
    def nodes(self, kind: str) -> Sequence[Node]:
        if self.ctx.node is None:
            return self.index.by_kind.get(kind, ())
        data = self.index.node.get(self.ctx.node)
        return [data["node"]] if data is not None and data["kind"] == kind else []

    def has_in(self, node_id: str, rel: str, skip: frozenset[str] = frozenset()) -> bool:
        return any(rel in keys and u not in skip for u, keys in self.index.pred[node_id].items())

    def out(self, node_id: str, rel: str) -> tuple[str, ...]:
        return self.index.out(node_id, rel)

    def into(self, node_id: str, rel: str) -> tuple[str, ...]:
        return tuple(sorted(u for u, keys in self.index.pred[node_id].items() if rel in keys))

    def processes(self) -> list[ProcessFact]:
        return self._processes

    # -- GapFacts ---------------------------------------------------------------------
    def routes(self) -> Routes:
        return self.index.routes

    def areas(self) -> list[str]:
        return sorted({p.area for p in self.index.by_kind["Process"]})

    # -- gathered once per analysis -----------------------------------------------------
    @cached_property
    def _processes(self) -> list[ProcessFact]:
        ctx = self.ctx
        if ctx.node is None and (ctx.area is None or self.index.has_stored):
            return self.index.stored.as_it_stood(ctx)  # the whole map's, or an area's when they are at hand
        index, withdrawn = self.index, ctx.overlay.withdraw
        source = index.source_facts(partial(as_it_stood, ctx=ctx))
        return sorted((ProcessFact(p.id, p.label, p.area, tuple(source(s) for s in index.sources_of(p.id)
                                                                if s not in withdrawn))
                       for p in self._in_scope()), key=lambda p: p.id)

    def _in_scope(self) -> list[Node]:
        ctx, index = self.ctx, self.index
        if ctx.node is None:
            return [p for p in index.by_kind["Process"] if same_area(p.area, ctx.area)]
        data = index.node.get(ctx.node)
        kind = data["kind"] if data is not None else None
        if kind == "Process":
            return [data["node"]]  # type: ignore[index]
        if kind == "AssuranceSource":  # the processes it assures, so G10 can be judged
            return [index.node[v]["node"] for v, keys in index.succ[ctx.node].items()
                    if "ASSURES" in keys and index.node[v]["kind"] == "Process"]
        return []
