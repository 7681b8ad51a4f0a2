"""A Neo4j that is down or refuses credentials gives a clear error, and never leaks the password."""
import socket

import pytest

from graphmodel import StoreUnavailable, node_from_dict
from graphmodel.store.neo4j import Neo4jStore


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_is_a_clear_error():
    store = Neo4jStore(f"bolt://127.0.0.1:{closed_port()}", "neo4j", "s3cret-password")
    for call in (store.ping, store.counts, lambda: store.upsert([node_from_dict("Risk", {"id": "R", "title": "t"})])):
        with pytest.raises(StoreUnavailable, match="unreachable") as err:
            call()
        assert "s3cret-password" not in str(err.value)
    assert "s3cret-password" not in repr(store)
    store.close()


def test_wrong_password_is_a_clear_error(neo4j):
    store = Neo4jStore(neo4j.uri, neo4j.user, "not-the-password")
    with pytest.raises(StoreUnavailable, match="refused the credentials") as err:
        store.ping()
    assert "not-the-password" not in str(err.value)
    store.close()
