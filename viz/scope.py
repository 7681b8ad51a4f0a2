"""Which part of the map a view shows: pure functions from a domain graph to a subgraph."""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable

import networkx as nx

from graphmodel.errors import NotFound, UnknownArea
from graphmodel.gaps.model import Report
from graphmodel.values import same_area

PROCESS = "Process"


def _induced(g: nx.MultiDiGraph, ids: Iterable[str]) -> nx.MultiDiGraph:
    return g.subgraph(ids).copy()


def _within(g: nx.MultiDiGraph, start: Iterable[str], depth: int) -> set[str]:
    """Ids within `depth` links of any start node, ignoring direction."""
    seen = set(start)
    frontier = set(seen)
    for _ in range(max(depth, 0)):
        nxt = {nb for n in frontier for nb in (*g.successors(n), *g.predecessors(n))} - seen
        if not nxt:
            break
        seen |= nxt
        frontier = nxt
    return seen


def _require(g: nx.MultiDiGraph, node_id: str) -> None:
    if node_id not in g:
        raise NotFound(f"node {node_id!r}")


def areas_of_processes(g: nx.MultiDiGraph) -> list[str]:
    return sorted({d["node"].area for _, d in g.nodes(data=True) if d["kind"] == PROCESS})


def area_processes(g: nx.MultiDiGraph, area: str) -> list[str]:
    """The ids of one area's processes; a clear error naming the known areas when it has none."""
    processes = sorted(n for n, d in g.nodes(data=True) if d["kind"] == PROCESS and same_area(d["node"].area, area))
    if not processes:
        raise unknown_area(g, area)
    return processes


def around_processes(g: nx.MultiDiGraph, processes: Iterable[str]) -> set[str]:
    """Processes with everything linked to them, and the meetings their sources and overseers
    report to, on up to the panel, so each reporting route is seen whole."""
    ids = _within(g, processes, 1)
    return ids | _reports_to_closure(g, ids)


def area_view(g: nx.MultiDiGraph, area: str) -> nx.MultiDiGraph:
    """The processes of one area, everything linked to them and their routes to the panel."""
    return _induced(g, around_processes(g, area_processes(g, area)))


def unknown_area(g: nx.MultiDiGraph, area: str) -> UnknownArea:
    return UnknownArea(area, areas_of_processes(g))


def neighbourhood_view(g: nx.MultiDiGraph, node_id: str, depth: int = 2) -> nx.MultiDiGraph:
    """The nodes within `depth` links of one node (the same rule as Store.neighbourhood)."""
    _require(g, node_id)
    return _induced(g, _within(g, [node_id], depth))


def gaps_view(g: nx.MultiDiGraph, report: Report, depth: int = 1) -> nx.MultiDiGraph:
    """Nodes with findings and their neighbours, so each gap is seen in context."""
    flagged = [f.node_id for f in report.findings if f.node_id in g]
    return _induced(g, _within(g, flagged, depth))


def _reports_to_closure(g: nx.MultiDiGraph, start: Iterable[str]) -> set[str]:
    """Meetings reached from `start` along REPORTS_TO, however many steps up."""
    seen: set[str] = set()
    todo = deque(start)
    while todo:
        n = todo.popleft()
        for _, m, rel in g.out_edges(n, keys=True):
            if rel == "REPORTS_TO" and m not in seen:
                seen.add(m)
                todo.append(m)
    return seen


def chain_view(g: nx.MultiDiGraph, process_id: str) -> nx.MultiDiGraph:
    """The oversight chain of a process: its sources, the meetings they report to, on up
    the REPORTS_TO chain to the panel, and the meetings that oversee the process."""
    _require(g, process_id)
    kind = g.nodes[process_id]["kind"]
    if kind != PROCESS:
        raise NotFound(f"Process {process_id!r}: the oversight chain is drawn for a Process, and this is a {kind}")
    sources = {s for s, _, rel in g.in_edges(process_id, keys=True) if rel == "ASSURES"}
    overseers = {m for m, _, rel in g.in_edges(process_id, keys=True) if rel == "OVERSEES"}
    meetings = _reports_to_closure(g, sources | overseers)
    return _induced(g, {process_id} | sources | overseers | meetings)


def node_areas(g: nx.MultiDiGraph) -> dict[str, tuple[str, ...]]:
    """Each node's area(s): a Process's own; any other node takes the areas of its nearest
    Processes (so a source sits with the process it assures, a panel with what reports to it)."""
    areas: dict[str, set[str]] = {}
    dist: dict[str, int] = {}
    todo: deque[str] = deque()
    for n, d in g.nodes(data=True):
        if d["kind"] == PROCESS:
            areas[n], dist[n] = {d["node"].area}, 0
            todo.append(n)
    while todo:  # breadth first from all processes at once
        n = todo.popleft()
        for nb in (*g.successors(n), *g.predecessors(n)):
            if nb not in dist:
                dist[nb] = dist[n] + 1
                areas[nb] = set()
                todo.append(nb)
            if dist[nb] == dist[n] + 1:
                areas[nb] |= areas[n]
    return {n: tuple(sorted(areas.get(n, ()))) for n in g.nodes}
