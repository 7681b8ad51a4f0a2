"""The store interface both backends implement, and the checks they share.

A write is validated as a whole against the batch and what is already stored, and
either applied completely or not at all. Reads return domain objects only.
"""
from __future__ import annotations

import abc
import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

import networkx as nx

from ..audit import AuditEntry, Change, entry
from ..errors import Conflict, NotFound, Problem, Stale, ValidationError
from ..models import NODE_MODELS, Edge, Node
from ..schema import SCHEMA
from .records import (
    BY_MAX,
    REASON_MAX,
    Acceptance,
    SnapshotInfo,
    SnapshotRecord,
    check_text,
    snapshot_key,
    snapshot_name,
)

if TYPE_CHECKING:
    from ..gaps.facts import Context, GapFacts


R = TypeVar("R")


class Direction(enum.StrEnum):
    OUT = "out"
    IN = "in"
    BOTH = "both"


@dataclass(frozen=True)
class Neighbour:
    edge: Edge
    node: Node  # the node at the other end

    @property
    def direction(self) -> Direction:
        return Direction.OUT if self.edge.target == self.node.id else Direction.IN


@dataclass(frozen=True)
class Page:
    items: list[Node]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class Counts:
    nodes: dict[str, int]
    edges: dict[str, int]

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_edges(self) -> int:
        return sum(self.edges.values())


@dataclass(frozen=True)
class WriteResult:
    nodes: int
    edges: int


@dataclass
class Batch:
    """A validated write: nodes and edges de-duplicated, grouped for batched writes."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def nodes_by_kind(self) -> dict[str, list[Node]]:
        out: dict[str, list[Node]] = {}
        for n in self.nodes:
            out.setdefault(n.kind, []).append(n)
        return out

    def edges_by_rel(self) -> dict[str, list[Edge]]:
        out: dict[str, list[Edge]] = {}
        for e in self.edges:
            out.setdefault(e.rel, []).append(e)
        return out


Progress = Callable[[int, int], None]  # (items written so far, items in the write)
BATCH_SIZE = 10_000  # rows per statement or step inside one write
DEFAULT_TIMEOUT = 30.0  # seconds a call may wait for a database server (and its transaction may run)


class WriteTx(Protocol):
    """What a backend offers inside one all-or-nothing write."""

    def kinds(self, ids: Iterable[str]) -> dict[str, str]: ...

    def nodes(self, ids: Iterable[str]) -> dict[str, Node]: ...

    def apply(self, batch: Batch, stored: Mapping[str, str], progress: Progress) -> None:
        """Write the batch; `stored` holds the kinds of its ids that were stored before it."""

    def delete_node(self, node_id: str) -> None: ...

    def delete_edge(self, source: str, rel: str, target: str) -> bool:
        """Whether there was such an edge."""
        ...

    def clear_some(self) -> bool:
        """Delete nodes (all, or a slice of them); whether any were left to delete."""
        ...


Expected = Mapping[str, str]  # node id -> the etag a writer read ("*": any, so long as it exists)


def check_expected(found: Mapping[str, Node], expected: Expected) -> None:
    """Refuse a conditional write when a node changed or went since the writer read it."""
    for node_id, tag in expected.items():
        node = found.get(node_id)
        if node is None:
            raise Stale(f"node {node_id!r} no longer exists; nothing was written")
        if tag != "*" and node.etag != tag:
            raise Stale(f"node {node_id!r} has changed since it was read; read it again, and nothing was written")


def prepare(nodes: Iterable[Node], edges: Iterable[Edge]) -> tuple[Batch, list[Problem]]:
    """Checks that need only the batch itself: types, duplicate ids, repeated edges."""
    batch, problems = Batch(), []
    seen: dict[str, Node] = {}
    for node in nodes:
        if not isinstance(node, Node):
            problems.append(Problem(f"expected a node, got {type(node).__name__}"))
            continue
        if node.id in seen:
            problems.append(Problem("duplicate id in one write", node.kind, node.id,
                                    value=f"also a {seen[node.id].kind}"))
            continue
        seen[node.id] = node
        batch.nodes.append(node)
    edges_seen: dict[tuple[str, str, str], Edge] = {}
    for edge in edges:
        if not isinstance(edge, Edge):
            problems.append(Problem(f"expected an edge, got {type(edge).__name__}"))
            continue
        earlier = edges_seen.get(edge.key)
        if earlier is None or (earlier.note is None and edge.note is not None):
            edges_seen[edge.key] = edge  # the same link named twice (e.g. from both ends) is one edge
    batch.edges = list(edges_seen.values())
    return batch, problems


def check_against(batch: Batch, stored: Mapping[str, str]) -> list[Problem]:
    """Checks that need the store: kind changes, missing ends, triples the schema forbids."""
    problems = []
    kinds = dict(stored)
    for node in batch.nodes:
        old = stored.get(node.id)
        if old is not None and old != node.kind:
            problems.append(Problem(f"id already used by a {old}; ids are unique across the map",
                                    node.kind, node.id))
        kinds[node.id] = node.kind
    for e in batch.edges:
        where = f"{e.source} -{e.rel}-> {e.target}"
        missing = [end for end in (e.source, e.target) if end not in kinds]
        for end in missing:
            problems.append(Problem(f"edge {where}: no node with id {end!r}", "edge", end))
        if missing:
            continue
        s, t = kinds[e.source], kinds[e.target]
        if not SCHEMA.edge(e.rel).allows(s, t):
            problems.append(Problem(f"edge {where}: {s} -{e.rel}-> {t} is not allowed by the schema",
                                    "edge", e.source, "rel", e.rel))
    return problems


def coerce_filters(kind: str, filters: Mapping[str, Any] | None) -> dict[str, Any]:
    """Turn filter values (often strings from a query string) into the field's type."""
    if not filters:
        return {}
    if kind not in NODE_MODELS:
        raise ValidationError([Problem("unknown node kind", kind)])
    spec = SCHEMA.node(kind)
    model = NODE_MODELS[kind]
    out, problems = {}, []
    for name, value in filters.items():
        if name not in spec.field_names:
            problems.append(Problem("cannot filter on an unknown field", kind, None, name, value))
            continue
        probe = {f.name: _placeholder(f.type) for f in spec.fields if f.required}
        probe[name] = value
        try:
            out[name] = getattr(model.model_validate(probe), name)
        except Exception:
            if spec.field(name).type is str and isinstance(value, str):
                out[name] = value  # text the write rules refuse: nothing stored equals it, so it matches nothing
                continue
            problems.append(Problem(f"not a valid {spec.field(name).type.__name__}", kind, None, name, value))
    if problems:
        raise ValidationError(problems)
    return out


def _placeholder(t: type) -> Any:
    return {str: "x", int: 1, bool: False, dt.date: dt.date(2000, 1, 1)}[t]


def check_kind(kind: str) -> None:
    if kind not in NODE_MODELS:
        raise ValidationError([Problem(f"unknown node kind; expected one of {', '.join(SCHEMA.node_names)}", kind)])


def check_rel(rel: str | None) -> None:
    if rel is not None and rel not in SCHEMA.edge_names:
        raise ValidationError([Problem(f"unknown edge kind; expected one of {', '.join(SCHEMA.edge_names)}",
                                       "edge", None, "rel", rel)])


def node_from_props(kind: str, props: Mapping[str, Any]) -> Node:
    """Rebuild a stored node without re-validating: the store only ever holds valid nodes."""
    model = NODE_MODELS[kind]
    data: dict[str, Any] = {name: props.get(name) for name in model.model_fields}
    for name, info in model.model_fields.items():
        if data[name] is None and not info.is_required():
            data[name] = info.default
    return model.model_construct(**data)


class Store(abc.ABC):
    """Operations every backend provides. All writes are all-or-nothing, and each is recorded in the
    store's audit log in the same step (see graphmodel.audit); `change` says who and why."""

    backend: str
    actor: str  # who writes when a change names nobody (on the command line: the local user)

    @property
    @abc.abstractmethod
    def location(self) -> str:
        """Where the map is kept, for messages: a file path or a server URI (never credentials)."""

    # -- writes -------------------------------------------------------------
    def upsert(self, nodes: Iterable[Node] = (), edges: Iterable[Edge] = (),
               progress: Progress | None = None, create_only: bool = False, change: Change | None = None,
               expect: Expected | None = None) -> WriteResult:
        """Create or replace nodes (by id) and create or update edges, in one transaction.
        `progress`, if given, hears how far a large write has gone, batch by batch; with
        `create_only`, a node whose id is already stored is a Conflict; with `expect`, a node whose
        etag is not the one given is Stale (both checked in the transaction)."""
        batch, problems = prepare(nodes, edges)
        if problems:
            raise ValidationError(problems)
        record = entry(change, self.actor, "write", {
            "nodes": {k: len(v) for k, v in batch.nodes_by_kind().items()},
            "edges": {r: len(v) for r, v in batch.edges_by_rel().items()}})

        def work(tx: WriteTx) -> None:
            ids = {n.id for n in batch.nodes} | {e.source for e in batch.edges} | {e.target for e in batch.edges}
            stored = tx.kinds(ids)
            if create_only and (taken := sorted(n.id for n in batch.nodes if n.id in stored)):
                raise Conflict(f"already exists: {', '.join(map(repr, taken))}")
            if expect:
                check_expected(tx.nodes(expect), expect)
            problems = check_against(batch, stored)
            if problems:
                raise ValidationError(problems)
            tx.apply(batch, stored, progress or _silent)

        self._write(work, record, len(batch.nodes) + len(batch.edges))
        return WriteResult(len(batch.nodes), len(batch.edges))

    def delete_node(self, node_id: str, change: Change | None = None, expect: str | None = None) -> None:
        """Delete a node and its edges; NotFound if there is none, Stale if `expect` is given and is
        not the stored node's etag."""

        def work(tx: WriteTx) -> None:
            found = tx.nodes([node_id])
            if node_id not in found:
                raise NotFound(f"node {node_id!r}")
            if expect is not None:
                check_expected(found, {node_id: expect})
            tx.delete_node(node_id)

        self._write(work, entry(change, self.actor, "delete node", {"id": node_id}))

    def delete_edge(self, source: str, rel: str, target: str, change: Change | None = None) -> None:
        """Delete one edge; NotFound if there is none."""
        check_rel(rel)

        def work(tx: WriteTx) -> None:
            if not tx.delete_edge(source, rel, target):
                raise NotFound(f"edge {source} -{rel}-> {target}")

        self._write(work, entry(change, self.actor, "delete edge", {"source": source, "rel": rel, "target": target}))

    def clear(self, change: Change | None = None) -> None:
        """Delete the whole map (the audit log stays)."""
        record = entry(change, self.actor, "clear", {})
        while self._write(lambda tx: tx.clear_some(), record):
            pass

    @abc.abstractmethod
    def _write(self, work: Callable[[WriteTx], R], record: AuditEntry, size: int = 1) -> R:
        """Run `work` in one transaction that commits, with `record` added to the audit log, only if
        it succeeds; `size` (rows written) lets a large write take longer."""

    @abc.abstractmethod
    def audit(self, offset: int = 0, limit: int = 100, newest_first: bool = False) -> list[AuditEntry]:
        """The audit log, oldest first (or newest first)."""

    # -- reads --------------------------------------------------------------
    @abc.abstractmethod
    def kinds(self, ids: Iterable[str]) -> dict[str, str]:
        """The kind of each given id that exists."""

    @abc.abstractmethod
    def get_node(self, node_id: str) -> Node | None: ...

    def node(self, node_id: str) -> Node:
        found = self.get_node(node_id)
        if found is None:
            raise NotFound(f"node {node_id!r}")
        return found

    @abc.abstractmethod
    def get_edge(self, source: str, rel: str, target: str) -> Edge | None: ...

    @abc.abstractmethod
    def list_nodes(self, kind: str, filters: Mapping[str, Any] | None = None,
                   offset: int = 0, limit: int = 100) -> Page:
        """Nodes of one kind whose fields equal the filters, ordered by id."""

    @abc.abstractmethod
    def list_edges(self, rel: str | None = None, offset: int = 0, limit: int = 100) -> list[Edge]:
        """Edges (optionally of one kind), ordered by source, rel, target."""

    @abc.abstractmethod
    def neighbours(self, node_id: str, rel: str | None = None,
                   direction: Direction = Direction.BOTH) -> list[Neighbour]:
        """Adjacent nodes with the connecting edges; NotFound if the node does not exist."""

    @abc.abstractmethod
    def counts(self) -> Counts: ...

    @abc.abstractmethod
    def export(self, node_ids: Iterable[str] | None = None) -> nx.MultiDiGraph:
        """The whole graph, or the subgraph induced by node_ids, as a domain graph (see to_graph)."""

    def neighbourhood(self, node_id: str, depth: int = 1) -> nx.MultiDiGraph:
        """The subgraph within `depth` links of a node, ignoring direction."""
        self.node(node_id)
        frontier, seen = {node_id}, {node_id}
        for _ in range(max(depth, 0)):
            nxt = {nb.node.id for nid in frontier for nb in self.neighbours(nid)} - seen
            if not nxt:
                break
            seen |= nxt
            frontier = nxt
        return self.export(seen)

    @abc.abstractmethod
    def gap_facts(self, ctx: Context) -> GapFacts:
        """What gap analysis reads (see graphmodel.gaps.facts), gathered in bulk the way this store
        does it best."""

    def version(self) -> object | None:
        """A value that changes whenever the stored graph or the accepted gaps do (never for a
        snapshot), or None when the store cannot say cheaply; lets callers reuse work done on an
        unchanged map."""
        return None

    # -- the panel cycle: snapshots and accepted gaps, kept beside the map, never in it ----------
    # Their writes are audited like any other (`change` says who and why).
    def save_snapshot(self, record: SnapshotRecord, change: Change | None = None) -> SnapshotInfo:
        """Keep a snapshot under a name no other snapshot has, whatever its case (Conflict otherwise,
        checked as it is written). Snapshots are never changed; the map's version stays as it was."""
        info = replace(record.info, name=snapshot_name(record.info.name))
        self._insert_snapshot(SnapshotRecord(info, bytes(record.payload)), entry(
            change, self.actor, "save snapshot", {"name": info.name, "as_of": info.as_of.isoformat()}))
        return info

    @abc.abstractmethod
    def _insert_snapshot(self, record: SnapshotRecord, audit: AuditEntry) -> None:
        """Keep it, or raise Conflict when a snapshot has its key."""

    @abc.abstractmethod
    def list_snapshots(self) -> list[SnapshotInfo]:
        """Every snapshot, by as-of date, then by when it was taken."""

    def get_snapshot(self, name: str) -> SnapshotRecord:
        """The snapshot of that name, whatever its case; NotFound if there is none."""
        found = self._find_snapshot(snapshot_key(name))
        if found is None:
            raise NotFound(f"snapshot {name!r}")
        return found

    @abc.abstractmethod
    def _find_snapshot(self, key: str) -> SnapshotRecord | None: ...

    def delete_snapshot(self, name: str, change: Change | None = None) -> SnapshotInfo:
        """Remove the snapshot of that name (whatever its case) and say what it was; NotFound if there
        is none."""
        return self._remove_snapshot(snapshot_key(name), name, entry(change, self.actor, "delete snapshot",
                                                                     {"name": name}))

    @abc.abstractmethod
    def _remove_snapshot(self, key: str, name: str, audit: AuditEntry) -> SnapshotInfo:
        """Remove it, or raise NotFound (naming `name`) without changing anything."""

    def save_acceptance(self, acceptance: Acceptance, change: Change | None = None) -> Acceptance | None:
        """Keep an acceptance, replacing the one for the same rule and node (a gap accepted again at
        its review); returns the one replaced. Accepting changes the gap report, so the version
        changes too."""
        where = f"acceptance of {acceptance.rule} for {acceptance.node_id!r}"
        if not acceptance.rule or not acceptance.node_id:
            raise ValidationError([Problem("an acceptance names a rule and a node", where)])
        acceptance = replace(acceptance, by=check_text(acceptance.by, "by", BY_MAX, where),
                             reason=check_text(acceptance.reason, "reason", REASON_MAX, where, lines=True))
        return self._put_acceptance(acceptance, entry(change, self.actor, "accept gap", {
            "rule": acceptance.rule, "node_id": acceptance.node_id, "by": acceptance.by,
            "reason": acceptance.reason, "review": acceptance.review.isoformat()}))

    @abc.abstractmethod
    def _put_acceptance(self, acceptance: Acceptance, audit: AuditEntry) -> Acceptance | None: ...

    @abc.abstractmethod
    def list_acceptances(self) -> list[Acceptance]:
        """Every acceptance kept, by rule and node id, whether or not its finding still holds."""

    def delete_acceptance(self, rule: str, node_id: str, change: Change | None = None) -> Acceptance:
        """Remove the acceptance of a rule's finding about a node and say what it was; NotFound if
        there is none (and then nothing changes, the version included)."""
        return self._remove_acceptance(rule, node_id, entry(change, self.actor, "unaccept gap",
                                                            {"rule": rule, "node_id": node_id}))

    @abc.abstractmethod
    def _remove_acceptance(self, rule: str, node_id: str, audit: AuditEntry) -> Acceptance: ...

    @abc.abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailable if the store cannot be reached."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release what the store holds open (connections); it is not used afterwards."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def to_graph(nodes: Iterable[Node], edges: Iterable[Edge]) -> nx.MultiDiGraph:
    """The domain graph: node attributes are `kind` and `node` (the Node); edges keyed by rel."""
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for n in nodes:
        g.add_node(n.id, kind=n.kind, node=n)
    for e in edges:
        if e.source in g and e.target in g:
            g.add_edge(e.source, e.target, key=e.rel, rel=e.rel, edge=e)
    return g


_DATE_FIELDS = {k.name: [f.name for f in k.fields if f.type is dt.date] for k in SCHEMA.nodes}


def graph_lists(g: nx.MultiDiGraph) -> dict[str, list[list[Any]]]:
    """A domain graph as plain lists, for JSON (dates stay dates: dump with `default=iso_date`):
    nodes as [kind, properties], edges as [source, rel, target, note]. The embedded store's file
    and a snapshot's frozen map are written this way."""
    return {"nodes": [[d["kind"], d["node"].properties()] for _, d in g.nodes(data=True)],
            "edges": [[s, k, t, d["edge"].note] for s, t, k, d in g.edges(keys=True, data=True)]}


def graph_from_lists(nodes: Iterable[list[Any]], edges: Iterable[list[Any]]) -> nx.MultiDiGraph:
    """The domain graph again from `graph_lists` as read back from JSON (dates as ISO text)."""
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for kind, props in nodes:
        for name in _DATE_FIELDS[kind]:
            if props.get(name) is not None:
                props[name] = dt.date.fromisoformat(props[name])
        node = node_from_props(kind, props)
        g.add_node(node.id, kind=kind, node=node)
    for source, rel, target, note in edges:
        g.add_edge(source, target, key=rel, rel=rel,
                   edge=Edge.model_construct(source=source, rel=rel, target=target, note=note))
    return g


def iso_date(value: Any) -> Any:
    """`default` for json.dump: dates as ISO text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def check_paging(offset: int, limit: int) -> None:
    problems = []
    if offset < 0:
        problems.append(Problem("must be 0 or more", field="offset", value=offset))
    if limit < 1 or limit > 10_000:
        problems.append(Problem("must be between 1 and 10000", field="limit", value=limit))
    if problems:
        raise ValidationError(problems)


def iter_chunks(items: Sequence[Any], size: int = BATCH_SIZE) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _silent(done: int, total: int) -> None:
    pass


__all__ = ["Store", "Direction", "Neighbour", "Page", "Counts", "WriteResult", "Batch", "to_graph", "SnapshotInfo",
           "SnapshotRecord", "Acceptance"]
