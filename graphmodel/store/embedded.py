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

import glob
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import filelock
import networkx as nx
import platformdirs

from ..audit import AuditEntry, AuditFile, AuditUnavailable, Change, entry, local_actor
from ..errors import Conflict, CorruptData, NotFound, StoreUnavailable
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
    R,
    Store,
    WriteTx,
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
    from .embedded_gaps import GraphFacts, GraphIndex

FORMAT = "assurance-map/embedded"
VERSION = 1
SNAPSHOTS_FORMAT = "assurance-map/snapshots"
ACCEPTED_FORMAT = "assurance-map/accepted"


log = logging.getLogger("assurance_map.store")


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("assurance-map", appauthor=False)) / "map.json"


def audit_path(store: Path) -> Path:
    """The audit log of an embedded store, beside it: map.json keeps map.audit.jsonl."""
    return store.with_name(store.stem + ".audit.jsonl")


class CorruptStore(CorruptData):
    pass


class EmbeddedStore(Store):
    backend = "embedded"

    def __init__(self, path: str | os.PathLike[str] | None = None, lock_timeout: float = 30.0,
                 audit_log: str | os.PathLike[str] | None = None, actor: str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.actor = actor or local_actor()
        self._audit = AuditFile(audit_log if audit_log is not None else audit_path(self.path))
        self._file_lock = filelock.FileLock(str(self.path) + ".lock", timeout=lock_timeout)
        self._lock = threading.RLock()
        self._g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        self._signature: tuple[int, int, int] | None = None
        self._generation = 0  # counts every graph this object has held
        self._shared: tuple[int, GraphIndex] | None = None  # (generation, what analyses of it share)
        self._snapshots = self.path.with_name(self.path.name + ".snapshots")
        self._accepted = self.path.with_name(self.path.name + ".accepted.json")
        self._remove_orphans()
        self._refresh()

    def _remove_orphans(self) -> None:
        """Temporary files a write killed half-way left beside the store: removed when no write is
        under way (the lock is free), since only a write in progress could still want one."""
        try:
            with self._file_lock.acquire(timeout=0):
                for folder, name in ((self.path.parent, self.path.name), (self._snapshots, "*")):
                    for orphan in folder.glob(f"{glob.escape(name) if name != '*' else name}.*.tmp"):
                        orphan.unlink(missing_ok=True)
        except (filelock.Timeout, OSError):
            pass  # another process is writing, or the folder is read-only: leave them for next time

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

    def _save(self, g: nx.MultiDiGraph) -> None:
        doc = {"format": FORMAT, "version": VERSION, **graph_lists(g)}
        try:
            with atomic_write(self.path) as fh:
                json.dump(doc, fh, ensure_ascii=False, separators=(",", ":"), default=iso_date)
        except OSError as exc:  # e.g. the disk is full: the old file stands
            log.error("cannot write the store file %s: %s", self.path, exc)
            raise StoreUnavailable(f"the store file could not be written ({exc.strerror or exc}); "
                                   "nothing was written") from None
        self._signature = self._stat()

    def _write(self, work: Callable[[WriteTx], R], record: AuditEntry, size: int = 1) -> R:
        """Exclusive across threads and processes. Changes go to a copy that replaces the graph only
        once the file is written: readers (an analysis in another thread, say) keep a graph that no
        write changes under them, and a failed write leaves both memory and file as they were. The
        audit record is on disk before the new file replaces the old; if it cannot be, nothing is."""
        with self._lock, self._file_lock:
            self._refresh()
            g = self._g.copy()
            result = work(_Tx(g))
            self._commit(record, lambda: self._save(g))
            self._g = g
            self._generation += 1
            return result

    def _commit(self, record: AuditEntry, write: Callable[[], None]) -> None:
        """Append the audit record, then make the write that it records (the last step of one: the
        rest is ready and nothing is seen yet). No record, no write; a write that then fails is
        marked in the log as not written."""
        self._audit.append(record)
        try:
            write()
        except BaseException as exc:
            try:
                self._audit.append(entry(Change("not written", record.who), self.actor, "not written",
                                         {"action": record.action, "reason": type(exc).__name__}))
            except AuditUnavailable:
                log.error("the audit log records a %r that was not written", record.action)
            raise

    def audit(self, offset: int = 0, limit: int = 100, newest_first: bool = False) -> list[AuditEntry]:
        check_paging(offset, limit)
        return self._audit.entries(offset, limit, newest_first)

    @contextmanager
    def _reading(self) -> Iterator[nx.MultiDiGraph]:
        with self._lock:
            self._refresh()
            yield self._g

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
        try:
            with atomic_write(path) as fh:
                json.dump({"format": fmt, "version": 1, key: items}, fh, ensure_ascii=False, indent=1)
        except OSError as exc:
            log.error("cannot write %s: %s", path, exc)
            raise StoreUnavailable(f"the store's files could not be written ({exc.strerror or exc}); "
                                   "nothing was written") from None

    def _index(self) -> list[dict[str, Any]]:
        return self._read_doc(self._snapshots / "index.json", SNAPSHOTS_FORMAT, "snapshots")

    def _insert_snapshot(self, record: SnapshotRecord, audit: AuditEntry) -> None:
        key = record.info.key
        with self._locked():
            index = self._index()
            if any(SnapshotInfo.from_dict(e).key == key for e in index):
                raise Conflict(f"a snapshot named {record.info.name!r} already exists; snapshots are never "
                               "replaced, so choose another name")
            file = hashlib.sha256(key.encode()).hexdigest()[:32] + ".snapshot"
            try:
                with atomic_write(self._snapshots / file, "wb") as fh:  # the contents first, then the index
                    fh.write(record.payload)
            except OSError as exc:
                raise StoreUnavailable(f"the snapshot could not be written ({exc.strerror or exc}); nothing was "
                                       "written") from None
            try:
                listed = [*index, {**record.info.as_dict(), "file": file}]
                self._commit(audit, lambda: self._write_doc(self._snapshots / "index.json", SNAPSHOTS_FORMAT,
                                                            "snapshots", listed))
            except BaseException:
                (self._snapshots / file).unlink(missing_ok=True)  # listed nowhere: not kept either
                raise

    def list_snapshots(self) -> list[SnapshotInfo]:
        return sorted((SnapshotInfo.from_dict(e) for e in self._index()), key=lambda i: (i.as_of, i.taken_at))

    def _find_snapshot(self, key: str) -> SnapshotRecord | None:
        for item in self._index():
            info = SnapshotInfo.from_dict(item)
            if info.key == key:
                try:
                    return SnapshotRecord(info, (self._snapshots / item["file"]).read_bytes())
                except FileNotFoundError:  # deleted since the index was read
                    return None
        return None

    def _remove_snapshot(self, key: str, name: str, audit: AuditEntry) -> SnapshotInfo:
        with self._locked():
            index = self._index()
            found = next((e for e in index if SnapshotInfo.from_dict(e).key == key), None)
            if found is None:
                raise NotFound(f"snapshot {name!r}")
            # The index first, then the contents.
            self._commit(replace(audit, what={**audit.what, "as_of": found["as_of"]}),
                         lambda: self._write_doc(self._snapshots / "index.json", SNAPSHOTS_FORMAT, "snapshots",
                                                 [e for e in index if e is not found]))
            (self._snapshots / found["file"]).unlink(missing_ok=True)
        return SnapshotInfo.from_dict(found)

    def _put_acceptance(self, acceptance: Acceptance, audit: AuditEntry) -> Acceptance | None:
        with self._locked():
            kept = [Acceptance.from_dict(e) for e in self._read_doc(self._accepted, ACCEPTED_FORMAT, "accepted")]
            replaced = next((a for a in kept if a.key == acceptance.key), None)
            kept = sorted([a for a in kept if a.key != acceptance.key] + [acceptance], key=lambda a: a.key)
            self._commit(audit, lambda: self._write_doc(self._accepted, ACCEPTED_FORMAT, "accepted",
                                                        [a.as_dict() for a in kept]))
        return replaced

    def list_acceptances(self) -> list[Acceptance]:
        return [Acceptance.from_dict(e) for e in self._read_doc(self._accepted, ACCEPTED_FORMAT, "accepted")]

    def _remove_acceptance(self, rule: str, node_id: str, audit: AuditEntry) -> Acceptance:
        with self._locked():
            kept = [Acceptance.from_dict(e) for e in self._read_doc(self._accepted, ACCEPTED_FORMAT, "accepted")]
            found = next((a for a in kept if a.key == (rule, node_id)), None)
            if found is None:
                raise NotFound(f"acceptance of {rule} for {node_id!r}")
            self._commit(replace(audit, what={**audit.what, "by": found.by, "review": found.review.isoformat()}),
                         lambda: self._write_doc(self._accepted, ACCEPTED_FORMAT, "accepted",
                                                 [a.as_dict() for a in kept if a is not found]))
        return found

    def gap_facts(self, ctx: Context) -> GraphFacts:
        from .embedded_gaps import GraphFacts, GraphIndex

        with self._reading() as g:
            shared = self._shared
            if shared is None or shared[0] != self._generation:
                shared = self._shared = (self._generation, GraphIndex(g))
        return GraphFacts(shared[1], ctx)

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

    def nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        return {i: self._g.nodes[i]["node"] for i in ids if i in self._g}

    def delete_node(self, node_id: str) -> None:
        self._g.remove_node(node_id)

    def delete_edge(self, source: str, rel: str, target: str) -> bool:
        if not self._g.has_edge(source, target, key=rel):
            return False
        self._g.remove_edge(source, target, key=rel)
        return True

    def clear_some(self) -> bool:
        self._g.clear()
        return False

    def apply(self, batch: Batch, stored: Mapping[str, str], progress: Progress) -> None:
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
