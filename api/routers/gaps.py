"""Gap queries: all rules, one rule, one area, one node's findings, and what-if."""
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from graphmodel.gaps import RULES, Policy, what_if
from graphmodel.text import ID_RULES

from ..deps import Analyst, Area, AsOf, RuleIds, StoreDep, Viewer
from ..models import ID_LIMITS, RuleId
from ..reports import (
    GapQuery,
    GapReportOut,
    PolicyOut,
    RuleOut,
    WhatIfOut,
    WhatIfQuery,
    policy_for,
    policy_overrides,
    report_response,
)

router = APIRouter(prefix="/gaps", tags=["gaps"])
Explain = Annotated[bool, Query(description="Include each score's arithmetic.")]


@router.get("", response_model=GapReportOut, name="list_gaps", summary="All findings, classes and scores",
            description="Sent compressed when the client accepts it (br, gzip), with a strong ETag: "
                        "If-None-Match with it answers 304 while the map and the question are unchanged.")
def all_gaps(request: Request, store: StoreDep, _: Viewer, as_of: AsOf = None, rule: RuleIds = None,
             area: Area = None, explain: Explain = False) -> Response:
    return report_response(request, store, as_of=as_of, rules=None if rule is None else list(rule), area=area,
                           explain=explain)


@router.post("", response_model=GapReportOut, name="gaps_under_policy", summary="Findings under a policy of your own")
def gaps_with_policy(request: Request, query: GapQuery, store: StoreDep, _: Analyst) -> Response:
    return report_response(request, store, as_of=query.as_of, rules=None if query.rules is None else list(query.rules),
                           area=query.area, explain=query.explain, policy=policy_overrides(query.policy))


@router.get("/rules", response_model=list[RuleOut], name="list_rules", summary="The rules, in plain words")
def rules(request: Request, _: Viewer) -> list[dict[str, Any]]:
    policy = policy_for(request) or Policy()
    return [{"id": r.id, "title": r.title, "description": r.description, "kind": r.kind,
             "severity": policy.severity(r.id).value, "classifies": r.classifies} for r in RULES.values()]


@router.get("/policy", response_model=PolicyOut, name="read_policy", summary="The effective default policy")
def policy(request: Request, _: Viewer) -> dict[str, Any]:
    return (policy_for(request) or Policy()).as_dict()


@router.get("/rules/{rule_id}", response_model=GapReportOut, name="gaps_of_rule", summary="Findings of one rule")
def one_rule(request: Request, rule_id: Annotated[RuleId, Path(description="The rule.")], store: StoreDep,
             _: Viewer, as_of: AsOf = None) -> Response:
    return report_response(request, store, as_of=as_of, rules=[rule_id])


@router.get("/areas/{area}", response_model=GapReportOut, name="gaps_of_area",
            summary="Findings and classes for one area")
def one_area(request: Request, area: Annotated[str, Path(min_length=1, description="The area (any case).")],
             store: StoreDep, _: Viewer, as_of: AsOf = None, explain: Explain = False) -> Response:
    return report_response(request, store, as_of=as_of, area=area, explain=explain)


@router.get("/nodes/{node_id:path}", response_model=GapReportOut, name="gaps_of_node", summary="One node's findings",
            description="The findings about one node, and its class and score (explained) when it is a Process; "
                        "the summary counts them. Only the facts about that node and what it touches are read.")
def one_node(request: Request, node_id: Annotated[str, Path(**ID_LIMITS, description=f"The node's id. {ID_RULES}")],
             store: StoreDep, _: Viewer, as_of: AsOf = None) -> Response:
    return report_response(request, store, as_of=as_of, node=node_id, explain=True)


@router.post("/what-if", response_model=WhatIfOut, name="what_if",
             summary="What if sources were withdrawn or their opinions changed?",
             description="Which processes change class, and how each area's coverage moves. Nothing is written. "
                         "A source that is not in the map is not found (404).")
def whatif(request: Request, query: WhatIfQuery, store: StoreDep, _: Analyst) -> dict[str, Any]:
    result = what_if(store, withdraw=query.withdraw, opinions=query.opinions, as_of=query.as_of,
                     policy=policy_for(request, policy_overrides(query.policy)))
    return result.as_dict()
