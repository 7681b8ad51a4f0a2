"""A document as an ordered sequence of blocks: text lines (headings and paragraphs) and tables.

Every reader (Word, workbook, PDF, text, CSV) produces one; the register adapters read only this.
Each block and each table row carries its origin, so messages say where things were written.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..report import Origin


@dataclass(frozen=True)
class Word:
    """A word of a line with its horizontal place (characters in text, points in a PDF)."""

    x0: float
    x1: float
    text: str


@dataclass
class Text:
    """A heading (level 1 = top; 9 for a line that is only emphasised) or a paragraph (level None).

    A line of a text file or a PDF also keeps its words with their places (`words`), the width
    of a gap that separates columns there (`gutter`), and whether a blank line or space came
    before it (`gap`): a table laid out by spacing alone is read from these."""

    text: str
    origin: Origin
    level: int | None = None
    words: tuple[Word, ...] = ()
    gutter: float = 0.0
    gap: bool = False

    def cells(self) -> list[tuple[float, str]]:
        """The line cut where words stand a gutter apart: (x0, text) of each cell."""
        out: list[tuple[float, str]] = []
        last = None
        for w in self.words:
            if last is not None and w.x0 - last.x1 < self.gutter and out:
                out[-1] = (out[-1][0], out[-1][1] + " " + w.text)
            else:
                out.append((w.x0, w.text))
            last = w
        return out

    @property
    def heading(self) -> bool:
        return self.level is not None


@dataclass
class Table:
    """Rows of clean cell text. `repeats` holds (row index, column) of cells whose value is carried
    down from the cell above by a vertical merge, so a row continued that way can be recognised."""

    rows: list[list[str]]
    origins: list[Origin]
    repeats: set[tuple[int, int]] = field(default_factory=set)

    @property
    def origin(self) -> Origin:
        return self.origins[0]

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


Block = Text | Table


@dataclass
class Document:
    file: str
    blocks: list[Block] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def add_row(self, cells: list[str], origin: Origin, repeats: set[int] = frozenset(),  # type: ignore[assignment]
                new: bool = False) -> None:
        """Append a row to the last block if it is a table (and `new` is not asked), else start a table."""
        if new or not self.blocks or not isinstance(self.blocks[-1], Table):
            self.blocks.append(Table([], []))
        table = self.blocks[-1]
        assert isinstance(table, Table)
        table.repeats |= {(len(table.rows), c) for c in repeats}
        table.rows.append(cells)
        table.origins.append(origin)
