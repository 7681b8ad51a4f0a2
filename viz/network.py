"""From a domain graph and its gap report to a drawing: boxes in columns, read left to right.

Columns: actions; commitments and risks; processes (grouped by area); assurance sources
(grouped by line 1 to 4); meetings by how many steps they are from the audit panel; the
panel. Positions come from `viz.layout` on the server, so the same map always gives the
same picture. A view with more items than LARGE opens at area level: one box per area
with its counts and worst status; one area at a time opens in place, its processes worst
first, PAGE at a time.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graphmodel.errors import Missing, Problem
from graphmodel.gaps.model import Assessment, Finding, Report, Status
from graphmodel.models import Node
from graphmodel.schema import KEY, LINE_NAMES, SCHEMA
from graphmodel.values import same_area

from . import scope, style
from .chain import Chain
from .layout import Box, layered

LARGE = 300  # above this many items a view opens at area level
PAGE = 100  # processes of one opened area drawn at a time, worst first
PLANS = ("Risk", "Action")  # hidden on the whole map until asked for
NO_STATUS = "none"  # filter value for items that have no assessment
PROCESS = "Process"

# Box sizes: labels wrap onto at most two lines of LINE_CHARS characters.
LINE_CHARS = 24
CHAR_PX = 7.8  # a generous average width of a 14px sans-serif character
LINE_PX = 24.0  # vis-network gives each line of a 14px label 24px
PAD_X, PAD_Y = 12.0, 6.0
WIDTH_SLACK = 24.0  # less than the gap between columns, so a wider box still stays clear


class _Layers:
    """Which column each kind of box goes in."""

    ACTION, PLAN, PROCESS, SOURCE, MEETING = 0, 1, 2, 3, 4
    KIND = {"Action": ACTION, "Commitment": PLAN, "Risk": PLAN, "Process": PROCESS, "AssuranceSource": SOURCE}


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

    def worst(self, node_id: str) -> Finding | None:
        found = self.findings.get(node_id)
        return min(found, key=lambda f: style.SEVERITY_ORDER[f.severity]) if found else None


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def field_rows(node: Node) -> list[tuple[str, str]]:
    """The node's filled-in fields besides id and name, as (label, text)."""
    spec = node.spec
    rows = []
    for f in spec.fields:
        if f.name in (KEY, spec.label_field):
            continue
        value = getattr(node, f.name)
        if value is not None:
            text = LINE_NAMES.get(value, str(value)) if f.name == "line" else _value(value)
            rows.append((f.name.replace("_", " "), text))
    return rows


def tooltip(node: Node, notes: Annotations) -> str:
    """The node's fields and what the gap rules say about it, in plain text."""
    lines = [f"{node.spec.name} {node.id}: {node.label}"]
    lines += [f"{name}: {text}" for name, text in field_rows(node)]
    a = notes.assessments.get(node.id)
    if a is not None:
        lines.append(f"assurance: {style.STATUS_WORDS[a.status]}, strength {a.score:.2f}")
    found = notes.findings.get(node.id, ())
    if found:
        lines.append("findings:")
        for f in found:
            lines.append(f"- {style.rule_title(f.rule)} ({f.severity.value}): " + "; ".join(f.reasons))
    return "\n".join(lines)


# -- labels and boxes ---------------------------------------------------------------
def label_lines(text: str, glyph: str = "") -> list[str]:
    """A short name on at most two lines, cut with an ellipsis; the full name is on hover."""
    words = (f"{glyph} " if glyph else "") + " ".join(text.split())
    lines: list[str] = []
    current = ""
    for word in words.split(" "):
        while len(word) > LINE_CHARS:  # a long unbroken word is cut across lines
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:LINE_CHARS])
            word = word[LINE_CHARS:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= LINE_CHARS:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], lines[1][:LINE_CHARS - 1].rstrip() + "\u2026"]
    return lines or [""]


def box_size(lines: list[str]) -> tuple[float, float]:
    width = max(len(line) for line in lines) * CHAR_PX + 2 * PAD_X
    return max(90.0, math.ceil(width)), len(lines) * LINE_PX + 2 * PAD_Y


# -- meetings: columns by distance to the panel ------------------------------------
def panel_distances(g: nx.MultiDiGraph) -> dict[str, int]:
    """Steps from each meeting up REPORTS_TO to the nearest audit panel (0 for a panel);
    meetings with no route are left out."""
    dist: dict[str, int] = {}
    todo: deque[str] = deque()
    for n, d in g.nodes(data=True):
        if d["kind"] == "Meeting" and d["node"].panel:
            dist[n] = 0
            todo.append(n)
    while todo:  # breadth first down the REPORTS_TO links, from all panels at once
        m = todo.popleft()
        for src, _, rel in g.in_edges(m, keys=True):
            if rel == "REPORTS_TO" and g.nodes[src]["kind"] == "Meeting" and src not in dist:
                dist[src] = dist[m] + 1
                todo.append(src)
    return dist


# -- what is drawn ------------------------------------------------------------------
@dataclass
class Drawing:
    """Everything a network page draws: vis-network nodes and edges with fixed positions,
    column headings, what is focused and at what level."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    columns: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)  # a label over each area and line
    focus: str | None = None
    level: str = "items"  # "items" or "areas"
    expanded: str | None = None  # the area opened in place at area level
    note: str = ""  # what is left out, in words
    item_ids: list[str] = field(default_factory=list)  # the map's items drawn (not area boxes)
    areas: list[dict[str, Any]] = field(default_factory=list)  # area summaries at area level
    view: str = "map"  # which view: "map", "chain", ...

    def data(self) -> dict[str, Any]:
        """What the page script needs."""
        return {"nodes": self.nodes, "edges": self.edges, "columns": self.columns, "groups": self.groups,
                "focus": self.focus,
                "level": self.level, "expanded": self.expanded, "kind": self.view}


@dataclass(frozen=True)
class AreaSummary:
    area: str
    processes: int
    counts: dict[Status, int]
    findings: int

    @property
    def worst(self) -> Status | None:
        return next((s for s in style.WORST_FIRST if self.counts.get(s)), None)

    def words(self) -> str:
        parts = [f"{self.counts[s]} {style.STATUS_SHORT[s]}" for s in style.WORST_FIRST if self.counts.get(s)]
        return f"{self.processes} process{'es' if self.processes != 1 else ''}: " + ", ".join(parts)


def area_summaries(g: nx.MultiDiGraph, notes: Annotations) -> list[AreaSummary]:
    """Per area of the view's processes: how many, of what class, and their findings."""
    rows: dict[str, dict[str, Any]] = {}
    for n, d in g.nodes(data=True):
        if d["kind"] != PROCESS:
            continue
        row = rows.setdefault(d["node"].area, {"processes": 0, "counts": {}, "findings": 0})
        row["processes"] += 1
        a = notes.assessments.get(n)
        if a is not None:
            row["counts"][a.status] = row["counts"].get(a.status, 0) + 1
        row["findings"] += len(notes.findings.get(n, ()))
    return [AreaSummary(area, r["processes"], r["counts"], r["findings"]) for area, r in sorted(rows.items())]


def _status_rank(a: Assessment | None) -> int:
    """Uncovered processes first, then weak, adequate and not assessed."""
    return style.WORST_FIRST.index(a.status) if a is not None else len(style.WORST_FIRST)


def _worst_first(g: nx.MultiDiGraph, ids: Iterable[str], notes: Annotations) -> list[str]:
    rank = {s: i for i, s in enumerate(style.WORST_FIRST)}

    def key(n: str) -> tuple:
        a = notes.assessments.get(n)
        return (rank[a.status] if a else len(rank), g.nodes[n]["node"].label.lower(), n)

    return sorted(ids, key=key)


def without_plans(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The map without risks and actions: a read-only view (copying a national map takes seconds)."""
    return g.subgraph([n for n, d in g.nodes(data=True) if d["kind"] not in PLANS])


def nearest(g: nx.MultiDiGraph, focus: str, limit: int) -> nx.MultiDiGraph:
    """At most `limit` items, the nearest to `focus` first (ties by id)."""
    seen = [focus]
    known = {focus}
    i = 0
    while i < len(seen) and len(seen) < limit:
        n = seen[i]
        for nb in sorted({*g.successors(n), *g.predecessors(n)} - known):
            if len(seen) >= limit:
                break
            seen.append(nb)
            known.add(nb)
        i += 1
    return g.subgraph(seen).copy()


def _area_id(g: nx.MultiDiGraph, area: str, prefix: str = "area:") -> str:
    aid = prefix + area
    while aid in g:  # never the id of an item of the map
        aid += "'"
    return aid


def build_drawing(g: nx.MultiDiGraph, report: Report, *, focus: str | None = None, expand: str | None = None,
                  page: int = 1, limit: int = LARGE, context: nx.MultiDiGraph | None = None,
                  links: Callable[[str, str], str | None] | None = None, chain: Chain | None = None) -> Drawing:
    """The drawing of view `g`. `context` is the whole map, for routes to the panel (default `g`);
    `links(kind, id)` gives the URL a box opens ("record", "expand", "page"), if any; `chain`
    marks where an oversight chain breaks."""
    notes = Annotations.of(report)
    context = context if context is not None else g
    link = links or (lambda what, key: None)
    drawing = Drawing(focus=focus)
    areas: dict[str, AreaSummary] = {}
    more: tuple[str, int, int] | None = None
    if focus is None and g.number_of_nodes() > limit:
        drawing.level = "areas"
        summaries = area_summaries(g, notes)
        areas = {s.area: s for s in summaries}
        drawing.areas = [{"area": s.area, "processes": s.processes, "words": s.words(), "findings": s.findings,
                          "worst": s.worst.value if s.worst else NO_STATUS, "url": link("expand", s.area)}
                         for s in summaries]
        if expand is not None:
            match = next((a for a in areas if same_area(a, expand)), None)
            if match is None:
                raise scope.unknown_area(g, expand)
            drawing.expanded = match
            del areas[match]
            ordered = _worst_first(g, scope.area_processes(g, match), notes)
            pages = max(1, math.ceil(len(ordered) / PAGE))
            if not 1 <= page <= pages:
                raise Missing([Problem(f"{match} has {pages} page(s) of {PAGE} processes", field="page",
                                       value=page)])
            chosen = ordered[(page - 1) * PAGE:page * PAGE]
            if len(ordered) > PAGE:
                drawing.note = (f"{match}: processes {(page - 1) * PAGE + 1} to {(page - 1) * PAGE + len(chosen)} "
                                f"of {len(ordered)}, worst first")
                if page < pages:
                    more = (match, page + 1, len(ordered) - page * PAGE)
            sub = g.subgraph(scope.around_processes(g, chosen)).copy()
            sub.remove_nodes_from([n for n, d in list(sub.nodes(data=True))
                                   if d["kind"] == PROCESS and n not in set(chosen)])
            g = sub
        else:
            g = nx.MultiDiGraph()
    elif focus is not None and g.number_of_nodes() > limit:
        total = g.number_of_nodes()
        g = nearest(g, focus, limit)
        drawing.note = f"Showing the {limit} items nearest to {focus} of {total}; choose a smaller depth to see all."
    _place(drawing, g, context, notes, areas, more, link, chain)
    drawing.item_ids = sorted(g.nodes)
    return drawing


def _place(drawing: Drawing, g: nx.MultiDiGraph, context: nx.MultiDiGraph, notes: Annotations,
           areas: dict[str, AreaSummary], more: tuple[str, int, int] | None,
           link: Callable[[str, str], str | None], chain: Chain | None) -> None:
    dist = panel_distances(context)
    meetings = [n for n, d in g.nodes(data=True) if d["kind"] == "Meeting"]
    far = max((dist[n] for n in meetings if n in dist), default=0)
    first = _Layers.MEETING + (1 if any(n not in dist for n in meetings) else 0)  # meetings with no route first
    panel_layer = first + far
    member_areas = scope.node_areas(g)
    boxes: list[Box] = []
    vis: dict[str, dict[str, Any]] = {}

    def meeting_layer(n: str) -> int:
        steps = dist.get(n)
        return _Layers.MEETING if steps is None else first + far - steps

    for n, d in g.nodes(data=True):
        node = d["node"]
        kind = d["kind"]
        a = notes.assessments.get(n)
        worst = notes.worst(n)
        is_panel = kind == "Meeting" and bool(node.panel)
        if a is not None:
            look = style.STATUS[a.status]
        elif worst is not None:
            look = style.finding_look(kind, worst.severity)
        elif is_panel:
            look = style.PANEL
        else:
            look = style.kind_look(kind)
        group: tuple
        if kind == "Meeting":
            layer, group = meeting_layer(n), ()
        else:
            layer = _Layers.KIND[kind]
            group = ((node.area, _status_rank(a)) if kind == PROCESS else (node.line,) if kind == "AssuranceSource"
                     else (SCHEMA.node_names.index(kind),) if layer == _Layers.PLAN else ())
        lines = label_lines(node.label, look.glyph)
        width, height = box_size(lines)
        boxes.append(Box(n, layer, width, height, group))
        vis[n] = _vis_node(n, "\n".join(lines), tooltip(node, notes), look, width, height,
                           kind=kind, name=node.label, areas=list(member_areas.get(n, ())),
                           status=a.status.value if a else NO_STATUS,
                           rules=sorted({f.rule for f in notes.findings.get(n, ())}), url=link("record", n),
                           chain=link("chain", n) if kind == PROCESS else None, panel=is_panel)
    for area, summary in areas.items():
        aid = _area_id(g, area)
        worst_status = summary.worst
        look = style.STATUS[worst_status] if worst_status else style.kind_look(PROCESS)
        counts = ", ".join(f"{summary.counts[st]} {style.STATUS_SHORT[st]}" for st in style.WORST_FIRST
                           if summary.counts.get(st))
        lines = label_lines(area, look.glyph) + [f"{summary.processes} processes", counts]
        width, height = box_size(lines)
        boxes.append(Box(aid, _Layers.PROCESS, width, height, (area, -1)))
        vis[aid] = _vis_node(aid, "\n".join(lines), f"Area {area}: {summary.words()}; {summary.findings} finding(s) "
                             f"on its processes.\nClick to open it here.", look, width, height, kind="Area",
                             name=area, areas=[area], status=worst_status.value if worst_status else NO_STATUS,
                             rules=[], url=link("expand", area), chain=None, panel=False, area_box=True)
    if more is not None:
        area, next_page, left = more
        mid = _area_id(g, area, "more:")
        lines = label_lines(f"{left} more processes in {area}")
        width, height = box_size(lines)
        boxes.append(Box(mid, _Layers.PROCESS, width, height, (area, len(style.WORST_FIRST) + 1)))
        vis[mid] = _vis_node(mid, "\n".join(lines), f"Click for the next {min(left, PAGE)} processes of {area}.",
                             style.kind_look(PROCESS), width, height, kind="More", name=area, areas=[area],
                             status=NO_STATUS, rules=[], url=link("page", f"{area}\n{next_page}"), chain=None,
                             panel=False, area_box=True)
    pairs = [(s, t) for s, t in g.edges()]
    breaks = _breaks(g, chain, panel_layer, boxes, vis) if chain is not None else []
    pairs += [(b["from"], b["to"]) for b in breaks]
    pos = layered(boxes, pairs)
    for b in boxes:
        vis[b.id]["x"], vis[b.id]["y"] = pos[b.id]
    if drawing.focus in vis:  # a glow marks the item the view is about, keeping its status border
        vis[drawing.focus]["shadow"] = {"enabled": True, "color": style.FOCUS_GLOW, "size": 22, "x": 0, "y": 0}
    drawing.nodes = [vis[b.id] for b in sorted(boxes, key=lambda b: b.id)]
    layer_of = {b.id: b.layer for b in boxes}
    for s, t, rel in sorted(g.edges(keys=True)):
        spec = SCHEMA.edge(rel)
        edge = g.edges[s, t, rel]["edge"]
        title = f"{g.nodes[s]['node'].label} {spec.description} {g.nodes[t]['node'].label}" + (
            f"\nnote: {edge.note}" if edge.note else "")
        e: dict[str, Any] = {"id": f"{s}\u0000{rel}\u0000{t}", "from": s, "to": t, "title": title, "rel": rel,
                             "color": {"color": spec.colour, "highlight": spec.colour, "hover": spec.colour,
                                       "opacity": 0.65},  # boxes first; a selected box's links stand out
                             "dashes": rel == "OVERSEES"}
        if layer_of[s] == layer_of[t]:  # a link within one column bends round the boxes between
            e["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.35}
        else:  # links leave and enter their boxes sideways, as the map reads
            e["smooth"] = {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.6}
        drawing.edges.append(e)
    drawing.edges += breaks
    drawing.columns = _columns(boxes, pos, g, dist, panel_layer, bool(areas))
    drawing.groups = _group_labels(boxes, pos, g)


def _breaks(g: nx.MultiDiGraph, chain: Chain, panel_layer: int, boxes: list[Box],
            vis: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Boxes that say where the chain breaks, joined by red dashed lines to where it stops."""
    marks: list[tuple[str, int, str, str, list[str]]] = []
    if not chain.routes:
        marks.append(("No source of assurance", _Layers.SOURCE, "Nothing gives assurance over this process.",
                      "to", [chain.process_id]))
    lost = [r for r in chain.routes if not r.reaches_panel]
    if lost:
        marks.append(("No route to the panel", panel_layer, "The evidence of these sources never reaches the "
                      "audit panel.", "from", sorted({r.last for r in lost})))
    edges = []
    for words, layer, tip, direction, ends in marks:
        mid = _area_id(g, words, "break:")
        look = style.BREAK
        lines = label_lines(words, look.glyph)
        width, height = box_size(lines)
        boxes.append(Box(mid, layer, width, height, ("~",)))
        vis[mid] = _vis_node(mid, "\n".join(lines), tip, look, width, height, kind="Break", name=words, areas=[],
                             status=NO_STATUS, rules=[], url=None, chain=None, panel=False, area_box=False,
                             marker=True)
        for end in ends:
            a, b = (mid, end) if direction == "to" else (end, mid)
            edges.append({"id": f"{a}\u0000break\u0000{b}", "from": a, "to": b, "title": words, "rel": "BREAK",
                          "color": {"color": style.BREAK.border, "highlight": style.BREAK.border}, "dashes": [6, 4],
                          "width": 2})
    return edges


def _vis_node(n: str, label: str, title: str, look: style.Look, width: float, height: float, **extra: Any
              ) -> dict[str, Any]:
    return {"id": n, "label": label, "title": title, "shape": "box", "borderWidth": look.width,
            "color": {"background": look.fill, "border": look.border,
                      "highlight": {"background": look.fill, "border": style.INK},
                      "hover": {"background": look.fill, "border": style.INK}},
            "font": {"color": look.text, "size": 14, "face": "Liberation Sans, Arial, sans-serif"},
            "shapeProperties": {"borderDashes": list(look.dashes) or False, "borderRadius": 3},
            # vis-network sizes the label area; the margins make up the rest of the laid-out box.
            "margin": {"top": PAD_Y, "bottom": PAD_Y, "left": PAD_X, "right": PAD_X},
            # A little slack, so a label a few pixels wider than estimated never wraps onto a third line.
            "widthConstraint": {"minimum": width - 2 * PAD_X, "maximum": width - 2 * PAD_X + WIDTH_SLACK},
            "heightConstraint": {"minimum": height - 2 * PAD_Y, "valign": "middle"},
            "size_px": [width, height], **extra}


def _group_labels(boxes: list[Box], pos: dict[str, tuple[float, float]], g: nx.MultiDiGraph
                  ) -> list[dict[str, Any]]:
    """The name of each area over its processes and of each line over its sources."""
    tops: dict[tuple[int, tuple], tuple[float, float]] = {}
    for b in boxes:
        if b.layer in (_Layers.PROCESS, _Layers.SOURCE) and b.group and b.group != ("~",) and b.id in g:
            x, y = pos[b.id]
            top = y - b.height / 2
            key = (b.layer, b.group)
            if key not in tops or top < tops[key][1]:
                tops[key] = (x, top)
    return [{"x": x, "y": top - 8, "title": _group_title(layer, group)} for (layer, group), (x, top) in
            sorted(tops.items())]


def _group_title(layer: int, group: tuple) -> str:
    if layer == _Layers.SOURCE:
        return LINE_NAMES.get(group[0], f"line {group[0]}").capitalize()
    rank = group[1]
    words = style.STATUS_SHORT[style.WORST_FIRST[rank]] if rank < len(style.WORST_FIRST) else "not assessed"
    return f"{group[0]}: {words}"


def _columns(boxes: list[Box], pos: dict[str, tuple[float, float]], g: nx.MultiDiGraph, dist: dict[str, int],
             panel_layer: int, area_level: bool) -> list[dict[str, Any]]:
    """A heading over each column, in words."""
    kinds: dict[int, set[str]] = {}
    for b in boxes:
        kinds.setdefault(b.layer, set()).add(g.nodes[b.id]["kind"] if b.id in g else "Area")
    out = []
    for layer, present in sorted(kinds.items()):
        x = next(pos[b.id][0] for b in boxes if b.layer == layer)
        if layer == _Layers.ACTION:
            title = ["Actions"]
        elif layer == _Layers.PLAN:
            title = [" and ".join(w for k, w in (("Commitment", "Commitments"), ("Risk", "Risks")) if k in present)]
        elif layer == _Layers.PROCESS:
            title = ["Areas", "and their processes"] if area_level else ["Processes", "by area"]
        elif layer == _Layers.SOURCE:
            title = ["Assurance sources", "by line, 1 to 4"]
        elif layer == panel_layer:
            title = ["Audit panel"]
        else:
            steps = {dist.get(b.id) for b in boxes if b.layer == layer}
            if steps == {None}:
                title = ["Meetings", "with no route to the panel"]
            else:
                n = max(s for s in steps if s is not None)
                title = ["Meetings", f"{n} step{'s' if n != 1 else ''} below the panel"]
        out.append({"x": x, "title": title})
    return out
