"""Edges: list, create or update, delete."""
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from graphmodel import SCHEMA, Edge
from graphmodel.audit import Change

from ..deps import Editor, Limit, Offset, StoreDep, Viewer
from ..models import EdgeOut
from ..problems import RESPONSES

router = APIRouter(prefix="/edges", tags=["edges"], responses={k: RESPONSES[k] for k in (401, 403, 422, 503)})
RelQuery = Annotated[str, Query(description=f"One of {', '.join(SCHEMA.edge_names)}.")]


@router.get("", response_model=list[EdgeOut], summary="List edges, ordered by source, rel, target")
def list_edges(store: StoreDep, _: Viewer, rel: Annotated[str | None, Query(description="Only this edge kind.")] = None,
               offset: Offset = 0, limit: Limit = 100) -> list[dict[str, Any]]:
    return [e.model_dump() for e in store.list_edges(rel, offset, limit)]


@router.post("", response_model=EdgeOut, status_code=201, summary="Create an edge, or update its note",
             description="The edge must be one the schema allows between the kinds of its two existing ends.",
             openapi_extra={"requestBody": {"content": {"application/json": {
                 "example": {"source": "S-IA-VET", "rel": "ASSURES", "target": "P-VET", "note": "2024 audit"}}}}})
def create_edge(edge: Edge, store: StoreDep, who: Editor) -> dict[str, Any]:
    store.upsert(edges=[edge], change=Change("create edge", who.name,
                                             {"source": edge.source, "rel": edge.rel, "target": edge.target}))
    return edge.model_dump()


@router.delete("", status_code=204, summary="Delete an edge", responses={404: RESPONSES[404]})
def delete_edge(source: str, rel: RelQuery, target: str, store: StoreDep, who: Editor) -> Response:
    store.delete_edge(source, rel, target, change=Change("delete edge", who.name))
    return Response(status_code=204)
