"""API request and response models, generated from the schema like everything else.

Requests are strict: a closed vocabulary takes its canonical words only (the enums the OpenAPI
document lists), and an unknown property is refused, so what the document says is what the server
does. The import format stays lenient about spellings; that is for registers people write."""
import datetime as dt
import enum
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union, cast

from annotated_types import MinLen
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic.fields import FieldInfo

from graphmodel import NODE_MODELS, SCHEMA, Edge, Node
from graphmodel.gaps import RULES
from graphmodel.models import build_model
from graphmodel.store import Direction
from graphmodel.text import ID_MAX, ID_PATTERN, ID_RULES, TEXT_PATTERN, clean_id
from graphmodel.values import DATE_FORM, DATE_PATTERN, strict_date

# A request body refuses properties it does not declare, and takes JSON's types as the document states
# them: "5" is not a number, false is not 0. (A date comes as text: its fields say strict=False.)
CLOSED = ConfigDict(extra="forbid", strict=True)
MAX_OFFSET = 10**9  # further than any map goes, and within the whole numbers a store can skip


def _vocabulary(name: str, words: Iterable[str], doc: str) -> type[enum.StrEnum]:
    vocabulary = enum.StrEnum(name, {w: w for w in words})  # type: ignore[misc]  # words from the schema
    vocabulary.__doc__ = doc
    return vocabulary


if TYPE_CHECKING:  # the words come from the schema at run time; to mypy each is a StrEnum
    class NodeKind(enum.StrEnum): ...
    class Rel(enum.StrEnum): ...
else:
    NodeKind = _vocabulary("NodeKind", SCHEMA.node_names, "A node kind of the map.")
    Rel = _vocabulary("Rel", SCHEMA.edge_names, "An edge kind (the relationship between two nodes).")


# The rules may grow while the server's code is loaded (a rule is one declaration, registered in
# RULES), so what depends on them is read when a request is checked or the document is built: a
# rule id is text that names a rule, documented as the enum `RuleId`, and maps keyed by rule are
# documented as objects with one property per rule (see document_time_schemas).
def _known_rule(value: str) -> str:
    if value not in RULES:
        raise ValueError(f"expected one of {', '.join(RULES)}")
    return value


MARK = "x-listing-rules"  # stands for a reference to one of document_time_schemas() until the document is built


def _ref(name: str) -> WithJsonSchema:
    return WithJsonSchema({MARK: name})


RuleId = Annotated[str, AfterValidator(_known_rule), _ref("RuleId")]
Severity = Literal["high", "medium", "low"]
FindingsByRule = Annotated[dict[RuleId, int], _ref("FindingsByRule")]
RuleSeverities = Annotated[dict[RuleId, Severity], _ref("RuleSeverities")]
RuleSeverityOverrides = Annotated[dict[RuleId, Severity], _ref("RuleSeverityOverrides")]


def document_time_schemas() -> dict[str, dict[str, Any]]:
    """The schemas that list the rules, as the rules are now."""
    rules = list(RULES)
    severity = {"type": "string", "enum": ["high", "medium", "low"]}
    return {
        "RuleId": {"title": "RuleId", "description": "A gap rule.", "type": "string", "enum": rules},
        "FindingsByRule": {"title": "FindingsByRule", "description": "Findings of each rule.", "type": "object",
                           "properties": {r: {"type": "integer", "minimum": 0} for r in rules}, "required": rules},
        "RuleSeverities": {"title": "RuleSeverities", "description": "Severity of each rule's findings.",
                           "type": "object", "properties": {r: severity for r in rules}, "required": rules},
        "RuleSeverityOverrides": {"title": "RuleSeverityOverrides", "type": "object",
                                  "description": "Severities for some rules' findings.",
                                  "properties": {r: severity for r in rules}, "additionalProperties": False},
    }


def _date(value: object) -> dt.date | None:
    return None if value is None else strict_date(value)


# The one date type of the API, for every date a request gives (query or body): YYYY-MM-DD only,
# within graphmodel.values.EARLIEST..LATEST, as the document states; anything else is refused naming
# the form.
DATE_SCHEMA = {"type": "string", "format": "date", "pattern": DATE_PATTERN, "description": DATE_FORM}
Day = Annotated[dt.date, BeforeValidator(strict_date), WithJsonSchema(DATE_SCHEMA)]
Date = Annotated[dt.date | None, BeforeValidator(_date), WithJsonSchema({"anyOf": [DATE_SCHEMA, {"type": "null"}]})]


def _id_rules(value: str) -> str:
    try:
        return clean_id(value)
    except ValueError as exc:
        raise ValueError(f"not an id: it {exc}") from None


# A node's id in a request, as the document states it (graphmodel.text's rules, as far as a pattern
# can say them, and the rest in words). A name to look up (a path or query parameter taking ID_LIMITS)
# is checked against the pattern, and one that nothing has is not found (404); an id a body gives is
# normalised and checked by every rule (422 when it breaks one), as the store would.
ID_LIMITS: dict[str, Any] = {"min_length": 1, "max_length": ID_MAX, "pattern": ID_PATTERN}
NodeRef = Annotated[str, Field(**ID_LIMITS, description=ID_RULES), AfterValidator(_id_rules)]


# A node's own resource ends at its id: `/nodes/{Kind}/{id}/neighbours` is another resource, so an id
# may not end in "/neighbours" (the path could not name it).
SUBRESOURCE = "/neighbours"


def whole(value: Any) -> Any:
    """4.0 is the whole number 4 in JSON Schema (and so in what clients send); strict validation would
    refuse it, so it is made an int first. 4.5 stays, to be refused."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _strict(kind: str) -> Any:
    """Refuse other spellings of a closed vocabulary before the model's own normaliser (which the
    import format uses) would accept them, and ids a path cannot name."""
    spec = SCHEMA.node(kind)
    closed = {f.name: f.choices for f in spec.fields if f.type is str and f.choices}
    numbers = {f.name for f in spec.fields if f.type is int}

    def check(cls: type[Node], value: Any, info: Any) -> Any:
        if info.field_name in numbers:
            return whole(value)
        choices = closed.get(info.field_name)
        if choices and isinstance(value, str) and value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        if info.field_name == "id" and isinstance(value, str) and value.endswith(SUBRESOURCE):
            raise ValueError(f"an id may not end in {SUBRESOURCE!r}: /nodes/{kind}/ID{SUBRESOURCE} reads "
                             "a node's neighbours")
        return value

    return check


def _request_model(kind: str) -> type[Node]:
    """The kind's node model, strict about its closed vocabularies (see _strict)."""
    base = NODE_MODELS[kind]
    # The id's one rule beyond its length, stated where a client's tools can see it.
    key = FieldInfo.merge_field_infos(base.model_fields["id"], description=ID_RULES, json_schema_extra={
        "pattern": ID_PATTERN, "not": {"pattern": f"{SUBRESOURCE}$"}})
    # Every field again, explicitly: a subclass would otherwise take BaseModel.register as the default
    # of the field "register".
    fields: dict[str, Any] = {**base.model_fields, "id": key}
    for f in SCHEMA.node(kind).fields:
        if f.type is dt.date:  # a date comes as text, which only the lax mode reads (and the model checks)
            fields[f.name] = FieldInfo.merge_field_infos(fields[f.name], Field(strict=False),
                                                         json_schema_extra={"pattern": DATE_PATTERN})
        elif f.type is str and not f.choices and f.name != "id":  # the text rules, as far as a pattern says them
            fields[f.name] = FieldInfo.merge_field_infos(fields[f.name], json_schema_extra={"pattern": TEXT_PATTERN})
    namespace = {"__doc__": base.__doc__, "__module__": base.__module__, "model_config": CLOSED,
                 "__annotations__": {name: info.annotation for name, info in fields.items()}, **fields,
                 "_strict": field_validator("*", mode="before")(_strict(kind))}
    with warnings.catch_warnings():  # the field "register" shadows BaseModel.register, harmlessly
        warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning)
        meta: Any = type(base)
        return cast(type[Node], meta(kind, (base,), namespace))


def _out_model(kind: str) -> type[BaseModel]:
    fields: dict[str, Any] = {"kind": (Literal[kind], kind)}
    fields.update({name: (info.annotation, info) for name, info in NODE_MODELS[kind].model_fields.items()})
    return build_model(f"{kind}Out", __doc__=NODE_MODELS[kind].__doc__, **fields)


def _limits(metadata: Iterable[Any]) -> dict[str, Any]:
    """Field keyword arguments from a field's constraints: MinLen(1) gives min_length=1, Le(25) le=25,
    pydantic's own metadata its pattern and the like."""
    out: dict[str, Any] = {}
    for m in metadata:
        names = getattr(m, "__dataclass_fields__", None) or vars(m)
        out.update({name: getattr(m, name) for name in names})
    return out


def _filter_model(kind: str) -> type[BaseModel]:
    """Optional equality filters typed and limited like the node's own fields (a closed vocabulary
    stays an enum, a score stays 1 to 25); a text filter is never empty."""
    spec = SCHEMA.node(kind)
    node_fields = NODE_MODELS[kind].model_fields
    fields: dict[str, Any] = {}
    for f in spec.fields:
        info = node_fields[f.name]
        limits = list(info.metadata)
        if f.type is str and not f.choices and not any(isinstance(m, MinLen) for m in limits):
            limits.append(MinLen(1))
        base: Any = Literal[f.choices] if f.type is str and f.choices else Day if f.type is dt.date else f.type
        text: dict[str, Any] = {"pattern": TEXT_PATTERN} if f.type is str and not f.choices else {}
        fields[f.name] = (base | None, Field(None, description=f"equals: {f.description}", **_limits(limits), **text))
    fields["offset"] = (int, Field(0, ge=0, le=MAX_OFFSET, description="How many to skip."))
    fields["limit"] = (int, Field(100, ge=1, le=10_000, description="How many at most."))
    return build_model(f"{kind}Filters", __config__=ConfigDict(extra="forbid"), **fields)  # text: lax


NODE_IN = {kind: _request_model(kind) for kind in SCHEMA.node_names}
NODE_OUT = {kind: _out_model(kind) for kind in SCHEMA.node_names}
NODE_FILTERS = {kind: _filter_model(kind) for kind in SCHEMA.node_names}
# A union of classes made at run time: only the subscript form can spell it.
NodeOut = Annotated[Union[tuple(NODE_OUT.values())], Field(discriminator="kind")]  # noqa: UP007


def node_out(node: Node) -> dict[str, Any]:
    return {"kind": node.kind, **node.model_dump(mode="json")}


class EdgeIn(Edge):
    """An edge to create: its kind spelled as the schema spells it."""

    model_config = ConfigDict(strict=True)
    names: ClassVar[frozenset[str]] = frozenset({"source", "target"})  # properties that name nodes (404)

    source: NodeRef
    target: NodeRef

    @field_validator("rel", mode="before")
    @classmethod
    def _canonical(cls, value: Any) -> Any:
        if isinstance(value, str) and value not in SCHEMA.edge_names:
            raise ValueError(f"expected one of {', '.join(SCHEMA.edge_names)}")
        return value


class NodePage(BaseModel):
    items: list[NodeOut]
    total: int = Field(ge=0, description="How many match, over all pages.")
    offset: int = Field(ge=0)
    limit: int = Field(ge=1)


class EdgeOut(BaseModel):
    source: str
    rel: Rel
    target: str
    note: str | None = None


class GraphOut(BaseModel):
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class NeighbourOut(BaseModel):
    direction: Direction
    edge: EdgeOut
    node: NodeOut


def counts_model(name: str, keys: Iterable[str], doc: str) -> type[BaseModel]:
    """Counts by the words of a closed vocabulary: one whole number per word, every word present."""
    return build_model(name, __doc__=doc, **{k: (int, Field(ge=0)) for k in keys})


class CountsOut(BaseModel):
    nodes: counts_model("NodeCounts", SCHEMA.node_names, "Nodes of each kind.")
    edges: counts_model("EdgeCounts", SCHEMA.edge_names, "Edges of each kind.")


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    store: Literal["embedded", "neo4j"] | None = Field(None, description="The store (to callers who have signed in).")
    detail: str | None = Field(None, description="Why the store is unavailable (to callers who have signed in).")
    counts: CountsOut | None = Field(None, description="Nodes and edges by kind (to callers who have signed in).")


class WriteOut(BaseModel):
    nodes: int
    edges: int
