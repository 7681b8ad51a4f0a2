"""Triage: the findings in view as rows a panel member can sort and filter, worst first,
with overdue actions grouped under the risks they were meant to reduce. Findings the panel has
accepted are listed apart from the open ones; given the changes since a snapshot, each process's
class and each action's RAG status carries its direction of travel."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx

from graphmodel.cycle.changes import Changes, Travel
from graphmodel.gaps.model import Finding, Report, Severity, Status
from graphmodel.gaps.rules import span_words

from . import style

OVERDUE = "G9"
LIMIT = 500  # rows in one table: a national map's every finding would make a page of megabytes
_STATUS_RANK = {s: i for i, s in enumerate(style.WORST_FIRST)}
Link = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class Row:
    """One finding, in words."""

    rule: str
    rule_title: str
    severity: Severity
    kind: str
    node_id: str
    name: str
    area: str
    owner: str
    status: str  # a process's class, an action's status, or ""
    status_key: str  # a CSS class suffix for the status, or ""
    reasons: tuple[str, ...]
    url: str | None
    chain_url: str | None
    travel: Travel | None = None  # of the process's class or the action's RAG, since the snapshot
    acceptance: str = ""  # the panel's acceptance, in force or lapsed, in words

    @property
    def kind_words(self) -> str:
        return style.kind_words(self.kind)

    @property
    def sort_key(self) -> tuple:
        rank = next((i for s, i in _STATUS_RANK.items() if s.value == self.status_key), len(_STATUS_RANK))
        return (style.SEVERITY_ORDER[self.severity], rank, int(self.rule[1:]) if self.rule[1:].isdigit() else 99,
                self.name.lower(), self.node_id)


@dataclass(frozen=True)
class OverdueAction:
    action_id: str
    title: str
    owner: str
    target_date: dt.date | None
    overdue: str  # "13 years overdue"
    status: str
    url: str | None
    travel: Travel | None = None  # of its RAG status, since the snapshot


@dataclass(frozen=True)
class RiskGroup:
    """The overdue actions recorded against one risk (risk_id None: against none)."""

    risk_id: str | None
    title: str
    score: int | None
    url: str | None
    actions: tuple[OverdueAction, ...]


@dataclass(frozen=True)
class Triage:
    rows: tuple[Row, ...]  # open findings, the most severe first, at most the limit
    overdue: tuple[RiskGroup, ...]
    overdue_count: int
    headline: str
    total: int  # open findings in view other than overdue actions, before the limit
    accepted: tuple[Row, ...] = ()  # findings the panel has accepted (not open), at most the limit

    def choices(self, attr: str) -> list[str]:
        """The distinct values of one column, for its filter."""
        values = {getattr(r, attr) for r in self.rows}
        if attr == "severity":
            return [s.value for s in Severity if s in values]
        return sorted((v for v in values if v), key=str.lower)

    @property
    def rules(self) -> list[tuple[str, str]]:
        seen = {r.rule: r.rule_title for r in self.rows}
        return sorted(seen.items(), key=lambda kv: int(kv[0][1:]) if kv[0][1:].isdigit() else 99)


def _status(g: nx.MultiDiGraph, node_id: str, report_status: dict[str, Status]) -> tuple[str, str]:
    s = report_status.get(node_id)
    if s is not None:
        return style.STATUS_WORDS[s], s.value
    node = g.nodes[node_id]["node"] if node_id in g else None
    value = getattr(node, "status", None) if node is not None else None
    return (f"action {value}" if value else "", "")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _travel(changes: Changes | None, f: Finding) -> Travel | None:
    if changes is None:
        return None
    moved = changes.process(f.node_id) if f.kind == "Process" else changes.action(f.node_id) \
        if f.kind == "Action" else None
    return moved.direction if moved else None


def triage(g: nx.MultiDiGraph, report: Report, ids: Iterable[str] | None = None, links: Link | None = None,
           limit: int = LIMIT, changes: Changes | None = None) -> Triage:
    """The findings about `ids` (default: every node of `g`): at most `limit` open rows, the most
    severe first, the overdue actions of at most `limit` risks, and the accepted findings apart."""
    link = links or (lambda what, key: None)
    wanted = set(g.nodes) if ids is None else set(ids)
    status_of = {a.process_id: a.status for a in report.assessments}
    rows: list[Row] = []
    accepted: list[Row] = []
    late: list[str] = []
    for f in report.findings:
        if f.node_id not in wanted or f.node_id not in g:
            continue
        node = g.nodes[f.node_id]["node"]
        if f.rule == OVERDUE and f.is_open:
            late.append(f.node_id)
            continue
        words, key = _status(g, f.node_id, status_of)
        row = Row(f.rule, style.rule_title(f.rule), f.severity, f.kind, f.node_id, f.label or node.label,
                  f.area or getattr(node, "area", None) or "", getattr(node, "owner", None) or "", words, key,
                  f.reasons, link("record", f.node_id), link("chain", f.node_id) if f.kind == "Process" else None,
                  _travel(changes, f), f.accepted.words() if f.accepted else "")
        (rows if f.is_open else accepted).append(row)
    rows.sort(key=lambda r: r.sort_key)
    accepted.sort(key=lambda r: r.sort_key)
    total = len(rows)
    groups = _overdue_by_risk(g, report.as_of, late, link, changes)
    classes = {s: sum(1 for n in wanted if status_of.get(n) is s) for s in style.WORST_FIRST}
    parts = []
    if any(classes.values()):
        parts = [_count(classes[Status.UNCOVERED], "process uncovered", "processes uncovered"),
                 f"{classes[Status.WEAK]} weakly assured", f"{classes[Status.ADEQUATE]} adequately assured"]
    if late:
        risks = sum(1 for grp in groups if grp.risk_id is not None)
        parts.append(f"{_count(len(late), 'overdue action', 'overdue actions')} against "
                     f"{_count(risks, 'risk', 'risks')}")
    others = sum(1 for r in rows if r.kind != "Process")
    if others:
        parts.append(_count(others, "other finding", "other findings"))
    if total > limit:
        parts.append(f"the {limit} most severe of {total} findings are listed")
    if accepted:
        parts.append(_count(len(accepted), "finding accepted by the panel", "findings accepted by the panel"))
    return Triage(tuple(rows[:limit]), groups[:limit], len(late), "; ".join(parts) or "No findings in view", total,
                  tuple(accepted[:limit]))


def _overdue_by_risk(g: nx.MultiDiGraph, as_of: dt.date, late: list[str], link: Link,
                     changes: Changes | None = None) -> tuple[RiskGroup, ...]:
    by_risk: dict[str | None, list[OverdueAction]] = {}
    for aid in late:
        node = g.nodes[aid]["node"]
        due = node.target_date
        overdue = f"{span_words(due, as_of)} overdue" if due else "overdue"
        moved = changes.action(aid) if changes else None
        row = OverdueAction(aid, node.label, node.owner or "", due, overdue, node.status or "no status",
                            link("record", aid), moved.direction if moved else None)
        risks = sorted(r for _, r, rel in g.out_edges(aid, keys=True) if rel == "MITIGATES") or [None]
        for risk in risks:
            by_risk.setdefault(risk, []).append(row)
    groups = []
    for risk, actions in by_risk.items():
        actions.sort(key=lambda a: (a.target_date or dt.date.max, a.action_id))
        if risk is None:
            groups.append(RiskGroup(None, "Not recorded against any risk", None, None, tuple(actions)))
        else:
            node = g.nodes[risk]["node"]
            groups.append(RiskGroup(risk, node.label, node.score, link("record", risk), tuple(actions)))
    # The risks with the most overdue work first, then the highest scored.
    groups.sort(key=lambda grp: (grp.risk_id is None, -len(grp.actions), -(grp.score or 0), grp.risk_id or ""))
    return tuple(groups)
