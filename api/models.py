"""API request and response models, generated from the schema like everything else."""
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from graphmodel import NODE_MODELS, SCHEMA, Node
from graphmodel.models import build_model
from graphmodel.store import Direction


def _out_model(kind: str) -> type[BaseModel]:
    fields: dict[str, Any] = {"kind": (Literal[kind], kind)}
    fields.update({name: (info.annotation, info) for name, info in NODE_MODELS[kind].model_fields.items()})
    return build_model(f"{kind}Out", __doc__=NODE_MODELS[kind].__doc__, **fields)


def _filter_model(kind: str) -> type[BaseModel]:
    """Optional equality filters typed like the node's own fields (a closed vocabulary stays an enum)."""
    spec = SCHEMA.node(kind)
    node_fields = NODE_MODELS[kind].model_fields
    optional: dict[str, Any] = {name: info.annotation for name, info in node_fields.items()}
    fields: dict[str, Any] = {
        f.name: (optional[f.name] | None if f.name != "id" else str | None,
                 Field(None, description=f"equals: {f.description}"))
        for f in spec.fields}
    fields["offset"] = (int, Field(0, ge=0))
    fields["limit"] = (int, Field(100, ge=1, le=10_000))
    return build_model(f"{kind}Filters", __config__=ConfigDict(extra="forbid"), **fields)


NODE_OUT = {kind: _out_model(kind) for kind in SCHEMA.node_names}
NODE_FILTERS = {kind: _filter_model(kind) for kind in SCHEMA.node_names}
# A union of classes made at run time: only the subscript form can spell it.
NodeOut = Annotated[Union[tuple(NODE_OUT.values())], Field(discriminator="kind")]  # noqa: UP007


def node_out(node: Node) -> dict[str, Any]:
    return {"kind": node.kind, **node.model_dump(mode="json")}


class NodePage(BaseModel):
    items: list[NodeOut]
    total: int
    offset: int
    limit: int


class EdgeOut(BaseModel):
    source: str
    rel: str
    target: str
    note: str | None = None


class NeighbourOut(BaseModel):
    direction: Direction
    edge: EdgeOut
    node: NodeOut


class CountsOut(BaseModel):
    nodes: dict[str, int]
    edges: dict[str, int]


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    store: str | None = Field(None, description="embedded or neo4j (to callers who have signed in).")
    detail: str | None = Field(None, description="Why the store is unavailable (to callers who have signed in).")
    counts: CountsOut | None = Field(None, description="Nodes and edges by kind (to callers who have signed in).")


class WriteOut(BaseModel):
    nodes: int
    edges: int
