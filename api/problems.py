"""Errors as RFC 9457 problem details, with every problem's location."""
from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
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
    NotFound,
    Stale,
    StoreUnavailable,
    UnknownArea,
    ValidationError,
)
from graphmodel.safeload import ParseError
from graphmodel.text import clip

from .headers import secure

log = logging.getLogger("assurance_map.api")
MEDIA_TYPE = "application/problem+json"


class ProblemItem(BaseModel):
    message: str
    loc: list[str | int] = Field(default_factory=list, description="Where: e.g. ['body', 'line'] or [kind, id, field].")
    value: Any = None


class ProblemDetail(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[ProblemItem] = Field(default_factory=list)


TITLES = {400: "Bad request", 401: "Unauthorised", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          408: "Request timeout", 409: "Conflict", 412: "Precondition failed", 413: "Too large", 414: "URI too long",
          415: "Unsupported media type", 422: "Invalid input", 431: "Headers too large", 500: "Server error",
          503: "Service unavailable"}
RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": TITLES[code]} for code in (401, 403, 404, 409, 412, 413, 422, 503)}


def document(app: FastAPI) -> None:
    """Describe every error response as a problem detail, as the handlers below send them."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, description=app.description,
                               routes=app.routes)
            schemas = spec["components"]["schemas"]
            models: list[type[BaseModel]] = [ProblemDetail, *ProblemDetail.__subclasses__()]
            for model in models:  # the subclasses: e.g. the import report's problem
                schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                schemas.update(schema.pop("$defs", {}))
                schemas[model.__name__] = schema
            for path in spec["paths"].values():
                for op in path.values():
                    responses = op.setdefault("responses", {})
                    if op.get("parameters") or op.get("requestBody"):
                        responses.setdefault("422", {"description": TITLES[422]})
                    for code, response in responses.items():
                        if code[0] in "45":
                            schema = response.get("content", {}).get(MEDIA_TYPE, {}).get("schema") or {
                                "$ref": "#/components/schemas/ProblemDetail"}
                            response["content"] = {MEDIA_TYPE: {"schema": schema}}
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema


@contextmanager
def area_resource(area: str) -> Iterator[None]:
    """For routes whose path names an area: an area no process has is a resource that is not
    there (404). Where an area only filters (a query parameter), it stays invalid input (422)."""
    try:
        yield
    except UnknownArea as exc:
        known = ", ".join(repr(a) for a in exc.known) or "none yet"
        raise NotFound(f"area {area!r}: no process has it; areas in the map: {known}") from None


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


def install(app: FastAPI) -> None:
    @app.exception_handler(ValidationError)
    async def _invalid(_: Request, exc: ValidationError) -> JSONResponse:
        items = [ProblemItem(message=p.message, loc=[x for x in (p.kind, p.id, p.field) if x is not None],
                             value=_json_safe(p.value)) for p in exc.problems]
        return problem(422, f"{len(items)} problem(s); nothing was written", items)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        items = [ProblemItem(message=e["msg"].removeprefix("Value error, "), loc=list(e["loc"]),
                             value=_json_safe(e.get("input"))) for e in exc.errors()]
        return problem(422, "the request is not valid", items)

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
        return problem(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)  # the last resort: never a traceback or a plain-text 500
    async def _unexpected(request: Request, exc: Exception) -> Response:
        reference = secrets.token_hex(4)
        log.error("[%s] %s %s failed", reference, request.method, request.url.path, exc_info=exc)
        response = problem(500, f"something went wrong on the server; it has been logged (reference {reference})")
        secure(MutableHeaders(raw=response.raw_headers), request.url.scheme == "https")  # outside the guard
        return response


def _wants_html(request: Request) -> bool:
    return request.method == "GET" and "text/html" in request.headers.get("accept", "")
