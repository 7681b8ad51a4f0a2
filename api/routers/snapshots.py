"""Snapshots of the map and its gap report, one per panel meeting, and the changes since one."""
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from graphmodel.audit import Change
from graphmodel.cycle import snapshots
from graphmodel.cycle.changes import Changes, between
from graphmodel.gaps.render import changes_json, snapshot_json
from graphmodel.store import Store
from graphmodel.store.records import NAME_MAX
from graphmodel.values import DATE_FORM

from ..deps import Admin, AsOf, Date, Editor, StoreDep, Viewer
from ..models import CLOSED
from ..reports import FindingOut, GapReportOut, PolicyIn, json_response, policy_for, policy_overrides

router = APIRouter(tags=["panel cycle"])


class SnapshotOut(BaseModel):
    name: str = Field(examples=["JARAP March 2026"])
    as_of: dt.date = Field(description="The date its report was judged at.")
    taken_at: dt.datetime
    taken_by: str
    nodes: int
    edges: int
    findings: int


class SnapshotDetail(SnapshotOut):
    report: GapReportOut = Field(description="The gap report it froze, with each score's arithmetic.")


class SnapshotIn(BaseModel):
    model_config = CLOSED

    name: str = Field(min_length=1, max_length=NAME_MAX, examples=["JARAP March 2026"],
                      description="New (whatever its case); no control or hidden characters.")
    as_of: Date = Field(None, description=f"Judge the report at this date (default today): {DATE_FORM}.")
    policy: PolicyIn | None = Field(None, description="Settings overriding the defaults (see GET /gaps/policy).")  # type: ignore[valid-type]


class Until(BaseModel):
    name: str | None = Field(description="The later snapshot, or null for the map now.")
    as_of: dt.date
    taken_at: dt.datetime | None
    same_policy: bool = Field(description="Whether both reports ran under the same policy.")


class Since(BaseModel):
    name: str
    as_of: dt.date
    taken_at: dt.datetime


class ProcessTravel(BaseModel):
    process_id: str
    name: str
    area: str
    before: str | None = Field(description="uncovered, weak or adequate; null when it was not in the map.")
    after: str | None = Field(description="null when it is no longer in the map.")
    score_before: float | None
    score_after: float | None
    direction: str = Field(examples=["improved"], description="improved, worsened, unchanged, new or removed.")


class AreaTravel(BaseModel):
    area: str
    coverage_before: float | None
    coverage_after: float | None
    direction: str


class ActionTravel(BaseModel):
    action_id: str
    status_before: str | None
    status_after: str | None
    direction: str


class FindingChangesOut(BaseModel):
    new: list[FindingOut]
    resolved: list[FindingOut]
    persisting: list[FindingOut]


class NodeItem(BaseModel):
    id: str
    kind: str
    label: str


class ChangedNode(NodeItem):
    fields: list[str]
    links_added: list[str]
    links_removed: list[str]


class NodeChangesOut(BaseModel):
    added: list[NodeItem]
    removed: list[NodeItem]
    changed: list[ChangedNode]


class ChangesOut(BaseModel):
    since: Since
    until: Until
    processes: list[ProcessTravel]
    areas: list[AreaTravel]
    findings: FindingChangesOut
    actions: list[ActionTravel]
    nodes: NodeChangesOut


@router.get("/snapshots", response_model=list[SnapshotOut], summary="The snapshots, by as-of date")
def list_snapshots(store: StoreDep, _: Viewer) -> list[dict[str, Any]]:
    return [i.as_dict() for i in store.list_snapshots()]


@router.post("/snapshots", response_model=SnapshotOut, status_code=201, summary="Freeze the map and its report",
             description="Keeps the whole map and its gap report (with the policy and the accepted gaps as they "
                         "stand) under a new name. Snapshots are never replaced: a name already taken, whatever "
                         "its case, is 409.",
             responses={409: {"description": "A snapshot of that name exists already."}})
def save_snapshot(request: Request, body: SnapshotIn, store: StoreDep, who: Editor) -> dict[str, Any]:
    info = snapshots.take(store, body.name, by=who.name, as_of=body.as_of,
                          policy=policy_for(request, policy_overrides(body.policy)),
                          change=Change("save snapshot", who.name))
    return info.as_dict()


@router.get("/snapshots/{name:path}", response_model=SnapshotDetail, summary="One snapshot and the report it froze")
def get_snapshot(request: Request, name: str, store: StoreDep, _: Viewer) -> Response:
    return json_response(snapshot_json(request.app.state.reports.snapshot(store, name)))


@router.delete("/snapshots/{name:path}", status_code=204, summary="Delete a snapshot (admins only)")
def delete_snapshot(name: str, store: StoreDep, who: Admin) -> Response:
    store.delete_snapshot(name, Change("delete snapshot", who.name))
    return Response(status_code=204)


Since_ = Annotated[str | None, Query(alias="since", max_length=NAME_MAX,
                                     description="The earlier snapshot (default: the latest at or before the "
                                                 "as-of date, or before `until`).")]
Until_ = Annotated[str | None, Query(alias="until", max_length=NAME_MAX,
                                     description="A later snapshot to compare with, instead of the map now.")]


def changes_for(request: Request, store: Store, since: str | None, until: str | None,
                as_of: dt.date | None) -> Changes:
    """The changes a request asks for; snapshots and the map now come from the app's caches."""
    cache = request.app.state.reports
    return between(store, since, until=until, as_of=as_of, policy=policy_for(request), load=cache.snapshot,
                   now=cache.state)


def travel_for(request: Request, store: Store, since: str | None, as_of: dt.date | None) -> Changes | None:
    """The changes the pages show directions of travel from: since the snapshot named, else since the
    latest at or before the as-of date; None when there is no such snapshot yet."""
    if since is None and snapshots.latest(store, as_of or dt.date.today()) is None:
        return None
    return changes_for(request, store, since, None, as_of)


@router.get("/changes", response_model=ChangesOut, summary="Direction of travel since a snapshot",
            description="Processes (class and strength), areas (coverage), findings (new, resolved, persisting), "
                        "actions (RAG status) and nodes (added, removed, changed) between a snapshot and the map now "
                        "at `as_of`, or a later snapshot (`until`). Directions: improved, worsened, unchanged, new, "
                        "removed. With `until`, `as_of` may only be that snapshot's own date.",
            responses={409: {"description": "`until` names a snapshot judged at another date than `as_of`."}})
def changes(request: Request, store: StoreDep, _: Viewer, since: Since_ = None, until: Until_ = None,
            as_of: AsOf = None) -> Response:
    return json_response(changes_json(changes_for(request, store, since, until, as_of)))
