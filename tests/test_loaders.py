"""The import format, version 1: readers, validation, all-or-nothing writes, bad input."""
from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from graphmodel.store.embedded import EmbeddedStore
from loaders.command import run_load
from loaders.load import load

MAP: dict[str, list[dict[str, Any]]] = {
    "commitments": [{"id": "C1", "title": "Accurate crime recording"}],
    "risks": [{"id": "R1", "title": "Data quality failure", "score": 6}],
    "actions": [
        {"id": "A1", "title": "Review data quality audits", "target_date": "Jul-13", "status": "Complete",
         "mitigates": "R1", "delivers": "C1"},
        {"id": "A2", "title": "Dashboard", "target_date": "Ongoing", "status": "(C)", "mitigates": "R1",
         "linked_to": "A1"},
    ],
    "processes": [{"id": "P1", "name": "Incident Reporting", "area": "Information Quality",
                   "criticality": "High", "supports": "C1", "exposed_to": "R1"}],
    "assurance_sources": [
        {"id": "S1", "name": "Supervisor spot checks", "line": 1, "opinion": "Reasonable",
         "last_assured": "30/06/2013", "frequency": "Monthly", "assures": "P1", "reports_to": "M2"},
        {"id": "S2", "name": "Internal audit", "line": 3, "last_assured": "sometime in 2012",
         "frequency": "every blue moon", "assures": "P1; C1\nR1"},
    ],
    "meetings": [
        {"id": "M1", "name": "JARAP", "panel": "yes", "frequency": "quarterly"},
        {"id": "M2", "name": "Performance Delivery Group", "reports_to": "M1", "oversees": "P1"},
    ],
    "links": [{"from": "M1", "rel": "oversees", "to": "R1", "note": "at every meeting"}],
}


def write_xlsx(path: Path, tables: dict[str, list[dict]], rename: dict[str, str] | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for table, rows in tables.items():
        ws = wb.create_sheet((rename or {}).get(table, table))
        header = list(dict.fromkeys(k for r in rows for k in r))
        ws.append(header)
        for r in rows:
            ws.append([r.get(h) for h in header])
    wb.save(path)
    return path


def write_csv_folder(folder: Path, tables: dict[str, list[dict]], encoding: str = "utf-8-sig") -> Path:
    import csv
    import io

    folder.mkdir()
    for table, rows in tables.items():
        header = list(dict.fromkeys(k for r in rows for k in r))
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(header)
        for r in rows:
            w.writerow(["" if r.get(h) is None else r.get(h) for h in header])
        (folder / f"{table}.csv").write_bytes(buf.getvalue().encode(encoding))
    return folder


def snapshot(store) -> tuple[dict, list]:
    g = store.export()
    nodes = {n: d["node"].model_dump() for n, d in g.nodes(data=True)}
    return nodes, sorted((u, k, v) for u, v, k in g.edges(keys=True))


def counts(store):
    c = store.counts()
    return c.nodes, c.edges


# -- the good path ------------------------------------------------------------------

def test_workbook_loads_every_table_with_relations(store, tmp_path):
    report = load([write_xlsx(tmp_path / "map.xlsx", MAP)], store)
    assert report.ok, report.errors
    assert report.written
    assert report.nodes == {"Commitment": 1, "Risk": 1, "Action": 2, "Process": 1, "AssuranceSource": 2, "Meeting": 2}
    a1, a2 = store.node("A1"), store.node("A2")
    assert a1.target_date == dt.date(2013, 7, 31) and a1.status == "blue"
    assert a2.target_date is None and a2.target_text == "Ongoing" and a2.status == "blue"
    assert store.node("P1").criticality == "high"
    s1, s2 = store.node("S1"), store.node("S2")
    assert (s1.line, s1.opinion, s1.last_assured, s1.frequency) == (1, "reasonable", dt.date(2013, 6, 30), "monthly")
    assert s2.last_assured is None and s2.frequency == "every blue moon" and s2.opinion == "unrated"
    assert store.node("M1").panel is True
    for key in [("A1", "MITIGATES", "R1"), ("A1", "DELIVERS", "C1"), ("A2", "LINKED_TO", "A1"),
                ("P1", "SUPPORTS", "C1"), ("P1", "EXPOSED_TO", "R1"), ("S1", "ASSURES", "P1"),
                ("S2", "ASSURES", "C1"), ("S2", "ASSURES", "R1"), ("S1", "REPORTS_TO", "M2"),
                ("M2", "REPORTS_TO", "M1"), ("M2", "OVERSEES", "P1")]:
        assert store.get_edge(*key) is not None, key
    assert store.get_edge("M1", "OVERSEES", "R1").note == "at every meeting"
    warned = {(w.table, w.row, w.column, w.value) for w in report.warnings}
    assert ("actions", 3, "target_date", "Ongoing") in warned  # header is row 1, A2 is row 3
    assert ("assurance_sources", 3, "last_assured", "sometime in 2012") in warned
    assert ("assurance_sources", 3, "frequency", "every blue moon") in warned


def test_same_map_in_every_format_gives_the_same_graph(tmp_path):
    (tmp_path / "map.yaml").write_text(yaml.safe_dump(MAP), encoding="utf-8")
    (tmp_path / "map.json").write_text(json.dumps(MAP), encoding="utf-8")
    paths = [write_xlsx(tmp_path / "map.xlsx", MAP), write_csv_folder(tmp_path / "csv", MAP),
             tmp_path / "map.yaml", tmp_path / "map.json"]
    graphs = []
    for i, path in enumerate(paths):
        s = EmbeddedStore(tmp_path / f"s{i}.json")
        report = load([path], s)
        assert report.ok, (path, report.errors)
        graphs.append(snapshot(s))
    assert all(g == graphs[0] for g in graphs[1:])


def test_names_match_ignoring_case_spaces_dashes_and_underscores(store, tmp_path):
    tables: dict[str, list[dict[str, Any]]] = {
        "Assurance Sources": [{"ID": "S1", "Name": "Spot checks", "LINE": 1, "Last-Assured": "Jun-13",
                               "Assures": "P1"}],
        "PROCESSES": [{"Id": "P1", "name": "Vetting", "Area": "People"}]}
    report = load([write_xlsx(tmp_path / "m.xlsx", tables)], store)
    assert report.ok, report.errors
    assert store.node("S1").last_assured == dt.date(2013, 6, 30)


def test_loading_twice_is_idempotent_and_a_changed_row_updates_its_node(store, tmp_path):
    path = write_xlsx(tmp_path / "map.xlsx", MAP)
    assert load([path], store).ok
    first = snapshot(store)
    assert load([path], store).ok
    assert snapshot(store) == first
    changed = {**MAP, "risks": [{"id": "R1", "title": "Data quality failure", "score": 16}]}
    assert load([write_xlsx(tmp_path / "map2.xlsx", changed)], store).ok
    assert store.node("R1").score == 16
    assert store.counts().total_nodes == len(first[0]) and store.counts().total_edges == len(first[1])


def test_dry_run_validates_and_writes_nothing(store, tmp_path):
    report = load([write_xlsx(tmp_path / "map.xlsx", MAP)], store, dry_run=True)
    assert report.ok and not report.written
    assert store.counts().total_nodes == 0


def test_references_may_point_into_the_store_or_another_file(store, tmp_path):
    assert load([write_xlsx(tmp_path / "a.xlsx", {"risks": MAP["risks"]})], store).ok
    (tmp_path / "b.yaml").write_text(yaml.safe_dump({"actions": [{"id": "A9", "title": "x", "mitigates": "R1",
                                                                   "delivers": "C1"}]}))
    (tmp_path / "c.yaml").write_text(yaml.safe_dump({"commitments": MAP["commitments"]}))
    report = load([tmp_path / "b.yaml", tmp_path / "c.yaml"], store)
    assert report.ok, report.errors
    assert store.get_edge("A9", "MITIGATES", "R1") and store.get_edge("A9", "DELIVERS", "C1")


def test_template_sheet_is_ignored_and_blank_rows_are_skipped(store, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Guide"
    wb.active.append(["table", "column"])
    ws = wb.create_sheet("risks")
    ws.append(["id", "title"])
    ws.append([None, None])
    ws.append(["R1", "First"])
    ws.append([])
    ws.append(["R2", "Second"])
    wb.save(tmp_path / "m.xlsx")
    report = load([tmp_path / "m.xlsx"], store)
    assert report.ok and not report.warnings
    assert store.counts().nodes["Risk"] == 2


# -- bad input: a clear error, and the store unchanged ----------------------------------

@pytest.fixture
def seeded(store, tmp_path):
    """A store that already holds the good map, so 'nothing written' is visible."""
    assert load([write_xlsx(tmp_path / "seed.xlsx", MAP)], store).ok
    return store


def assert_refused(store, paths, *fragments, adapter="auto"):
    before = snapshot(store)
    report = load(paths, store, adapter=adapter)
    assert not report.ok and not report.written
    text = "\n".join(map(str, report.errors))
    for fragment in fragments:
        assert fragment in text, text
    assert snapshot(store) == before
    return report


def test_wrong_extension(seeded, tmp_path):
    (tmp_path / "map.pptx").write_text("x")
    assert_refused(seeded, [tmp_path / "map.pptx"], "map.pptx: unsupported file type", "value '.pptx'")
    (tmp_path / "map.docx").write_text("x")
    assert_refused(seeded, [tmp_path / "map.docx"], "map.docx: not a readable .docx document")


def test_empty_files(seeded, tmp_path):
    for name in ("risks.csv", "map.yaml", "map.xlsx", "map.json"):
        (tmp_path / name).write_bytes(b"")
        assert_refused(seeded, [tmp_path / name], f"{name}: empty")


def test_missing_required_column(seeded, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {"processes": [{"id": "P9", "name": "Vetting"}]})
    assert_refused(seeded, [path], "m.xlsx: processes row 1: missing required column(s): area")


def test_unknown_table(seeded, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {"riskz": [{"id": "R9", "title": "x"}]})
    assert_refused(seeded, [path], "m.xlsx: riskz row 1: unknown table; expected one of commitments, risks")


def test_duplicate_ids_across_files(seeded, tmp_path):
    a = write_xlsx(tmp_path / "a.xlsx", {"risks": [{"id": "X1", "title": "one"}]})
    (tmp_path / "b.yaml").write_text(yaml.safe_dump({"commitments": [{"id": "X1", "title": "two"}]}))
    assert_refused(seeded, [a, tmp_path / "b.yaml"],
                   "b.yaml: commitments row 1, column id: duplicate id: already used by the Risk at",
                   "a.xlsx risks row 2")


def test_id_of_another_kind_in_the_store(seeded, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {"commitments": [{"id": "R1", "title": "clash"}]})
    assert_refused(seeded, [path], "commitments row 2, column id: id is already a Risk in the store")


def test_dangling_reference(seeded, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {"actions": [{"id": "A9", "title": "x", "mitigates": "R1; R404"}]})
    assert_refused(seeded, [path], "m.xlsx: actions row 2, column mitigates: no node with id 'R404'")


def test_unknown_relation(seeded, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {"links": [{"from": "S1", "rel": "AUDITS", "to": "P1"}]})
    assert_refused(seeded, [path], "m.xlsx: links row 2, column rel: unknown relation", "(value 'AUDITS')")


def test_triple_not_in_schema(seeded, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {"links": [{"from": "R1", "rel": "MITIGATES", "to": "A1"}],
                                            "actions": [{"id": "A9", "title": "x", "delivers": "R1"}]})
    assert_refused(seeded, [path], "links row 2, column rel: R1 (Risk) -MITIGATES-> A1 (Action) is not allowed",
                   "actions row 2, column delivers: A9 (Action) -DELIVERS-> R1 (Risk) is not allowed")


def test_invalid_line_opinion_and_criticality_are_all_reported_at_once(seeded, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {
        "assurance_sources": [{"id": "S9", "name": "x", "line": 5, "opinion": "great", "assures": "P1"},
                              {"id": "S10", "name": "y", "line": "two", "assures": "P1"}],
        "processes": [{"id": "P9", "name": "z", "area": "People", "criticality": "extreme"}]})
    report = assert_refused(seeded, [path],
                            "assurance_sources row 2, column line: must be one of 1, 2, 3, 4 (value '5')",
                            "assurance_sources row 2, column opinion: must be one of substantial, reasonable, "
                            "limited, none, unrated (value 'great')",
                            "assurance_sources row 3, column line: must be one of 1, 2, 3, 4 (value 'two')",
                            "processes row 2, column criticality: must be one of low, medium, high (value 'extreme')")
    assert len(report.errors) == 4  # no follow-on noise about the failed rows' links


def test_formula_without_saved_value_is_an_error_naming_the_cell(seeded, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "risks"
    ws.append(["id", "title", "score"])
    ws.append(["R9", "Formula risk", "=3*4"])
    wb.save(tmp_path / "f.xlsx")
    assert_refused(seeded, [tmp_path / "f.xlsx"], "f.xlsx: risks row 2: cell C2 holds a formula with no saved value",
                   "(value '=3*4')")


def test_merged_cells_repeat_the_value_down_and_warn(store, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "processes"
    ws.append(["id", "name", "area"])
    ws.append(["P1", "Incident Reporting", "Information Quality"])
    ws.append(["P2", "Performance Information", None])
    ws.append(["P3", "Vetting", "People"])
    ws.merge_cells("C2:C3")
    wb.save(tmp_path / "m.xlsx")
    report = load([tmp_path / "m.xlsx"], store)
    assert report.ok, report.errors
    assert store.node("P2").area == "Information Quality"
    assert any("merged cells C2:C3" in str(w) for w in report.warnings)


def test_merged_id_cells_end_in_a_duplicate_id_error(seeded, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "risks"
    ws.append(["id", "title"])
    ws.append(["R9", "one"])
    ws.append([None, "two"])
    ws.merge_cells("A2:A3")
    wb.save(tmp_path / "m.xlsx")
    assert_refused(seeded, [tmp_path / "m.xlsx"], "risks row 3, column id: duplicate id")


def test_cp1252_csv_loads_with_a_warning(store, tmp_path):
    folder = write_csv_folder(tmp_path / "csv", {"risks": [{"id": "R1", "title": "Café – “quoted” risk £5"}]},
                              encoding="cp1252")
    report = load([folder], store)
    assert report.ok, report.errors
    assert store.node("R1").title == "Café – “quoted” risk £5"
    assert any("Windows-1252" in str(w) for w in report.warnings)


def test_undecodable_csv_is_refused(seeded, tmp_path):
    (tmp_path / "risks.csv").write_bytes(b"id,title\nR9,bad \x81\x8d byte\n")
    assert_refused(seeded, [tmp_path / "risks.csv"], "risks.csv: cannot read the text")


def test_missing_required_value_and_links_cells(seeded, tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {"risks": [{"id": "R9", "title": None, "score": 40}],
                                            "links": [{"from": "R1", "rel": None, "to": "A1"}]})
    assert_refused(seeded, [path], "risks row 2, column title: required field is missing",
                   "risks row 2, column score: Input should be less than or equal to 25 (value '40')",
                   "links row 2, column rel: required value is missing")


def test_large_workbook_loads(tmp_path):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("risks")
    ws.append(["id", "title", "score", "owner", "register"])
    for i in range(25_000):
        ws.append([f"R{i}", f"Risk number {i}", i % 25 + 1, "Owner", "Register"])
    ws = wb.create_sheet("actions")
    ws.append(["id", "title", "target_date", "status", "mitigates"])
    for i in range(25_000):
        ws.append([f"A{i}", f"Action {i}", dt.datetime(2026, 1, 1) + dt.timedelta(days=i % 400), "green", f"R{i}"])
    wb.save(tmp_path / "big.xlsx")
    store = EmbeddedStore(tmp_path / "big.json")
    report = load([tmp_path / "big.xlsx"], store)
    assert report.ok, report.errors[:5]
    c = store.counts()
    assert (c.nodes["Risk"], c.nodes["Action"], c.total_nodes) == (25_000, 25_000, 50_000)
    assert (c.edges["MITIGATES"], c.total_edges) == (25_000, 25_000)
    assert store.get_edge("A24999", "MITIGATES", "R24999") is not None


# -- the command -------------------------------------------------------------------------

def test_command_lists_every_error_and_exits_2(seeded, tmp_path, capsys):
    path = write_xlsx(tmp_path / "m.xlsx", {"actions": [{"id": "A9", "title": "x", "mitigates": "R404"}],
                                            "riskz": [{"id": "x"}]})
    code = run_load(argparse.Namespace(paths=[str(path)], dry_run=False, adapter="auto"), seeded)
    err = capsys.readouterr().err
    assert code == 2
    assert f"error: {path}: actions row 2, column mitigates: no node with id 'R404' in this load or in the store " \
           f"(value 'R404')" in err
    assert f"error: {path}: riskz row 1: unknown table" in err
    assert "NOTHING written" in err


def test_command_succeeds_with_counts(store, tmp_path, capsys):
    path = write_xlsx(tmp_path / "m.xlsx", MAP)
    assert run_load(argparse.Namespace(paths=[str(path)], dry_run=True, adapter="auto"), store) == 0
    assert store.counts().total_nodes == 0
    assert run_load(argparse.Namespace(paths=[str(path)], dry_run=False, adapter="auto"), store) == 0
    out = capsys.readouterr().out
    assert "Action 2" in out and "MITIGATES 2" in out and "written" in out


def test_impossible_dates_and_assurance_dated_in_the_future_are_errors(seeded, tmp_path):
    import datetime as dt

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    (tmp_path / "map.yaml").write_text(yaml.safe_dump({
        "actions": [{"id": "A9", "title": "Review", "target_date": "30/02/2024"}],
        "assurance_sources": [{"id": "S9", "name": "Audit", "line": 3, "last_assured": tomorrow, "assures": "A9"}],
    }), encoding="utf-8")
    assert_refused(seeded, [tmp_path / "map.yaml"],
                   "map.yaml: actions row 1, column target_date: not a real date (day or month out of range) "
                   "(value '30/02/2024')",
                   "map.yaml: assurance_sources row 1, column last_assured: last assured later than today")
