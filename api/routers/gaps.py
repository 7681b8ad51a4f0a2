"""Gap queries: all rules, one rule, one area, one node's findings, and what-if."""
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from graphmodel import NotFound
from graphmodel.gaps import RULES, Policy, what_if
from graphmodel.gaps.analysis import select_rules

from ..deps import Analyst, Area, AsOf, RuleIds, StoreDep, Viewer
from ..problems import RESPONSES, area_resource
from ..reports import GapQuery, GapReportOut, RuleOut, WhatIfOut, WhatIfQuery, policy_for, report_response

router = APIRouter(prefix="/gaps", tags=["gaps"], responses={k: RESPONSES[k] for k in (401, 403, 422, 503)})
Explain = Annotated[bool, Query(description="Include each score's arithmetic.")]


def _rules(rules: list[str] | None) -> list[str] | None:
    """Checked before the cache, so bad ids are a clear error every time."""
    return None if rules is None else [r.id for r in select_rules(rules)]


@router.get("", response_model=GapReportOut, summary="All findings, classes and scores",
            description="Sent compressed when the client accepts it (br, gzip), with a strong ETag: "
                        "If-None-Match with it answers 304 while the map and the question are unchanged.")
def all_gaps(request: Request, store: StoreDep, _: Viewer, as_of: AsOf = None, rule: RuleIds = None,
             area: Area = None, explain: Explain = False) -> Response:
    return report_response(request, store, as_of=as_of, rules=_rules(rule), area=area, explain=explain)


@router.post("", response_model=GapReportOut, summary="Findings under a policy of your own")
def gaps_with_policy(request: Request, query: GapQuery, store: StoreDep, _: Analyst) -> Response:
    return report_response(request, store, as_of=query.as_of, rules=_rules(query.rules), area=query.area,
                           explain=query.explain, policy=query.policy)


@router.get("/rules", response_model=list[RuleOut], summary="The rules, in plain words")
def rules(request: Request, _: Viewer) -> list[dict[str, Any]]:
    policy = policy_for(request) or Policy()
    return [{"id": r.id, "title": r.title, "description": r.description, "kind": r.kind,
             "severity": policy.severity(r.id).value, "classifies": r.classifies} for r in RULES.values()]


@router.get("/policy", summary="The effective default policy")
def policy(request: Request, _: Viewer) -> dict[str, Any]:
    return (policy_for(request) or Policy()).as_dict()


@router.get("/rules/{rule_id}", response_model=GapReportOut, summary="Findings of one rule",
            responses={404: RESPONSES[404]})
def one_rule(request: Request, rule_id: str, store: StoreDep, _: Viewer, as_of: AsOf = None) -> Response:
    if rule_id.upper() not in RULES:
        raise NotFound(f"rule {rule_id!r}; the rules are {', '.join(RULES)}")
    return report_response(request, store, as_of=as_of, rules=[rule_id.upper()])


@router.get("/areas/{area}", response_model=GapReportOut, summary="Findings and classes for one area",
            responses={404: RESPONSES[404]})
def one_area(request: Request, area: str, store: StoreDep, _: Viewer, as_of: AsOf = None,
             explain: Explain = False) -> Response:
    with area_resource(area):
        return report_response(request, store, as_of=as_of, area=area, explain=explain)


@router.get("/nodes/{node_id:path}", response_model=GapReportOut, summary="One node's findings",
            description="The findings about one node, and its class and score (explained) when it is a Process; "
                        "the summary counts them. Only the facts about that node and what it touches are read.",
            responses={404: RESPONSES[404]})
def one_node(request: Request, node_id: str, store: StoreDep, _: Viewer, as_of: AsOf = None) -> Response:
    return report_response(request, store, as_of=as_of, node=node_id, explain=True)


@router.post("/what-if", response_model=WhatIfOut, summary="What if sources were withdrawn or their opinions changed?",
             description="Which processes change class, and how each area's coverage moves. Nothing is written.")
def whatif(request: Request, query: WhatIfQuery, store: StoreDep, _: Analyst) -> dict[str, Any]:
    result = what_if(store, withdraw=query.withdraw, opinions=query.opinions, as_of=query.as_of,
                     policy=policy_for(request, query.policy))
    return result.as_dict()
