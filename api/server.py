"""`assurance-map serve` and `assurance-map demo`: run the app with uvicorn."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

import platformdirs
import uvicorn

from graphmodel.store import Store, open_store

from .app import create_app
from .settings import LOOPBACK, Settings

log = logging.getLogger("assurance_map.api")


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment (and .env), with what the command line gave on top."""
    given: dict[str, Any] = {k: v for k, v in (("host", args.host), ("port", args.port),
                                                 ("store", getattr(args, "store", None))) if v is not None}
    return Settings(**given)


def serve(settings: Settings, store: Store | None = None) -> int:
    settings.check_binding()
    if not settings.keys:
        log.warning("No API keys configured: serving on %s only, and every request has full access.",
                    settings.host)
    elif settings.host not in LOOPBACK:
        log.info("Serving on %s with %d API key(s).", settings.host, len(settings.keys))
    log.info("Dashboard: http://%s:%d/dashboard  API docs: http://%s:%d/docs",
             settings.host, settings.port, settings.host, settings.port)
    log.info("Answering requests for %s (ASSURANCE_MAP_ALLOWED_HOSTS)", ", ".join(sorted(settings.hosts)))
    # Forwarded headers are believed only as the app's settings say (api.app), never by uvicorn's
    # defaults; the Server header names no software; connections beyond the limit are answered 503.
    uvicorn.run(create_app(settings, store), host=settings.host, port=settings.port, log_level="info",
                proxy_headers=False, server_header=False, limit_concurrency=settings.max_connections,
                timeout_keep_alive=5)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    return serve(_settings(args))


def demo_path() -> Path:
    return Path(platformdirs.user_data_dir("assurance-map", appauthor=False)) / "demo.json"


def run_demo(args: argparse.Namespace) -> int:
    """The store named by --store or ASSURANCE_MAP_STORE, else demo.json in the data directory: the
    pilot maps are loaded into it when it is empty, and it is served."""
    from loaders.bundled import load_demo

    settings = _settings(args)
    settings = settings.model_copy(update={"store": settings.store or str(demo_path())})
    with open_store(settings.store) as store:
        if store.counts().total_nodes == 0:  # load once; later runs keep any edits
            report = load_demo(store)
            log.info("Loaded the pilot-area maps into %s: %s", store.location, report.summary())
        else:
            log.info("Serving the map already in %s (an empty store gets the pilot-area maps)", store.location)
        if getattr(args, "no_serve", False):
            return 0
        return serve(settings, store)
