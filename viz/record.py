"""A record per item: its fields, sources, findings, oversight chain and links, as a page
that reads without the canvas (and so also serves screen readers and keyboards)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from graphmodel.errors import NotFound
from graphmodel.gaps.model import Assessment, Finding, Report, SourceScore
from graphmodel.gaps.whatif import WhatIf
from graphmodel.models import Node
from graphmodel.schema import LINE_NAMES, SCHEMA

from . import style
from .chain import ARROW, Chain, Route, chain_of
from .network import field_rows

Link = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class SourceRow:
    source_id: str
    name: str
    line: str
    opinion: str
    last_assured: str
    frequency: str
    recency: str
    route: str
    url: str | None
    what_if_url: str | None


@dataclass(frozen=True)
class Linked:
    """The items joined to this one by one kind of link, in one direction."""

    words: str  # e.g. "Gives assurance over"
    items: tuple[tuple[str, str, str, str | None], ...]  # (id, name, kind, url)


@dataclass(frozen=True)
class Record:
    node: Node
    fields: list[tuple[str, str]]
    assessment: Assessment | None
    findings: tuple[Finding, ...]
    sources: tuple[SourceRow, ...]
    chain: Chain | None
    linked: tuple[Linked, ...]
    what_if: WhatIf | None
    withdrawn: tuple[str, ...]  # names of the sources the what-if withdraws

    @property
    def kind(self) -> str:
        return self.node.kind


_INBOUND = {"ASSURES": "Assured by", "OVERSEES": "Overseen by", "MITIGATES": "Mitigated by",
            "DELIVERS": "Delivered by", "SUPPORTS": "Supported by", "EXPOSED_TO": "Processes exposed to it",
            "LINKED_TO": "Linked from", "REPORTS_TO": "Reported to by"}
_OUTBOUND = {"ASSURES": "Gives assurance over", "OVERSEES": "Oversees", "MITIGATES": "Mitigates",
             "DELIVERS": "Delivers", "SUPPORTS": "Supports", "EXPOSED_TO": "Exposed to", "LINKED_TO": "Linked to",
             "REPORTS_TO": "Reports to"}


def _linked(g: nx.MultiDiGraph, node_id: str, link: Link) -> tuple[Linked, ...]:
    out = []
    for rel in SCHEMA.edge_names:
        for words, ends in ((_OUTBOUND[rel], [t for _, t, r in g.out_edges(node_id, keys=True) if r == rel]),
                            (_INBOUND[rel], [s for s, _, r in g.in_edges(node_id, keys=True) if r == rel])):
            if ends:
                items = tuple(sorted(((n, g.nodes[n]["node"].label, g.nodes[n]["kind"], link("record", n))
                                      for n in ends), key=lambda i: (i[1].lower(), i[0])))
                out.append(Linked(words, items))
    return tuple(out)


def _route_words(route: Route | None) -> str:
    if route is None or not route.meetings:
        return "no meeting: no route to the panel"
    return ARROW.join(route.meetings) + ("" if route.reaches_panel else "; no route to the panel")


def _source_row(s: SourceScore, route: Route | None, link: Link, what_if: bool) -> SourceRow:
    return SourceRow(s.source_id, s.name, LINE_NAMES.get(s.line, str(s.line)), s.opinion,
                     s.last_assured.isoformat() if s.last_assured else "never dated", s.frequency or "not set",
                     style.RECENCY_WORDS.get(s.recency, s.recency), _route_words(route),
                     link("record", s.source_id), link("what-if", s.source_id) if what_if else None)


def record(g: nx.MultiDiGraph, report: Report, node_id: str, *, links: Link | None = None,
           what_if: WhatIf | None = None, can_what_if: bool = False) -> Record:
    """The record of one item of the whole map `g`. `can_what_if` offers "withdraw this source"."""
    if node_id not in g:
        raise NotFound(f"node {node_id!r}")
    link = links or (lambda what, key: None)
    node: Node = g.nodes[node_id]["node"]
    assessment = next((a for a in report.assessments if a.process_id == node_id), None)
    findings = tuple(f for f in report.findings if f.node_id == node_id)
    chain = chain_of(g, node_id) if node.kind == "Process" else None
    routes = {r.source_id: r for r in chain.routes} if chain else {}
    sources = tuple(_source_row(s, routes.get(s.source_id), link, can_what_if)
                    for s in (assessment.sources if assessment else ()))
    withdrawn = tuple(g.nodes[s]["node"].label for s in (what_if.withdraw if what_if else ()) if s in g)
    return Record(node, field_rows(node), assessment, findings, sources, chain, _linked(g, node_id, link),
                  what_if, withdrawn)
