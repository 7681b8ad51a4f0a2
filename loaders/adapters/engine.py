"""Reading a register out of a document: header rows mapped by meaning, sections, rows merged
when a page break split them, separator and repeated header rows skipped, and a preview of all
of it. Each adapter declares a Layout; the engine is shared."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from graphmodel.values import parse_score

from ..document import Document, Table, Text, join_wrapped, one_line
from ..report import Origin
from . import runtogether
from .common import no_action
from .fields import (
    CONTENT,
    EXACT,
    IGNORE,
    JOINABLE,
    OTHER_DATE,
    USER,
    FieldSpec,
    Mapped,
    candidates,
    content_kind,
    looks,
    map_header,
    norm,
    qualifier_rank,
)

# Sections: "Risk Item 3 ...", "Police and Crime Plan: Objective 1", "OPCC Operational Objective A", "Theme 2:".
_SECTION = re.compile(
    r"^(?P<prefix>(?:[\w&'’/,-]+[\s:]+){0,6}?)"
    r"(?P<word>risk\s+item|risk\s+(?:no\.?|number|ref\.?)|risk|baf|objective|priority|aim|outcome|commitment|theme|"
    r"strand|pillar)"
    r"\s*(?:no\.?|number|ref\.?)?\s*(?P<code>[A-Z]\d{0,2}(?:\.\d+)?|\d{1,2}(?:\.\d+)?)(?![\w.])[\s:.\-–)]*(?P<title>.*)$",
    re.I)
_WORD_KIND = {"risk": "risk", "baf": "risk", "objective": "objective", "priority": "objective", "aim": "objective",
              "outcome": "objective", "commitment": "objective", "theme": "theme", "strand": "theme",
              "pillar": "theme"}
# An upper-case "SAFER WEST MERCIA PLAN - PUTTING VICTIMS FIRST - EXAMPLE OF FRAMEWORK" line names a theme.
_PLAN_THEME = re.compile(r"\bPLAN\s*[-–:]\s*(.+?)(?:\s*[-–]\s*EXAMPLE OF FRAMEWORK)?\s*$")
_SCORE = re.compile(r"(?:current\s+|residual\s+|inherent\s+)?risk\s+score\s*[-–:=]?\s*(\d{1,2})\b"
                    r"|\bscore\s*[-–:=]\s*(\d{1,2})\b", re.I)
# What a paper says of a risk under its heading, in a line or a label/value table: 'Residual score: 16
# (L4 x I4) – Risk owner: Chief Executive', 'Risk owner | Chief Executive', 'Residual score | 12 (L3 x I4)'.
_FACT = re.compile(r"(?:^|(?<=[;|–-])\s*)(?P<label>(?:current\s+|residual\s+|net\s+)?(?:risk\s+)?(?:score|rating)|"
                   r"(?:risk\s+)?owner|inherent\s+(?:risk\s+)?(?:score|rating)|target\s+(?:risk\s+)?(?:score|rating))\s*[:=|\-–]\s*"
                   r"(?P<value>[^;–|]+?)\s*(?=$|[;|]|\s[–-]\s)", re.I)
_LEADING_REF = re.compile(r"^((?:[A-Z]{1,2}\.?)?\d{1,2}(?:\.\d{1,2})+\.?|[A-Z]\.\d{1,2}\.?)\s+(\S.*)$", re.S)
_KEY_LINE = re.compile(r"^(?!(\*\*?|__?)[^*_]+\1\s*$)(?:key\s*[:\-]?\s*)?[*#†‡^]+\s*[=:\-–]?\s*[A-Za-z]",
                       re.I)  # not '**PEEL 2023**', a line in bold
_BARE_REF = re.compile(r"^[A-Za-z]{0,4}[ .]?\d{1,3}(?:\.\d{1,3})*[a-z]?\.?$")  # 'AFI 3', '1.2a', 'SR1'; not 'PEEL 2023'
_SEPARATOR = re.compile(r"^[-=_*~.·•\s]+$")
SINGLE_LINE = ("title", "ref", "owner", "sponsor", "target", "name", "frequency", "status", "chair")


@dataclass(frozen=True)
class Layout:
    name: str
    summary: str
    fields: tuple[FieldSpec, ...]
    key: str = "title"  # a row is an item when this column has text
    ref: str | None = "ref"  # the paper's own numbering, when the layout has one
    sections: tuple[str, ...] = ()  # section kinds that count as evidence for this layout
    # What a row with no ref is to this layout, for the preview.
    continuation: str = "more of the row above (a row split by a page break)"

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


@dataclass
class Section:
    kind: str  # risk, objective or theme
    code: str
    title: str
    origin: Origin
    theme: str | None = None
    score: int | None = None
    owner: str | None = None
    likelihood: int | None = None
    impact: int | None = None
    no_action: list[str] = field(default_factory=list)  # what the paper says instead of actions ('None – tolerated')


@dataclass
class ColumnMap:
    layout: str
    origin: Origin
    headers: list[str]
    mapped: list[Mapped]
    ignored: list[str]
    notes: list[str] = field(default_factory=list)  # how columns that name one field are read
    user_ignored: list[str] = field(default_factory=list)  # dropped with --columns 'HEADER=ignore'

    def index(self) -> dict[str, int]:
        return {m.field: m.column for m in self.mapped}

    def fields(self) -> frozenset[str]:
        return frozenset(m.field for m in self.mapped)


@dataclass
class Record:
    layout: str
    values: dict[str, str]
    origin: Origin
    section: Section | None
    theme: str | None
    merged: list[Origin] = field(default_factory=list)
    parts: list[dict[str, str]] = field(default_factory=list)  # the values of each row merged into it, in order
    columns: dict[str, int] = field(default_factory=dict)  # field -> column it was read from
    group: str | None = None  # the last line across the table above it ('PEEL 2023'), where refs may start again


@dataclass
class Extraction:
    """What the engine found in one document, before any node is made; also the preview's content."""

    file: str
    maps: list[ColumnMap] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    skipped: list[tuple[Origin, str]] = field(default_factory=list)
    merged: list[tuple[Origin, Origin, str]] = field(default_factory=list)  # (row, into row, why)
    texts: list[Text] = field(default_factory=list)
    headers_seen: list[str] = field(default_factory=list)  # first rows of tables no layout recognised
    unread: list[Origin] = field(default_factory=list)  # rows with a ref, under no header, in a table otherwise read
    subject: str | None = None  # a cover sheet's "Subject | ..." row
    errors: list[tuple[Origin, str]] = field(default_factory=list)  # the user's mapping cannot be followed
    read: set[int] = field(default_factory=set)  # ids of the document's tables some row of which was read
    abbreviations: dict[str, str] = field(default_factory=dict)  # the paper's own: 'SPB' -> 'Strategic Policing Board'

    def rows(self, layout: str) -> list[Record]:
        return [r for r in self.records if r.layout == layout]

    def score(self, layout: Layout) -> float:
        """How well the document fits a layout: mapped header confidence plus its kinds of section."""
        best: dict[frozenset[str], float] = {}
        for m in self.maps:
            if m.layout == layout.name:
                best[m.fields()] = max(best.get(m.fields(), 0.0), sum(x.confidence for x in m.mapped))
        rows = len(self.rows(layout.name))
        bonus = sum(0.5 for s in self.sections if s.kind in layout.sections)
        return (sum(best.values()) + min(bonus, 3.0)) if rows else 0.0


# An audit or inspection report that the rows under it respond to: 'Report 2023/24-01: Budgetary control'.
_REPORT = re.compile(r"^(?:(?:Internal\s+|External\s+)?Audit\s+|Inspection\s+)?(?:Report|REPORT)\s+"
                     r"(?P<code>\d{2,4}/\d{2}[-/.]\d{1,3}|\d{1,3}(?:\.\d{1,3})?|[A-Z]\d{0,2})\s*[:.\-–)]\s*(?P<title>\S.*)$")


def section_of(text: str) -> tuple[str, str, str] | None:
    """(kind, code, title) when a line opens a risk, objective, theme or report; prose is not a section."""
    line = one_line(text).lstrip("#* ").replace("**", "")
    if (m := _REPORT.match(line)) and len(line) <= 300:
        return "report", m["code"], m["title"].strip()
    m = _SECTION.match(line)
    if not m or len(line) > 400:
        return None
    prefix = m["prefix"].strip()
    if re.search(r"[.;!?]", prefix) or any(w[0].islower() and w not in ("and", "of", "the", "for", "&")
                                           for w in prefix.split()):
        return None  # "Completed projects per strand 4" is a chart label; "Police and Crime Plan: Objective 1" is not
    if m["word"][0].islower() and not line.isupper():
        return None
    title = m["title"].strip()
    if m["code"].isalpha() and m["code"].islower():
        return None
    if title and title[0].islower() and not prefix:
        return None  # "Risk a ..." / "aims to ..." in running text
    kind = _WORD_KIND[m["word"].split()[0].lower()]
    return kind, m["code"].rstrip("."), title


def plan_theme(text: str) -> str | None:
    line = one_line(text)
    if line.isupper() and (m := _PLAN_THEME.search(line)):
        return m[1].strip().capitalize()
    return None


def _is_header(mapped: list[Mapped], row: list[str], layout: Layout) -> bool:
    filled = [c for c in row if c.strip()]
    names = [m for m in mapped if m.how != CONTENT]
    strong = [m for m in names if m.how in (EXACT, USER) or m.confidence >= 0.75]
    return (len(names) >= 2 and any(m.field == layout.key for m in names) and len(strong) >= 2
            and all(len(m.header) <= 80 for m in names) and len(names) >= 0.5 * len(filled))


class Engine:
    """Walks a document once, for several layouts at a time (a register and its glossary)."""

    def __init__(self, doc: Document, layouts: list[Layout], overrides: dict[str, str] | None = None):
        self.doc = doc
        self.layouts = layouts
        self.overrides = {norm(k): v for k, v in (overrides or {}).items()}
        self.out = Extraction(doc.file)
        self.map: ColumnMap | None = None
        self.section: Section | None = None
        self.theme: str | None = None
        self.group: str | None = None  # the last line across the current table
        self.awaiting_title: Section | None = None
        self.last: Record | None = None

    def run(self) -> Extraction:
        blocks = self.doc.blocks
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if isinstance(block, Table):
                self._table(block)
            elif (aligned := self._aligned(blocks, i) or self._vertical(blocks, i)) is not None:
                table, i = aligned
                self._table(table)
                continue
            else:
                self._text(block)
            i += 1
        return self.out

    # -- tables laid out with spaces (fixed-width text, PDFs without ruling lines) -------------------

    def _aligned(self, blocks: list, i: int) -> tuple[Table, int] | None:
        """When line `i` is a header whose cells stand apart, the lines under it cut at its columns, as a
        table; and the index of the first block after it."""
        head = blocks[i]
        if head.level is not None or len(head.cells()) < 3:
            return None
        cells = self._header_cells(head)
        row = [t for _, t in cells]
        if not any(_is_header(map_header(row, x.fields), row, x) for x in self.layouts):
            return None
        lines: list[Text] = []
        across: set[int] = set()  # ids of lines written across the table (a section, a report, a theme)
        j = i + 1
        while j < len(blocks) and isinstance(blocks[j], Text):
            if self._ends_aligned(blocks[j], cells):
                # Lines across the table end it, unless rows cut at its columns follow them: the rows of the
                # next section, under a header that is not repeated.
                k = j
                while k < min(j + 4, len(blocks)) and isinstance(blocks[k], Text) and \
                        self._ends_aligned(blocks[k], cells):
                    k += 1
                if k - j == 4 or k >= len(blocks) or not isinstance(blocks[k], Text) or \
                        not _in_columns(blocks[k], cells) or blocks[j].level in (1, 2):
                    break
                across |= {id(b) for b in blocks[j:k]}
                lines += blocks[j:k]
                j = k
                continue
            lines.append(blocks[j])
            j += 1
        if not lines:
            return None
        starts = _column_starts(cells, [ln for ln in lines if id(ln) not in across], head.gutter, head.words)
        grouped = any(line.gap for line in lines[1:])
        table = Table([_cut(head, starts)], [head.origin])
        for line in lines:
            if id(line) in across:
                table.rows.append([line.text] + [""] * (len(starts) - 1))
                table.origins.append(line.origin)
                continue
            cut = _cut(line, starts)
            joined = [join_wrapped(a, b) for a, b in zip(table.rows[-1], cut, strict=False)]
            if len(table.rows) == 1 and not line.gap and self._header_fit(joined) > self._header_fit(table.rows[0]):
                table.rows[0] = joined  # the header's own cells wrapped ('Current Status of' / 'Action')
            elif grouped and not line.gap and len(table.rows) > 1 and not (
                    cut[0] and table.rows[-1][0] and looks_like_ref(cut[0])):  # a wrapped line of the row above
                table.rows[-1] = joined
            else:
                table.rows.append(cut)
                table.origins.append(line.origin)
        return table, j

    def _vertical(self, blocks: list, i: int) -> tuple[Table, int] | None:
        """A table flattened to one cell per line (web pages, some converters): a run of short lines that
        are a header, then the lines under it taken that many at a time while they fit their columns."""
        run: list[Text] = []
        for block in blocks[i:i + 10]:
            if not isinstance(block, Text) or len(block.text) > 40 or re.search(r"[.;!?]$", block.text):
                break
            run.append(block)
        best: tuple[int, Layout] | None = None
        for k in range(len(run), 2, -1):
            row = [one_line(b.text) for b in run[:k]]
            for x in self.layouts:
                mapped = map_header(row, x.fields)
                if len(mapped) == k and _is_header(mapped, row, x):
                    best = best or (k, x)
        if best is None:
            return None
        k, layout = best
        header = [one_line(b.text) for b in run[:k]]
        kinds = {m.column: next(f.content for f in layout.fields if f.name == m.field)
                 for m in map_header(header, layout.fields)}
        table = Table([header], [run[0].origin])
        j = i + k
        while j < len(blocks):
            chunk = [b for b in blocks[j:j + k] if isinstance(b, Text)]
            if not chunk or any(b.level is not None or section_of(b.text) for b in chunk) or any(
                    (kind := kinds.get(c)) in ("date", "rag", "ref") and not _fits(kind or "", one_line(b.text))
                    for c, b in enumerate(chunk)):
                break
            table.rows.append([one_line(b.text) for b in chunk] + [""] * (k - len(chunk)))
            table.origins.append(chunk[0].origin)
            j += len(chunk)
        return (table, j) if len(table.rows) > 1 else None

    def _header_cells(self, head: Text) -> list[tuple[float, str]]:
        """Header cells, a cell split where its words are two column names set one space apart
        ('Ref Requirements', 'Task Status Progress / Evidence')."""
        names = {k for x in self.layouts for f in x.fields for k in f.normalised()}
        out: list[tuple[float, str]] = []
        words = list(head.words)
        for x, text in head.cells():
            if norm(text) in names:
                out.append((x, text))
                continue
            mine = [w for w in words if x <= w.x0 and w.text in text.split()][:len(text.split())]
            out += _split_names(mine, names) or [(x, text)]
        return out

    def _header_fit(self, row: list[str]) -> float:
        return max(sum(m.confidence for m in map_header(row, x.fields) if m.how == EXACT) for x in self.layouts)

    def _ends_aligned(self, line: Text, header: list[tuple[float, str]]) -> bool:
        """A heading, a section line or prose running across the columns ends a spaced table."""
        if line.level is not None or section_of(line.text) or plan_theme(line.text) or _KEY_LINE.match(line.text):
            return True
        cells = line.cells()
        if len(cells) == 1 and sum(1 for c in _cut(line, [x for x, _ in header]) if c) >= 2:
            return True  # one run of words over the columns' edges: a line across the table, no cell of it
        width = header[-1][0] - header[0][0]
        return len(cells) == 1 and cells[0][0] <= header[0][0] + line.gutter and len(line.text) * (
            line.gutter / 2) > 0.6 * width and bool(re.search(r"(?<![a-z])[a-z]{3,}+\s++[a-z]{3}", line.text))

    # -- text ------------------------------------------------------------------------------

    def _text(self, block: Text) -> None:
        self.out.texts.append(block)
        cells = block.cells()
        if len(cells) >= 3 and self.out.read and looks_like_ref(cells[0][1]):
            self.out.unread.append(block.origin)  # laid out like the rows read, but under no header
        if len(block.text) > 120 and self._run_together(block):
            return
        if self.awaiting_title is None and len(block.text) <= 200 and self._risk_facts(block.text):
            return
        if not self._heading(block.text, block.origin) and self.awaiting_title is not None:
            if block.heading or len(block.text) <= 200:
                self.awaiting_title.title = one_line(block.text)
            self.awaiting_title = None

    def _run_together(self, block: Text) -> bool:
        """A paragraph holding tables whose cells ran together (see `runtogether`); True when it did."""
        words = one_line(block.text).split()
        best: tuple[float, Layout, list[runtogether.Header]] | None = None
        for layout in self.layouts:
            heads = [h for h in runtogether.find_headers(words, layout.fields)
                     if _is_header(map_header(h.cells, layout.fields), h.cells, layout)]
            score = sum(m.confidence for h in heads for m in map_header(h.cells, layout.fields))
            if heads and (best is None or score > best[0]):
                best = (score, layout, heads)
        if best is None:
            return False
        _, layout, heads = best
        ends = [h.start for h in heads[1:]] + [len(words)]
        before = 0
        for head, end in zip(heads, ends, strict=True):
            for start in _section_starts(words[before:head.start]):
                self._heading(_cut_title(" ".join(words[before + start:head.start])), block.origin)
            body = words[head.end:end]
            opens = _section_starts(body)
            cut = opens[0] if opens else len(body)  # the next objective's heading, before the next header
            self._run_table(head, body[:cut], layout, block)
            before = head.end + cut
        return True

    def _run_table(self, head: runtogether.Header, words: list[str], layout: Layout, block: Text) -> None:
        fields = {m.column: m.field for m in map_header(head.cells, layout.fields)}
        rows = runtogether.split_rows(words, numbers="ref" in fields.values())
        if not rows:
            self.out.skipped.append((block.origin, "a table run together on one line with no refs: its rows cannot "
                                                   "be told apart, so it is not read"))
            return
        kinds = [runtogether.kind_of(fields.get(c, "")) for c in range(len(head.cells))]
        required = [fields.get(c) == layout.key for c in range(len(head.cells))]
        ref_col = next((c for c, f in fields.items() if f == "ref"), None)
        if ref_col is not None:
            del kinds[ref_col], required[ref_col]
        if any(a == b == "text" for a, b in zip(kinds, kinds[1:], strict=False)):
            self.out.skipped.append((block.origin, "a table run together on one line has two text columns side by "
                                                   f"side ({', '.join(head.cells)}): where one ends and the next "
                                                   "begins cannot be told, so it is not read"))
            return
        table = Table([head.cells if ref_col is not None else [""] + head.cells], [block.origin])
        for ref, rest in rows:
            spans = [" ".join(x) for x in runtogether.share_out(rest, kinds, required)]
            spans.insert(ref_col or 0, ref)
            table.rows.append(spans)
            table.origins.append(block.origin)
        self._table(table)

    def _heading(self, text: str, origin: Origin) -> bool:
        """A section or theme line; True when it was one."""
        if theme := plan_theme(text):
            self.theme, self.section = theme, None  # the header above, if any, still holds for the rows below
            return True
        found = section_of(text)
        if found is None:
            return False
        kind, code, title = found
        title = _SCORE.sub("", title).strip(" -–:\t")
        score = _SCORE.search(text)
        section = Section(kind, code, title, origin, None, int(score[1] or score[2]) if score else None)
        if kind == "theme":
            self.theme = title or f"Theme {code}"
            section.theme = self.theme
        else:
            section.theme = self.theme
        self.out.sections.append(section)
        self.section = section
        self.last = None
        self.awaiting_title = section if not title else None
        return True

    def _risk_facts(self, text: str) -> bool:
        """Owner and current score of the risk section being read, from a line or a label/value row under
        its heading; True when the text gave any. Inherent and target scores are not the current one."""
        section = self.section
        if section is None or section.kind != "risk" or self.last is not None:
            return False
        if no_action(text):
            section.no_action.append(one_line(text))
            return True
        found = False
        for m in _FACT.finditer(one_line(text)):
            label, value = m["label"].lower(), m["value"].strip(" .")
            if "owner" in label:
                section.owner, found = value, True
            elif not re.match(r"(inherent|target)", label):
                score, likelihood, impact = parse_score(value)
                if score is not None:
                    section.score, section.likelihood, section.impact, found = score, likelihood, impact, True
            else:
                found = True
        return found

    # -- tables ------------------------------------------------------------------------------

    def _table(self, table: Table) -> None:
        if self.map is not None and table.width <= max((m.column for m in self.map.mapped), default=-1):
            self.map = None  # a narrower table is not the one before, continued
        found_header = False
        groups: dict[int, str] = {}
        groups_row = -2
        for i, row in enumerate(table.rows):
            origin = table.origins[i]
            filled = [c for c in row if c.strip()]
            if not filled:
                continue
            if all(_SEPARATOR.match(c) for c in filled):
                self.out.skipped.append((origin, "separator row"))
                continue
            if len(filled) == 1 and _KEY_LINE.match(first := filled[0]):
                self.out.texts.append(Text(first, origin))  # '* Meetings held in public': the key to markers
                continue
            header = self._header(row, table, i, groups if i == groups_row + 1 else None)
            if header is not None and (labels := self._group_labels(row, table, i, header)) is not None:
                groups, groups_row = labels, i
                self.out.skipped.append((origin, "labels over groups of columns, above the header"))
                continue
            if header is not None:
                found_header = True
                self.out.read.add(id(table))
                if self.map is not None and header.fields() == self.map.fields() and header.layout == self.map.layout:
                    self.out.skipped.append((origin, "header row repeated"))
                    self.map = header
                    continue
                self.map, self.group = header, None
                self.out.maps.append(header)
                continue
            first = filled[0]
            if first.lower().rstrip(" :") == "subject" and len(filled) > 1 and self.out.subject is None:
                self.out.subject = one_line(filled[1])
                continue
            if self._is_data(row):
                self._row(row, table, i)
                continue
            if (len(filled) <= 2 or row[0].strip() == first) and self._heading(first if len(filled) == 1 else
                                                                               " ".join(filled), origin):
                if len(filled) == 2 and self.out.sections and self.out.sections[-1].origin == origin:
                    sec = self.out.sections[-1]
                    if not sec.title:
                        sec.title = _SCORE.sub("", filled[1]).strip(" -–:")
                        self.awaiting_title = None
                continue
            if len(filled) <= 2 and self._risk_facts(" | ".join(filled)):
                self.out.read.add(id(table))
                continue
            if self.map is None:
                if self.awaiting_title is not None and len(filled) == 1:
                    self.awaiting_title.title, self.awaiting_title = one_line(first), None
                elif len(filled) >= 2 and not found_header and i == 0:
                    self.out.headers_seen.append(" | ".join(one_line(c) for c in filled)[:200])
                elif len(filled) >= 2 and id(table) in self.out.read and looks_like_ref(row[0]):
                    self.out.unread.append(origin)  # a row like those read, after the table was taken to end
                continue
            if self.awaiting_title is not None and len(filled) == 1:  # the title on the line after its section
                self.awaiting_title.title, self.awaiting_title = one_line(first), None
                continue
            if len(filled) == 1 and self._across(row):
                self.out.skipped.append((origin, "a line across the table, not a row of it"))
                line = re.sub(r"^(\*\*?|__?)(.+)\1$", r"\2", one_line(first))  # '**PEEL 2023**' in bold
                self.out.texts.append(Text(line, origin))  # a list may follow a table on its sheet
                self.last, self.group = None, line
                continue
            if self._not_a_ref(row):
                self.out.skipped.append((origin, "its ref cell holds no ref, where the rows above had refs: the "
                                                 "table above has ended (a key or another table follows)"))
                self.map, self.last = None, None
                continue
            self._row(row, table, i)

    def _not_a_ref(self, row: list[str]) -> bool:
        """A row whose ref cell holds words ('Done', 'Action RAG'), under a header whose rows so far all had
        refs: not a row of that table."""
        assert self.map is not None
        col = self.map.index().get(self._layout(self.map.layout).ref or "")
        if col is None or col >= len(row) or not row[col].strip() or looks_like_ref(row[col]) or \
                _LEADING_REF.match(row[col].strip()):
            return False
        under = [r for r in self.out.records if r.columns == self.map.index()]
        return len(under) >= 2 and all(looks_like_ref(r.parts[0].get("ref", "")) for r in under[-5:])

    def _across(self, row: list[str]) -> bool:
        """A row whose only text stands in the ref column, a theme column (which names a group of rows,
        never the rest of one) or an unread first column, and is no ref: a heading written across the
        table ('2023/24 AUDIT PLAN') or a line under it, not a row or the rest of one."""
        assert self.map is not None
        index = self.map.index()
        layout = self._layout(self.map.layout)
        j = next(k for k, c in enumerate(row) if c.strip())
        read = {c for m in self.map.mapped for c in m.columns}
        return (j in (index.get(layout.ref or ""), index.get("theme")) or (j == 0 and j not in read)) and \
            not _BARE_REF.match(row[j].strip())

    def _is_data(self, row: list[str]) -> bool:
        """A row under a header whose ref column holds a ref is data, whatever its words say."""
        if self.map is None:
            return False
        layout = self._layout(self.map.layout)
        col = self.map.index().get(layout.ref or "")
        alone = sum(1 for c in row if c.strip()) == 1  # 'PEEL 2023' alone on its row heads a group of rows
        return col is not None and col < len(row) and looks_like_ref(row[col]) and not (
            alone and not _BARE_REF.match(row[col].strip()))

    def map_key(self) -> str:
        return self._layout(self.map.layout).key if self.map else "title"

    def _layout(self, name: str) -> Layout:
        return next(x for x in self.layouts if x.name == name)

    def _header(self, row: list[str], table: Table, i: int, groups: dict[int, str] | None = None) -> ColumnMap | None:
        best: tuple[float, Layout, list[Mapped]] | None = None
        for layout in self.layouts:
            mapped = self._apply_overrides(row, map_header(row, layout.fields), layout, table.origins[i])
            if _is_header(mapped, row, layout):
                score = sum(m.confidence for m in mapped)
                if best is None or score > best[0]:
                    best = (score, layout, mapped)
        if best is None:
            return None
        _, layout, mapped = best
        mapped = self._infer_blanks(row, table, i, layout, mapped)
        mapped, notes = _qualified(row, mapped, layout, groups or {})
        used = {c for m in mapped for c in m.columns}
        dropped = {j for j, c in enumerate(row) if c.strip() and self.overrides.get(norm(c)) == IGNORE}
        ignored = [one_line(c) for j, c in enumerate(row) if c.strip() and j not in used and j not in dropped]
        ignored += _spans([j for j in self._blank_filled(row, table, i) if j not in used])
        return ColumnMap(layout.name, table.origins[i], [one_line(c) for c in row], mapped, ignored, notes,
                         [one_line(row[j]) for j in sorted(dropped)])

    def _group_labels(self, row: list[str], table: Table, i: int, header: ColumnMap) -> dict[int, str] | None:
        """A row of labels over groups of columns ('Inherent risk', 'Residual risk', merged across), with
        the real header under it: each label, carried right to the next, for the columns below."""
        filled = [j for j, c in enumerate(row) if c.strip()]
        if i + 1 >= len(table.rows) or len(filled) > 0.6 * max(table.width, 1):
            return None
        labels, label = {}, ""
        for j in range(table.width):
            label = one_line(row[j]) if j < len(row) and row[j].strip() else label
            labels[j] = label
        below = self._header(table.rows[i + 1], table, i + 1, labels)
        if below is None or len(below.mapped) <= len(header.mapped):
            return None
        return labels

    def _apply_overrides(self, row: list[str], mapped: list[Mapped], layout: Layout, origin: Origin) -> list[Mapped]:
        if not self.overrides:
            return mapped
        names = set(layout.field_names())
        forced: dict[str, list[int]] = {}
        for j, cell in enumerate(row):
            target = self.overrides.get(norm(cell)) if cell.strip() else None
            if target is not None and (target in names or target == IGNORE):
                forced.setdefault(target, []).append(j)
        columns = {j for js in forced.values() for j in js}
        kept = [m for m in mapped if m.column not in columns and m.field not in forced]
        for name, js in forced.items():
            if name == IGNORE:
                continue
            if len(js) > 1 and name not in JOINABLE:
                problem = (f"--columns gives the field {name} to {len(js)} headers "
                           f"({', '.join(repr(one_line(row[j])) for j in js)}); it takes one column")
                if (origin, problem) not in self.out.errors:
                    self.out.errors.append((origin, problem))
            kept.append(Mapped(js[0], row[js[0]], name, 1.0, USER, also=tuple(js[1:]) if name in JOINABLE else ()))
        return sorted(kept, key=lambda m: m.column)

    def _body(self, table: Table, i: int) -> Iterator[list[str]]:
        """The rows under a header, up to the next header or section line."""
        for row in table.rows[i + 1:i + 60]:
            filled = [c for c in row if c.strip()]
            if filled and (len(filled) <= 2 and section_of(" ".join(filled)) or any(
                    _is_header(map_header(row, x.fields), row, x) for x in self.layouts)):
                return
            yield row

    def _blank_filled(self, row: list[str], table: Table, i: int) -> list[int]:
        width = max(len(row), table.width)
        return [j for j in range(width) if (j >= len(row) or not row[j].strip())
                and any(j < len(r) and r[j].strip() for r in self._body(table, i))]

    def _infer_blanks(self, row: list[str], table: Table, i: int, layout: Layout, mapped: list[Mapped]) -> list[Mapped]:
        """A blank header, or one that names no field ('#', 'To be completed by', 'Expected completion'),
        takes a field its column's content shows (refs, RAG letters, dates) when no column has that field;
        never a date column whose header names another date ('Date raised', 'Start date')."""
        out = list(mapped)
        used = {m.column for m in mapped}
        unnamed = [j for j, c in enumerate(row) if c.strip() and j not in used and
                   self.overrides.get(norm(c)) != IGNORE]
        for m in list(out):  # 'Progress (RAG)' over R/A/G letters: its qualifier names the field its cells show
            spec = next(f for f in layout.fields if f.name == m.field)
            qualifier = re.search(r"\(([^()]{1,20})\)", m.header)
            named = [f for f in layout.fields if f.content and qualifier and norm(qualifier[1]) in f.normalised()
                     and f.name not in {x.field for x in out}]
            if m.how != USER and spec.content is None and named and \
                    content_kind([r[m.column] for r in self._body(table, i) if m.column < len(r)]) == named[0].content:
                out[out.index(m)] = Mapped(m.column, m.header, named[0].name, m.confidence, m.how)
        for j in [*self._blank_filled(row, table, i), *unnamed]:
            values = [r[j] for r in self._body(table, i) if j < len(r)]
            kind = content_kind(values)
            key_col = next((m.column for m in out if m.field == layout.key), len(row))
            if kind == "ref" and j > key_col:
                continue  # a paper's own numbering comes before what it numbers
            if kind == "date" and j < len(row) and OTHER_DATE.search(row[j]):
                continue
            free = [f for f in layout.fields if f.content == kind and f.name not in {m.field for m in out}]
            if kind and free:
                out.append(Mapped(j, row[j].strip() if j < len(row) else "", free[0].name, 0.6, CONTENT))
        return sorted(out, key=lambda m: m.column)

    # -- rows ---------------------------------------------------------------------------------

    def _row(self, row: list[str], table: Table, i: int) -> None:
        assert self.map is not None
        layout = self._layout(self.map.layout)
        origin = table.origins[i]
        values = {m.field: v for m in self.map.mapped if (v := _cell(row, m))}
        repeated = {m.field for m in self.map.mapped if (i, m.column) in table.repeats}
        if not values:
            self.out.skipped.append((origin, "no text in any column read"))
            return
        if layout.ref and layout.ref not in self.map.fields() and (m := _LEADING_REF.match(values.get(layout.key, ""))):
            values[layout.ref], values[layout.key] = m[1].rstrip("."), m[2]  # '1.1 Monitor ...': the ref opens the cell
        elif layout.ref and not values.get(layout.key) and (m := _LEADING_REF.match(values.get(layout.ref, ""))):
            values[layout.ref], values[layout.key] = m[1].rstrip("."), m[2]  # ref and title in one merged cell
        if set(values) == {layout.key} and values[layout.key].endswith(":") and not repeated:
            self.out.skipped.append((origin, "sub-heading (a title ending in ':' and nothing else)"))
            self.last = None  # what follows a sub-heading does not go on from the row above it
            return
        why = self._continues(values, repeated, layout)
        if why and self.last is not None:
            self._merge(self.last, values, repeated)
            self.last.merged.append(origin)
            self.out.merged.append((origin, self.last.origin, why))
            return
        if not values.get(layout.key) and not (layout.ref and values.get(layout.ref)):
            self.out.skipped.append((origin, f"no {layout.key} and nothing above to continue"))
            return
        record = Record(layout.name, values, origin, self.section, self.theme, parts=[dict(values)], group=self.group,
                        columns=self.map.index())
        self.out.records.append(record)
        self.out.read.add(id(table))
        self.last = record

    def _continues(self, values: dict[str, str], repeated: set[str], layout: Layout) -> str | None:
        if self.last is None or self.last.layout != layout.name:
            return None
        ref = layout.ref if layout.ref in self.map.fields() else None  # type: ignore[union-attr]
        if ref is not None:
            if ref in repeated:
                return f"its {ref} cell is merged with the row above"
            if not values.get(ref):
                return f"no {ref}: {layout.continuation}"
            return None
        key = values.get(layout.key, "")
        if layout.key in repeated:
            return f"its {layout.key} cell is merged with the row above"
        if not key:
            return f"no {layout.key}: more of the row above"
        before = self.last.values.get(layout.key, "")
        if key[0].islower() and before and not re.search(r"[.!?:;]$", before):
            return f"{layout.key} goes on from the row above"
        return None

    @staticmethod
    def _merge(record: Record, values: dict[str, str], repeated: set[str]) -> None:
        record.parts.append({k: v for k, v in values.items() if k not in repeated})
        for name, value in values.items():
            if name in repeated:
                continue
            old = record.values.get(name, "")
            if name in SINGLE_LINE or value[:1].islower() or value[:1] in ")]},.;:":  # a sentence goes on
                record.values[name] = join_wrapped(old, value)
            else:
                record.values[name] = f"{old}\n{value}" if old else value


def _cell(row: list[str], m: Mapped) -> str:
    """A field's text in a row: its column, joined with the columns that share it, or where it is blank
    the first of its fallback columns that is not."""
    def at(j: int) -> str:
        return row[j].strip() if j < len(row) else ""

    text = "\n".join(t for t in (at(j) for j in (m.column, *m.also)) if t)
    return text or next((t for t in (at(j) for j in m.fallback) if t), "")


def _qualified(row: list[str], mapped: list[Mapped], layout: Layout, groups: dict[int, str]) -> tuple[
        list[Mapped], list[str]]:
    """Columns that name one field ('Score' under 'Inherent risk' and under 'Residual risk'; 'Original'
    and 'Revised target date'; 'Primary' and 'Secondary oversight'): text fields read them all; others read
    the current value (residual, revised), an earlier one (original) only where it is blank for a date, and
    never one that is not the value itself (inherent, target); each choice said in a note."""
    used = {m.column for m in mapped}
    specs = {f.name: f for f in layout.fields}
    out, notes = [], []
    for m in mapped:
        if m.how in (USER, CONTENT) or m.field not in specs:
            out.append(m)
            continue
        same = [j for j, c in enumerate(row) if j not in used and c.strip() and any(
            name == m.field and conf >= m.confidence - 0.05 for conf, name, _ in candidates(c, [specs[m.field]]))]
        if not same:
            out.append(m)
            continue

        spec = specs[m.field]

        def label(j: int) -> str:
            group = groups.get(j, "")
            return one_line(row[j]) + (f" ({group})" if group and norm(group) != norm(row[j]) else "")

        def rank(j: int, spec: FieldSpec = spec) -> int:
            return qualifier_rank(f"{groups.get(j, '')} {_qualifier(row[j], spec)}")

        group = sorted([m.column, *same], key=lambda j: (rank(j), j))
        used |= set(same)
        if m.field in JOINABLE:
            kept = sorted(j for j in group if rank(j) < 3)
            out.append(Mapped(kept[0], row[kept[0]], m.field, m.confidence, m.how, also=tuple(kept[1:])))
            notes += [f"{', '.join(repr(label(j)) for j in kept)} all name {m.field}: their text is read together"]
            continue
        best, rest = group[0], group[1:]
        back = tuple(j for j in rest if rank(j) in (1, 2) and spec.content == "date")
        out.append(Mapped(best, row[best], m.field, m.confidence, m.how, fallback=back))
        for j in rest:
            notes.append(f"{label(j)!r} also names {m.field}: read only where {label(best)!r} is blank" if j in back
                         else f"{label(j)!r} also names {m.field}; {label(best)!r} is read and it is ignored")
    return sorted(out, key=lambda x: x.column), notes


def _qualifier(header: str, spec: FieldSpec) -> str:
    """A header's words besides the field's own name: 'Revised target date' -> 'revised'."""
    h = norm(header)
    name = max((n for n in spec.normalised() if f" {n} " in f" {h} "), key=len, default="")
    return h.replace(name, " ").strip() if name else h


def _section_starts(words: list[str]) -> list[int]:
    """Where sections open inside a long paragraph: the word that begins 'Police and Crime Plan: Objective 1'."""
    starts = []
    for i, w in enumerate(words):
        if i + 1 < len(words) and re.match(r"^(Objective|Priority|Theme|Aim|Outcome|Commitment|Risk)$", w) and \
                re.match(r"^([A-Z]|\d{1,2})[:.]?$", words[i + 1]):
            j = i
            while j > 0 and i - j < 4 and re.match(r"^([A-Z][\w&'’]+:?|and|of|the|for|&)$", words[j - 1]):
                j -= 1  # a lone capital ('R', a status) ends the previous row, not the heading
            starts.append(j if section_of(" ".join(words[j:i + 3])) else i)
    return starts


def _cut_title(text: str) -> str:
    """A section's title where a run-together paragraph goes on past it ('... reoffending This will be ...')."""
    m = re.search(r"\s(?:This|These|It|We|The following)\s+(?:will|is|are|includes?)\b|\s[-–•]\s|[.;]\s", text)
    return text[:m.start()] if m else text[:300]


def _fits(kind: str, value: str) -> bool:
    """A cell in a date, R/A/G or ref column: its kind, or a word such columns hold ('Ongoing', 'TBD')."""
    return looks(kind, date_text(value)) or bool(re.match(r"^(ongoing|tbd|tbc|n/?a|complete[d]?|in progress)\b",
                                                          value, re.I))


def date_text(value: str) -> str:
    """'Sep ‘19', 'Apr ’20': a month and a two-digit year with an apostrophe, as the date forms read."""
    return re.sub(r"(?<!\s)\s*+[‘’'`´](\d{2})\b", r" \1", value)


def _split_names(words: list, names: set[str]) -> list[tuple[float, str]] | None:
    """Words as consecutive column names, longest first; None when they are not all names."""
    if not words:
        return []
    for n in range(len(words), 0, -1):
        text = " ".join(w.text for w in words[:n])
        if norm(text) in names:
            rest = _split_names(words[n:], names)
            if rest is not None:
                return [(words[0].x0, text)] + rest
    return None


def _column_starts(header: list[tuple[float, str]], lines: list[Text], gutter: float,
                   words: tuple = ()) -> list[float]:
    """Where columns start: the header's cells, a place left of or between them where cells of two or
    more lines start (a column whose header cell is blank, such as the refs), and a word of a header
    cell where cells of two or more lines start under it (names set one space apart: 'Exec Sponsor
    Target' over 'PCC   31/03/25' is two columns)."""
    starts = [x for x, _ in header]
    inner = [w.x0 for w in words if all(abs(w.x0 - s) > gutter for s in starts)]
    seen: dict[float, int] = {}
    for line in lines:
        for x, _ in line.cells():
            if all(abs(x - s) > gutter for s in starts):
                at = next((w for w in inner if abs(x - w) <= gutter / 2), None)
                if at is not None:
                    seen[at] = seen.get(at, 0) + 1
                elif x < starts[0] or not _inside(x, header, gutter):
                    key = round(x / max(gutter, 1)) * max(gutter, 1)
                    seen[key] = seen.get(key, 0) + 1
    extra = [k for k, n in seen.items() if n >= 2]
    return sorted(starts + extra)


def _in_columns(line: Text, header: list[tuple[float, str]]) -> bool:
    """Whether a line's cells stand at two or more of the header's columns (a cell left of the first is a
    ref's column): a row of the table, not prose."""
    starts = [x for x, _ in header]
    at = [x for x, _ in line.cells() if x < starts[0] - line.gutter or any(abs(x - s) <= 2 * line.gutter
                                                                           for s in starts)]
    return len(line.cells()) >= 2 and len(at) >= 2


def _inside(x: float, header: list[tuple[float, str]], gutter: float) -> bool:
    """Whether x falls within a header cell's own text (a wrapped cell's words start anywhere there)."""
    return any(h <= x <= h + len(t) * gutter for h, t in header)


def _cut(line: Text, starts: list[float]) -> list[str]:
    """A line's words put in the column they start in (a little left of a column still counts)."""
    cells = [""] * len(starts)
    for w in line.words:
        col = max((k for k, s in enumerate(starts) if w.x0 >= s - line.gutter), default=0)
        cells[col] = f"{cells[col]} {w.text}".strip()
    return cells


def _spans(columns: list[int]) -> list[str]:
    """Blank-header columns as 'column 6 (no header)' or 'columns 6-22 (no header)'."""
    runs: list[tuple[int, int]] = []
    for j in columns:
        if runs and runs[-1][1] == j - 1:
            runs[-1] = (runs[-1][0], j)
        else:
            runs.append((j, j))
    return [f"column {a + 1} (no header)" if a == b else f"columns {a + 1}-{b + 1} (no header)" for a, b in runs]


def extract(doc: Document, layouts: list[Layout], overrides: dict[str, str] | None = None) -> Extraction:
    return Engine(doc, layouts, overrides).run()


def looks_like_ref(value: str) -> bool:
    return looks("ref", value)
