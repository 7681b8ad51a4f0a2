"""What gap analysis works from, and the interface through which a store supplies it.

A store gathers the facts in bulk, the way it does that best (`Store.gap_facts`): the embedded
store from its graph in memory, Neo4j with a few queries that send back columns of plain values,
never a query per node. The facts are those of the analysis's scope (the whole map, one area or
one node), so a narrow question costs what its answer costs. Every rule is then checked by the
same Python code, and reasons, classes and scores are worked out by it too, whatever the store.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from dateutil.relativedelta import relativedelta

from ..models import Node
from ..values import same_area
from .policy import Policy

if TYPE_CHECKING:
    from .reporting import Routes

INDEPENDENT_LINES = (3, 4)
NEGATIVE_OPINIONS = ("limited", "none")
# Worst first: among equally recent independent sources the worse opinion stands.
OPINION_RANK = {"none": 0, "limited": 1, "unrated": 2, "reasonable": 3, "substantial": 4}


@dataclass(frozen=True)
class Overlay:
    """Hypothetical changes for what-if: sources withdrawn, opinions replaced. Never stored."""

    withdraw: frozenset[str] = frozenset()
    opinions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SourceFact:
    id: str
    name: str
    line: int
    opinion: str  # after any what-if replacement
    last_assured: dt.date | None
    frequency: str | None
    meetings: tuple[str, ...] = ()  # meetings it reports to directly
    # Assurance dated after the as-of date: it had not happened then, so the source counts as not
    # yet assured (no date, opinion unrated) and the reasons say so.
    assured_later: dt.date | None = None

    @property
    def undated_words(self) -> str:
        """Why it has no usable date, for reasons."""
        if self.assured_later is not None:
            return f"no assurance by the as-of date (its assurance of {self.assured_later.isoformat()} came later)"
        return "no last assured date"


@dataclass(frozen=True, slots=True)
class ProcessFact:
    id: str
    name: str
    area: str
    sources: tuple[SourceFact, ...]  # ordered by id; withdrawn sources left out


@dataclass(frozen=True, slots=True)
class MeetingFact:
    id: str
    name: str
    panel: bool
    reports_to: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """One node a rule holds for, with the evidence its reasons are built from."""

    node_id: str
    label: str
    area: str | None = None
    sources: tuple[SourceFact, ...] = ()
    processes: tuple[tuple[str, str, str], ...] = ()  # (id, name, area)
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """Everything a rule needs besides the graph: date, policy, what-if overlay, and the scope (an
    area or a node, or the whole map)."""

    as_of: dt.date
    policy: Policy
    overlay: Overlay = Overlay()
    area: str | None = None
    node: str | None = None  # one node's findings: the facts about it and what it touches

    @cached_property
    def independent_cutoff(self) -> dt.date:
        """Independent assurance on or after this date is within the policy's months."""
        try:
            return self.as_of - relativedelta(months=self.policy.independent_months)
        except ValueError:  # before year 1: every date is within the window
            return dt.date.min

    def in_area(self, area: str | None) -> bool:
        return self.area is None or same_area(area, self.area)

    def age_days(self, source: SourceFact) -> int | None:
        return None if source.last_assured is None else (self.as_of - source.last_assured).days

    @cached_property
    def _recencies(self) -> dict[str, str]:
        return {}  # by source id: a source's recency is asked for by several rules and the score

    @cached_property
    def _limits(self) -> dict[str | None, tuple[float, float]]:
        return {}  # by frequency: (period, stale after), in days

    def recency(self, source: SourceFact) -> str:
        found = self._recencies.get(source.id)
        if found is None:
            found = self._recencies[source.id] = self._recency(source)
        return found

    def _recency(self, source: SourceFact) -> str:
        age = self.age_days(source)
        if age is None:
            return "undated"
        limits = self._limits.get(source.frequency)
        if limits is None:
            limits = self._limits[source.frequency] = (self.policy.period_days(source.frequency),
                                                       self.policy.stale_after(source.frequency))
        if age <= limits[0]:
            return "current"
        return "due" if age <= limits[1] else "stale"

    def is_stale(self, source: SourceFact) -> bool:
        return self.recency(source) in ("stale", "undated")


def as_it_stood(source_id: str, name: str, line: int, opinion: str | None, last_assured: dt.date | None,
                frequency: str | None, meetings: tuple[str, ...], ctx: Context) -> SourceFact:
    """A source as it stood at the as-of date, with any what-if opinion applied: assurance dated
    later had not happened, so its date and opinion do not count."""
    later = last_assured if last_assured is not None and last_assured > ctx.as_of else None
    if later is not None:
        last_assured, opinion = None, None
    opinion = ctx.overlay.opinions.get(source_id) or opinion or "unrated"
    return SourceFact(source_id, name, line, opinion, last_assured, frequency, meetings, later)


class GraphReader(Protocol):
    """What a rule's check reads: the facts of the analysis's scope, gathered by the store."""

    def processes(self) -> Sequence[ProcessFact]:
        """The Processes in scope, by id, with their sources (what-if overlay applied): every
        Process, an area's, or for one node that Process or those the source assures."""
        ...

    def nodes(self, kind: str) -> Iterable[Node]:
        """Every node of a kind (for one node: that node, when it is of the kind)."""
        ...

    def has_in(self, node_id: str, rel: str, skip: frozenset[str] = frozenset()) -> bool:
        """Whether a link of kind `rel` arrives at the node from a node not in `skip`."""
        ...

    def out(self, node_id: str, rel: str) -> tuple[str, ...]:
        """The ids the node's links of kind `rel` go to, sorted."""
        ...

    def into(self, node_id: str, rel: str) -> tuple[str, ...]:
        """The ids the links of kind `rel` arriving at the node come from, sorted."""
        ...


class GapFacts(GraphReader, Protocol):
    """What a store supplies to one analysis (see `Store.gap_facts`)."""

    def routes(self) -> Routes:
        """Every meeting's reporting route up to the panel (routes cross areas, so all meetings)."""
        ...

    def areas(self) -> list[str]:
        """The areas of all the map's processes, whatever the scope."""
        ...
