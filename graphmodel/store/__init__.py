"""Stores: choose one by URL or path with `open_store`."""
from __future__ import annotations

import os

from .base import Counts, Direction, Neighbour, Page, Store, WriteResult, to_graph
from .embedded import EmbeddedStore, default_path
from .records import Acceptance, SnapshotInfo, SnapshotRecord

STORE_ENV = "ASSURANCE_MAP_STORE"


def is_neo4j_url(location: str) -> bool:
    return location.split("://", 1)[0].lower() in {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}


def open_store(location: str | os.PathLike[str] | None = None) -> Store:
    """A `bolt://` or `neo4j://` URI opens Neo4j (credentials from NEO4J_USER / NEO4J_PASSWORD,
    database from NEO4J_DATABASE); anything else is the embedded store's file path. With no
    location, ASSURANCE_MAP_STORE is used, then the default file in the user's data directory."""
    location = location or os.environ.get(STORE_ENV) or None
    if location is not None and is_neo4j_url(str(location)):
        from .neo4j import Neo4jStore

        return Neo4jStore(str(location), os.environ.get("NEO4J_USER", "neo4j"),
                          os.environ.get("NEO4J_PASSWORD"), os.environ.get("NEO4J_DATABASE") or None)
    return EmbeddedStore(location)


__all__ = ["Store", "EmbeddedStore", "open_store", "default_path", "Counts", "Direction", "Neighbour", "Page",
           "WriteResult", "to_graph", "STORE_ENV", "Acceptance", "SnapshotInfo", "SnapshotRecord"]
