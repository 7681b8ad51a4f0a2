"""The assurance heat map: processes (rows, grouped by area) against lines 1-4 (columns).

A cell shows the best source on that line: the best opinion, and among equal opinions
the most recent (recency as the gap analysis judged it at the report's as-of date).
The hue is the opinion, the strength the recency; a line with no source is left empty.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import networkx as nx

from graphmodel.gaps.model import Report, SourceScore, Status
from graphmodel.schema import LINE_NAMES, LINES
from graphmodel.values import same_area

from . import scope, style


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

    def by_area(self) -> list[tuple[str, list[Row]]]:
        return [(area, list(rows)) for area, rows in groupby(self.rows, key=lambda r: r.area)]


def heat_map(g: nx.MultiDiGraph, report: Report, area: str | None = None) -> HeatMap:
    """Rows for the graph's Processes (optionally one area), cells from the report's source scores."""
    assessed = {a.process_id: a for a in report.assessments}
    rows = []
    for n, d in g.nodes(data=True):
        node = d["node"]
        if d["kind"] != "Process" or (area is not None and not same_area(node.area, area)):
            continue
        a = assessed.get(n)
        sources = a.sources if a else ()
        cells = tuple(Cell(line, tuple(s for s in sources if s.line == line)) for line in LINES)
        rows.append(Row(n, node.name, node.area, a.status if a else None, a.score if a else None, cells))
    if area is not None and not rows:
        raise scope.unknown_area(g, area)
    rows.sort(key=lambda r: (r.area, r.name.lower(), r.process_id))
    return HeatMap(report.as_of, tuple(rows))


def legend() -> list[tuple[str, list[tuple[str, str]]]]:
    """(opinion, [(recency, colour), ...]) for every combination the map can show."""
    shown = ("current", "due", "stale")
    return [(op, [(rec, style.cell_colour(op, rec)) for rec in shown]) for op in style.OPINION_COLOURS]


# -- images for panel papers --------------------------------------------------
def _figure(hm: HeatMap):
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    lines: list[tuple[str, Row | None]] = []
    for area, rows in hm.by_area():
        lines.append((area, None))
        lines += [(r.name, r) for r in rows]
    name_w, cell_w, row_h = 4.2, 1.45, 0.32
    width, height = name_w + cell_w * len(LINES) + 0.2, row_h * (len(lines) + len(style.OPINION_COLOURS) + 5)
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    text: dict[str, Any] = dict(parse_math=False, va="center", fontsize=8)  # user text is text, never TeX
    ax.text(0.1, row_h * 0.7, f"Assurance heat map at {hm.as_of.isoformat()}", fontsize=11, weight="bold",
            **{k: v for k, v in text.items() if k != "fontsize"})
    y = row_h * 1.6
    for i, line in enumerate(LINES):
        ax.text(name_w + cell_w * (i + 0.5), y, LINE_NAMES[line].replace(" (", "\n("), ha="center",
                **{**text, "fontsize": 7})
    y += row_h
    for label, row in lines:
        if row is None:
            ax.text(0.1, y + row_h / 2, label, weight="bold", **text)
        else:
            short = label if len(label) <= 48 else label[:47] + "…"
            ax.text(0.25, y + row_h / 2, short, **text)
            for i, cell in enumerate(row.cells):
                x = name_w + cell_w * i
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
            x = name_w + cell_w * i
            ax.add_patch(Rectangle((x, y), cell_w, row_h * 0.9, facecolor=colour, edgecolor="#999999", linewidth=0.5))
            ax.text(x + cell_w / 2, y + row_h * 0.45, recency, ha="center", color=style.text_colour(colour),
                    **{**text, "fontsize": 6.5})
        y += row_h
    ax.text(0.1, y + row_h / 2, "Hue: best opinion on the line. Strength: full = current, lighter = due, "
                                "palest = stale or undated. White: no source.", **{**text, "fontsize": 7})
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
