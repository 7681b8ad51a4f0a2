"""The routing URI form (neo4j://), which a Neo4j cluster needs, against the server the tests
start: a load and a gap report through it are the same as through bolt://, and the load's audit
record is written with it."""
from __future__ import annotations

from collections import Counter

from graphmodel.gaps import analyse
from graphmodel.store.neo4j import Neo4jStore
from loaders.synthetic import AS_OF, generate


def test_load_and_report_through_a_routing_uri(neo4j, neo4j_store):
    host_port = neo4j.uri.split("://", 1)[1]
    routed = Neo4jStore(f"neo4j://{host_port}", neo4j.user, neo4j.password)
    m = generate(30, seed=3)
    try:
        routed.ping()
        routed.clear()
        routed.upsert(m.nodes, m.edges)  # written through the routing table's writer
        written = neo4j_store.audit(limit=1, newest_first=True)[0]
        assert written.action == "write" and written.what["nodes"] == dict(Counter(n.kind for n in m.nodes))
        assert routed.counts() == neo4j_store.counts()
        assert neo4j_store.counts().total_nodes == len(m.nodes)
        through_routing = analyse(routed, as_of=AS_OF)
        through_bolt = analyse(neo4j_store, as_of=AS_OF)
        assert through_routing.findings and through_routing == through_bolt
        pid = m.processes()[0].id
        assert analyse(routed, as_of=AS_OF, node=pid) == analyse(neo4j_store, as_of=AS_OF, node=pid)
    finally:
        routed.clear()
        routed.close()
