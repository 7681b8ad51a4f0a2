"""The API documentation works without the internet, describes every operation, and its
examples work on the bundled demo map."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graphmodel.store.embedded import EmbeddedStore
from loaders.bundled import demo_paths, load_demo


@pytest.fixture
def client(tmp_path):
    store = EmbeddedStore(tmp_path / "store.json")
    load_demo(store)
    with TestClient(create_app(Settings(audit_log=tmp_path / "audit.jsonl"), store)) as c:
        yield c
    store.close()


def test_docs_pages_load_everything_from_this_server(client):
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        scripts = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert scripts and all(u.startswith("/") and not u.startswith("//") for u in scripts), scripts
        assert "<script>" not in html  # nothing inline: a script-src 'self' policy holds
        for url in scripts:
            r = client.get(url)
            assert r.status_code == 200 and len(r.content) > 100, url
    assert client.get("/docs/assets/nope.js").status_code == 404


def _operations(spec):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def test_every_operation_has_a_description_and_examples(client):
    spec = client.get("/openapi.json").json()
    for path, method, op in _operations(spec):
        assert op.get("description"), (method, path)
        for p in op.get("parameters", []):
            if p["required"]:
                assert "example" in p, (method, path, p["name"])
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            assert "example" in body, (method, path)


# A delivery plan with the columns the staged-import example's mapping names (a staged import is made
# by a preview: its token cannot be an example of the demo map).
PLAN = ("Objective 1: Keep the office safe\n"
        "Ref\tAction\tTimescale\tOwner\tOfficer remarks\tR/A/G\tQuarter\n"
        "1.1\tReview building access\t30/06/2026\tHead of Estates\tStarted\tG\tQ1\n")


def _staged(client) -> str:
    r = client.post("/imports/preview", files=[("files", ("plan.txt", PLAN.encode()))])
    assert r.status_code == 200, r.text
    return r.json()["token"]


def _request(path, op):
    """The request an operation's examples make: path and query from its parameters' examples, the
    body from its request body's example (the demo map's own files for an import)."""
    query, files = {}, None
    for p in op.get("parameters", []):
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", quote(str(p["example"]), safe=""))
        elif p["in"] == "query" and "example" in p:
            query[p["name"]] = p["example"]
    content = op.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("example")
    if "multipart/form-data" in content:
        files = [("files", (f.name, f.read_bytes())) for f in demo_paths()]
    return path, query, body, files


def test_every_example_gives_its_documented_status_on_the_demo_map(tmp_path):
    """Each operation's examples, tried on a fresh demo map, give the one success status it documents."""
    spec = create_app(Settings(audit_log=tmp_path / "a.jsonl", store=str(tmp_path / "unused.json"))).openapi()
    tried = 0
    for n, (path, method, op) in enumerate(_operations(spec)):
        [status] = [int(code) for code in op["responses"] if code.startswith("2")]
        store = EmbeddedStore(tmp_path / f"store-{n}.json")
        load_demo(store)
        with TestClient(create_app(Settings(audit_log=tmp_path / f"audit-{n}.jsonl"), store)) as client:
            url, query, body, files = _request(path, op)
            if "{token}" in path:
                url = path.replace("{token}", _staged(client))
            if method == "delete" and "post" in spec["paths"][path] and "{token}" not in path:  # what the POST made
                made = _request(path, spec["paths"][path]["post"])
                assert client.post(made[0], params=made[1], json=made[2]).status_code < 300
            r = client.request(method.upper(), url, params=query, json=body, files=files)
            assert r.status_code == status, (method, url, query, body, r.status_code, r.text[:300])
        store.close()
        tried += 1
    assert tried == sum(len(ops) for ops in spec["paths"].values()) > 60


def test_the_role_a_description_names_is_the_role_the_route_declares(client):
    """Descriptions are written by hand; the roles they name must be those the guard enforces."""
    from tests.adversarial.routes import api_routes

    declared = {(m.lower(), re.sub(r":\w+}", "}", e.path)): e.access.role for m, _, e in api_routes(client.app)}
    named = 0
    for path, method, op in _operations(client.get("/openapi.json").json()):
        said = re.search(r"[Nn]eeds? the (\w+) role", op["description"])
        if said:
            named += 1
            role = declared[(method, path)]
            assert role is not None and said[1] == role.name, (method, path, said[1], role)
    assert named >= 30
