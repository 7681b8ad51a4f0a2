"""A Neo4j that freezes (SIGSTOP on a server this test starts for itself: its connections stay open
but nothing answers) costs a request seconds, not minutes: 503, and after the server resumes nothing
from the request given up on has committed. The server's own transaction timeout backs this up."""
from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from graphmodel import StoreUnavailable, node_from_dict
from graphmodel.store.neo4j import Neo4jStore

from .helpers import HOST, as_role, is_problem, settings

TIMEOUT = 3.0  # seconds: small, so the test is quick; the default is 30


def _within(seconds: float, call):
    """Call, or fail the test if it has not returned by then (a liveness bound, not a timing claim)."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = call()
        except BaseException as exc:  # handed to the test
            result["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"still waiting after {seconds} s"
    if "error" in result:
        raise result["error"]
    return result["value"]


def _open_transactions(store: Neo4jStore) -> list[str]:
    rows = store.read("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery")
    return [r["currentQuery"] for r in rows if "SHOW TRANSACTIONS" not in (r["currentQuery"] or "")]


def test_a_frozen_neo4j_gives_503_in_seconds_and_nothing_commits_after(own_neo4j_server, tmp_path):
    server = own_neo4j_server
    with Neo4jStore(server.uri, server.user, server.password) as setup:  # a new server's first write is slow
        setup.upsert([node_from_dict("Risk", {"id": "R-BEFORE", "title": "written before the freeze"})])
        version = setup.version()
    store = Neo4jStore(server.uri, server.user, server.password, timeout=TIMEOUT)
    store.ping()
    with TestClient(create_app(settings(tmp_path), store), base_url=HOST) as client:
        os.kill(server.process.pid, signal.SIGSTOP)
        try:
            write = _within(120, lambda: client.post("/nodes/Risk", json={"id": "R-FROZEN", "title": "t"},
                                                     headers=as_role("editor")))
            is_problem(write, 503, "did not answer")
            read = _within(120, lambda: client.get("/nodes/Risk/R-BEFORE", headers=as_role("viewer")))
            is_problem(read, 503)
            fresh = Neo4jStore(server.uri, server.user, server.password, timeout=TIMEOUT)  # new connections too
            try:
                _within(120, lambda: _raises(StoreUnavailable, fresh.ping))
            finally:
                fresh.close()
        finally:
            os.kill(server.process.pid, signal.SIGCONT)
        watcher = Neo4jStore(server.uri, server.user, server.password, timeout=30)
        for _ in range(240):  # until the abandoned transaction has ended (bounded: two minutes)
            try:
                if not _open_transactions(watcher):
                    break
            except StoreUnavailable:
                pass
            time.sleep(0.5)
        assert not _open_transactions(watcher)
        assert watcher.get_node("R-FROZEN") is None and watcher.version() == version  # nothing committed
        assert all(e.what.get("id") != "R-FROZEN" for e in watcher.audit(0, 10, newest_first=True))
        watcher.close()
        after = client.post("/nodes/Risk", json={"id": "R-AFTER", "title": "t"}, headers=as_role("editor"))
        assert after.status_code == 201  # and the service carries on by itself
    store.close()


def test_the_server_ends_a_transaction_at_its_time_limit(neo4j):
    """The timeout travels to the server with every transaction: a query that would run for hours is
    stopped there soon after the client gave up on it."""
    store = Neo4jStore(neo4j.uri, neo4j.user, neo4j.password, timeout=1.0)
    watcher = neo4j.store()
    endless = "UNWIND range(1, 1000000000000) AS i WITH i WHERE i % 7 = 99 RETURN count(i) AS n"
    try:
        _within(120, lambda: _raises(StoreUnavailable, lambda: store.read(endless)))
        for _ in range(120):  # bounded: a minute
            if not _running(watcher, "range(1, 1000000000000)"):
                break
            time.sleep(0.5)
        assert not _running(watcher, "range(1, 1000000000000)")
    finally:
        for row in watcher.read("SHOW TRANSACTIONS YIELD transactionId, currentQuery "
                                "WHERE currentQuery CONTAINS 'range(1, 1000000000000)' RETURN transactionId AS id"):
            watcher.read("TERMINATE TRANSACTIONS $id", id=row["id"])  # should the test fail, leave no query behind
        store.close()
        watcher.close()


def _running(store: Neo4jStore, text: str) -> bool:
    return any(text in (q or "") for q in _open_transactions(store))


def _raises(kind: type[BaseException], call) -> None:
    try:
        call()
    except kind:
        return
    raise AssertionError(f"{call} did not raise {kind.__name__}")
