"""What a hostile web page can try through a browser: another site (or another port of this host)
posting with the browser's session or, with no keys configured, with nothing at all; DNS rebinding
with a foreign Host; stealing, fixing or outliving a session; framing and sniffing. Each is refused,
and the map stays as it was."""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import sessions as sessions_module
from api.app import create_app
from api.auth import CSRF_COOKIE, SESSION_COOKIE
from api.sessions import MemorySessions
from api.settings import Settings
from graphmodel.store.embedded import EmbeddedStore
from tests.serving import Running

from .helpers import HOST, KEYS, as_role, is_problem, settings, unchanged
from .routes import api_routes

OWN = {"Origin": "http://localhost"}
NEW_RISK = {"id": "R-CSRF", "title": "planted by another site"}


def _signed_in(client: TestClient, role: str = "editor") -> str:
    r = client.post("/login", data={"key": KEYS[role], "next": "/dashboard"}, headers=OWN, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client.cookies[CSRF_COOKIE]


# -- Host: DNS rebinding ------------------------------------------------------------------------------

@pytest.mark.parametrize("keys", [True, False])
def test_a_foreign_host_is_refused_on_every_route(mapped, tmp_path, keys):
    app = create_app(settings(tmp_path, keys=keys), mapped)
    with TestClient(app, base_url="http://evil.example") as evil, unchanged(mapped):
        for method, url, _ in api_routes(app):
            r = evil.request(method, url, headers=as_role("admin"))
            is_problem(r, 400, "host")


@pytest.mark.parametrize("host, ok", [("localhost", True), ("localhost:8000", True), ("LOCALHOST", True),
                                      ("localhost.", True), ("127.0.0.1:1", True), ("evil.example", False),
                                      ("localhost.evil.example", False), ("127.0.0.1.nip.io", False),
                                      ("localhost:80:80", False), ("localhost@evil", False), ("", False),
                                      ("[::1]:8000", False)])
def test_only_the_names_the_server_answers_to(client, host, ok):
    r = client.get("/health", headers={"Host": host})
    assert (r.status_code == 200) == ok, (host, r.status_code)


def test_the_default_names_are_loopback_and_the_bound_address():
    assert Settings(allowed_hosts="", host="127.0.0.1").hosts == {"localhost", "127.0.0.1", "::1"}
    assert Settings(allowed_hosts="", host="0.0.0.0").hosts == {"localhost", "127.0.0.1", "::1"}
    assert "10.1.2.3" in Settings(allowed_hosts="", host="10.1.2.3").hosts
    assert Settings(allowed_hosts="Map.Example.ORG., [::1]").hosts == {"map.example.org", "::1"}


def test_a_request_without_one_host_is_refused(mapped, tmp_path):
    with Running(create_app(settings(tmp_path), mapped)) as base:
        port = int(base.rsplit(":", 1)[1])
        for head in (b"GET /health HTTP/1.0\r\n\r\n",
                     b"GET /health HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                s.sendall(head)
                assert s.recv(4096).split(b" ", 2)[1] == b"400"


# -- cross-site requests ---------------------------------------------------------------------------------

@pytest.mark.parametrize("marker", [{"Origin": "http://evil.example"}, {"Origin": "http://localhost:9999"},
                                    {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                                    {"Sec-Fetch-Site": "same-site"}, {"Referer": "http://localhost:9999/page"},
                                    {"Origin": "https://localhost"}])
def test_with_no_keys_another_page_cannot_write(mapped, tmp_path, marker):
    with TestClient(create_app(settings(tmp_path, keys=False), mapped), base_url=HOST) as c, unchanged(mapped):
        is_problem(c.post("/nodes/Risk", json=NEW_RISK, headers=marker), 403, "another site")
        is_problem(c.post("/imports", files=[("files", ("risks.csv", b"id,title\nR-X,t\n"))], headers=marker), 403)
        is_problem(c.delete("/nodes/Process/P1", headers=marker), 403)


def test_with_no_keys_the_servers_own_pages_and_programs_can_write(mapped, tmp_path):
    with TestClient(create_app(settings(tmp_path, keys=False), mapped), base_url=HOST) as c:
        assert c.post("/nodes/Risk", json=NEW_RISK, headers=OWN).status_code == 201
        assert c.put("/nodes/Risk/R-CSRF", json=NEW_RISK, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
        assert c.delete("/nodes/Risk/R-CSRF").status_code == 204  # no browser marks: a program, not a page


def test_a_session_write_needs_its_token_and_the_servers_own_origin(client, mapped):
    token = _signed_in(client)
    with unchanged(mapped):
        is_problem(client.post("/nodes/Risk", json=NEW_RISK, headers=OWN), 403, "csrf")
        is_problem(client.post("/nodes/Risk", json=NEW_RISK, headers={**OWN, "X-CSRF-Token": "guess"}), 403, "csrf")
        for marker in ({"Origin": "http://evil.example"}, {"Origin": "http://localhost:8001"},
                       {"Sec-Fetch-Site": "same-site"}, {}):  # a session with no browser marks at all is odd too
            is_problem(client.post("/nodes/Risk", json=NEW_RISK, headers={**marker, "X-CSRF-Token": token}), 403)
        is_problem(client.post("/logout", headers={"Origin": "http://evil.example"}), 403)  # no signing out from afar
    assert client.post("/nodes/Risk", json=NEW_RISK, headers={**OWN, "X-CSRF-Token": token}).status_code == 201
    assert client.delete("/nodes/Risk/R-CSRF", headers={"Sec-Fetch-Site": "same-origin",
                                                         "X-CSRF-Token": token}).status_code == 204


def test_api_keys_need_no_token(client, mapped):
    assert client.post("/nodes/Risk", json=NEW_RISK, headers=as_role("editor")).status_code == 201


def test_other_sites_cannot_read_through_the_browser(client):
    _signed_in(client, "viewer")
    for url in ("/gaps", "/exports/graph.json", "/views/heatmap.svg", "/nodes/Process"):
        r = client.get(url, headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})
        assert r.status_code == 403, url
    page = client.get("/dashboard", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
    assert page.status_code == 200  # following a link from elsewhere is fine


def test_signing_in_from_another_site_is_refused(client):
    r = client.post("/login", data={"key": KEYS["admin"]}, headers={"Origin": "http://evil.example"})
    is_problem(r, 403)
    assert SESSION_COOKIE not in client.cookies


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:x",
                                    "/ok\r\nSet-Cookie: planted=1", "\\\\evil", ""])
def test_sign_in_sends_nobody_elsewhere(client, target):
    r = client.post("/login", data={"key": KEYS["viewer"], "next": target}, headers=OWN, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/dashboard"
    assert "planted" not in r.headers.get("set-cookie", "")


# -- sessions ------------------------------------------------------------------------------------------------

def test_the_cookie_is_an_opaque_server_side_session(client):
    client.cookies.set(SESSION_COOKIE, "chosen-by-the-attacker")
    r = client.post("/login", data={"key": KEYS["analyst"]}, headers=OWN, follow_redirects=False)
    cookies = r.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith(SESSION_COOKIE + "="))
    value = session.split(";")[0].split("=", 1)[1]
    assert value != "chosen-by-the-attacker" and len(value) >= 40
    assert all(k not in session for k in KEYS.values())  # never the key itself
    attributes = session.lower()
    assert "httponly" in attributes and "samesite=strict" in attributes and "path=/" in attributes
    assert "secure" not in attributes  # plain HTTP here; see below for TLS
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, value)
    assert client.get("/gaps").status_code == 200
    client.cookies.set(SESSION_COOKIE, "chosen-by-the-attacker")
    is_problem(client.get("/gaps"), 401)


def test_cookies_are_secure_behind_tls(mapped, tmp_path):
    direct = create_app(settings(tmp_path), mapped)
    proxied = create_app(settings(tmp_path, trusted_proxies="127.0.0.1,testclient"), mapped)
    for app, base, headers in ((direct, "https://localhost", {"Origin": "https://localhost"}),
                               (proxied, HOST, {"X-Forwarded-Proto": "https", "Origin": "https://localhost"})):
        with TestClient(app, base_url=base) as c:
            r = c.post("/login", data={"key": KEYS["viewer"]}, headers=headers, follow_redirects=False)
            assert r.status_code == 303, r.text
            assert all("secure" in v.lower() for v in r.headers.get_list("set-cookie"))
            assert "strict-transport-security" in r.headers
    untrusted = create_app(settings(tmp_path), mapped)
    with TestClient(untrusted, base_url=HOST) as c:  # the header alone, from anyone, changes nothing
        r = c.post("/login", data={"key": KEYS["viewer"]}, headers={**OWN, "X-Forwarded-Proto": "https"},
                   follow_redirects=False)
        assert r.status_code == 303 and not any("secure" in v.lower() for v in r.headers.get_list("set-cookie"))


def test_sign_out_ends_the_session_on_the_server(client):
    token = _signed_in(client)
    stolen = client.cookies[SESSION_COOKIE]
    assert "csrf_token" in client.get("/logout").text
    r = client.post("/logout", data={"csrf_token": token}, headers=OWN, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, stolen)  # replayed after sign-out
    is_problem(client.get("/gaps"), 401)


def test_sessions_end_when_idle_and_at_their_limit(client, monkeypatch):
    now = [sessions_module.time.time()]
    monkeypatch.setattr(sessions_module.time, "time", lambda: now[0])
    _signed_in(client, "viewer")
    now[0] += 29 * 60
    assert client.get("/gaps/rules").status_code == 200  # used within half an hour: still on
    now[0] += 31 * 60
    is_problem(client.get("/gaps/rules"), 401)  # idle for more than half an hour: ended
    _signed_in(client, "viewer")
    for _ in range(12 * 3):  # in use every 20 minutes, for twelve hours
        now[0] += 20 * 60
        client.get("/gaps/rules")
    is_problem(client.get("/gaps/rules"), 401)  # twelve hours after signing in: ended


def test_a_session_ends_with_its_key_and_a_shared_store_serves_several_servers(mapped, tmp_path):
    shared = MemorySessions()
    first = create_app(settings(tmp_path), mapped, sessions=shared)
    without_viewer = ",".join(e for e in settings(tmp_path).api_keys.get_secret_value().split(",")
                              if not e.startswith("viewer"))
    second = create_app(Settings(api_keys=without_viewer, allowed_hosts="localhost", upload_dir=tmp_path / "uploads"),
                        mapped, sessions=shared)
    with TestClient(first, base_url=HOST) as a, TestClient(second, base_url=HOST) as b:
        _signed_in(a, "analyst")
        b.cookies.set(SESSION_COOKIE, a.cookies[SESSION_COOKIE])
        assert b.get("/gaps/rules").status_code == 200  # another server, the same session
        _signed_in(a, "viewer")
        b.cookies.set(SESSION_COOKIE, a.cookies[SESSION_COOKIE])
        is_problem(b.get("/gaps/rules"), 401)  # its key is not configured there: the session ends


# -- headers and leaks -------------------------------------------------------------------------------

def test_every_response_carries_the_security_headers(client):
    answers = [client.get(u, headers=as_role("admin")) for u in
               ("/dashboard", "/views/map", "/gaps", "/exports/graph.graphml", "/views/heatmap.png",
                "/views/assets/viz.css", "/docs", "/openapi.json", "/nodes/Risk/NOPE", "/health")]
    answers += [client.get("/gaps"), client.get("/gaps", headers={"Host": "evil.example"}),
                client.post("/nodes/Risk", content=b"x", headers={**as_role("editor"), "Content-Type": "text/plain"})]
    for r in answers:
        h = r.headers
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY", r.url
        assert "frame-ancestors 'none'" in h["content-security-policy"], r.url
        if h.get("content-type", "").startswith("text/html"):
            scripts = next(p for p in h["content-security-policy"].split(";") if "script-src" in p)
            assert "'self'" in scripts and "unsafe-inline" not in scripts and "unsafe-eval" not in scripts
        if "/assets/" not in str(r.url):
            assert h["cache-control"] == "no-store", r.url
    assert client.get("/views/assets/viz.css").headers["cache-control"].startswith("public")


def test_health_tells_strangers_only_whether_it_is_up(client):
    body = client.get("/health").json()
    assert body == {"status": "ok"}
    known = client.get("/health", headers=as_role("viewer")).json()
    assert known["store"] in ("embedded", "neo4j") and known["counts"]["nodes"]["Process"] == 3


def test_upload_folders_and_temporary_files_left_by_a_crash_are_removed(tmp_path):
    uploads = tmp_path / "uploads"
    dead, alive = uploads / "999999999-0a1b", uploads / f"{os.getpid()}-2c3d"
    for folder in (dead, alive):
        (folder / "0").mkdir(parents=True)
        (folder / "0" / "risks.csv").write_text("id,title\n")
    store_file = tmp_path / "map.json"
    EmbeddedStore(store_file).upsert()  # a store file
    orphan = tmp_path / "map.json.abcd1234.tmp"  # as a write killed half-way leaves it
    orphan.write_text("{half a map")
    store = EmbeddedStore(store_file)
    assert not orphan.exists()
    with TestClient(create_app(settings(tmp_path), store), base_url=HOST):
        assert not dead.exists() and alive.exists()  # only the folders of servers that are gone


def test_errors_never_show_server_paths(client, tmp_path):
    leaks = [str(tmp_path), str(Path.home()), "/usr/", "site-packages", ".py\""]
    for method, url, body in (("get", "/nodes/Risk/nope", None), ("post", "/gaps", {"policy": {"x": 1}}),
                              ("post", "/imports", None), ("get", "/views/assets/..%2f..%2fapi%2fapp.py", None),
                              ("get", "/views/assets/%2e%2e/%2e%2e/etc/passwd", None),
                              ("get", "/docs/assets/../../app.py", None)):
        r = client.request(method, url, json=body, headers=as_role("admin"))
        assert r.status_code in (404, 422), (url, r.status_code)
        assert not any(leak in r.text for leak in leaks), (url, r.text[:300])
