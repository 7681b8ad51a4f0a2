"""Random small maps: both stores give identical findings, classes and scores."""
from __future__ import annotations

import datetime as dt
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphmodel.gaps import Overlay, Policy, analyse
from graphmodel.models import Edge, node_from_dict
from graphmodel.schema import OPINIONS
from graphmodel.store.embedded import EmbeddedStore

AS_OF = dt.date(2024, 6, 15)
FREQUENCIES = [None, "weekly", "fortnightly", "monthly", "quarterly", "annual", "4 per annum", "when asked",
               "0 per annum"]
G3_CUTOFF_AGE = (AS_OF - dt.date(2021, 6, 15)).days


def boundary_ages(frequency):
    """Ages in days on and either side of each boundary: the period, 1.5 x the period and the G3 cut-off."""
    policy = Policy()
    ages = {0, G3_CUTOFF_AGE, G3_CUTOFF_AGE + 1}
    for limit in (policy.period_days(frequency), policy.stale_after(frequency)):
        ages |= {math.floor(limit), math.floor(limit) + 1}
    return sorted(ages)


@st.composite
def maps(draw):
    nodes, edges = [], set()
    processes = [f"P{i}" for i in range(draw(st.integers(1, 4)))]
    sources = [f"S{i}" for i in range(draw(st.integers(0, 5)))]
    meetings = [f"M{i}" for i in range(draw(st.integers(0, 3)))]
    for p in processes:
        nodes.append(node_from_dict("Process", {"id": p, "name": f"name {p}",
                                                "area": draw(st.sampled_from(["People", "Information Quality"]))}))
    for s in sources:
        frequency = draw(st.sampled_from(FREQUENCIES))
        age = draw(st.none() | st.sampled_from(boundary_ages(frequency)))
        nodes.append(node_from_dict("AssuranceSource", {
            "id": s, "name": f"name {s}", "line": draw(st.integers(1, 4)), "opinion": draw(st.sampled_from(OPINIONS)),
            "frequency": frequency,
            "last_assured": None if age is None else AS_OF - dt.timedelta(days=age)}))
        for p in draw(st.lists(st.sampled_from(processes), max_size=3)) if processes else []:
            edges.add((s, "ASSURES", p))
        for m in draw(st.lists(st.sampled_from(meetings), max_size=2)) if meetings else []:
            edges.add((s, "REPORTS_TO", m))
    for m in meetings:
        nodes.append(node_from_dict("Meeting", {"id": m, "name": f"name {m}", "panel": draw(st.booleans())}))
        for other in draw(st.lists(st.sampled_from(meetings), max_size=2)):
            if other != m:
                edges.add((m, "REPORTS_TO", other))
    for i in range(draw(st.integers(0, 2))):
        nodes.append(node_from_dict("Commitment", {"id": f"C{i}", "title": f"title C{i}"}))
        if draw(st.booleans()) and sources:
            edges.add((draw(st.sampled_from(sources)), "ASSURES", f"C{i}"))
    for i in range(draw(st.integers(0, 2))):
        nodes.append(node_from_dict("Risk", {"id": f"R{i}", "title": f"title R{i}", "score": draw(st.integers(1, 25))}))
    for i in range(draw(st.integers(0, 2))):
        nodes.append(node_from_dict("Action", {
            "id": f"A{i}", "title": f"title A{i}", "status": draw(st.none() | st.sampled_from(["red", "blue"])),
            "target_date": AS_OF + dt.timedelta(days=draw(st.integers(-2, 2)))}))
        risks = [n.id for n in nodes if n.kind == "Risk"]
        if risks and draw(st.booleans()):
            edges.add((f"A{i}", "MITIGATES", draw(st.sampled_from(risks))))
    withdraw = frozenset(draw(st.lists(st.sampled_from(sources), max_size=2))) if sources else frozenset()
    opinions = {s: draw(st.sampled_from(OPINIONS)) for s in draw(st.lists(st.sampled_from(sources), max_size=2))} \
        if sources else {}
    return nodes, [Edge(source=a, rel=r, target=b) for a, r, b in sorted(edges)], Overlay(withdraw, opinions)


def _outcome(store, overlay):
    report = analyse(store, as_of=AS_OF, overlay=overlay)
    return report.findings, report.assessments


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=maps())
def test_both_stores_agree(tmp_path_factory, neo4j_store, data):
    nodes, edges, overlay = data
    embedded = EmbeddedStore(tmp_path_factory.mktemp("gaps") / "store.json")
    embedded.upsert(nodes, edges)
    neo4j_store.clear()
    neo4j_store.upsert(nodes, edges)
    try:
        for what_if in (None, overlay):
            assert _outcome(embedded, what_if) == _outcome(neo4j_store, what_if)
    finally:
        neo4j_store.clear()
