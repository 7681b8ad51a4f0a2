"""The blank import workbook, generated from the schema: `python -m loaders.template OUT.xlsx`.

One sheet per table with its headers, and a Guide sheet describing every column, so the
template cannot drift from what the loader accepts.
"""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from graphmodel.files import atomic_write
from graphmodel.schema import SCHEMA

from .columns import LINKS_TABLE, TABLE_NAMES, columns, relations, required_columns

GUIDE = "Guide"
GUIDE_HEADER = ("table", "column", "type", "required", "allowed values", "description")
_TYPES = {str: "text", int: "whole number", bool: "yes / no", dt.date: "date"}
_DATES = "ISO 2013-06-30, 30/06/2013, 30 June 2013, Jun-13 or June 2013 (a month means its last day)"


def guide_rows() -> list[tuple[str, str, str, str, str, str]]:
    """(table, column, type, required, allowed values, description) for every column."""
    rows = []
    for table in TABLE_NAMES:
        required = set(required_columns(table))
        if table == LINKS_TABLE:
            rel_list = ", ".join(SCHEMA.edge_names)
            rows += [
                (table, "from", "id", "yes", "", "Id of the node the link starts from."),
                (table, "rel", "edge kind", "yes", rel_list, "The kind of link; see the triples below."),
                (table, "to", "id", "yes", "", "Id of the node the link goes to."),
                (table, "note", "text", "no", "", "Free text about the link."),
            ]
            continue
        kind = next(k for k in SCHEMA.nodes if k.table == table)
        for f in kind.fields:
            allowed = ", ".join(map(str, f.choices)) if f.choices else (_DATES if f.type is dt.date else "")
            if f.normaliser == "frequency":
                allowed = f.description
            rows.append((table, f.name, _TYPES[f.type], "yes" if f.name in required else "no", allowed,
                         f.description))
        for r in relations(table):
            edge = SCHEMA.edge(r.edge)
            other = edge.targets if r.out else edge.sources
            rows.append((table, r.column, "list of ids", "yes" if r.column in required else "no",
                         " / ".join(sorted(other)),
                         f"Ids separated by ';' or new lines: this {kind.name} {edge.description} each "
                         f"({r.edge} link)."))
    for s, rel, t in SCHEMA.triples():
        rows.append((LINKS_TABLE, "allowed link", "", "", f"{s} {rel} {t}", SCHEMA.edge(rel).description))
    return rows


def build(path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE
    guide.append(GUIDE_HEADER)
    for row in guide_rows():
        guide.append(row)
    for table in TABLE_NAMES:
        ws = wb.create_sheet(table)
        ws.append(columns(table))
        ws.freeze_panes = "A2"
        for cell in ws[1]:
            cell.font = Font(bold=True)
            ws.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) + 4)
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (18, 16, 12, 9, 40, 80), strict=True):
        guide.column_dimensions[letter].width = width
    path = Path(path)
    with atomic_write(path, "wb") as out:
        wb.save(out)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m loaders.template", description=__doc__.splitlines()[0])
    p.add_argument("out", nargs="?", default=str(Path(__file__).with_name("data") / "assurance-map-template.xlsx"))
    print(build(p.parse_args(argv).out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
