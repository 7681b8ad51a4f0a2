"""The measured steps. Each returns plain figures; each baseline runs on the same data in
the same run, so a ratio compares like with like on the same machine."""
from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api.reports import report_bytes
from graphmodel.gaps import Policy, analyse
from graphmodel.gaps.facts import INDEPENDENT_LINES, Context
from graphmodel.gaps.model import Report
from graphmodel.models import Edge, Node, node_from_dict
from graphmodel.store import Direction, Store
from graphmodel.store.embedded import EmbeddedStore
from loaders.load import load
from loaders.synthetic import AS_OF, SyntheticMap, generate, write, write_to_store

from .memory import Peak

NAIVE_RULES = ("G1", "G2", "G3")


def _timed(fn: Callable[[], Any]) -> tuple[float, Any, Peak]:
    with Peak() as peak:
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
    return seconds, result, peak


def _rate(rows: int, seconds: float) -> float:
    return round(rows / seconds, 1) if seconds > 0 else 0.0


# -- loading ----------------------------------------------------------------------------

def load_batched(m: SyntheticMap, store: Store, slice_rows: int | None, times: int = 1) -> dict[str, Any]:
    """The whole map through `store.upsert` (in slices of `slice_rows` when given), into an empty
    store, `times` times: the figure is the last, with the first shown too (on a server just
    started, the first bulk write also warms its compiled query runtime, as a running service's
    server has long done)."""
    loads = []
    for _ in range(max(times, 1)):
        store.clear()
        seconds, writes, peak = _timed(lambda: write_to_store(m, store, slice_rows))
        loads.append(seconds)
        counts = store.counts()
        if (counts.total_nodes, counts.total_edges) != (len(m.nodes), len(m.edges)):
            raise AssertionError(f"the store holds {counts.total_nodes} nodes and {counts.total_edges} edges, "
                                 f"not the {len(m.nodes)} and {len(m.edges)} written")
    return {"rows": m.rows, "seconds": round(seconds, 4), "rows_per_s": _rate(m.rows, seconds), "writes": writes,
            "first_rows_per_s": _rate(m.rows, loads[0]), "loads": len(loads), **peak.as_dict()}


def naive_sample(m: SyntheticMap, rows: int) -> tuple[list[Node], list[Edge]]:
    """The first links of the map with their end nodes, about `rows` rows in all: a piece of
    the map as it would be typed in, row by row."""
    by_id = {n.id: n for n in m.nodes}
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    for e in m.edges:
        if len(nodes) + len(edges) >= rows:
            break
        for end in (e.source, e.target):
            nodes.setdefault(end, by_id[end])
        edges.append(e)
    return list(nodes.values()), edges


def load_naive(m: SyntheticMap, store: Store, rows: int) -> dict[str, Any]:
    """Baseline: one `store.upsert` per node and per edge (one transaction per row), on a sample."""
    nodes, edges = naive_sample(m, rows)
    store.clear()

    def one_by_one() -> None:
        for n in nodes:
            store.upsert([n])
        for e in edges:
            store.upsert((), [e])

    seconds, _, peak = _timed(one_by_one)
    store.clear()
    n = len(nodes) + len(edges)
    return {"rows": n, "seconds": round(seconds, 4), "rows_per_s": _rate(n, seconds), "sampled": n < m.rows,
            "sample": f"first {len(edges)} links of the map and their {len(nodes)} end nodes", **peak.as_dict()}


def load_file(m: SyntheticMap, work: Path, fmt: str = ".json") -> dict[str, Any]:
    """The loader from an import file into a fresh embedded store: read, validate, check, write."""
    path = write(m, work / f"map{fmt}")
    store = EmbeddedStore(work / "from-file.json")
    try:
        seconds, report, peak = _timed(lambda: load([path], store))
        if not report.ok or not report.written:
            raise AssertionError(f"the generated file did not load: {report.errors[:5]}")
    finally:
        store.close()
        (work / "from-file.json").unlink(missing_ok=True)
    return {"rows": m.rows, "seconds": round(seconds, 4), "rows_per_s": _rate(m.rows, seconds), "format": fmt,
            "file_mb": round(path.stat().st_size / 2 ** 20, 1), **peak.as_dict()}


# -- gap analysis -------------------------------------------------------------------------

def gap_report(store: Store, repeats: int) -> tuple[dict[str, Any], Report]:
    """`analyse` over the whole map, `repeats` times: the median is the figure; the first, made
    just after the load (facts not yet kept for this version of the map, and on Neo4j the query
    plans new), is shown too. Then one serialisation of the report as the API sends it."""
    cpu = time.process_time()
    runs = [_timed(lambda: analyse(store, as_of=AS_OF))]
    first_cpu = time.process_time() - cpu
    runs += [_timed(lambda: analyse(store, as_of=AS_OF)) for _ in range(max(repeats, 1) - 1)]
    times = [seconds for seconds, _, _ in runs]
    report = runs[-1][1]
    peak = max((p for _, _, p in runs), key=lambda p: p.peak_mb)
    cpu = time.process_time()
    serialise, body, _ = _timed(lambda: report_bytes(report))
    serialise_cpu = time.process_time() - cpu
    return {"seconds": round(statistics.median(times), 4), "first_seconds": round(times[0], 4), "repeats": repeats,
            "findings": len(report.findings), "assessments": len(report.assessments),
            "serialise_seconds": round(serialise, 4), "json_mb": round(len(body) / 2 ** 20, 2),
            # CPU time, for comparing with the API server's first request on a machine others share
            "first_cpu_seconds": round(first_cpu, 4), "serialise_cpu_seconds": round(serialise_cpu, 4),
            **peak.as_dict()}, report


def gap_scoped(fresh: Callable[[], Store], report: Report, nodes: list[Node]) -> dict[str, Any]:
    """One area's and one node's report, each on a store object that has kept no facts (as after a
    write): every area, and a sample of nodes of every kind, the median of each. Beside them the
    whole map's report on such a store, the cost they are compared with."""
    whole, whole_peak = _coldest(fresh, lambda store: analyse(store, as_of=AS_OF))
    store = fresh()
    try:
        counts: dict[str, int] = {}
        for a in report.assessments:
            counts[a.area] = counts.get(a.area, 0) + 1
        areas = {}
        with Peak() as peak:
            for area in sorted(counts):
                areas[area] = _timed(lambda: analyse(store, as_of=AS_OF, area=area))[0]  # noqa: B023
            by_kind: dict[str, list[str]] = {}
            for n in nodes:
                by_kind.setdefault(n.kind, []).append(n.id)
            sample = [i for ids in by_kind.values() for i in ids[:: max(1, len(ids) // 8)][:8]]
            node_times = [_timed(lambda: analyse(store, as_of=AS_OF, node=i))[0] for i in sample]  # noqa: B023
    finally:
        store.close()
    node_s = statistics.median(node_times)
    return {"whole_seconds": round(whole, 4), "whole_peak_mb": whole_peak.peak_mb,
            "area_seconds": {a: round(s, 4) for a, s in areas.items()}, "area_processes": counts,
            "area_median_seconds": round(statistics.median(areas.values()), 4),
            "areas_total_seconds": round(sum(areas.values()), 4),
            "area_cost_ratio": round(sum(areas.values()) / whole, 2),
            "node_median_seconds": round(node_s, 5), "nodes_timed": len(node_times),
            "node_ratio": round(whole / node_s, 1) if node_s else None, **peak.as_dict()}


def reporting_tangle(fresh: Callable[[], Store], m: SyntheticMap, size: int = 3000) -> dict[str, Any]:
    """The map with a {size}-meeting REPORTS_TO ring that reaches no panel and a {size}-long chain
    up to a panel added, every tenth source also reporting into the ring and ten into the foot of
    the chain: the whole report on a store that has kept no facts, against the same without them
    (the baseline, same run). (Sources on the chain's route are named in full in their reporting
    words, so only a few are put there: the words, not the finding of routes, would be measured.)"""
    baseline, _ = _coldest(fresh, lambda store: analyse(store, as_of=AS_OF))
    ring = [node_from_dict("Meeting", {"id": f"RING-{i}", "name": f"Ring board {i}"}) for i in range(size)]
    chain = [node_from_dict("Meeting", {"id": f"CHAIN-{i}", "name": f"Chain board {i}", "panel": i == size - 1})
             for i in range(size)]
    links = [Edge(source=f"RING-{i}", rel="REPORTS_TO", target=f"RING-{(i + 1) % size}") for i in range(size)]
    links += [Edge(source=f"CHAIN-{i}", rel="REPORTS_TO", target=f"CHAIN-{i + 1}") for i in range(size - 1)]
    sources = [n.id for n in m.nodes if n.kind == "AssuranceSource"][::10]
    links += [Edge(source=s, rel="REPORTS_TO", target=f"RING-{i % size}") for i, s in enumerate(sources)]
    links += [Edge(source=s, rel="REPORTS_TO", target="CHAIN-0") for s in sources[1::max(1, len(sources) // 10)]]
    writer = fresh()
    try:
        writer.upsert(ring + chain, links)
    finally:
        writer.close()
    tangled, peak = _coldest(fresh, lambda store: analyse(store, as_of=AS_OF))
    return {"meetings_added": 2 * size, "links_added": len(links), "sources_reporting_in": len(sources),
            "seconds": round(tangled, 4), "baseline_seconds": round(baseline, 4),
            "ratio": round(tangled / baseline, 2), **peak.as_dict()}


def _coldest(fresh: Callable[[], Store], work: Callable[[Store], Any], times: int = 2) -> tuple[float, Peak]:
    """The least time `work` took on each of `times` new store objects (each has kept no facts):
    on a machine others share, the least is the truest figure of what the work costs."""
    runs = []
    for _ in range(times):
        store = fresh()
        try:
            seconds, _, peak = _timed(lambda: work(store))  # noqa: B023
        finally:
            store.close()
        runs.append((seconds, peak))
    return min(s for s, _ in runs), max((p for _, p in runs), key=lambda p: p.peak_mb)


def naive_rules(store: Store, process_id: str, ctx: Context) -> set[str]:
    """G1-G3 for one process from its own query: the N+1 pattern."""
    sources = [nb.node for nb in store.neighbours(process_id, rel="ASSURES", direction=Direction.IN)]
    if not sources:
        return {"G1"}
    held = set()
    if all(s.line == 1 for s in sources):
        held.add("G2")
    if not any(s.line in INDEPENDENT_LINES and s.last_assured is not None
               and s.last_assured >= ctx.independent_cutoff for s in sources):
        held.add("G3")
    return held


def gap_naive(m: SyntheticMap, store: Store, sample: int, report: Report, seed: int = 1) -> dict[str, Any]:
    """Baseline: one neighbours() query per Process, G1-G3 evaluated in Python; timed on a
    sample of processes and scaled to all of them. Its answers are checked against `analyse`."""
    ids = [p.id for p in m.processes()]
    chosen = ids if sample >= len(ids) else random.Random(seed).sample(ids, sample)
    ctx = Context(AS_OF, Policy())
    seconds, held, peak = _timed(lambda: {pid: naive_rules(store, pid, ctx) for pid in chosen})
    expected: dict[str, set[str]] = {pid: set() for pid in chosen}
    for a in report.assessments:
        if a.process_id in expected:
            expected[a.process_id] = {r for r in a.rules if r in NAIVE_RULES}
    disagree = sorted(pid for pid in chosen if held[pid] != expected[pid])
    if disagree:
        raise AssertionError(f"the N+1 baseline and analyse disagree on G1-G3 for {disagree[:5]}")
    estimated = seconds * len(ids) / len(chosen)
    return {"processes": len(ids), "processes_timed": len(chosen), "seconds_timed": round(seconds, 4),
            "seconds": round(estimated, 4), "extrapolated": len(chosen) < len(ids), "rules": list(NAIVE_RULES),
            "agrees_with_analyse": True, **peak.as_dict()}


# -- views -------------------------------------------------------------------------------

def _map_of_about(nodes: int, seed: int) -> SyntheticMap:
    """A generated map of about `nodes` nodes (the ratio of nodes to processes is stable)."""
    probe = generate(500, seed)
    per_process = len(probe.nodes) / 500
    return generate(max(1, round(nodes / per_process)), seed)


def view(nodes: int, seed: int) -> dict[str, Any]:
    """`assurance-map view` for the whole map: analyse, export and render the map page."""
    from viz.pages import map_page

    m = _map_of_about(nodes, seed)
    with tempfile.TemporaryDirectory(prefix="bench-view-") as tmp:
        store = EmbeddedStore(Path(tmp) / "view.json")
        store.upsert(m.nodes, m.edges)

        def render() -> tuple[str, float]:
            g = store.export()
            report = analyse(store, as_of=AS_OF)
            start = time.perf_counter()
            html = map_page(g, report)
            return html, time.perf_counter() - start

        seconds, (html, page_seconds), peak = _timed(render)
        store.close()
    return {"target_nodes": nodes, "nodes": len(m.nodes), "edges": len(m.edges), "seconds": round(seconds, 4),
            "page_seconds": round(page_seconds, 4), "html_kib": len(html.encode("utf-8")) // 1024, **peak.as_dict()}



def pages(store: Store, report: Report) -> dict[str, Any]:
    """The pages a panel member opens first, as the server builds them: the whole map (at area
    level on a large map), the area with the most processes opened in it, and the dashboard."""
    from viz import pages as views
    from viz import urls

    g = store.export()
    areas: dict[str, int] = {}
    for a in report.assessments:
        areas[a.area] = areas.get(a.area, 0) + 1
    biggest = max(sorted(areas), key=areas.__getitem__) if areas else None
    served: dict[str, Any] = {"asset_base": urls.ASSET_BASE, "links": True}
    builds = {"whole map": lambda: views.map_page(g, report, **served),
              f"whole map, {biggest} open": lambda: views.map_page(g, report, expand=biggest, **served),
              "dashboard": lambda: views.dashboard_page(g, report, asset_base=urls.ASSET_BASE)}
    out = {}
    for name, build in builds.items():
        start = time.perf_counter()
        html = build()
        seconds = time.perf_counter() - start
        boxes = html.count('"shape":"box"') if "graph-data" in html else None
        out[name] = {"seconds": round(seconds, 4), "kib": len(html.encode("utf-8")) // 1024, "boxes": boxes}
    return out
