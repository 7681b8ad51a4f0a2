"""Snapshots: the map and its gap report (with the policy it ran under and the acceptances as they
stood) frozen at an as-of date under a name, e.g. "JARAP March 2026", and kept by the store.

A snapshot's contents are one JSON document, gzip-compressed: the graph as the embedded store
writes it and the report as `assurance-map gaps --format json --explain` prints it.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..audit import Change
from ..errors import Conflict, CorruptData, NotFound
from ..gaps import Policy, Report, analyse
from ..gaps.render import report_json
from ..store.base import Store, graph_from_lists, graph_lists, iso_date
from ..store.records import BY_MAX, SnapshotInfo, SnapshotRecord, check_text, snapshot_key, snapshot_name

__all__ = ["MapState", "current", "take", "load", "latest", "encode", "decode", "snapshot_key"]

FORMAT = "assurance-map/snapshot"
VERSION = 1


@dataclass(frozen=True)
class MapState:
    """The map and its gap report at one as-of date: a snapshot, or the map as it is now (info None)."""

    graph: nx.MultiDiGraph
    report: Report
    info: SnapshotInfo | None = None

    @property
    def as_of(self) -> dt.date:
        return self.report.as_of

    @property
    def name(self) -> str | None:
        return self.info.name if self.info else None


def current(store: Store, *, as_of: dt.date | None = None, policy: Policy | None = None) -> MapState:
    """The map now and its report at `as_of`, read so that both come from one version of the map."""
    for _ in range(3):
        version = store.version()
        graph = store.export()
        report = analyse(store, as_of=as_of, policy=policy)
        if version is not None and store.version() == version:
            return MapState(graph, report)
    raise Conflict("the map kept changing while it was read; try again when the writes have finished")


def take(store: Store, name: str, *, by: str, as_of: dt.date | None = None, policy: Policy | None = None,
         now: dt.datetime | None = None, change: Change | None = None) -> SnapshotInfo:
    """Freeze the map and its report under `name` (new, whatever its case: Conflict otherwise)."""
    name = snapshot_name(name)
    by = check_text(by, "taken_by", BY_MAX, "snapshot")
    if any(i.key == snapshot_key(name) for i in store.list_snapshots()):
        raise Conflict(f"a snapshot named {name!r} already exists; snapshots are never replaced, so choose "
                       "another name")  # said before the work of reading the map; the store checks again
    state = current(store, as_of=as_of, policy=policy)
    info = SnapshotInfo(name, state.as_of, (now or dt.datetime.now(dt.UTC)).replace(microsecond=0), by,
                        state.graph.number_of_nodes(), state.graph.number_of_edges(), len(state.report.findings))
    return store.save_snapshot(SnapshotRecord(info, encode(state, info)), change)


def load(store: Store, name: str) -> MapState:
    """The snapshot of that name (any case), as it was frozen; NotFound names the snapshots there are."""
    try:
        record = store.get_snapshot(name)
    except NotFound:
        names = ", ".join(repr(i.name) for i in store.list_snapshots()) or "none yet"
        raise NotFound(f"snapshot {name!r}; the snapshots are: {names}") from None
    graph, report = decode(record.payload, record.info.name)
    return MapState(graph, report, record.info)


def latest(store: Store, on_or_before: dt.date | None = None, besides: SnapshotInfo | None = None) \
        -> SnapshotInfo | None:
    """The snapshot with the latest as-of date not after `on_or_before` (any, when None), other than
    `besides`; among snapshots of one date, the last taken."""
    found = [i for i in store.list_snapshots() if (on_or_before is None or i.as_of <= on_or_before)
             and (besides is None or i.key != besides.key)]
    return found[-1] if found else None


def encode(state: MapState, info: SnapshotInfo) -> bytes:
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "snapshot": info.as_dict(),
                           "graph": graph_lists(state.graph), "report": report_json(state.report, explain=True)}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=iso_date)
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def decode(payload: bytes, name: str) -> tuple[nx.MultiDiGraph, Report]:
    try:
        doc = json.loads(gzip.decompress(payload))
        if doc.get("format") != FORMAT or doc.get("version") != VERSION:
            raise ValueError(f"format {doc.get('format')!r} version {doc.get('version')!r}")
        return graph_from_lists(doc["graph"]["nodes"], doc["graph"]["edges"]), Report.from_dict(doc["report"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CorruptData(f"snapshot {name!r} cannot be read: {exc}") from exc
