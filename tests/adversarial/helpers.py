"""What the attacks share: keys for each role, settings for a server under attack, and the checks that
an answer is a problem detail and that nothing changed."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from httpx import Response

from api.auth import digest
from api.settings import Settings
from graphmodel.store import Store

KEYS = {role: f"adversarial-key-for-{role}" for role in ("viewer", "analyst", "editor", "admin")}
ROLES = list(KEYS)
HOST = "http://localhost"


def key_entries() -> str:
    return ",".join(f"{r}-user:{r}:{digest(k)}" for r, k in KEYS.items())


def as_role(role: str) -> dict[str, str]:
    return {"X-API-Key": KEYS[role]}


def settings(tmp_path: Path, keys: bool = True, **given: Any) -> Settings:
    return Settings(api_keys=key_entries() if keys else "", upload_dir=tmp_path / "uploads",
                    allowed_hosts="localhost,127.0.0.1", **given)


@dataclass(frozen=True)
class State:
    version: object
    nodes: dict[str, int]
    edges: dict[str, int]
    last_audit: object


def state(store: Store) -> State:
    counts = store.counts()
    newest = store.audit(0, 1, newest_first=True)
    return State(store.version(), counts.nodes, counts.edges, newest[0] if newest else None)


@contextmanager
def unchanged(store: Store) -> Iterator[None]:
    """The block may try anything: the map, its version and its audit log must be as they were."""
    before = state(store)
    yield
    assert state(store) == before


def is_problem(response: Response, status: int, *words: str) -> dict[str, Any]:
    """The response is a problem detail with this status whose detail says these words."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    text = " ".join([body["detail"], *(f"{e['message']} {e.get('loc')}" for e in body.get("errors", []))]).lower()
    for w in words:
        assert w.lower() in text, (w, body)
    return body


