"""PDFs with a text layer as blocks: tables found from their ruling (a full grid, or rules between rows
only, as Word's plainer table styles draw them), the text lines between them as headings and
paragraphs. A cell's lines are joined where the text wrapped and kept apart where the author broke
the line (a next word that would have fitted), so two mechanisms on two lines stay two."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..limits import MAX_PAGES, MAX_PDF_CHARS, check_row
from ..parsed import ParsedMap
from ..report import Origin
from .clean import clean, is_page_number, join_wrapped
from .model import Document, Table, Text, Word

Box = tuple[float, float, float, float]  # x0, top, x1, bottom
_LIST_ITEM = re.compile(r"^\s*(?:[•◦▪□■●○\-–*]|\d+[.)])\s")


@dataclass
class _Grid:
    """A table found on a page: where it is and its cells' boxes, row by row (None where a merged cell
    covers the place)."""

    bbox: Box
    cells: list[list[Box | None]]


def read_pdf(path: Path, parsed: ParsedMap) -> Document | None:
    """Tables, with the text lines between them as headings (bold or larger type) and paragraphs; page
    numbers dropped. A table that goes on at the top of the next page with as many columns joins the
    one before (its repeated header is left for the adapter to recognise and skip)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(str(path))
    except (PDFSyntaxError, ValueError, KeyError) as exc:
        parsed.error(Origin(str(path)), f"not a readable PDF ({exc.__class__.__name__}: {exc})")
        return None
    doc = Document(str(path))
    chars = 0
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            parsed.error(Origin(str(path)), f"not read: it has {len(pdf.pages):,} pages; registers are read up to "
                                            f"{MAX_PAGES:,}")
            return None
        for page_no, page in enumerate(pdf.pages, 1):
            chars += len(page.chars)
            if chars > MAX_PDF_CHARS:
                parsed.error(Origin(str(path), f"page {page_no}"),
                             f"not read: its text runs past {MAX_PDF_CHARS:,} characters")
                return None
            _read_page(page, Origin(str(path), f"page {page_no}", None), doc)
    if chars == 0:
        parsed.error(Origin(str(path)), "the PDF has no text layer (a scan?); export it from Word again or run "
                                        "it through OCR first")
        return None
    return doc


def _read_page(page: Any, where: Origin, doc: Document) -> None:
    grids = _grid_tables(page)
    grids += _rule_tables(page, [g.bbox for g in grids])
    boxes = [g.bbox for g in grids]

    def outside(obj: dict) -> bool:
        return not any(b[0] - 1 <= obj["x0"] and obj["x1"] <= b[2] + 1 and b[1] - 1 <= obj["top"]
                       and obj["bottom"] <= b[3] + 1 for b in boxes)

    rest = page.filter(outside)
    body_size = _body_size(rest)
    items: list[tuple[float, Any]] = [(g.bbox[1], g) for g in grids]
    items += [(line["top"], line) for line in rest.extract_text_lines(keep_blank_chars=False)]
    first = True
    previous_bottom = None
    for _, item in sorted(items, key=lambda i: i[0]):
        if isinstance(item, dict):
            text = clean(item["text"])
            if not text or is_page_number(text):
                continue
            level = _pdf_level(item, body_size)
            last = doc.blocks[-1] if doc.blocks else None
            height = item["bottom"] - item["top"]
            gap = previous_bottom is None or item["top"] - previous_bottom > 0.5 * height
            previous_bottom = item["bottom"]
            if level is not None and isinstance(last, Text) and last.level == level and not first and not gap:
                last.text += " " + text  # a heading wrapped over two lines
            else:
                size = max((c["size"] for c in item["chars"]), default=10.0)
                doc.blocks.append(Text(text, where, level, _pdf_words(item), size * 0.9, gap))
            first = False
            continue
        rows = _cell_texts(page, item.cells)
        previous = doc.blocks[-1] if doc.blocks else None
        if first and isinstance(previous, Table) and rows and len(rows[0]) == previous.width:
            table = previous  # the same table, continued over the page break
        else:
            table = Table([], [])
            doc.blocks.append(table)
        for r, row in enumerate(rows, 1):
            check_row(row, f"{where.table} row {r}")
            if any(row):
                table.rows.append(row)
                table.origins.append(Origin(where.file, where.table, r))
        first = False


# -- finding tables ----------------------------------------------------------------------------

def _rules(page: Any, orientation: str) -> list[dict]:
    """The page's rules of one orientation, pieces drawn end to end joined into one (Word draws a
    row's border cell by cell, often as thin filled boxes), and the short sides of such boxes left
    out (a box a point high is a rule, not two rules and two ticks)."""
    lo, hi, at = ("x0", "x1", "top") if orientation == "h" else ("top", "bottom", "x0")
    pieces = sorted((e for e in page.edges if e["orientation"] == orientation and e[hi] - e[lo] > 3),
                    key=lambda e: (round(e[at]), e[lo]))
    out: list[dict] = []
    for e in pieces:
        last = out[-1] if out else None
        if last is not None and abs(last[at] - e[at]) <= 1.5 and e[lo] <= last[hi] + 2:
            if e[lo] > last[hi] - 2:
                last["joints"].append(e[lo])  # where one cell's border meets the next: a column's edge
            last[hi] = max(last[hi], e[hi])
        else:
            out.append({"orientation": orientation, lo: e[lo], hi: e[hi], at: e[at],
                        ("bottom" if orientation == "h" else "x1"): e[at], "joints": []})
    return out


def _near(a: list[float], b: list[float], within: float = 3.0) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= within for x, y in zip(a, b, strict=True))


def _grid_tables(page: Any) -> list[_Grid]:
    """Tables ruled with vertical and horizontal lines. A row split by a page break has no closing
    rule, so tables are closed where their columns' rules end."""
    verticals = _rules(page, "v")
    found = page.find_tables({"explicit_horizontal_lines": sorted({min(e["top"] for e in verticals),
                                                                   max(e["bottom"] for e in verticals)})}
                             if verticals else {})
    return [_Grid(tuple(t.bbox), [list(row.cells) for row in t.rows]) for t in found]


def _rule_tables(page: Any, taken: list[Box]) -> list[_Grid]:
    """Tables drawn with rules between rows and no vertical lines: at least four rules of one width make
    three or more rows (two do when the rules are drawn cell by cell). The columns are where the rules'
    pieces meet, when they are drawn cell by cell; otherwise the gaps, wider than a space, that no row's
    words cover, and a row that covers a gap of the rows before it starts another table. A row that is
    one run of text across the columns (a theme or a heading written across the table) is a row of one
    cell."""
    tables: list[tuple[float, float, list[float], list[float]]] = []  # x0, x1, column edges drawn, rules' tops
    for e in _rules(page, "h"):
        if e["x1"] - e["x0"] < 0.3 * page.width:
            continue
        if any(b[0] - 1 <= e["x0"] and e["x1"] <= b[2] + 1 and b[1] - 1 <= e["top"] <= b[3] + 1 for b in taken):
            continue
        # A rule goes on the table above it when it has the same span and the same column edges drawn;
        # a rule of another table in between ends that table.
        last = tables[-1] if tables else None
        if last is not None and _near([last[0], last[1], *last[2]], [e["x0"], e["x1"], *e["joints"]]):
            last[3].append(e["top"])
        else:
            tables.append((e["x0"], e["x1"], e["joints"], [e["top"]]))
    out: list[_Grid] = []
    for x0, x1, drawn, tops in tables:
        ys = _merged(sorted(tops), 2.0)
        if len(ys) < (2 if drawn else 4):  # drawn column edges show a table in two rules (a header, a row)
            continue
        bands = list(zip(ys, _with_split_row(page, x0, x1, ys)[1:], strict=False))
        words = [_words(page, x0, x1, top, bottom) for top, bottom in bands]
        gap = _gap([w for ws in words for w in ws])
        for run in [list(range(len(bands)))] if drawn else _runs(bands, words, gap):
            if drawn:
                cuts = drawn
            else:
                covered = _union([s for n in run if len(c := _cover(words[n], gap)) >= 2 for s in c])
                cuts = [(a[1] + b[0]) / 2 for a, b in zip(covered, covered[1:], strict=False)]
            if not cuts:
                continue
            columns = [x0, *cuts, x1]
            cells: list[list[Box | None]] = []
            for n in run:
                top, bottom = bands[n]
                # Text across the table (a word on a drawn edge; or words too close to part, crossing the
                # gaps the others leave): a row of one cell a paragraph.
                if _crosses(_cover(words[n], 0.0 if drawn else gap), cuts):
                    for para_top, para_bottom in _paragraphs(_inside(page, (x0, top, x1, bottom)).extract_text_lines()):
                        cells.append([(x0, para_top - 0.5, x1, para_bottom + 0.5)] + [None] * len(cuts))
                else:
                    cells.append([(a, top, b, bottom) for a, b in zip(columns, columns[1:], strict=False)])
            out.append(_Grid((x0, bands[run[0]][0], x1, bands[run[-1]][1]), cells))
    return out


def _paragraphs(lines: list[dict]) -> list[tuple[float, float]]:
    """(top, bottom) of each paragraph of some lines: a line closer to the one before than half its height,
    in the same type, goes on from it (a heading or a sentence wrapped over two lines)."""
    out: list[tuple[float, float]] = []
    before: dict | None = None
    for line in sorted(lines, key=lambda ln: ln["top"]):
        height = line["bottom"] - line["top"]
        same = before is not None and _type(line) == _type(before) and line["top"] - before["bottom"] <= 0.5 * height
        out[-1:] = [(out[-1][0], line["bottom"])] if same else out[-1:] + [(line["top"], line["bottom"])]
        before = line
    return out


def _type(line: dict) -> tuple[float, bool]:
    chars = [c for c in line.get("chars", []) if c["text"].strip()]
    return (round(max((c["size"] for c in chars), default=0.0), 1),
            bool(chars) and all("bold" in c["fontname"].lower() for c in chars))


def _runs(bands: list[tuple[float, float]], words: list[list[dict]], gap: float) -> list[list[int]]:
    """The bands, by index, in runs that are one table each: a band whose words stand in columns but
    cover a gap between the columns of the bands before it starts a new run."""
    runs: list[list[int]] = [[]]
    covered: list[tuple[float, float]] = []
    for n, _ in enumerate(bands):
        spans = _cover(words[n], gap)
        if len(spans) >= 2:
            joined = _union(covered + spans)
            if len(covered) >= 2 and len(joined) < len(covered):
                runs.append([])  # another table, with columns of its own
                joined = spans
                before = _cover(words[runs[-2][-1]], gap) if runs[-2] else []
                earlier = _union([s for k in runs[-2][:-1] for s in _cover(words[k], gap)])
                if len(spans) >= len(before) >= 2 and _aligned(before, spans, gap) >= _aligned(before, earlier, gap):
                    runs[-1].append(runs[-2].pop())  # its header, whose short words fitted the table before
            covered = joined
        runs[-1].append(n)
    return [r for r in runs if len(r) >= 2]


def _aligned(spans: list[tuple[float, float]], others: list[tuple[float, float]], gap: float) -> int:
    """How many of the spans start where one of the others does: cells of the same columns."""
    return sum(any(abs(a - b) <= gap for b, _ in others) for a, _ in spans)


def _union(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _crosses(spans: list[tuple[float, float]], cuts: list[float]) -> bool:
    return any(a < c - 1 and b > c + 1 for a, b in spans for c in cuts)


def _merged(values: list[float], within: float) -> list[float]:
    out: list[float] = []
    for v in values:
        if not out or v - out[-1] > within:
            out.append(v)
    return out


def _with_split_row(page: Any, x0: float, x1: float, ys: list[float]) -> list[float]:
    """A row split by a page break has no rule under it: text lines straight under the last rule (no
    wider gap than between lines) belong to the table."""
    lines = _inside(page, (x0, ys[-1], x1, page.height)).extract_text_lines()
    bottom = ys[-1]
    for line in sorted(lines, key=lambda ln: ln["top"]):
        height = line["bottom"] - line["top"]
        if line["top"] - bottom > 0.8 * height or is_page_number(line["text"]):
            break
        bottom = line["bottom"]
    return ys + [bottom + 1] if bottom > ys[-1] else ys


def _inside(page: Any, box: Box) -> Any:
    """The part of the page in a box: what has its middle there (a line above that touches it is left out)."""
    x0, top, x1, bottom = box

    def centred(obj: dict) -> bool:
        return x0 <= (obj["x0"] + obj["x1"]) / 2 <= x1 and top <= (obj["top"] + obj["bottom"]) / 2 <= bottom

    grown = (max(x0 - 20, page.bbox[0]), max(top - 20, page.bbox[1]), min(x1 + 20, page.bbox[2]),
             min(bottom + 20, page.bbox[3]))
    return page.crop(grown, strict=False).filter(centred)  # cropped wide, so nothing is clipped


def _words(page: Any, x0: float, x1: float, top: float, bottom: float) -> list[dict]:
    return _inside(page, (x0, top, x1, bottom)).extract_words(keep_blank_chars=False)


def _cover(words: list[dict], gap: float) -> list[tuple[float, float]]:
    """The x ranges the words cover, ranges closer than `gap` joined."""
    spans: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: w["x0"]):
        if spans and w["x0"] - spans[-1][1] < gap:
            spans[-1] = (spans[-1][0], max(spans[-1][1], w["x1"]))
        else:
            spans.append((w["x0"], w["x1"]))
    return spans


def _gap(words: list[dict]) -> float:
    """A gap wider than a space: most of the height of the words' type."""
    sizes = sorted(w["bottom"] - w["top"] for w in words)
    return 0.8 * sizes[len(sizes) // 2] if sizes else 6.0


# -- cell text ----------------------------------------------------------------------------------

def _cell_texts(page: Any, cells: list[list[Box | None]]) -> list[list[str]]:
    """Each cell's text, its lines joined where the text wrapped: a line broke where it did because the
    next word would not fit, so a next word that would have fitted (judged against the widest line of
    the column) marks a line the author ended."""
    lines = [[_lines(page, box) if box else [] for box in row] for row in cells]
    width = max((len(r) for r in cells), default=0)
    limits = [max((ln["x1"] for row in lines if c < len(row) for ln in row[c]), default=0.0) for c in range(width)]
    return [[clean(_joined(cell, limits[c])) for c, cell in enumerate(row)] for row in lines]


def _lines(page: Any, box: Box) -> list[dict]:
    return _inside(page, box).extract_text_lines(keep_blank_chars=False)


def _joined(lines: list[dict], limit: float) -> str:
    out = ""
    for n, line in enumerate(lines):
        text = line["text"]
        if n == 0:
            out = text
            continue
        before = lines[n - 1]
        size = max((c["size"] for c in line["chars"]), default=10.0)
        first_word = next((w for w in _pdf_words(line)), None)
        room = first_word is not None and before["x1"] + 0.3 * size + (first_word.x1 - first_word.x0) < limit - 0.5
        if _LIST_ITEM.match(text) or room or re.search(r"[.;:]$", out):
            out += "\n" + text
        else:
            out = join_wrapped(out, text)
    return out


# -- text lines ---------------------------------------------------------------------------------

def _pdf_words(line: dict) -> tuple[Word, ...]:
    """A PDF line's words with their x positions, from its characters (a space or a jump ends a word)."""
    words: list[Word] = []
    current: list[dict] = []
    for c in line.get("chars", []):
        if current and (not c["text"].strip() or c["x0"] - current[-1]["x1"] > 0.25 * c["size"]):
            words.append(Word(current[0]["x0"], current[-1]["x1"], "".join(x["text"] for x in current)))
            current = []
        if c["text"].strip():
            current.append(c)
    if current:
        words.append(Word(current[0]["x0"], current[-1]["x1"], "".join(x["text"] for x in current)))
    return tuple(words)


def _body_size(page: Any) -> float:
    sizes: dict[float, int] = {}
    for c in page.chars:
        sizes[round(c["size"], 1)] = sizes.get(round(c["size"], 1), 0) + 1
    return max(sizes, key=lambda s: sizes[s]) if sizes else 0.0


def _pdf_level(line: dict, body: float) -> int | None:
    chars = [c for c in line.get("chars", []) if c["text"].strip()]
    if not chars:
        return None
    size = max(c["size"] for c in chars)
    if size >= body + 3:
        return 1
    if size >= body + 1:
        return 2
    if all("bold" in c["fontname"].lower() for c in chars):
        return 9
    return None
