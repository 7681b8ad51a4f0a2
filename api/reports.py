"""Gap-report response models and the policy a request runs under."""
from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, Literal

import networkx as nx
from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from graphmodel.cycle import snapshots
from graphmodel.cycle.snapshots import MapState
from graphmodel.gaps import Policy, Report, analyse
from graphmodel.gaps.analysis import collector_paused
from graphmodel.gaps.render import report_json
from graphmodel.store import Store
from graphmodel.values import DATE_FORM

from .bodies import Bodies, Body
from .deps import Date


class AcceptedOut(BaseModel):
    by: str = Field(examples=["JARAP, 12 March 2026"])
    reason: str
    review: dt.date = Field(description="The acceptance lapses on this date.")
    on: dt.date = Field(description="The date it was accepted.")


class LapsedOut(AcceptedOut):
    why: str = Field(examples=["its review date, 2026-09-30, has come"])


class FindingOut(BaseModel):
    rule: str = Field(examples=["G2"])
    node_id: str
    kind: str
    severity: Literal["high", "medium", "low"]
    reasons: list[str] = Field(examples=[["only line 1 sources: Monthly supervisor spot checks"]])
    label: str = ""
    area: str | None = None
    accepted: AcceptedOut | None = Field(None, description="The panel has accepted this gap (it is not open).")
    lapsed: LapsedOut | None = Field(None, description="An acceptance that has lapsed: the gap is open again.")


class SourceScoreOut(BaseModel):
    source_id: str
    name: str
    line: int
    opinion: str
    last_assured: dt.date | None = None
    frequency: str | None = None
    recency: str
    line_weight: float
    opinion_factor: float
    recency_factor: float
    value: float
    reporting: str = ""


class AssessmentOut(BaseModel):
    process_id: str
    name: str
    area: str
    status: Literal["uncovered", "weak", "adequate"]
    score: float = Field(ge=0, le=1)
    rules: list[str]
    sources: list[SourceScoreOut] | None = Field(None, description="With explain=true: each source's factors.")
    explanation: str | None = Field(None, description="With explain=true: the arithmetic behind the score.")


class GapReportOut(BaseModel):
    as_of: dt.date
    policy: dict[str, Any] = Field(description="The effective policy the rules ran under.")
    findings: list[FindingOut]
    summary: dict[str, Any] = Field(description="Counts per rule, severity, class and area, with coverage.")
    assessments: list[AssessmentOut]


class RuleOut(BaseModel):
    id: str
    title: str
    description: str
    kind: str = Field(description="The node kind its findings are about.")
    severity: Literal["high", "medium", "low"] = Field(description="Under the effective policy.")
    classifies: Literal["uncovered", "weak"] | None = Field(
        None, description="The class a Process gets when the rule holds for it (the worst class wins).")


class GapQuery(BaseModel):
    as_of: Date = Field(None, description=f"Judge at this date (default today): {DATE_FORM}.")
    rules: list[str] | None = Field(None, examples=[["G1", "G3"]], description="Only these rules.")
    area: str | None = None
    explain: bool = False
    policy: dict[str, Any] | None = Field(None, description="Settings overriding the defaults (see GET /gaps/policy).")


class WhatIfQuery(BaseModel):
    withdraw: list[str] = Field(default_factory=list, description="Assurance sources to take away.")
    opinions: dict[str, str] = Field(default_factory=dict, examples=[{"S-IA-VET": "limited"}],
                                     description="New opinions for assurance sources.")
    as_of: Date = Field(None, description=f"Judge at this date (default today): {DATE_FORM}.")
    policy: dict[str, Any] | None = None


class ClassChangeOut(BaseModel):
    process_id: str
    name: str
    area: str
    before: str
    after: str
    score_before: float
    score_after: float


class AreaChangeOut(BaseModel):
    area: str
    processes: int
    coverage_before: float
    coverage_after: float
    covered_before: int
    covered_after: int


class WhatIfOut(BaseModel):
    as_of: dt.date
    withdraw: list[str]
    opinions: dict[str, str]
    changes: list[ClassChangeOut]
    areas: list[AreaChangeOut]


ASK = object()  # the store's version is to be asked for


class ReportCache:
    """The last few gap reports, their response bodies, and the last exported graph, reused while
    the store reports the same version: a national report takes a large part of a second to
    compute and every page needs one, and panel members and analysts ask for the same ones."""

    def __init__(self, bodies: Bodies | None = None, size: int = 8):
        self.size = size
        self._reports: OrderedDict[tuple, Report] = OrderedDict()
        self._graph: tuple[object, nx.MultiDiGraph] | None = None
        self._snapshots: OrderedDict[tuple, MapState] = OrderedDict()
        self._lock = threading.Lock()
        self.bodies = bodies if bodies is not None else Bodies()

    def snapshot(self, store: Store, name: str) -> MapState:
        """A snapshot, read once: they never change, so one read serves every later request (a
        snapshot deleted and taken again under its name is told apart by when it was taken)."""
        info = next((i for i in store.list_snapshots() if i.key == snapshots.snapshot_key(name)), None)
        key = (store.location, info.key, info.taken_at) if info else None
        with self._lock:
            found = self._snapshots.get(key) if key else None
        if found is None:
            found = snapshots.load(store, name)
            with self._lock:
                assert found.info is not None
                self._snapshots[(store.location, found.info.key, found.info.taken_at)] = found
                while len(self._snapshots) > self.size:
                    self._snapshots.popitem(last=False)
        return found

    def state(self, store: Store, *, as_of: dt.date | None, policy: Policy | None) -> MapState:
        """The map now and its report at `as_of`, both from one version of the map."""
        for _ in range(3):
            version = store.version()
            graph, report = self.graph(store), self.report(store, as_of=as_of, policy=policy)
            if version is not None and store.version() == version:
                return MapState(graph, report)
        return snapshots.current(store, as_of=as_of, policy=policy)

    def graph(self, store: Store) -> nx.MultiDiGraph:
        """The whole graph, as `store.export()` gives it; callers only read it."""
        version = store.version()
        cached = self._graph
        if version is not None and cached is not None and cached[0] == version:
            return cached[1]
        g = store.export()
        if version is not None:
            self._graph = (version, g)
        return g

    def report(self, store: Store, *, as_of: dt.date | None, policy: Policy | None,
               rules: Iterable[str] | None = None, area: str | None = None, node: str | None = None,
               version: object = ASK) -> Report:
        """`version`: the store's, when the caller has just asked it."""
        as_of = as_of or dt.date.today()
        if version is ASK:
            version = store.version()
        key = (version, as_of, tuple(rules) if rules is not None else None, area, node,
               policy.model_dump_json() if policy else None)
        with self._lock:
            found = self._reports.get(key) if version is not None else None
        if found is None:
            found = analyse(store, as_of=as_of, policy=policy, rules=rules, area=area, node=node)
            if version is not None:
                with self._lock:
                    self._reports[key] = found
                    while len(self._reports) > self.size:
                        self._reports.popitem(last=False)
        return found


def report_for(request: Request, store: Store, *, as_of: dt.date | None = None, rules: Iterable[str] | None = None,
               area: str | None = None, policy: dict[str, Any] | None = None) -> Report:
    """The gap report a request asks for, under its policy (see policy_for)."""
    return request.app.state.reports.report(store, as_of=as_of, policy=policy_for(request, policy), rules=rules,
                                            area=area)


def report_response(request: Request, store: Store, *, as_of: dt.date | None = None,
                    rules: list[str] | None = None, area: str | None = None, node: str | None = None,
                    explain: bool = False, policy: dict[str, Any] | None = None) -> Response:
    """A gap report as JSON, serialised once per store version and question (see api.bodies)."""
    cache: ReportCache = request.app.state.reports
    chosen = policy_for(request, policy)
    as_of = as_of or dt.date.today()
    version = store.version()
    key = None if version is None else (
        "gaps", version, as_of, tuple(rules) if rules is not None else None, area, node, explain,
        chosen.model_dump_json() if chosen else None)

    def make() -> Body:
        report = cache.report(store, as_of=as_of, policy=chosen, rules=rules, area=area, node=node, version=version)
        return Body(report_bytes(report, explain), "application/json")

    return cache.bodies.get(key, make).response(request)


def report_bytes(report: Report, explain: bool = False) -> bytes:
    """A report's JSON, as GET /gaps sends it."""
    with collector_paused():
        return json_bytes(report_json(report, explain))


def json_bytes(body: Any) -> bytes:
    """Large reports go out as JSON directly: they are built from typed objects already, and
    re-validating megabytes against the response model would cost more than computing them."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def json_response(body: Any) -> Response:
    return Response(json_bytes(body), media_type="application/json")


def policy_for(request: Request, given: dict[str, Any] | None = None) -> Policy | None:
    """The request's own policy, else the server's policy file, else the defaults (None)."""
    if given is not None:
        return Policy.from_dict(given, "policy")
    server: Policy | None = request.app.state.policy
    return server
