"""Views without a browser: scopes, styles, escaping, the heat map images, the dashboard, the command."""
from __future__ import annotations

import argparse
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from api.cli import main as cli_main
from graphmodel.errors import NotFound, ValidationError
from graphmodel.schema import SCHEMA
from tests.browser.sample import ODD_ID, SCRIPT_NAME, XSS_NAME, large_map, small_graph, small_map, small_report
from viz import assets, heatmap, pages, scope, style, urls
from viz.network import Annotations, build_network, tooltip


@pytest.fixture
def g():
    return small_graph()


@pytest.fixture
def report():
    return small_report()


class _Scripts(HTMLParser):
    """Collects each script's attributes and text, and every tag name used."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self.tags: list[str] = []
        self._in: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "script":
            self._in = dict(attrs)
            self.scripts.append((self._in, ""))

    def handle_data(self, data):
        if self._in is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


def parse(html: str) -> _Scripts:
    p = _Scripts()
    p.feed(html)
    return p


def graph_data(html: str) -> dict:
    (attrs, text), = [s for s in parse(html).scripts if s[0].get("id") == "graph-data"]
    return json.loads(text)


# -- scopes ---------------------------------------------------------------------
def test_area_view_holds_the_area_processes_and_their_links(g):
    assert set(scope.area_view(g, "People")) == {"P-PE-1", "P-PE-2", "S4", ODD_ID, "M-SAB", "C2"}


def test_unknown_area_names_the_value_and_the_known_areas(g):
    with pytest.raises(ValidationError) as err:
        scope.area_view(g, "Finance")
    text = str(err.value)
    assert "'Finance'" in text and "'People'" in text and "'Information Quality'" in text


def test_neighbourhood_and_unknown_node(g):
    assert set(scope.neighbourhood_view(g, "P-IQ-1", 1)) == {"P-IQ-1", "S1", "S2", "C1"}
    with pytest.raises(NotFound):
        scope.neighbourhood_view(g, "nope", 1)


def test_gaps_view_is_flagged_nodes_and_their_neighbours(g, report):
    assert set(scope.gaps_view(g, report)) == {"P-PE-2", "P-PE-1", "P-IQ-1", ODD_ID, "A1", "M-SAB", "C2", "S4",
                                               "S1", "S2", "C1", "R1"}


def test_chain_goes_up_to_the_panel_and_includes_overseers(g):
    assert set(scope.chain_view(g, "P-IQ-1")) == {"P-IQ-1", "S1", "S2", "M-FB", "M-JARAP"}
    assert set(scope.chain_view(g, "P-PE-2")) == {"P-PE-2", "M-SAB"}
    with pytest.raises(ValidationError, match="Process, not a Risk"):
        scope.chain_view(g, "R1")


def test_nodes_take_the_area_of_their_nearest_processes(g):
    areas = scope.node_areas(g)
    assert areas["S4"] == ("People",)
    assert areas["M-FB"] == ("Information Quality", "People")  # S1 and S4 both report to it
    assert areas["A1"] == ("Information Quality",)


# -- network --------------------------------------------------------------------
def test_styles_come_from_the_schema_and_status_colours_processes(g, report):
    net = build_network(g, report)
    by_id = {n["id"]: n for n in net.nodes}
    for kind in SCHEMA.nodes:
        if kind.name != "Process":
            for n in (n for n in net.nodes if n["kind"] == kind.name):
                fill = n["color"] if isinstance(n["color"], str) else n["color"]["background"]
                assert (n["shape"], fill) == (kind.style.shape, kind.style.colour)
    assert by_id["P-PE-2"]["color"]["background"] == style.STATUS_COLOURS[style.Status.UNCOVERED]
    assert by_id["P-IQ-1"]["color"]["background"] == style.STATUS_COLOURS[style.Status.WEAK]
    assert by_id["P-IQ-2"]["color"]["background"] == style.STATUS_COLOURS[style.Status.ADEQUATE]
    assert by_id[ODD_ID]["color"]["border"] == style.SEVERITY_COLOURS[style.Severity.MEDIUM]
    edge = next(e for e in net.edges if e["from"] == "S1" and e["to"] == "P-IQ-1")
    assert edge["label"] == SCHEMA.edge("ASSURES").description and edge["color"] == SCHEMA.edge("ASSURES").colour
    assert net.options["physics"]["enabled"] is True


def test_tooltip_is_plain_text_with_fields_and_findings(g, report):
    text = tooltip(g.nodes["A1"]["node"], Annotations.of(report))
    assert text.splitlines()[0] == "Action A1: Data quality plan"
    assert "target date: 2023-12-31" in text and "status: amber" in text
    assert "G9" in text and "target date 31 Dec 2023 has passed" in text
    text = tooltip(g.nodes["P-PE-1"]["node"], Annotations.of(report))
    assert XSS_NAME in text and "weakly assured, strength 0.02" in text


def test_large_maps_get_a_fixed_layout_grouped_by_area():
    big, rep = large_map(1200, areas=4)
    net = build_network(big, rep)
    assert net.options["physics"]["enabled"] is False
    assert all("x" in n and "y" in n and n["physics"] is False for n in net.nodes)
    assert len({(n["x"], n["y"]) for n in net.nodes}) == len(net.nodes)  # no two nodes on one spot
    # each area's processes sit in their own block, apart from the others
    spans: dict[str, tuple[float, float]] = {}
    for n in net.nodes:
        if n["kind"] == "Process":
            lo, hi = spans.get(n["areas"][0], (float("inf"), float("-inf")))
            spans[n["areas"][0]] = (min(lo, n["x"]), max(hi, n["x"]))
    ordered = sorted(spans.values())
    assert all(a[1] < b[0] for a, b in pairwise(ordered)) or len({n["y"] for n in net.nodes}) > 1


# -- pages ----------------------------------------------------------------------
def test_user_text_is_escaped_and_json_cannot_close_the_script(g, report):
    html = pages.map_page(g, report)
    assert XSS_NAME not in html and "</script><script>alert(2)" not in html
    parsed = parse(html)
    assert "img" not in parsed.tags
    data = graph_data(html)
    names = {n["id"]: n["name"] for n in data["nodes"]}
    assert names["P-PE-1"] == XSS_NAME and names["S4"] == SCRIPT_NAME  # the text survives, as text
    assert len(data["nodes"]) == 16 and len(data["edges"]) == 16


def test_title_and_ids_in_headings_are_escaped(g, report):
    html = pages.node_page(g, report, "P-PE-1", 1)
    assert "<title>Around &lt;img src=x onerror=alert(1)&gt; (P-PE-1)</title>" in html
    assert "<img" not in html


def test_inlined_page_is_self_contained(g, report):
    html = pages.map_page(g, report)
    parsed = parse(html)
    assert not [a for a, _ in parsed.scripts if "src" in a]
    assert "<link" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html)
    assert assets.asset("vis-network.min.js").decode()[:2000] in html


def test_served_page_links_assets_by_url(g, report):
    html = pages.map_page(g, report, asset_base=urls.ASSET_BASE, links=True)
    srcs = [a["src"] for a, _ in parse(html).scripts if "src" in a]
    assert srcs == [urls.asset_url(n) for n in assets.page_assets("network") if n.endswith(".js")]
    assert f'href="{urls.asset_url("viz.css")}"' in html and 'href="/dashboard"' in html
    assert len(html) < 200_000  # the library is not inlined


def test_assets_come_from_the_package_and_unknown_names_are_not_found():
    assert assets.asset("vis-network.min.js").startswith(b"/**")
    assert assets.media_type("viz.css").startswith("text/css")
    with pytest.raises(NotFound):
        assets.asset("../../etc/passwd")


def test_heat_map_cells_show_the_best_source_per_line(g, report):
    hm = heatmap.heat_map(g, report)
    assert [r.area for r in hm.rows] == ["Information Quality"] * 2 + ["People"] * 2
    row = next(r for r in hm.rows if r.process_id == "P-IQ-2")
    line3, line4 = row.cells[2], row.cells[3]
    assert line3.words == "limited, due" and line3.colour == style.cell_colour("limited", "due")
    assert line4.words == "substantial, stale"
    assert row.cells[0].sources == () and row.cells[0].colour == style.EMPTY_CELL
    uncovered = next(r for r in hm.rows if r.process_id == "P-PE-2")
    assert all(c.best is None for c in uncovered.cells)
    html = pages.heatmap_page(g, report)
    assert "limited, due" in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html
    assert "substantial, current" in html  # the legend


def test_heat_map_images(g, report):
    hm = heatmap.heat_map(g, report)
    png = heatmap.heatmap_png(hm)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    svg = heatmap.heatmap_svg(hm)
    root = ET.fromstring(svg)  # well-formed, so the hostile name is escaped
    texts = "".join(root.itertext())
    assert XSS_NAME in texts and "Information Quality" in texts and "limited, due" in texts
    assert b"<img" not in svg and svg == heatmap.heatmap_svg(hm)  # deterministic for papers


def test_dashboard_counts_and_links(g, report):
    html = pages.dashboard_page(g, report)
    cov = {c["area"]: c for c in pages.coverage_by_area(report)}
    assert cov["People"]["processes"] == 2 and dict(cov["People"]["counts"])[style.Status.UNCOVERED] == 1
    assert 'href="/views/node/R%202%2Fa%26b%3F?depth=2"' in html
    assert 'href="/views/chain/P-PE-2"' in html and 'href="/views/area/Information%20Quality"' in html
    assert "G1 Uncovered" in html and "no action mitigates it" in html
    assert XSS_NAME not in html


# -- the command (both stores) ----------------------------------------------------
def _args(out: Path, **kw) -> argparse.Namespace:
    base = dict(out=str(out), area=None, focus=None, depth=2, kind="map", as_of="2024-03-31", policy=None)
    base.update(kw)
    return argparse.Namespace(**base)


def test_view_command_writes_one_self_contained_file(store, tmp_path, monkeypatch):
    from viz.command import run_view

    store.upsert(*small_map())
    monkeypatch.chdir(tmp_path)
    cases: list[tuple[str, dict[str, Any], int | None]] = [
        ("map", {}, 16), ("map", {"area": "People"}, 6), ("map", {"focus": "P-IQ-1", "depth": 1}, 4),
        ("gaps", {}, None), ("chain", {"focus": "P-IQ-1"}, 5)]
    for kind, extra, expected in cases:
        out = tmp_path / "out" / f"{kind}.html"
        assert run_view(_args(out, kind=kind, **extra), store) == 0
        html = out.read_text(encoding="utf-8")
        assert "<script src" not in html and "<link" not in html
        data = graph_data(html)
        if expected is not None:
            assert len(data["nodes"]) == expected
        else:  # the real analysis flags at least the uncovered process and its overseer comes along
            ids = {n["id"] for n in data["nodes"]}
            assert {"P-PE-2", "M-SAB"} <= ids
    out = tmp_path / "out" / "heat.html"
    assert run_view(_args(out, kind="heatmap"), store) == 0
    assert "Leaver management" in out.read_text() and "limited" in out.read_text()
    written = {p.name for p in tmp_path.iterdir()} - {"store.json", "store.json.lock"}  # the embedded store's
    assert written == {"out"}  # nothing else lands in the working directory


def test_view_command_errors_are_clear(store, tmp_path):
    from viz.command import run_view

    store.upsert(*small_map())
    with pytest.raises(NotFound, match="'nope'"):
        run_view(_args(tmp_path / "x.html", focus="nope"), store)
    with pytest.raises(ValidationError, match="needs --focus"):
        run_view(_args(tmp_path / "x.html", kind="chain"), store)
    with pytest.raises(ValidationError, match="--as-of"):
        run_view(_args(tmp_path / "x.html", as_of="someday"), store)
    assert not (tmp_path / "x.html").exists()


def test_cli_unknown_focus_exits_2(tmp_path, capsys):
    from graphmodel.store.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "s.json") as s:
        s.upsert(*small_map())
    code = cli_main(["--store", str(tmp_path / "s.json"), "view", "--out", str(tmp_path / "v.html"),
                     "--focus", "nope"])
    assert code == 2
    assert "node 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "v.html").exists()
