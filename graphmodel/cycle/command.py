"""`assurance-map snapshot`, `changes`, `accept`, `unaccept` and `acceptances`: the panel cycle on the
command line. The store records every write in its audit log, as it does the API's."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from ..errors import ValidationError
from ..gaps import Policy, analyse
from ..gaps.render import (
    changes_json,
    snapshot_json,
    write_acceptances_table,
    write_changes_table,
    write_snapshot_list,
    write_snapshot_table,
)
from ..store.base import Store
from ..values import as_of_date
from . import acceptances, snapshots
from .changes import between


def _policy(args: argparse.Namespace) -> Policy | None:
    return Policy.load(args.policy) if getattr(args, "policy", None) else None


def _json(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _refused(command: str, exc: ValidationError) -> int:
    for problem in exc.problems:
        print(f"assurance-map {command}: {problem}", file=sys.stderr)
    return 2


def run_snapshot(args: argparse.Namespace, store: Store, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        if args.action == "save":
            info = snapshots.take(store, args.name, by=args.by, as_of=as_of_date(args.as_of), policy=_policy(args))
            out.write(f"Saved snapshot {info.name!r}: as of {info.as_of.isoformat()}, {info.nodes} nodes, "
                      f"{info.findings} findings.\n")
        elif args.action == "list":
            infos = store.list_snapshots()
            if args.format == "json":
                _json([i.as_dict() for i in infos], out)
            else:
                write_snapshot_list(infos, out)
        elif args.action == "show":
            state = snapshots.load(store, args.name)
            if args.format == "json":
                _json(snapshot_json(state), out)
            else:
                write_snapshot_table(state, out)
        else:
            info = store.delete_snapshot(args.name)
            out.write(f"Deleted snapshot {info.name!r}.\n")
    except ValidationError as exc:
        return _refused("snapshot", exc)
    return 0


def run_changes(args: argparse.Namespace, store: Store, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        changes = between(store, args.since, until=args.until, as_of=as_of_date(args.as_of),
                                  policy=_policy(args))
    except ValidationError as exc:
        return _refused("changes", exc)
    if args.format == "json":
        _json(changes_json(changes), out)
    else:
        write_changes_table(changes, out)
    return 0


def run_accept(args: argparse.Namespace, store: Store, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        review = as_of_date(args.review, "--review")
        assert review is not None  # argparse requires it
        made, replaced = acceptances.accept(store, args.rule, args.node_id, by=args.by, reason=args.reason,
                                            review=review, policy=_policy(args))
    except ValidationError as exc:
        return _refused("accept", exc)
    out.write(f"Accepted {made.rule} for {made.node_id!r} until {made.review.isoformat()}"
              + (" (replacing the earlier acceptance)" if replaced else "") + ".\n")
    return 0


def run_unaccept(args: argparse.Namespace, store: Store, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    gone = acceptances.unaccept(store, args.rule, args.node_id)
    out.write(f"Withdrew the acceptance of {gone.rule} for {gone.node_id!r}.\n")
    return 0


def run_acceptances(args: argparse.Namespace, store: Store, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        report = analyse(store, as_of=as_of_date(args.as_of), policy=_policy(args))
    except ValidationError as exc:
        return _refused("acceptances", exc)
    kept = acceptances.kept(store, report)
    if args.format == "json":
        _json({"as_of": report.as_of.isoformat(), "acceptances": [k.as_dict() for k in kept]}, out)
    else:
        write_acceptances_table(kept, out)
    return 0
