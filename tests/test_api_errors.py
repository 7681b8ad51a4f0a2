"""One rule between "not found" and "invalid", on every route, found by walking the OpenAPI document.

For every parameter of every operation (the others kept at their examples, on the demo map):
- a value outside what the document states (a word not in its enum, a number out of its range,
  empty text where text is needed) is 422, and the problem says what is expected, in the document's
  own terms, never "not a valid int";
- a name of something the map does not have, where the document says the parameter names things
  in the map (a path parameter, or a query parameter the contract lists), is 404;
and an error on a read never says that nothing was written, while one on a write does.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.contract import NAMES
from api.problems import expected
from api.settings import Settings
from graphmodel.store.embedded import EmbeddedStore
from loaders.bundled import load_demo

pytestmark = pytest.mark.contract
UNKNOWN = "no-such-name"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("errors")
    store = EmbeddedStore(tmp / "store.json")
    load_demo(store)
    with TestClient(create_app(Settings(audit_log=tmp / "audit.jsonl"), store)) as c:
        yield c
    store.close()


def _value_schema(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """A parameter's schema without its null branch (and, for a list, its items')."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    branches = [b for b in schema.get("anyOf", [schema]) if b.get("type") != "null"]
    branch = branches[0]
    if "$ref" in branch:
        branch = spec["components"]["schemas"][branch["$ref"].rsplit("/", 1)[1]]
    return branch


def _invalid(schema: dict[str, Any]) -> Any:
    """A value the schema refuses, or None when it has no limit to break."""
    if "enum" in schema:
        return "Nonesuch" if isinstance(schema["enum"][0], str) else max(schema["enum"]) + 1
    if schema.get("type") == "integer" and "maximum" in schema:
        return schema["maximum"] + 1
    if schema.get("type") == "integer" and "minimum" in schema:
        return schema["minimum"] - 1
    if schema.get("type") == "string" and schema.get("minLength") == 1 and schema.get("format") is None:
        return ""
    return None


def _cases(spec: dict[str, Any]):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            params = op.get("parameters", [])
            for p in params:
                if p["in"] not in ("path", "query"):
                    continue
                schema = _value_schema(p["schema"], spec)
                if schema.get("type") == "array":
                    schema = _value_schema(schema["items"], spec)
                names = (p["in"] == "path" and method != "put" and "enum" not in schema) or (
                    p["in"] == "query" and p["name"] in NAMES and p["name"] != "page" and "404" in op["responses"])
                yield path, method, op, p, schema, names


def _call(client: TestClient, path: str, method: str, op: dict[str, Any], name: str, value: Any):
    query = {}
    for p in op.get("parameters", []):
        given = value if p["name"] == name else p.get("example")
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", quote(str(given), safe=""))
        elif p["in"] == "query" and (p["name"] == name or p.get("required")):
            query[p["name"]] = given
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("example")
    return client.request(method.upper(), path, params=query, json=body)


def test_every_parameter_follows_the_rule(client):
    spec = client.get("/openapi.json").json()
    invalid = named = 0
    for path, method, op, p, schema, names in _cases(spec):
        bad = _invalid(schema)
        if method == "get" and bad is not None and not (p["in"] == "path" and bad == ""):  # a path has no empty part
            r = _call(client, path, method, op, p["name"], bad)
            where = (method, path, p["name"], bad)
            assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json", (where, r.text)
            [problem] = r.json()["errors"]
            assert problem["loc"][:2] == [p["in"], p["name"]], (where, problem)
            assert problem["message"] == f"expected {expected(schema)}", (where, problem)
            assert "nothing was written" not in r.json()["detail"], where
            invalid += 1
        if method == "get" and names:
            r = _call(client, path, method, op, p["name"], UNKNOWN)
            assert r.status_code == 404, ((method, path, p["name"]), r.status_code, r.text)
            assert UNKNOWN in r.text, (method, path, r.text)
            named += 1
    assert invalid > 40 and named > 20, (invalid, named)


@pytest.mark.parametrize("method, url, body, status", [
    # names that match nothing, wherever they are: 404
    ("post", "/edges", {"source": "IQ-S3", "rel": "ASSURES", "target": UNKNOWN}, 404),
    ("post", "/gaps/what-if", {"withdraw": [UNKNOWN]}, 404),
    ("post", "/gaps/what-if", {"opinions": {UNKNOWN: "limited"}}, 404),
    ("post", "/gaps/what-if", {"withdraw": ["IQ-P1"]}, 404),  # an id, but not of an assurance source
    ("post", "/gaps", {"area": UNKNOWN}, 404),
    ("post", "/gaps", {"area": "People", "rules": ["G7"]}, 404),  # no area has a share of a whole-map rule
    ("get", "/gaps?area=People&rule=G8", None, 404),
    ("delete", f"/edges?source=IQ-S3&rel=MITIGATES&target={UNKNOWN}", None, 404),
    ("get", "/views/chain/IQ-R1", None, 404),  # a risk is not a process
    # what the document states, broken: 422
    ("post", "/edges", {"source": "IQ-S3", "rel": "assures", "target": "IQ-P1"}, 422),
    ("post", "/gaps", {"rules": ["G99"]}, 422),
    ("post", "/gaps", {"policy": {"line_weights": {"5": 0.1}}}, 422),
    ("post", "/gaps", {"policy": {"independent_months": "24"}}, 422),
    ("post", "/gaps", {"explain": "yes"}, 422),
    ("post", "/gaps/what-if", {"opinions": {"IQ-S3": "poor"}}, 422),
    ("post", "/nodes/Risk", {"id": "R-NEW", "title": "t", "score": 26}, 422),
    ("post", "/nodes/Risk", {"id": "R-NEW", "title": "t", "score": "5"}, 422),
    ("post", "/nodes/Risk", {"id": "R-NEW", "title": "t", "colour": "red"}, 422),
    ("post", "/nodes/Risk", {"id": "R/neighbours", "title": "t"}, 422),
    # what the map holds, contradicted: 409
    ("post", "/edges", {"source": "IQ-P1", "rel": "ASSURES", "target": "IQ-S3"}, 409),
    ("put", "/nodes/Risk/IQ-R1", {"id": "IQ-R2", "title": "t"}, 409),
    ("put", "/nodes/Risk/IQ-P1", {"id": "IQ-P1", "title": "t"}, 409),
    ("post", "/nodes/Risk", {"id": "IQ-P1", "title": "t"}, 409),
])
def test_bodies_follow_the_rule(client, method, url, body, status):
    r = client.request(method.upper(), url, json=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json" and r.json()["status"] == status
    reads = url.startswith("/gaps") or method == "get"
    assert ("nothing was written" in r.json()["detail"]) == (status == 422 and not reads), r.json()["detail"]


def test_malformed_bodies_and_media_types(client):
    r = client.post("/edges", content=b'{"source": "IQ-S3",', headers={"content-type": "application/json"})
    assert r.status_code == 400 and "not valid JSON" in r.json()["detail"]
    r = client.post("/edges", content=b"source=IQ-S3", headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415 and "application/json" in r.json()["detail"]
    r = client.put("/nodes/Risk/IQ-R1/neighbours", json={})
    assert r.status_code == 405 and r.headers["allow"] == "GET"
    r = client.request("PATCH", "/gaps")
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST"
    assert r.headers["api-version"] == client.get("/openapi.json").json()["info"]["version"]
