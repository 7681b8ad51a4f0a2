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

from ..limits import MAX_COLUMNS, TooCostly, check_line, check_package, check_row
from ..parsed import ParsedMap
from ..report import Origin
from ..sources import decode, workbook_rows
from .clean import clean, is_page_number
from .model import Document, Table, Text, Word
from .pdf import read_pdf

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
    blank = empty = False  # a blank or rule line came before; a blank line did (it ends a table)
    lines = text.splitlines()
    for line in lines:
        check_line(line)  # before any pattern reads them
    running = _running_lines(lines)
    for number, line in enumerate(lines, 1):
        origin = Origin(file, None, number)
        if number in running:
            continue
        if not line.strip() or _RULE.match(line) and "-" in line:
            blank, empty = True, empty or not line.strip()
            continue
        gap, blank = blank, False
        ends, empty = empty, False
        cells = _pipe_cells(line)
        if cells is None and "\t" in line:
            cells = line.split("\t")
        if cells is not None:
            check_row(cells, f"line {number}")
            row = [clean(c) for c in cells]
            if any(row):
                doc.add_row(row, origin, new=ends)  # a blank line ends a table: what follows is another
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


_PAGE_AT_END = re.compile(r"(?:\s{2,}+|\t|\s[|–-]\s++)(\d{1,4})\s*+$")


def _running_lines(lines: list[str]) -> set[int]:
    """Numbers of the lines that are a running head or foot: the same words (digits aside) on two or more
    lines, each ending in a different number set apart from them ('Upton OPCC | Delivery Plan      2'); not
    headings ('Objective 1', 'Objective 2')."""
    seen: dict[str, list[tuple[int, str]]] = {}
    for number, line in enumerate(lines, 1):
        m = _PAGE_AT_END.search(line[-40:]) if not line.lstrip().startswith("#") else None
        text = line[:len(line) - len(line[-40:]) + m.start()] if m else ""
        if m and len(re.findall(r"[A-Za-z]{2,}", text)) >= 3:
            seen.setdefault(" ".join(re.sub(r"\d+", "#", text).split()), []).append((number, m[1]))
    return {number for found in seen.values() if len({n for _, n in found}) == len(found) > 1 for number, _ in found}


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
