"""What a file may cost to read: the caps every reader of the document layer applies before it spends
time or memory, so an import bomb (a small file that unpacks, expands or scans to something huge) is
refused at once, with a clear reason, instead of taking minutes and gigabytes.

The caps are far above what any real register or map needs: a national map exported as a workbook
unpacks to well under 100 MiB and holds a few hundred thousand cells.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

MAX_FILE_BYTES = 200 << 20  # a text, CSV, YAML or JSON file, as read into memory
MAX_UNPACKED_BYTES = 256 << 20  # all the parts of a workbook or Word file together, unpacked
MAX_PART_BYTES = 64 << 20  # one part (a sheet, the shared strings, the document body), unpacked
MAX_RATIO = 100  # unpacked / packed size of a part beyond 1 MiB: real XML packs 5-20 times
MAX_CELLS = 5_000_000  # cells of a workbook, empty ones within a sheet's rows included
MAX_COLUMNS = 1_000  # cells of one row of a register's table
MAX_LINE = 100_000  # characters of one line or cell (a field holds at most 20,000)
MAX_MERGES = 100_000  # merged ranges of one sheet
MAX_PAGES = 2_000  # pages of a PDF
MAX_PDF_CHARS = 20_000_000  # characters of a PDF's text layer


class TooCostly(ValueError):
    """The file would cost more to read than any real one does; the message says which cap."""


def _mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def check_package(path: Path) -> None:
    """A zip-based file (a workbook, a Word document) within the caps, judged from its directory
    before anything is unpacked (zipfile never unpacks a part beyond the size its directory gives)."""
    with zipfile.ZipFile(path) as z:
        parts = z.infolist()
    total = sum(p.file_size for p in parts)
    if total > MAX_UNPACKED_BYTES:
        raise TooCostly(f"it would unpack to {_mib(total)}; the limit is {_mib(MAX_UNPACKED_BYTES)}")
    for p in parts:
        if p.file_size > MAX_PART_BYTES:
            raise TooCostly(f"its part {p.filename[:80]} would unpack to {_mib(p.file_size)}; the limit is "
                            f"{_mib(MAX_PART_BYTES)}")
        if p.file_size > 1 << 20 and p.file_size > MAX_RATIO * max(p.compress_size, 1):
            raise TooCostly(f"its part {p.filename[:80]} packs {p.file_size // max(p.compress_size, 1):,} times "
                            f"smaller than it unpacks (a compression bomb); real files pack at most {MAX_RATIO} times")


def check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TooCostly(f"it is {_mib(size)}; files are read up to {_mib(MAX_FILE_BYTES)}")


def check_row(cells: list, where: str) -> None:
    if len(cells) > MAX_COLUMNS:
        raise TooCostly(f"{where} has {len(cells):,} cells; tables are read up to {MAX_COLUMNS:,} columns")


def check_line(text: str) -> None:
    if len(text) > MAX_LINE:
        raise TooCostly(f"a line or cell is {len(text):,} characters long; they are read up to {MAX_LINE:,}")


class CellCount:
    """Counts the cells a reader has gone through, refusing beyond MAX_CELLS."""

    def __init__(self) -> None:
        self.cells = 0

    def add(self, n: int) -> None:
        self.cells += n
        if self.cells > MAX_CELLS:
            raise TooCostly(f"it holds more than {MAX_CELLS:,} cells (counting the empty ones within its rows)")
