"""The `assurance-map` command line as a user meets it: global options on either side of the
command, the demo's store, output piped into `head`, and views written as the file name asks."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.cli import main
from graphmodel.store.embedded import EmbeddedStore
from loaders.bundled import load_demo
from loaders.synthetic import generate, write_to_store
from tests.serving import free_port

REPO = Path(__file__).resolve().parents[1]


def cli(*argv: str, stdout: int | None = None) -> subprocess.Popen[str]:
    """The command in a process of its own, as a shell would run it; stderr is kept."""
    return subprocess.Popen([sys.executable, "-m", "api.cli", *argv], cwd=REPO, stdout=stdout,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture
def demo_store(tmp_path: Path) -> Path:
    path = tmp_path / "map.json"
    with EmbeddedStore(path) as store:
        load_demo(store)
    return path


@pytest.mark.parametrize("where", ["before", "after"])
def test_store_before_or_after_the_command(demo_store, capsys, where):
    argv = ["gaps", "--rule", "G1", "--format", "csv"]
    argv = ["--store", str(demo_store), *argv] if where == "before" else [*argv, "--store", str(demo_store)]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("rule,severity,kind,node_id")


def test_store_from_the_environment_and_the_option_wins(demo_store, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ASSURANCE_MAP_STORE", str(demo_store))
    assert main(["gaps", "--format", "csv"]) == 0
    assert capsys.readouterr().out.count("\n") > 10
    assert main(["gaps", "--format", "csv", "--store", str(tmp_path / "empty.json")]) == 0
    assert capsys.readouterr().out == "rule,severity,kind,node_id,label,area,reasons,acceptance\n"


def test_output_piped_into_head_ends_quietly(tmp_path):
    """Far more output than a pipe holds, a reader that leaves after a few bytes, and no traceback."""
    path = tmp_path / "big.json"
    with EmbeddedStore(path) as store:
        write_to_store(generate(300), store)
    proc = cli("--store", str(path), "gaps", "--format", "json", "--explain", stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10) == '{\n  "as_of'
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(60) == 141
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception ignored" not in err


def test_demo_serves_the_store_it_is_given(tmp_path):
    """`assurance-map --store F demo` loads the pilot maps into F, says so, and serves them."""
    path, port = tmp_path / "demo.json", free_port()
    proc = cli("--store", str(path), "demo", "--port", str(port))
    try:
        deadline, health = time.time() + 60, None
        while time.time() < deadline and proc.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json()
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None, "the demo did not start"
        assert health["status"] == "ok" and health["counts"]["nodes"]["Process"] == 10
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert f"Loaded the pilot-area maps into {path}" in err
    assert "Traceback" not in err
    assert EmbeddedStore(path).counts().nodes["Process"] == 10


def test_demo_honours_the_environment_and_keeps_an_existing_map(demo_store, monkeypatch, caplog):
    monkeypatch.setenv("ASSURANCE_MAP_STORE", str(demo_store))
    before = demo_store.stat().st_mtime_ns
    with caplog.at_level("INFO"):
        assert main(["demo", "--no-serve"]) == 0
    assert f"Serving the map already in {demo_store}" in caplog.text
    assert demo_store.stat().st_mtime_ns == before


def test_view_writes_the_heat_map_as_an_image(demo_store, tmp_path, capsys):
    for suffix, magic in ((".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<?xml")):
        out = tmp_path / f"heat{suffix}"
        assert main(["--store", str(demo_store), "view", "--kind", "heatmap", "--out", str(out)]) == 0
        assert out.read_bytes().startswith(magic)
        assert f"wrote {out}" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--out", "map.png"], "only the heat map is drawn as PNG (--kind heatmap); the map view is an interactive page"),
    (["--out", "map.pdf"], "write a view to a .html file (the heat map also to .png or .svg)"),
    (["--out", "gaps.svg", "--kind", "gaps"], "only the heat map is drawn as SVG"),
    (["--out", "map.html", "--kind", "gaps", "--area", "People"], "--area narrows the map and the heat map"),
    (["--out", "map.html", "--focus", "PE-P1", "--area", "People"], "cannot be combined with --focus"),
    (["--out", "map.html", "--area", "Finance"], "areas in the map: 'Information Quality', 'People'"),
])
def test_view_refuses_a_file_type_it_cannot_write(demo_store, tmp_path, capsys, argv, message):
    argv = [a if not a.startswith(("map.", "gaps.")) else str(tmp_path / a) for a in argv]
    assert main(["--store", str(demo_store), "view", *argv]) == 2
    assert message in capsys.readouterr().err
    # nothing written (the store, its audit log and the demo's snapshot were there before)
    assert {p.name for p in tmp_path.iterdir()} <= {"map.json", "map.json.lock", "map.json.snapshots",
                                                    "map.audit.jsonl"}
