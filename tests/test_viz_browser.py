"""The views in headless Chromium, served by the real app over HTTP from the bundled demo map
(plus a process with a hostile name) and from a force-size synthetic map: every view opens
with the same picture each time, no two drawn boxes overlap, labels are legible, the focus is
centred, the findings table works from the keyboard, and a panel member can go from the whole
map of a force to an uncovered process's record and its chain."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from api.app import create_app
from api.auth import digest
from api.settings import Settings
from graphmodel.gaps import analyse
from graphmodel.store.embedded import EmbeddedStore
from loaders.synthetic import generate, write_to_store
from tests.browser.chromium import visit
from tests.browser.sample import HOSTILE, demo_with_hostile_names
from tests.serving import Running
from viz import pages, urls

SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
READY = "() => Boolean(window.assuranceMap && window.assuranceMap.ready)"
KEYS = {"viewer": "browser-viewer-key", "analyst": "browser-analyst-key"}
MIN_SCALE = 0.8  # network.js opens no lower, so 14px labels stay legible


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = EmbeddedStore(tmp_path_factory.mktemp("demo") / "store.json")
    demo_with_hostile_names(s)
    with Running(create_app(Settings(audit_log=tmp_path_factory.mktemp("a") / "audit.jsonl"), s)) as base:
        yield base, s
    s.close()


@pytest.fixture(scope="module")
def force(tmp_path_factory):
    s = EmbeddedStore(tmp_path_factory.mktemp("force") / "store.json")
    write_to_store(generate(500, seed=1), s)
    with Running(create_app(Settings(audit_log=tmp_path_factory.mktemp("a") / "audit.jsonl"), s)) as base:
        yield base, s
    s.close()


@pytest.fixture(scope="module")
def keyed(demo, tmp_path_factory):
    entries = ",".join(f"{role}-user:{role}:{digest(key)}" for role, key in KEYS.items())
    settings = Settings(audit_log=tmp_path_factory.mktemp("k") / "audit.jsonl", api_keys=entries)
    with Running(create_app(settings, demo[1])) as base:
        yield base


def shot(v, name: str, full: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def opened(v) -> dict:
    v.page.wait_for_function(READY, timeout=60_000)
    return v.page.evaluate("""() => {
        const m = assuranceMap, net = m.network;
        return {scale: net.getScale(), positions: net.getPositions(), boxes: m.boxes(),
                ids: m.shownIds(), drawn: net.body.nodeIndices.length, total: m.nodes.length,
                canvas: document.getElementById('network').getBoundingClientRect().toJSON()};
    }""")


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["id"], b["id"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]]


def _uncovered_process(store) -> str:
    report = analyse(store, as_of=dt.date.today())
    return next(f.node_id for f in report.findings if f.rule == "G1")


DEMO_VIEWS = [("map", urls.map_url()), ("map-with-plans", urls.map_url(plans=1)),
              ("area-people", urls.area_url("People")), ("node-PE-P4", urls.node_url("PE-P4", 2)),
              ("gaps", urls.gaps_url()), ("chain-IQ-P1", urls.chain_url("IQ-P1")),
              ("chain-PE-P2-no-route", urls.chain_url("PE-P2")), ("chain-PE-P4-no-source", urls.chain_url("PE-P4"))]
FORCE_VIEWS = [("force-map", urls.map_url()), ("force-map-people", urls.map_url(expand="People")),
               ("force-gaps", urls.gaps_url()), ("force-area-custody", urls.area_url("Custody")),
               ("force-node", urls.node_url("F01-M2", 1))]


def _views():
    return [("demo", *v) for v in DEMO_VIEWS] + [("force", *v) for v in FORCE_VIEWS]


@pytest.mark.parametrize("site, name, url", _views(), ids=[v[1] for v in _views()])
def test_view_opens_legible_with_no_boxes_overlapping(request, browser, site, name, url):
    base, _ = request.getfixturevalue(site)
    with visit(browser, base + url) as v:
        first = opened(v)
        assert first["drawn"] == first["total"] == len(first["ids"]) > 0
        assert first["scale"] >= MIN_SCALE - 1e-9
        assert overlaps(first["boxes"]) == []
        assert v.page.locator("img[src='x']").count() == 0
        shot(v, name)
        assert v.problems() == []


@pytest.mark.parametrize("site, url", [("demo", urls.map_url()), ("demo", urls.chain_url("IQ-P1")),
                                       ("force", urls.map_url(expand="People"))])
def test_the_same_page_gives_the_same_picture_twice(request, browser, site, url):
    base, _ = request.getfixturevalue(site)
    with visit(browser, base + url) as v:
        first = opened(v)
        v.page.reload()
        again = opened(v)
    assert first["positions"] == again["positions"] and first["boxes"] == again["boxes"]


def _focus_offset(v, focus: str) -> dict:
    return v.page.evaluate("""(id) => {
        const net = assuranceMap.network, rect = document.getElementById('network').getBoundingClientRect();
        const p = net.canvasToDOM(net.getPositions([id])[id]);
        return {dx: p.x - rect.width / 2, dy: p.y - rect.height / 2, x: p.x, width: rect.width,
                selected: net.getSelectedNodes(), glow: assuranceMap.nodes.get(id).shadow.enabled};
    }""", focus)


@pytest.mark.parametrize("site, focus", [("demo", "PE-P4"), ("demo", "SAB"), ("force", "F01-M2")])
def test_a_node_view_is_centred_on_its_item(request, browser, site, focus):
    base, _ = request.getfixturevalue(site)
    with visit(browser, base + urls.node_url(focus, 2)) as v:
        opened(v)
        off = _focus_offset(v, focus)
        assert abs(off["dx"]) < 2 and abs(off["dy"]) < 2
        assert off["selected"] == [focus] and off["glow"]
        assert focus in v.page.locator("#details-text").inner_text()


def test_a_chain_reads_left_to_right_level_with_its_process_and_says_where_it_breaks(demo, browser):
    base, _ = demo
    with visit(browser, base + urls.chain_url("PE-P2")) as v:
        state = opened(v)
        off = _focus_offset(v, "PE-P2")
        assert abs(off["dy"]) < 2 and 0 < off["x"] < off["width"] / 2
        pos = state["positions"]
        breaks = [i for i in state["ids"] if i.startswith("break:")]
        assert pos["PE-P2"]["x"] < pos["PE-S4"]["x"] < pos[breaks[0]]["x"]
        words = v.page.locator(".chain-words").inner_text()
        assert "No route to the panel" in words and "reports to no meeting" in words
    with visit(browser, base + urls.chain_url("PE-P4")) as v:
        opened(v)
        assert "No source of assurance" in v.page.locator(".chain-words").inner_text()
        assert v.page.evaluate("assuranceMap.find('No source of assurance')")


def test_the_findings_table_works_from_the_keyboard(demo, browser):
    base, _ = demo
    with visit(browser, base + urls.dashboard_url()) as v:
        page = v.page
        rows = page.locator("table[data-triage] tbody tr")
        first_items = lambda: [rows.nth(i).locator("td").nth(2).locator("a").first.inner_text()  # noqa: E731
                               for i in range(3)]
        assert rows.first.locator("td").nth(1).inner_text() == "G1 Uncovered"
        item = page.locator("button[data-sort='2']")
        item.focus()
        page.keyboard.press("Enter")
        names = [rows.nth(i).locator("td").nth(2).locator("a").first.inner_text().lower()
                 for i in range(rows.count())]
        assert names == sorted(names)
        assert page.locator("th:has(button[data-sort='2'])").get_attribute("aria-sort") == "ascending"
        page.keyboard.press("Enter")
        assert first_items()[0].lower() == max(names)
        page.keyboard.press("Tab")  # on to the next column's button
        assert page.evaluate("document.activeElement.getAttribute('data-sort')") == "3"
        severity = page.locator("select[data-filter='severity']")
        severity.focus()
        page.keyboard.press("ArrowDown")  # any -> high
        assert severity.input_value() == "high"
        shown = [r for r in range(rows.count()) if rows.nth(r).is_visible()]
        assert shown and all(rows.nth(r).get_attribute("data-severity") == "high" for r in shown)
        assert f"{len(shown)} of {rows.count()}" in page.locator("[data-count]").inner_text()
        overdue = page.locator("details.overdue summary").first.inner_text()
        assert "overdue action" in overdue
        assert page.get_by_text("years overdue").count() >= 1
        shot(v, "dashboard", full=True)
        assert v.problems() == []


def test_a_panel_member_finds_an_uncovered_process_on_a_force_map_and_follows_it(force, browser):
    base, store = force
    with visit(browser, base + urls.map_url()) as v:
        page = v.page
        start = opened(v)
        assert all(i.startswith("area:") for i in start["ids"]) and len(start["ids"]) == 8
        box = next(b for b in start["boxes"] if b["id"] == "area:People")
        page.mouse.click((box["left"] + box["right"]) / 2, (box["top"] + box["bottom"]) / 2)
        page.wait_for_url("**/views/map?expand=People")
        people = opened(v)
        assert len(people["ids"]) > 100 and overlaps(people["boxes"]) == []
        first = page.locator("table[data-triage] tbody tr").first
        assert first.locator("td").nth(1).inner_text() == "G1 Uncovered"
        assert "no source of assurance covers it" in first.inner_text()
        shot(v, "journey-1-people-open")
        first.locator("td").nth(2).locator("a").first.click()
        page.wait_for_url("**/views/record/**")
        assert page.get_by_text("No source of assurance covers this process.").count() == 1
        shot(v, "journey-2-record", full=True)
        page.get_by_role("link", name="Its oversight chain, drawn").click()
        page.wait_for_url("**/views/chain/**")
        opened(v)
        assert "No source of assurance" in page.locator(".chain-words").inner_text()
        shot(v, "journey-3-chain")
        page.go_back()
        page.go_back()
        again = opened(v)
        assert again["positions"] == people["positions"]
        assert v.problems() == []


def test_tooltip_shows_hostile_name_as_text(demo, browser):
    base, _ = demo
    with visit(browser, base + urls.map_url()) as v:
        opened(v)
        x, y = v.page.evaluate("""() => {
            const net = assuranceMap.network;
            const p = net.canvasToDOM(net.getPositions(['PE-X'])['PE-X']);
            const box = document.getElementById('network').getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""")
        v.page.mouse.move(x - 30, y - 30)
        v.page.mouse.move(x, y, steps=5)
        tip = v.page.locator("div.vis-tooltip")
        tip.wait_for(state="visible", timeout=10_000)
        assert tip.inner_text().startswith(f"Process PE-X: {HOSTILE}")
        assert tip.locator("img").count() == 0 and v.page.locator("img").count() == 0
        shot(v, "tooltip")
        v.page.mouse.click(x, y)
        assert HOSTILE in v.page.locator("#details-text").inner_text()
        assert v.page.locator("#details-links a").first.get_attribute("href") == urls.record_url("PE-X")
        assert v.dialogs == [] and v.problems() == []


def test_filters_and_search(demo, browser):
    base, _ = demo
    with visit(browser, base + urls.map_url()) as v:
        page = v.page
        state = opened(v)
        total = len(state["ids"])
        shown = lambda: page.evaluate("assuranceMap.shown.length")  # noqa: E731
        page.locator("details.filters-box summary").click()
        page.locator("input[name=kind][value=Process]").uncheck()
        assert shown() == total - 11
        page.locator("input[name=kind][value=Process]").check()
        page.select_option("#status-filter", "uncovered")
        assert shown() == total - 10  # the other processes hide
        page.select_option("#status-filter", "")
        page.fill("#search-text", "leaver")
        page.locator("#search button").click()
        assert page.evaluate("assuranceMap.network.getSelectedNodes()") == ["PE-P4"]
        assert page.locator("#search-result").inner_text() == "Found 1 item."
        assert v.problems() == []


def test_self_contained_file_needs_nothing_else(demo, browser, tmp_path):
    _, store = demo
    out = tmp_path / "view.html"
    out.write_text(pages.map_page(store.export(), analyse(store)), encoding="utf-8")
    with visit(browser, out.as_uri()) as v:
        requested: list[str] = []
        v.page.on("request", lambda r: requested.append(r.url))
        v.page.reload()
        opened(v)
        assert [u for u in requested if not u.startswith(("file:", "data:"))] == []
        assert v.problems() == []


def test_what_if_is_for_analysts_and_a_viewer_reads_the_record(keyed, browser):
    url = keyed + urls.record_url("PE-P2")
    with visit(browser, url, headers={"X-API-Key": KEYS["viewer"]}) as v:
        assert v.page.get_by_role("heading", name="Sources of assurance").count() == 1
        assert v.page.get_by_text("withdraw this source").count() == 0
        denied = v.page.goto(keyed + urls.record_url("PE-P2", withdraw="PE-S4"))
        assert denied is not None and denied.status == 403
    with visit(browser, url, headers={"X-API-Key": KEYS["analyst"]}) as v:
        v.page.get_by_role("link", name="withdraw this source").first.click()
        v.page.wait_for_url("**withdraw=PE-S4**")
        section = v.page.locator("#what-if")
        assert "would change class" in section.inner_text()
        assert "uncovered (no assurance)" in section.inner_text()
        shot(v, "record-what-if", full=True)
        assert v.problems() == []


@pytest.mark.parametrize("name, url", [("heatmap", urls.heatmap_url()), ("heatmap-png", urls.heatmap_url("png")),
                                       ("heatmap-svg", urls.heatmap_url("svg")),
                                       ("record-IQ-P1", urls.record_url("IQ-P1")),
                                       ("record-hostile", urls.record_url("PE-X"))])
def test_page_loads_without_errors(demo, browser, name, url):
    base, _ = demo
    with visit(browser, base + url) as v:
        if name in ("heatmap", "record-IQ-P1", "record-hostile"):
            assert v.page.locator("img[src='x']").count() == 0
        if name == "record-hostile":
            assert v.page.get_by_role("heading", level=1).inner_text() == f"Process: {HOSTILE}"
        shot(v, name, full=name in ("heatmap", "record-IQ-P1"))
        assert v.problems() == []


def test_the_request_guard_catches_a_page_that_reaches_out(browser, tmp_path):
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<!DOCTYPE html><script src="http://example.invalid/x.js"></script>')
    with visit(browser, leaky.as_uri()) as v:
        assert v.outside_requests == ["http://example.invalid/x.js"]
        assert v.problems()  # so a view that reached out would fail its test
