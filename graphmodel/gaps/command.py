"""`assurance-map gaps`: the gap report as a terminal table, JSON or CSV."""
from __future__ import annotations

import argparse
import sys
from typing import TextIO

from ..errors import ValidationError
from ..store.base import Store
from ..values import as_of_date
from .analysis import analyse
from .policy import Policy
from .render import write_csv, write_json, write_table


def run_gaps(args: argparse.Namespace, store: Store, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        policy = Policy.load(args.policy) if args.policy else None
        rules = args.rule.split(",") if args.rule else None
        report = analyse(store, as_of=as_of_date(args.as_of), policy=policy, rules=rules, area=args.area)
    except ValidationError as exc:
        for problem in exc.problems:
            print(f"assurance-map gaps: {problem}", file=sys.stderr)
        return 2
    if args.format == "json":
        write_json(report, out, explain=args.explain)
    elif args.format == "csv":
        write_csv(report, out)
    else:
        write_table(report, out, explain=args.explain)
    return 0
