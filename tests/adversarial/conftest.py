"""The adversarial suite: the server tried as an attacker or an unlucky user would, on both stores,
against loopback only, each attack answered by a problem detail and leaving the map, its version and
its audit log as they were."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from graphmodel.store import Store
from tests.test_store_conformance import small_map

from .helpers import HOST, settings


@pytest.fixture
def mapped(store: Store) -> Store:
    small_map(store)
    return store


@pytest.fixture
def app(mapped: Store, tmp_path: Path) -> FastAPI:
    return create_app(settings(tmp_path), mapped)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=HOST) as c:
        yield c
