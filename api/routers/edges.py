"""Edges: list, create or update, delete."""
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from graphmodel import SCHEMA, Conflict, Missing, Problem
from graphmodel.audit import Change
from graphmodel.text import ID_RULES

from ..deps import Editor, Limit, Offset, RelFilter, StoreDep, Viewer
from ..models import ID_LIMITS, EdgeIn, EdgeOut, Rel

router = APIRouter(prefix="/edges", tags=["edges"])
End = Annotated[str, Query(**ID_LIMITS, description=f"The id of one end of the edge. {ID_RULES}")]


@router.get("", response_model=list[EdgeOut], summary="List edges, ordered by source, rel, target")
def list_edges(store: StoreDep, _: Viewer, rel: RelFilter = None, offset: Offset = 0,
               limit: Limit = 100) -> list[dict[str, Any]]:
    return [e.model_dump() for e in store.list_edges(rel and rel.value, offset, limit)]


@router.post("", response_model=EdgeOut, status_code=201, summary="Create an edge, or update its note",
             responses={409: {"description": "The schema allows no edge of this kind between the kinds of its two "
                                             "ends."}},
             description="Both ends must exist (else 404), and the schema must allow the edge between their kinds "
                         "(else 409).")
def create_edge(edge: EdgeIn, store: StoreDep, who: Editor) -> dict[str, Any]:
    kinds = store.kinds({edge.source, edge.target})
    absent = [end for end in (edge.source, edge.target) if end not in kinds]
    if absent:
        raise Missing([Problem("no node has this id", "edge", end) for end in dict.fromkeys(absent)])
    if not SCHEMA.edge(edge.rel).allows(kinds[edge.source], kinds[edge.target]):
        kind = SCHEMA.edge(edge.rel)
        raise Conflict(f"{edge.rel} joins {', '.join(sorted(kind.sources))} to {', '.join(sorted(kind.targets))}; "
                       f"{edge.source!r} is a {kinds[edge.source]} and {edge.target!r} a {kinds[edge.target]}")
    store.upsert(edges=[edge], change=Change("create edge", who.name,
                                             {"source": edge.source, "rel": edge.rel, "target": edge.target}))
    return edge.model_dump()


@router.delete("", status_code=204, summary="Delete an edge")
def delete_edge(source: End, rel: Annotated[Rel, Query(description="The edge's kind.")], target: End,
                store: StoreDep, who: Editor) -> Response:
    store.delete_edge(source, rel.value, target, change=Change("delete edge", who.name))
    return Response(status_code=204)
