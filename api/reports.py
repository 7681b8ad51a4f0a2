"""Gap-report response models and the policy a request runs under."""
from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Annotated, Any, ClassVar, Literal, get_args

import networkx as nx
from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, field_validator

from graphmodel.cycle import snapshots
from graphmodel.cycle.snapshots import MapState
from graphmodel.gaps import Policy, Report, Severity, Status, analyse
from graphmodel.gaps.analysis import collector_paused
from graphmodel.gaps.policy import RECENCIES, map_keys
from graphmodel.gaps.render import report_json
from graphmodel.models import build_model
from graphmodel.schema import LINES, OPINIONS
from graphmodel.store import Store
from graphmodel.values import DATE_FORM

from .bodies import Bodies, Body
from .deps import Date
from .models import (
    CLOSED,
    FindingsByRule,
    NodeKind,
    NodeRef,
    RuleId,
    RuleSeverities,
    RuleSeverityOverrides,
    counts_model,
    whole,
)

Opinion = Literal[OPINIONS]  # type: ignore[valid-type]


def _keyed(name: str, keys: Iterable[Any], value: Any, partial: bool, doc: str) -> type[BaseModel]:
    """A map setting as an object with one property per key of its closed set (keys as JSON spells
    them: lines are "1" to "4"); in a request every key is optional and no other is accepted."""
    fields = {f"k{i}": (value | None, Field(None, alias=str(k))) if partial else (value, Field(alias=str(k)))
              for i, k in enumerate(keys)}
    return build_model(name, __config__=CLOSED if partial else None, __doc__=doc, **fields)


def _policy_model(name: str, partial: bool, doc: str) -> type[BaseModel]:
    """The policy's settings as the API sends them (every one) or takes them (any, as overrides),
    generated from the Policy model: its limits and its closed sets of keys."""
    fields: dict[str, Any] = {}
    maps = map_keys()
    for setting, info in Policy.model_fields.items():
        kind: Any
        if setting == "severities":  # keyed by rule: see api.models
            kind = RuleSeverityOverrides if partial else RuleSeverities
        elif setting in maps:
            camel = "".join(part.title() for part in setting.split("_"))
            value = get_args(info.annotation)[1]
            kind = _keyed(f"{name}{camel}", maps[setting], value, partial,
                               info.description or "")
        else:
            kind = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        fields[setting] = (kind | None, Field(None, description=info.description)) if partial else (
            kind, Field(description=info.description))
    numbers = [s for s, info in Policy.model_fields.items() if info.annotation is int]
    validators = {"_whole": field_validator(*numbers, mode="before")(lambda cls, v: whole(v))} if partial else {}
    return build_model(name, __config__=CLOSED if partial else None, __doc__=doc, __validators__=validators,
                       **fields)


PolicyOut = _policy_model("Policy", False, "Every setting the gap rules and the strength score use.")
PolicyIn = _policy_model("PolicyOverrides", True, "Settings overriding the effective policy (see GET /gaps/policy); "
                                                   "a map setting may give some of its keys.")


def policy_overrides(given: BaseModel | None) -> dict[str, Any] | None:
    """Overrides as the Policy model reads them (JSON keys, only what was given)."""
    return None if given is None else given.model_dump(mode="json", by_alias=True, exclude_none=True)


class AcceptedOut(BaseModel):
    by: str = Field(examples=["JARAP, 12 March 2026"])
    reason: str
    review: dt.date = Field(description="The acceptance lapses on this date.")
    on: dt.date = Field(description="The date it was accepted.")


class LapsedOut(AcceptedOut):
    why: str = Field(examples=["its review date, 2026-09-30, has come"])


class FindingOut(BaseModel):
    rule: RuleId
    node_id: str
    kind: NodeKind = Field(description="The kind of the node the finding is about.")
    severity: Severity
    reasons: list[str] = Field(examples=[["only line 1 sources: Monthly supervisor spot checks"]])
    label: str = ""
    area: str | None = None
    accepted: AcceptedOut | None = Field(None, description="The panel has accepted this gap (it is not open).")
    lapsed: LapsedOut | None = Field(None, description="An acceptance that has lapsed: the gap is open again.")


class SourceScoreOut(BaseModel):
    source_id: str
    name: str
    line: int = Field(ge=min(LINES), le=max(LINES))
    opinion: Opinion
    last_assured: dt.date | None = None
    frequency: str | None = None
    recency: Literal[RECENCIES]  # type: ignore[valid-type]
    line_weight: float
    opinion_factor: float
    recency_factor: float
    value: float
    reporting: str = ""


class AssessmentOut(BaseModel):
    process_id: str
    name: str
    area: str
    status: Status
    score: float = Field(ge=0, le=1)
    rules: list[RuleId]
    sources: list[SourceScoreOut] | None = Field(None, description="With explain=true: each source's factors.")
    explanation: str | None = Field(None, description="With explain=true: the arithmetic behind the score.")


class AreaSummaryOut(BaseModel):
    processes: int = Field(ge=0)
    uncovered: int = Field(ge=0)
    weak: int = Field(ge=0)
    adequate: int = Field(ge=0)
    covered: int = Field(ge=0, description="Processes with at least one source.")
    assured: int = Field(ge=0, description="Processes adequately assured.")
    coverage: float = Field(ge=0, le=1, description="The share adequately assured.")
    covered_share: float = Field(ge=0, le=1, description="The share with at least one source.")
    findings: int = Field(ge=0, description="Findings about the area's processes.")


BySeverity = counts_model("FindingsBySeverity", [s.value for s in Severity], "Findings of each severity.")


class SummaryOut(BaseModel):
    """Counts per rule, severity, class and area, with coverage."""

    findings: int = Field(ge=0)
    open: int = Field(ge=0, description="Findings the panel has not accepted (or whose acceptance lapsed).")
    accepted: int = Field(ge=0, description="Findings accepted and in force.")
    lapsed: int = Field(ge=0, description="Findings whose acceptance lapsed.")
    by_rule: FindingsByRule
    by_severity: BySeverity  # type: ignore[valid-type]
    open_by_severity: BySeverity  # type: ignore[valid-type]
    processes: int = Field(ge=0)
    by_status: counts_model("ProcessesByClass", [s.value for s in Status],  # type: ignore[valid-type]
                            "Processes of each class.")
    areas: dict[str, AreaSummaryOut] = Field(description="Per area, by name.")


class GapReportOut(BaseModel):
    as_of: dt.date
    policy: PolicyOut = Field(description="The effective policy the rules ran under.")  # type: ignore[valid-type]
    findings: list[FindingOut]
    summary: SummaryOut
    assessments: list[AssessmentOut]


class RuleOut(BaseModel):
    id: RuleId
    title: str
    description: str
    kind: NodeKind = Field(description="The node kind its findings are about.")
    severity: Severity = Field(description="Under the effective policy.")
    classifies: Status | None = Field(
        None, description="The class a Process gets when the rule holds for it (the worst class wins).")


class GapQuery(BaseModel):
    model_config = CLOSED
    names: ClassVar[frozenset[str]] = frozenset({"area"})  # properties that name things in the map (404)

    as_of: Date = Field(None, description=f"Judge at this date (default today): {DATE_FORM}.")
    rules: list[RuleId] | None = Field(None, description="Only these rules (default all).")
    area: str | None = Field(None, min_length=1, description="Only the processes of this area (any case); an area "
                                                             "no process has is not found (404).")
    explain: bool = Field(False, description="Include each score's arithmetic.")
    policy: PolicyIn | None = None  # type: ignore[valid-type]


class WhatIfQuery(BaseModel):
    model_config = CLOSED
    names: ClassVar[frozenset[str]] = frozenset({"withdraw", "opinions"})

    withdraw: list[NodeRef] = Field(default_factory=list, description="Assurance sources to take away.")
    opinions: dict[NodeRef, Opinion] = Field(default_factory=dict, description="New opinions for assurance sources.")
    as_of: Date = Field(None, description=f"Judge at this date (default today): {DATE_FORM}.")
    policy: PolicyIn | None = None  # type: ignore[valid-type]


class ClassChangeOut(BaseModel):
    process_id: str
    name: str
    area: str
    before: Status
    after: Status
    score_before: float = Field(ge=0, le=1)
    score_after: float = Field(ge=0, le=1)


class AreaChangeOut(BaseModel):
    area: str
    processes: int = Field(ge=0)
    coverage_before: float = Field(ge=0, le=1)
    coverage_after: float = Field(ge=0, le=1)
    covered_before: int = Field(ge=0)
    covered_after: int = Field(ge=0)


class WhatIfOut(BaseModel):
    as_of: dt.date
    withdraw: list[str]
    opinions: dict[str, Opinion]
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
