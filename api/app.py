"""The FastAPI application: the store is opened in the lifespan and injected into every route."""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from graphmodel.gaps import Policy
from graphmodel.store import Store, open_store

from . import contract, docs, problems
from .access import RouteTable
from .bodies import Bodies
from .costly import Costly
from .guard import Guard, Limits
from .reports import ReportCache
from .routers import (
    acceptances,
    audit,
    edges,
    exports,
    gaps,
    health,
    imports,
    nodes,
    papers,
    signin,
    snapshots,
    views,
)
from .sessions import MemorySessions, Sessions, SessionStore
from .settings import Settings
from .uploads import default_root, remove_orphans

log = logging.getLogger("assurance_map.api")

DESCRIPTION = """
Assurance maps for Police and Crime Commissioners' offices and their audit panel (JARAP):
commitments, risks, actions, processes, assurance sources and meetings as one graph, with gap
queries that say where assurance is missing or weak.

Authenticate with an API key in the `X-API-Key` header or as a bearer token. Roles: **viewer**
(views and reads), **analyst** (+ gap queries and exports), **editor** (+ imports and edits),
**admin** (+ the audit log). Errors are problem details (`application/problem+json`): 404 when
something the request names is not in the map, 422 when the request breaks this document, 409
when it contradicts what the map holds. Every response carries the `API-Version` header; additive
changes raise the minor version, breaking ones need a new major (see docs/api.md).

Every example below works on the bundled demo map: run `assurance-map demo` and try it out.
"""


def create_app(settings: Settings | None = None, store: Store | None = None,
               sessions: SessionStore | None = None) -> FastAPI:
    """The application, with its store (opened from the settings unless one is given) and, for
    browser sessions, a session store (in this process unless one is given: see api.sessions)."""
    settings = settings or Settings()
    keys = settings.keys  # parse now: a malformed key list stops the start, not the first request

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if removed := remove_orphans(app.state.uploads):
            log.info("Removed %d upload folder(s) left by a server that stopped mid-request", removed)
        own = store is None
        app.state.store = store if store is not None else open_store(
            settings.store, audit_log=settings.audit_log, timeout=settings.neo4j_timeout)
        log.info("Store: %s, %s", app.state.store.backend, app.state.store.location)
        try:
            yield
        finally:
            if own:
                app.state.store.close()

    # /docs and /redoc are served by api.docs from files in the package, never from a CDN.
    app = FastAPI(title="assurance-map", version=contract.API_VERSION, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, generate_unique_id_function=lambda route: route.name)
    app.state.settings = settings
    app.state.keys = keys
    app.state.policy = Policy.load(settings.policy) if settings.policy else None  # a bad file stops the start
    bodies = Bodies(cache_bytes=int(settings.cache_mb * 2**20))  # reports, pages, exports and images
    app.state.reports = ReportCache(bodies)
    app.state.uploads = settings.upload_dir or default_root()
    app.state.costly = Costly(settings.max_export_items, bodies)
    app.state.sessions = Sessions(sessions or MemorySessions(), settings.session_idle_minutes * 60,
                                  settings.session_hours * 3600)
    if store is not None:
        app.state.store = store
    problems.install(app)
    contract.install(app)
    docs.install(app)
    for router in (health.router, nodes.router, edges.router, imports.router, gaps.router, exports.router,
                   snapshots.router, acceptances.router, papers.router, views.router, signin.router, audit.router):
        app.include_router(router)
    table = app.state.routes = RouteTable(app)  # the guard's, and the one 405's Allow is read from
    table.entries  # noqa: B018 - every route must declare who may call it: a route that does not stops the start
    app.add_middleware(Guard, table=table, keys=keys, sessions=app.state.sessions, limits=Limits(
        hosts=settings.hosts, json_bytes=settings.max_body_bytes, upload_bytes=settings.max_upload_bytes,
        body_timeout=settings.body_timeout))
    if settings.proxies:  # outside the guard, so the guard sees the scheme the proxy was asked for
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.proxies)
    app.add_middleware(contract.VersionHeader)  # outermost: the guard's refusals carry the version too
    return app
