"""Roles that agree: what each role may do, as decided (a panel member, the viewer, sees everything
read-only about the map and its gaps; analysts add exports, what-if and policies of their own;
editors add imports and edits; admins add the audit log and deleting snapshots), checked for every route the app serves,
by what each route declares and by calling it with each role. Pages and API tell a viewer the same."""
from __future__ import annotations

import re

from api.auth import Role

from .helpers import ROLES, as_role
from .routes import api_routes

PUBLIC = {"/health", "/login", "/logout", "/", "/docs", "/redoc", "/docs/assets/{name}", "/views/assets/{name}"}
ANALYST_WRITES = {("POST", "/gaps"), ("POST", "/gaps/what-if")}  # read-only, but with the analyst's own inputs


def decided(method: str, path: str) -> Role | None:
    """The least role for a route under the decision above."""
    if path in PUBLIC:
        return None
    if path.startswith("/audit") or (method == "DELETE" and path.startswith("/snapshots/")):
        return Role.admin  # the audit log, and the panel's record of a meeting
    if (method, path) in ANALYST_WRITES or path.startswith("/exports/"):
        return Role.analyst
    if method in ("POST", "PUT", "PATCH", "DELETE") or path == "/import":  # the import page is for editors
        return Role.editor
    return Role.viewer


def test_every_route_declares_the_decided_role(app):
    wrong = [(m, e.path, e.access.role, decided(m, e.path)) for m, _, e in api_routes(app)
             if e.access.role != decided(m, e.path)]
    assert not wrong, wrong


def test_every_read_answers_each_role_as_decided(app, client):
    for method, url, entry in api_routes(app):
        if method != "GET" or entry.access.role is None:
            continue
        for role in ROLES:
            r = client.get(url, headers=as_role(role))
            if Role[role] >= entry.access.role:
                assert r.status_code not in (401, 403), (url, role, r.status_code)
            else:
                assert r.status_code == 403 and entry.access.role.name in r.json()["detail"], (url, role)


def test_a_viewer_sees_on_the_pages_what_the_api_gives_a_viewer(client):
    viewer = as_role("viewer")
    report = client.get("/gaps", headers=viewer).json()
    dashboard = client.get("/dashboard", headers=viewer).text
    assert report["findings"]
    for finding in report["findings"]:
        assert finding["node_id"] in dashboard or finding["label"] in dashboard
    scores = {a["process_id"]: a["score"] for a in report["assessments"]}
    record = client.get("/views/record/P1", headers=viewer).text
    assert f"{scores['P1']:.2f}" in record
    for area in {a["area"] for a in report["assessments"]}:
        assert client.get(f"/gaps/areas/{area}", headers=viewer).status_code == 200


def test_what_if_on_a_page_needs_the_analyst_role_as_in_the_api(client):
    assert client.get("/views/record/P1", params={"withdraw": "S1"}, headers=as_role("viewer")).status_code == 403
    assert client.post("/gaps/what-if", json={"withdraw": ["S1"]}, headers=as_role("viewer")).status_code == 403
    assert client.get("/views/record/P1", params={"withdraw": "S1"}, headers=as_role("analyst")).status_code == 200
    assert client.post("/gaps/what-if", json={"withdraw": ["S1"]}, headers=as_role("analyst")).status_code == 200


def test_the_docs_say_what_each_route_needs(app, client):
    spec = client.get("/openapi.json").json()
    for method, _, entry in api_routes(app):
        op = spec["paths"].get(entry.path, {}).get(method.lower())
        if op is None or entry.access.role is None or not op.get("description"):
            continue
        said = re.findall(r"needs? the (viewer|analyst|editor|admin) role", op["description"], re.I)
        assert not said or said[0].lower() == entry.access.role.name, (method, entry.path, op["description"])
