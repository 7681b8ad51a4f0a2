"""The API's contract as clients see it: its version, and the OpenAPI document, in which every
operation's error statuses are derived here, from what the route does, rather than listed by hand:

- 401 and 403 where a role is needed; 503 where the store is read or written;
- 400, 413 and 415 where there is a body (the guard reads it); 414 everywhere (the guard measures
  the URL); 422 where there is a parameter, a header or a body;
- 404 where the request names something in the map (a path parameter, other than the node a PUT
  creates or replaces; a query parameter in NAMES; a body property in its model's `names`);
- anything else (409, 412, ...) as the route declares it, with its own description.

Every response carries the API version in the `API-Version` header, errors are problem details
(application/problem+json), and the rule between the statuses is problems.py's."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphmodel import SCHEMA
from graphmodel.text import ID_PATTERN, ID_RULES

from .deps import get_store
from .models import MARK, document_time_schemas
from .problems import MEDIA_TYPE, TITLES, ProblemDetail, dependencies

# Additive changes (new operations, new optional parameters or properties, new values in responses)
# raise the minor number; a breaking change needs a new major, served beside the old (docs/api.md).
API_VERSION = "1.0.0"
HEADER = "API-Version"
# Query parameters that name things in the map: an unknown one is 404. A request body says which of
# its properties do in its `names` (e.g. an edge's source and target).
NAMES = frozenset({"area", "expand", "page", "withdraw", "source", "target", "node_id", "since", "until"})

WHY = {
    400: "The body is not well-formed JSON.",
    401: "No API key, or one that is not recognised.",
    403: "The key's role does not allow this.",
    404: "Something the request names is not in the map (see the problem's errors).",
    413: "The body is larger than the server takes.",
    414: "The URL is longer than the server takes (8 KiB).",
    415: "The body is not in a media type this operation takes.",
    422: "The request breaks what this document states: a type, a limit, a closed vocabulary, a required or "
         "unknown property.",
    503: "The store cannot be reached or is busy; try again after Retry-After seconds.",
}


class VersionHeader:
    """Sends `API-Version` with every response, errors and pages included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER.lower().encode(), API_VERSION.encode())]
            await send(message)

        await self.app(scope, receive, send_with_version)


def statuses(route: Any, method: str) -> set[int]:
    """The error statuses a route can answer, from what it does (see the module's docstring)."""
    calls = list(dependencies(route))
    params = {p.alias for p in route.dependant.query_params}
    body = route.body_field is not None
    out = set()
    if any(hasattr(c, "role") for c in calls):
        out |= {401, 403}
    if get_store in calls:
        out.add(503)
    if body:
        out |= {400, 413, 415}
    if params or body or route.dependant.header_params:
        out.add(422)
    out.add(414)  # the guard refuses a URL beyond its limit, whatever the operation
    body_model = route.body_field.field_info.annotation if body else None
    body_names: frozenset[str] = getattr(body_model, "names", frozenset())
    if (route.dependant.path_params and method != "put") or params & NAMES or body_names:
        out.add(404)
    return out


def _refer(node: Any) -> None:
    """Replace each mark that stands for a schema listing the rules with a reference to it."""
    if isinstance(node, dict):
        if MARK in node:
            node["$ref"] = f"#/components/schemas/{node.pop(MARK)}"
        for value in node.values():
            _refer(value)
    elif isinstance(node, list):
        for value in node:
            _refer(value)


ID_SCHEMA = "NodeIdText"


def _id_schemas(node: Any) -> None:
    """The id pattern is long (it names every character the id rules refuse): each schema that has
    it refers to one component instead."""
    if isinstance(node, dict):
        if node.get("pattern") == ID_PATTERN:
            del node["pattern"]
            node.setdefault("allOf", []).append({"$ref": f"#/components/schemas/{ID_SCHEMA}"})
        for value in node.values():
            _id_schemas(value)
    elif isinstance(node, list):
        for value in node:
            _id_schemas(value)


def links(spec: dict[str, Any]) -> None:
    """OpenAPI links from what an operation makes to the operations that use it, so clients (and
    schemathesis's stateful phase) can follow them: a node created, to its read, replace, delete and
    neighbours; an import previewed, to its write and its cancel."""
    makers = {f"/nodes/{kind}": ("post", "201", "node_id", "$response.body#/id") for kind in SCHEMA.node_names}
    makers["/imports/preview"] = ("post", "200", "token", "$response.body#/token")
    for base, (method, status, param, value) in makers.items():
        made = f"{base.rsplit('/', 1)[0]}/{{{param}}}" if param == "token" else f"{base}/{{{param}}}"
        users = {f"{op['operationId']}": op["operationId"] for path in (made, f"{made}/neighbours")
                 for op in spec["paths"].get(path, {}).values()}
        response = spec["paths"][base][method]["responses"][status]
        response["links"] = {name: {"operationId": op, "parameters": {param: value}} for name, op in users.items()}


def _problem(code: int, given: dict[str, Any] | None) -> dict[str, Any]:
    given = given or {}
    media = given.get("content", {})
    if media and MEDIA_TYPE not in media and "HTTPValidationError" not in str(media):  # e.g. /health's own
        return given
    schema = given.get("content", {}).get(MEDIA_TYPE, {}).get("schema") or {
        "$ref": "#/components/schemas/ProblemDetail"}
    description = given.get("description") or WHY.get(code) or TITLES.get(code, "Error")
    if description in ("Additional Response", "Validation Error"):
        description = WHY.get(code, description)
    return {"description": description, "content": {MEDIA_TYPE: {"schema": schema}}}


def build(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document: FastAPI's, with the derived statuses, problem details and version header."""
    spec = get_openapi(title=app.title, version=API_VERSION, description=app.description, routes=app.routes)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    models: list[type[BaseModel]] = [ProblemDetail, *ProblemDetail.__subclasses__()]
    for model in models:  # the subclasses: e.g. the import report's
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    schemas.update(document_time_schemas())
    _refer(spec)
    _id_schemas(spec)
    schemas[ID_SCHEMA] = {"title": ID_SCHEMA, "type": "string", "pattern": ID_PATTERN, "description": ID_RULES}
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    spec["components"]["headers"] = {HEADER: {
        "description": f"The version of this API the server speaks ({API_VERSION}); see docs/api.md.",
        "required": True, "schema": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"}}}
    routes = {(r.path_format, m.lower()): r for r in iter_route_contexts(app.routes)
              if isinstance(r.original_route, APIRoute) and r.include_in_schema for m in r.methods or ()}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            responses = op.setdefault("responses", {})
            route = routes.get((path, method))
            codes = statuses(route, method) if route else set()
            codes |= {int(c) for c in responses if c[0] in "45"}
            for code in sorted(codes):
                responses[str(code)] = _problem(code, responses.get(str(code)))
            for response in responses.values():
                response.setdefault("headers", {})[HEADER] = {"$ref": f"#/components/headers/{HEADER}"}
            if 401 in codes:
                responses["401"]["headers"]["WWW-Authenticate"] = {
                    "description": "Bearer: send the key as a bearer token or as X-API-Key.",
                    "schema": {"type": "string"}}
            if 503 in codes:
                responses["503"]["headers"]["Retry-After"] = {
                    "description": "Seconds to wait before trying again.", "schema": {"type": "string"}}
    links(spec)
    return spec


def install(app: FastAPI) -> None:
    """Serve the document (built once, with docs.enrich's descriptions and examples); create_app adds the
    header, outside the guard."""
    from . import docs

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = build(app)
            docs.enrich(spec)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema
