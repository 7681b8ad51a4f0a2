"""The page routes over HTTP on a map too large for one picture: bounded answers, clear errors."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graphmodel.store.embedded import EmbeddedStore
from loaders.synthetic import generate, write_to_store
from viz import urls


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("views")
    store = EmbeddedStore(tmp / "store.json")
    write_to_store(generate(500, seed=2), store)
    with TestClient(create_app(Settings(audit_log=tmp / "audit.jsonl"), store)) as c:
        yield c
    store.close()


def test_a_heat_map_image_beyond_the_budget_is_refused_with_a_problem_detail(client):
    r = client.get(urls.heatmap_url("png"))
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert "at most 300" in r.json()["errors"][0]["message"]
    for url in (urls.heatmap_url("png", area="People"), urls.heatmap_url("svg", page=2)):
        ok = client.get(url)
        assert ok.status_code == 200 and len(ok.content) > 1000
    assert client.get(urls.heatmap_url(page=2)).status_code == 200
    assert client.get(urls.heatmap_url("png", page=9)).status_code == 404  # no such page


def test_the_whole_map_opens_at_area_level_and_an_area_opens_in_place(client):
    closed = client.get(urls.map_url()).text
    assert "This map is large, so it opens one box per area" in closed
    assert f'href="{urls.map_url(expand="People")}"' in closed.replace("&amp;", "&")
    opened = client.get(urls.map_url(expand="People")).text
    assert "Findings in view" in opened and "G1 Uncovered" in opened
    bad = client.get(urls.map_url(expand="Nowhere"))
    assert bad.status_code == 404 and "areas in the map" in bad.text


def test_record_pages(client):
    r = client.get(urls.record_url("F01-A1-P1"))
    assert r.status_code == 200 and "Sources of assurance" in r.text
    assert client.get(urls.record_url("nope")).status_code == 404
    what_if = client.get(urls.record_url("F01-A1-P1", withdraw="nope"))
    assert what_if.status_code == 404 and "not an assurance source" in what_if.text
