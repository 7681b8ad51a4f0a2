"""The embedded store: a networkx MultiDiGraph kept in one JSON file.

Writes take an exclusive file lock, re-read the file if another process changed it,
and replace it atomically (write to a temporary file, fsync, rename), so a write
killed half-way leaves the previous file intact. Reads re-load the file when it
has changed on disk, so a server and a command-line load see each other's writes.

Beside the map file (`map.json`) the panel cycle keeps its own files, written the same way under
the same lock: `map.json.snapshots/` (an index and one file per snapshot) and
`map.json.accepted.json` (the accepted gaps).
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import filelock
import networkx as nx
import platformdirs

from ..errors import Conflict, CorruptData, NotFound
from ..files import atomic_write
from ..models import Edge, Node
from ..schema import SCHEMA
from .base import (
    Batch,
    Counts,
    Direction,
    Neighbour,
    Page,
    Progress,
    Store,
    check_kind,
    check_paging,
    check_rel,
    coerce_filters,
    graph_from_lists,
    graph_lists,
    iso_date,
    iter_chunks,
)
from .records import Acceptance, SnapshotInfo, SnapshotRecord

if TYPE_CHECKING:
    from ..gaps.facts import Context
    from .embedded_gaps import GraphFacts

FORMAT = "assurance-map/embedded"
VERSION = 1
SNAPSHOTS_FORMAT = "assurance-map/snapshots"
ACCEPTED_FORMAT = "assurance-map/accepted"


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("assurance-map", appauthor=False)) / "map.json"


class CorruptStore(CorruptData):
    pass


class EmbeddedStore(Store):
    backend = "embedded"

    def __init__(self, path: str | os.PathLike[str] | None = None, lock_timeout: float = 30.0):
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file_lock = filelock.FileLock(str(self.path) + ".lock", timeout=lock_timeout)
        self._lock = threading.RLock()
        self._g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        self._signature: tuple[int, int, int] | None = None
        self._generation = 0  # counts every graph this object has held
        self._snapshots = self.path.with_name(self.path.name + ".snapshots")
        self._accepted = self.path.with_name(self.path.name + ".accepted.json")
        self._refresh()

    # -- persistence --------------------------------------------------------
    def _stat(self, path: Path | None = None) -> tuple[int, int, int] | None:
        try:
            st = (path or self.path).stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _refresh(self) -> None:
        """Re-read the file if it changed since we last read or wrote it."""
        sig = self._stat()
        if sig == self._signature:
            return
        self._g = self._read() if sig is not None else nx.MultiDiGraph()
        self._signature = sig
        self._generation += 1

    def _read(self) -> nx.MultiDiGraph:
        try:
            with self.path.open("rb") as fh:
                doc = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CorruptStore(f"cannot read the store file {self.path}: {exc}") from exc
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise CorruptStore(f"{self.path} is not an assurance-map store file")
        if doc.get("version") != VERSION:
            raise CorruptStore(f"{self.path} has store format version {doc.get('version')}; expected {VERSION}")
        return graph_from_lists(doc["nodes"], doc["edges"])

    def _write(self, g: nx.MultiDiGraph) -> None:
        doc = {"format": FORMAT, "version": VERSION, **graph_lists(g)}
        with atomic_write(self.path) as fh:
            json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"), default=iso_date)
        self._signature = self._stat()

    @contextmanager
    def _writing(self) -> Iterator[nx.MultiDiGraph]:
        """Exclusive across threads and processes. Changes go to a copy that replaces the graph only
        once the file is written: readers (an analysis in another thread, say) keep a graph that no
        write changes under them, and a failed write leaves both memory and file as they were."""
        with self._lock, self._file_lock:
            self._refresh()
            g = self._g.copy()
            yield g
            self._write(g)
            self._g = g
            self._generation += 1

    @contextmanager
    def _reading(self) -> Iterator[nx.MultiDiGraph]:
        with self._lock:
            self._refresh()
            yield self._g

    # -- writes -------------------------------------------------------------
    @contextmanager
    def _write_tx(self) -> Iterator[_Tx]:
        with self._writing() as g:
            yield _Tx(g)

    def delete_node(self, node_id: str) -> None:
        with self._writing() as g:
            if node_id not in g:
                raise NotFound(f"node {node_id!r}")
            g.remove_node(node_id)

    def delete_edge(self, source: str, rel: str, target: str) -> None:
        check_rel(rel)
        with self._writing() as g:
            if not g.has_edge(source, target, key=rel):
                raise NotFound(f"edge {source} -{rel}-> {target}")
            g.remove_edge(source, target, key=rel)

    def clear(self) -> None:
        with self._writing() as g:
            g.clear()

    # -- reads --------------------------------------------------------------
    def kinds(self, ids: Iterable[str]) -> dict[str, str]:
        with self._reading() as g:
            return {i: g.nodes[i]["kind"] for i in ids if i in g}

    def get_node(self, node_id: str) -> Node | None:
        with self._reading() as g:
            return g.nodes[node_id]["node"] if node_id in g else None

    def get_edge(self, source: str, rel: str, target: str) -> Edge | None:
        check_rel(rel)
        with self._reading() as g:
            data = g.get_edge_data(source, target, key=rel)
            return data["edge"] if data else None

    def list_nodes(self, kind: str, filters: Mapping[str, Any] | None = None,
                   offset: int = 0, limit: int = 100) -> Page:
        check_kind(kind)
        check_paging(offset, limit)
        wanted = coerce_filters(kind, filters)
        with self._reading() as g:
            found = sorted(
                (d["node"] for _, d in g.nodes(data=True)
                 if d["kind"] == kind and all(getattr(d["node"], k) == v for k, v in wanted.items())),
                key=lambda n: n.id)
        return Page(found[offset:offset + limit], len(found), offset, limit)

    def list_edges(self, rel: str | None = None, offset: int = 0, limit: int = 100) -> list[Edge]:
        check_rel(rel)
        check_paging(offset, limit)
        with self._reading() as g:
            found = sorted((d["edge"] for _, _, k, d in g.edges(keys=True, data=True) if rel in (None, k)),
                           key=lambda e: e.key)
        return found[offset:offset + limit]

    def neighbours(self, node_id: str, rel: str | None = None,
                   direction: Direction = Direction.BOTH) -> list[Neighbour]:
        check_rel(rel)
        direction = Direction(direction)
        with self._reading() as g:
            if node_id not in g:
                raise NotFound(f"node {node_id!r}")
            out: list[Neighbour] = []
            if direction in (Direction.OUT, Direction.BOTH):
                out += [Neighbour(d["edge"], g.nodes[t]["node"])
                        for _, t, k, d in g.out_edges(node_id, keys=True, data=True) if rel in (None, k)]
            if direction in (Direction.IN, Direction.BOTH):
                out += [Neighbour(d["edge"], g.nodes[s]["node"])
                        for s, _, k, d in g.in_edges(node_id, keys=True, data=True) if rel in (None, k)]
        return sorted(out, key=lambda nb: nb.edge.key)

    def counts(self) -> Counts:
        with self._reading() as g:
            nodes = dict.fromkeys(SCHEMA.node_names, 0)
            for _, d in g.nodes(data=True):
                nodes[d["kind"]] += 1
            edges = dict.fromkeys(SCHEMA.edge_names, 0)
            for _, _, rel in g.edges(keys=True):
                edges[rel] += 1
        return Counts(nodes, edges)

    def export(self, node_ids: Iterable[str] | None = None) -> nx.MultiDiGraph:
        with self._reading() as g:
            if node_ids is None:
                return g.copy()
            return g.subgraph([i for i in node_ids if i in g]).copy()

    def version(self) -> object | None:
        with self._lock:
            self._refresh()
            # Every graph held gets a new generation; the file's identity, size and mtime tell this
            # store's objects in other processes apart (they count their own generations). The
            # accepted gaps change the report, so their file counts too.
            return (self._signature, self._generation, self._stat(self._accepted))

    # -- the panel cycle ----------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock, self._file_lock:
            yield

    def _read_doc(self, path: Path, fmt: str, key: str) -> list[dict[str, Any]]:
        try:
            with path.open("rb") as fh:
                doc = json.load(fh)
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise CorruptStore(f"cannot read {path}: {exc}") from exc
        if not isinstance(doc, dict) or doc.get("format") != fmt or doc.get("version") != 1:
            raise CorruptStore(f"{path} is not an assurance-map {key} file of version 1")
        items: list[dict[str, Any]] = doc[key]
        return items

    def _write_doc(self, path: Path, fmt: str, key: str, items: list[dict[str, Any]]) -> None:
        with atomic_write(path) as fh:
            json.dump({"format": fmt, "version": 1, key: items}, fh, ensure_ascii=False, indent=1)

    def _index(self) -> list[dict[str, Any]]:
        return self._read_doc(self._snapshots / "index.json", SNAPSHOTS_FORMAT, "snapshots")

    def _insert_snapshot(self, record: SnapshotRecord) -> None:
        key = record.info.key
        with self._locked():
            index = self._index()
            if any(SnapshotInfo.from_dict(e).key == key for e in index):
                raise Conflict(f"a snapshot named {record.info.name!r} already exists; snapshots are never "
                               "replaced, so choose another name")
            file = hashlib.sha256(key.encode()).hexdigest()[:32] + ".snapshot"
            with atomic_write(self._snapshots / file, "wb") as fh:  # the contents first, then the index
                fh.write(record.payload)
            self._write_doc(self._snapshots / "index.json", SNAPSHOTS_FORMAT, "snapshots",
                            [*index, {**record.info.as_dict(), "file": file}])

    def list_snapshots(self) -> list[SnapshotInfo]:
        return sorted((SnapshotInfo.from_dict(e) for e in self._index()), key=lambda i: (i.as_of, i.taken_at))

    def _find_snapshot(self, key: str) -> SnapshotRecord | None:
        for entry in self._index():
            info = SnapshotInfo.from_dict(entry)
            if info.key == key:
                try:
                    return SnapshotRecord(info, (self._snapshots / entry["file"]).read_bytes())
                except FileNotFoundError:  # deleted since the index was read
                    return None
        return None

    def _remove_snapshot(self, key: str, name: str) -> SnapshotInfo:
        with self._locked():
            index = self._index()
            found = next((e for e in index if SnapshotInfo.from_dict(e).key == key), None)
            if found is None:
                raise NotFound(f"snapshot {name!r}")
            self._write_doc(self._snapshots / "index.json", SNAPSHOTS_FORMAT, "snapshots",
                            [e for e in index if e is not found])  # the index first, then the contents
            (self._snapshots / found["file"]).unlink(missing_ok=True)
        return SnapshotInfo.from_dict(found)

    def _put_acceptance(self, acceptance: Acceptance) -> Acceptance | None:
        with self._locked():
            kept = [Acceptance.from_dict(e) for e in self._read_doc(self._accepted, ACCEPTED_FORMAT, "accepted")]
            replaced = next((a for a in kept if a.key == acceptance.key), None)
            kept = sorted([a for a in kept if a.key != acceptance.key] + [acceptance], key=lambda a: a.key)
            self._write_doc(self._accepted, ACCEPTED_FORMAT, "accepted", [a.as_dict() for a in kept])
        return replaced

    def list_acceptances(self) -> list[Acceptance]:
        return [Acceptance.from_dict(e) for e in self._read_doc(self._accepted, ACCEPTED_FORMAT, "accepted")]

    def delete_acceptance(self, rule: str, node_id: str) -> Acceptance:
        with self._locked():
            kept = [Acceptance.from_dict(e) for e in self._read_doc(self._accepted, ACCEPTED_FORMAT, "accepted")]
            found = next((a for a in kept if a.key == (rule, node_id)), None)
            if found is None:
                raise NotFound(f"acceptance of {rule} for {node_id!r}")
            self._write_doc(self._accepted, ACCEPTED_FORMAT, "accepted", [a.as_dict() for a in kept if a is not found])
        return found

    def gap_facts(self, ctx: Context) -> GraphFacts:
        from .embedded_gaps import GraphFacts

        return GraphFacts(self.graph_view(), ctx)

    @property
    def location(self) -> str:
        return str(self.path)

    def ping(self) -> None:
        with self._lock:
            self._refresh()  # a damaged file says so here

    def close(self) -> None:
        pass  # nothing is held open between operations

    def graph_view(self) -> nx.MultiDiGraph:
        """The current graph, read-only, without copying: writes replace it rather than change it."""
        with self._reading() as g:
            return g.copy(as_view=True)


class _Tx:
    def __init__(self, g: nx.MultiDiGraph):
        self._g = g

    def kinds(self, ids: Iterable[str]) -> dict[str, str]:
        return {i: self._g.nodes[i]["kind"] for i in ids if i in self._g}

    def apply(self, batch: Batch, progress: Progress) -> None:
        g, done, total = self._g, 0, len(batch.nodes) + len(batch.edges)
        for chunk in iter_chunks(batch.nodes):
            for n in chunk:
                if n.id in g:
                    g.nodes[n.id].update(kind=n.kind, node=n)  # replace the node, keep its edges
                else:
                    g.add_node(n.id, kind=n.kind, node=n)
            done += len(chunk)
            progress(done, total)
        for chunk in iter_chunks(batch.edges):
            for e in chunk:
                g.add_edge(e.source, e.target, key=e.rel, rel=e.rel, edge=e)
            done += len(chunk)
            progress(done, total)
