"""Gap facts from the embedded store's graph: each pass is linear in the graph's size, and each
rule runs as its Python check over them."""
from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

import networkx as nx

from ..gaps.facts import Context, Hit, MeetingFact, ProcessFact, SourceFact, as_it_stood
from ..models import Node

if TYPE_CHECKING:
    from ..gaps.rule import Rule


class GraphFacts:
    """GapFacts (and a GraphReader for the rules' checks) over a domain graph that no write
    changes while the analysis reads it (see EmbeddedStore.graph_view)."""

    def __init__(self, graph: nx.MultiDiGraph, ctx: Context):
        self.graph = graph
        self.ctx = ctx

    # -- GraphReader ----------------------------------------------------------------
    def nodes(self, kind: str) -> Iterable[Node]:
        return (d["node"] for _, d in self.graph.nodes(data=True) if d["kind"] == kind)

    def has_in(self, node_id: str, rel: str, skip: frozenset[str] = frozenset()) -> bool:
        return any(rel in keys and u not in skip for u, keys in self.graph.pred[node_id].items())

    def out(self, node_id: str, rel: str) -> tuple[str, ...]:
        return tuple(sorted(v for v, keys in self.graph.succ[node_id].items() if rel in keys))

    def processes(self) -> list[ProcessFact]:
        return self._processes

    # -- GapFacts ---------------------------------------------------------------------
    def hits(self, rule: Rule) -> list[Hit]:
        return list(rule.check(self, self.ctx))

    def meetings(self) -> list[MeetingFact]:
        return [MeetingFact(m.id, m.label, bool(m.panel), self.out(m.id, "REPORTS_TO"))
                for m in self.nodes("Meeting")]

    def areas(self) -> list[str]:
        return sorted({p.area for p in self.nodes("Process")})

    # -- gathered once per analysis -----------------------------------------------------
    @cached_property
    def _sources(self) -> dict[str, SourceFact]:
        overlay = self.ctx.overlay
        return {s.id: as_it_stood(s.id, s.label, s.line, s.opinion, s.last_assured, s.frequency,
                                  self.out(s.id, "REPORTS_TO"), self.ctx)
                for s in self.nodes("AssuranceSource") if s.id not in overlay.withdraw}

    @cached_property
    def _processes(self) -> list[ProcessFact]:
        sources, pred = self._sources, self.graph.pred
        out = []
        for p in self.nodes("Process"):
            if self.ctx.in_area(p.area):
                mine = sorted(u for u, keys in pred[p.id].items() if "ASSURES" in keys and u in sources)
                out.append(ProcessFact(p.id, p.label, p.area, tuple(sources[u] for u in mine)))
        return sorted(out, key=lambda p: p.id)
