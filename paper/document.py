"""The panel paper as one document model, built once (build.py) and rendered to PDF (pdf.py) and to
Word (word.py): sections of paragraphs, lists and tables whose cells may carry a fill colour. Colour
is never the only cue: a cell's text always says what its colour shows."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

# Characters XML (and so Word) cannot hold; names in a map may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def printable(value: Any) -> Any:
    """Text with characters no document can hold shown as U+FFFD, so they are seen, not lost."""
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Cell:
    text: str
    fill: str | None = None  # background, "#rrggbb"
    ink: str | None = None  # text colour on the fill, "#rrggbb"
    small: str = ""  # a second, smaller line: an id, a date
    bold: bool = False


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...]  # shares of the text width, one per column
    caption: str = ""
    compact: bool = False  # smaller type, for wide tables

    def __post_init__(self) -> None:
        if len(self.widths) != len(self.columns) or any(len(r) != len(self.columns) for r in self.rows):
            raise ValueError("every row, and the widths, need one entry per column")


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False  # smaller and grey: what a part leaves out, how to read it


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Heading:
    text: str  # a heading inside a section


Block = Paragraph | Bullets | Table | Heading


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    title: str
    as_of: dt.date  # the date the map is judged at
    organisation: str
    subtitle: str  # e.g. "The map as it stood on 2026-06-30, compared with JARAP March 2026"
    sections: tuple[Section, ...]
    footer: str = ""  # beside the page numbers
    meta: tuple[str, ...] = field(default=())  # lines under the title
