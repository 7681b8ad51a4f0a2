"""`assurance-map load PATH... [--dry-run] [--adapter NAME]`."""
from __future__ import annotations

import argparse
import sys

from graphmodel.store import Store

from .load import load


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_load(args: argparse.Namespace, store: Store) -> int:
    report = load(args.paths, store, adapter=getattr(args, "adapter", "auto") or "auto",
                  dry_run=bool(getattr(args, "dry_run", False)), say=_say)
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for e in report.errors:
        print(f"error: {e}", file=sys.stderr)
    if report.nodes or report.edges:
        print("nodes: " + ", ".join(f"{k} {n}" for k, n in sorted(report.nodes.items())))
        print("links: " + (", ".join(f"{r} {n}" for r, n in sorted(report.edges.items())) or "none"))
    print(report.summary(), file=sys.stderr if report.errors else sys.stdout)
    return 0 if report.ok else 2
