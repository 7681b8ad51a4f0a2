"""`assurance-map paper`: the panel paper, built once and written as PDF and/or Word; and the one
function the API uses too."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from graphmodel.cycle import acceptances, snapshots
from graphmodel.cycle.changes import Changes, compare
from graphmodel.cycle.snapshots import MapState
from graphmodel.errors import Missing, Problem, ValidationError
from graphmodel.files import atomic_write
from graphmodel.gaps import Policy
from graphmodel.store.base import Store
from graphmodel.store.records import check_text
from graphmodel.values import as_of_date

from .build import build
from .document import Document
from .template import Template

TITLE_MAX = 200


def render(doc: Document, fmt: str) -> bytes:
    """The paper as "pdf" or "docx" bytes."""
    if fmt == "pdf":
        from .pdf import pdf_bytes

        return pdf_bytes(doc)
    from .word import docx_bytes

    return docx_bytes(doc)


def make_paper(store: Store, *, since: str | None = None, as_of: dt.date | None = None, title: str | None = None,
               template: Template | None = None, policy: Policy | None = None,
               load: Callable[[Store, str], MapState] = snapshots.load,
               now: Callable[..., MapState] = snapshots.current) -> Document:
    """The paper for the map now at `as_of`, compared with the snapshot `since` (by default the latest
    at or before the as-of date; none taken yet: the paper says so)."""
    if title is not None:
        title = check_text(title, "title", TITLE_MAX, "paper")
    state = now(store, as_of=as_of, policy=policy)
    if since is None:
        info = snapshots.latest(store, state.as_of)
        since = info.name if info else None
    changes: Changes | None = None
    if since is not None:
        before = load(store, since)
        if before.as_of > state.as_of:
            raise Missing([Problem(f"snapshot {before.name!r} is as of {before.as_of.isoformat()}, after the "
                                   f"paper's date {state.as_of.isoformat()}", "paper", field="since", value=since)])
        changes = compare(before, state)
    return build(state, changes=changes, kept=acceptances.kept(store, state.report),
                 template=template or Template.load(), title=title)


def _format(path: str) -> str | None:
    return {".pdf": "pdf", ".docx": "docx"}.get(Path(path).suffix.lower())


def run_paper(args: argparse.Namespace, store: Store) -> int:
    try:
        bad = [p for p in args.out if _format(p) is None]
        if bad:
            raise ValidationError([Problem("the paper is written as .pdf or .docx", "paper", field="--out", value=p)
                                   for p in bad])
        doc = make_paper(store, since=args.since, as_of=as_of_date(args.as_of), title=args.title,
                         template=Template.load(args.template) if args.template else None,
                         policy=Policy.load(args.policy) if args.policy else None)
    except ValidationError as exc:
        for problem in exc.problems:
            print(f"assurance-map paper: {problem}", file=sys.stderr)
        return 2
    for path in args.out:
        data = render(doc, _format(path) or "pdf")
        with atomic_write(path, "wb") as fh:
            fh.write(data)
        print(f"Wrote {path} ({len(data) // 1024 or 1} KB)")
    return 0
