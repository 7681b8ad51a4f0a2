"""The bundled pilot-area maps and the template workbook."""
from __future__ import annotations

import datetime as dt

import openpyxl

from graphmodel.values import per_annum
from loaders.bundled import TEMPLATE, demo_paths, load_demo
from loaders.columns import TABLE_NAMES, columns
from loaders.template import GUIDE, build

PILOT_PROCESSES = {
    "Information Quality": {"Incident Reporting", "Performance Information",
                            "Assurances over the effectiveness of Quality Assurance", "Records & Systems Management"},
    "People": {"Vetting including reference and CRB check", "Performance/Appraisal Process", "Training & Development",
               "Leaver management", "Human Resource Records Management", "Recruitment Process"},
}
DEMO_AS_OF = dt.date(2026, 12, 1)


def rules_that_fire(g, as_of: dt.date) -> set[str]:
    """The SPEC's gap rules, written out plainly, to check the demo data exercises each one."""
    node = lambda n: g.nodes[n]["node"]  # noqa: E731
    of_kind = lambda k: [n for n, d in g.nodes(data=True) if d["kind"] == k]  # noqa: E731
    into = lambda n, rel: [u for u, _, k in g.in_edges(n, keys=True) if k == rel]  # noqa: E731
    out = lambda n, rel: [v for _, v, k in g.out_edges(n, keys=True) if k == rel]  # noqa: E731

    def stale(s) -> bool:
        n = per_annum(s.frequency)
        allowed = 365.25 / n * 1.5 if n else 365.25
        return s.last_assured is None or (as_of - s.last_assured).days > allowed

    fired = set()
    for p in of_kind("Process"):
        sources = [node(s) for s in into(p, "ASSURES")]
        if not sources:
            fired.add("G1")
            continue
        independent = [s for s in sources if s.line >= 3 and s.last_assured]
        if all(s.line == 1 for s in sources):
            fired.add("G2")
        if not any(s.last_assured >= as_of.replace(year=as_of.year - 3) for s in independent):
            fired.add("G3")
        if all(stale(s) for s in sources):
            fired.add("G4")
        if independent and max(independent, key=lambda s: s.last_assured).opinion in ("limited", "none"):
            fired.add("G5")
        if not any(out(s.id, "REPORTS_TO") for s in sources):
            fired.add("G6")
        if len(sources) == 1:
            fired.add("G10")
    if any(not into(c, "OVERSEES") and not into(c, "ASSURES") for c in of_kind("Commitment")):
        fired.add("G7")
    if any(not into(r, "MITIGATES") for r in of_kind("Risk")):
        fired.add("G8")
    if any(node(a).target_date and node(a).target_date < as_of and node(a).status != "blue" for a in of_kind("Action")):
        fired.add("G9")
    return fired


def test_demo_loads_on_both_stores_and_again_without_change(store):
    report = load_demo(store)
    assert report.ok, report.errors
    assert [p.name for p in demo_paths()][-1] == "leics-2013-risk-register.txt"
    first = store.counts()
    assert first.nodes["Risk"] == 12 and first.nodes["Process"] == 10
    assert load_demo(store).ok
    assert store.counts() == first


def test_demo_covers_the_pilot_areas_lines_and_oversight(store):
    assert load_demo(store).ok
    g = store.export()
    processes = [d["node"] for _, d in g.nodes(data=True) if d["kind"] == "Process"]
    for area, names in PILOT_PROCESSES.items():
        assert {p.name for p in processes if p.area == area} == names
    sources = [d["node"] for _, d in g.nodes(data=True) if d["kind"] == "AssuranceSource"]
    assert {s.line for s in sources} == {1, 2, 3, 4}
    assert all(s.opinion for s in sources) and sum(s.last_assured is not None for s in sources) >= 12
    meetings = {n: d["node"] for n, d in g.nodes(data=True) if d["kind"] == "Meeting"}
    panel = [m for m in meetings.values() if m.panel]
    assert [m.name for m in panel] == ["Joint Audit, Risk and Assurance Panel"]
    for m in meetings:  # every meeting's reporting chain ends at the panel
        chain, seen = m, set()
        while not meetings[chain].panel:
            seen.add(chain)
            (chain,) = [v for _, v, k in g.out_edges(chain, keys=True) if k == "REPORTS_TO"]
            assert chain not in seen
    # from the 2013 paper, via its adapter
    assert g.nodes["leics-2013-risk-R8"]["node"].title == "Data quality issues/failure"


def test_every_gap_rule_fires_on_the_demo_at_a_fixed_date_and_today(tmp_path):
    from graphmodel.store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "demo.json")
    assert load_demo(store).ok
    g = store.export()
    everything = {f"G{i}" for i in range(1, 11)}
    assert rules_that_fire(g, DEMO_AS_OF) == everything
    assert rules_that_fire(g, dt.date.today()) == everything
    assert rules_that_fire(g, dt.date(2028, 6, 30)) == everything


def _values(path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


def test_shipped_template_equals_a_fresh_generation(tmp_path):
    assert _values(TEMPLATE) == _values(build(tmp_path / "fresh.xlsx"))


def test_template_has_every_table_and_a_guide_for_every_column():
    sheets = _values(TEMPLATE)
    assert list(sheets) == [GUIDE, *TABLE_NAMES]
    for table in TABLE_NAMES:
        assert sheets[table] == [columns(table)]
    guided = {(r[0], r[1]) for r in sheets[GUIDE][1:]}
    assert {(t, c) for t in TABLE_NAMES for c in columns(t)} <= guided
    line = next(r for r in sheets[GUIDE] if r[:2] == ("assurance_sources", "line"))
    assert line[3] == "yes" and line[4] == "1, 2, 3, 4"


def test_the_blank_template_loads_as_an_empty_map(store):
    from loaders.load import load

    report = load([TEMPLATE], store)
    assert report.ok and not report.warnings and store.counts().total_nodes == 0
