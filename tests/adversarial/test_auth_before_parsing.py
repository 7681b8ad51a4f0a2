"""Limits before authentication, authentication before parsing, on every route the app serves: a
request without a key, or with too small a role, is answered 401 or 403 whatever its body holds
(malformed, huge, of the wrong type), and its body is never read; a body beyond the limit is
refused by its declared length before anyone is asked who they are."""
from __future__ import annotations

import socket

import pytest

from api.app import create_app
from api.auth import Role
from tests.serving import Running

from .helpers import ROLES, as_role, is_problem, settings, unchanged
from .routes import UNSAFE, api_routes, least_role

BODIES = {
    "malformed JSON": (b'{"id": "P9", "name": ', "application/json"),
    "not JSON at all": (b"\x00\xff" * 1000, "application/json"),
    "deeply nested": (b"[" * 50_000 + b"]" * 50_000, "application/json"),
    "near the limit": (b'{"id": "' + b"x" * 900_000 + b'"}', "application/json"),
    "a form instead": (b"id=P9&name=x", "application/x-www-form-urlencoded"),
    "an XML bomb": (b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaa">]><a>&a;</a>', "application/xml"),
}


def _write_routes(app):
    return [(m, url, r) for m, url, r in api_routes(app) if m in UNSAFE]


def test_there_are_write_routes_to_attack(app):
    found = {(m, e.path) for m, _, e in _write_routes(app)}
    assert {("POST", "/imports"), ("POST", "/edges"), ("PUT", "/nodes/Process/{node_id:node_id}"),
            ("POST", "/gaps/what-if")} <= found and len(found) >= 20


@pytest.mark.parametrize("body", BODIES)
def test_every_write_route_answers_401_or_403_before_reading_the_body(app, client, mapped, body):
    data, media = BODIES[body]
    with unchanged(mapped):
        for method, url, route in _write_routes(app):
            needed = least_role(route)
            if needed is None:  # open to all (signing in and out)
                continue
            response = client.request(method, url, content=data, headers={"Content-Type": media})
            is_problem(response, 401, "api key")
            below = [r for r in ROLES if Role[r] < needed]
            for role in below:
                response = client.request(method, url, content=data, headers={"Content-Type": media, **as_role(role)})
                is_problem(response, 403, needed.name)
            wrong = client.request(method, url, content=data, headers={"Content-Type": media,
                                                                        "X-API-Key": "not-a-key"})
            is_problem(wrong, 401, "not recognised")


def test_a_declared_length_beyond_the_limit_is_refused_before_anything_else(client, mapped):
    with unchanged(mapped):
        for headers in ({}, as_role("viewer"), as_role("admin")):
            r = client.post("/nodes/Risk", content=b"{}", headers={**headers, "Content-Type": "application/json",
                                                                   "Content-Length": str(10 ** 12)})
            is_problem(r, 413, "limit")
            r = client.post("/imports", content=b"", headers={**headers, "Content-Length": str(1 << 40),
                                                               "Content-Type": "multipart/form-data; boundary=x"})
            is_problem(r, 413, "limit")


def test_a_length_that_is_not_a_number_is_refused(client):
    for value in ("-1", "1e9", "0x10", "12, 12"):
        r = client.post("/nodes/Risk", content=b"{}", headers={**as_role("admin"), "Content-Type": "application/json",
                                                               "Content-Length": value})
        assert r.status_code in (400, 413), (value, r.status_code)


def test_unknown_paths_need_a_key_too(client):
    is_problem(client.get("/no/such/thing"), 401)
    assert client.get("/no/such/thing", headers=as_role("viewer")).status_code == 404
    is_problem(client.request("PATCH", "/nodes/Risk/R1", json={}), 401)
    assert client.request("PATCH", "/nodes/Risk/R1", json={}, headers=as_role("admin")).status_code == 405


# -- over real sockets: the body is never read ------------------------------------------------------

def _exchange(port: int, head: str, body: bytes = b"", wait: float = 30) -> bytes:
    """Send a request head (and the start of a body), then read the whole answer without sending any
    more: an answer proves the server did not wait for the rest."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(head.encode("latin-1") + body)
        return _answer(s)


def _recv(s: socket.socket) -> bytes:
    try:
        return s.recv(65536)
    except ConnectionResetError:  # the server answered, then closed on a client still sending
        return b""


def _answer(s: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = _recv(s)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(rest) < length:
        chunk = _recv(s)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


@pytest.fixture
def served(mapped, tmp_path):
    with Running(create_app(settings(tmp_path, body_timeout=0.5), mapped)) as base:
        yield int(base.rsplit(":", 1)[1])


def test_a_gigabyte_upload_without_a_key_is_refused_unread(served, mapped):
    head = ("POST /imports HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\n\r\n")
    first = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"  # 64 KiB of the gigabyte the client says is coming
    with unchanged(mapped):
        assert _status(_exchange(served, head, first)) == 401
        viewer = head.replace("Host: localhost\r\n", "Host: localhost\r\nX-API-Key: adversarial-key-for-viewer\r\n")
        assert _status(_exchange(served, viewer, first)) == 403
        editor = head.replace("Host: localhost\r\n", "Host: localhost\r\nX-API-Key: adversarial-key-for-editor\r\n")
        sized = editor.replace("Transfer-Encoding: chunked", f"Content-Length: {1 << 30}")
        assert _status(_exchange(served, sized, b"x" * 1000)) == 413


def test_a_chunked_body_is_cut_off_at_the_limit(served, mapped):
    head = ("POST /nodes/Risk HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
            "X-API-Key: adversarial-key-for-editor\r\nContent-Type: application/json\r\n\r\n")
    chunk = b"100000\r\n" + b" " * 0x100000 + b"\r\n"  # 1 MiB a chunk: the second passes the limit
    with unchanged(mapped):
        with socket.create_connection(("127.0.0.1", served), timeout=30) as s:
            s.sendall(head.encode() + chunk)
            try:
                for _ in range(8):  # bounded: the server answers long before 8 MiB
                    s.sendall(chunk)
            except OSError:
                pass  # the server answered and closed the connection: what we want
            answer = _answer(s)
        assert _status(answer) == 413 and b"limit" in answer


def test_a_body_that_stops_arriving_is_refused(served, mapped):
    head = ("POST /nodes/Risk HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n"
            "X-API-Key: adversarial-key-for-editor\r\nContent-Type: application/json\r\n\r\n")
    with unchanged(mapped):
        answer = _exchange(served, head, b'{"id": "R-SLOW", ')  # and then nothing, as a slow-loris does
        assert _status(answer) == 408 and b"stopped arriving" in answer


def test_an_upload_that_stops_arriving_is_refused(served, mapped):
    head = ("POST /imports HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n"
            "X-API-Key: adversarial-key-for-editor\r\nContent-Type: multipart/form-data; boundary=b\r\n\r\n")
    with unchanged(mapped):
        answer = _exchange(served, head, b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.csv"\r\n')
        assert _status(answer) == 408
