"""The assurance heat map: processes (rows, grouped by area) against lines 1-4 (columns).

A cell shows the best source on that line: the best opinion, and among equal opinions
the most recent (recency as the gap analysis judged it at the report's as-of date).
The hue is the opinion, the strength the recency; a line with no source is left empty.
"""
from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import networkx as nx

from graphmodel.errors import Missing, Problem, ValidationError
from graphmodel.gaps.model import Report, SourceScore, Status
from graphmodel.schema import LINE_NAMES, LINES
from graphmodel.values import same_area

from . import scope, style

HEAT_ROWS = 300  # processes in one heat map (page or image); larger maps are shown by area


@dataclass(frozen=True)
class Cell:
    line: int
    sources: tuple[SourceScore, ...]  # this line's sources for the process

    @property
    def best(self) -> SourceScore | None:
        return max(self.sources, default=None,
                   key=lambda s: (style.OPINION_RANK.get(s.opinion, 0), style.RECENCY_RANK.get(s.recency, 0)))

    @property
    def colour(self) -> str:
        b = self.best
        return style.cell_colour(b.opinion, b.recency) if b else style.EMPTY_CELL

    @property
    def words(self) -> str:
        b = self.best
        if b is None:
            return ""
        more = f" (+{len(self.sources) - 1})" if len(self.sources) > 1 else ""
        return f"{b.opinion}, {b.recency}{more}"

    @property
    def detail(self) -> str:
        """Every source on the line, for a tooltip."""
        return "\n".join(f"{s.name} ({s.source_id}): {s.opinion}, {s.recency}" for s in self.sources)


@dataclass(frozen=True)
class Row:
    process_id: str
    name: str
    area: str
    status: Status | None
    score: float | None
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class HeatMap:
    as_of: dt.date
    rows: tuple[Row, ...]
    area: str | None = None  # the area asked for, if any
    page: int = 1
    pages: int = 1
    total: int = 0  # processes in the selection, over all pages

    def by_area(self) -> list[tuple[str, list[Row]]]:
        return [(area, list(rows)) for area, rows in groupby(self.rows, key=lambda r: r.area)]

    @property
    def caption(self) -> str:
        """What the map shows: the area and the page, when it is not everything."""
        what = f"area {self.area}" if self.area else "all areas"
        if self.pages > 1:
            first = (self.page - 1) * HEAT_ROWS + 1
            what += f", processes {first} to {first + len(self.rows) - 1} of {self.total} (page {self.page} of " \
                    f"{self.pages})"
        return what


def heat_map(g: nx.MultiDiGraph, report: Report, area: str | None = None, page: int | None = 1) -> HeatMap:
    """Rows for the graph's Processes (optionally one area), cells from the report's source scores,
    HEAT_ROWS to a page. `page=None` asks for every row at once, which a selection larger than
    HEAT_ROWS refuses with a clear error (an image of thousands of rows helps nobody and takes minutes)."""
    assessed = {a.process_id: a for a in report.assessments}
    chosen = []
    for n, d in g.nodes(data=True):
        node = d["node"]
        if d["kind"] == "Process" and (area is None or same_area(node.area, area)):
            chosen.append((node.area, node.name.lower(), n))
    if area is not None and not chosen:
        raise scope.unknown_area(g, area)
    chosen.sort()
    pages = max(1, math.ceil(len(chosen) / HEAT_ROWS))
    if page is None:
        if len(chosen) > HEAT_ROWS:
            raise ValidationError([Problem(
                f"this heat map would have {len(chosen)} rows; one holds at most {HEAT_ROWS}: ask for one area "
                f"(area=...) or a page (page=1 to {pages})", field="area" if area is None else "page")])
        page = 1
    if not 1 <= page <= pages:
        raise Missing([Problem(f"the heat map has {pages} page(s) of {HEAT_ROWS} processes", field="page",
                                       value=page)])
    rows = []
    for _, _, n in chosen[(page - 1) * HEAT_ROWS:page * HEAT_ROWS]:
        node = g.nodes[n]["node"]
        a = assessed.get(n)
        sources = a.sources if a else ()
        cells = tuple(Cell(line, tuple(s for s in sources if s.line == line)) for line in LINES)
        rows.append(Row(n, node.name, node.area, a.status if a else None, a.score if a else None, cells))
    match = rows[0].area if area is not None and rows else area
    return HeatMap(report.as_of, tuple(rows), match, page, pages, len(chosen))


def legend() -> list[tuple[str, list[tuple[str, str]]]]:
    """(opinion, [(recency, colour), ...]) for every combination the map can show."""
    shown = ("current", "due", "stale")
    return [(op, [(rec, style.cell_colour(op, rec)) for rec in shown]) for op in style.OPINION_COLOURS]


# -- images for panel papers --------------------------------------------------
def _figure(hm: HeatMap):
    """Rows of process name, id and class, then one cell per line; a key below. Text is text."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    lines: list[tuple[str, Row | None]] = []
    for area, rows in hm.by_area():
        lines.append((area, None))
        lines += [(r.name, r) for r in rows]
    name_w, id_w, class_w, cell_w, row_h = 3.6, 1.1, 1.5, 1.45, 0.32
    left = name_w + id_w + class_w
    width, height = left + cell_w * len(LINES) + 0.2, row_h * (len(lines) + len(style.OPINION_COLOURS) + 6)
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    text: dict[str, Any] = dict(parse_math=False, va="center", fontsize=8)  # user text is text, never TeX
    ax.text(0.1, row_h * 0.7, f"Assurance heat map at {hm.as_of.isoformat()}: {hm.caption}", fontsize=11,
            weight="bold", **{k: v for k, v in text.items() if k != "fontsize"})
    y = row_h * 1.6
    headings = [(name_w + id_w / 2, "Id"), (name_w + id_w + class_w / 2, "Assurance")]
    headings += [(left + cell_w * (i + 0.5), LINE_NAMES[line].replace(" (", "\n(")) for i, line in enumerate(LINES)]
    for x, words in headings:
        ax.text(x, y, words, ha="center", **{**text, "fontsize": 7})
    y += row_h
    for label, row in lines:
        if row is None:
            ax.text(0.1, y + row_h / 2, label, weight="bold", **text)
        else:
            short = label if len(label) <= 40 else label[:39] + "\u2026"
            ax.text(0.25, y + row_h / 2, short, **text)
            ident = row.process_id if len(row.process_id) <= 14 else row.process_id[:13] + "\u2026"
            ax.text(name_w + 0.05, y + row_h / 2, ident, **{**text, "fontsize": 7})
            if row.status is not None:  # the class in words on its status colour, with its mark
                look = style.STATUS[row.status]
                ax.add_patch(Rectangle((name_w + id_w, y), class_w, row_h, facecolor=look.fill,
                                       edgecolor=look.border, linewidth=0.5 + look.width / 2,
                                       linestyle="solid" if not look.dashes else (0, look.dashes)))
                ax.text(name_w + id_w + class_w / 2, y + row_h / 2,
                        f"{look.glyph} {style.STATUS_SHORT[row.status]} {row.score or 0:.2f}", ha="center",
                        color=look.text, **{**text, "fontsize": 6.5})
            for i, cell in enumerate(row.cells):
                x = left + cell_w * i
                ax.add_patch(Rectangle((x, y), cell_w, row_h, facecolor=cell.colour, edgecolor="#999999",
                                       linewidth=0.5))
                if cell.words:
                    ax.text(x + cell_w / 2, y + row_h / 2, cell.words, ha="center",
                            color=style.text_colour(cell.colour), **{**text, "fontsize": 6.5})
        y += row_h
    y += row_h * 0.5
    for opinion, shades in legend():  # the key: one row per opinion, current / due / stale
        ax.text(0.25, y + row_h / 2, opinion, **{**text, "fontsize": 7})
        for i, (recency, colour) in enumerate(shades):
            x = left + cell_w * i
            ax.add_patch(Rectangle((x, y), cell_w, row_h * 0.9, facecolor=colour, edgecolor="#999999", linewidth=0.5))
            ax.text(x + cell_w / 2, y + row_h * 0.45, recency, ha="center", color=style.text_colour(colour),
                    **{**text, "fontsize": 6.5})
        y += row_h
    ax.text(0.1, y + row_h / 2, "Hue: best opinion on the line. Strength: full = current, lighter = due, "
                                "palest = stale or undated. White: no source. Assurance: the process's class "
                                "and strength (0 to 1).", **{**text, "fontsize": 7})
    return fig


def heatmap_png(hm: HeatMap, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    _figure(hm).savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def heatmap_svg(hm: HeatMap) -> bytes:
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "assurance-map"}):  # text stays text
        _figure(hm).savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()
