"""The embedded store's file: atomic replacement, a lock between processes, and clear errors."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from graphmodel import StoreUnavailable, node_from_dict
from graphmodel.store.embedded import CorruptStore, EmbeddedStore
from tests.test_store_conformance import small_map, snapshot

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_another_process_sees_writes(tmp_path):
    path = tmp_path / "map.json"
    small_map(EmbeddedStore(path))
    reader = EmbeddedStore(path)
    assert reader.counts().nodes["Process"] == 3
    EmbeddedStore(path).upsert([node_from_dict("Process", {"id": "P4", "name": "Training", "area": "People"})])
    assert reader.counts().nodes["Process"] == 4  # re-read because the file changed


def test_a_killed_write_leaves_the_previous_file(tmp_path):
    path = tmp_path / "map.json"
    small_map(EmbeddedStore(path))
    before = snapshot(EmbeddedStore(path))
    # A writer big enough to be caught mid-write, killed as soon as its temporary file appears.
    writer = run_python("""
        import sys
        from graphmodel import node_from_dict
        from graphmodel.store.embedded import EmbeddedStore
        s = EmbeddedStore(sys.argv[1])
        nodes = [node_from_dict("Risk", {"id": f"X{i}", "title": "t" * 200}) for i in range(200_000)]
        print("ready", flush=True)
        s.upsert(nodes)
    """, str(path))
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    deadline = time.time() + 60
    while not list(tmp_path.glob("map.json.*.tmp")) and writer.poll() is None and time.time() < deadline:
        time.sleep(0.001)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    after = snapshot(EmbeddedStore(path))
    assert after == before or len(after[0]) == len(before[0]) + 200_000  # old or new, never half
    json.loads(path.read_text())


def test_two_processes_writing_lose_nothing(tmp_path):
    path = tmp_path / "map.json"
    EmbeddedStore(path)
    code = """
        import sys
        from graphmodel import node_from_dict
        from graphmodel.store.embedded import EmbeddedStore
        s = EmbeddedStore(sys.argv[1])
        for i in range(25):
            s.upsert([node_from_dict("Risk", {"id": f"{sys.argv[2]}-{i}", "title": "t"})])
    """
    writers = [run_python(code, str(path), name) for name in ("a", "b")]
    for w in writers:
        assert w.wait(120) == 0, w.stderr and w.stderr.read()
    assert EmbeddedStore(path).counts().nodes["Risk"] == 50


def test_a_failed_write_restores_memory_from_the_file(tmp_path, monkeypatch):
    store = EmbeddedStore(tmp_path / "map.json")
    small_map(store)
    before = snapshot(store)

    def disk_full(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(StoreUnavailable, match="No space left on device"):
        store.upsert([node_from_dict("Risk", {"id": "R9", "title": "t"})])
    monkeypatch.undo()
    assert snapshot(store) == before and store.get_node("R9") is None
    assert not list(tmp_path.glob("*.tmp"))
    assert [e.action for e in store.audit(0, 100)][-2:] == ["write", "not written"]  # the log says so


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": "world"}')
    with pytest.raises(CorruptStore, match="not an assurance-map store"):
        EmbeddedStore(bad)
    bad.write_text("{not json")
    with pytest.raises(CorruptStore, match="cannot read"):
        EmbeddedStore(bad)


def test_a_graph_being_read_is_not_changed_by_a_write(tmp_path):
    store = EmbeddedStore(tmp_path / "map.json")
    small_map(store)
    view = store.graph_view()
    nodes = iter(view.nodes)
    next(nodes)
    store.upsert([node_from_dict("Risk", {"id": "R-NEW", "title": "t"})])
    store.delete_node("P1")
    assert sum(1 for _ in nodes) == view.number_of_nodes() - 1  # iteration goes on undisturbed
    assert "R-NEW" not in view and "P1" in view
    assert "R-NEW" in store.graph_view() and "P1" not in store.graph_view()
