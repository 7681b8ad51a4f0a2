"""The real app's pages in headless Chromium, served by uvicorn from the bundled pilot maps
(plus a process with a hostile name): each page loads, draws the nodes it should, raises no
console errors, asks nothing of any other host, and signing in with a key works."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from api.app import create_app
from api.auth import digest
from api.settings import Settings
from graphmodel import Edge, node_from_dict
from graphmodel.gaps import analyse
from graphmodel.store.embedded import EmbeddedStore
from loaders.bundled import load_demo
from tests.browser.chromium import visit
from tests.serving import Running
from viz import scope, urls

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots" / "app"
READY = "() => Boolean(window.assuranceMap && window.assuranceMap.ready)"
HOSTILE = "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"
VIEWER_KEY = "browser-test-viewer-key"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = EmbeddedStore(tmp_path_factory.mktemp("app") / "store.json")
    load_demo(s)
    s.upsert([node_from_dict("Process", {"id": "PE-X", "name": HOSTILE, "area": "People"}),
              node_from_dict("AssuranceSource", {"id": "S-X", "name": HOSTILE, "line": 1})],
             [Edge(source="S-X", rel="ASSURES", target="PE-X")])
    yield s
    s.close()


@pytest.fixture(scope="module")
def app_url(store, tmp_path_factory):
    settings = Settings(audit_log=tmp_path_factory.mktemp("audit") / "audit.jsonl")
    with Running(create_app(settings, store)) as base:
        yield base


def expected_views(store):
    g, report = store.export(), analyse(store, as_of=dt.date.today())
    return [
        ("map", urls.map_url(), g.number_of_nodes()),
        ("area", urls.area_url("People"), scope.area_view(g, "People").number_of_nodes()),
        ("node", urls.node_url("PE-X", 2), scope.neighbourhood_view(g, "PE-X", 2).number_of_nodes()),
        ("gaps", urls.gaps_url(), scope.gaps_view(g, report).number_of_nodes()),
        ("chain", urls.chain_url("IQ-P1"), scope.chain_view(g, "IQ-P1").number_of_nodes()),
    ]


def shot(v, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("index", range(5), ids=["map", "area", "node", "gaps", "chain"])
def test_views_draw_their_nodes(store, app_url, browser, index):
    name, url, count = expected_views(store)[index]
    with visit(browser, app_url + url) as v:
        v.page.wait_for_function(READY, timeout=60_000)
        assert v.page.evaluate("assuranceMap.network.body.nodeIndices.length") == count
        assert v.page.locator("img[src='x']").count() == 0
        shot(v, name)
        assert v.problems() == []


@pytest.mark.parametrize("name, url", [("dashboard", urls.dashboard_url()), ("heatmap", urls.heatmap_url())])
def test_pages_show_hostile_text_as_text(app_url, browser, name, url):
    with visit(browser, app_url + url) as v:
        assert v.page.get_by_text("<img src=x onerror=alert(1)>", exact=False).count() >= 1
        assert v.page.locator("img[src='x']").count() == 0
        shot(v, name)
        assert v.problems() == []


def test_a_browser_signs_in_with_a_key(store, browser, tmp_path):
    settings = Settings(audit_log=tmp_path / "audit.jsonl", api_keys=f"panel:viewer:{digest(VIEWER_KEY)}")
    with Running(create_app(settings, store)) as base, visit(browser, base + urls.dashboard_url()) as v:
        assert "/login" in v.page.url
        v.page.fill("input[name=key]", "not-the-key")
        v.page.click("button[type=submit]")
        assert v.page.get_by_role("alert").count() == 1
        v.page.fill("input[name=key]", VIEWER_KEY)
        v.page.click("button[type=submit]")
        v.page.wait_for_url("**/dashboard")
        assert v.page.get_by_role("heading", name="Coverage by area").count() == 1
        shot(v, "signed-in-dashboard")
        assert [p for p in v.problems() if "401" not in p] == []
