"""Errors as RFC 9457 problem details, with every problem's location.

One rule decides between the statuses, whatever the route (docs/api.md says it to users):

- 400: the body cannot be read as its media type (JSON that does not parse).
- 404: something the request names (in the path, a parameter or the body) is not in the map, or not
  in the part of it the request is about: an id, an area, a page, an area's share of a whole-map rule.
  Listing filters are not names: a filter that matches nothing gives an empty list.
- 409: the request contradicts what the map holds: an id taken, an edge the schema does not allow
  between the kinds of its two ends, a PUT whose body names another node than its path.
- 415: a body in a media type the operation does not take.
- 422: the request breaks what the OpenAPI document states: a type, a limit, a closed vocabulary, a
  required or unknown property; or an uploaded file breaks the import format.

Messages of 422s say what is expected, read from the same OpenAPI document clients read."""
from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import filelock
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException

from graphmodel.audit import AuditUnavailable
from graphmodel.errors import (
    SHOWN,
    AssuranceMapError,
    Conflict,
    Missing,
    NotFound,
    Stale,
    StoreUnavailable,
    ValidationError,
)
from graphmodel.safeload import ParseError
from graphmodel.text import ID_MAX, ID_PATTERN, TEXT_PATTERN, clip
from graphmodel.values import DATE_FORM

from .auth import Role
from .headers import secure

log = logging.getLogger("assurance_map.api")
MEDIA_TYPE = "application/problem+json"


class ProblemItem(BaseModel):
    message: str
    loc: list[str | int] = Field(default_factory=list, description="Where: e.g. ['body', 'line'] or [kind, id, field].")
    value: Any = None


class ProblemDetail(BaseModel):
    """A problem detail (RFC 9457), with each problem's location in `errors`."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[ProblemItem] = Field(default_factory=list)


TITLES = {400: "Bad request", 401: "Unauthorised", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          408: "Request timeout", 409: "Conflict", 412: "Precondition failed", 413: "Too large", 414: "URI too long",
          415: "Unsupported media type", 422: "Invalid input", 428: "Precondition required", 431: "Headers too large",
          500: "Server error", 503: "Service unavailable"}


def problem(status: int, detail: str, errors: list[ProblemItem] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    body = ProblemDetail(title=TITLES.get(status, "Error"), status=status, detail=detail, errors=errors or [])
    return JSONResponse(body.model_dump(), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _json_safe(value: Any) -> Any:
    """A value to repeat in a problem: plain, and short (an error never echoes a megabyte back)."""
    if isinstance(value, (dict, list, tuple)):
        return None
    value = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
    return clip(value, SHOWN) if isinstance(value, str) else value


def dependencies(route: Any) -> Iterator[Any]:
    """Every dependency a route calls, however deep."""
    def walk(dependant: Any) -> Iterator[Any]:
        for dep in dependant.dependencies:
            yield dep.call
            yield from walk(dep)
    return walk(route.dependant)


def _writes(request: Request) -> bool:
    """Whether the request's route changes the map: it takes a body or a deletion, from an editor or
    above (a GET never does; an analyst's POST /gaps or what-if only reads)."""
    route = request.scope.get("route")
    if route is None or request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    roles = [getattr(call, "role", None) for call in dependencies(route)]
    return any(isinstance(role, Role) and role >= Role.editor for role in roles)


def _counted(n: int, request: Request, what: str) -> str:
    """'2 problem(s) with the request', and on a write that it wrote nothing (never on a read)."""
    return f"{n} problem(s) {what}" + ("; nothing was written" if _writes(request) else "")


# -- what the OpenAPI document says a value should be ------------------------------------------

def _operation(request: Request) -> dict[str, Any] | None:
    route = request.scope.get("route")
    path = getattr(route, "path_format", None)
    if path is None:
        return None
    op: dict[str, Any] | None = request.app.openapi().get("paths", {}).get(path, {}).get(request.method.lower())
    return op


def _resolve(schema: Any, spec: dict[str, Any]) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _branches(schema: Any, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of a schema (an optional value is anyOf [value, null])."""
    schema = _resolve(schema, spec)
    if not isinstance(schema, dict):
        return []
    if "anyOf" in schema:
        return [b for s in schema["anyOf"] for b in _branches(s, spec) if b.get("type") != "null"]
    return [schema]


def schema_at(request: Request, loc: tuple[Any, ...]) -> dict[str, Any] | None:
    """The schema, in this server's OpenAPI document, of the value at a validation error's location."""
    op = _operation(request)
    if op is None or not loc:
        return None
    spec = request.app.openapi()
    if loc[0] == "body":
        content = op.get("requestBody", {}).get("content", {})
        media: dict[str, Any] = next(iter(content.values()), {})
        schema: Any = media.get("schema")
        rest = loc[1:]
    else:
        schema = next((p.get("schema") for p in op.get("parameters", [])
                       if p["in"] == loc[0] and len(loc) > 1 and p["name"] == loc[1]), None)
        rest = loc[2:]
    for part in rest:
        found = None
        for branch in _branches(schema, spec):
            if isinstance(part, int) and "items" in branch:
                found = branch["items"]
            elif isinstance(part, str) and part in branch.get("properties", {}):
                found = branch["properties"][part]
            elif isinstance(part, str) and isinstance(branch.get("additionalProperties"), dict):
                found = branch["additionalProperties"]
            if found is not None:
                break
        if found is None:
            return None
        schema = found
    branches = _branches(schema, spec)
    return {"anyOf": branches} if len(branches) > 1 else (branches[0] if branches else None)


def _range(schema: dict[str, Any], unit: str = "") -> str:
    lo, hi = schema.get("minimum"), schema.get("maximum")
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    words = []
    if lo is not None and hi is not None:
        return f" from {lo:g} to {hi:g}{unit}"
    if lo is not None:
        words.append(f"at least {lo:g}")
    if above is not None:
        words.append(f"above {above:g}")
    if hi is not None:
        words.append(f"at most {hi:g}")
    if below is not None:
        words.append(f"below {below:g}")
    return (" " + " and ".join(words) + unit) if words else ""


def expected(schema: dict[str, Any]) -> str:
    """A schema in words: 'a whole number from 1 to 25', 'one of G1, G2, ...', 'text of 1 to 200 characters'."""
    if "anyOf" in schema:
        return " or ".join(expected(s) for s in schema["anyOf"])
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        return "a whole number" + _range(schema)
    if kind == "number":
        return "a number" + _range(schema)
    if kind == "boolean":
        return "true or false"
    if kind == "array":
        least = schema.get("minItems")
        return ("a list of at least one" if least else "a list of") + f" ({expected(schema.get('items', {}))})"
    if kind == "object":
        names = list(schema.get("properties", {}))
        return "an object" + (f" with any of: {', '.join(names)}" if names else "")
    if kind == "string":
        if schema.get("pattern") == ID_PATTERN or any(str(a.get("$ref", "")).endswith("/NodeIdText")
                                                      for a in schema.get("allOf", [])):
            return f"an id of 1 to {ID_MAX} characters, not only spaces, without control or invisible characters"
        if schema.get("format") == "date":
            return f"a date, {DATE_FORM}"
        if schema.get("format") == "binary":
            return "a file"
        lo, hi = schema.get("minLength"), schema.get("maxLength")
        if schema.get("pattern") == TEXT_PATTERN:
            return expected({k: v for k, v in schema.items() if k != "pattern"}) + " without control characters"
        if lo and hi:
            return f"text of {lo} to {hi} characters"
        if hi:
            return f"text of at most {hi} characters"
        return "non-empty text" if lo == 1 else f"text of at least {lo} characters" if lo else "text"
    return "a value"


def _message(request: Request, error: dict[str, Any]) -> str:
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        parent = schema_at(request, loc[:-1])
        names = list((parent or {}).get("properties", {}))
        return "unknown property" + (f"; the properties are {', '.join(names)}" if names else "")
    schema = schema_at(request, loc)
    if error["type"] == "missing":
        return "required" + (f": {expected(schema)}" if schema else "")
    if schema is None:
        return str(error["msg"]).removeprefix("Value error, ")
    return f"expected {expected(schema)}"


# -- handlers ------------------------------------------------------------------------------------

def _items(exc: ValidationError) -> list[ProblemItem]:
    return [ProblemItem(message=p.message, loc=[x for x in (p.kind, p.id, p.field) if x is not None],
                        value=_json_safe(p.value)) for p in exc.problems]


def install(app: FastAPI) -> None:
    @app.exception_handler(Missing)
    async def _missing(request: Request, exc: Missing) -> JSONResponse:
        detail = str(exc.problems[0]) if len(exc.problems) == 1 else f"{len(exc.problems)} names match nothing"
        return problem(404, detail, _items(exc))

    @app.exception_handler(ValidationError)
    async def _invalid(request: Request, exc: ValidationError) -> JSONResponse:
        items = _items(exc)
        return problem(422, _counted(len(items), request, "with the request"), items)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # A body that does not parse (400) or comes in another media type (415) never gets here: the
        # guard (api.guard) refuses it, after the caller's role and before the route reads it.
        errors = list(exc.errors())
        items = [ProblemItem(message=_message(request, e), loc=list(e["loc"]), value=_json_safe(e.get("input")))
                 for e in errors]
        return problem(422, _counted(len(items), request, "with the request"), items)

    @app.exception_handler(ParseError)
    async def _unreadable(_: Request, exc: ParseError) -> JSONResponse:
        return problem(400, str(exc))

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return problem(404, str(exc))

    @app.exception_handler(Conflict)
    async def _conflict(_: Request, exc: Conflict) -> JSONResponse:
        return problem(409, str(exc))

    @app.exception_handler(Stale)
    async def _stale(_: Request, exc: Stale) -> JSONResponse:
        return problem(412, str(exc))

    @app.exception_handler(StoreUnavailable)
    async def _unavailable(_: Request, exc: StoreUnavailable) -> JSONResponse:
        log.warning("store unavailable: %s", exc)
        return problem(503, str(exc), headers={"Retry-After": "5"})

    @app.exception_handler(AuditUnavailable)
    async def _unaudited(_: Request, exc: AuditUnavailable) -> JSONResponse:
        log.error("write refused, its audit record could not be kept: %s", exc.reason)
        return problem(503, "the audit log cannot be written, so nothing was written; the server's log says why",
                       headers={"Retry-After": "30"})

    @app.exception_handler(filelock.Timeout)
    async def _busy(_: Request, exc: filelock.Timeout) -> JSONResponse:
        return problem(503, "the store is busy with another write; try again shortly", headers={"Retry-After": "5"})

    @app.exception_handler(AssuranceMapError)  # anything else, e.g. a damaged store file: its words name server paths
    async def _other(_: Request, exc: AssuranceMapError) -> JSONResponse:
        reference = secrets.token_hex(4)
        log.error("[%s] %s", reference, exc)
        return problem(500, f"the store cannot be used; the server's log says why (reference {reference})")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 401 and _wants_html(request):  # a person in a browser: offer the sign-in page
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        headers = dict(getattr(exc, "headers", None) or {})
        detail = str(exc.detail)
        if exc.status_code == 405:
            allowed = request.app.state.routes.allowed(request.scope)
            headers["Allow"] = ", ".join(allowed)
            detail = f"{request.method} is not allowed here; " + (
                f"only {allowed[0]} is" if len(allowed) == 1 else f"{', '.join(allowed)} are")
        elif exc.status_code == 404 and detail == "Not Found":
            detail = f"no operation at {request.url.path}; see /openapi.json"
        return problem(exc.status_code, detail, headers=headers)

    @app.exception_handler(Exception)  # the last resort: never a traceback or a plain-text 500
    async def _unexpected(request: Request, exc: Exception) -> Response:
        reference = secrets.token_hex(4)
        log.error("[%s] %s %s failed", reference, request.method, request.url.path, exc_info=exc)
        response = problem(500, f"something went wrong on the server; it has been logged (reference {reference})")
        secure(MutableHeaders(raw=response.raw_headers), request.url.scheme == "https")  # outside the guard
        return response


def _wants_html(request: Request) -> bool:
    return request.method == "GET" and "text/html" in request.headers.get("accept", "")
