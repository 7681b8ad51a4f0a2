"""Maps and gap reports for view tests: a small hand-made map with hostile names, and a
large synthetic one. The reports are written by hand, independent of the gap analysis."""
from __future__ import annotations

import datetime as dt
import random

import networkx as nx

from graphmodel.gaps.model import Assessment, Finding, Report, Severity, SourceScore, Status
from graphmodel.models import Edge, Node, edge_from_dict, node_from_dict
from graphmodel.store.base import to_graph

AS_OF = dt.date(2024, 3, 31)
XSS_NAME = "<img src=x onerror=alert(1)>"
SCRIPT_NAME = "Spot check </script><script>alert(2)</script>"
ODD_ID = "R 2/a&b?"


def _n(kind: str, **fields) -> Node:
    return node_from_dict(kind, fields)


def _e(source: str, rel: str, target: str) -> Edge:
    return edge_from_dict({"source": source, "rel": rel, "target": target})


def small_map() -> tuple[list[Node], list[Edge]]:
    nodes = [
        _n("Process", id="P-IQ-1", name="Incident reporting", area="Information Quality", criticality="high"),
        _n("Process", id="P-IQ-2", name="Performance information", area="Information Quality"),
        _n("Process", id="P-PE-1", name=XSS_NAME, area="People", owner="Head of HR"),
        _n("Process", id="P-PE-2", name="Leaver management", area="People"),
        _n("AssuranceSource", id="S1", name="Monthly MI report", line=2, opinion="reasonable",
           last_assured="2024-02-29", frequency="monthly"),
        _n("AssuranceSource", id="S2", name="Internal audit: crime data integrity", line=3, opinion="limited",
           last_assured="2023-06-30", frequency="annual"),
        _n("AssuranceSource", id="S3", name="HMICFRS inspection", line=4, opinion="substantial",
           last_assured="2022-03-31"),
        _n("AssuranceSource", id="S4", name=SCRIPT_NAME, line=1),
        _n("Meeting", id="M-FB", name="Force Board", frequency="monthly"),
        _n("Meeting", id="M-JARAP", name="JARAP", panel=True, public=True),
        _n("Meeting", id="M-SAB", name="Strategic Assurance Board"),
        _n("Commitment", id="C1", title="Improve data quality"),
        _n("Commitment", id="C2", title="A workforce fit for the future"),
        _n("Risk", id="R1", title="Poor data quality", score=16),
        _n("Risk", id=ODD_ID, title="Vetting backlog", score=12),
        _n("Action", id="A1", title="Data quality plan", target_date="2023-12-31", status="amber"),
    ]
    edges = [
        _e("S1", "ASSURES", "P-IQ-1"), _e("S2", "ASSURES", "P-IQ-1"), _e("S2", "ASSURES", "P-IQ-2"),
        _e("S3", "ASSURES", "P-IQ-2"), _e("S4", "ASSURES", "P-PE-1"),
        _e("S1", "REPORTS_TO", "M-FB"), _e("S4", "REPORTS_TO", "M-FB"), _e("S2", "REPORTS_TO", "M-JARAP"),
        _e("M-FB", "REPORTS_TO", "M-JARAP"), _e("M-SAB", "OVERSEES", "P-PE-2"),
        _e("P-IQ-1", "SUPPORTS", "C1"), _e("A1", "DELIVERS", "C1"), _e("P-IQ-2", "EXPOSED_TO", "R1"),
        _e("A1", "MITIGATES", "R1"), _e("P-PE-1", "EXPOSED_TO", ODD_ID), _e("P-PE-2", "SUPPORTS", "C2"),
    ]
    return nodes, edges


def _score(sid: str, name: str, line: int, opinion: str, recency: str) -> SourceScore:
    weights = {1: 0.2, 2: 0.4, 3: 0.7, 4: 0.8}
    factors = {"substantial": 1.0, "reasonable": 0.75, "limited": 0.35, "none": 0.0, "unrated": 0.5}
    rec = {"current": 1.0, "due": 0.7, "stale": 0.3, "undated": 0.2}
    return SourceScore(sid, name, line, opinion, weights[line], factors[opinion], recency, rec[recency])


def small_report() -> Report:
    s1 = _score("S1", "Monthly MI report", 2, "reasonable", "current")
    s2 = _score("S2", "Internal audit: crime data integrity", 3, "limited", "due")
    s3 = _score("S3", "HMICFRS inspection", 4, "substantial", "stale")
    s4 = _score("S4", SCRIPT_NAME, 1, "unrated", "undated")
    assessments = (
        Assessment("P-IQ-1", "Incident reporting", "Information Quality", Status.WEAK, 0.41, ("G5",), (s1, s2)),
        Assessment("P-IQ-2", "Performance information", "Information Quality", Status.ADEQUATE, 0.62, (), (s2, s3)),
        Assessment("P-PE-1", XSS_NAME, "People", Status.WEAK, 0.02, ("G2", "G3", "G4"), (s4,)),
        Assessment("P-PE-2", "Leaver management", "People", Status.UNCOVERED, 0.0, ("G1",), ()),
    )
    findings = (
        Finding("G1", "P-PE-2", "Process", Severity.HIGH, ("no assurance source gives assurance over it",),
                "Leaver management", "People"),
        Finding("G2", "P-PE-1", "Process", Severity.MEDIUM,
                (f"its only source, {SCRIPT_NAME!s} (S4), is line 1 (management)",), XSS_NAME, "People"),
        Finding("G5", "P-IQ-1", "Process", Severity.HIGH,
                ("the latest internal audit opinion (30 June 2023) is limited",), "Incident reporting",
                "Information Quality"),
        Finding("G8", ODD_ID, "Risk", Severity.MEDIUM, ("no action mitigates it",), "Vetting backlog"),
        Finding("G9", "A1", "Action", Severity.LOW, ("target date 31 Dec 2023 has passed; status amber",),
                "Data quality plan"),
    )
    return Report(AS_OF, {"name": "hand-made"}, findings, assessments)


def small_graph() -> nx.MultiDiGraph:
    return to_graph(*small_map())


def large_map(n_nodes: int = 5000, areas: int = 10, seed: int = 7) -> tuple[nx.MultiDiGraph, Report]:
    """A synthetic map of about n_nodes nodes in `areas` areas, and a report over its processes."""
    rnd = random.Random(seed)
    per_area = n_nodes // areas
    shares = {"Process": 0.2, "AssuranceSource": 0.4, "Meeting": 0.04, "Commitment": 0.12, "Risk": 0.12}
    nodes: list[Node] = [_n("Meeting", id="PANEL", name="JARAP", panel=True)]
    edges: list[Edge] = []
    assessments, findings = [], []
    for a in range(areas):
        area = f"Area {a:02d}"
        count = {k: max(1, int(per_area * s)) for k, s in shares.items()}
        count["Action"] = per_area - sum(count.values()) - (1 if a == 0 else 0)
        prefix = {"Process": "P", "AssuranceSource": "S", "Meeting": "M", "Commitment": "C", "Risk": "R", "Action": "A"}
        ids = {k: [f"{prefix[k]}{a:02d}-{i}" for i in range(c)] for k, c in count.items()}
        nodes += [_n("Process", id=i, name=f"Process {i}", area=area) for i in ids["Process"]]
        nodes += [_n("AssuranceSource", id=i, name=f"Source {i}", line=rnd.randint(1, 4))
                  for i in ids["AssuranceSource"]]
        nodes += [_n("Meeting", id=i, name=f"Board {i}") for i in ids["Meeting"]]
        nodes += [_n("Commitment", id=i, title=f"Commitment {i}") for i in ids["Commitment"]]
        nodes += [_n("Risk", id=i, title=f"Risk {i}") for i in ids["Risk"]]
        nodes += [_n("Action", id=i, title=f"Action {i}") for i in ids["Action"]]
        covered = set()
        for s in ids["AssuranceSource"]:
            for p in rnd.sample(ids["Process"], 2):
                edges.append(_e(s, "ASSURES", p))
                covered.add(p)
            edges.append(_e(s, "REPORTS_TO", rnd.choice(ids["Meeting"])))
        edges += [_e(m, "REPORTS_TO", "PANEL") for m in ids["Meeting"]]
        for p in ids["Process"]:
            edges.append(_e(p, "SUPPORTS", rnd.choice(ids["Commitment"])))
            edges.append(_e(p, "EXPOSED_TO", rnd.choice(ids["Risk"])))
            status = Status.UNCOVERED if p not in covered else rnd.choice([Status.WEAK, Status.ADEQUATE])
            assessments.append(Assessment(p, f"Process {p}", area, status, rnd.random(), ()))
            if status is Status.UNCOVERED:
                findings.append(Finding("G1", p, "Process", Severity.HIGH, ("no source",), f"Process {p}", area))
        for x in ids["Action"]:
            edges.append(_e(x, "MITIGATES", rnd.choice(ids["Risk"])))
    return to_graph(nodes, edges), Report(AS_OF, {}, tuple(findings), tuple(assessments))


HOSTILE = "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"


def demo_with_hostile_names(store) -> None:
    """The bundled demo maps, plus a process and its source named to break out of any markup."""
    from loaders.bundled import load_demo

    load_demo(store)
    store.upsert([_n("Process", id="PE-X", name=HOSTILE, area="People"),
                  _n("AssuranceSource", id="S-X", name=HOSTILE, line=1)], [_e("S-X", "ASSURES", "PE-X")])
