"""Roles and API keys. Keys are stored only as SHA-256 hashes; they are random, so no slow hash is needed."""
from __future__ import annotations

import enum
import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer


class Role(enum.IntEnum):
    """Each role can do everything the ones below it can."""

    viewer = 1  # views and reads
    analyst = 2  # + gap queries and exports
    editor = 3  # + imports and edits
    admin = 4  # + the audit log


@dataclass(frozen=True)
class ApiKey:
    name: str
    role: Role
    digest: str  # hex SHA-256 of the key


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role


LOCAL = Principal("local", Role.admin)  # when no keys are configured (loopback only)
SESSION_COOKIE = "assurance_map_session"  # an opaque session id, set by the sign-in page; HttpOnly
CSRF_COOKIE = "assurance_map_csrf"  # the session's CSRF token, for the page's own scripts to send back
CSRF_HEADER = "X-CSRF-Token"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return "am_" + secrets.token_urlsafe(32)


def parse_keys(text: str) -> list[ApiKey]:
    keys = []
    for n, entry in enumerate(filter(None, (e.strip() for e in text.replace("\n", ",").split(","))), 1):
        parts = entry.split(":")
        if len(parts) != 3 or parts[1] not in Role.__members__ or len(parts[2]) != 64:
            raise ValueError(f"API key entry {n} must be name:role:sha256hex with role one of "
                             f"{', '.join(Role.__members__)}")
        keys.append(ApiKey(parts[0], Role[parts[1]], parts[2].lower()))
    return keys


# How a caller may authenticate, for the OpenAPI document; the guard (api.guard) does the work.
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key.")
_bearer = HTTPBearer(auto_error=False, description="An API key as a bearer token.")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False,
                       description="A session, from the sign-in page (state-changing requests also need the "
                                   f"{CSRF_HEADER} header).")


def recognise(keys: Sequence[ApiKey], presented: str) -> ApiKey | None:
    """The configured key whose hash matches, compared in constant time and against every key,
    so the time taken says nothing about how much of a hash matched, or which entry did."""
    d = digest(presented)
    found = None
    for key in keys:
        if hmac.compare_digest(key.digest, d):
            found = key
    return found


def principal(request: Request, api_key: Annotated[str | None, Depends(_header)],
              bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
              session: Annotated[str | None, Depends(_cookie)]) -> Principal:
    """The caller, as the guard authenticated them before the request was read."""
    who: Principal | None = getattr(request.state, "principal", None)
    if who is None:
        raise HTTPException(401, "an API key is needed: send it as X-API-Key or a bearer token",
                            headers={"WWW-Authenticate": "Bearer"})
    return who


@functools.cache
def require(role: Role) -> Callable[[Principal], Principal]:
    """A dependency that admits `role` and the roles above it. The guard reads `role` from the route's
    dependencies and refuses others before the request is parsed; this checks again, in depth."""

    def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if who.role < role:
            raise HTTPException(403, f"this needs the {role.name} role; {who.name} has {who.role.name}")
        return who

    check.role = role  # type: ignore[attr-defined]  # read by api.access and api.contract
    return check


def public() -> None:
    """A dependency that says a route is open to anyone (the guard reads it)."""
