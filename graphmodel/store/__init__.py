"""Stores: choose one by URL or path with `open_store`."""
from __future__ import annotations

import os

from ..errors import Problem, ValidationError
from .base import DEFAULT_TIMEOUT, Counts, Direction, Neighbour, Page, Store, WriteResult, to_graph
from .embedded import EmbeddedStore, default_path
from .records import Acceptance, SnapshotInfo, SnapshotRecord

STORE_ENV = "ASSURANCE_MAP_STORE"
AUDIT_ENV = "ASSURANCE_MAP_AUDIT_LOG"
TIMEOUT_ENV = "ASSURANCE_MAP_NEO4J_TIMEOUT"


def is_neo4j_url(location: str) -> bool:
    return location.split("://", 1)[0].lower() in {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}


def _timeout(given: float | None) -> float:
    if given is not None:
        return given
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        value = float(text) if text else DEFAULT_TIMEOUT
    except ValueError:
        value = -1.0
    if not 0 < value < 86_400:
        raise ValidationError([Problem("must be a number of seconds above 0", field=TIMEOUT_ENV, value=text)])
    return value


def open_store(location: str | os.PathLike[str] | None = None, *, audit_log: str | os.PathLike[str] | None = None,
               timeout: float | None = None) -> Store:
    """A `bolt://` or `neo4j://` URI opens Neo4j (credentials from NEO4J_USER / NEO4J_PASSWORD,
    database from NEO4J_DATABASE; `timeout` or ASSURANCE_MAP_NEO4J_TIMEOUT bounds each call);
    anything else is the embedded store's file path. With no location, ASSURANCE_MAP_STORE is used,
    then the default file in the user's data directory. The embedded store's audit log is
    `audit_log`, else ASSURANCE_MAP_AUDIT_LOG, else a file beside the store; Neo4j keeps its own."""
    location = location or os.environ.get(STORE_ENV) or None
    if location is not None and is_neo4j_url(str(location)):
        from .neo4j import Neo4jStore

        return Neo4jStore(str(location), os.environ.get("NEO4J_USER", "neo4j"),
                          os.environ.get("NEO4J_PASSWORD"), os.environ.get("NEO4J_DATABASE") or None,
                          timeout=_timeout(timeout))
    return EmbeddedStore(location, audit_log=audit_log or os.environ.get(AUDIT_ENV) or None)


__all__ = ["Store", "EmbeddedStore", "open_store", "default_path", "Counts", "Direction", "Neighbour", "Page",
           "WriteResult", "to_graph", "STORE_ENV", "Acceptance", "SnapshotInfo", "SnapshotRecord"]
