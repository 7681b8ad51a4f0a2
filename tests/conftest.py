"""Shared fixtures: both stores, with Neo4j a real server, and headless Chromium.

When NEO4J_URI is set that server is used (credentials from NEO4J_USER / NEO4J_PASSWORD);
otherwise the session starts its own Neo4j Community server with devtools.neo4j_server
and stops it at the end. If no server can be had the run fails: it never skips.

Markers follow the fixtures: a test that uses a Neo4j fixture (or the Neo4j half of `store`)
is marked `neo4j`, one that uses `browser` is marked `browser`, so
`-m "not neo4j and not browser"` runs everything that needs neither.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from devtools.neo4j_server import Neo4jServer, start_server
from graphmodel.store import Store
from graphmodel.store.embedded import EmbeddedStore
from graphmodel.store.neo4j import Neo4jStore
from tests.browser.chromium import chromium

# Starlette's TestClient sends `Host: testserver`: let the tests' servers answer to it besides the
# loopback names (tests of the Host check give their own list).
os.environ.setdefault("ASSURANCE_MAP_ALLOWED_HOSTS", "localhost,127.0.0.1,::1,testserver")

STORES = ["embedded", "neo4j"]
NEO4J_FIXTURES = frozenset({"neo4j", "neo4j_store", "store_factory", "own_neo4j_server"})
BROWSER_FIXTURES = frozenset({"browser"})
NEO4J_INFO = pytest.StashKey[str]()
NEO4J_TESTS = pytest.StashKey[set[str]]()


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    neo4j_tests = config.stash.setdefault(NEO4J_TESTS, set())
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        params: dict[str, Any] = getattr(getattr(item, "callspec", None), "params", {})
        if fixtures & NEO4J_FIXTURES or params.get("store") == "neo4j":
            item.add_marker(pytest.mark.neo4j)
            neo4j_tests.add(item.nodeid)
        if fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)


class Neo4jHandle:
    """The session's Neo4j: the URI, credentials, and (when we started it) the process."""

    def __init__(self) -> None:
        self.server = None
        if os.environ.get("NEO4J_URI"):
            self.uri = os.environ["NEO4J_URI"]
            self.user = os.environ.get("NEO4J_USER", "neo4j")
            self.password = os.environ.get("NEO4J_PASSWORD")
        else:
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


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say which Neo4j the Neo4j half of the suite (the tests marked neo4j) ran against, and how it fared."""
    info = config.stash.get(NEO4J_INFO, None)
    marked = config.stash.get(NEO4J_TESTS, set())
    outcomes: dict[str, int] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            counted = report.when == "call" or (outcome != "passed" and report.when == "setup")
            if getattr(report, "nodeid", None) in marked and counted:
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
        emptied(s)
        yield s
        emptied(s)


def emptied(store: Store) -> Store:
    """The shared Neo4j store with no map, no snapshots and no accepted gaps (clearing the map keeps
    the panel cycle's records, so they are removed one by one)."""
    store.clear()
    for info in store.list_snapshots():
        store.delete_snapshot(info.name)
    for a in store.list_acceptances():
        store.delete_acceptance(a.rule, a.node_id)
    return store


@pytest.fixture
def store_factory(request: pytest.FixtureRequest, tmp_path: Path):
    """make(kind) -> an empty store of that kind (for tests that compare both)."""

    def make(kind: str) -> Store:
        if kind == "embedded":
            return EmbeddedStore(tmp_path / f"store-{len(list(tmp_path.iterdir()))}.json")
        return emptied(request.getfixturevalue("neo4j_store"))

    return make


@pytest.fixture
def own_neo4j_server() -> Iterator[Neo4jServer]:
    """A Neo4j server of the test's own, for tests that stop and start it."""
    server = start_server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium (see tests/browser/chromium.py)."""
    with chromium() as b:
        yield b
