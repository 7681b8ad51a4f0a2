"""Register adapters: each declares the layout of a register people already keep (its columns by
meaning and its kinds of section) and builds nodes from what the shared engine reads out of the
document layer. The layout is chosen by how well the document's tables map, not by fixed strings."""
from __future__ import annotations

import re
from collections.abc import Callable, Sized
from types import ModuleType

from graphmodel.values import impossible_dates_in

from ..document import Document, Table, Text
from ..parsed import ParsedMap
from ..preview import FilePreview, ReadOptions
from ..report import Origin
from . import (
    action_log,
    assurance,
    assurance_programme,
    delivery_plan,
    meeting_notes,
    risk_register,
    risk_table,
    tracker,
)
from .engine import Extraction, extract
from .fields import IGNORE, content_kind, norm
from .oversight import GLOSSARY, abbreviations
from .register import Build
from .status import status_key

ADAPTERS: dict[str, ModuleType] = {m.NAME: m for m in (risk_register, risk_table, delivery_plan, assurance_programme,
                                                            tracker, meeting_notes, action_log)}


SHARED = (GLOSSARY, assurance.SOURCES)  # read alongside every layout: a glossary of meetings, sources of assurance
PROSE: dict[str, Callable[[Extraction], Sized]] = {meeting_notes.NAME: meeting_notes.find,
                                                   action_log.NAME: action_log.find}


def choose(doc: Document, options: ReadOptions) -> tuple[str, Extraction, dict[str, float]]:
    """The adapter whose layout fits the document best, with its extraction and every layout's score."""
    names = [options.adapter] if options.adapter in ADAPTERS else list(ADAPTERS)
    results = {name: extract(doc, [ADAPTERS[name].LAYOUT, *SHARED], options.columns) for name in names}
    scores = {name: round(ex.score(ADAPTERS[name].LAYOUT), 2) for name, ex in results.items()}
    # Prose (meetings described, actions logged in minutes) counts only where no table fits: a register's
    # own text names meetings and actions too.
    tables = max((v for k, v in scores.items() if k not in PROSE), default=0.0)
    for name, finder in PROSE.items():
        if name in results:
            scores[name] = 0.0 if tables else float(len(finder(results[name])))
    best = max(names, key=lambda n: (scores[n], -names.index(n)))
    return best, results[best], scores


def _short_rows(doc: Document) -> tuple[list[str], list[tuple[str, str]]]:
    """The paper's lines (and one-cell rows), and its two-cell rows: where keys and abbreviations stand."""
    lines = [b.text for b in doc.blocks if isinstance(b, Text)]
    pairs = []
    for t in doc.tables():
        for row in t.rows:
            filled = [c for c in row if c.strip()]
            if len(filled) == 1:
                lines.append(filled[0])
            elif len(filled) == 2:
                pairs.append((filled[0], filled[1]))
    return lines, pairs


def paper_key(doc: Document) -> dict[str, str]:
    """The status words the paper's own key defines, from its lines and short table rows."""
    return status_key(*_short_rows(doc))


def paper_abbreviations(doc: Document) -> dict[str, str]:
    lines, pairs = _short_rows(doc)
    pairs += [(m[1], m[2]) for line in lines if (m := re.match(r"^([A-Z][A-Z&]{1,7})\s*[–—:=-]\s*(.+)$", line))]
    return abbreviations(pairs)


def read_register(doc: Document, parsed: ParsedMap, options: ReadOptions) -> FilePreview:
    name, ex, scores = choose(doc, options)
    adapter = ADAPTERS[name]
    known = {f for layout in (adapter.LAYOUT, *SHARED) for f in layout.field_names()} | {IGNORE}
    for header, field in options.columns.items():
        if field not in known:
            parsed.error(Origin(doc.file), f"--columns names an unknown field for the {name} layout; expected one of "
                                           f"{', '.join(sorted(known))}", header, field)
        elif not any(norm(header) in {norm(h) for h in m.headers} for m in ex.maps):
            parsed.warn(Origin(doc.file), "--columns names a header that no table of this file has", header, field)
    prefix = options.prefix_for(doc.file)
    columns = {m.field: (m.header or f"column {m.column + 1}") for cm in ex.maps for m in cm.mapped}
    nodes_before, edges_before = len(parsed.nodes), len(parsed.edges)
    ex.abbreviations = paper_abbreviations(doc)
    b = Build(ex, parsed, prefix, columns, paper_key(doc))
    if ex.rows(name) or name in PROSE:  # sections alone, with no row under any, are not a register
        adapter.build(ex, b)
        assurance.build(ex, b)
    if len(parsed.nodes) == nodes_before and not ex.records and (themes := delivery_plan.build_named_themes(ex, b)):
        name = delivery_plan.NAME
        parsed.warn(Origin(doc.file), f"no action rows found (no header row of a known layout); the plan's themes "
                                      f"named in the text were recognised, each as one commitment: "
                                      f"{', '.join(themes)}")
    b.finish()
    preview = FilePreview.of(doc.file, name, scores, prefix, ex, parsed.nodes[nodes_before:],
                             parsed.edges[edges_before:])
    for origin, problem in ex.errors:
        parsed.error(origin, problem)
    unread = [t for t in doc.tables() if id(t) not in ex.read and register_like(t)]
    if len(parsed.nodes) == nodes_before and not unread:
        looked = "; ".join(f"{m.NAME}: {', '.join(f.names[0] for f in m.LAYOUT.fields) or m.LAYOUT.summary}"
                           for m in ADAPTERS.values())
        found = "; ".join(ex.headers_seen[:5] + [why for _, why in ex.skipped if "run together" in why][:2]) or \
            "no table with a header row"
        parsed.error(Origin(doc.file), f"no register rows recognised. Looked for header rows of a known layout "
                                       f"({looked}; or a glossary: Name, Purpose, Meets) and section lines such as "
                                       f"'Risk Item 1' or 'Objective A'. Found: {found}. Name the columns with "
                                       f"--columns 'HEADER=field,...' or a --mapping file")
    for table in unread:
        say = parsed.warn if ex.rows(name) and name not in PROSE else parsed.error
        say(table.origin, f"this table ({len(table.rows)} rows, {table.width} columns) looks like a register but "
                          "none of its rows was read: no row of it is a header of a known layout. Name its columns "
                          "with --columns 'HEADER=field,...'", value=" | ".join(c for c in table.rows[0] if c)[:120])
    if ex.unread and ex.rows(name):
        rows = ", ".join(str(o.row) for o in ex.unread[:10]) + (" ..." if len(ex.unread) > 10 else "")
        parsed.warn(ex.unread[0], f"{len(ex.unread)} row(s) with a ref were not read (rows {rows}): a line before "
                                  "them was taken to end their table; if it is a running head or foot, delete it "
                                  "or repeat the header above them")
    _impossible_dates(doc, parsed)
    told: set[tuple[str, ...]] = set()
    for cm in ex.maps:
        if cm.ignored and tuple(cm.ignored) not in told:
            told.add(tuple(cm.ignored))
            parsed.warn(cm.origin, f"column(s) ignored, the {cm.layout} layout has no field for them: "
                                   f"{', '.join(repr(i) for i in cm.ignored)} (name a field with --columns "
                                   "'HEADER=field', or 'HEADER=ignore' to drop it quietly)")
        for note in cm.notes:
            if (note,) not in told:
                told.add((note,))
                parsed.warn(cm.origin, note)
    return preview


def register_like(table: Table) -> bool:
    """Several rows and columns, one column of which holds refs, dates or statuses: a register's table
    (an attendance list or a glossary of terms is not)."""
    rows = [r for r in table.rows if sum(1 for c in r if c.strip()) >= 2]
    columns = [j for j in range(table.width) if sum(1 for r in rows if j < len(r) and r[j].strip()) >= 2]
    return len(rows) >= 3 and len(columns) >= 3 and any(
        content_kind([r[j] for r in rows[1:] if j < len(r)]) for j in columns)


def _impossible_dates(doc: Document, parsed: ParsedMap) -> None:
    """A date that names no day is an error wherever it stands in the paper, whether or not the column
    holding it was read: a register with such a date cannot be trusted as it is."""
    told = {(e.table, e.row): e.value for e in parsed.errors}
    places: list[tuple[Origin, str]] = [(b.origin, b.text) for b in doc.blocks if isinstance(b, Text)]
    places += [(o, cell) for t in doc.tables() for row, o in zip(t.rows, t.origins, strict=True) for cell in row]
    for origin, text in places:
        for bad in impossible_dates_in(text):
            if bad not in str(told.get((origin.table, origin.row), "")):
                parsed.error(origin, "not a real date (day or month out of range)", value=bad)
                told[(origin.table, origin.row)] = f"{told.get((origin.table, origin.row), '')} {bad}"


__all__ = ["ADAPTERS", "read_register"]
