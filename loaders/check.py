"""Checks of a whole load against itself and the store, before anything is written."""
from __future__ import annotations

from graphmodel.schema import SCHEMA
from graphmodel.store import Store

from .parsed import ParsedMap, PlacedNode
from .report import Origin


def _place(o: Origin) -> str:
    return " ".join(p for p in (o.file, o.table, f"row {o.row}" if o.row is not None else None) if p)


def check(parsed: ParsedMap, store: Store) -> None:
    """Duplicate ids, ids that change kind, links to nothing, and links the schema forbids,
    each reported where it was written."""
    first: dict[str, PlacedNode] = {}
    for placed in parsed.nodes:
        node = placed.node
        earlier = first.get(node.id)
        if earlier is None:
            first[node.id] = placed
        else:
            parsed.error(placed.origin, f"duplicate id: already used by the {earlier.node.kind} at "
                                        f"{_place(earlier.origin)}", column="id", value=node.id)
    referenced = {end for pe in parsed.edges for end in (pe.edge.source, pe.edge.target)}
    stored = store.kinds(set(first) | referenced) if (first or referenced) else {}
    for node_id, placed in first.items():
        old = stored.get(node_id)
        if old is not None and old != placed.node.kind:
            parsed.error(placed.origin, f"id is already a {old} in the store; ids are unique across the map",
                         column="id", value=node_id)
    kinds = {**stored, **{i: p.node.kind for i, p in first.items()}}
    for pe in parsed.edges:
        e = pe.edge
        ends = ((e.source, pe.source_column), (e.target, pe.target_column))
        missing = [(end, col) for end, col in ends if end not in kinds]
        for end, col in missing:
            if end not in parsed.failed_ids:
                parsed.error(pe.origin, f"no node with id {end!r} in this load or in the store", column=col, value=end)
        if missing:
            continue
        s, t = kinds[e.source], kinds[e.target]
        spec = SCHEMA.edge(e.rel)
        if not spec.allows(s, t):
            parsed.error(pe.origin, f"{e.source} ({s}) -{e.rel}-> {e.target} ({t}) is not allowed: {e.rel} goes "
                                    f"from {'/'.join(sorted(spec.sources))} to {'/'.join(sorted(spec.targets))}",
                         column=pe.rel_column, value=f"{e.source} {e.rel} {e.target}")
