"""The performance targets, each checked against a figure of the same run: PASS or MISS."""
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
                "limit": self.limit, "unit": self.unit, "result": "PASS" if ok else "MISS"}


def _neo4j(run: Run) -> bool:
    return run.get("store") == "neo4j" and _sized(run)


def _sized(run: Run) -> bool:
    """Targets are set for the named sizes; a smoke run of a few processes measures start-up costs."""
    return run.get("size") in SIZES


def _size(name: str) -> Callable[[Run], bool]:
    return lambda run: run.get("size") == name


STORE_TARGETS = (
    Target("load into Neo4j >= 20,000 rows/s", "load.rows_per_s", 20_000, True, _neo4j, "rows/s"),
    Target("load into Neo4j >= 20x the one-write-per-row baseline", "load.ratio", 20, True, _neo4j, "x"),
    Target("gap report at 20,000 processes < 1 s", "gaps.seconds", 1.0, False, _size("national"), "s"),
    Target("gap report at 100,000 processes < 5 s", "gaps.seconds", 5.0, False, _size("stress"), "s"),
    Target("gap report >= 50x the per-process (N+1) baseline", "gaps.ratio", 50, True, _sized, "x"),
)
VIEW_TARGETS = (
    Target("5,000-node view generated < 2 s", "seconds", 2.0, False, lambda v: v.get("target_nodes") == 5000, "s"),
)


def check(runs: list[Run], views: list[Run]) -> list[dict[str, Any]]:
    results = [r for run in runs for t in STORE_TARGETS if (r := t.check(run))]
    results += [r for v in views for t in VIEW_TARGETS if (r := t.check(v))]
    return results
