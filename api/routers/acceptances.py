"""Accepted gaps: findings the panel has knowingly accepted until a review date."""
import datetime as dt
from typing import Annotated, Any, ClassVar

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from graphmodel.audit import Change
from graphmodel.cycle import acceptances
from graphmodel.store.records import BY_MAX, REASON_MAX
from graphmodel.text import ID_RULES
from graphmodel.values import DATE_FORM

from ..deps import AsOf, Day, Editor, StoreDep, Viewer
from ..models import CLOSED, ID_LIMITS, NodeRef, RuleId
from ..reports import policy_for, report_for

router = APIRouter(prefix="/acceptances", tags=["panel cycle"])


class AcceptanceIn(BaseModel):
    model_config = CLOSED
    names: ClassVar[frozenset[str]] = frozenset({"rule", "node_id"})  # a finding that does not hold is 404

    rule: RuleId
    node_id: NodeRef = Field(examples=["PE-P2"])
    by: str = Field(min_length=1, max_length=BY_MAX, examples=["JARAP, 12 March 2026"],
                    description="Who accepted it: the panel and meeting, usually.")
    reason: str = Field(min_length=1, max_length=REASON_MAX, examples=["Management checks suffice until the audit"])
    review: Day = Field(description=f"The date it is to be reviewed, after today; the acceptance lapses then: "
                                    f"{DATE_FORM}.")


class AcceptanceOut(BaseModel):
    rule: str
    node_id: str
    label: str | None = Field(None, description="The node's name, while the finding holds.")
    by: str
    reason: str
    review: dt.date
    on: dt.date
    state: str = Field(examples=["in force"],
                       description="in force, lapsed (the finding is open again), finding resolved, or not yet made "
                                   "(accepted after the as-of date).")
    lapsed: str | None = Field(None, description="Why it lapsed, in words.")
    due_for_review: bool = Field(description="In force, with its review date within a quarter of the as-of date.")


@router.get("", response_model=list[AcceptanceOut], summary="The accepted gaps and how each stands")
def list_acceptances(request: Request, store: StoreDep, _: Viewer, as_of: AsOf = None) -> list[dict[str, Any]]:
    return [k.as_dict() for k in acceptances.kept(store, report_for(request, store, as_of=as_of))]


@router.post("", response_model=AcceptanceOut, status_code=201, summary="Accept a gap until a review date",
             description="The finding must hold today: accepting one that does not is 404, saying why. Accepting a "
                         "gap already accepted replaces the acceptance (as at its review). The acceptance keeps a "
                         "fingerprint of the node's evidence and lapses when that changes.")
def accept(request: Request, body: AcceptanceIn, store: StoreDep, who: Editor) -> dict[str, Any]:
    made, _ = acceptances.accept(store, body.rule, body.node_id, by=body.by, reason=body.reason,
                                 review=body.review, policy=policy_for(request), change=Change("accept gap", who.name))
    report = report_for(request, store, as_of=made.on)
    return next(k for k in acceptances.kept(store, report) if k.acceptance.key == made.key).as_dict()


Rule = Annotated[RuleId, Query(description="The rule, e.g. G2.")]
NodeId = Annotated[str, Query(**ID_LIMITS, description=f"The node the finding is about. {ID_RULES}")]


@router.delete("", status_code=204, summary="Withdraw the acceptance of a gap")
def unaccept(rule: Rule, node_id: NodeId, store: StoreDep, who: Editor) -> Response:
    acceptances.unaccept(store, rule, node_id, Change("unaccept gap", who.name))
    return Response(status_code=204)
