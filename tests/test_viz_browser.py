"""The pages in headless Chromium: they load, draw the right nodes, stay on this machine,
show hostile text as text, and the 5,000-node map opens and responds."""
from __future__ import annotations

from pathlib import Path

import pytest

from graphmodel.store.embedded import EmbeddedStore
from tests.browser.chromium import visit
from tests.browser.sample import ODD_ID, XSS_NAME, large_map, small_map, small_report
from tests.browser.site import Served, ViewSite
from viz import pages, urls

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
READY = "() => Boolean(window.assuranceMap && window.assuranceMap.ready)"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    store = EmbeddedStore(tmp_path_factory.mktemp("viz") / "store.json")
    store.upsert(*small_map())
    big, big_report = large_map(5000, areas=10)
    served = Served(ViewSite(store, small_report(), extra={
        "/test/large": lambda: pages.map_page(big, big_report, asset_base=urls.ASSET_BASE, links=True),
        "/test/leaky": lambda: '<!DOCTYPE html><script src="http://example.invalid/x.js"></script>'}))
    yield served
    served.stop()
    store.close()


def shot(v, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=name in ("dashboard", "heatmap"))


NETWORK_VIEWS = [
    ("map", urls.map_url(), 16),
    ("area-people", urls.area_url("People"), 6),
    ("node-P-IQ-1", urls.node_url("P-IQ-1", 1), 4),
    ("node-odd-id", urls.node_url(ODD_ID, 1), 2),
    ("gaps", urls.gaps_url(), 12),
    ("chain-P-IQ-1", urls.chain_url("P-IQ-1"), 5),
]


@pytest.mark.parametrize("name,url,count", NETWORK_VIEWS, ids=[v[0] for v in NETWORK_VIEWS])
def test_network_view_draws_its_nodes(site, browser, name, url, count):
    with visit(browser, site.base_url + url) as v:
        v.page.wait_for_function(READY, timeout=60_000)
        drawn = v.page.evaluate("[assuranceMap.nodes.length, assuranceMap.shown.length,"
                                " assuranceMap.network.body.nodeIndices.length]")
        assert drawn == [count, count, count]
        assert v.page.locator("#shown-count").text_content() == str(count)
        shot(v, name)
        assert v.problems() == []


@pytest.mark.parametrize("name,url", [("dashboard", urls.dashboard_url()), ("heatmap", urls.heatmap_url()),
                                      ("heatmap-png", urls.heatmap_url("png")),
                                      ("heatmap-svg", urls.heatmap_url("svg"))])
def test_page_loads_without_errors(site, browser, name, url):
    with visit(browser, site.base_url + url) as v:
        if name in ("dashboard", "heatmap"):
            assert v.page.locator("table.heatmap tbody tr:not(.area-row)").count() == 4
            assert v.page.get_by_text(XSS_NAME).count() >= 1  # shown as text...
        assert v.page.locator("img[src='x']").count() == 0  # ...never as an element
        shot(v, name)
        assert v.problems() == []


def test_dashboard_links_lead_to_working_views(site, browser):
    with visit(browser, site.base_url + urls.dashboard_url()) as v:
        v.page.locator(f"a[href='{urls.node_url(ODD_ID, 2)}']").first.click()
        v.page.wait_for_function(READY, timeout=60_000)
        assert ODD_ID in v.page.evaluate("assuranceMap.shown.getIds()")
        assert v.problems() == []


def test_tooltip_shows_hostile_name_as_text(site, browser):
    with visit(browser, site.base_url + urls.map_url()) as v:
        v.page.wait_for_function(READY, timeout=60_000)
        x, y = v.page.evaluate("""() => {
            const net = assuranceMap.network;
            const p = net.canvasToDOM(net.getPositions(['P-PE-1'])['P-PE-1']);
            const box = document.getElementById('network').getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""")
        v.page.mouse.move(x - 30, y - 30)
        v.page.mouse.move(x, y, steps=5)
        tip = v.page.locator("div.vis-tooltip")
        tip.wait_for(state="visible", timeout=10_000)
        text = tip.text_content() or ""
        assert text.startswith(f"Process P-PE-1: {XSS_NAME}") and "G2" in text
        assert tip.locator("img").count() == 0 and v.page.locator("img").count() == 0
        shot(v, "tooltip")
        v.page.mouse.click(x, y)
        assert XSS_NAME in (v.page.locator("#details-text").text_content() or "")
        assert v.dialogs == [] and v.problems() == []


def test_filters_and_search(site, browser):
    with visit(browser, site.base_url + urls.map_url()) as v:
        page = v.page
        page.wait_for_function(READY, timeout=60_000)
        shown = lambda: page.evaluate("assuranceMap.shown.length")  # noqa: E731
        page.locator("input[name=kind][value=Process]").uncheck()
        assert shown() == 12
        page.locator("input[name=kind][value=Process]").check()
        page.select_option("#area-filter", "People")
        assert sorted(page.evaluate("assuranceMap.shown.getIds()")) == sorted(
            ["P-PE-1", "P-PE-2", "S4", ODD_ID, "M-SAB", "C2", "M-FB"])
        page.select_option("#area-filter", "")
        page.select_option("#status-filter", "uncovered")
        assert shown() == 16 - 3  # the other three processes hide
        page.select_option("#status-filter", "")
        page.fill("#search-text", "leaver")
        page.locator("#search button").click()
        assert page.evaluate("assuranceMap.network.getSelectedNodes()") == ["P-PE-2"]
        assert page.locator("#search-result").text_content() == "Found 1 item."
        assert "Leaver management" in (page.locator("#details-text").text_content() or "")
        assert v.problems() == []


def test_self_contained_file_needs_nothing_else(browser, tmp_path):
    from tests.browser.sample import small_graph

    out = tmp_path / "view.html"
    out.write_text(pages.map_page(small_graph(), small_report()), encoding="utf-8")
    with visit(browser, out.as_uri()) as v:
        requested: list[str] = []
        v.page.on("request", lambda r: requested.append(r.url))
        v.page.reload()
        v.page.wait_for_function(READY, timeout=60_000)
        assert v.page.evaluate("assuranceMap.nodes.length") == 16
        assert [u for u in requested if not u.startswith(("file:", "data:"))] == []
        assert v.problems() == []


def test_five_thousand_nodes_open_and_respond(site, browser):
    with visit(browser, site.base_url + "/test/large") as v:
        v.page.wait_for_function(READY, timeout=120_000)
        drawn_ms = v.page.evaluate("assuranceMap.drawnMs")
        print(f"\n5,000-node map: first full drawing {drawn_ms:.0f} ms after the script started")
        assert v.page.evaluate("assuranceMap.nodes.length") == 5000
        assert v.page.evaluate("assuranceMap.network.body.nodeIndices.length") == 5000
        # it responds: search, filter and move the view
        assert v.page.evaluate("assuranceMap.find('P03-7')") == ["P03-7"]
        v.page.select_option("#area-filter", "Area 03")
        shown = v.page.evaluate("assuranceMap.shown.length")
        assert 0 < shown < 5000
        assert v.page.locator("#shown-count").text_content() == str(shown)
        v.page.evaluate("assuranceMap.network.moveTo({scale: 0.5}); assuranceMap.network.redraw()")
        shot(v, "map-5000")
        assert v.problems() == []


def test_the_request_guard_catches_a_page_that_reaches_out(site, browser):
    with visit(browser, site.base_url + "/test/leaky") as v:
        assert v.outside_requests == ["http://example.invalid/x.js"]
        assert v.problems()  # so a view that reached out would fail its test
