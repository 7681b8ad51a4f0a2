"""The guard: one pure ASGI middleware in front of every route, which decides what it can before
anything reads or parses the request, in this order:

1. limits: the size of the URL and headers (414, 431), the Host the request names (400: only the
   names the server answers to, against DNS rebinding), and a declared body larger than the route
   takes (413);
2. who is calling: an API key (X-API-Key or a bearer token), or a browser session (api.sessions);
   the role the route needs (api.access) is checked now, so a request without it is answered
   401 or 403 whatever its body holds, and its body is never read;
3. cross-site requests: a browser's state-changing request must come from the server's own pages
   (Origin, else Sec-Fetch-Site, else Referer), and with a session it must carry the session's
   CSRF token; API keys, sent in headers no other site can set, need neither;
4. the body, as it arrives: counted against the route's limit (413), each pause and the whole
   bounded in time (408), its media type checked (415), and a JSON body read strictly
   (graphmodel.safeload: 400 for duplicate keys, NaN, deep nesting, unpaired surrogates) before
   the route parses it again.

Every response leaves with the same security headers (nosniff, no framing, a Content-Security-Policy,
no-store unless the route says otherwise).
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphmodel.safeload import ParseError, load_json

from .access import Access, RouteTable
from .auth import CSRF_HEADER, LOCAL, SESSION_COOKIE, ApiKey, Principal, recognise
from .headers import secure
from .problems import problem
from .sessions import Session, Sessions, csrf_matches

log = logging.getLogger("assurance_map.api")

MAX_URL = 8 * 1024  # bytes of path and query string
MAX_HEADERS = 12 * 1024  # bytes of all headers together (uvicorn refuses a request head beyond 16 KiB)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
SIGNED_IN = Access(None, None)  # a path no route has: the caller must still say who they are

@dataclass(frozen=True)
class Limits:
    hosts: frozenset[str]  # the names the server answers to (lower case, no port)
    json_bytes: int  # any body but an upload
    upload_bytes: int  # a multipart upload
    body_timeout: float  # seconds a body may pause; it must be whole within 30 times this


class Refused(HTTPException):
    """Raised from the body stream when a route is reading it: the route's error handling turns it
    into a problem detail like any other."""


@dataclass
class Caller:
    who: Principal | None
    via: str  # "key", "session", "local" (no keys configured) or "none"
    session: Session | None = None


def host_name(value: str) -> str | None:
    """The host of a Host header, lower case without port or final dot; None when it is malformed."""
    value = value.strip().lower()
    if value.startswith("["):  # an IPv6 address: [::1]:8000
        name, close, port = value[1:].partition("]")
    else:
        name, close, port = value.partition(":")
        port = close + port
        close = "]"
    if not close or (port and not (port.startswith(":") and port[1:].isdigit())):
        return None
    return name.rstrip(".") or None


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def same_origin(headers: Headers, own: str) -> bool | None:
    """Whether a browser says the request comes from a page of `own` origin: True, False, or None
    when it says nothing (not a browser, or a very old one)."""
    if (origin := headers.get("origin")) is not None:
        return origin.lower() == own
    if (site := headers.get("sec-fetch-site")) is not None:
        return site == "same-origin"
    if referer := headers.get("referer"):
        return _origin(referer) == own
    return None


class Guard:
    def __init__(self, app: ASGIApp, table: RouteTable, keys: list[ApiKey], sessions: Sessions, limits: Limits):
        self.app = app
        self.table = table
        self.keys = keys
        self.sessions = sessions
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":  # none are served
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        send = _with_security_headers(send, scope.get("scheme") == "https")
        refusal = self._screen(scope)
        if refusal is None:
            route = self.table.match(scope)
            access = route.access if route else SIGNED_IN
            headers = Headers(scope=scope)
            # A session acts only where a role is needed: signing in and out take none, so a signed-in
            # browser can sign in again (or out) without its token, from this server's pages only.
            caller = self._caller(headers, sessions=access.role is not None or access is SIGNED_IN)
            refusal = self._length(headers, access) or self._authorise(scope, headers, caller, access)
            if refusal is None:
                scope.setdefault("state", {})["principal"] = caller.who
                await self._pass(scope, receive, send, headers, caller, access)
                return
        await refusal(scope, receive, send)

    # -- 1. limits -------------------------------------------------------------------------------
    def _screen(self, scope: Scope) -> Response | None:
        if len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b"")) > MAX_URL:
            return problem(414, f"the URL is longer than {MAX_URL // 1024} KiB")
        raw = scope.get("headers", [])
        if sum(len(k) + len(v) for k, v in raw) > MAX_HEADERS:
            return problem(431, f"the request's headers come to more than {MAX_HEADERS // 1024} KiB")
        hosts = [v for k, v in raw if k == b"host"]
        name = host_name(hosts[0].decode("latin-1")) if len(hosts) == 1 else None
        if name is None or name not in self.limits.hosts:
            return problem(400, "the Host header does not name this server; if it should, add the name to "
                                "ASSURANCE_MAP_ALLOWED_HOSTS")
        if scope["method"] not in METHODS:
            allowed = self.table.allowed(scope)
            return problem(405, f"the method {scope['method'][:20]} is not served; this path takes "
                                f"{', '.join(allowed) or 'none'}", headers={"Allow": ", ".join(allowed)})
        return None

    def _length(self, headers: Headers, access: Access) -> Response | None:
        limit = self._limit(access)
        lengths = headers.getlist("content-length")
        if not lengths:
            return None
        if len(lengths) > 1 or not lengths[0].strip().isdigit():
            return problem(400, "the Content-Length header is not one whole number")
        if int(lengths[0]) > limit:
            return self._too_large(limit)
        return None

    def _limit(self, access: Access) -> int:
        return self.limits.upload_bytes if access.body == "form" else self.limits.json_bytes

    @staticmethod
    def _too_large(limit: int) -> Response:
        return problem(413, f"the request body is larger than the limit of {limit / 2**20:g} MiB")

    # -- 2. who, and may they ----------------------------------------------------------------------
    def _caller(self, headers: Headers, sessions: bool) -> Caller:
        if not self.keys:
            return Caller(LOCAL, "local")
        presented = headers.get("x-api-key")
        scheme, _, credentials = (headers.get("authorization") or "").partition(" ")
        if presented is None and scheme.lower() == "bearer":
            presented = credentials.strip()
        if presented:
            key = recognise(self.keys, presented)
            return Caller(Principal(key.name, key.role) if key else None, "key")
        cookie = _cookie(headers, SESSION_COOKIE) if sessions else None
        if cookie:
            session = self.sessions.find(cookie, self.keys)
            if session is not None:
                return Caller(session.principal, "session", session)
        return Caller(None, "none")

    def _authorise(self, scope: Scope, headers: Headers, caller: Caller, access: Access) -> Response | None:
        needed = access.role
        if caller.who is None and (needed is not None or access is SIGNED_IN):
            if scope["method"] == "GET" and "text/html" in headers.get("accept", ""):
                query = scope["query_string"].decode("latin-1")
                target = scope["path"] + (f"?{query}" if query else "")
                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            why = "the API key is not recognised" if caller.via == "key" else (
                "an API key is needed: send it as X-API-Key or a bearer token, or sign in")
            return problem(401, why, headers={"WWW-Authenticate": "Bearer"})
        if needed is not None and caller.who is not None and caller.who.role < needed:
            return problem(403, f"this needs the {needed.name} role; {caller.who.name} has {caller.who.role.name}")
        return self._cross_site(scope, headers, caller)

    # -- 3. cross-site requests ----------------------------------------------------------------------
    def _cross_site(self, scope: Scope, headers: Headers, caller: Caller) -> Response | None:
        if caller.via == "key":
            return None
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}".lower()
        verdict = same_origin(headers, own)
        method = scope["method"]
        if method in SAFE:
            # Reads: a page elsewhere may link here (a navigation), but not embed or fetch from here.
            site = headers.get("sec-fetch-site")
            if site in ("cross-site", "same-site") and headers.get("sec-fetch-mode") != "navigate":
                return problem(403, "this server's data is not served to other sites' pages")
            return None
        if verdict is False or (caller.via == "session" and verdict is None):
            return problem(403, "a state-changing request from another site's page is refused")
        return None

    # -- 4. the body ---------------------------------------------------------------------------------
    async def _pass(self, scope: Scope, receive: Receive, send: Send, headers: Headers, caller: Caller,
                    access: Access) -> None:
        has_body = bool(headers.get("transfer-encoding")) or headers.get("content-length", "0").strip() != "0"
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        needs_token = caller.via == "session" and scope["method"] not in SAFE
        limit = self._limit(access)
        stream = _Stream(receive, limit, self.limits.body_timeout)
        if has_body and access.body == "json" and not (media == "application/json" or media.endswith("+json")):
            await problem(415, "the body must be JSON (Content-Type: application/json)")(scope, receive, send)
            return
        if has_body and access.body == "form" and media not in ("multipart/form-data",
                                                               "application/x-www-form-urlencoded"):
            await problem(415, "the body must be a form (multipart/form-data or application/x-www-form-urlencoded)"
                          )(scope, receive, send)
            return
        buffered = has_body and (access.body == "json" or media == "application/x-www-form-urlencoded")
        body = b""
        if buffered:
            try:
                body = await stream.read_all()
            except Refused as exc:
                await problem(exc.status_code, str(exc.detail))(scope, receive, send)
                return
            except _Gone:
                return
        if needs_token:
            token = headers.get(CSRF_HEADER)
            if token is None and media == "application/x-www-form-urlencoded":
                token = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)).get("csrf_token")
            if caller.session is None or not csrf_matches(caller.session, token):
                await problem(403, f"the session's CSRF token is missing or wrong: send it as {CSRF_HEADER} "
                                   "(the page's scripts do)")(scope, receive, send)
                return
        if buffered and access.body == "json":
            try:
                load_json(body)
            except ParseError as exc:
                await problem(400, f"the body is not acceptable JSON: {exc}")(scope, receive, send)
                return
        await self.app(scope, stream.replay(body) if buffered else stream.receive, send)


class _Gone(Exception):
    """The client went away while sending its body."""


class _Stream:
    """A request body as it arrives, refused when it outgrows `limit` or stalls."""

    def __init__(self, receive: Receive, limit: int, timeout: float):
        self._receive = receive
        self._limit = limit
        self._timeout = timeout
        self._deadline = time.monotonic() + 30 * timeout
        self._size = 0
        self._done = False

    async def receive(self) -> Message:
        if self._done:  # the body is in: what follows is only the client going away, whenever it does
            return await self._receive()
        wait = min(self._timeout, self._deadline - time.monotonic())
        try:
            message = await asyncio.wait_for(self._receive(), max(wait, 0.001))
        except TimeoutError:
            self._done = True
            raise Refused(408, f"the request body stopped arriving (more than {self._timeout:g} s without data, "
                               f"or not whole within {30 * self._timeout:g} s)") from None
        if message["type"] == "http.request":
            self._size += len(message.get("body", b""))
            if self._size > self._limit:
                self._done = True
                raise Refused(413, f"the request body is larger than the limit of {self._limit / 2**20:g} MiB")
            self._done = not message.get("more_body", False)
        else:
            self._done = True
        return message

    async def read_all(self) -> bytes:
        chunks = []
        while True:
            message = await self.receive()
            if message["type"] != "http.request":
                raise _Gone
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks)

    def replay(self, body: bytes) -> Receive:
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await self._receive()

        return receive


def _cookie(headers: Headers, name: str) -> str | None:
    for header in headers.getlist("cookie"):
        for part in header.split(";"):
            key, _, value = part.strip().partition("=")
            if key == name and value:
                return value
    return None


def _with_security_headers(send: Send, https: bool) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            secure(MutableHeaders(scope=message), https)
        await send(message)

    return sending
