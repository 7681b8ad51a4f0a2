"""A fixed, layered layout computed on the server: Graphviz `dot` places the boxes.

The caller gives each box its layer (a column, read left to right), an optional group
(areas, lines of defence) and its size; `dot` orders the boxes within each column to keep
links from crossing, keeps each group together, and spaces the boxes by their sizes so none
overlap. Groups are then stacked in the caller's order (dot keeps a group together but
chooses where it goes), moving each group's block whole so nothing comes to overlap.

The input is written in a fixed order with generated names (never user text), so the same
map always gives the same picture. Views keep what they lay out to a few hundred boxes
(larger maps open at area level), where `dot` takes well under a second.
"""
from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graphmodel.errors import AssuranceMapError

DPI = 72.0  # dot measures in inches, at 72 points each
GROUP_GAP = 28.0  # px between two groups of one column
NODE_GAP = 14.0  # px between two boxes of one column (borders drawn outside the box included)
LAYER_GAP = 70.0  # px between columns
TIMEOUT = 60  # seconds; a view's layout takes far less


class LayoutUnavailable(AssuranceMapError):
    """Graphviz is missing or failed: the views cannot be laid out."""


@dataclass(frozen=True)
class Box:
    id: str
    layer: int  # its column, left to right
    width: float  # px
    height: float  # px
    group: tuple = ()  # boxes of one group stay together; groups stack in ascending order


def _dot() -> str:
    found = shutil.which("dot")
    if found is None:
        raise LayoutUnavailable("the views need Graphviz's 'dot' to lay out the map; install the "
                                "'graphviz' package (e.g. apt-get install graphviz)")
    return found


def _source(boxes: Sequence[Box], links: Iterable[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The dot input and the generated name of each box."""
    name = {b.id: f"n{i}" for i, b in enumerate(boxes)}
    layer = {b.id: b.layer for b in boxes}
    layers = sorted(set(layer.values()))
    out = [f"digraph G {{ graph [rankdir=LR, newrank=true, splines=false, nodesep={NODE_GAP / DPI:.3f}, "
           f"ranksep={LAYER_GAP / DPI:.3f}, margin=0];",
           'node [shape=box, fixedsize=true, label=""];']
    for b in boxes:
        out.append(f"{name[b.id]} [width={b.width / DPI:.3f}, height={b.height / DPI:.3f}];")
    # One invisible anchor per column, chained, so each layer keeps its column even when
    # nothing links it to its neighbours.
    for i, lay in enumerate(layers):
        out.append(f"L{i} [width=0.01, height=0.01, style=invis];")
        if i:
            out.append(f"L{i - 1} -> L{i} [style=invis, weight=0];")
        column = " ".join(name[b.id] for b in boxes if b.layer == lay)
        out.append(f"{{rank=same; L{i}; {column}}}")
    groups: dict[tuple[int, tuple], list[str]] = {}
    for b in boxes:
        if b.group:
            groups.setdefault((b.layer, b.group), []).append(name[b.id])
    for i, members in enumerate(groups.values()):
        if len(members) > 1:
            out.append(f"subgraph cluster_{i} {{ graph [margin=4]; {' '.join(members)} }}")
    seen: set[tuple[str, str]] = set()
    for tail, head in links:
        if tail not in name or head not in name or tail == head:
            continue
        if layer[tail] > layer[head]:
            tail, head = head, tail
        if (tail, head) in seen:
            continue
        seen.add((tail, head))
        flat = ", constraint=false" if layer[tail] == layer[head] else ""
        out.append(f"{name[tail]} -> {name[head]} [arrowhead=none{flat}];")
    out.append("}")
    return "\n".join(out), name


def _run(source: str) -> dict[str, tuple[float, float]]:
    try:
        done = subprocess.run([_dot(), "-Tplain"], input=source, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise LayoutUnavailable(f"laying out the view took over {TIMEOUT} s") from exc
    if done.returncode != 0:
        raise LayoutUnavailable(f"Graphviz could not lay out the view: {done.stderr.strip()[:300]}")
    pos = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == "node":
            pos[parts[1]] = (float(parts[2]) * DPI, -float(parts[3]) * DPI)  # y grows downwards on screen
    return pos


def _stack_groups(boxes: Sequence[Box], pos: dict[str, tuple[float, float]]) -> None:
    """In each column with groups, put the groups in order, top to bottom, each moved whole."""
    by_layer: dict[int, dict[tuple, list[Box]]] = {}
    for b in boxes:
        by_layer.setdefault(b.layer, {}).setdefault(b.group, []).append(b)
    for groups in by_layer.values():
        if len(groups) < 2:
            continue
        extent = {g: (min(pos[b.id][1] - b.height / 2 for b in members),
                      max(pos[b.id][1] + b.height / 2 for b in members)) for g, members in groups.items()}
        cursor = min(top for top, _ in extent.values())
        for g in sorted(groups):
            top, bottom = extent[g]
            dy = cursor - top
            for b in groups[g]:
                x, y = pos[b.id]
                pos[b.id] = (x, y + dy)
            cursor = bottom + dy + GROUP_GAP


def layered(boxes: Sequence[Box], links: Iterable[tuple[str, str]]) -> dict[str, tuple[float, float]]:
    """Centre x, y (px, y down) of every box. `links` join box ids; others are ignored."""
    if not boxes:
        return {}
    boxes = sorted(boxes, key=lambda b: (b.layer, b.group, b.id))
    source, name = _source(boxes, sorted(links))
    placed = _run(source)
    pos = {b.id: placed[name[b.id]] for b in boxes}
    _stack_groups(boxes, pos)
    left = min(pos[b.id][0] - b.width / 2 for b in boxes)
    top = min(pos[b.id][1] - b.height / 2 for b in boxes)
    return {k: (round(x - left, 1), round(y - top, 1)) for k, (x, y) in pos.items()}
