"""`assurance-map view`: write one self-contained HTML view (all assets inlined)."""
from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from graphmodel.errors import Problem, ValidationError
from graphmodel.store import Store
from graphmodel.values import parse_date

from . import pages


def _as_of(text: str | None):
    if not text:
        return None
    date = parse_date(text)
    if date is None:
        raise ValidationError([Problem("not a date (e.g. 2024-03-31 or 31/03/2024)", field="--as-of", value=text)])
    return date


def _write(path: Path, html: str) -> None:
    """Replace the file whole, so a failed write never leaves half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_view(args: argparse.Namespace, store: Store) -> str:
    """The page the arguments ask for, rendered from the store's current map."""
    from graphmodel.gaps import Policy, analyse

    if args.kind == "chain" and not args.focus:
        raise ValidationError([Problem("the chain view needs --focus with a Process id", field="--focus")])
    if args.depth is not None and args.depth < 0:
        raise ValidationError([Problem("must be 0 or more", field="--depth", value=args.depth)])
    policy = Policy.load(args.policy) if args.policy else None
    report = analyse(store, as_of=_as_of(args.as_of), policy=policy)
    if args.kind == "heatmap":
        return pages.heatmap_page(store.export(), report, args.area)
    if args.kind == "chain":
        return pages.chain_page(store.export(), report, args.focus)
    if args.kind == "gaps":
        return pages.gaps_page(store.export(), report)
    if args.focus:  # only the neighbourhood is read from the store, not the whole map
        return pages.node_page(store.neighbourhood(args.focus, args.depth), report, args.focus, args.depth)
    g = store.export()
    if args.area:
        return pages.area_page(g, report, args.area)
    return pages.map_page(g, report)


def run_view(args: argparse.Namespace, store: Store) -> int:
    html = render_view(args, store)
    out = Path(args.out)
    _write(out, html)
    print(f"wrote {out} ({len(html.encode('utf-8')) // 1024} KiB, self-contained)")
    return 0
