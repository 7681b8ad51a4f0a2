"""Nodes: create, read, replace, delete and list per kind; one set of routes per kind in the schema.

Reads carry an ETag; a replace or delete that sends it back in If-Match is refused (412) when the
node changed in between, so two editors cannot silently overwrite each other's work."""
# No `from __future__ import annotations`: the route signatures below are built per kind at import time.
import re
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response
from pydantic import WithJsonSchema

from graphmodel import SCHEMA, Conflict, Node, NotFound, Stale
from graphmodel.audit import Change
from graphmodel.store import Direction, Store
from graphmodel.text import ID_RULES, clean_id

from ..deps import Editor, RelFilter, StoreDep, Viewer
from ..models import ID_LIMITS, NODE_FILTERS, NODE_IN, NODE_OUT, NeighbourOut, NodePage, node_out
from ..paths import NODE_ID

router = APIRouter(prefix="/nodes", tags=["nodes"])
NodeId = Annotated[str, Path(**ID_LIMITS, description=f"The node's id (case-sensitive; a / in it is sent as %2F). "
                                                       f"{ID_RULES}")]
# Documented as text only: a header that is absent is not sent, and `null` is not a tag. Any text is
# taken: an If-Match that is not a tag the node has (whatever its form) is 412.
IfMatch = Annotated[str | None, WithJsonSchema({"type": "string"}), Header(
    description="The ETag of the node as last read (or *): the change is made only if the node is still that (412 "
                "otherwise).")]
IfNoneMatch = Annotated[str | None, WithJsonSchema({"type": "string"}), Header(
    description="*: create the node only if there is none with its id (412 otherwise).")]
CONFLICT: dict[int | str, dict[str, Any]] = {409: {
    "description": "The id is taken by a node of another kind, or the body's id differs from the path's."}}
CONDITIONAL: dict[int | str, dict[str, Any]] = {412: {
    "description": "If-Match named a state the node is no longer in, or If-None-Match: * found the node there."}}


def _tags(header: str) -> list[str]:
    """The entity tags of an If-Match header; weak ones (W/"...") never match a strong comparison."""
    return [t.strip().strip('"') for t in header.split(",") if t.strip() and not t.strip().startswith("W/")]


def _expected(store: Store, node_id: str, if_match: str | None) -> str | None:
    """The etag a conditional write must find (None: unconditional), or Stale at once."""
    if if_match is None:
        return None
    if if_match.strip() == "*":
        return "*"
    node = store.get_node(node_id)
    tags = _tags(if_match)
    if node is None:
        raise Stale(f"node {node_id!r} does not exist; nothing was written")
    if node.etag not in tags:
        raise Stale(f"node {node_id!r} has changed since it was read; read it again, and nothing was written")
    return node.etag  # the store checks it again inside the write


def _with_tag(node: Node, response: Response) -> dict[str, Any]:
    response.headers["ETag"] = f'"{node.etag}"'
    return node_out(node)


def _routes(kind: str) -> None:
    model, out, filters_model = NODE_IN[kind], NODE_OUT[kind], NODE_FILTERS[kind]
    spec = SCHEMA.node(kind)
    one = f"/{kind}/{{node_id:{NODE_ID}}}"
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()  # the operations' names: list_assurance_source, ...

    @router.get(f"/{kind}", response_model=NodePage, summary=f"List {kind} nodes", name=f"list_{snake}",
                description=f"{spec.description} Filters are exact matches on fields; results ordered by id. A "
                            "filter that matches nothing gives an empty page.")
    def list_nodes(q: Annotated[filters_model, Query()], store: StoreDep, _: Viewer) -> dict[str, Any]:
        wanted = {k: v for k, v in q.model_dump().items() if v is not None and k not in ("offset", "limit")}
        page = store.list_nodes(kind, wanted, q.offset, q.limit)
        return {"items": [node_out(n) for n in page.items], "total": page.total, "offset": page.offset,
                "limit": page.limit}

    @router.post(f"/{kind}", response_model=out, status_code=201, summary=f"Create a {kind}", name=f"create_{snake}",
                 responses={409: {"description": "A node with this id exists already (PUT replaces one)."}})
    def create(node: model, store: StoreDep, who: Editor, response: Response) -> dict[str, Any]:
        try:
            store.upsert([node], create_only=True,
                         change=Change("create node", who.name, {"kind": kind, "id": node.id}))
        except Conflict:
            raise Conflict(f"a node with id {node.id!r} already exists; use PUT to replace it") from None
        return _with_tag(node, response)

    @router.get(f"/{kind}/{{node_id:{NODE_ID}}}/neighbours", response_model=list[NeighbourOut],
                name=f"neighbours_of_{snake}", summary=f"Neighbours of a {kind}",
                description="Filters (`rel`, `direction`) that match nothing give an empty list.")
    def neighbours(node_id: NodeId, store: StoreDep, _: Viewer, rel: RelFilter = None,
                   direction: Direction = Direction.BOTH) -> list[dict[str, Any]]:
        _get(store, kind, node_id)
        return [{"direction": nb.direction, "edge": nb.edge.model_dump(), "node": node_out(nb.node)}
                for nb in store.neighbours(node_id, rel and rel.value, direction)]

    @router.get(one, response_model=out, summary=f"Read a {kind}", name=f"read_{snake}",
                description="The ETag header identifies this state of the node, for If-Match.")
    def read(node_id: NodeId, store: StoreDep, _: Viewer, response: Response) -> dict[str, Any]:
        return _with_tag(_get(store, kind, node_id), response)

    @router.put(one, response_model=out, summary=f"Create or replace a {kind}", responses={**CONFLICT, **CONDITIONAL},
                name=f"replace_{snake}",
                description=f"The path names the {kind}; the body is the whole node, and its `id` must equal the "
                            "path's (else 409, and nothing is written). A node that is not there is created. With "
                            "If-Match, only if the node is still as last read; with If-None-Match: *, only if there "
                            "is none.")
    def replace(node_id: NodeId, node: model, store: StoreDep, who: Editor, response: Response,
                if_match: IfMatch = None, if_none_match: IfNoneMatch = None) -> dict[str, Any]:
        if node.id != _same_id(node_id):
            raise Conflict(f"the body's id {node.id!r} differs from the id in the path, {node_id!r}; a node's id "
                           "cannot be changed by PUT")
        other = store.kinds({node.id}).get(node.id)
        if other not in (None, kind):
            raise Conflict(f"{node.id!r} is the id of a {other}; ids are unique across the map")
        expected = _expected(store, node.id, if_match)
        change = Change("replace node", who.name, {"kind": kind, "id": node.id})
        try:
            store.upsert([node], change=change, expect={node.id: expected} if expected else None,
                         create_only=if_none_match is not None and if_none_match.strip() == "*")
        except Conflict as exc:
            if if_none_match is not None:
                raise Stale(f"node {node.id!r} already exists; nothing was written") from None
            raise exc
        return _with_tag(node, response)

    @router.delete(one, status_code=204, summary=f"Delete a {kind} and its edges", responses=CONDITIONAL,
                   name=f"delete_{snake}",
                   description="With If-Match, only if the node is still as last read.")
    def delete(node_id: NodeId, store: StoreDep, who: Editor, if_match: IfMatch = None) -> Response:
        _get(store, kind, node_id)
        store.delete_node(node_id, change=Change("delete node", who.name, {"kind": kind, "id": node_id}),
                          expect=_expected(store, node_id, if_match))
        return Response(status_code=204)


def _same_id(path_id: str) -> str:
    """The path's id as the body's would be stored (normalised), or the path's as it is when it
    could not be stored at all (the body's id then differs, and says why)."""
    try:
        return clean_id(path_id)
    except ValueError:
        return path_id


def _get(store: Store, kind: str, node_id: str) -> Node:
    node = store.get_node(node_id)
    if node is None or node.kind != kind:
        raise NotFound(f"{kind} {node_id!r}" + (f" (that id is a {node.kind})" if node is not None else ""))
    return node


for _kind in SCHEMA.node_names:
    _routes(_kind)
