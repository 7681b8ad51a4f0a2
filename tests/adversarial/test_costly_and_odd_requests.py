"""Costly answers within a budget and kept while the map is the same; and the odd requests an
attacker sends to see what gives: oversized URLs and headers, other verbs, method overrides, bodies
of the wrong type, header injection, paths that climb out of their folder."""
from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.costly import Busy, Costly
from graphmodel.store.embedded import EmbeddedStore

from .helpers import HOST, as_role, is_problem, settings, unchanged

ANALYST = as_role("analyst")
EXPORTS = ("/exports/graph.json", "/exports/graph.graphml", "/exports/findings.csv", "/exports/findings.xlsx")


def test_exports_of_a_map_beyond_the_budget_are_refused(mapped, tmp_path):
    with TestClient(create_app(settings(tmp_path, max_export_items=5), mapped), base_url=HOST) as c:
        for url in EXPORTS:
            is_problem(c.get(url, headers=ANALYST), 422, "ASSURANCE_MAP_MAX_EXPORT_ITEMS")


def test_the_heat_map_image_of_a_large_selection_needs_a_page(mapped, tmp_path, monkeypatch):
    from viz import heatmap

    monkeypatch.setattr(heatmap, "HEAT_ROWS", 2)  # the small map then counts as large
    with TestClient(create_app(settings(tmp_path), mapped), base_url=HOST) as c:
        for fmt in ("png", "svg"):
            is_problem(c.get(f"/views/heatmap.{fmt}", headers=as_role("viewer")), 422)
            assert c.get(f"/views/heatmap.{fmt}", params={"page": 1}, headers=as_role("viewer")).status_code == 200


def test_exports_are_kept_while_the_map_is_the_same(client, mapped, monkeypatch):
    made = []
    export = mapped.export

    def counted(*args, **kwargs):
        made.append(1)
        return export(*args, **kwargs)

    monkeypatch.setattr(mapped, "export", counted)
    first = client.get("/exports/graph.json", headers=ANALYST).content
    again = client.get("/exports/graph.json", headers=ANALYST).content
    assert first == again and len(made) == 1
    client.post("/nodes/Risk", json={"id": "R-NEW", "title": "t"}, headers=as_role("editor"))
    assert b"R-NEW" in client.get("/exports/graph.json", headers=ANALYST).content and len(made) == 2


def test_a_burst_of_costly_requests_waits_its_turn_then_is_told_to_come_back(tmp_path):
    costly = Costly(max_items=10, slots=1, wait=0.2)
    inside, release = threading.Event(), threading.Event()
    store = EmbeddedStore(tmp_path / "map.json")

    def slow() -> bytes:
        inside.set()
        release.wait(30)
        return b"done"

    t = threading.Thread(target=lambda: costly.body(store, "k", slow, "text/plain"))
    t.start()
    assert inside.wait(30)
    with pytest.raises(Busy):
        costly.body(store, "k2", lambda: b"x", "text/plain")
    release.set()
    t.join(30)
    assert costly.body(store, "k2", lambda: b"x", "text/plain").data == b"x"


# -- odd requests --------------------------------------------------------------------------------------

def test_urls_and_headers_beyond_reason_are_refused(client):
    is_problem(client.get("/gaps", params={"area": "x" * 10_000}, headers=ANALYST), 414)
    is_problem(client.get("/gaps", headers={**ANALYST, "X-Padding": "x" * 13_000}), 431)
    is_problem(client.get("/gaps", headers={**ANALYST, **{f"X-H{i}": "y" * 100 for i in range(200)}}), 431)
    is_problem(client.get("/nodes/Risk/" + "R" * 9_000, headers=ANALYST), 414)


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "DEBUG", "FOO"])
def test_other_verbs_are_refused(client, method):
    is_problem(client.request(method, "/gaps", headers=ANALYST), 405)


def test_method_overrides_are_not_honoured(client, mapped):
    with unchanged(mapped):
        for header in ("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"):
            r = client.get("/nodes/Process/P1", headers={**as_role("editor"), header: "DELETE"})
            assert r.status_code == 200
        r = client.post("/nodes/Process/P1?_method=DELETE", json={}, headers=as_role("editor"))
        assert r.status_code == 405


@pytest.mark.parametrize("media", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                   "application/xml", "application/json-seq", ""])
def test_a_body_of_another_type_is_refused(client, mapped, media):
    with unchanged(mapped):
        headers = {**as_role("editor"), "Content-Type": media} if media else as_role("editor")
        r = client.post("/nodes/Risk", content=b'{"id": "R-T", "title": "t"}', headers=headers)
        is_problem(r, 415, "json")
        r = client.post("/imports", content=b'{"id": "R-T"}', headers={**as_role("editor"),
                                                                       "Content-Type": "application/json"})
        is_problem(r, 415, "form")


def test_header_injection_goes_nowhere(client):
    r = client.get("/login", params={"next": "/x\r\nSet-Cookie: planted=1"}, follow_redirects=False)
    assert "planted" not in r.headers.get("set-cookie", "") and r.status_code == 200
    r = client.get("/dashboard%0D%0AX-Injected:%201", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and "x-injected" not in r.headers and "\r" not in r.headers["location"]


@pytest.mark.parametrize("path", ["/views/assets/../../api/app.py", "/views/assets/..%2F..%2Fapi%2Fapp.py",
                                  "/views/assets/%2e%2e%2f%2e%2e%2fpyproject.toml", "/views/assets/viz.css%00.js",
                                  "/docs/assets/..%2f..%2fsettings.py", "/views/assets/.", "/views/assets/"])
def test_assets_never_climb_out_of_their_folder(client, path):
    r = client.get(path, headers=ANALYST)
    assert r.status_code in (401, 404, 422) and "import" not in r.text and "[project]" not in r.text


def test_duplicate_parameters_and_odd_encodings_are_not_a_server_error(client, mapped):
    with unchanged(mapped):
        for url in ("/gaps?as_of=2024-01-01&as_of=1900-01-01", "/gaps?rule=G1&rule=G1&rule=g1",
                    "/gaps?area=%FF%FE", "/gaps?%00=1", "/nodes/Risk?limit=99999999999999999999",
                    "/nodes/Risk?offset=-1", "/nodes/Risk?score=NaN", "/nodes/Risk?score=1e400",
                    "/gaps/nodes/%00", "/views/node/P1?depth=99999999", "/gaps?explain=maybe"):
            r = client.get(url, headers=ANALYST)
            assert r.status_code < 500, (url, r.status_code, r.text[:200])
            if r.status_code >= 400:
                is_problem(r, r.status_code)
