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

from .limits import MAX_MERGES, CellCount, TooCostly, check_package, check_row, check_size
from .parsed import ParsedMap
from .report import Origin

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
    origin = Origin(str(path))
    try:
        check_size(path)
    except TooCostly as exc:
        parsed.error(origin, f"not read: {exc}")
        return None
    data = path.read_bytes()
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
        return Sheet(str(path), path.stem, list(_numbered(_counted(csv.reader(io.StringIO(text, newline=""))), 1)))
    except csv.Error as exc:  # e.g. a cell beyond the csv module's field size limit
        parsed.error(Origin(str(path)), f"not a readable CSV file: {exc}")
    except TooCostly as exc:
        parsed.error(Origin(str(path)), f"not read: {exc}")
    return None


def _counted(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    counted = CellCount()
    for n, row in enumerate(rows, 1):
        check_row(row, f"row {n}")
        counted.add(len(row))
        yield row


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
        columns: dict[str, None] = {}  # every column any row names, in the order first named
        for r in rows:
            columns.update(dict.fromkeys(r))
        header = list(columns)
        try:
            check_row(header, "its rows together")
            CellCount().add(len(header) * len(rows))
        except TooCostly as exc:
            parsed.error(Origin(str(path), str(name)), f"not read: {exc}")
            continue
        cells = [[r.get(h) for h in header] for r in rows]
        tables.append(Table(str(path), str(name), header, _numbered(iter(cells), 1), header_row=None))
    return tables


# -- workbooks --------------------------------------------------------------------

_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")  # a cell reference, e.g. B12 (Excel's columns end at XFD)


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _ref(text: str | None) -> tuple[int, int] | None:
    m = _REF.fullmatch(text or "")
    return (int(m[2]), _col(m[1])) if m else None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _scan(ws: Any) -> tuple[list[tuple[int, int, int, int]], dict[tuple[int, int], str]]:
    """Merged ranges, and formula cells without a saved value, from the sheet's XML (read-only
    worksheets do not expose them): one streaming pass that keeps no more than a cell in memory,
    so the time it takes grows with the sheet and no faster, and XML entities are refused."""
    from defusedxml.ElementTree import iterparse

    merges: list[tuple[int, int, int, int]] = []
    unsaved: dict[tuple[int, int], str] = {}
    with ws._get_source() as src:  # noqa: SLF001 - openpyxl offers no public read-only access
        for _, elem in iterparse(src, events=("end",)):
            name = _local(elem.tag)
            if name == "mergeCell":
                first, _, last = (elem.get("ref") or "").partition(":")
                a, b = _ref(first), _ref(last or first)
                if a and b:
                    merges.append((a[1], a[0], b[1], b[0]))
                    if len(merges) > MAX_MERGES:
                        raise TooCostly(f"a sheet has more than {MAX_MERGES:,} merged ranges")
            elif name == "c":
                kids = {_local(k.tag): k for k in elem}
                where = _ref(elem.get("r"))
                if "f" in kids and not ((kids.get("v") is not None and kids["v"].text) or "is" in kids) and where:
                    unsaved[where] = "=" + (kids["f"].text or "...")
                elem.clear()
            elif name == "row":
                elem.clear()
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
        check_package(path)  # before anything is unpacked: a workbook is a zip
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except TooCostly as exc:
        parsed.error(origin, f"not read: {exc}")
        return None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        parsed.error(origin, f"not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})")
        return None
    sheets = []
    counted = CellCount()
    try:
        for ws in wb.worksheets:
            merges, unsaved = _scan(ws)
            starts: dict[int, list[tuple[int, int]]] = {}  # first row -> (column, last row) of each merge
            for c1, r1, _, r2 in merges:
                starts.setdefault(r1, []).append((c1, r2))
            if warn_merges and merges:  # one line per sheet, ranges in reading order
                ordered = sorted(merges, key=lambda m: (m[1], m[0]))
                downward = [f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}" for c1, r1, c2, r2 in ordered if r2 > r1]
                across = [f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}" for c1, r1, c2, r2 in ordered if r2 == r1]
                parsed.warn(Origin(str(path), ws.title, ordered[0][1]), "merged cells " + "; ".join(
                    p for p in (f"{_few(downward)}: the value is repeated on each merged row" if downward else "",
                                f"{_few(across)}: the value belongs to the first column only" if across else "")
                    if p))
            for (r, c), formula in sorted(unsaved.items()):
                parsed.error(Origin(str(path), ws.title, r),
                             f"cell {cell_ref(r, c)} holds a formula with no saved value; open and save the "
                             "workbook in Excel, or paste values instead of formulas", value=formula)
            # Merged values are carried down as the rows go by, from the merges open at each row: the work
            # grows with the rows read, however far a merge claims to reach (a whole column, say).
            carried: list[tuple[int, int, Any]] = []  # (column, last row, value)
            rows = []
            repeats: set[tuple[int, int]] = set()
            for number, cells in enumerate(ws.iter_rows(values_only=True), 1):
                cells = list(cells)
                counted.add(len(cells))
                carried = [m for m in carried if m[1] >= number]
                for col, _, value in carried:
                    while len(cells) < col:
                        cells.append(None)
                    cells[col - 1] = value
                    repeats.add((number, col - 1))
                for c1, last in starts.pop(number, ()):
                    if last > number:
                        carried.append((c1, last, cells[c1 - 1] if len(cells) >= c1 else None))
                if not all(blank(c) for c in cells):
                    rows.append((number, cells))
            sheets.append(Sheet(str(path), ws.title, rows, repeats))
    except TooCostly as exc:
        parsed.error(origin, f"not read: {exc}")
        return None
    finally:
        wb.close()
    return sheets


def _few(ranges: list[str], shown: int = 30) -> str:
    return ", ".join(ranges[:shown]) + (f" and {len(ranges) - shown:,} more" if len(ranges) > shown else "")


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
