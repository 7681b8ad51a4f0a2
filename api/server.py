"""`assurance-map serve` and `assurance-map demo`: run the app with uvicorn."""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

import platformdirs
import uvicorn

from graphmodel.store import Store
from graphmodel.store.embedded import EmbeddedStore

from .app import create_app
from .settings import LOOPBACK, Settings

log = logging.getLogger("assurance_map.api")


def _settings(args: argparse.Namespace, **overrides: object) -> Settings:
    given = {k: v for k, v in (("host", args.host), ("port", args.port), ("store", args.store)) if v is not None}
    return Settings(**given, **overrides)


def serve(settings: Settings, store: Store | None = None) -> int:
    settings.check_binding()
    if not settings.keys:
        log.warning("No API keys configured: serving on %s only, and every request has full access.",
                    settings.host)
    elif settings.host not in LOOPBACK:
        log.info("Serving on %s with %d API key(s).", settings.host, len(settings.keys))
    log.info("Dashboard: http://%s:%d/dashboard  API docs: http://%s:%d/docs",
             settings.host, settings.port, settings.host, settings.port)
    uvicorn.run(create_app(settings, store), host=settings.host, port=settings.port, log_level="info")
    return 0


def run_serve(args: argparse.Namespace, store: Store | None = None) -> int:
    return serve(_settings(args), store)


def demo_path() -> Path:
    return Path(platformdirs.user_data_dir("assurance-map", appauthor=False)) / "demo.json"


def run_demo(args: argparse.Namespace, store: Store | None) -> int:
    from loaders.bundled import load_demo

    path = Path(args.store) if args.store else demo_path()
    demo_store = EmbeddedStore(path)
    if demo_store.counts().total_nodes == 0:  # load once; later runs keep any edits
        report = load_demo(demo_store)
        log.info("Loaded the pilot-area maps into %s: %s", path, report.summary())
    else:
        log.info("Using the demo maps already in %s", path)
    if args.no_serve:
        return 0
    return serve(_settings(args, store=str(path)), demo_store)
