"""The panel cycle on the command line: snapshot save/list/show/delete, changes, accept, unaccept and
acceptances, with their refusals (exit 2, the reason on standard error) and the audit log."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from graphmodel.store.embedded import EmbeddedStore
from tests.test_panel_cycle import first_map, second_map


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    audit = tmp_path / "audit.jsonl"
    monkeypatch.setenv("ASSURANCE_MAP_AUDIT_LOG", str(audit))
    path = tmp_path / "map.json"
    with EmbeddedStore(path) as store:
        first_map(store)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--store", str(path), *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    run.path = path  # type: ignore[attr-defined]
    run.audit = audit  # type: ignore[attr-defined]
    return run


def audit_log(cli) -> list[tuple[str, str]]:
    lines = Path(cli.audit).read_text(encoding="utf-8").splitlines()
    return [(e["who"].endswith("(local)"), e["action"]) for e in map(json.loads, lines)]


def test_snapshots_on_the_command_line(cli):
    code, out, _ = cli("snapshot", "save", "JARAP March 2024", "--as-of", "31/03/2024", "--by", "Clerk to the panel")
    assert code == 0 and "Saved snapshot 'JARAP March 2024': as of 2024-03-31" in out
    code, _, err = cli("snapshot", "save", "jarap march 2024")
    assert code == 2 and "already exists" in err
    code, _, err = cli("snapshot", "save", "  ")
    assert code == 2 and "must not be empty" in err
    code, out, _ = cli("snapshot", "list")
    assert "JARAP March 2024  2024-03-31" in out and "Clerk to the panel" in out
    listed = json.loads(cli("snapshot", "list", "--format", "json")[1])
    assert [s["name"] for s in listed] == ["JARAP March 2024"]
    shown = json.loads(cli("snapshot", "show", "JARAP MARCH 2024", "--format", "json")[1])
    assert shown["taken_by"] == "Clerk to the panel" and shown["report"]["as_of"] == "2024-03-31"
    code, out, _ = cli("snapshot", "show", "JARAP March 2024")
    assert "Snapshot 'JARAP March 2024': as of 2024-03-31" in out and "Gap analysis as of 2024-03-31" in out
    code, _, err = cli("snapshot", "show", "JARAP June")
    assert code == 2 and "the snapshots are: 'JARAP March 2024'" in err
    assert cli("snapshot", "delete", "JARAP March 2024")[0] == 0
    assert "No snapshots yet" in cli("snapshot", "list")[1]
    assert audit_log(cli) == [(True, "save snapshot"), (True, "delete snapshot")]


def test_changes_on_the_command_line(cli):
    cli("snapshot", "save", "JARAP March 2024", "--as-of", "2024-03-31")
    with EmbeddedStore(cli.path) as store:
        second_map(store)
    code, out, _ = cli("changes", "--as-of", "2024-06-30")
    assert code == 0
    assert "Changes since 'JARAP March 2024' (as of 2024-03-31) until the map now (as of 2024-06-30)" in out
    assert "People" in out and "↑ improved" in out and "× removed   P-REC Recruitment" in out
    assert "- Process P-REC: Recruitment" in out and "+ Process P-TRN: Training" in out
    body = json.loads(cli("changes", "--since", "JARAP March 2024", "--as-of", "2024-06-30", "--format", "json")[1])
    assert list(body) == ["since", "until", "processes", "areas", "findings", "actions", "nodes"]
    code, _, err = cli("changes", "--since", "JARAP March 2024", "--as-of", "2024-01-01")
    assert code == 2 and "compare a snapshot with a later state" in err
    with pytest.raises(SystemExit):  # --as-of and --until together: argparse refuses
        main(["--store", str(cli.path), "changes", "--until", "x", "--as-of", "2024-06-30"])


def test_accepting_on_the_command_line(cli):
    code, out, _ = cli("accept", "G2", "P-REC", "--by", "JARAP, 12 March 2024", "--reason", "Spot checks suffice",
                       "--review", "31 December 2099")
    assert code == 0 and "Accepted G2 for 'P-REC' until 2099-12-31." in out
    code, out, _ = cli("accept", "g2", "P-REC", "--by", "JARAP", "--reason", "Again", "--review", "2099-06-30")
    assert "replacing the earlier acceptance" in out
    code, _, err = cli("accept", "G1", "P-REC", "--by", "JARAP", "--reason", "r", "--review", "2099-06-30")
    assert code == 2 and "G1 (Uncovered) does not hold for 'P-REC'" in err
    code, _, err = cli("accept", "G2", "P-REC", "--by", "JARAP", "--reason", "r", "--review", "soon")
    assert code == 2 and "--review" in err and "not a date" in err
    assert "* accepted by JARAP on" in cli("gaps")[1]
    kept = json.loads(cli("acceptances", "--format", "json")[1])["acceptances"]
    assert [(a["rule"], a["node_id"], a["state"], a["review"]) for a in kept] == [
        ("G2", "P-REC", "in force", "2099-06-30")]
    assert "in force" in cli("acceptances")[1]
    assert cli("unaccept", "G2", "P-REC")[0] == 0
    code, _, err = cli("unaccept", "G2", "P-REC")
    assert code == 2 and "not found" in err
    assert audit_log(cli) == [(True, "accept gap"), (True, "accept gap"), (True, "unaccept gap")]
