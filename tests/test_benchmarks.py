"""A tiny run of the benchmark on both stores (the test run's Neo4j), so it cannot rot:
every section is produced with sane figures. Nothing here asserts a timing."""
from __future__ import annotations

import json

import pytest

from benchmarks import api_latency
from benchmarks.machine import describe
from benchmarks.run import Options, main, processes_for, report_text, run
from benchmarks.targets import check


@pytest.fixture(scope="module")
def results(neo4j, tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.json"
    store = neo4j.store()
    store.clear()
    store.close()
    opts = Options(sizes=["50"], stores=["embedded", "neo4j"], quick=True, out=out, neo4j_uri=neo4j.uri,
                   neo4j_user=neo4j.user, neo4j_password=neo4j.password, api_seconds=1)
    data = run(opts, say=lambda _: None)
    return data, json.loads(out.read_text())


def test_the_json_written_is_what_the_run_returned(results):
    data, written = results
    assert written["runs"] == data["runs"]
    for section in ("machine", "options", "generated", "runs", "views"):
        assert written[section], section
    assert written["targets"] == []  # targets are set for the named sizes, not for a smoke run


def test_the_machine_is_stated(results):
    m = results[1]["machine"]
    assert m["cores"] >= 1 and m["ram_gib"] > 0 and m["cpu"] and m["python"]
    assert m["neo4j"].split(".")[0].isdigit()


def test_every_store_has_every_figure(results):
    runs = results[1]["runs"]
    assert [r["store"] for r in runs] == ["embedded", "neo4j"]
    for r in runs:
        assert r["processes"] == 50 and r["rows"] == r["nodes"] + r["edges"] > 0
        for part in ("load", "load_naive", "gaps", "gaps_naive", "tangle"):
            assert r[part]["seconds"] > 0, (r["store"], part)
            assert r[part]["peak_mb"] > 0
        assert r["gaps"]["serialise_seconds"] > 0 and r["gaps"]["json_mb"] > 0
        scoped = r["scoped"]
        assert scoped["whole_seconds"] > 0 and scoped["area_median_seconds"] > 0 and scoped["node_median_seconds"] > 0
        assert set(scoped["area_seconds"]) == set(scoped["area_processes"]) and scoped["nodes_timed"] >= 6
        assert r["tangle"]["meetings_added"] == 6000 and r["tangle"]["ratio"] > 0
        assert r["api"]["first_vs_report"] > 0 and r["api"]["single_request_cpu_ms"] > 0
        assert r["api_gaps_compressed"]["headers"]["Accept-Encoding"] and r["api_gaps_304"]["status"] == 304
        assert r["api_gaps_compressed"]["response_bytes"] < r["api"]["response_bytes"]
        assert r["api_dashboard"]["p50_ms"] > 0 and r["api_dashboard"]["errors"]["status"] == 0
        assert r["load"]["rows_per_s"] > 0 and r["load"]["ratio"] > 0
        assert 0 < r["load_naive"]["rows"] <= 300 + 2
        assert r["gaps"]["findings"] > 0 and r["gaps"]["assessments"] == 50 and r["gaps"]["ratio"] > 0
        assert r["gaps_naive"]["agrees_with_analyse"] and r["gaps_naive"]["processes_timed"] == 50
        api = r["api"]
        assert api["tool"] == "wrk" and api["requests"] > 0 and api["response_bytes"] > 0
        assert 0 < api["p50_ms"] <= api["p95_ms"]
        assert api["errors"]["status"] == 0
    assert runs[0]["load_file"]["rows_per_s"] > 0 and "load_file" not in runs[1]


def test_views(results):
    (v,) = results[1]["views"]
    assert v["target_nodes"] == 500 and 400 < v["nodes"] < 600 and v["html_kib"] > 0 and v["seconds"] > 0
    assert 0 < v["page_seconds"] <= v["seconds"]


def test_targets_pass_or_fail_by_size_and_store():
    national = {"size": "national", "store": "neo4j", "load": {"rows_per_s": 25_000.0, "ratio": 12.0},
                "gaps": {"seconds": 0.8, "ratio": 60.0}, "scoped": {"area_cost_ratio": 1.2, "node_ratio": 40.0},
                "api": {"p50_ms": 3.0, "first_vs_report": 0.9}, "api_gaps_compressed": {"p50_ms": 3.0},
                "api_dashboard": {"p50_ms": 1500.0}}
    view = {"target_nodes": 5000, "seconds": 2.5}
    verdicts = {t["target"]: t["result"] for t in check([national, {**national, "size": "12"}], [view])}
    assert verdicts == {
        "load into Neo4j >= 30,000 rows/s (national)": "FAIL",
        "load into Neo4j >= 20x the one-write-per-row baseline": "FAIL",
        "gap report at 20,000 processes < 1 s (Neo4j)": "PASS",
        "gap report >= 50x the per-process (N+1) baseline (Neo4j)": "PASS",
        "every area's report in turn costs <= 1.5x the whole map's once": "PASS",
        "one node's report >= 50x cheaper than the whole map's": "FAIL",
        "GET /gaps unchanged, compressed, p50 < 50 ms under 8 connections": "PASS",
        "first GET /gaps <= the report plus one serialisation (CPU, +10%)": "PASS",
        "dashboard of a national map, p50 < 1 s": "FAIL",
        "5,000-node view generated < 2 s": "FAIL",
    }
    assert len(check([national], [])) == 9  # the smoke-size copy above got no verdicts
    embedded = {"size": "stress", "store": "embedded", "gaps": {"seconds": 3.0, "ratio": 9.0}}
    assert [(t["target"], t["result"]) for t in check([embedded], [])] == [
        ("gap report at 100,000 processes < 2.5 s (embedded)", "FAIL"), ("the stress map loads and reports", "PASS")]
    failed = {**embedded, "error": {"step": "gaps", "error": "MemoryError"}}
    assert ("the stress map loads and reports", "FAIL") in [(t["target"], t["result"]) for t in check([failed], [])]
    force = {"size": "force", "store": "neo4j", "load": {"rows_per_s": 16_000.0, "ratio": 30.0}}
    assert {t["target"]: t["result"] for t in check([force], [])} == {
        "load into Neo4j >= 15,000 rows/s (one force)": "PASS",
        "load into Neo4j >= 20x the one-write-per-row baseline": "PASS"}


def test_the_printed_report_states_machine_and_verdicts(results):
    text = report_text(results[1])
    assert describe(results[1]["machine"]) in text
    assert "x naive" in text and "GET /gaps p50 / p95 ms" in text and "All figures on" in text
    assert "dashboard p50 ms" in text and "node median ms" in text and "with ring and chain s" in text
    assert "peak MiB" in text and "API server" in text


def test_sizes_and_bad_options():
    assert processes_for("national") == 20_000 and processes_for("75") == 75
    with pytest.raises(ValueError, match="unknown size"):
        processes_for("galactic")
    assert main(["--skip", "everything"]) == 2


def test_wrk_output_is_parsed():
    out = ("Running 1s test\nBENCH p50_us=1500 p95_us=4000 p99_us=5000 max_us=6000 requests=20 duration_us=1000000 "
           "errors_connect=0 errors_read=0 errors_write=0 errors_status=1 errors_timeout=0\n")
    parsed = api_latency.parse_wrk(out)
    assert parsed["p50_ms"] == 1.5 and parsed["p95_ms"] == 4.0 and parsed["requests_per_s"] == 20.0
    assert parsed["errors"]["status"] == 1
    with pytest.raises(api_latency.ApiBenchError, match="no result line"):
        api_latency.parse_wrk("wrk: connection refused")
