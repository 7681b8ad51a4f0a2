"""Accepted gaps: a finding the panel has knowingly accepted still appears, marked as accepted, until
its review date comes or the evidence about its node changes; then the acceptance lapses, the
finding is open again, and it says why.

A node's evidence is its own record, its links (kind, direction, the node at the other end, any
note) and the records of the nodes it links to: a source's date or opinion, an action's status,
a new or removed link. Its fingerprint, kept with the acceptance, is a digest of all of that.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..models import Node
from .model import Accepted, Report

if TYPE_CHECKING:
    import networkx as nx

    from ..store.base import Neighbour, Store
    from ..store.records import Acceptance

Evidence = Callable[[str], str | None]  # node id -> fingerprint of its evidence now (None: no such node)


def fingerprint(node: Node, neighbours: Iterable[Neighbour]) -> str:
    """A digest of a node's evidence (see the module's description); the same on both stores."""
    links = sorted([nb.direction.value, nb.edge.rel, nb.node.id, nb.edge.note or "", nb.node.kind,
                    _record(nb.node)] for nb in neighbours)
    text = json.dumps([node.kind, _record(node), links], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _record(node: Node) -> dict[str, Any]:
    return {k: v for k, v in node.properties().items() if v is not None}


def store_evidence(store: Store) -> Evidence:
    def evidence(node_id: str) -> str | None:
        node = store.get_node(node_id)
        return None if node is None else fingerprint(node, store.neighbours(node_id))

    return evidence


def graph_evidence(g: nx.MultiDiGraph) -> Evidence:
    """The same fingerprints from a domain graph (a frozen map, say) as from a store."""
    from ..store.base import Neighbour

    def evidence(node_id: str) -> str | None:
        if node_id not in g:
            return None
        around = [Neighbour(d["edge"], g.nodes[t]["node"]) for _, t, d in g.out_edges(node_id, data=True)]
        around += [Neighbour(d["edge"], g.nodes[s]["node"]) for s, _, d in g.in_edges(node_id, data=True)]
        return fingerprint(g.nodes[node_id]["node"], around)

    return evidence


def lapse(acceptance: Acceptance, as_of: dt.date, evidence_now: str | None) -> str | None:
    """Why an acceptance no longer holds at `as_of`, in words, or None while it does."""
    if as_of >= acceptance.review:
        return f"its review date, {acceptance.review.isoformat()}, has come"
    if evidence_now != acceptance.fingerprint:
        return (f"the evidence has changed since it was accepted on {acceptance.on.isoformat()} "
                "(the item, its links or the items they link to)")
    return None


def judge(report: Report, acceptances: Iterable[Acceptance], evidence: Evidence) -> Report:
    """The report with each accepted finding marked, in force or lapsed, as at its as-of date. An
    acceptance made after that date had not happened then and is left out; one whose finding no
    longer holds marks nothing."""
    held: Mapping[tuple[str, str], Acceptance] = {a.key: a for a in acceptances if a.on <= report.as_of}
    if not held:
        return report
    findings = []
    for f in report.findings:
        a = held.get(f.key)
        if a is not None:
            why = lapse(a, report.as_of, evidence(f.node_id))
            f = replace(f, accepted=Accepted(a.by, a.reason, a.review, a.on, why))
        findings.append(f)
    return replace(report, findings=tuple(findings))
