"""Roles and API keys. Keys are stored only as SHA-256 hashes; they are random, so no slow hash is needed."""
from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass

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


def principal(request: Request, header: str | None = Depends(_header),
              bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
              cookie: str | None = Depends(_cookie)) -> Principal:
    keys: list[ApiKey] = request.app.state.keys
    if not keys:
        return LOCAL
    presented = header or (bearer.credentials if bearer else None) or cookie
    if not presented:
        raise HTTPException(401, "an API key is needed: send it as X-API-Key or a bearer token",
                            headers={"WWW-Authenticate": "Bearer"})
    d = digest(presented)
    for key in keys:
        if hmac.compare_digest(key.digest, d):
            return Principal(key.name, key.role)
    raise HTTPException(401, "the API key is not recognised", headers={"WWW-Authenticate": "Bearer"})


def require(role: Role):
    """A dependency that admits `role` and the roles above it."""

    def check(who: Principal = Depends(principal)) -> Principal:
        if who.role < role:
            raise HTTPException(403, f"this needs the {role.name} role; {who.name} has {who.role.name}")
        return who

    return check
