"""The HTTP API on both stores: resources, errors as problem details, roles and the audit log."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import digest
from api.settings import Settings
from tests.test_store_conformance import small_map

KEYS = {role: f"key-for-{role}" for role in ("viewer", "analyst", "editor", "admin")}


def settings(tmp_path, keys: bool = False) -> Settings:
    entries = ",".join(f"{r}-user:{r}:{digest(k)}" for r, k in KEYS.items()) if keys else ""
    return Settings(audit_log=tmp_path / "audit.jsonl", api_keys=entries)


@pytest.fixture
def client(store, tmp_path):
    small_map(store)
    with TestClient(create_app(settings(tmp_path), store)) as c:
        yield c


@pytest.fixture
def keyed(store, tmp_path):
    small_map(store)
    with TestClient(create_app(settings(tmp_path, keys=True), store)) as c:
        yield c


def as_role(role: str) -> dict[str, str]:
    return {"X-API-Key": KEYS[role]}


def test_health_reports_the_store(client, store):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["store"] == store.backend
    assert body["counts"]["nodes"]["Process"] == 3


def test_node_lifecycle(client):
    new = {"id": "P-LEAVERS", "name": "Leaver management", "area": "People", "criticality": "high"}
    # The API takes a closed vocabulary's words as its OpenAPI document spells them (the import format
    # is the lenient door, for registers people write).
    refused = client.post("/nodes/Process", json={**new, "criticality": "High"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["message"] == "expected one of low, medium, high"
    created = client.post("/nodes/Process", json=new)
    assert created.status_code == 201 and created.json()["criticality"] == "high"
    assert client.post("/nodes/Process", json=new).status_code == 409
    assert client.get("/nodes/Process/P-LEAVERS").json()["name"] == "Leaver management"
    replaced = client.put("/nodes/Process/P-LEAVERS", json={**new, "name": "Leavers"})
    assert replaced.status_code == 200 and replaced.json()["name"] == "Leavers"
    assert client.delete("/nodes/Process/P-LEAVERS").status_code == 204
    assert client.get("/nodes/Process/P-LEAVERS").status_code == 404


def test_list_filters_and_pages(client):
    page = client.get("/nodes/Process", params={"area": "People", "limit": 1}).json()
    assert page["total"] == 2 and [n["id"] for n in page["items"]] == ["P1"]
    assert [n["id"] for n in client.get("/nodes/AssuranceSource", params={"line": 3}).json()["items"]] == ["S1"]
    bad = client.get("/nodes/Process", params={"colour": "red"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


def test_neighbours_and_edges(client):
    nbs = client.get("/nodes/Process/P1/neighbours", params={"direction": "in"}).json()
    assert {n["node"]["id"] for n in nbs} == {"S1", "S2"} and all(n["direction"] == "in" for n in nbs)
    assert client.post("/edges", json={"source": "S1", "rel": "ASSURES", "target": "P3"}).status_code == 201
    assert len(client.get("/edges", params={"rel": "ASSURES"}).json()) == 4
    assert client.delete("/edges", params={"source": "S1", "rel": "ASSURES", "target": "P3"}).status_code == 204
    assert client.delete("/edges", params={"source": "S1", "rel": "ASSURES", "target": "P3"}).status_code == 404


def test_ids_with_slashes_and_odd_characters(client):
    odd = "R5/A2 <b>&'\"?#"
    assert client.post("/nodes/Risk", json={"id": odd, "title": "odd"}).status_code == 201
    from urllib.parse import quote

    assert client.get(f"/nodes/Risk/{quote(odd, safe='')}").json()["id"] == odd


@pytest.mark.parametrize("request_args, status, where", [
    (("post", "/nodes/AssuranceSource", {"id": "S9", "name": "x", "line": 7}), 422, ["body", "line"]),
    (("post", "/nodes/Process", {"id": "P9", "name": "x"}), 422, ["body", "area"]),
    (("post", "/nodes/Process", {"id": "P9", "name": "x", "area": "y", "colour": 1}), 422, ["body", "colour"]),
    (("post", "/edges", {"source": "P1", "rel": "ASSURES", "target": "S1"}), 409, None),
    (("post", "/edges", {"source": "S1", "rel": "ASSURES", "target": "nope"}), 404, ["edge", "nope"]),
    (("post", "/edges", {"source": "S1", "rel": "assures", "target": "P1"}), 422, ["body", "rel"]),
    (("put", "/nodes/Process/P1", {"id": "P2", "name": "x", "area": "y"}), 409, None),
    (("put", "/nodes/Risk/P1", {"id": "P1", "title": "x"}), 409, None),
    (("get", "/nodes/Risk/P1", None), 404, None),
    (("get", "/nodes/Widget", None), 404, None),
])
def test_errors_are_problem_details_with_locations(client, store, request_args, status, where):
    from tests.test_store_conformance import snapshot

    before = snapshot(store)
    method, url, body = request_args
    response = client.request(method, url, json=body)
    assert response.status_code == status
    problem = response.json()
    assert problem["status"] == status and problem["detail"]
    if where:
        assert where in [e["loc"] for e in problem["errors"]]
    assert snapshot(store) == before


def test_writes_are_audited(client):
    client.post("/nodes/Risk", json={"id": "R2", "title": "New risk"})
    client.delete("/nodes/Risk/R2")
    log = client.get("/audit", params={"newest_first": True, "limit": 2}).json()
    assert [(e["who"], e["action"], e["what"]["id"]) for e in log] == [
        ("local", "delete node", "R2"), ("local", "create node", "R2")]


# -- roles ---------------------------------------------------------------------------------------

def test_no_credentials_is_401(keyed):
    r = keyed.get("/nodes/Process")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert keyed.get("/nodes/Process", headers={"X-API-Key": "wrong"}).status_code == 401
    assert keyed.get("/health").status_code == 200  # monitoring needs no key


def test_bearer_tokens_work(keyed):
    r = keyed.get("/nodes/Process", headers={"Authorization": f"Bearer {KEYS['viewer']}"})
    assert r.status_code == 200


ROLE_CHECKS = [  # (method, url, body, least role)
    ("get", "/nodes/Process", None, "viewer"),
    ("get", "/nodes/Process/P1/neighbours", None, "viewer"),
    ("get", "/edges", None, "viewer"),
    ("post", "/nodes/Risk", {"id": "R7", "title": "t"}, "editor"),
    ("put", "/nodes/Risk/R1", {"id": "R1", "title": "t"}, "editor"),
    ("post", "/edges", {"source": "S2", "rel": "ASSURES", "target": "P3"}, "editor"),
    ("delete", "/nodes/Process/P3", None, "editor"),
    ("get", "/audit", None, "admin"),
]
ORDER = ["viewer", "analyst", "editor", "admin"]


@pytest.mark.parametrize("method, url, body, least", ROLE_CHECKS, ids=[f"{m} {u}" for m, u, _, _ in ROLE_CHECKS])
def test_role_boundaries(keyed, method, url, body, least):
    for role in ORDER:
        r = keyed.request(method, url, json=body, headers=as_role(role))
        allowed = ORDER.index(role) >= ORDER.index(least)
        if allowed:  # a repeat may meet 404/409 from the role before it, never 401/403
            assert r.status_code not in (401, 403), (role, r.status_code, r.text)
        else:
            assert r.status_code == 403 and least in r.json()["detail"], (role, r.status_code, r.text)


def test_audit_names_the_key_holder(keyed):
    keyed.post("/nodes/Risk", json={"id": "R8", "title": "t"}, headers=as_role("editor"))
    latest = keyed.get("/audit", params={"newest_first": True, "limit": 1}, headers=as_role("admin")).json()
    assert [(e["who"], e["action"], e["what"]["id"]) for e in latest] == [("editor-user", "create node", "R8")]


def test_refuses_to_bind_beyond_loopback_without_keys(tmp_path):
    with pytest.raises(SystemExit, match="without API keys"):
        Settings(host="0.0.0.0", audit_log=tmp_path / "a").check_binding()
    Settings(host="0.0.0.0", audit_log=tmp_path / "a", api_keys=f"a:admin:{digest('k')}").check_binding()
    Settings(host="127.0.0.1", audit_log=tmp_path / "a").check_binding()


def test_malformed_key_list_stops_the_start(tmp_path):
    with pytest.raises(ValueError, match="name:role:sha256hex"):
        create_app(Settings(audit_log=tmp_path / "a", api_keys="alice:superuser:abc"))


def test_openapi_schema_is_complete(client):
    spec = client.get("/openapi.json").json()
    for kind in ("Commitment", "Risk", "Action", "Process", "AssuranceSource", "Meeting"):
        assert f"/nodes/{kind}" in spec["paths"] and f"{kind}Out" in spec["components"]["schemas"]
    assert "example" in str(spec["paths"]["/edges"]["post"])


def test_keys_are_recognised_by_hash_in_constant_time(monkeypatch):
    """Every configured key is compared, each with hmac.compare_digest, whichever matches."""
    import hmac

    from api import auth

    keys = auth.parse_keys(",".join(f"{r}-user:{r}:{digest(k)}" for r, k in KEYS.items()))
    compared: list[tuple[str, str]] = []
    original = hmac.compare_digest

    def compare(a: str, b: str) -> bool:
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", compare)
    found = auth.recognise(keys, KEYS["viewer"])
    assert found is not None and found.name == "viewer-user"
    assert len(compared) == len(keys)  # no early return once the viewer's key matched
    assert auth.recognise(keys, "not-a-key") is None
