"""Who may call each route, and what it reads from the body: found once, from the route's own
declaration, for the guard to act on before anything parses the request.

A route declares its least role by taking the caller as a parameter (`who: Editor`, see api.deps) or
declares itself open with `Public`; a route that does neither stops the application from starting,
so no route can be forgotten. The body a route reads comes from its parameters too: a form (a file
upload, the sign-in form) or JSON.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import fastapi.routing
from fastapi import FastAPI, Request, params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

from .auth import Role, public

Body = Literal["json", "form"] | None


@dataclass(frozen=True)
class Access:
    role: Role | None  # None: open to anyone
    body: Body  # what the route reads from the request body, if anything


OPEN = Access(None, None)


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for d in dependant.dependencies:
        yield d
        yield from _dependencies(d)


def route_access(route: BaseRoute) -> Access:
    """The access a route declares. Routes that are not API routes (none are added today) are open."""
    if not isinstance(route, APIRoute):
        return OPEN
    calls = [d.call for d in _dependencies(route.dependant)]
    roles = [r for r in (getattr(c, "role", None) for c in calls) if isinstance(r, Role)]
    if not roles and public not in calls:
        raise RuntimeError(f"{sorted(route.methods or ())} {route.path}: declares no role; take the caller as a "
                           "parameter (Viewer, Analyst, Editor, Admin) or declare it Public")
    body: Body = None
    if route.body_field is not None:
        body = "form" if isinstance(route.body_field.field_info, params.Form) else "json"
    return Access(max(roles) if roles else None, body)


@dataclass(frozen=True)
class Entry:
    path: str  # as served, prefixes included
    methods: frozenset[str]
    route: BaseRoute  # as declared
    access: Access
    matcher: BaseRoute  # matches requests the way the router does


def _never(request: Request) -> None:  # the matchers below are never called, only matched
    raise AssertionError("not a handler")


def flat_routes(app: FastAPI) -> Iterator[tuple[str, frozenset[str], BaseRoute]]:
    """(path as served, methods, route as declared) for every route, routers included in others
    flattened (FastAPI from 0.16x keeps them nested and offers iter_route_contexts to walk them)."""
    walk = getattr(fastapi.routing, "iter_route_contexts", None)
    contexts = walk(app.router.routes) if walk else app.router.routes
    for ctx in contexts:
        route = getattr(ctx, "original_route", ctx)
        yield getattr(ctx, "path", ""), frozenset(getattr(ctx, "methods", None) or ()), route


class RouteTable:
    """Each route of an app with its access, matched the way the router itself matches."""

    def __init__(self, app: FastAPI):
        self._app = app
        self._entries: list[Entry] | None = None

    @property
    def entries(self) -> list[Entry]:
        if self._entries is None:  # once, after every router is included
            self._entries = [
                Entry(path, methods, route, route_access(route),
                      Route(path, _never, methods=list(methods)) if isinstance(route, APIRoute) else route)
                for path, methods, route in flat_routes(self._app)]
        return self._entries

    def match(self, scope: Scope) -> Entry | None:
        """The route that will handle the request (or the one whose path matched with another method),
        or None when no path matches."""
        partial = None
        for entry in self.entries:
            found, _ = entry.matcher.matches(scope)
            if found is Match.FULL:
                return entry
            if found is Match.PARTIAL and partial is None:
                partial = entry
        return partial

    def allowed(self, scope: Scope) -> list[str]:
        """The methods a 405 names in Allow: those of the first path template the request's path
        matches, every route of it (the router itself would name only the first route's)."""
        first = next((e for e in self.entries if e.matcher.matches(scope)[0] is not Match.NONE), None)
        if first is None:
            return []
        return sorted({m for e in self.entries if e.path == first.path for m in e.methods})
