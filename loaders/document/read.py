"""Readers: Word, workbooks, PDFs with a text layer, text (tab-separated, markdown, pasted) and CSV,
each into a Document of clean blocks. File problems are reported on the ParsedMap passed in."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..limits import MAX_COLUMNS, MAX_PAGES, MAX_PDF_CHARS, TooCostly, check_line, check_package, check_row
from ..parsed import ParsedMap
from ..report import Origin
from ..sources import decode, workbook_rows
from .clean import clean, is_page_number, join_wrapped
from .model import Document, Table, Text, Word

WORD = (".docx",)
PDF = (".pdf",)
WORKBOOK = (".xlsx", ".xlsm")
CSV = (".csv",)
TEXT = (".txt", ".tsv", ".md", ".text")
EXTENSIONS = WORD + PDF + WORKBOOK + CSV + TEXT


def read_document(path: Path, parsed: ParsedMap) -> Document | None:
    """The file as blocks, or None (with an error on `parsed`) when it cannot be read."""
    ext = path.suffix.lower()
    readers: dict[tuple[str, ...], Callable[[Path, ParsedMap], Document | None]] = {
        WORD: read_docx, PDF: read_pdf, WORKBOOK: read_workbook, CSV: read_csv, TEXT: read_text}
    for exts, reader in readers.items():
        if ext in exts:
            if path.stat().st_size == 0:
                parsed.error(Origin(str(path)), "empty file")
                return None
            try:
                return reader(path, parsed)
            except TooCostly as exc:
                parsed.error(Origin(str(path)), f"not read: {exc}")
                return None
    parsed.error(Origin(str(path)), f"unsupported file type; registers are read from {', '.join(EXTENSIONS)}",
                 value=ext or path.name)
    return None


# -- text -----------------------------------------------------------------------------------

# Possessive quantifiers (*+, ++) never give back what they took: on a long line that almost matches,
# each pattern makes one pass instead of trying every split of it (quadratic, or worse).
_RULE = re.compile(r"^\s*+\|?\s*+:?-{2,}+:?\s*+(?:\|\s*+:?-{2,}+:?\s*+)*+\|?\s*+$")  # |---|:--:|
_MD_HEADING = re.compile(r"^\s*+(#{1,6})\s++(.*)$")  # closing #s are stripped after: a lazy group before
# them would be tried at every position of a long line
_EMPHASIS = re.compile(r"^\s*+(\*\*|__)(.+?)\1\s*+:?\s*+$")


def _pipe_cells(line: str) -> list[str] | None:
    body = re.sub(r"^\s*[-*•]\s+(?=\|)", "", line).strip()
    if body.count("|") < 2 or not body.startswith("|"):
        return None
    body = body[1:-1] if body.endswith("|") else body[1:]
    return [c.replace("\\|", "|") for c in re.split(r"(?<!\\)\|", body)]


def text_document(file: str, text: str) -> Document:
    """Lines: tab-separated or markdown pipe rows make tables; in markdown '#' headings, and
    whole-line **bold** anywhere, make headings; other lines are paragraphs; page numbers and
    rules are dropped. ('# Minutes published' in plain text is a key to a marker, not a heading.)"""
    doc = Document(file)
    markdown = file.lower().endswith(".md") or any(_RULE.match(line) and "|" in line for line in text.splitlines())
    blank = False
    for number, line in enumerate(text.splitlines(), 1):
        origin = Origin(file, None, number)
        check_line(line)
        if not line.strip() or _RULE.match(line) and "-" in line:
            blank = True
            continue
        gap, blank = blank, False
        cells = _pipe_cells(line)
        if cells is None and "\t" in line:
            cells = line.split("\t")
        if cells is not None:
            check_row(cells, f"line {number}")
            row = [clean(c) for c in cells]
            if any(row):
                doc.add_row(row, origin)
            continue
        if markdown and line.startswith("\\"):
            line = line[1:]  # an escaped '#' or '*'
        elif markdown and (m := _MD_HEADING.match(line)):
            doc.blocks.append(Text(clean(m[2].rstrip().rstrip("#")), origin, len(m[1])))
            continue
        level: int | None = None
        body = line
        if m := _EMPHASIS.match(line):
            level, body = 9, m[2]
        body = clean(body.replace("**", ""))
        if body and not is_page_number(body):
            doc.blocks.append(Text(body, origin, level, _words(line), 2, gap))
    return doc


def _words(line: str) -> tuple[Word, ...]:
    """Words with their character offsets (tabs to 8 columns), for tables laid out with spaces."""
    line = line.expandtabs(8)
    return tuple(Word(m.start(), m.end(), m[0]) for m in re.finditer(r"\S+", line))


def read_text(path: Path, parsed: ParsedMap) -> Document | None:
    text = decode(path, parsed)
    if text is None:
        return None
    if not text.strip():
        parsed.error(Origin(str(path)), "empty file")
        return None
    return text_document(str(path), text)


def read_csv(path: Path, parsed: ParsedMap) -> Document | None:
    text = decode(path, parsed)
    if text is None:
        return None
    doc = Document(str(path))
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
        check_row(cells, f"line {number}")
        row = [clean(c) for c in cells]
        if any(row):
            doc.add_row(row, Origin(str(path), None, number))
    if not doc.blocks:
        parsed.error(Origin(str(path)), "empty file")
        return None
    return doc


# -- workbooks ------------------------------------------------------------------------------

def read_workbook(path: Path, parsed: ParsedMap) -> Document | None:
    """Every sheet in order, one table each; merged ranges repeat down, formulas give their saved values."""
    sheets = workbook_rows(path, parsed, warn_merges=False)
    if sheets is None:
        return None
    doc = Document(str(path))
    for sheet in sheets:
        # The sheet's name heads its table: a workbook may keep one objective or theme to a sheet.
        doc.blocks.append(Text(clean(sheet.name), Origin(str(path), sheet.name, None), 1))
        table = Table([], [])
        for number, cells in sheet.rows:
            check_row(cells, f"sheet {sheet.name} row {number}")
            row = [clean(c) for c in cells]
            if any(row):
                table.repeats |= {(len(table.rows), c) for r, c in sheet.repeats if r == number}
                table.rows.append(row)
                table.origins.append(Origin(str(path), sheet.name, number))
        if table.rows:
            doc.blocks.append(table)
    if not doc.blocks:
        parsed.error(Origin(str(path)), "empty workbook: no sheet has any cells")
        return None
    return doc


# -- Word -----------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path, parsed: ParsedMap) -> Document | None:
    """Paragraphs and tables in body order; heading styles give levels, a paragraph that is all
    bold is an emphasised line; merged cells are read once (across) or carried down (vertically);
    a table nested in a cell becomes lines of that cell."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        check_package(path)  # before anything is unpacked: a Word file is a zip
        word = docx.Document(str(path))
    except TooCostly as exc:
        parsed.error(Origin(str(path)), f"not read: {exc}")
        return None
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as exc:
        parsed.error(Origin(str(path)), f"not a readable .docx document ({exc.__class__.__name__}: {exc})")
        return None
    doc = Document(str(path))
    paragraphs = tables = 0
    for child in word.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraphs += 1
            p = Paragraph(child, word)
            body = clean(p.text)
            if body and not is_page_number(body):
                doc.blocks.append(Text(body, Origin(str(path), "paragraph", paragraphs), _level(p)))
        elif child.tag == qn("w:tbl"):
            tables += 1
            doc.blocks.append(_docx_table(DocxTable(child, word), Origin(str(path), f"table {tables}")))
    return doc


def _level(p: Any) -> int | None:
    style = (p.style.name if p.style is not None else "") or ""
    if m := re.match(r"(?i)heading\s*(\d)", style):
        return int(m[1])
    if style.lower() in ("title", "subtitle"):
        return 1
    runs = [r for r in p.runs if r.text.strip()]
    if runs and all(r.bold for r in runs):
        return 9
    return None


def _cell_text(tc: Any, parent: Any) -> str:
    """A cell's paragraphs as lines; a nested table's rows as lines of cells joined by ' | '."""
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    lines = []
    for child in tc.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, parent).text)
        elif child.tag == qn("w:tbl"):
            for row in DocxTable(child, parent).rows:
                lines.append(" | ".join(c for c in (clean(_cell_text(tc2, parent)) for tc2 in row._tr.tc_lst) if c))
    return "\n".join(lines)


def _docx_table(table: Any, origin: Origin) -> Table:
    from docx.oxml.ns import qn

    out = Table([], [])
    above: dict[int, str] = {}
    for r, tr in enumerate(table._tbl.tr_lst):
        row: list[str] = []
        repeats: set[int] = set()
        for tc in tr.tc_lst:
            span = tc.grid_span
            col = len(row)
            vmerge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                value = above.get(col, "")
                repeats.add(col)
            else:
                value = clean(_cell_text(tc, table._parent))
            row += [value] + [""] * min(max(span - 1, 0), MAX_COLUMNS)
            check_row(row, f"{origin.table} row {r + 1}")
            above[col] = value
        if any(row):
            out.repeats |= {(len(out.rows), c) for c in repeats}
            out.rows.append(row)
            out.origins.append(Origin(origin.file, origin.table, r + 1))
    return out


# -- PDF ------------------------------------------------------------------------------------

def read_pdf(path: Path, parsed: ParsedMap) -> Document | None:
    """Tables found from ruling lines, with the text lines between them as headings (bold or
    larger type) and paragraphs; page numbers dropped. A table that goes on at the top of the
    next page with as many columns joins the one before (its repeated header is left for the
    adapter to recognise and skip)."""
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
            label = f"page {page_no}"
            chars += len(page.chars)
            if chars > MAX_PDF_CHARS:
                parsed.error(Origin(str(path), label), f"not read: its text runs past {MAX_PDF_CHARS:,} characters")
                return None
            # A row split by a page break has no closing rule: close tables where their columns' rules end.
            verticals = [e for e in page.edges if e["orientation"] == "v"]
            found = page.find_tables({"explicit_horizontal_lines": sorted({min(e["top"] for e in verticals),
                                                                           max(e["bottom"] for e in verticals)})}
                                     if verticals else {})
            items: list[tuple[float, Any]] = []
            boxes = [t.bbox for t in found]
            for t in found:
                items.append((t.bbox[1], t))

            def outside(obj: dict, boxes: list = boxes) -> bool:
                return not any(b[0] - 1 <= obj["x0"] and obj["x1"] <= b[2] + 1 and b[1] - 1 <= obj["top"]
                               and obj["bottom"] <= b[3] + 1 for b in boxes)

            body_size = _body_size(page.filter(outside))
            for line in page.filter(outside).extract_text_lines(keep_blank_chars=False):
                items.append((line["top"], line))
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
                        doc.blocks.append(Text(text, Origin(str(path), label, None), level, _pdf_words(item),
                                               size * 0.9, gap))
                    first = False
                    continue
                rows = [[clean(_unwrap(c)) for c in check_cells(row, label)] for row in item.extract()]
                previous = doc.blocks[-1] if doc.blocks else None
                if first and isinstance(previous, Table) and rows and len(rows[0]) == previous.width:
                    table = previous  # the same table, continued over the page break
                else:
                    table = Table([], [])
                    doc.blocks.append(table)
                for r, row in enumerate(rows, 1):
                    if any(row):
                        table.rows.append(row)
                        table.origins.append(Origin(str(path), label, r))
                first = False
    if chars == 0:
        parsed.error(Origin(str(path)), "the PDF has no text layer (a scan?); export it from Word again or run "
                                        "it through OCR first")
        return None
    return doc


def check_cells(row: list, where: str) -> list:
    check_row(row, where)
    return row


_LIST_ITEM = re.compile(r"^\s*(?:[•◦▪□■●○\-–*]|\d+[.)])\s")


def _unwrap(cell: str | None) -> str:
    """A PDF cell's lines are where the text wrapped, not breaks the author made, unless a line
    starts a list item or the one before ends a sentence."""
    lines = (cell or "").split("\n")
    out = lines[0] if lines else ""
    for line in lines[1:]:
        out = out + "\n" + line if _LIST_ITEM.match(line) or re.search(r"[.;:]$", out) else join_wrapped(out, line)
    return out


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
