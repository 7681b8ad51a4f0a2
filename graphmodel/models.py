"""Pydantic models generated from the schema: one class per node kind, plus Edge."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

import pydantic
from pydantic import BaseModel, ConfigDict, create_model, field_validator

from . import text, values
from .errors import Problem, ValidationError
from .schema import KEY, SCHEMA, Field, NodeKind

_CONFIG = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Node(BaseModel):
    """A node of the assurance map. Subclasses are generated, one per kind."""

    model_config = _CONFIG
    kind: ClassVar[str]
    spec: ClassVar[NodeKind]
    id: str

    if TYPE_CHECKING:
        # The fields of each kind are generated from the schema at run time.
        def __getattr__(self, name: str) -> Any: ...

    @property
    def label(self) -> str:
        return str(getattr(self, self.spec.label_field))

    def properties(self) -> dict[str, Any]:
        """Fields that have a value, keyed by field name (dates stay dates)."""
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @property
    def etag(self) -> str:
        """A tag of this node's kind and values, the same from either store: a writer that sends back
        the tag it read finds out whether someone changed the node since (an HTTP ETag)."""
        data = json.dumps([self.kind, self.properties()], sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(data.encode()).hexdigest()[:32]


def _annotation(f: Field) -> Any:
    if f.type is str and f.choices:
        base: Any = Literal[f.choices]
    else:
        base = f.type
    return base if f.required else base | None


def _field_info(f: Field) -> Any:
    kwargs: dict[str, Any] = {"description": f.description}
    if f.type is int:
        lo = f.minimum if f.minimum is not None else (min(f.choices) if f.choices else None)
        hi = f.maximum if f.maximum is not None else (max(f.choices) if f.choices else None)
        kwargs.update(ge=lo, le=hi)
    if f.type is str and f.required:
        kwargs["min_length"] = 1
    if f.type is str and not f.choices:
        kwargs["max_length"] = text.ID_MAX if f.name == KEY else text.TEXT_MAX if f.long else text.LINE_MAX
    default = ... if f.required else f.default
    return pydantic.Field(default, **kwargs)


def _normaliser(spec: NodeKind) -> Any:
    by_name = {f.name: f for f in spec.fields}

    def normalise(cls: type[Node], value: Any, info: pydantic.ValidationInfo) -> Any:
        f = by_name[info.field_name or ""]
        if isinstance(value, str):
            if f.type is str:  # the rules every stored text obeys, whoever wrote it
                value = text.clean_id(value) if f.name == KEY else text.clean_text(
                    value, text.TEXT_MAX if f.long else text.LINE_MAX)
            value = value.strip()
            if value == "" and not f.required:
                return f.default
            if f.choices and f.type is str:
                key = value.lower()
                return f.aliases.get(key, key)
            if f.normaliser:
                return getattr(values, f"normalise_{f.normaliser}")(value)
        if f.type is int and isinstance(value, bool):  # True is not a line or a score
            raise ValueError("expected a whole number")
        if f.type is dt.date and value is not None:
            return values.strict_date(value)  # a date, or YYYY-MM-DD text: never a number of seconds
        return value

    return normalise


def build_model(model_name: str, /, **kwargs: Any) -> type[BaseModel]:
    """pydantic's create_model, quiet about the field "register" shadowing BaseModel.register (harmless)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning)
        return create_model(model_name, **kwargs)


def _model(spec: NodeKind) -> type[Node]:
    fields = {f.name: (_annotation(f), _field_info(f)) for f in spec.fields if f.name != KEY}
    fields[KEY] = (str, pydantic.Field(..., min_length=1, max_length=text.ID_MAX,
                                       description="Stable identifier, unique across the map."))
    validators = {"_normalise": field_validator("*", mode="before")(_normaliser(spec))}
    model = cast(type[Node], build_model(spec.name, __base__=Node, __validators__=validators, **fields))
    model.kind = spec.name
    model.spec = spec
    model.__doc__ = spec.description
    return model


NODE_MODELS: dict[str, type[Node]] = {spec.name: _model(spec) for spec in SCHEMA.nodes}

EdgeRel = Literal[SCHEMA.edge_names]  # type: ignore[name-defined]  # the edge kinds, from the schema


class Edge(BaseModel):
    """A directed, typed link between two nodes; (source, rel, target) identifies it."""

    model_config = _CONFIG
    source: str = pydantic.Field(min_length=1, max_length=text.ID_MAX)
    rel: EdgeRel
    target: str = pydantic.Field(min_length=1, max_length=text.ID_MAX)
    note: str | None = pydantic.Field(None, max_length=text.LINE_MAX)

    @field_validator("rel", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper().replace(" ", "_").replace("-", "_") if isinstance(value, str) else value

    @field_validator("source", "target", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        return text.clean_id(value) if isinstance(value, str) else value

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: Any) -> Any:
        return (text.clean_text(value, text.LINE_MAX) or None) if isinstance(value, str) else value

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.rel, self.target)


def _problems(err: pydantic.ValidationError, kind: str | None, node_id: Any) -> list[Problem]:
    out = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or None
        value = e.get("input") if e["type"] != "missing" else None
        message = "required field is missing" if e["type"] == "missing" else (
            "unknown field" if e["type"] == "extra_forbidden" else e["msg"].removeprefix("Value error, "))
        out.append(Problem(message, kind, node_id if isinstance(node_id, str) else None, loc,
                           value if not isinstance(value, Mapping) else None))
    return out


def node_from_dict(kind: str, data: Mapping[str, Any]) -> Node:
    """Build a node of `kind` from plain data, or raise ValidationError naming kind, id and field."""
    model = NODE_MODELS.get(kind)
    node_id = data.get(KEY) if isinstance(data, Mapping) else None
    if model is None:
        raise ValidationError([Problem(f"unknown node kind; expected one of {', '.join(SCHEMA.node_names)}",
                                       kind, node_id if isinstance(node_id, str) else None)])
    try:
        return model.model_validate(dict(data))
    except pydantic.ValidationError as err:
        raise ValidationError(_problems(err, kind, node_id)) from None


def edge_from_dict(data: Mapping[str, Any]) -> Edge:
    try:
        return Edge.model_validate(dict(data))
    except pydantic.ValidationError as err:
        where = f"{data.get('source')}-{data.get('rel')}->{data.get('target')}"
        raise ValidationError(_problems(err, "edge", where)) from None
