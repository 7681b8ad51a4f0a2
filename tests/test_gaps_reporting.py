"""Reporting routes up to the audit panel: long chains, rings and loops, on both stores, and the
same routes as a breadth-first search from each meeting on its own would find."""
from __future__ import annotations

import datetime as dt
from collections import deque

from hypothesis import given
from hypothesis import strategies as st

from graphmodel.gaps import analyse
from graphmodel.gaps.facts import MeetingFact
from graphmodel.gaps.reporting import Routes
from graphmodel.models import Edge, node_from_dict

AS_OF = dt.date(2024, 6, 15)
N = 3000


def meeting(i, panel=False):
    return node_from_dict("Meeting", {"id": f"M{i:04d}", "name": f"Board {i}", "panel": panel})


def reporting(store, meetings, links, sources):
    """Each source's reporting words, when each assures a process of its own and reports to the
    meeting given."""
    nodes = list(meetings) + [node_from_dict("Process", {"id": "P", "name": "Payroll", "area": "Finance"})]
    edges = [Edge(source=a, rel="REPORTS_TO", target=b) for a, b in links]
    for sid, to in sources.items():
        nodes.append(node_from_dict("AssuranceSource", {"id": sid, "name": f"Audit {sid}", "line": 3}))
        edges += [Edge(source=sid, rel="ASSURES", target="P"), Edge(source=sid, rel="REPORTS_TO", target=to)]
    store.upsert(nodes, edges)
    [p] = analyse(store, as_of=AS_OF, node="P").assessments
    return {s.source_id: s.reporting for s in p.sources}


def test_a_3000_long_chain_up_to_the_panel(store):
    chain = [meeting(i, panel=i == N - 1) for i in range(N)]
    links = [(f"M{i:04d}", f"M{i + 1:04d}") for i in range(N - 1)]
    said = reporting(store, chain, links, {"S1": "M0000", "S2": f"M{N - 2:04d}"})
    names = said["S1"].removesuffix(" (audit panel)").split(" -> ")
    assert names == [f"Board {i}" for i in range(N)]
    assert said["S2"] == f"Board {N - 2} -> Board {N - 1} (audit panel)"


def test_a_3000_meeting_ring_through_the_panel(store):
    ring = [meeting(i, panel=i == 0) for i in range(N)]
    links = [(f"M{i:04d}", f"M{(i + 1) % N:04d}") for i in range(N)]
    said = reporting(store, ring, links, {"S1": "M0001", "S2": f"M{N - 1:04d}", "S3": "M0000"})
    assert said["S1"].removesuffix(" (audit panel)").split(" -> ") == [f"Board {i}" for i in range(1, N)] + ["Board 0"]
    assert said["S2"] == f"Board {N - 1} -> Board 0 (audit panel)"
    assert said["S3"] == "Board 0 (audit panel)"


def test_a_3000_meeting_ring_with_no_way_out(store):
    ring = [meeting(i) for i in range(N)] + [meeting(N, panel=True)]
    links = [(f"M{i:04d}", f"M{(i + 1) % N:04d}") for i in range(N)]
    said = reporting(store, ring, links, {"S1": "M0005"})
    assert said["S1"] == ("Board 5 (no route to the audit panel: the reports go round a loop, Board 0 -> Board 1 -> "
                          "Board 2 -> Board 3 -> Board 4 -> ... -> Board 0, 3,000 meetings in all)")


def test_a_loop_reached_on_the_way_and_one_that_reports_to_itself(store):
    meetings = [meeting(i) for i in range(5)] + [meeting(9, panel=True)]
    # 0 -> 1 -> 2 -> 3 -> 1 (a loop of three, reached from 0); 4 reports to itself.
    links = [("M0000", "M0001"), ("M0001", "M0002"), ("M0002", "M0003"), ("M0003", "M0001"), ("M0004", "M0004")]
    said = reporting(store, meetings, links, {"S1": "M0000", "S2": "M0004", "S3": "M0002"})
    assert said == {
        "S1": "Board 0 (no route to the audit panel: the reports go round a loop, Board 1 -> Board 2 -> Board 3 "
              "-> Board 1)",
        "S2": "Board 4 (no route to the audit panel: the reports go round a loop, Board 4 -> Board 4)",
        "S3": "Board 2 (no route to the audit panel: the reports go round a loop, Board 1 -> Board 2 -> Board 3 "
              "-> Board 1)",
    }


def _searched(meetings):
    """A breadth-first search from each meeting on its own, following links in id order."""
    by_id = {m.id: m for m in meetings}
    chains = {}
    for start in sorted(by_id):
        parent = {start: None}
        queue = deque([start])
        while queue:
            mid = queue.popleft()
            if by_id[mid].panel:
                path = []
                node = mid
                while node is not None:
                    path.append(node)
                    node = parent[node]
                chains[start] = tuple(reversed(path))
                break
            for nxt in sorted(by_id[mid].reports_to):
                if nxt in by_id and nxt not in parent:
                    parent[nxt] = mid
                    queue.append(nxt)
    return chains


@st.composite
def meeting_graphs(draw):
    n = draw(st.integers(1, 12))
    ids = [f"M{i}" for i in range(n)]
    return [MeetingFact(m, m, draw(st.booleans()), tuple(sorted(set(draw(st.lists(st.sampled_from(ids), max_size=3))))))
            for m in ids]


@given(meeting_graphs())
def test_the_same_routes_as_a_search_from_each_meeting(meetings):
    routes = Routes(meetings)
    assert {m: tuple(x.id for x in routes[m]) for m in routes} == _searched(meetings)
