"""Roles and API keys. Keys are stored only as SHA-256 hashes; they are random, so no slow hash is needed."""
from __future__ import annotations

import enum
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
COOKIE = "assurance_map_key"


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


_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key.")
_bearer = HTTPBearer(auto_error=False, description="An API key as a bearer token.")
_cookie = APIKeyCookie(name=COOKIE, auto_error=False, description="Set by the sign-in page.")


def recognise(keys: Sequence[ApiKey], presented: str) -> ApiKey | None:
    """The configured key whose hash matches, compared in constant time and against every key,
    so the time taken says nothing about how much of a hash matched, or which entry did."""
    d = digest(presented)
    found = None
    for key in keys:
        if hmac.compare_digest(key.digest, d):
            found = key
    return found


def principal(request: Request, header: Annotated[str | None, Depends(_header)],
              bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
              cookie: Annotated[str | None, Depends(_cookie)]) -> Principal:
    keys: list[ApiKey] = request.app.state.keys
    if not keys:
        return LOCAL
    presented = header or (bearer.credentials if bearer else None) or cookie
    if not presented:
        raise HTTPException(401, "an API key is needed: send it as X-API-Key or a bearer token",
                            headers={"WWW-Authenticate": "Bearer"})
    key = recognise(keys, presented)
    if key is None:
        raise HTTPException(401, "the API key is not recognised", headers={"WWW-Authenticate": "Bearer"})
    return Principal(key.name, key.role)


def require(role: Role) -> Callable[[Principal], Principal]:
    """A dependency that admits `role` and the roles above it."""

    def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if who.role < role:
            raise HTTPException(403, f"this needs the {role.name} role; {who.name} has {who.role.name}")
        return who

    return check
