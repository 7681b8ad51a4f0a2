"""`python -m benchmarks.run`: load, gap analysis, views and API latency at force, national
and stress scale, on both stores, each figure beside a baseline measured in the same run.

    python -m benchmarks.run --sizes force,national --stores embedded,neo4j
    python -m benchmarks.run --sizes 50 --quick           # a smoke run in seconds

Neo4j: the server at --neo4j-uri or NEO4J_URI (credentials NEO4J_USER / NEO4J_PASSWORD),
else a throw-away server started for the run. The benchmark empties the database it is
given, so a database that holds anything needs --clear-neo4j.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from graphmodel.files import atomic_write
from graphmodel.store import Store
from graphmodel.store.embedded import EmbeddedStore
from loaders.synthetic import AS_OF, SIZES, SLICE_ROWS, generate

from . import api_latency, steps, targets
from .machine import describe, machine
from .memory import process_peak_mb

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "latest.json"
STORES = ("embedded", "neo4j")
STEPS = ("naive", "file", "nplus1", "pages", "scoped", "tangle", "api", "views")  # the steps --skip can leave out
# Pages, scoped reports, the reporting tangle and the API are measured at every size but stress,
# where the embedded store's reloads of its file for each fresh store object (and the API
# server's) would take minutes; the stress size is for loading and the full report.
NOT_AT_STRESS = ("pages", "scoped", "tangle", "api")
Say = Callable[[str], None]


@dataclass
class Options:
    sizes: list[str] = field(default_factory=lambda: ["force", "national"])
    stores: list[str] = field(default_factory=lambda: list(STORES))
    quick: bool = False
    seed: int = 1
    out: Path = DEFAULT_OUT
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    clear_neo4j: bool = False
    slice_rows: int | None = None  # rows per upsert; None: as loaders.synthetic.SLICE_ROWS says per store
    skip: set[str] = field(default_factory=set)
    views: tuple[int, ...] = (500, 5000)
    api_seconds: int | None = None  # wrk duration; default 10 s, 2 s with --quick
    # The Neo4j server started for the run is sized as a national deployment would be: a heap of a
    # few GiB and a page cache that holds the whole store (devtools' defaults are small, for tests).
    neo4j_heap: str = "2g"
    neo4j_pagecache: str = "1g"

    # Sample sizes for the baselines and the load, smaller with --quick.
    @property
    def naive_rows(self) -> int:
        return 300 if self.quick else 2000

    @property
    def nplus1_processes(self) -> int:
        return 200 if self.quick else 1000

    @property
    def repeats(self) -> int:
        return 1 if self.quick else 5

    @property
    def api_load(self) -> api_latency.Load:
        return api_latency.Load(seconds=self.api_seconds or (2 if self.quick else 10))


def processes_for(size: str) -> int:
    """A size name (force, national, stress) or a number of processes."""
    if size in SIZES:
        return SIZES[size]
    if size.isdigit() and int(size) > 0:
        return int(size)
    raise ValueError(f"unknown size {size!r}; expected {', '.join(SIZES)} or a number of processes")


class Neo4jError(RuntimeError):
    pass


@contextlib.contextmanager
def open_stores(opts: Options, work: Path, say: Say) -> Iterator[tuple[dict[str, Store], dict[str, Any]]]:
    """The stores to measure, and facts about them (Neo4j version, server process)."""
    stores: dict[str, Store] = {}
    facts: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        if "embedded" in opts.stores:
            stores["embedded"] = stack.enter_context(EmbeddedStore(work / "embedded.json"))
        if "neo4j" in opts.stores:
            from graphmodel.store.neo4j import Neo4jStore

            uri, user, password = opts.neo4j_uri, opts.neo4j_user, opts.neo4j_password
            if uri is None:
                from devtools.neo4j_server import HEAP_ENV, PAGECACHE_ENV, start_server

                say(f"starting a Neo4j server for this run (heap {opts.neo4j_heap}, page cache "
                    f"{opts.neo4j_pagecache}) ...")
                os.environ[HEAP_ENV], os.environ[PAGECACHE_ENV] = opts.neo4j_heap, opts.neo4j_pagecache
                server = start_server()
                stack.callback(server.stop)
                uri, user, password = server.uri, server.user, server.password
                if server.process is not None:
                    facts["neo4j_pid"] = server.process.pid
            store = stack.enter_context(Neo4jStore(uri, user, password))
            store.ping()
            if store.counts().total_nodes and not opts.clear_neo4j:
                raise Neo4jError(f"the Neo4j database at {uri} is not empty and the benchmark would empty it; "
                                 "pass --clear-neo4j to allow that")
            facts["neo4j_version"] = store.read("CALL dbms.components() YIELD versions RETURN versions[0] AS v")[0]["v"]
            facts["neo4j_env"] = {"ASSURANCE_MAP_STORE": uri, "NEO4J_USER": user or "",
                                  "NEO4J_PASSWORD": password or ""}
            facts["neo4j_fresh"] = lambda: Neo4jStore(uri, user, password)
            if server_started := "neo4j_pid" in facts:
                facts["neo4j_memory"] = {"heap": os.environ[HEAP_ENV], "pagecache": os.environ[PAGECACHE_ENV]}
            facts["neo4j_started"] = server_started
            stores["neo4j"] = store
        yield stores, facts
        for measured in stores.values():
            measured.clear()


def _ratio(fast: float | None, slow: float | None) -> float | None:
    return round(fast / slow, 2) if fast and slow else None


BROWSER = (("Accept-Encoding", "gzip, deflate, br"),)


def api_probes() -> list[api_latency.Probe]:
    """GET /gaps as a program without compression asks for it (the first request of all computes
    the report), as a browser asks, as a client that holds it; and the dashboard page."""
    gaps = f"/gaps?as_of={AS_OF.isoformat()}"
    return [api_latency.Probe("gaps", gaps), api_latency.Probe("gaps_compressed", gaps, BROWSER),
            api_latency.Probe("gaps_304", gaps, if_none_match=True),
            api_latency.Probe("dashboard", f"/dashboard?as_of={AS_OF.isoformat()}", BROWSER)]


def measure_store(m: Any, size: str, store: Store, opts: Options, work: Path, env: dict[str, str],
                  fresh: Callable[[], Store], say: Say) -> dict[str, Any]:
    """Every step on one store. A step that fails is recorded in the run (with what failed and
    why) and the store's remaining steps are skipped, so the other figures are kept."""
    run: dict[str, Any] = {"size": size, "store": store.backend, "processes": len(m.processes()),
                           "nodes": len(m.nodes), "edges": len(m.edges), "rows": m.rows}
    naive_rate = lambda: run.get("load_naive", {}).get("rows_per_s")  # noqa: E731
    step = ""

    def doing(name: str, text: str) -> None:
        nonlocal step
        step = name
        say(f"  {store.backend}: {text} ...")

    try:
        if "naive" not in opts.skip:
            doing("load_naive", f"one write per row on {opts.naive_rows} rows")
            run["load_naive"] = steps.load_naive(m, store, opts.naive_rows)
        doing("load", f"loading {m.rows} rows through store.upsert")
        # Twice on Neo4j below stress size (the figure is the second; see steps.load_batched).
        run["load"] = steps.load_batched(m, store, opts.slice_rows,
                                         times=2 if store.backend == "neo4j" and size != "stress" else 1)
        run["load"]["ratio"] = _ratio(run["load"]["rows_per_s"], naive_rate())
        if store.backend == "embedded" and "file" not in opts.skip:
            doing("load_file", "loading the same map from a JSON import file")
            run["load_file"] = steps.load_file(m, work)
            run["load_file"]["ratio"] = _ratio(run["load_file"]["rows_per_s"], naive_rate())
        doing("gaps", "gap report")
        run["gaps"], report = steps.gap_report(store, opts.repeats)
        if "nplus1" not in opts.skip:
            doing("gaps_naive", f"per-process (N+1) baseline on {opts.nplus1_processes} processes")
            run["gaps_naive"] = steps.gap_naive(m, store, opts.nplus1_processes, report, opts.seed)
            run["gaps"]["ratio"] = _ratio(run["gaps_naive"]["seconds"], run["gaps"]["seconds"])
        skip = opts.skip | (set(NOT_AT_STRESS) if size == "stress" else set())
        if store.backend == "embedded" and "pages" not in skip:
            doing("pages", "building the whole map, an area opened in it and the dashboard as served")
            run["pages"] = steps.pages(store, report)
        if "scoped" not in skip:
            doing("scoped", "one area's and one node's reports")
            run["scoped"] = steps.gap_scoped(fresh, report, m.nodes)
        if "api" not in skip:
            doing("api", f"GET /gaps and /dashboard under load with wrk for at least {opts.api_load.seconds} s each")
            answers = api_latency.measure(env, api_probes(), opts.api_load)
            run["api"] = answers.pop("gaps")
            # Costs compared as CPU time: the server's for its first request, this process's for the
            # first report and its serialisation (wall time would mostly measure who else was busy).
            gaps = run["gaps"]
            report_ms = 1000 * (gaps["first_cpu_seconds"] + gaps["serialise_cpu_seconds"])
            run["api"]["first_vs_report"] = _ratio(run["api"]["single_request_cpu_ms"], report_ms)
            run.update({f"api_{name}": result for name, result in answers.items()})
        if "tangle" not in skip:
            doing("tangle", "a 3,000-meeting reporting ring and a 3,000-long chain added")
            run["tangle"] = steps.reporting_tangle(fresh, m)
    except Exception as exc:  # noqa: BLE001 - recorded and reported; the run goes on with the next store
        run["error"] = {"step": step, "error": f"{type(exc).__name__}: {' '.join(str(exc).split())}"}
        say(f"  {store.backend}: {step} FAILED: {run['error']['error']}; its remaining steps are skipped")
    return run


def run(opts: Options, say: Say = print) -> dict[str, Any]:
    """Every measurement the options ask for; the results are also written to opts.out as JSON."""
    sizes = [(s, processes_for(s)) for s in opts.sizes]
    unknown = set(opts.stores) - set(STORES)
    if unknown:
        raise ValueError(f"unknown store(s) {', '.join(sorted(unknown))}; expected {', '.join(STORES)}")
    started = time.time()
    runs, generated = [], []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp, open_stores(opts, Path(tmp), say) as (stores, facts):
        facts_machine = machine(facts.get("neo4j_version"))
        if "neo4j_memory" in facts:
            facts_machine["neo4j_memory"] = facts["neo4j_memory"]
        say(f"machine: {describe(facts_machine)}")
        for size, processes in sizes:
            say(f"{size}: generating about {processes} processes (seed {opts.seed}) ...")
            start = time.perf_counter()
            m = generate(processes, opts.seed)
            generated.append({"size": size, "processes": len(m.processes()), "forces": m.forces,
                              "nodes": len(m.nodes), "edges": len(m.edges),
                              "seconds": round(time.perf_counter() - start, 3)})
            for store in stores.values():
                if isinstance(store, EmbeddedStore):
                    env = {"ASSURANCE_MAP_STORE": str(store.path)}
                    fresh: Callable[[], Store] = partial(EmbeddedStore, store.path)
                else:
                    env, fresh = facts["neo4j_env"], facts["neo4j_fresh"]
                runs.append(measure_store(m, size, store, opts, Path(tmp), env, fresh, say))
            del m
        views = []
        if "views" not in opts.skip:
            for nodes in (opts.views[:1] if opts.quick else opts.views):
                say(f"view of about {nodes} nodes ...")
                views.append(steps.view(nodes, opts.seed))
        if "neo4j_pid" in facts:
            facts_machine["neo4j_server_peak_mb"] = process_peak_mb(facts["neo4j_pid"])
    results = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "machine": facts_machine,
        "options": {"sizes": opts.sizes, "stores": opts.stores, "quick": opts.quick, "seed": opts.seed,
                    "as_of": AS_OF.isoformat(), "slice_rows": opts.slice_rows, "skip": sorted(opts.skip),
                    "naive_rows": opts.naive_rows, "nplus1_processes": opts.nplus1_processes,
                    "repeats": opts.repeats, "api_load": vars(opts.api_load)},
        "generated": generated,
        "runs": runs,
        "views": views,
        "targets": targets.check(runs, views),
    }
    with atomic_write(opts.out) as fh:
        fh.write(json.dumps(results, indent=2) + "\n")
    return results


# -- the printed report -------------------------------------------------------------------

def _fmt(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and digits:
        return f"{value:,.{digits}f}"
    return f"{value:,.0f}" if isinstance(value, (int, float)) else str(value)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:  # first column left-aligned, figures right-aligned
        return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


MEMORY_STEPS = (("load_naive", "naive"), ("load", "load"), ("load_file", "file"), ("gaps", "gaps"),
                ("gaps_naive", "N+1"), ("scoped", "scoped"), ("tangle", "tangle"))


def _map(r: dict[str, Any]) -> str:
    return f"{r['size']} ({r['processes']:,} processes)"


def report_text(results: dict[str, Any]) -> str:
    on = f"on {describe(results['machine'])}"
    out = [f"Benchmark {results['started']} {on}", ""]
    rows = []
    for r in results["runs"]:
        load, gaps = r.get("load", {}), r.get("gaps", {})
        naive, gn = r.get("load_naive", {}), r.get("gaps_naive", {})
        rows.append([
            _map(r), r["store"], _fmt(r["rows"]),
            _fmt(load.get("rows_per_s")), _fmt(naive.get("rows_per_s")), _fmt(load.get("ratio"), 1),
            _fmt(r.get("load_file", {}).get("rows_per_s")),
            _fmt(gaps.get("seconds"), 3), _fmt(gaps.get("first_seconds"), 3), _fmt(gn.get("seconds"), 2),
            _fmt(gaps.get("ratio"), 1),
        ])
    out.append(_table(["map", "store", "rows", "load rows/s", "naive rows/s", "x naive", "file rows/s",
                       "gaps s", "first s", "N+1 s", "x N+1"], rows))
    opts = results["options"]
    out += ["", "naive = one store.upsert per node or edge, timed on a sample of the map "
                f"({opts['naive_rows']} rows); N+1 = one neighbours() query per process "
                f"evaluating G1-G3, timed on {opts['nplus1_processes']} processes and scaled to all; "
                "gaps s = median of the repeats, first s = the first, just after the load (no facts kept yet); "
                "load on Neo4j below stress size = the second of two loads into the emptied database (the first, "
                "on a server just started, is in the JSON as load.first_rows_per_s); "
                "file = loaders.load from a JSON import file (embedded store); "
                "load = store.upsert in the writes shown in the JSON (load.writes)."]
    served = [r for r in results["runs"] if "api" in r]
    if served:
        out += ["", _table(
            ["map", "store", "GET /gaps p50 / p95 ms", "compressed p50 ms", "304 p50 ms", "MB / compressed KiB",
             "first ms (CPU)", "report + serialise CPU ms", "dashboard first ms", "dashboard p50 ms"],
            [[_map(r), r["store"], f"{_fmt(r['api']['p50_ms'], 1)} / {_fmt(r['api']['p95_ms'], 1)}",
              _fmt(r.get("api_gaps_compressed", {}).get("p50_ms"), 1), _fmt(r.get("api_gaps_304", {}).get("p50_ms"), 1),
              f"{r['api']['response_bytes'] / 2 ** 20:,.1f} / "
              f"{_fmt(r.get('api_gaps_compressed', {}).get('response_bytes', 0) / 1024)}",
              f"{_fmt(r['api']['single_request_ms'])} ({_fmt(r['api']['single_request_cpu_ms'])})",
              _fmt(1000 * (r["gaps"]["first_cpu_seconds"] + r["gaps"]["serialise_cpu_seconds"])),
              _fmt(r.get("api_dashboard", {}).get("single_request_ms")),
              _fmt(r.get("api_dashboard", {}).get("p50_ms"), 1)] for r in served])]
        api = opts["api_load"]
        out += ["", f"API = wrk -t{api['threads']} -c{api['connections']} for at least {api['seconds']} s per "
                    "request kind against uvicorn on 127.0.0.1 (one server per store and size); GET /gaps as a program "
                    "asks (no compression), compressed as a browser asks (br), 304 with the ETag held; first = the "
                    "first GET /gaps of the server, which computes the report: wall time and (the server's) CPU time, "
                    "compared with the CPU time of the first report and one serialisation in this process."]
    scoped = [r for r in results["runs"] if "scoped" in r]
    if scoped:
        out += ["", _table(
            ["map", "store", "whole map s", "area median s", "all areas s", "x whole", "node median ms",
             "x cheaper"],
            [[_map(r), r["store"], *(_fmt(s[k], 3) for k in ("whole_seconds", "area_median_seconds",
                                                               "areas_total_seconds")),
              _fmt(s["area_cost_ratio"], 2), _fmt(1000 * s["node_median_seconds"], 1), _fmt(s["node_ratio"], 0)]
             for r in scoped if (s := r["scoped"])])]
        out += ["", "Scoped: each on a store object that has kept no facts (as after a write); every area, and a "
                    "sample of nodes of every kind."]
    tangled = [r for r in results["runs"] if "tangle" in r]
    if tangled:
        out += ["", _table(["map", "store", "with ring and chain s", "without s", "ratio"],
                           [[_map(r), r["store"], _fmt(r["tangle"]["seconds"], 3),
                             _fmt(r["tangle"]["baseline_seconds"], 3), _fmt(r["tangle"]["ratio"], 2)]
                            for r in tangled])]
    memory = []
    for r in results["runs"]:
        cells = [_fmt(r.get(step, {}).get("peak_mb")) for step, _ in MEMORY_STEPS]
        memory.append([_map(r), r["store"], *cells, _fmt(r.get("api", {}).get("server_peak_mb"))])
    out += ["", _table(["peak MiB", "store", *[name for _, name in MEMORY_STEPS], "API server"], memory)]
    neo4j_peak = results["machine"].get("neo4j_server_peak_mb")
    out += ["", "Peak = resident-memory high-water mark of the benchmark process during each step (reset per step), "
                "of the API server over its whole run" + (f"; the Neo4j server's: {_fmt(neo4j_peak)} MiB" if neo4j_peak
                                                        else "") + "."]
    for r in results["runs"]:
        if "error" in r:
            out.append(f"FAILED: {r['size']} on {r['store']}, step {r['error']['step']}: {r['error']['error']}")
    pages = [(r, r["pages"]) for r in results["runs"] if "pages" in r]
    if pages:
        out += ["", _table(["map", "page", "boxes drawn", "build s", "KiB"],
                           [[f"{r['size']} ({r['nodes']:,} nodes)", name, _fmt(p.get("boxes")), _fmt(p["seconds"], 3),
                             _fmt(p["kib"])] for r, figures in pages for name, p in figures.items()])]
        out += ["pages = the HTML the server sends (scripts and styles are separate, cached files), built from "
                "the exported graph and the gap report already computed"]
    if results["views"]:
        out += ["", _table(["view", "nodes", "edges", "seconds (analyse + export + page)", "page only s", "KiB",
                            "peak MiB"],
                           [[f"about {v['target_nodes']:,} nodes", _fmt(v["nodes"]), _fmt(v["edges"]),
                             _fmt(v["seconds"], 3), _fmt(v["page_seconds"], 3), _fmt(v["html_kib"]),
                             _fmt(v["peak_mb"])]
                            for v in results["views"]])]
    if results["targets"]:
        out += ["", _table(["target", "store", "size", "measured", "result"],
                           [[t["target"], t["store"] or "-", t["size"] or "-",
                             f"{_fmt(t['value'], 3 if t['unit'] in ('s', 'x') else 1)} {t['unit']}".strip(),
                             t["result"]]
                            for t in results["targets"]])]
    out += ["", f"All figures {on}."]
    return "\n".join(out)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="force,national",
                   help="comma-separated: force (~500 processes), national (~20,000), stress (~100,000) or a number")
    p.add_argument("--stores", default=",".join(STORES), help="comma-separated: embedded, neo4j")
    p.add_argument("--quick", action="store_true",
                   help="smaller baseline samples, one gap-report repeat, 2 s of API load, the 500-node view only")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON results (default {DEFAULT_OUT})")
    p.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI"),
                   help="an existing server (default $NEO4J_URI; credentials from NEO4J_USER / NEO4J_PASSWORD); "
                        "without one a server is started for the run")
    p.add_argument("--clear-neo4j", action="store_true", help="allow emptying a Neo4j database that holds data")
    p.add_argument("--slice-rows", type=int, default=None,
                   help="rows per store.upsert (transaction) when loading, 0 for the whole map in one; default: "
                        + ", ".join(f"{k} {v or 'the whole map in one'}" for k, v in SLICE_ROWS.items()))
    p.add_argument("--api-seconds", type=int, default=None,
                   help="how long wrk loads the API at least (default 10, 2 with --quick)")
    p.add_argument("--neo4j-heap", default=Options.neo4j_heap,
                   help="heap of the Neo4j server started for the run (default %(default)s)")
    p.add_argument("--neo4j-pagecache", default=Options.neo4j_pagecache,
                   help="page cache of the Neo4j server started for the run (default %(default)s)")
    p.add_argument("--skip", default="", help=f"comma-separated steps to leave out: {', '.join(STEPS)}")
    return p


def _list(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # the driver's query notifications are not results
    # On SIGTERM unwind like Ctrl-C, so a started Neo4j server and the temporary stores are removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    skip = set(_list(args.skip))
    if skip - set(STEPS):
        print(f"unknown step(s) in --skip: {', '.join(sorted(skip - set(STEPS)))}", file=sys.stderr)
        return 2
    opts = Options(sizes=_list(args.sizes), stores=_list(args.stores), quick=args.quick, seed=args.seed,
                   out=args.out, neo4j_uri=args.neo4j_uri, neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
                   neo4j_password=os.environ.get("NEO4J_PASSWORD"), clear_neo4j=args.clear_neo4j,
                   slice_rows=args.slice_rows, skip=skip, api_seconds=args.api_seconds,
                   neo4j_heap=args.neo4j_heap, neo4j_pagecache=args.neo4j_pagecache)
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    try:
        results = run(opts, say)
    except (ValueError, Neo4jError, api_latency.ApiBenchError) as exc:
        print(f"benchmark: {exc}", file=sys.stderr)
        return 2
    print(report_text(results))
    print(f"\nwrote {opts.out}")
    return 1 if any("error" in r for r in results["runs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
