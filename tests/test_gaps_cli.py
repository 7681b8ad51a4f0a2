"""`assurance-map gaps` in its three formats, and its input errors."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from api.cli import _parser, main
from graphmodel.gaps.command import run_gaps
from graphmodel.models import edge_from_dict, node_from_dict
from graphmodel.store.embedded import EmbeddedStore

NODES: list[tuple[str, dict[str, Any]]] = [
    ("Process", {"id": "P1", "name": "Vetting", "area": "People"}),
    ("Process", {"id": "P2", "name": "Incident reporting", "area": "Information Quality"}),
    ("AssuranceSource", {"id": "S1", "name": "Monthly supervisor spot checks", "line": 1,
                         "last_assured": "2024-06-01", "frequency": "monthly"}),
    ("Risk", {"id": "R1", "title": "Data loss, and misuse", "score": 12}),
]


def fill(store):
    store.upsert([node_from_dict(k, d) for k, d in NODES], [edge_from_dict({"source": "S1", "rel": "ASSURES",
                                                                          "target": "P1"})])
    return store


def gaps(store, *argv):
    out = io.StringIO()
    code = run_gaps(_parser().parse_args(["gaps", "--as-of", "2024-06-15", *argv]), store, out)
    return code, out.getvalue()


def test_json(store):
    code, text = gaps(fill(store), "--format", "json", "--explain")
    data = json.loads(text)
    assert code == 0
    assert set(data) >= {"as_of", "policy", "findings", "summary"}
    assert data["as_of"] == "2024-06-15" and data["policy"]["independent_months"] == 36
    assert {(f["rule"], f["node_id"]) for f in data["findings"]} == {
        ("G1", "P2"), ("G2", "P1"), ("G3", "P1"), ("G6", "P1"), ("G8", "R1"), ("G10", "S1")}
    assert data["summary"]["areas"]["People"]["weak"] == 1
    p1 = next(a for a in data["assessments"] if a["process_id"] == "P1")
    assert p1["explanation"] == "score = 1 - (1 - 0.100) = 0.100"
    assert p1["sources"][0]["recency"] == "current"


def test_csv_one_finding_per_row(store):
    code, text = gaps(fill(store), "--format", "csv", "--rule", "G2,g8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert code == 0
    assert [(r["rule"], r["node_id"], r["label"]) for r in rows] == [
        ("G2", "P1", "Vetting"), ("G8", "R1", "Data loss, and misuse")]
    assert rows[1]["reasons"] == "no action is recorded against it; its risk score is 12"


def test_table_groups_by_area(store):
    code, text = gaps(fill(store), "--explain")
    assert code == 0
    people = text.index("== People: 1 process(es), 0 uncovered, 1 weak, 0 adequate")
    iq = text.index("== Information Quality")
    other = text.index("== Other findings")
    assert iq < people < other  # areas in name order, then findings about other kinds
    assert "P1  weak       0.10  Vetting  [G2, G3, G6]" in text
    assert "Monthly supervisor spot checks: line 1 weight 0.2 x unrated 0.5 x current 1 = 0.100" in text
    assert text.index("G2   medium Process P1: Vetting") < other < text.index("G8   medium Risk R1")


def test_area_option(store, capsys):
    code, text = gaps(fill(store), "--area", "information quality", "--format", "json")
    data = json.loads(text)
    assert [f["rule"] for f in data["findings"]] == ["G1"]
    code, text = gaps(store, "--area", "Finance")
    assert (code, text) == (2, "")
    assert ("no process has this area; areas in the map: 'Information Quality', 'People' (value 'Finance')"
            in capsys.readouterr().err)


@pytest.mark.parametrize("argv, message", [
    (["--rule", "G1,G12"], "rule: unknown rule; expected one of G1, G2"),
    (["--as-of", "Ongoing"], "field '--as-of': not a date"),
    (["--policy", "/nonexistent/policy.yaml"], "policy file /nonexistent/policy.yaml: cannot read it"),
])
def test_bad_input_exits_2(store, capsys, argv, message):
    code = run_gaps(_parser().parse_args(["gaps", *argv]), store, io.StringIO())
    assert code == 2
    assert message in capsys.readouterr().err


def test_entry_point(tmp_path, capsys):
    path = tmp_path / "map.json"
    fill(EmbeddedStore(path))
    assert main(["--store", str(path), "gaps", "--as-of", "15/06/2024", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["by_rule"]["G1"] == 1
    assert main(["--store", str(path), "gaps", "--rule", "X1"]) == 2
    assert "unknown rule" in capsys.readouterr().err
