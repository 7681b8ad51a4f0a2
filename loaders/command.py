"""`assurance-map load PATH... [--dry-run] [--adapter NAME] [--columns ...] [--prefix P] [--mapping FILE]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from graphmodel.store import Store

from .load import load
from .preview import ReadOptions


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def options_from(args: argparse.Namespace) -> ReadOptions:
    """The command line over a mapping file; raises ValueError naming what is wrong."""
    given = ReadOptions(getattr(args, "adapter", None) or "auto", getattr(args, "prefix", None),
                        ReadOptions.parse_columns(getattr(args, "columns", "") or ""))
    mapping = getattr(args, "mapping", None)
    return ReadOptions.from_file(mapping).merged(given) if mapping else given


def run_load(args: argparse.Namespace, store: Store) -> int:
    try:
        options = options_from(args)
    except (ValueError, OSError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = load(args.paths, store, adapter=options.adapter, dry_run=bool(getattr(args, "dry_run", False)),
                  say=_say, options=options)
    for preview in report.previews:
        print("\n".join(preview.lines()))
    save = getattr(args, "save_mapping", None)
    if save and report.previews:
        mapping = report.previews[0].mapping()
        for other in report.previews[1:]:
            mapping["columns"] = {**other.mapping()["columns"], **mapping["columns"]}
        Path(save).write_text(yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True), encoding="utf-8")
        print(f"mapping saved to {save}; reuse it with --mapping {save}")
    for w in report.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for e in report.errors:
        print(f"error: {e}", file=sys.stderr)
    if report.nodes or report.edges:
        print("nodes: " + ", ".join(f"{k} {n}" for k, n in sorted(report.nodes.items())))
        print("links: " + (", ".join(f"{r} {n}" for r, n in sorted(report.edges.items())) or "none"))
    print(report.summary(), file=sys.stderr if report.errors else sys.stdout)
    return 0 if report.ok else 2
