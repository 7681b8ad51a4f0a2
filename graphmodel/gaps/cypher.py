"""The Cypher pieces the rules' queries are built from, and the parameters every query gets.

Only labels and relationship types from the schema appear in a query (checked as each query is
declared); dates, cut-offs, policy numbers, the area and the what-if overlay travel as parameters.
"""
from __future__ import annotations

import re
from typing import Any

from ..schema import RISKS_NEEDING_NO_ACTION, SCHEMA
from .facts import INDEPENDENT_LINES, NEGATIVE_OPINIONS, OPINION_RANK, Context

_PATTERN_NAME = re.compile(r"[(\[]\s*\w*\s*:\s*(\w+)")
_SCHEMA_NAMES = frozenset(SCHEMA.node_names) | frozenset(SCHEMA.edge_names)


def cypher(query: str) -> str:
    """A query whose labels and relationship types are all schema names; ValueError otherwise."""
    unknown = {name for name in _PATTERN_NAME.findall(query) if name not in _SCHEMA_NAMES}
    if unknown:
        raise ValueError(f"not in the schema: {', '.join(sorted(unknown))}")
    return query.strip()


# Fragments shared by the queries; `p` names a Process, `s` a source node, `x` a source map.
# Patterns label only their starting node: the schema already fixes the kind at the far end of
# each relationship type, and an extra label there can lead the planner to scan that label and
# join, which is quadratic on large maps. For the same reason existence checks and pattern
# comprehensions filter withdrawn sources out of an expanded list rather than in their own WHERE,
# where the planner may choose an index scan per process.
AREA = "($area IS NULL OR toLower(p.area) = $area)"
# A source as it stood at the as-of date (see facts.as_it_stood): assurance dated later does not count.
SOURCE_MAP = ("{id: s.id, name: s[$labels.AssuranceSource], line: s.line, "
              "opinion: coalesce($opinions[s.id], CASE WHEN s.last_assured > $as_of THEN NULL ELSE s.opinion END, "
              "'unrated'), "
              "last_assured: CASE WHEN s.last_assured > $as_of THEN NULL ELSE s.last_assured END, "
              "assured_later: CASE WHEN s.last_assured > $as_of THEN s.last_assured END, "
              "frequency: s.frequency}")
_N = "toInteger(split(x.frequency, ' ')[0])"
STALE = (f"(x.last_assured IS NULL OR duration.inDays(x.last_assured, $as_of).days > $multiplier * "
         f"coalesce($frequency_days[x.frequency], "
         f"CASE WHEN x.frequency =~ '[0-9]{{1,6}} per annum' AND {_N} > 0 THEN $year_days / toFloat({_N}) END, "
         f"$frequency_days.adhoc))")


def process_query(predicate: str) -> str:
    """A rule over each covered Process's sources (as maps `x` in the list `sources`): the
    Processes of the area with at least one source for which `predicate` holds."""
    return cypher(f"""
MATCH (p:Process) WHERE {AREA}
MATCH (p)<-[:ASSURES]-(s) WHERE NOT s.id IN $withdrawn
WITH p, collect({SOURCE_MAP}) AS sources
WHERE {predicate}
RETURN p.id AS id, p[$labels.Process] AS label, p.area AS area, [x IN sources | x.id] AS sources
""")


def params(ctx: Context) -> dict[str, Any]:
    """The parameters every rule query may use."""
    p = ctx.policy
    return {
        "as_of": ctx.as_of, "cutoff": ctx.independent_cutoff, "area": ctx.area.lower() if ctx.area else None,
        "withdrawn": sorted(ctx.overlay.withdraw), "opinions": dict(ctx.overlay.opinions),
        "multiplier": p.staleness_multiplier, "frequency_days": dict(p.frequency_days), "year_days": p.year_days,
        "independent": list(INDEPENDENT_LINES), "negative": list(NEGATIVE_OPINIONS),
        "opinion_rank": OPINION_RANK, "labels": {k.name: k.label_field for k in SCHEMA.nodes},
        "no_action": list(RISKS_NEEDING_NO_ACTION),
    }
