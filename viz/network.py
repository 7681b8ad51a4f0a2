"""From a domain graph and its gap report to a pyvis Network: styles from the schema,
gap status on Process nodes, plain-text tooltips, and a fixed layout for large maps."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import networkx as nx
from pyvis.network import Network

from graphmodel.gaps.model import Assessment, Finding, Report
from graphmodel.models import Node
from graphmodel.schema import KEY, SCHEMA

from . import style
from .layout import fixed_layout
from .scope import node_areas

# Above this many nodes the browser's physics takes too long: lay out on the server instead.
LARGE = 300
NO_STATUS = "none"  # filter value for nodes that have no assessment


class _IdList(list):
    """pyvis looks ids up in a plain list for every node and edge added (quadratic on big
    maps); this list answers membership from a set."""

    def __init__(self) -> None:
        super().__init__()
        self._ids: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._ids.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._ids


@dataclass(frozen=True)
class Annotations:
    """What the report says about each node, indexed once per page."""

    findings: dict[str, list[Finding]]
    assessments: dict[str, Assessment]

    @classmethod
    def of(cls, report: Report) -> Annotations:
        findings: dict[str, list[Finding]] = {}
        for f in report.findings:
            findings.setdefault(f.node_id, []).append(f)
        return cls(findings, {a.process_id: a for a in report.assessments})


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def tooltip(node: Node, notes: Annotations) -> str:
    """The node's fields and what the gap rules say about it, in plain text."""
    spec = node.spec
    lines = [f"{spec.name} {node.id}: {node.label}"]
    for field in spec.fields:
        if field.name in (KEY, spec.label_field):
            continue
        value = getattr(node, field.name)
        if value is not None:
            lines.append(f"{field.name.replace('_', ' ')}: {_value(value)}")
    a = notes.assessments.get(node.id)
    if a is not None:
        lines.append(f"assurance: {style.STATUS_WORDS[a.status]}, strength {a.score:.2f}")
    found = notes.findings.get(node.id, ())
    if found:
        lines.append("findings:")
        for f in found:
            lines.append(f"- {style.rule_title(f.rule)} ({f.severity.value}): " + "; ".join(f.reasons))
    return "\n".join(lines)


def _node_options(node: Node, notes: Annotations) -> dict[str, Any]:
    kind = node.spec.style
    opts: dict[str, Any] = {"shape": kind.shape, "color": kind.colour, "borderWidth": 1}
    a = notes.assessments.get(node.id)
    found = notes.findings.get(node.id)
    if a is not None:  # the fill says how well the process is assured
        colour = style.STATUS_COLOURS[a.status]
        opts.update(color={"background": colour, "border": colour}, borderWidth=2)
    elif found:  # other flagged nodes keep their kind's colour and get a warning border
        worst = min(found, key=lambda f: ["high", "medium", "low"].index(f.severity.value))
        opts.update(color={"background": kind.colour, "border": style.SEVERITY_COLOURS[worst.severity]},
                    borderWidth=4)
    return opts


def _options(large: bool) -> dict[str, Any]:
    options: dict[str, Any] = {
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": large, "navigationButtons": False},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "smooth": False,
                  "font": {"size": 10, "align": "middle"}},
        "nodes": {"font": {"size": 14}},
    }
    if large:
        options["physics"] = {"enabled": False}
        options["layout"] = {"improvedLayout": False}
    else:
        options["physics"] = {"enabled": True, "solver": "barnesHut",
                              "barnesHut": {"springLength": 140, "avoidOverlap": 0.2},
                              "stabilization": {"enabled": True, "iterations": 200, "fit": True}}
    return options


def build_network(g: nx.MultiDiGraph, report: Report, *, large: bool | None = None) -> Network:
    """A pyvis Network of the graph; `large` (default: more than LARGE nodes) fixes positions
    on the server and turns the browser's physics off."""
    if large is None:
        large = g.number_of_nodes() > LARGE or g.number_of_nodes() == 0  # nothing to settle when empty
    notes = Annotations.of(report)
    areas = node_areas(g)
    positions = fixed_layout(g, areas) if large else {}
    net = Network(directed=True, cdn_resources="remote")  # resources unused: we render our own page
    net.node_ids = _IdList()
    for n, d in sorted(g.nodes(data=True)):
        node: Node = d["node"]
        a = notes.assessments.get(n)
        extra: dict[str, Any] = {}
        if n in positions:
            extra.update(x=positions[n][0], y=positions[n][1], physics=False)
        opts = _node_options(node, notes)
        net.add_node(n, label=node.label, title=tooltip(node, notes), kind=node.kind, name=node.label,
                     areas=list(areas[n]), status=a.status.value if a else NO_STATUS,
                     rules=sorted({f.rule for f in notes.findings.get(n, ())}), **opts, **extra)
    for s, t, rel in sorted(g.edges(keys=True)):
        spec = SCHEMA.edge(rel)
        edge = g.edges[s, t, rel]["edge"]
        title = f"{s} {spec.description} {t}" + (f"\nnote: {edge.note}" if edge.note else "")
        label = {} if large else {"label": spec.description}  # labels slow large drawings down
        net.add_edge(s, t, title=title, color=spec.colour, rel=rel, **label)
    net.options = _options(large)
    return net


def network_data(net: Network) -> dict[str, Any]:
    """What the page script needs: the Network's nodes, edges and vis options."""
    return {"nodes": net.nodes, "edges": net.edges, "options": net.options}
