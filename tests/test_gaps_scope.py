"""One area's or one node's report says exactly what the whole map's says about them, on both
stores, whatever the facts the store kept from an earlier analysis; and an analysis at another
date or under a what-if, reusing those facts, says what a store that never analysed would."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings

from graphmodel.errors import NotFound
from graphmodel.gaps import RULES, analyse
from graphmodel.store.embedded import EmbeddedStore
from loaders.synthetic import AS_OF, generate
from tests.test_gaps_property import maps

EARLIER = AS_OF - dt.timedelta(days=400)  # some assurance came after it


def _about(report, node_id):
    return ([f for f in report.findings if f.node_id == node_id],
            [a for a in report.assessments if a.process_id == node_id])


@pytest.fixture(scope="module")
def generated():
    return generate(40, seed=7)


def test_each_area_and_each_node_as_the_whole_map_says(store, generated):
    store.upsert(generated.nodes, generated.edges)
    for as_of in (AS_OF, EARLIER):
        whole = analyse(store, as_of=as_of)
        areas = sorted({a.area for a in whole.assessments})
        assert len(areas) > 1
        for area in areas:
            part = analyse(store, as_of=as_of, area=area.upper())
            assert [f for f in part.findings if f.kind == "Process"] == [
                f for f in whole.findings if f.kind == "Process" and f.area == area]
            assert part.assessments == tuple(a for a in whole.assessments if a.area == area)
            sole = {a.sources[0].source_id for a in part.assessments if len(a.sources) == 1}
            assert {f.node_id for f in part.findings if f.rule == "G10"} == sole
            assert {f.rule for f in part.findings} <= {r.id for r in RULES.values() if r.by_area}
        kinds: dict[str, list[str]] = {}
        for n in generated.nodes:
            kinds.setdefault(n.kind, []).append(n.id)
        for ids in kinds.values():
            for node_id in ids[:4] + ids[-2:]:
                one = analyse(store, as_of=as_of, node=node_id)
                assert (list(one.findings), list(one.assessments)) == _about(whole, node_id), node_id
    with pytest.raises(NotFound):
        analyse(store, as_of=AS_OF, node="no-such-node")


def test_sources_only_in_an_area_are_its_g10_findings(store, generated):
    store.upsert(generated.nodes, generated.edges)
    whole = analyse(store, as_of=AS_OF, rules=["G10"])
    for f in whole.findings:
        one = analyse(store, as_of=AS_OF, node=f.node_id, rules=["G10"])
        assert one.findings == (f,)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=maps())
def test_kept_facts_answer_as_fresh_ones(tmp_path_factory, neo4j_store, data):
    """An analysis at the as-of date first (which keeps the whole map's facts), then at an earlier
    date and under the what-if: the same as a new store object asked only those."""
    nodes, edges, overlay = data
    path = tmp_path_factory.mktemp("kept") / "store.json"
    EmbeddedStore(path).upsert(nodes, edges)
    neo4j_store.clear()
    neo4j_store.upsert(nodes, edges)
    try:
        for store in (EmbeddedStore(path), neo4j_store):
            analyse(store, as_of=AS_OF)
            for as_of in (AS_OF - dt.timedelta(days=200), AS_OF):
                for what_if in (None, overlay):
                    kept = analyse(store, as_of=as_of, overlay=what_if)
                    fresh = analyse(EmbeddedStore(path), as_of=as_of, overlay=what_if)
                    assert (kept.findings, kept.assessments) == (fresh.findings, fresh.assessments)
    finally:
        neo4j_store.clear()
