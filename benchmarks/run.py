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
STEPS = ("naive", "file", "nplus1", "api", "views", "pages")  # the steps --skip can leave out
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

    # Sample sizes for the baselines and the load, smaller with --quick.
    @property
    def naive_rows(self) -> int:
        return 300 if self.quick else 2000

    @property
    def nplus1_processes(self) -> int:
        return 200 if self.quick else 1000

    @property
    def repeats(self) -> int:
        return 1 if self.quick else 3

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
                from devtools.neo4j_server import start_server

                say("starting a Neo4j server for this run ...")
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
            stores["neo4j"] = store
        yield stores, facts
        for measured in stores.values():
            measured.clear()


def _ratio(fast: float | None, slow: float | None) -> float | None:
    return round(fast / slow, 1) if fast and slow else None


def measure_store(m: Any, size: str, store: Store, opts: Options, work: Path, env: dict[str, str],
                  say: Say) -> dict[str, Any]:
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
        run["load"] = steps.load_batched(m, store, opts.slice_rows)
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
        if store.backend == "embedded" and "pages" not in opts.skip:
            doing("pages", "building the whole map, an area opened in it and the dashboard as served")
            run["pages"] = steps.pages(store, report)
        if "api" not in opts.skip:
            doing("api", f"GET /gaps under load with wrk for at least {opts.api_load.seconds} s")
            run["api"] = api_latency.measure(env, f"/gaps?as_of={AS_OF.isoformat()}", opts.api_load)
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
        say(f"machine: {describe(facts_machine)}")
        for size, processes in sizes:
            say(f"{size}: generating about {processes} processes (seed {opts.seed}) ...")
            start = time.perf_counter()
            m = generate(processes, opts.seed)
            generated.append({"size": size, "processes": len(m.processes()), "forces": m.forces,
                              "nodes": len(m.nodes), "edges": len(m.edges),
                              "seconds": round(time.perf_counter() - start, 3)})
            for store in stores.values():
                env = ({"ASSURANCE_MAP_STORE": str(store.path)} if isinstance(store, EmbeddedStore)
                       else facts["neo4j_env"])
                runs.append(measure_store(m, size, store, opts, Path(tmp), env, say))
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


def report_text(results: dict[str, Any]) -> str:
    on = f"on {describe(results['machine'])}"
    out = [f"Benchmark {results['started']} {on}", ""]
    rows = []
    for r in results["runs"]:
        load, gaps = r.get("load", {}), r.get("gaps", {})
        naive, gn, api = r.get("load_naive", {}), r.get("gaps_naive", {}), r.get("api", {})
        peaks = [part["peak_mb"] for part in (load, gaps) if part]
        rows.append([
            f"{r['size']} ({r['processes']:,} processes)", r["store"], _fmt(r["rows"]),
            _fmt(load.get("rows_per_s")), _fmt(naive.get("rows_per_s")), _fmt(load.get("ratio"), 1),
            _fmt(r.get("load_file", {}).get("rows_per_s")),
            _fmt(gaps.get("seconds"), 3), _fmt(gn.get("seconds"), 2), _fmt(gaps.get("ratio"), 1),
            _fmt(api.get("p50_ms"), 1), _fmt(api.get("p95_ms"), 1), _fmt(max(peaks) if peaks else None),
        ])
    out.append(_table(["map", "store", "rows", "load rows/s", "naive rows/s", "x naive", "file rows/s",
                       "gaps s", "N+1 s", "x N+1", "GET /gaps p50 ms", "p95 ms", "peak MiB"], rows))
    out += ["", "naive = one store.upsert per node or edge, timed on a sample of the map "
                f"({results['options']['naive_rows']} rows); N+1 = one neighbours() query per process "
                f"evaluating G1-G3, timed on {results['options']['nplus1_processes']} processes and scaled to all; "
                "gaps s = median of the repeats; file = loaders.load from a JSON import file (embedded store); "
                "API = wrk "
                f"-t{results['options']['api_load']['threads']} -c{results['options']['api_load']['connections']} "
                f"for at least {results['options']['api_load']['seconds']} s (longer when one report takes "
                "seconds, so each connection completes about two) against uvicorn on 127.0.0.1; "
                "load = store.upsert in the writes shown in the JSON (load.writes); "
                "peak = resident memory high-water mark of the benchmark process during load or gaps."]
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
        out += ["", _table(["view", "nodes", "edges", "seconds (analyse + export + page)", "page only s", "KiB"],
                           [[f"about {v['target_nodes']:,} nodes", _fmt(v["nodes"]), _fmt(v["edges"]),
                             _fmt(v["seconds"], 3), _fmt(v["page_seconds"], 3), _fmt(v["html_kib"])]
                            for v in results["views"]])]
    if results["targets"]:
        out += ["", _table(["target", "store", "size", "measured", "result"],
                           [[t["target"], t["store"] or "-", t["size"] or "-",
                             f"{_fmt(t['value'], 3 if t['unit'] == 's' else 1)} {t['unit']}", t["result"]]
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
                   slice_rows=args.slice_rows, skip=skip, api_seconds=args.api_seconds)
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
