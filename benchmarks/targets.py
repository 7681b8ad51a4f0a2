"""The performance targets, each checked against a figure of the same run: PASS or MISS. Each
applies at the sizes (and stores) it names; a run of a number of processes gets none."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loaders.synthetic import SIZES

Run = dict[str, Any]


@dataclass(frozen=True)
class Target:
    name: str
    figure: str  # dotted path into a run, e.g. "gaps.seconds"
    limit: float
    at_least: bool  # True: the figure must reach the limit; False: stay under it
    applies: Callable[[Run], bool]
    unit: str = ""

    def value(self, run: Run) -> float | None:
        value: Any = run
        for part in self.figure.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def check(self, run: Run) -> dict[str, Any] | None:
        value = self.value(run)
        if not self.applies(run) or value is None:
            return None
        ok = value >= self.limit if self.at_least else value < self.limit
        return {"target": self.name, "store": run.get("store"), "size": run.get("size"), "value": value,
                "limit": self.limit, "unit": self.unit, "result": "PASS" if ok else "FAIL"}


def _neo4j(run: Run) -> bool:
    return run.get("store") == "neo4j" and _sized(run)


def _sized(run: Run) -> bool:
    """Targets are set for the named sizes; a smoke run of a few processes measures start-up costs."""
    return run.get("size") in SIZES


def _named(name: str, store: str | None = None) -> Callable[[Run], bool]:
    return lambda run: run.get("size") == name and store in (None, run.get("store"))


def _big(store: str | None = None) -> Callable[[Run], bool]:
    """National and stress: where a per-process baseline is dominated by its round trips."""
    return lambda run: run.get("size") in ("national", "stress") and store in (None, run.get("store"))


def _completed(run: Run) -> bool:
    return run.get("size") == "stress"


STORE_TARGETS = (
    # Loading
    Target("load into Neo4j >= 30,000 rows/s (national)", "load.rows_per_s", 30_000, True,
           _named("national", "neo4j"), "rows/s"),
    Target("load into Neo4j >= 15,000 rows/s (one force)", "load.rows_per_s", 15_000, True,
           _named("force", "neo4j"), "rows/s"),
    Target("load into Neo4j >= 20x the one-write-per-row baseline", "load.ratio", 20, True, _neo4j, "x"),
    # The full gap report
    Target("gap report at 20,000 processes < 0.5 s (embedded)", "gaps.seconds", 0.5, False,
           _named("national", "embedded"), "s"),
    Target("gap report at 20,000 processes < 1 s (Neo4j)", "gaps.seconds", 1.0, False,
           _named("national", "neo4j"), "s"),
    Target("gap report at 100,000 processes < 2.5 s (embedded)", "gaps.seconds", 2.5, False,
           _named("stress", "embedded"), "s"),
    Target("gap report at 100,000 processes < 5 s (Neo4j)", "gaps.seconds", 5.0, False,
           _named("stress", "neo4j"), "s"),
    Target("gap report >= 50x the per-process (N+1) baseline (Neo4j)", "gaps.ratio", 50, True, _big("neo4j"), "x"),
    # Narrow questions and the reporting tangle
    Target("every area's report in turn costs <= 1.5x the whole map's once", "scoped.area_cost_ratio", 1.5, False,
           _named("national"), "x"),
    Target("one node's report >= 50x cheaper than the whole map's", "scoped.node_ratio", 50, True,
           _named("national"), "x"),
    Target("3,000-meeting ring and 3,000-long chain: report <= 1.5x the same map's without", "tangle.ratio", 1.5,
           False, _named("national"), "x"),
    # Serving
    # As clients that accept compression ask for it (browsers, most HTTP libraries); the plain
    # answer (8 MB at national size) is measured and shown beside it.
    Target("GET /gaps unchanged, compressed, p50 < 50 ms under 8 connections", "api_gaps_compressed.p50_ms", 50,
           False, _named("national"), "ms"),
    # CPU time against CPU time; the 10% allows for the bytes' hash (the ETag) and measurement.
    Target("first GET /gaps <= the report plus one serialisation (CPU, +10%)", "api.first_vs_report", 1.1, False,
           _named("national"), "x"),
    Target("dashboard of a national map, p50 < 1 s", "api_dashboard.p50_ms", 1000, False, _named("national"), "ms"),
    # Scale
    Target("the stress map loads and reports", "stress_completed", 1, True, _completed, ""),
)
VIEW_TARGETS = (
    Target("5,000-node view generated < 2 s", "seconds", 2.0, False, lambda v: v.get("target_nodes") == 5000, "s"),
)


def check(runs: list[Run], views: list[Run]) -> list[dict[str, Any]]:
    runs = [{**run, "stress_completed": int("error" not in run and "gaps" in run)} for run in runs]
    results = [r for run in runs for t in STORE_TARGETS if (r := t.check(run))]
    results += [r for v in views for t in VIEW_TARGETS if (r := t.check(v))]
    return results
