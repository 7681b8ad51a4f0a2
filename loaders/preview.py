"""What a register load found, before anything is written, and the user's word over our guesses:
options (adapter, id prefix, column names) that can be saved as a small mapping file and reused."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphmodel.safeload import ParseError, load_yaml

from .report import Origin

if TYPE_CHECKING:
    from .adapters.engine import Extraction
    from .parsed import PlacedEdge, PlacedNode

AUTO = "auto"


def default_prefix(file: str) -> str:
    """Ids of a register start with a prefix made from its file name, so two registers never clash:
    'Leicestershire JARAP 2013 risk register.docx' -> 'leicestershire-jarap-2013'."""
    words = re.findall(r"[A-Za-z0-9]+", Path(file).stem)
    return "-".join(words[:3]).lower() or "register"


@dataclass(frozen=True)
class ReadOptions:
    """How to read registers: adapter ('auto' chooses), id prefix (None: from the file name; '' none)
    and column names to fields (a header the user names wins over any guess; field 'ignore' drops it)."""

    adapter: str = AUTO
    prefix: str | None = None
    columns: dict[str, str] = field(default_factory=dict)

    def prefix_for(self, file: str) -> str:
        return default_prefix(file) if self.prefix is None else self.prefix

    @staticmethod
    def parse_columns(text: str) -> dict[str, str]:
        """'Plan commitment=title, R/A/G=status' -> {'Plan commitment': 'title', 'R/A/G': 'status'}."""
        out: dict[str, str] = {}
        for part in re.split(r",(?=[^,=]*=)", text or ""):
            if not part.strip():
                continue
            if "=" not in part:
                raise ValueError(f"expected HEADER=field, got {part.strip()!r}")
            header, _, name = part.rpartition("=")
            out[header.strip()] = name.strip().lower()
        return out

    @classmethod
    def from_file(cls, path: str | Path) -> ReadOptions:
        try:
            data = load_yaml(Path(path).read_text(encoding="utf-8")) or {}
        except (ParseError, UnicodeDecodeError) as exc:
            raise ValueError(f"the mapping file cannot be read: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError("a mapping file holds 'adapter', 'prefix' and 'columns: {HEADER: field}'")
        unknown = set(data) - {"adapter", "prefix", "columns"}
        if unknown:
            raise ValueError(f"unknown key(s) in the mapping file: {', '.join(sorted(unknown))}")
        columns = data.get("columns") or {}
        if not isinstance(columns, dict):
            raise ValueError("'columns' must map each header to a field")
        prefix = data.get("prefix")
        return cls(str(data.get("adapter") or AUTO), None if prefix is None else str(prefix),
                   {str(k): str(v).lower() for k, v in columns.items()})

    def merged(self, other: ReadOptions) -> ReadOptions:
        """`other` (the command line) over self (a mapping file)."""
        return ReadOptions(other.adapter if other.adapter != AUTO else self.adapter,
                           other.prefix if other.prefix is not None else self.prefix,
                           {**self.columns, **other.columns})


@dataclass(frozen=True)
class MappedColumn:
    header: str
    field: str
    confidence: float
    how: str


@dataclass(frozen=True)
class TablePreview:
    layout: str
    where: str
    columns: list[MappedColumn]
    ignored: list[str]


def _where(o: Origin) -> str:
    return " ".join(p for p in (o.table, f"row {o.row}" if o.row is not None else None) if p) or "start"


@dataclass
class FilePreview:
    """One file as read: the adapter and why, the column map with confidence, sections, rows read,
    merged and skipped (with reasons), and what they became."""

    file: str
    adapter: str
    scores: dict[str, float]
    prefix: str
    tables: list[TablePreview]
    sections: list[str]
    rows_read: int
    merged: list[str]
    skipped: list[str]
    nodes: dict[str, int]
    edges: dict[str, int]

    @classmethod
    def of(cls, file: str, adapter: str, scores: dict[str, float], prefix: str, ex: Extraction,
           nodes: list[PlacedNode], edges: list[PlacedEdge]) -> FilePreview:
        tables = [TablePreview(m.layout, _where(m.origin),
                               [MappedColumn(x.header or f"column {x.column + 1} (no header)", x.field, x.confidence,
                                             x.how) for x in m.mapped], m.ignored) for m in ex.maps]
        sections = [f"{s.kind} {s.code}: {s.title}" + (f" (score {s.score})" if s.score else "") for s in ex.sections]
        kinds: dict[str, int] = {}
        for n in nodes:
            kinds[n.node.kind] = kinds.get(n.node.kind, 0) + 1
        rels: dict[str, int] = {}
        for e in {(p.edge.source, p.edge.rel, p.edge.target) for p in edges}:
            rels[e[1]] = rels.get(e[1], 0) + 1
        return cls(file, adapter, scores, prefix, tables, sections, len(ex.records),
                   [f"{_where(o)} merged into {_where(into)}: {why}" for o, into, why in ex.merged],
                   [f"{_where(o)}: {why}" for o, why in ex.skipped], kinds, rels)

    def mapping(self) -> dict[str, Any]:
        """What a mapping file saves: the adapter, the prefix and every header's field."""
        columns: dict[str, str] = {}
        for t in self.tables:
            for c in t.columns:
                if not c.header.startswith("column "):
                    columns.setdefault(c.header, c.field)
            for i in t.ignored:
                if not i.startswith("column "):
                    columns.setdefault(i, "ignore")
        return {"adapter": self.adapter, "prefix": self.prefix, "columns": columns}

    def lines(self) -> list[str]:
        out = [f"{self.file}: read as {self.adapter} (fit: "
               + ", ".join(f"{k} {v:g}" for k, v in sorted(self.scores.items(), key=lambda kv: -kv[1])) + ")",
               f"  id prefix: {self.prefix!r}"]
        if self.sections:
            out.append(f"  sections ({len(self.sections)}): " + "; ".join(self.sections[:12])
                       + (" ..." if len(self.sections) > 12 else ""))
        for t in self.tables:
            out.append(f"  {t.layout} header at {t.where}:")
            for c in t.columns:
                out.append(f"    {c.header!r:40} -> {c.field:10} {c.confidence:.2f} ({c.how})")
            for i in t.ignored:
                out.append(f"    {i!r:40} -> ignored")
        out.append(f"  rows read: {self.rows_read}; merged: {len(self.merged)}; skipped: {len(self.skipped)}")
        out += [f"    merged {m}" for m in self.merged]
        out += [f"    skipped {s}" for s in self.skipped]
        out.append("  makes: " + (", ".join(f"{n} {k}" for k, n in sorted(self.nodes.items())) or "no nodes") + "; "
                   + (", ".join(f"{n} {r}" for r, n in sorted(self.edges.items())) or "no links"))
        return out
