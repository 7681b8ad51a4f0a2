"""The synthetic map generator: deterministic, valid through the real models, shaped so that
every gap rule fires, and writable as import files the loaders read back unchanged."""
from __future__ import annotations

import argparse
import json
import random
from collections import Counter

import pytest

from graphmodel.gaps import RULES, Status, analyse
from graphmodel.models import edge_from_dict, node_from_dict
from graphmodel.schema import SCHEMA
from graphmodel.store.base import check_against, prepare
from loaders.columns import TABLE_NAMES, columns
from loaders.load import load
from loaders.synthetic import AS_OF, SIZES, generate, run_generate, write, write_to_store


@pytest.fixture(scope="module")
def small():
    return generate(120, seed=7)


def _signature(m):
    return ([(n.kind, n.properties()) for n in m.nodes], [e.key + (e.note,) for e in m.edges])


def test_same_seed_same_map_and_another_seed_another(small):
    assert _signature(generate(120, seed=7)) == _signature(small)
    assert _signature(generate(120, seed=8)) != _signature(small)


def test_a_sample_of_nodes_and_edges_passes_the_real_models(small):
    rnd = random.Random(3)
    for node in rnd.sample(small.nodes, 150):
        assert node_from_dict(node.kind, node.properties()) == node, node.id
    for edge in rnd.sample(small.edges, 150):
        data = {"source": edge.source, "rel": edge.rel, "target": edge.target, "note": edge.note}
        assert edge_from_dict(data) == edge


def test_ids_are_unique_and_every_edge_is_a_schema_triple(small):
    batch, problems = prepare(small.nodes, small.edges)
    assert problems == []
    assert check_against(batch, {}) == []
    assert len(batch.edges) == len(small.edges)  # no edge named twice


def test_sizes_scale_and_the_force_shape_is_like_the_pilot_maps():
    m = generate(SIZES["force"])
    kinds = Counter(n.kind for n in m.nodes)
    assert m.forces == 1 and kinds["Process"] == 500
    assert set(kinds) == set(SCHEMA.node_names)
    assert {e.rel for e in m.edges} == set(SCHEMA.edge_names)
    lines = Counter(n.line for n in m.nodes if n.kind == "AssuranceSource")
    assert set(lines) == {1, 2, 3, 4}
    assert 8 <= len(m.edges) / kinds["Process"] <= 12  # ~10 links per process: stress reaches ~1,000,000
    panels = [n for n in m.nodes if n.kind == "Meeting" and n.panel]
    assert len(panels) == 1
    national = generate(2 * 465)
    assert national.forces == 2 and len({n.id.split("-")[0] for n in national.nodes}) == 2


def test_every_gap_rule_fires_and_every_class_occurs(store):
    m = generate(300, seed=2)
    store.upsert(m.nodes, m.edges)
    report = analyse(store, as_of=AS_OF)
    assert {f.rule for f in report.findings} == set(RULES)
    assert {a.status for a in report.assessments} == set(Status)
    assert len(report.assessments) == 300


@pytest.mark.parametrize("ext", [".json", ".yaml", ".xlsx"])
def test_written_files_load_back_into_the_same_graph(store, tmp_path, ext, small):
    path = write(small, tmp_path / f"map{ext}")
    report = load([path], store)
    assert report.ok, report.errors[:3]
    assert not report.errors
    counts = store.counts()
    assert counts.total_nodes == len(small.nodes) and counts.total_edges == len(small.edges)
    stored = {n.id: n for n in small.nodes}
    for node in random.Random(1).sample(small.nodes, 40):
        assert store.get_node(node.id) == stored[node.id]
    for e in random.Random(2).sample(small.edges, 40):
        assert store.get_edge(e.source, e.rel, e.target) == e


def test_writer_uses_the_loader_columns(tmp_path, small):
    tables = json.loads(write(small, tmp_path / "map.json").read_text())
    assert set(tables) <= set(TABLE_NAMES)
    for table, rows in tables.items():
        for row in rows:
            assert set(row) <= set(columns(table)), (table, row)
    assert any("assures" in r for r in tables["assurance_sources"])
    # links with a note, and a risk's links (which have no column of their own), go to the links table
    assert {r["rel"] for r in tables["links"]} == {"LINKED_TO", "OVERSEES"}
    assert any(r.get("note") for r in tables["links"])
    with pytest.raises(ValueError, match="expected .json, .yaml, .yml or .xlsx"):
        write(small, tmp_path / "map.csv")


def test_generate_command_loads_the_store_or_writes_a_file(store, tmp_path, capsys):
    assert run_generate(argparse.Namespace(size=None, processes=60, seed=1, out=None), store) == 0
    assert store.counts().nodes["Process"] == 60
    out = tmp_path / "map.yaml"
    assert run_generate(argparse.Namespace(size="force", processes=None, seed=1, out=str(out)), store) == 0
    assert out.stat().st_size > 0
    assert store.counts().nodes["Process"] == 60  # --out writes the file only
    assert run_generate(argparse.Namespace(size=None, processes=60, seed=1, out=str(tmp_path / "m.txt")), store) == 2
    assert "expected .json" in capsys.readouterr().err


def test_loading_in_slices_gives_the_same_graph_as_one_write(store):
    m = generate(40, seed=3)
    assert write_to_store(m, store, rows=150) > 2
    counts = store.counts()
    assert (counts.total_nodes, counts.total_edges) == (len(m.nodes), len(m.edges))
    store.clear()
    assert write_to_store(m, store, rows=0) == 1
    assert store.counts() == counts
