"""Reading input files into plain tables: a header and numbered rows of cell values.

Readers know about file formats only (workbooks, CSV, YAML/JSON, text); they say
nothing about the schema. Problems of the file itself (encoding, formulas without a
saved value, merged cells) are reported on the ParsedMap passed in.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphmodel.safeload import ParseError, load_json, load_yaml

from .parsed import ParsedMap
from .report import Origin

MAX_UNPACKED_BYTES = 1 << 30  # far above what a 50,000-row workbook unpacks to

WORKBOOK = (".xlsx", ".xlsm")
YAML = (".yaml", ".yml")
CSV = (".csv",)
TEXT = (".txt", ".tsv")


@dataclass
class Table:
    """One sheet, CSV file or top-level key. `rows` yields (row number, cells), blank rows skipped."""

    file: str
    name: str
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]
    header_row: int | None = 1  # None for YAML/JSON, whose rows are numbered from 1


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _numbered(rows: Iterator[list[Any]], start: int) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in enumerate(rows, start):
        if not all(blank(c) for c in cells):
            yield number, list(cells)


# -- text: CSV and tab-separated ------------------------------------------------

def decode(path: Path, parsed: ParsedMap) -> str | None:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; Excel's Windows 'CSV' (cp1252) is
    detected by not being valid UTF-8, decoded, and reported in a warning."""
    data = path.read_bytes()
    origin = Origin(str(path))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            parsed.error(origin, f"cannot read the text: not UTF-8 (byte {exc.start}) nor Windows-1252; "
                                 "save it as 'CSV UTF-8'")
            return None
        parsed.warn(origin, "file is not UTF-8; read it as Windows-1252 (Excel's 'CSV' on Windows). "
                            "Check accented letters and symbols, or save it as 'CSV UTF-8'")
        return text


@dataclass
class Sheet:
    """Rows of cells as the user sees them: a worksheet, a CSV file or a tab-separated text."""

    file: str
    name: str
    rows: list[tuple[int, list[Any]]]  # (row or line number, cells), blank rows skipped
    repeats: set[tuple[int, int]] = field(default_factory=set)  # (row number, column index) filled from a merge above


def csv_sheet(path: Path, parsed: ParsedMap) -> Sheet | None:
    text = decode(path, parsed)
    if text is None:
        return None
    if not text.strip():
        parsed.error(Origin(str(path)), "empty file: expected a header row")
        return None
    try:
        return Sheet(str(path), path.stem, list(_numbered(csv.reader(io.StringIO(text, newline="")), 1)))
    except csv.Error as exc:  # e.g. a cell beyond the csv module's field size limit
        parsed.error(Origin(str(path)), f"not a readable CSV file: {exc}")
        return None


def text_sheet(path: Path, parsed: ParsedMap) -> Sheet | None:
    """A text register: one row per line, cells split on tabs."""
    text = decode(path, parsed)
    if text is None:
        return None
    if not text.strip():
        parsed.error(Origin(str(path)), "empty file")
        return None
    return Sheet(str(path), path.stem, [(n, line.split("\t")) for n, line in enumerate(text.splitlines(), 1)
                                        if line.strip()])


# -- YAML and JSON ----------------------------------------------------------------

def document_tables(path: Path, parsed: ParsedMap) -> list[Table]:
    origin = Origin(str(path))
    text = decode(path, parsed)
    if text is None:
        return []
    if not text.strip():
        parsed.error(origin, "empty file")
        return []
    try:
        doc = load_json(text) if path.suffix.lower() == ".json" else load_yaml(text)
    except ParseError as exc:
        parsed.error(Origin(str(path), None, exc.line), exc.message)
        return []
    if not isinstance(doc, dict):
        parsed.error(origin, "expected tables as top-level keys, each a list of rows")
        return []
    tables = []
    for name, rows in doc.items():
        if rows is None:
            continue
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            parsed.error(Origin(str(path), str(name)), "expected a list of rows, each a mapping of column: value")
            continue
        rows = [{str(k): v for k, v in r.items()} for r in rows]
        header: list[str] = []
        for r in rows:
            header += [k for k in r if k not in header]
        cells = [[r.get(h) for h in header] for r in rows]
        tables.append(Table(str(path), str(name), header, _numbered(iter(cells), 1), header_row=None))
    return tables


# -- workbooks --------------------------------------------------------------------

_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_SAVED = re.compile(rb"<v(?:\s[^>/]*)?>[^<]")  # <v>..</v> holds a saved value; <v/>, <v></v> or no <v> do not
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


def _col(letters: bytes | str) -> int:
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


def _scan(ws: Any) -> tuple[list[tuple[int, int, int, int]], dict[tuple[int, int], str]]:
    """Merged ranges and formula cells without a saved value, read from the sheet's XML
    (read-only worksheets do not expose them, and this costs one pass over bytes)."""
    with ws._get_source() as src:  # noqa: SLF001 - openpyxl offers no public read-only access
        xml = src.read()
    merges = [(_col(a), int(b), _col(c), int(d)) for a, b, c, d in _MERGE.findall(xml)]
    unsaved: dict[tuple[int, int], str] = {}
    if b"<f" in xml:
        for attrs, body in _CELL.findall(xml):
            if body and b"<f" in body and not _SAVED.search(body):
                ref = _REF.search(attrs)
                if ref:
                    formula = re.search(rb"<f[^>]*>(.*?)</f>", body, re.S)
                    unsaved[(int(ref[2]), _col(ref[1]))] = "=" + (formula[1].decode() if formula else "...")
    return merges, unsaved


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row: int, col: int) -> str:
    return f"{_letters(col)}{row}"


def workbook_rows(path: Path, parsed: ParsedMap, warn_merges: bool = True) -> list[Sheet] | None:
    """Every sheet with its rows, merged ranges filled down (and where, in `repeats`), and
    formula cells that have no saved value reported as errors."""
    import openpyxl

    origin = Origin(str(path))
    if path.stat().st_size == 0:
        parsed.error(origin, "empty file")
        return None
    try:
        # A workbook is a zip: refuse one that would unpack to more than any real map needs.
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            parsed.error(origin, f"the workbook would unpack to {unpacked / 2**20:,.0f} MiB; the limit is "
                                 f"{MAX_UNPACKED_BYTES / 2**20:,.0f} MiB")
            return None
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        parsed.error(origin, f"not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})")
        return None
    sheets = []
    try:
        for ws in wb.worksheets:
            merges, unsaved = _scan(ws)
            fills: dict[int, list[tuple[int, int, int]]] = {}  # anchor row -> (col, last row, first col)
            for c1, r1, c2, r2 in merges:
                fills.setdefault(r1, []).append((c1, r2, c2))
                what = ("the value is repeated on each merged row" if r2 > r1
                        else "the value belongs to the first column only")
                if warn_merges:
                    parsed.warn(Origin(str(path), ws.title, r1),
                                f"merged cells {cell_ref(r1, c1)}:{cell_ref(r2, c2)}: {what}")
            for (r, c), formula in sorted(unsaved.items()):
                parsed.error(Origin(str(path), ws.title, r),
                             f"cell {cell_ref(r, c)} holds a formula with no saved value; open and save the "
                             "workbook in Excel, or paste values instead of formulas", value=formula)
            down: dict[int, dict[int, Any]] = {}  # row -> col -> value carried from a merged anchor
            rows = []
            repeats: set[tuple[int, int]] = set()
            for number, cells in enumerate(ws.iter_rows(values_only=True), 1):
                cells = list(cells)
                for col, value in down.pop(number, {}).items():
                    while len(cells) < col:
                        cells.append(None)
                    cells[col - 1] = value
                    repeats.add((number, col - 1))
                for c1, last, _ in fills.get(number, ()):
                    value = cells[c1 - 1] if len(cells) >= c1 else None
                    for r in range(number + 1, last + 1):
                        down.setdefault(r, {})[c1] = value
                if not all(blank(c) for c in cells):
                    rows.append((number, cells))
            sheets.append(Sheet(str(path), ws.title, rows, repeats))
    finally:
        wb.close()
    return sheets


def workbook_sheets(path: Path, parsed: ParsedMap) -> list[Sheet]:
    sheets = workbook_rows(path, parsed)
    if sheets is None:
        return []
    if not any(s.rows for s in sheets):
        parsed.error(Origin(str(path)), "empty workbook: no sheet has any cells")
    return [s for s in sheets if s.rows]


def sheet_table(sheet: Sheet) -> Table:
    """A sheet in the import format: its first non-blank row is the header."""
    (header_row, header), data = sheet.rows[0], sheet.rows[1:]
    return Table(sheet.file, sheet.name, header, iter(data), header_row)
