"""When Neo4j goes away the API answers 503 with a clear message, and recovers by itself when it returns."""
import time

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graphmodel.store.neo4j import Neo4jStore


def test_503_while_neo4j_is_down_then_recovery(own_neo4j_server, tmp_path):
    own_server = own_neo4j_server  # its own server, since the test stops it
    store = Neo4jStore(own_server.uri, own_server.user, own_server.password)
    app = create_app(Settings(audit_log=tmp_path / "audit.jsonl"), store)
    with TestClient(app) as client:
        assert client.post("/nodes/Risk", json={"id": "R1", "title": "Data quality"}).status_code == 201

        own_server.stop_process()
        down = client.get("/nodes/Risk/R1")
        assert down.status_code == 503 and down.headers["retry-after"]
        assert "unreachable" in down.json()["detail"] and own_server.password not in down.text
        assert client.get("/health").json()["status"] == "unavailable"
        assert client.post("/nodes/Risk", json={"id": "R2", "title": "t"}).status_code == 503

        own_server.start_process()
        deadline = time.time() + 60
        while (status := client.get("/nodes/Risk/R1").status_code) == 503 and time.time() < deadline:
            time.sleep(0.5)
        assert status == 200
        assert client.get("/health").json()["status"] == "ok"
        assert client.get("/nodes/Risk/R2").status_code == 404  # the write made while down was not half-done
    store.close()
