"""Views without a browser: scopes, styles, escaping, the heat map images, the dashboard, the command."""
from __future__ import annotations

import argparse
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from api.cli import main as cli_main
from graphmodel.errors import NotFound, ValidationError
from graphmodel.gaps.model import Severity, Status
from graphmodel.schema import SCHEMA
from tests.browser.sample import ODD_ID, SCRIPT_NAME, XSS_NAME, large_map, small_graph, small_map, small_report
from viz import assets, heatmap, pages, scope, style, urls
from viz.chain import chain_of
from viz.network import PAGE, Annotations, build_drawing, label_lines, tooltip


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
def test_area_view_holds_the_area_processes_their_links_and_routes_to_the_panel(g):
    assert set(scope.area_view(g, "People")) == {"P-PE-1", "P-PE-2", "S4", ODD_ID, "M-SAB", "C2", "M-FB", "M-JARAP"}


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
    with pytest.raises(NotFound, match="drawn for a Process, and this is a Risk"):
        scope.chain_view(g, "R1")


def test_nodes_take_the_area_of_their_nearest_processes(g):
    areas = scope.node_areas(g)
    assert areas["S4"] == ("People",)
    assert areas["M-FB"] == ("Information Quality", "People")  # S1 and S4 both report to it
    assert areas["A1"] == ("Information Quality",)


def test_tooltip_is_plain_text_with_fields_and_findings(g, report):
    text = tooltip(g.nodes["A1"]["node"], Annotations.of(report))
    assert text.splitlines()[0] == "Action A1: Data quality plan"
    assert "target date: 2023-12-31" in text and "status: amber" in text
    assert "G9" in text and "target date 31 Dec 2023 has passed" in text
    text = tooltip(g.nodes["P-PE-1"]["node"], Annotations.of(report))
    assert XSS_NAME in text and "weakly assured, strength 0.02" in text


# -- the chain in words -------------------------------------------------------------
def test_chain_says_where_it_breaks(g):
    whole = chain_of(g, "P-IQ-1")
    assert not whole.breaks and whole.summary == "The evidence of both its sources reaches the audit panel."
    assert any(line.startswith("Monthly MI report, a line 2 (oversight functions) source, reports to Force Board "
                               "\u2192 JARAP") for line in whole.lines)
    none = chain_of(g, "P-PE-2")
    assert none.breaks and none.summary.startswith("No source of assurance")
    assert none.lines == ["Overseen directly by Strategic Assurance Board."]
    g2 = g.copy()
    g2.remove_edge("M-FB", "M-JARAP", "REPORTS_TO")  # the Force Board stops reporting to the panel
    cut = chain_of(g2, "P-PE-1")
    assert cut.breaks and cut.summary.startswith("No route to the panel")
    assert cut.lines[0].endswith("reports to Force Board, which never reach the panel: no route to the panel.")
    mixed = chain_of(g2, "P-IQ-1")  # S2 reports straight to the panel, S1 through the Force Board
    assert mixed.summary == "The chain breaks for 1 of its 2 sources: no route to the panel."


# -- the drawing --------------------------------------------------------------------
def _by_id(drawing):
    return {n["id"]: n for n in drawing.nodes}


def test_status_has_fill_border_and_mark_and_findings_a_border(g, report):
    nodes = _by_id(build_drawing(g, report))
    for pid, status in (("P-PE-2", Status.UNCOVERED), ("P-IQ-1", Status.WEAK), ("P-IQ-2", Status.ADEQUATE)):
        look = style.STATUS[status]
        n = nodes[pid]
        assert n["color"]["background"] == look.fill and n["borderWidth"] == look.width
        assert n["shapeProperties"]["borderDashes"] == (list(look.dashes) or False)
        assert n["label"].startswith(look.glyph)
    assert nodes[ODD_ID]["color"]["border"] == style.SEVERITY_COLOURS[Severity.MEDIUM]
    assert nodes[ODD_ID]["label"].startswith("!")
    plain = nodes["C2"]  # no finding: a pale tint of its kind's colour from the schema
    assert plain["color"]["background"] == style.tint(SCHEMA.node("Commitment").style.colour, 0.22)
    assert nodes["M-JARAP"]["color"]["background"] == style.PANEL.fill


def test_columns_read_left_to_right_and_groups_stack_in_order(g, report):
    nodes = _by_id(build_drawing(g, report))
    x = {n: nodes[n]["x"] for n in nodes}
    assert x["A1"] < x["C1"] == x["R1"] < x["P-IQ-1"] < x["S1"] < x["M-FB"] < x["M-JARAP"]
    assert x["M-SAB"] < x["M-FB"]  # no route to the panel: the leftmost meeting column
    # sources stack by line 1 to 4, processes by area and, within it, worst first
    sources = sorted((nodes[s]["y"], nodes[s]["name"]) for s in ("S1", "S2", "S3", "S4"))
    assert [n for _, n in sources] == [SCRIPT_NAME, "Monthly MI report", "Internal audit: crime data integrity",
                                       "HMICFRS inspection"]
    assert nodes["P-IQ-1"]["y"] < nodes["P-IQ-2"]["y"] < nodes["P-PE-2"]["y"] < nodes["P-PE-1"]["y"]


def _overlaps(nodes):
    boxes = [(n["x"] - n["size_px"][0] / 2, n["y"] - n["size_px"][1] / 2, n["x"] + n["size_px"][0] / 2,
              n["y"] + n["size_px"][1] / 2, n["id"]) for n in nodes]
    return [(a[4], b[4]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]


def test_layout_is_fixed_and_no_boxes_overlap(g, report):
    first, again = build_drawing(g, report), build_drawing(g.copy(), report)
    assert [(n["id"], n["x"], n["y"]) for n in first.nodes] == [(n["id"], n["x"], n["y"]) for n in again.nodes]
    assert _overlaps(first.nodes) == []
    big, rep = large_map(1200, areas=4)
    opened = build_drawing(big, rep, expand="Area 01")
    assert _overlaps(opened.nodes) == []


def test_labels_are_short_with_the_full_name_on_hover(g, report):
    nodes = _by_id(build_drawing(g, report))
    n = nodes["S2"]
    assert all(len(line) <= 24 for line in n["label"].split("\n")) and len(n["label"].split("\n")) <= 2
    assert "Internal audit: crime data integrity" in n["title"]
    assert label_lines("A" * 60) == ["A" * 24, "A" * 23 + "\u2026"]


def test_large_views_open_at_area_level_and_open_one_area_worst_first():
    big, rep = large_map(1200, areas=4)
    closed = build_drawing(big, rep)
    assert closed.level == "areas" and [n["name"] for n in closed.nodes] == [f"Area {i:02d}" for i in range(4)]
    assert all(n["area_box"] and "processes" in n["label"] for n in closed.nodes)
    opened = build_drawing(big, rep, expand="area 02")  # any case
    assert opened.expanded == "Area 02"
    processes = [n for n in opened.nodes if n["kind"] == "Process"]
    assert {n["areas"][0] for n in processes} == {"Area 02"} and len(processes) == 60
    uncovered = [n["y"] for n in processes if n["status"] == "uncovered"]
    assert uncovered and max(uncovered) < min(n["y"] for n in processes if n["status"] != "uncovered")
    assert sorted(n["name"] for n in opened.nodes if n.get("area_box")) == ["Area 00", "Area 01", "Area 03"]
    with pytest.raises(ValidationError, match="Area 00"):
        build_drawing(big, rep, expand="Nowhere")


def test_an_area_with_many_processes_opens_a_page_at_a_time():
    big, rep = large_map(1500, areas=1)  # 300 processes in one area
    first = build_drawing(big, rep, expand="Area 00")
    assert sum(n["kind"] == "Process" for n in first.nodes) == PAGE
    assert "processes 1 to 100 of 300, worst first" in first.note
    more = [n for n in first.nodes if n["kind"] == "More"]
    assert len(more) == 1 and more[0]["name"] == "Area 00"
    last = build_drawing(big, rep, expand="Area 00", page=3)
    assert not [n for n in last.nodes if n["kind"] == "More"]
    with pytest.raises(ValidationError, match="page"):
        build_drawing(big, rep, expand="Area 00", page=4)


def test_a_focus_view_is_cut_to_the_nearest_items():
    big, rep = large_map(1200, areas=4)
    d = build_drawing(big, rep, focus="PANEL", limit=50)
    assert len(d.nodes) == 50 and "PANEL" in _by_id(d) and d.focus == "PANEL" and "nearest" in d.note
    assert _by_id(d)["PANEL"]["shadow"]["enabled"]


# -- colour that carries meaning -------------------------------------------------------
# Viénot, Brettel and Mollon (1999): how colours look without L (protan) or M (deutan) cones.
_SIMULATE = {
    "protan": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deutan": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritan": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def _rgb(colour):
    return [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]


def _seen(colour, matrix):
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(colour)]
    out = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, lin, strict=True)))) for row in matrix]
    return "#" + "".join(f"{round((12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055) * 255):02x}"
                         for v in out)


def _distance(a, b):
    return sum((x - y) ** 2 for x, y in zip(_rgb(a), _rgb(b), strict=True)) ** 0.5


def test_status_colours_stay_apart_for_the_colour_blind_and_in_greyscale():
    fills = [style.STATUS[s].fill for s in style.WORST_FIRST]
    for name, matrix in _SIMULATE.items():
        seen = [_seen(c, matrix) for c in fills]
        assert min(_distance(a, b) for i, a in enumerate(seen) for b in seen[i + 1:]) > 0.2, name
    # distinct lightness too, so a greyscale print tells them apart
    assert min(style.contrast(a, b) for i, a in enumerate(fills) for b in fills[i + 1:]) > 1.5
    looks = [style.STATUS[s] for s in style.WORST_FIRST]  # and a second cue besides colour
    assert len({(lk.dashes, lk.glyph) for lk in looks}) == 3


def test_every_fill_has_readable_text_and_kind_fills_differ_from_status_fills():
    fills = [lk.fill for lk in style.STATUS.values()] + [style.kind_look(k).fill for k in SCHEMA.node_names]
    fills += [style.PANEL.fill, style.BREAK.fill]
    for fill in fills:
        assert style.contrast(fill, style.text_colour(fill)) >= 4.5, fill
    for kind in SCHEMA.node_names:
        for look in style.STATUS.values():
            assert _distance(style.kind_look(kind).fill, look.fill) > 0.25
    assert style.kind_words("AssuranceSource") == "Assurance source"


def test_the_legend_shows_every_look_a_view_draws(g, report):
    html = pages.map_page(g, report, plans=True)
    for look in [*style.STATUS.values(), style.PANEL] + [style.kind_look(k) for k in SCHEMA.node_names]:
        assert f'fill="{look.fill}"' in html
    for sev in style.SEVERITY_COLOURS.values():
        assert f'stroke="{sev}"' in html
    for e in SCHEMA.edges:
        assert f'stroke="{e.colour}"' in html and e.description in html


def test_theme_css_carries_the_same_colours():
    css = style.theme_css()
    for status, look in style.STATUS.items():
        assert f".status-{status.value} {{ background: {look.fill};" in css


# -- pages ----------------------------------------------------------------------
def test_user_text_is_escaped_and_json_cannot_close_the_script(g, report):
    html = pages.map_page(g, report, plans=True)
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
    assert srcs == [urls.asset_url(n) for n in assets.page_assets("network") + assets.SERVED if n.endswith(".js")]
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
    assert "P-IQ-2" in texts and "adequate 0.62" in texts and "uncovered 0.00" in texts  # ids and classes
    assert b"<img" not in svg and svg == heatmap.heatmap_svg(hm)  # deterministic for papers


def test_dashboard_counts_and_links(g, report):
    html = pages.dashboard_page(g, report)
    cov = {c["area"]: c for c in pages.coverage_by_area(report)}
    assert cov["People"]["processes"] == 2 and dict(cov["People"]["counts"])[style.Status.UNCOVERED] == 1
    assert 'href="/views/record/R%202%2Fa%26b%3F"' in html
    assert 'href="/views/chain/P-PE-2"' in html and 'href="/views/area/Information%20Quality"' in html
    assert "G1 Uncovered" in html and "no action mitigates it" in html
    assert XSS_NAME not in html


# -- the command (both stores) ----------------------------------------------------
def _args(out: Path, **kw) -> argparse.Namespace:
    base = dict(out=str(out), area=None, focus=None, depth=2, kind="map", as_of="2024-03-31", policy=None,
                plans=False, expand=None)
    base.update(kw)
    return argparse.Namespace(**base)


def test_view_command_writes_one_self_contained_file(store, tmp_path, monkeypatch):
    from viz.command import run_view

    store.upsert(*small_map())
    monkeypatch.chdir(tmp_path)
    cases: list[tuple[str, dict[str, Any], int | None]] = [
        ("map", {}, 13), ("map", {"plans": True}, 16), ("map", {"area": "People"}, 7),
        ("map", {"focus": "P-IQ-1", "depth": 1}, 4), ("gaps", {}, None), ("chain", {"focus": "P-IQ-1"}, 5)]
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
    written = {p.name for p in tmp_path.iterdir()} - {"store.json", "store.json.lock", "store.audit.jsonl"}
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


# -- triage and records on the bundled demo map ------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    import datetime as dt

    from graphmodel.gaps import analyse
    from graphmodel.store.embedded import EmbeddedStore
    from loaders.bundled import load_demo

    s = EmbeddedStore(tmp_path_factory.mktemp("demo") / "store.json")
    load_demo(s)
    yield s, s.export(), analyse(s, as_of=dt.date(2026, 3, 31))
    s.close()


def test_triage_puts_the_worst_first_and_groups_overdue_actions_by_risk(demo):
    from viz.triage import triage

    _, g, report = demo
    t = triage(g, report)
    assert t.rows[0].rule == "G1" and t.rows[0].status_key == "uncovered"
    assert [r.severity.value for r in t.rows] == sorted((r.severity.value for r in t.rows),
                                                         key=["high", "medium", "low"].index)
    assert all(r.rule != "G9" for r in t.rows)  # overdue actions are grouped apart
    late = [a for grp in t.overdue for a in grp.actions]
    assert len({a.action_id for a in late}) == t.overdue_count == sum(f.rule == "G9" for f in report.findings)
    assert all(a.overdue.endswith(" overdue") and "days" not in a.overdue.split(" ")[1:2] for a in late
               if a.target_date and (report.as_of - a.target_date).days > 60)
    assert "12 years overdue" in {a.overdue for a in late}  # the 2013 action plan, seen in 2026
    assert t.overdue[0].risk_id is not None
    assert t.headline.startswith("1 process uncovered; ")
    assert t.choices("severity") == ["high", "medium", "low"]


def test_what_a_panel_member_reads_has_no_internal_names(demo):
    from html.parser import HTMLParser

    _, g, report = demo

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.skip, self.out = 0, []

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style")

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style")

        def handle_data(self, data):
            if not self.skip:
                self.out.append(data)

    for html in (pages.dashboard_page(g, report), pages.map_page(g, report, plans=True, links=True),
                 pages.record_page(g, report, "PE-P4"), pages.chain_page(g, report, "PE-P2", links=True)):
        p = Text()
        p.feed(html)
        text = " ".join(p.out)
        for name in [*SCHEMA.edge_names, "AssuranceSource", "target_date", "last_assured"]:
            assert name not in text, name
    for f in report.findings:
        for reason in f.reasons:
            assert not any(name in reason for name in SCHEMA.edge_names), reason


def test_record_page_of_a_process(demo):
    _, g, report = demo
    html = pages.record_page(g, report, "IQ-P1", can_what_if=True)
    assert "Process: Incident Reporting" in html and "weakly assured" in html
    for words in ("Sources of assurance", "HMICFRS crime data integrity inspection", "line 4 (external)",
                  "G5 Negative opinion", "Oversight chain", "Joint Audit, Risk and Assurance Panel",
                  "withdraw this source"):
        assert words in html, words
    assert 'href="/views/record/IQ-P1?withdraw=IQ-S3"' in html
    viewer = pages.record_page(g, report, "IQ-P1", can_what_if=False)
    assert "withdraw this source" not in viewer
    uncovered = pages.record_page(g, report, "PE-P4")
    assert "No source of assurance covers this process." in uncovered and "No source of assurance:" in uncovered
    with pytest.raises(NotFound):
        pages.record_page(g, report, "nope")


def test_record_page_shows_what_withdrawing_a_source_would_do(demo):
    from graphmodel.gaps import what_if

    store, g, report = demo
    result = what_if(store, withdraw=["PE-S4"], as_of=report.as_of)
    html = pages.record_page(g, report, "PE-P2", what_if=result, can_what_if=True)
    assert "What if PDR completion returns from line managers were withdrawn?" in html
    assert "1 process would change class" in html and "uncovered (no assurance)" in html
    source = pages.record_page(g, report, "PE-S4", can_what_if=True)
    assert "What if this source were withdrawn?" in source and "Gives assurance over" in source


def test_heat_maps_of_large_maps_come_by_area_or_page():
    big, rep = large_map(2000, areas=2)  # 400 processes
    with pytest.raises(ValidationError, match="at most 300: ask for one area"):
        heatmap.heat_map(big, rep, page=None)
    first, second = heatmap.heat_map(big, rep), heatmap.heat_map(big, rep, page=2)
    assert (len(first.rows), len(second.rows), first.pages, first.total) == (300, 100, 2, 400)
    assert "processes 301 to 400 of 400 (page 2 of 2)" in second.caption
    assert {r.process_id for r in first.rows}.isdisjoint(r.process_id for r in second.rows)
    one = heatmap.heat_map(big, rep, "area 01", page=None)  # one area fits in one image
    assert len(one.rows) == 200 and one.caption == "area Area 01"
    with pytest.raises(ValidationError, match="page"):
        heatmap.heat_map(big, rep, page=3)
    assert "Page:" in pages.heatmap_page(big, rep, links=True)
