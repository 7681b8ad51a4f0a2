"""What the adapters share once the engine has read a document: ids, statuses, refs, oversight."""
from __future__ import annotations

import re

from graphmodel.models import Node

from ..document import one_line
from ..parsed import ParsedMap
from ..report import Origin
from .common import add_edges, add_node
from .engine import Extraction, Record, Section
from .oversight import GENERIC_REF_WORDS, Oversight, Refs, canonical_ref, read_glossary
from .status import colour, is_open


def _where(o: Origin) -> str:
    return " ".join(p for p in (o.table, f"row {o.row}" if o.row is not None else None) if p) or "?"


class Build:
    """Turns an Extraction into nodes and edges on `parsed`, with ids `<prefix>-<the paper's ref>`."""

    def __init__(self, ex: Extraction, parsed: ParsedMap, prefix: str, columns: dict[str, str],
                 key: dict[str, str] | None = None):
        self.ex, self.parsed, self.prefix = ex, parsed, prefix
        self.columns = columns  # field -> header as written, for messages
        self.key = key or {}  # status words the paper's own key defines
        self.unknown_status: dict[str, list[Origin]] = {}
        self.refs = Refs()
        self.oversight = Oversight(parsed, prefix, self.ident)
        read_glossary(ex, self.oversight)
        self.nodes = 0

    def ident(self, ref: str) -> str:
        return f"{self.prefix}-{ref}" if self.prefix else ref

    def add(self, kind: str, record: dict, origin: Origin, ref: str | None = None) -> Node | None:
        shown = {**self.columns, "target_date": self.columns.get("target", "target"),
                 "last_assured": self.columns.get("date", "date"), "id": self.columns.get("ref", "ref")}
        node = add_node(self.parsed, kind, record, origin, shown)
        if node is not None:
            self.nodes += 1
            if ref:
                self.refs.add(ref, node.id)
        return node

    def column(self, name: str) -> str:
        return self.columns.get(name, name)

    def status(self, values: dict[str, str], origin: Origin, *fallbacks: str) -> dict[str, str | None]:
        """The status cell as `status` (a colour, through the paper's key and the schema's words) and, when
        it gives no colour, `status_text` (the words as written); words neither open nor a colour are
        warned about once per wording. Without a status cell, a target or update that starts with
        'Complete', 'Done' or '(C)' means blue."""
        cell = one_line(values.get("status", ""))
        if cell:
            found = colour(cell, self.key)
            if found is None and not is_open(cell):
                self.unknown_status.setdefault(cell, []).append(origin)
            return {"status": found, "status_text": None if found else cell}
        for text in fallbacks:
            if text and re.match(r"^\(?\s*(complete|completed|done|closed|achieved)\b", text.strip(), re.I):
                return {"status": "blue", "status_text": None}
        return {"status": None, "status_text": None}

    @staticmethod
    def items(values: dict[str, str], title: str, each: tuple[str, ...]) -> list[dict[str, str]]:
        """Several actions in one cell (list items, lines) become several when each has its own owner,
        date or status on the matching line of those cells; otherwise the cell is one action."""
        lines = [ln for ln in values.get(title, "").split("\n") if ln.strip()]
        split = {f: [ln for ln in values.get(f, "").split("\n") if ln.strip()] for f in each}
        if len(lines) < 2 or not any(len(v) == len(lines) for v in split.values()):
            return [values]
        out = []
        for k, line in enumerate(lines):
            item = {**values, title: line}
            for f, parts in split.items():
                if len(parts) == len(lines):
                    item[f] = parts[k]
            out.append(item)
        return out

    @staticmethod
    def done_mark(title: str) -> tuple[str, bool]:
        """'Refresh the MTFS (C)' -> ('Refresh the MTFS', True): a mark after an action that says it is done."""
        m = re.search(r"\s*[(\[]\s*(?:c|complete|completed|done)\s*[)\]]\s*\.?$", title, re.I)
        return (title[:m.start()].rstrip(), True) if m else (title, False)

    def finish(self) -> None:
        """Warnings gathered over the whole paper, one line each."""
        for cell, origins in self.unknown_status.items():
            rows = ", ".join(_where(o) for o in origins[:8]) + (" ..." if len(origins) > 8 else "")
            self.parsed.warn(origins[0], f"status not understood ({len(origins)} row(s): {rows}): kept as written "
                                         "in status_text, no colour recorded; the paper's key or the words the "
                                         "loader knows (docs/import-format.md) give colours",
                             self.column("status"), cell)

    def own_ref(self, value: str) -> str:
        """The row's own ref as its id keeps it: 'OPCC Action A.3' -> 'A.3', '1.1.' -> '1.1', and a ref
        whose letters tell kinds apart keeps them, 'AFI 1' -> 'AFI1' (not the '1' of 'Rec 1')."""
        words = one_line(value).strip().rstrip(".").split()
        while len(words) > 1 and words[0].lower().strip(":") in GENERIC_REF_WORDS:
            words = words[1:]
        if len(words) == 2 and re.fullmatch(r"[A-Za-z]{1,4}", words[0]) and re.match(r"\d", words[1]):
            return words[0] + words[1]
        return " ".join(words)

    def own_refs(self, records: list[Record]) -> list[str]:
        """Each row's own ref; where refs start again under each section or line across the table ('1, 2'
        under Objective A and again under Objective B), the section's code or the line comes first: 'A-1'."""
        refs = [self.own_ref(r.values.get("ref", "")) for r in records]
        filled = [x for x in refs if x]
        if len(set(filled)) == len(filled):
            return refs
        scoped = [f"{scope}-{ref}" if ref and (scope := _scope(r)) else ref
                  for r, ref in zip(records, refs, strict=True)]
        changed = [x for x, y in zip(scoped, refs, strict=True) if x != y]
        if changed:
            self.parsed.warn(records[0].origin, f"refs start again under each section: each id has its section's "
                                                f"code first (e.g. {changed[0]})", self.column("ref"))
        return scoped

    def section_id(self, section: Section) -> str:
        return self.ident(("R" if section.kind == "risk" else "") + canonical_ref(section.code))

    def links(self, node_id: str, record: Record, column: str = "links") -> str | None:
        """LINKED_TO each ref of this paper; other organisations' refs kept as text (returned) with a warning."""
        cell = record.values.get(column, "")
        if not cell:
            return None
        inside, outside = self.refs.resolve(cell)
        add_edges(self.parsed, record.origin, [(node_id, "LINKED_TO", i) for i in inside if i != node_id],
                  self.column(column))
        if outside:
            kept = "; ".join(outside)
            self.parsed.warn(record.origin, "reference(s) to another plan or not found in this paper: kept as text "
                                            "in notes, not linked", self.column(column), kept)
            return kept
        return None

    def oversee(self, node_id: str, record: Record, previous: str | None = None) -> None:
        cell = record.values.get("mechanism", "")
        if cell:
            self.oversight.resolve(cell, node_id, record.origin, self.column("mechanism"), self.refs,
                                   one_line(record.values.get("frequency", "")), previous)


def _scope(record: Record) -> str | None:
    if record.section is not None:
        return canonical_ref(record.section.code)
    return re.sub(r"[^\w.]+", "-", record.group).strip("-") if record.group else None


_LISTED_RISK = re.compile(r"^\s*+(?:[•·*–-]\s*+)?([A-Z]{1,4}\s?\d{1,3})(?:\s*+[:.–—-])?\s++([A-Za-z].{3,})$")
_RISK_CODE = re.compile(r"\b([A-Z]{1,4})\s?(\d{1,3})(?:\s*+(?:[–-]|to)\s*+(?:\1)?\s?(\d{1,3}))?\b")


def listed_risks(ex: Extraction, b: Build) -> dict[str, str]:
    """Risks a paper lists under a line that names them ('Strategic Risk Register – items referred to
    above', then 'SR1 Failure to set a balanced budget' a line): each a Risk the paper only refers to
    (status referenced: its actions are kept on the register itself). Returns code -> node id."""
    found: dict[str, str] = {}
    listing = False
    for block in ex.texts:
        m = _LISTED_RISK.match(block.text)
        if m and listing:
            code = canonical_ref(m[1])
            node = b.add("Risk", {"id": b.ident(code), "title": one_line(m[2]), "status": "referenced"},
                         block.origin, code)
            if node is not None:
                found[code] = node.id
        else:
            listing = bool(re.search(r"\brisks?\b", block.text, re.I)) and len(block.text) <= 120 and not m
    return found


def _codes(cell: str) -> list[str]:
    """'SR1, SR3-SR5' -> SR1, SR3, SR4, SR5."""
    out = []
    for m in _RISK_CODE.finditer(cell):
        first = int(m[2])
        last = int(m[3]) if m[3] and 0 <= int(m[3]) - first <= 50 else first
        out += [f"{m[1]}{n}" for n in range(first, last + 1)]
    return out


def link_risks(b: Build, node_id: str, record: Record, risks: dict[str, str]) -> None:
    """LINKED_TO each listed risk the row's risk cell names; a code the list lacks is warned about."""
    cell = record.values.get("risks", "")
    codes = _codes(cell)
    add_edges(b.parsed, record.origin, [(node_id, "LINKED_TO", risks[c]) for c in codes if c in risks],
              b.column("risks"))
    missing = [c for c in codes if c not in risks]
    if missing:
        b.parsed.warn(record.origin, "risk(s) not in the paper's list of risks: kept as text in notes, not linked",
                      b.column("risks"), ", ".join(missing))
