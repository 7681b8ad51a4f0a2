"""The FastAPI application: the store is opened in the lifespan and injected into every route."""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from graphmodel.store import Store, open_store

from . import docs, problems
from .reports import ReportCache
from .routers import acceptances, audit, edges, exports, gaps, health, imports, nodes, papers, snapshots, views
from .settings import Settings

log = logging.getLogger("assurance_map.api")

DESCRIPTION = """
Assurance maps for Police and Crime Commissioners' offices and their audit panel (JARAP):
commitments, risks, actions, processes, assurance sources and meetings as one graph, with gap
queries that say where assurance is missing or weak.

Authenticate with an API key in the `X-API-Key` header or as a bearer token. Roles: **viewer**
(views and reads), **analyst** (+ gap queries and exports), **editor** (+ imports and edits),
**admin** (+ the audit log). Errors are problem details (`application/problem+json`).

Every example below works on the bundled demo map: run `assurance-map demo` and try it out.
"""


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    settings = settings or Settings()
    keys = settings.keys  # parse now: a malformed key list stops the start, not the first request

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
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
    app = FastAPI(title="assurance-map", version="0.1.0", description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.keys = keys
    app.state.reports = ReportCache()
    if store is not None:
        app.state.store = store
    problems.install(app)
    problems.document(app)
    docs.install(app)
    for router in (health.router, nodes.router, edges.router, imports.router, gaps.router, exports.router,
                   snapshots.router, acceptances.router, papers.router, views.router, audit.router):
        app.include_router(router)
    return app
