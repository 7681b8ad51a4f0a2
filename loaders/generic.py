"""The import format, version 1: tables of rows -> nodes and edges with their origin."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from graphmodel.errors import ValidationError
from graphmodel.models import Edge, node_from_dict
from graphmodel.schema import KEY, SCHEMA, NodeKind
from graphmodel.values import date_note, frequency_note, impossible_date, parse_date, parse_frequency

from .columns import IGNORED_TABLES, KINDS_BY_TABLE, LINKS_TABLE, TABLE_NAMES, columns, key, relations, required_columns
from .document.clean import as_text
from .parsed import ParsedMap
from .report import Origin
from .sources import Table, blank

Progress = Callable[[str, int], None]  # called with a table name and the rows of it parsed so far


def text(value: Any) -> str:
    """A cell as text (see as_text), Word's manual line break (vertical tab) and a page break (form
    feed) as a new line. Other control characters are left in, for the rules every write obeys
    (graphmodel.text) to refuse with the row and column, as the API does."""
    return as_text(value).replace("\x0b", "\n").replace("\x0c", "\n").strip()


def split_ids(value: Any) -> list[str]:
    """A list cell: ids separated by ';' or newlines (or a real list in YAML/JSON)."""
    items = value if isinstance(value, list) else re.split(r"[;\n\r]+", text(value))
    return [t for t in (text(i) for i in items if not blank(i)) if t]


def parse_tables(tables: Iterable[Table], parsed: ParsedMap, progress: Progress | None = None) -> None:
    for table in tables:
        _parse_table(table, parsed, progress)


def _parse_table(t: Table, parsed: ParsedMap, progress: Progress | None) -> None:
    tkey = key(t.name)
    if tkey in IGNORED_TABLES:
        return
    head = Origin(t.file, t.name, t.header_row)
    if tkey == key(LINKS_TABLE):
        kind, table = None, LINKS_TABLE
    elif tkey in KINDS_BY_TABLE:
        kind = KINDS_BY_TABLE[tkey]
        table = kind.table
    else:
        parsed.error(head, f"unknown table; expected one of {', '.join(TABLE_NAMES)}", value=t.name)
        return
    known = {key(c): c for c in columns(table)}
    index: dict[str, int] = {}
    shown: dict[str, str] = {}  # column -> header as the user wrote it
    for i, h in enumerate(t.header):
        if blank(h):
            continue
        col = known.get(key(h))
        if col is None:
            parsed.warn(head, f"unknown column ignored; {table} columns are {', '.join(columns(table))}",
                        column=text(h))
        elif col in index:
            parsed.error(head, f"column given twice (also column {shown[col]!r})", column=text(h))
        else:
            index[col], shown[col] = i, text(h)
    missing = [c for c in required_columns(table) if c not in index]
    if missing:
        parsed.error(head, f"missing required column(s): {', '.join(missing)}; the table is not read",
                     value=", ".join(text(h) for h in t.header if not blank(h)))
        _drain(t)
        return
    for count, (number, cells) in enumerate(t.rows, 1):
        origin = Origin(t.file, t.name, number)
        record = {col: cells[i] for col, i in index.items() if i < len(cells) and not blank(cells[i])}
        if kind is None:
            _link(record, origin, shown, parsed)
        else:
            _node(kind, record, origin, shown, parsed)
        if progress and count % 10_000 == 0:
            progress(t.name, count)


def _drain(t: Table) -> None:
    for _ in t.rows:
        pass


def _node(kind: NodeKind, record: dict[str, Any], origin: Origin, shown: dict[str, str], parsed: ParsedMap) -> None:
    data = field_values(kind, record, origin, parsed, shown)
    node_id = text(record[KEY]) if KEY in record else None
    try:
        node = node_from_dict(kind.name, data)
    except ValidationError as err:
        for p in err.problems:
            f = kind.field(p.field) if p.field in kind.field_names else None
            message = f"must be one of {', '.join(map(str, f.choices))}" if f and f.choices else p.message
            parsed.error(origin, message, column=shown.get(p.field or "", p.field), value=p.value)
        if node_id:
            parsed.failed_ids.add(node_id)
        return
    parsed.add_node(node, origin)
    for rel in relations(kind.table):
        ids = split_ids(record[rel.column]) if rel.column in record else []
        if rel.required and not ids and rel.column in shown:
            parsed.warn(origin, f"no ids given, so this {kind.name} {rel.edge.lower()} nothing",
                        column=shown[rel.column])
        for other in ids:
            source, target = rel.ends(node.id, other)
            cols = (shown[KEY], shown[rel.column]) if rel.out else (shown[rel.column], shown[KEY])
            parsed.add_edge(Edge.model_construct(source=source, rel=rel.edge, target=target, note=None),
                            origin, cols[0], shown[rel.column], cols[1])


def field_values(kind: NodeKind, record: dict[str, Any], origin: Origin, parsed: ParsedMap,
                 shown: dict[str, str] | None = None) -> dict[str, Any]:
    """Cell values as the schema's field types; loose dates and frequencies kept with a warning.
    Shared with the register adapters."""
    shown = shown or {}
    data: dict[str, Any] = {}
    for f in kind.fields:
        value = record.get(f.name)
        if blank(value):
            continue
        column = shown.get(f.name, f.name)
        if f.type is dt.date:
            date = parse_date(value.strip() if isinstance(value, str) else value)
            if date is not None and f.name == "last_assured" and date > dt.date.today():
                parsed.error(origin, "last assured later than today: assurance cannot be dated in the future",
                             column=column, value=text(value))
                continue
            if date is not None:
                data[f.name] = date
                if note := date_note(value):
                    parsed.warn(origin, f"read as {date.isoformat()}: {note}", column=column, value=text(value))
                continue
            raw = text(value)
            if impossible_date(raw):
                parsed.error(origin, "not a real date (day or month out of range)", column=column, value=raw)
                continue
            companion = f.name.removesuffix("_date") + "_text"
            if companion in kind.field_names and blank(record.get(companion)):
                data[companion] = raw
                parsed.warn(origin, f"not a date; kept as {companion}", column=column, value=raw)
            else:
                parsed.warn(origin, "not a date; no date recorded", column=column, value=raw)
        elif f.type is int:
            data[f.name] = int(value) if isinstance(value, float) and value.is_integer() else (
                text(value) if isinstance(value, str) else value)
        elif f.type is bool:
            data[f.name] = value if isinstance(value, bool) else text(value).lower()
        else:
            data[f.name] = text(value)
            if f.normaliser == "frequency" and parse_frequency(data[f.name]) is None:
                parsed.warn(origin, "not a known frequency; kept as written and counted as adhoc",
                            column=column, value=data[f.name])
            elif f.normaliser == "frequency" and (note := frequency_note(data[f.name])):
                parsed.warn(origin, note, column=column, value=data[f.name])
    return data


def _link(record: dict[str, Any], origin: Origin, shown: dict[str, str], parsed: ParsedMap) -> None:
    missing = [c for c in ("from", "rel", "to") if c not in record]
    for c in missing:
        parsed.error(origin, "required value is missing", column=shown[c])
    if missing:
        return
    rel = re.sub(r"[\s\-]+", "_", text(record["rel"])).upper()
    if rel not in SCHEMA.edge_names:
        parsed.error(origin, f"unknown relation; expected one of {', '.join(SCHEMA.edge_names)}",
                     column=shown["rel"], value=text(record["rel"]))
        return
    note = text(record["note"]) if "note" in record else None
    parsed.add_edge(Edge.model_construct(source=text(record["from"]), rel=rel, target=text(record["to"]), note=note),
                    origin, shown["from"], shown["rel"], shown["to"])
