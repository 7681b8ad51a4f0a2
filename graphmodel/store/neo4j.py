"""The Neo4j store, through the official driver.

Every node carries its kind's label and the shared label `Entity`, whose uniqueness
constraint makes ids unique across the whole graph and gives one index for lookups
by id. Labels and relationship types are taken from the schema, never from input;
everything else travels as parameters. Writes are batched with UNWIND inside one
explicit transaction, so a load is all-or-nothing.
"""
from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import neo4j
import networkx as nx
from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConstraintError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from ..audit import AuditEntry, AuditUnavailable, local_actor
from ..errors import Conflict, NotFound, StoreUnavailable
from ..models import Edge, Node
from ..schema import KEY, SCHEMA
from .base import (
    BATCH_SIZE,
    DEFAULT_TIMEOUT,
    Batch,
    Counts,
    Direction,
    Neighbour,
    Page,
    Progress,
    R,
    Store,
    check_kind,
    check_paging,
    check_rel,
    coerce_filters,
    iter_chunks,
    node_from_props,
    to_graph,
)
from .records import Acceptance, SnapshotInfo, SnapshotRecord

if TYPE_CHECKING:
    from ..gaps.facts import Context
    from .neo4j_gaps import CypherFacts, CypherMap

ENTITY = "Entity"  # shared label of every node
# One bookkeeping node, outside the map: its version goes up in every write transaction, first
# thing, so readers can tell cheaply whether the graph changed (see Store.version) and writers take
# turns (the first to bump it holds its lock until it commits).
META = "AssuranceMapMeta"
# `seq` counts every write (it numbers the audit log); `version` only those that change the report.
NEXT = (f"MERGE (m:{META} {{key: 'graph'}}) SET m.seq = coalesce(m.seq, m.version, 0) + 1, "
        "m.version = coalesce(m.version, 0) + $bump RETURN m.seq AS seq")
# The panel cycle's records: labels of their own, never Entity nor a node kind, so no query of the
# map ever meets them. A snapshot's contents are compressed bytes the store does not look inside.
SNAPSHOT = "AssuranceMapSnapshot"
ACCEPTANCE = "AssuranceMapAcceptance"
_SNAPSHOT_FIELDS = ("name", "as_of", "taken_at", "taken_by", "nodes", "edges", "findings")
_ACCEPTANCE_FIELDS = ("rule", "node_id", "by", "reason", "review", "on", "fingerprint")
# The audit log: one node per write, outside the map, created in the write's own transaction.
AUDIT = "AssuranceMapAudit"
RECORD = f"CREATE (:{AUDIT} {{seq: $seq, at: $at, who: $who, action: $action, what: $what}})"
_KINDS = frozenset(SCHEMA.node_names)
_UNAVAILABLE = (ServiceUnavailable, SessionExpired, ConnectionError, OSError)

ROWS_PER_SECOND = 1_000  # a large write gets this much longer: timeout + rows / ROWS_PER_SECOND
log = logging.getLogger("assurance_map.store")


def _returning(var: str, fields: Iterable[str]) -> str:
    """`s.name AS name, ...`, quoted: some of these names are Cypher words (on, by)."""
    return ", ".join(f"{var}.`{f}` AS `{f}`" for f in fields)


def constraint_statements() -> list[str]:
    """Uniqueness of ids across the graph and per kind, derived from the schema, and of the
    bookkeeping nodes (so concurrent first writes cannot make two); and an index on processes'
    area, so one area's gap report reads that area's processes alone."""
    stmts = [f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ENTITY}) REQUIRE n.{KEY} IS UNIQUE"]
    stmts += [f"CREATE CONSTRAINT {k.lower()}_id IF NOT EXISTS FOR (n:{k}) REQUIRE n.{KEY} IS UNIQUE"
              for k in SCHEMA.node_names]
    stmts += [f"CREATE CONSTRAINT snapshot_key IF NOT EXISTS FOR (s:{SNAPSHOT}) REQUIRE s.key IS UNIQUE",
              f"CREATE CONSTRAINT acceptance_key IF NOT EXISTS FOR (a:{ACCEPTANCE}) "
              "REQUIRE (a.rule, a.node_id) IS UNIQUE"]
    stmts += [f"CREATE CONSTRAINT meta_key IF NOT EXISTS FOR (m:{META}) REQUIRE m.key IS UNIQUE",
              f"CREATE CONSTRAINT audit_seq IF NOT EXISTS FOR (a:{AUDIT}) REQUIRE a.seq IS UNIQUE"]
    stmts.append(f"CREATE INDEX process_area IF NOT EXISTS FOR (n:{SCHEMA.node('Process').name}) ON (n.area)")
    return stmts


class _Call:
    """One call to Neo4j made by a worker thread, which its caller may stop waiting for. A write
    whose caller gave up is rolled back, never committed later; a commit already sent is waited for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.abandoned = False
        self._committing = False

    def give_up(self) -> bool:
        """Abandon the call; False when its commit is already on its way."""
        with self._lock:
            self.abandoned = not self._committing
            return self.abandoned

    def may_commit(self) -> bool:
        with self._lock:
            self._committing = not self.abandoned
            return self._committing


_current = threading.local()  # the _Call a worker thread is running


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _native(value: Any) -> Any:
    """Driver values as Python values; exact type checks, since this runs for every value read."""
    t = type(value)
    if t in _PLAIN:
        return value
    if t is dict:
        return {k: _native(v) for k, v in value.items()}
    if t is list:
        return [_native(v) for v in value]
    if t is neo4j.time.Date or t is neo4j.time.DateTime:
        return value.to_native()
    return value


# The kinds of the given ids that exist, as two columns (one row): a load asks for tens of
# thousands at once, and a record per id would cost more to decode than the look-ups.
KINDS = (f"UNWIND $ids AS id MATCH (n:{ENTITY} {{id: id}}) "
         f"RETURN collect(n.id) AS ids, collect([l IN labels(n) WHERE l <> '{ENTITY}'][0]) AS kinds")


def _kinds(columns: Mapping[str, list[str]]) -> dict[str, str]:
    return dict(zip(columns["ids"], columns["kinds"], strict=True))


def _kind(labels: Iterable[str]) -> str:
    return next(label for label in labels if label in _KINDS)


def _node(labels: Iterable[str], props: Mapping[str, Any]) -> Node:
    return node_from_props(_kind(labels), props)


def _edge(source: str, rel: str, target: str, note: str | None) -> Edge:
    return Edge.model_construct(source=source, rel=rel, target=target, note=note)


class Neo4jStore(Store):
    backend = "neo4j"

    def __init__(self, uri: str, user: str | None = None, password: str | None = None,
                 database: str | None = None, timeout: float | None = DEFAULT_TIMEOUT, actor: str | None = None,
                 **driver_options: Any):
        """`timeout` (seconds, None for none) bounds every call: the caller gets StoreUnavailable when
        Neo4j has not answered by then, and the server ends the transaction itself, so nothing the
        caller gave up on commits later. Connecting is bounded by the driver's own timeouts."""
        self.uri = uri
        self.database = database
        self.timeout = timeout
        self.actor = actor or local_actor()
        auth = (user, password or "") if user is not None else None  # no password: refused, clearly
        wait = min(10.0, timeout) if timeout else 10.0
        # No server notifications: they would warn about relationship types an empty map lacks yet.
        options = {"connection_acquisition_timeout": wait, "connection_timeout": min(5.0, wait),
                   "max_transaction_retry_time": 2.0, "notifications_min_severity": "OFF", **driver_options}
        self._driver = GraphDatabase.driver(uri, auth=auth, **options)
        self._workers = ThreadPoolExecutor(max_workers=32, thread_name_prefix="neo4j-call")
        self._schema_ready = False
        self._schema_lock = threading.Lock()
        self._shared: CypherMap | None = None  # the facts analyses of the latest version share

    def gap_facts(self, ctx: Context) -> CypherFacts:
        from .neo4j_gaps import CypherFacts, CypherMap

        # The version is read before any fact, so facts never outlive the version they are kept under.
        version = self.version()
        shared = self._shared
        if shared is None or shared.version != version:
            shared = self._shared = CypherMap(self, version)
        return CypherFacts(shared, ctx)

    @property
    def location(self) -> str:
        return self.uri + (f" (database {self.database})" if self.database else "")

    def __repr__(self) -> str:  # never shows credentials
        return f"Neo4jStore({self.uri!r})"

    # -- plumbing -----------------------------------------------------------
    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except AuthError as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} refused the credentials: {exc.message}") from None
        except IncompleteCommit:
            raise StoreUnavailable(f"Neo4j at {self.uri} went away while saving a write; it may or may not have "
                                   "been saved") from None
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} is unreachable: {exc}") from None
        except ConstraintError as exc:  # another writer took an id between our check and our write
            raise Conflict(f"Neo4j refused the write, nothing was written: {exc.message}") from None
        except TransientError as exc:  # e.g. the transaction outgrew the server's memory limit
            raise StoreUnavailable(f"Neo4j at {self.uri} could not complete it, nothing was written: "
                                   f"{exc.message}") from None
        except ClientError as exc:
            if "TimedOut" in (exc.code or "") or "Terminated" in (exc.code or ""):
                raise StoreUnavailable(f"Neo4j at {self.uri} stopped it at the time limit of {self.timeout:g} s; "
                                       "nothing was written") from None
            raise

    def _bounded(self, work: Callable[[], R], timeout: float | None) -> R:
        """Run `work` on a worker thread and wait at most `timeout` seconds for it: a Neo4j that has
        frozen (not closed its connections) would otherwise hold the caller for ever."""
        if timeout is None or getattr(_current, "call", None) is not None:
            return work()
        call = _Call()

        def run() -> R:
            if call.abandoned:  # it waited for a worker longer than its caller waited for it
                raise StoreUnavailable("abandoned")
            _current.call = call
            try:
                return work()
            finally:
                _current.call = None

        future = self._workers.submit(run)
        try:
            return future.result(timeout)
        except TimeoutError:
            if call.give_up():
                log.warning("Neo4j at %s did not answer within %g s", self.uri, timeout)
                raise StoreUnavailable(f"Neo4j at {self.uri} did not answer within {timeout:g} s; "
                                       "nothing was changed") from None
        try:  # its commit had been sent: its outcome is worth waiting a little longer for
            return future.result(timeout)
        except TimeoutError:
            raise StoreUnavailable(f"Neo4j at {self.uri} did not confirm a write within {2 * timeout:g} s; "
                                   "it may or may not have been saved") from None

    def _query(self, text: str, timeout: float | None = None) -> neo4j.Query:
        return neo4j.Query(text, timeout=timeout if timeout is not None else self.timeout)

    def _ensure_schema(self) -> None:
        """Constraints are created on first use, so a server that is down at start can come up later."""
        if self._schema_ready:
            return
        with self._schema_lock, self._guard():
            if not self._schema_ready:
                for stmt in constraint_statements():
                    self._driver.execute_query(self._query(stmt), database_=self.database)
                self._schema_ready = True

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run a read query; values come back as Python values (dates as datetime.date)."""

        def work() -> list[dict[str, Any]]:
            self._ensure_schema()
            with self._guard():
                records, _, _ = self._driver.execute_query(
                    self._query(query), params, routing_=RoutingControl.READ, database_=self.database)
            return [{k: _native(v) for k, v in r.items()} for r in records]

        return self._bounded(work, self.timeout)

    def read_columns(self, query: str, **params: Any) -> dict[str, Any]:
        """Run a read query that answers with one row of columns (lists of text, numbers and
        booleans, no temporal values): the driver's values are used as they come, unconverted."""

        def work() -> dict[str, Any]:
            self._ensure_schema()
            with self._guard():
                records, _, _ = self._driver.execute_query(
                    self._query(query), params, routing_=RoutingControl.READ, database_=self.database)
            return dict(zip(records[0].keys(), records[0].values(), strict=True))

        return self._bounded(work, self.timeout)

    def ping(self) -> None:
        def work() -> None:
            with self._guard():
                self._driver.verify_connectivity()
            self._ensure_schema()

        self._bounded(work, self.timeout)

    def close(self) -> None:
        self._workers.shutdown(wait=False, cancel_futures=True)
        self._driver.close()

    # -- writes -------------------------------------------------------------
    def _write(self, work: Callable[[_Tx], R], record: AuditEntry, size: int = 1, bump: bool = True) -> R:
        timeout = None if self.timeout is None else self.timeout + size / ROWS_PER_SECOND
        return self._bounded(lambda: self._in_transaction(work, record, timeout, bump), timeout)

    def _in_transaction(self, work: Callable[[_Tx], R], record: AuditEntry, timeout: float | None,
                        bump: bool) -> R:
        """One explicit write transaction, which the server ends at `timeout`: the write counted
        first (and the version bumped, unless the write leaves the report as it was: a snapshot),
        then the work, then its audit record; committed only if all succeed and the caller is still
        waiting."""
        self._ensure_schema()
        # With the reads' bookmark manager, a read after this write waits for it on a cluster's secondary.
        bookmarks = self._driver.execute_query_bookmark_manager
        with self._guard(), self._driver.session(database=self.database, bookmark_manager=bookmarks) as session, \
                session.begin_transaction(timeout=timeout) as tx:
            seq = tx.run(NEXT, bump=int(bump)).single(strict=True)["seq"]
            result = work(_Tx(tx))
            try:
                tx.run(RECORD, seq=seq, at=record.at, who=record.who, action=record.action,
                       what=json.dumps(record.what, ensure_ascii=False, default=str)).consume()
            except Neo4jError as exc:  # the transaction is then rolled back: no write without its record
                raise AuditUnavailable(f"Neo4j refused the record: {exc.message}") from None
            call = getattr(_current, "call", None)
            if call is not None and not call.may_commit():
                raise StoreUnavailable("abandoned")  # leaving the block unfinished rolls it back
            tx.commit()
            return result

    def version(self) -> object | None:
        return self.read(f"OPTIONAL MATCH (m:{META} {{key: 'graph'}}) RETURN coalesce(m.version, 0) AS v")[0]["v"]

    def audit(self, offset: int = 0, limit: int = 100, newest_first: bool = False) -> list[AuditEntry]:
        check_paging(offset, limit)
        order = "DESC" if newest_first else "ASC"
        rows = self.read(f"MATCH (a:{AUDIT}) RETURN a.at AS at, a.who AS who, a.action AS action, a.what AS what "
                         f"ORDER BY a.seq {order} SKIP $offset LIMIT $limit", offset=offset, limit=limit)
        return [AuditEntry(r["at"], r["who"], r["action"], json.loads(r["what"])) for r in rows]

    # -- the panel cycle ------------------------------------------------------
    def _insert_snapshot(self, record: SnapshotRecord, audit: AuditEntry) -> None:
        info = record.info

        def work(tx: _Tx) -> None:
            if tx.run(f"MATCH (s:{SNAPSHOT} {{key: $key}}) RETURN s.name", key=info.key).single():
                raise Conflict(f"a snapshot named {info.name!r} already exists; snapshots are never replaced, "
                               "so choose another name")
            # The uniqueness constraint on key settles a race with another writer (ConstraintError: Conflict).
            tx.run(f"CREATE (s:{SNAPSHOT}) SET s = $props",
                   props={"key": info.key, "name": info.name, "as_of": info.as_of, "taken_at": info.taken_at,
                          "taken_by": info.taken_by, "nodes": info.nodes, "edges": info.edges,
                          "findings": info.findings, "payload": record.payload}).consume()

        self._write(work, audit, size=len(record.payload) // 1000, bump=False)

    def list_snapshots(self) -> list[SnapshotInfo]:
        rows = self.read(f"MATCH (s:{SNAPSHOT}) RETURN {_returning('s', _SNAPSHOT_FIELDS)} "
                         "ORDER BY s.as_of, s.taken_at")
        return [SnapshotInfo(**r) for r in rows]

    def _find_snapshot(self, key: str) -> SnapshotRecord | None:
        rows = self.read(f"MATCH (s:{SNAPSHOT} {{key: $key}}) RETURN {_returning('s', _SNAPSHOT_FIELDS)}, "
                         "s.payload AS payload", key=key)
        if not rows:
            return None
        payload = rows[0].pop("payload")
        return SnapshotRecord(SnapshotInfo(**rows[0]), bytes(payload))

    def _remove_snapshot(self, key: str, name: str, audit: AuditEntry) -> SnapshotInfo:
        def work(tx: _Tx) -> SnapshotInfo:
            found = tx.run(f"MATCH (s:{SNAPSHOT} {{key: $key}}) RETURN {_returning('s', _SNAPSHOT_FIELDS)}",
                           key=key).single()
            if found is None:
                raise NotFound(f"snapshot {name!r}")
            tx.run(f"MATCH (s:{SNAPSHOT} {{key: $key}}) DELETE s", key=key).consume()
            return SnapshotInfo(**{k: _native(v) for k, v in found.items()})

        return self._write(work, audit, bump=False)

    def _put_acceptance(self, acceptance: Acceptance, audit: AuditEntry) -> Acceptance | None:
        props = {**acceptance.as_dict(), "review": acceptance.review, "on": acceptance.on}
        match = f"MATCH (a:{ACCEPTANCE} {{rule: $rule, node_id: $node_id}})"

        def work(tx: _Tx) -> Acceptance | None:
            found = tx.run(f"{match} RETURN {_returning('a', _ACCEPTANCE_FIELDS)}", rule=acceptance.rule,
                           node_id=acceptance.node_id).single()
            tx.run(f"MERGE (a:{ACCEPTANCE} {{rule: $p.rule, node_id: $p.node_id}}) SET a = $p", p=props).consume()
            return Acceptance(**{k: _native(v) for k, v in found.items()}) if found else None

        return self._write(work, audit)

    def list_acceptances(self) -> list[Acceptance]:
        rows = self.read(f"MATCH (a:{ACCEPTANCE}) RETURN {_returning('a', _ACCEPTANCE_FIELDS)} "
                         "ORDER BY a.rule, a.node_id")
        return [Acceptance(**r) for r in rows]

    def _remove_acceptance(self, rule: str, node_id: str, audit: AuditEntry) -> Acceptance:
        match = f"MATCH (a:{ACCEPTANCE} {{rule: $rule, node_id: $node_id}})"

        def work(tx: _Tx) -> Acceptance:
            found = tx.run(f"{match} RETURN {_returning('a', _ACCEPTANCE_FIELDS)}", rule=rule, node_id=node_id).single()
            if found is None:  # raised inside: nothing is committed, and the version stays
                raise NotFound(f"acceptance of {rule} for {node_id!r}")
            tx.run(f"{match} DELETE a", rule=rule, node_id=node_id).consume()
            return Acceptance(**{k: _native(v) for k, v in found.items()})

        return self._write(work, audit)

    # -- reads --------------------------------------------------------------
    def kinds(self, ids: Iterable[str]) -> dict[str, str]:
        return _kinds(self.read_columns(KINDS, ids=list(ids)))

    def get_node(self, node_id: str) -> Node | None:
        rows = self.read(f"MATCH (n:{ENTITY} {{id: $id}}) RETURN labels(n) AS labels, properties(n) AS props",
                         id=node_id)
        return _node(rows[0]["labels"], rows[0]["props"]) if rows else None

    def get_edge(self, source: str, rel: str, target: str) -> Edge | None:
        check_rel(rel)
        rows = self.read(f"MATCH (:{ENTITY} {{id: $s}})-[r:{SCHEMA.edge(rel).name}]->(:{ENTITY} {{id: $t}}) "
                         "RETURN r.note AS note", s=source, t=target)
        return _edge(source, rel, target, rows[0]["note"]) if rows else None

    def list_nodes(self, kind: str, filters: Mapping[str, Any] | None = None,
                   offset: int = 0, limit: int = 100) -> Page:
        check_kind(kind)
        check_paging(offset, limit)
        wanted = coerce_filters(kind, filters)
        label = SCHEMA.node(kind).name
        match = f"MATCH (n:{label}) WHERE all(k IN keys($f) WHERE n[k] = $f[k])"
        total = self.read(f"{match} RETURN count(n) AS n", f=wanted)[0]["n"]
        rows = self.read(f"{match} RETURN properties(n) AS props ORDER BY n.id SKIP $offset LIMIT $limit",
                         f=wanted, offset=offset, limit=limit)
        return Page([node_from_props(kind, r["props"]) for r in rows], total, offset, limit)

    def list_edges(self, rel: str | None = None, offset: int = 0, limit: int = 100) -> list[Edge]:
        check_rel(rel)
        check_paging(offset, limit)
        pattern = f"[r:{SCHEMA.edge(rel).name}]" if rel else "[r]"
        rows = self.read(
            f"MATCH (a:{ENTITY})-{pattern}->(b:{ENTITY}) "
            "RETURN a.id AS s, type(r) AS rel, b.id AS t, r.note AS note "
            "ORDER BY s, rel, t SKIP $offset LIMIT $limit", offset=offset, limit=limit)
        return [_edge(r["s"], r["rel"], r["t"], r["note"]) for r in rows]

    def neighbours(self, node_id: str, rel: str | None = None,
                   direction: Direction = Direction.BOTH) -> list[Neighbour]:
        check_rel(rel)
        direction = Direction(direction)
        rows = self.read(
            f"MATCH (a:{ENTITY} {{id: $id}}) "
            "OPTIONAL MATCH (a)-[r]-(b) "
            "WHERE ($rel IS NULL OR type(r) = $rel) "
            "  AND ($dir = 'both' OR ($dir = 'out') = (startNode(r) = a)) "
            "RETURN startNode(r) = a AS out, type(r) AS rel, r.note AS note, "
            "       labels(b) AS labels, properties(b) AS props",
            id=node_id, rel=rel, dir=direction.value)
        if not rows:
            raise NotFound(f"node {node_id!r}")
        out = []
        for r in rows:
            if r["rel"] is None:
                continue
            other = _node(r["labels"], r["props"])
            s, t = (node_id, other.id) if r["out"] else (other.id, node_id)
            out.append(Neighbour(_edge(s, r["rel"], t, r["note"]), other))
        return sorted(out, key=lambda nb: nb.edge.key)

    def counts(self) -> Counts:
        nodes = dict.fromkeys(SCHEMA.node_names, 0)
        for r in self.read(f"MATCH (n:{ENTITY}) RETURN labels(n) AS labels, count(*) AS n"):
            nodes[_kind(r["labels"])] += r["n"]
        edges = dict.fromkeys(SCHEMA.edge_names, 0)
        for r in self.read(f"MATCH (:{ENTITY})-[r]->(:{ENTITY}) RETURN type(r) AS rel, count(*) AS n"):
            edges[r["rel"]] = r["n"]
        return Counts(nodes, edges)

    def export(self, node_ids: Iterable[str] | None = None) -> nx.MultiDiGraph:
        ids = None if node_ids is None else list(node_ids)
        where = "" if ids is None else "WHERE n.id IN $ids"
        nodes = self.read(f"MATCH (n:{ENTITY}) {where} RETURN labels(n) AS labels, properties(n) AS props", ids=ids)
        where = "" if ids is None else "WHERE a.id IN $ids AND b.id IN $ids"
        edges = self.read(f"MATCH (a:{ENTITY})-[r]->(b:{ENTITY}) {where} "
                          "RETURN a.id AS s, type(r) AS rel, b.id AS t, r.note AS note", ids=ids)
        return to_graph((_node(r["labels"], r["props"]) for r in nodes),
                        (_edge(r["s"], r["rel"], r["t"], r["note"]) for r in edges))


class _Tx:
    def __init__(self, tx: neo4j.Transaction):
        self._tx = tx
        self.run = tx.run  # for the panel cycle's own statements

    def kinds(self, ids: Iterable[str]) -> dict[str, str]:
        record = self._tx.run(KINDS, ids=list(ids)).single(strict=True)
        return _kinds(dict(zip(record.keys(), record.values(), strict=True)))

    def nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        result = self._tx.run(f"UNWIND $ids AS id MATCH (n:{ENTITY} {{id: id}}) "
                              "RETURN labels(n) AS labels, properties(n) AS props", ids=list(ids))
        found = [_node(r["labels"], {k: _native(v) for k, v in r["props"].items()}) for r in result]
        return {n.id: n for n in found}

    def delete_node(self, node_id: str) -> None:
        self._tx.run(f"MATCH (n:{ENTITY} {{id: $id}}) DETACH DELETE n", id=node_id).consume()

    def delete_edge(self, source: str, rel: str, target: str) -> bool:
        result = self._tx.run(f"MATCH (:{ENTITY} {{id: $s}})-[r:{SCHEMA.edge(rel).name}]->(:{ENTITY} {{id: $t}}) "
                              "DELETE r RETURN count(*) AS n", s=source, t=target)
        return bool(result.single(strict=True)["n"])

    def clear_some(self) -> bool:
        # In slices, so clearing a national-size map stays within a small heap.
        result = self._tx.run(f"MATCH (n:{ENTITY}) WITH n LIMIT $n DETACH DELETE n RETURN count(*) AS n", n=BATCH_SIZE)
        return bool(result.single(strict=True)["n"])

    def apply(self, batch: Batch, stored: Mapping[str, str], progress: Progress) -> None:
        """New nodes are created, stored ones updated; links at a new node (which can have none
        yet) are created, links between stored nodes merged. Creating skips the look-up and lock a
        merge takes for every row, which is most of a fresh load's time; the kinds were read in this
        transaction, and the uniqueness constraints refuse an id another writer took meanwhile."""
        done, total = 0, len(batch.nodes) + len(batch.edges)

        def run(query: str, rows: list[dict[str, Any]]) -> None:
            nonlocal done
            for chunk in iter_chunks(rows):
                self._tx.run(query, rows=chunk).consume()
                done += len(chunk)
                progress(done, total)

        for kind, nodes in batch.nodes_by_kind().items():
            label = SCHEMA.node(kind).name
            # SET n = row replaces every property, so a field cleared in the source is cleared here.
            run(f"UNWIND $rows AS row CREATE (n:{ENTITY}:{label}) SET n = row",
                [n.properties() for n in nodes if n.id not in stored])
            run(f"UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) SET n = row",
                [n.properties() for n in nodes if n.id in stored])
        for rel, edges in batch.edges_by_rel().items():
            rel_type = SCHEMA.edge(rel).name
            ends = f"UNWIND $rows AS row MATCH (a:{ENTITY} {{id: row.s}}) MATCH (b:{ENTITY} {{id: row.t}}) "
            run(ends + f"CREATE (a)-[:{rel_type} {{note: row.note}}]->(b)",  # a null note sets nothing
                [{"s": e.source, "t": e.target, "note": e.note} for e in edges
                 if e.source not in stored or e.target not in stored])
            run(ends + f"MERGE (a)-[r:{rel_type}]->(b) SET r.note = row.note",
                [{"s": e.source, "t": e.target, "note": e.note} for e in edges
                 if e.source in stored and e.target in stored])
