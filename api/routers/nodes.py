"""Nodes: create, read, replace, delete and list per kind; one set of routes per kind in the schema."""
# No `from __future__ import annotations`: the route signatures below are built per kind at import time.
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from graphmodel import NODE_MODELS, SCHEMA, Conflict, Node, NotFound, Problem, ValidationError
from graphmodel.store import Direction, Store

from ..deps import AuditDep, Editor, StoreDep, Viewer
from ..models import NODE_FILTERS, NODE_OUT, NeighbourOut, NodePage, node_out
from ..problems import RESPONSES

router = APIRouter(prefix="/nodes", tags=["nodes"], responses={k: RESPONSES[k] for k in (401, 403, 404, 422, 503)})
NodeId = Annotated[str, Path(min_length=1, description="The node's id (case-sensitive).")]


def _routes(kind: str) -> None:
    model, out, filters_model = NODE_MODELS[kind], NODE_OUT[kind], NODE_FILTERS[kind]
    spec = SCHEMA.node(kind)
    example = {f.name: f"example {f.name}" if f.type is str else f.default for f in spec.fields if f.required}

    @router.get(f"/{kind}", response_model=NodePage, summary=f"List {kind} nodes",
                description=f"{spec.description} Filters are exact matches on fields; results ordered by id.")
    def list_nodes(q: Annotated[filters_model, Query()], store: StoreDep, _: Viewer) -> dict[str, Any]:
        wanted = {k: v for k, v in q.model_dump().items() if v is not None and k not in ("offset", "limit")}
        page = store.list_nodes(kind, wanted, q.offset, q.limit)
        return {"items": [node_out(n) for n in page.items], "total": page.total, "offset": page.offset,
                "limit": page.limit}

    @router.post(f"/{kind}", response_model=out, status_code=201, summary=f"Create a {kind}",
                 responses={409: RESPONSES[409]}, openapi_extra={"requestBody": {"content": {
                     "application/json": {"example": {k: v for k, v in example.items() if v is not None}}}}})
    def create(node: model, store: StoreDep, audit: AuditDep, who: Editor) -> dict[str, Any]:
        try:
            store.upsert([node], create_only=True)
        except Conflict:
            raise Conflict(f"a node with id {node.id!r} already exists; use PUT to replace it") from None
        audit.record(who.name, "create node", kind=kind, id=node.id)
        return node_out(node)

    @router.get(f"/{kind}/{{node_id:path}}/neighbours", response_model=list[NeighbourOut],
                summary=f"Neighbours of a {kind}", responses={404: RESPONSES[404]})
    def neighbours(node_id: NodeId, store: StoreDep, _: Viewer,
                   rel: Annotated[str | None, Query(description="Only this edge kind.")] = None,
                   direction: Direction = Direction.BOTH) -> list[dict[str, Any]]:
        _get(store, kind, node_id)
        return [{"direction": nb.direction, "edge": nb.edge.model_dump(), "node": node_out(nb.node)}
                for nb in store.neighbours(node_id, rel, direction)]

    @router.get(f"/{kind}/{{node_id:path}}", response_model=out, summary=f"Read a {kind}",
                responses={404: RESPONSES[404]})
    def read(node_id: NodeId, store: StoreDep, _: Viewer) -> dict[str, Any]:
        return node_out(_get(store, kind, node_id))

    @router.put(f"/{kind}/{{node_id:path}}", response_model=out, summary=f"Create or replace a {kind}",
                responses={409: RESPONSES[409]})
    def replace(node_id: NodeId, node: model, store: StoreDep, audit: AuditDep, who: Editor) -> dict[str, Any]:
        if node.id != node_id:
            raise ValidationError([Problem("the id in the body differs from the id in the path", kind,
                                           node_id, "id", node.id)])
        store.upsert([node])
        audit.record(who.name, "replace node", kind=kind, id=node.id)
        return node_out(node)

    @router.delete(f"/{kind}/{{node_id:path}}", status_code=204, summary=f"Delete a {kind} and its edges",
                   responses={404: RESPONSES[404]})
    def delete(node_id: NodeId, store: StoreDep, audit: AuditDep, who: Editor) -> Response:
        _get(store, kind, node_id)
        store.delete_node(node_id)
        audit.record(who.name, "delete node", kind=kind, id=node_id)
        return Response(status_code=204)


def _get(store: Store, kind: str, node_id: str) -> Node:
    node = store.get_node(node_id)
    if node is None or node.kind != kind:
        raise NotFound(f"{kind} {node_id!r}")
    return node


for _kind in SCHEMA.node_names:
    _routes(_kind)
