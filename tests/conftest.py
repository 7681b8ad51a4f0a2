"""Shared fixtures: both stores, with Neo4j a real server.

When NEO4J_URI is set that server is used (credentials from NEO4J_USER / NEO4J_PASSWORD);
otherwise the session starts its own Neo4j Community server with devtools.neo4j_server
and stops it at the end. If no server can be had the run fails: it never skips.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from graphmodel.store import Store
from graphmodel.store.embedded import EmbeddedStore
from graphmodel.store.neo4j import Neo4jStore

STORES = ["embedded", "neo4j"]


class Neo4jHandle:
    """The session's Neo4j: the URI, credentials, and (when we started it) the process."""

    def __init__(self) -> None:
        self.server = None
        if os.environ.get("NEO4J_URI"):
            self.uri = os.environ["NEO4J_URI"]
            self.user = os.environ.get("NEO4J_USER", "neo4j")
            self.password = os.environ.get("NEO4J_PASSWORD")
        else:
            from devtools.neo4j_server import start_server

            self.server = start_server()
            self.uri, self.user, self.password = self.server.uri, self.server.user, self.server.password

    def store(self) -> Neo4jStore:
        return Neo4jStore(self.uri, self.user, self.password)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


@pytest.fixture(scope="session")
def neo4j(request: pytest.FixtureRequest) -> Iterator[Neo4jHandle]:
    handle = Neo4jHandle()
    store = handle.store()
    version = store.read("CALL dbms.components() YIELD name, versions, edition "
                         "RETURN name + ' ' + versions[0] + ' ' + edition AS v")[0]["v"]
    store.close()
    origin = "started by this run" if handle.server else "from NEO4J_URI"
    request.config.stash[NEO4J_INFO] = f"{version} at {handle.uri} ({origin})"
    try:
        yield handle
    finally:
        handle.stop()


NEO4J_INFO = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say which Neo4j the Neo4j half of the suite ran against, and how it fared."""
    info = config.stash.get(NEO4J_INFO, None)
    outcomes: dict[str, int] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if "neo4j" in getattr(report, "nodeid", "").lower() and report.when in ("call", "setup"):
                if outcome != "passed" or report.when == "call":
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
    if info or outcomes:
        counts = ", ".join(f"{n} {o}" for o, n in outcomes.items()) or "none collected"
        terminalreporter.write_line(f"Neo4j tests: {counts}; server: {info or 'never started'}")


@pytest.fixture(scope="session")
def neo4j_store(neo4j: Neo4jHandle) -> Iterator[Neo4jStore]:
    store = neo4j.store()
    store.ping()
    yield store
    store.close()


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each kind."""
    if request.param == "embedded":
        s = EmbeddedStore(tmp_path / "store.json")
        yield s
        s.close()
    else:
        s = request.getfixturevalue("neo4j_store")
        s.clear()
        yield s
        s.clear()


@pytest.fixture
def store_factory(request: pytest.FixtureRequest, tmp_path: Path):
    """make(kind) -> an empty store of that kind (for tests that compare both)."""

    def make(kind: str) -> Store:
        if kind == "embedded":
            return EmbeddedStore(tmp_path / f"store-{len(list(tmp_path.iterdir()))}.json")
        s = request.getfixturevalue("neo4j_store")
        s.clear()
        return s

    return make
