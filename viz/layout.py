"""A fixed layout computed on the server, for maps too large for the browser's physics.

Nodes are grouped in one block per area; inside a block each kind has its own column
(oversight on the left, plans on the right) and nodes sit near the nodes they link to.
It is linear in the size of the graph, so 20,000 nodes lay out in well under a second.
"""
from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx

from graphmodel.schema import SCHEMA

NO_AREA = "(no area)"
COLUMNS = tuple(reversed(SCHEMA.node_names))  # Meeting, AssuranceSource, Process, ... Commitment
PLACE_ORDER = ("Process",) + tuple(k for k in COLUMNS if k != "Process")  # processes anchor the rest
X_GAP, Y_GAP, BLOCK_GAP = 180.0, 55.0, 400.0


def _block(g: nx.MultiDiGraph, members: list[str]) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Positions inside one area's block, relative to its top-left corner; and its size."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for n in members:
        by_kind[g.nodes[n]["kind"]].append(n)
    rows = max(8, math.ceil(math.sqrt(len(members)) * 1.5))  # a tall column wraps into several
    order: dict[str, float] = {}
    for kind in PLACE_ORDER:
        def rank(n: str) -> tuple[float, str]:
            placed = [order[nb] for nb in (*g.successors(n), *g.predecessors(n)) if nb in order]
            return (sum(placed) / len(placed) if placed else math.inf, n)
        for i, n in enumerate(sorted(by_kind.get(kind, ()), key=rank)):
            order[n] = i
    pos: dict[str, tuple[float, float]] = {}
    x = 0.0
    height = 0
    for kind in COLUMNS:
        ids = sorted(by_kind.get(kind, ()), key=order.__getitem__)
        if not ids:
            continue
        for i, n in enumerate(ids):
            pos[n] = (x + (i // rows) * X_GAP, (i % rows) * Y_GAP)
        x += math.ceil(len(ids) / rows) * X_GAP
        height = max(height, min(len(ids), rows))
    return pos, x, height * Y_GAP


def fixed_layout(g: nx.MultiDiGraph, areas: dict[str, tuple[str, ...]]) -> dict[str, tuple[float, float]]:
    """x, y for every node; `areas` as given by scope.node_areas (a node goes to its first area)."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for n in g.nodes:
        blocks[(areas.get(n) or (NO_AREA,))[0]].append(n)
    names = sorted(blocks, key=lambda a: (a == NO_AREA, a))
    per_row = max(1, math.ceil(math.sqrt(len(names))))
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for i, name in enumerate(names):
        if i and i % per_row == 0:
            x, y, row_height = 0.0, y + row_height + BLOCK_GAP, 0.0
        inner, width, height = _block(g, sorted(blocks[name]))
        for n, (bx, by) in inner.items():
            pos[n] = (x + bx, y + by)
        x += width + BLOCK_GAP
        row_height = max(row_height, height)
    return pos
