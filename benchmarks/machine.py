"""The machine a run was measured on, stated with every figure."""
from __future__ import annotations

import os
import platform
from importlib import metadata
from typing import Any

PACKAGES = ("networkx", "neo4j", "neo4j-rust-ext", "pydantic", "fastapi", "uvicorn", "pyvis")


def _proc_field(path: str, name: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key.strip() == name:
                    return value.strip()
    except OSError:
        pass
    return None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def machine(neo4j_version: str | None = None) -> dict[str, Any]:
    mem_kb = _proc_field("/proc/meminfo", "MemTotal")
    return {
        "cores": os.cpu_count(),
        "cpu": _proc_field("/proc/cpuinfo", "model name") or platform.processor() or platform.machine(),
        "ram_gib": round(int(mem_kb.split()[0]) / 1024 ** 2, 1) if mem_kb else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "neo4j": neo4j_version,
        "packages": {p: _version(p) for p in PACKAGES},
    }


def describe(m: dict[str, Any]) -> str:
    """One line: '2 cores AMD EPYC, 23.5 GiB RAM, Python 3.11.7, Neo4j 5.26.30'."""
    parts = [f"{m['cores']} cores {m['cpu']}", f"{m['ram_gib']} GiB RAM", f"Python {m['python']}"]
    if m.get("neo4j"):
        parts.append(f"Neo4j {m['neo4j']}")
    return ", ".join(parts)
