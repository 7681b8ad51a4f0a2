"""The import format's tables and columns, derived from the schema: a node table's columns are its
kind's fields and link columns (graphmodel/schema.py, which checks them); the `links` table is
the import format's own."""
from __future__ import annotations

import re
from dataclasses import dataclass

from graphmodel.schema import SCHEMA, NodeKind

LINKS_TABLE = "links"
LINK_COLUMNS = ("from", "rel", "to", "note")
LINK_REQUIRED = ("from", "rel", "to")
IGNORED_TABLES = ("guide",)  # the template's explanation sheet


@dataclass(frozen=True)
class Relation:
    """A list-of-ids column that makes edges: `out` means this row's node is the edge's source."""

    table: str
    column: str
    edge: str
    out: bool = True
    required: bool = False

    def ends(self, row_id: str, other_id: str) -> tuple[str, str]:
        return (row_id, other_id) if self.out else (other_id, row_id)


RELATIONS: tuple[Relation, ...] = tuple(Relation(kind.table, link.column, link.edge, link.out, link.required)
                                        for kind in SCHEMA.nodes for link in kind.links)


def key(name: object) -> str:
    """How table names and headers are compared: case, spaces, '-' and '_' do not matter."""
    return re.sub(r"[\s\-_]+", "", str(name)).lower()


KINDS_BY_TABLE: dict[str, NodeKind] = {key(k.table): k for k in SCHEMA.nodes}
TABLE_NAMES: tuple[str, ...] = tuple(k.table for k in SCHEMA.nodes) + (LINKS_TABLE,)


def relations(table: str) -> tuple[Relation, ...]:
    return tuple(r for r in RELATIONS if r.table == table)


def columns(table: str) -> tuple[str, ...]:
    """Every column a table can have, in template order."""
    if table == LINKS_TABLE:
        return LINK_COLUMNS
    kind = KINDS_BY_TABLE[key(table)]
    return kind.field_names + tuple(r.column for r in relations(table))


def required_columns(table: str) -> tuple[str, ...]:
    if table == LINKS_TABLE:
        return LINK_REQUIRED
    kind = KINDS_BY_TABLE[key(table)]
    return tuple(f.name for f in kind.fields if f.required) + tuple(r.column for r in relations(table) if r.required)
