"""Browser sessions: the sign-in page trades an API key for an opaque, random session id in an
HttpOnly cookie; the session itself (who, which role, its CSRF token, when it began and was last
used) is kept on the server, and ends on sign-out, after an idle spell, or at an absolute limit.

Records are kept behind `SessionStore`. The default keeps them in this process (they end when it
stops, which signs everyone out); when the API runs on several machines, pass `create_app` a store
they share (a database table, Redis) with the same four methods. Stores see only a hash of each
session id, so what they hold cannot be replayed as a cookie.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from .auth import ApiKey, Principal, Role


@dataclass(frozen=True)
class Session:
    name: str  # the key holder
    role: Role
    key_digest: str  # the key signed in with: when it is no longer configured, the session ends
    csrf: str  # sent back by the page's scripts and forms with every state-changing request
    started: float  # time.time()
    seen: float

    @property
    def principal(self) -> Principal:
        return Principal(self.name, self.role)


class SessionStore(Protocol):
    """Where session records live, keyed by a hash of the session id."""

    def put(self, key: str, session: Session) -> None: ...

    def get(self, key: str) -> Session | None: ...

    def delete(self, key: str) -> None: ...

    def prune(self, older_than: float) -> None:
        """Forget sessions not seen since `older_than` (time.time())."""
        ...


class MemorySessions:
    """Sessions in this process's memory, at most `limit` of them (the least recently used go first)."""

    def __init__(self, limit: int = 10_000):
        self.limit = limit
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key: str, session: Session) -> None:
        with self._lock:
            self._sessions[key] = session
            self._sessions.move_to_end(key)
            while len(self._sessions) > self.limit:
                self._sessions.popitem(last=False)

    def get(self, key: str) -> Session | None:
        with self._lock:
            return self._sessions.get(key)

    def delete(self, key: str) -> None:
        with self._lock:
            self._sessions.pop(key, None)

    def prune(self, older_than: float) -> None:
        with self._lock:
            for key in [k for k, s in self._sessions.items() if s.seen < older_than]:
                del self._sessions[key]


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class Sessions:
    """Starting, finding and ending sessions, with their expiry rules."""

    def __init__(self, store: SessionStore, idle_seconds: float, max_seconds: float):
        self.store = store
        self.idle = idle_seconds
        self.max = max_seconds
        self._pruned = 0.0

    def start(self, key: ApiKey) -> tuple[str, Session]:
        """A new session for the holder of `key`: the id for the cookie, and the record."""
        now = time.time()
        session_id = secrets.token_urlsafe(32)
        session = Session(key.name, key.role, key.digest, secrets.token_urlsafe(32), now, now)
        self.store.put(_key(session_id), session)
        return session_id, session

    def find(self, session_id: str, keys: Sequence[ApiKey]) -> Session | None:
        """The live session with this id, its idle clock restarted; None when there is none, it has
        expired, or the key it began with is no longer configured (it then ends)."""
        now = time.time()
        if now - self._pruned > 60:
            self._pruned = now
            self.store.prune(now - self.idle)
        key = _key(session_id)
        session = self.store.get(key)
        if session is None:
            return None
        current = any(hmac.compare_digest(k.digest, session.key_digest) and k.role == session.role for k in keys)
        if not current or now - session.seen > self.idle or now - session.started > self.max:
            self.store.delete(key)
            return None
        if now - session.seen > 1:  # not on every request of a page's burst
            self.store.put(key, replace(session, seen=now))
        return session

    def end(self, session_id: str) -> None:
        self.store.delete(_key(session_id))


def csrf_matches(session: Session, token: str | None) -> bool:
    return token is not None and hmac.compare_digest(session.csrf.encode(), token.encode())
