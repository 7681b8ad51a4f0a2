"""The real app's pages in headless Chromium, served by uvicorn from the bundled pilot maps
(plus a process with a hostile name): the dashboard and heat map show hostile text as text,
raise no console errors, ask nothing of any other host, and signing in with a key works.
The network views are tried in test_viz_browser.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from api.app import create_app
from api.auth import digest
from api.settings import Settings
from graphmodel.store.embedded import EmbeddedStore
from tests.browser.chromium import visit
from tests.browser.sample import demo_with_hostile_names
from tests.serving import Running
from viz import urls

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots" / "app"
VIEWER_KEY = "browser-test-viewer-key"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = EmbeddedStore(tmp_path_factory.mktemp("app") / "store.json")
    demo_with_hostile_names(s)
    yield s
    s.close()


@pytest.fixture(scope="module")
def app_url(store, tmp_path_factory):
    settings = Settings(audit_log=tmp_path_factory.mktemp("audit") / "audit.jsonl")
    with Running(create_app(settings, store)) as base:
        yield base


def shot(v, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


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


@pytest.mark.parametrize("page, ready", [("/docs", ".opblock"), ("/redoc", "[data-section-id]")])
def test_api_docs_render_without_the_internet(app_url, browser, page, ready):
    with visit(browser, app_url + page) as v:
        v.page.wait_for_selector(ready, timeout=60_000)
        assert v.page.get_by_text("/gaps/what-if").count() >= 1
        shot(v, "docs" if page == "/docs" else "redoc")
        assert v.outside_requests == [] and v.page_errors == []
