"""The shape of a gap rule. Each rule is one declaration (see rules.py): what it finds, in words
for panel members; its default severity; whether it decides a Process's class; its check, which
reads the facts a store gathered (a `GraphReader`) and returns `Hit`s with the evidence; and how
that evidence is put into words. The same check runs on every store, so both say the same thing."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..schema import SCHEMA
from .facts import Context, GraphReader, Hit, ProcessFact, SourceFact
from .model import Severity, Status

Check = Callable[[GraphReader, Context], Iterable[Hit]]
Explain = Callable[[Hit, Context], list[str]]


@dataclass(frozen=True)
class Rule:
    id: str  # "G1", "G2", ...
    title: str
    description: str  # plain words for panel members
    kind: str  # the node kind its findings are about
    severity: Severity  # the default; a policy may give another
    check: Check  # the nodes it holds for, with their evidence, from the facts of the analysis's scope
    explain: Explain  # the reasons, from a Hit's evidence
    classifies: Status | None = None  # the class of a Process it holds for (the worst class wins)
    by_area: bool = False  # its findings belong to an area (it reads processes()), so an area's report keeps it

    def __post_init__(self) -> None:
        where = f"rule {self.id}"
        if not self.id or not self.id[0].isalpha() or not self.id.isalnum():
            raise ValueError(f"{where}: an id is letters and digits, e.g. G11")
        if self.kind not in SCHEMA.node_names:
            raise ValueError(f"{where}: unknown node kind {self.kind!r}")
        if self.classifies is not None and (self.kind != "Process" or self.classifies is Status.ADEQUATE):
            raise ValueError(f"{where}: only a rule about Processes can classify, as uncovered or weak")


def per_process(check: Callable[[ProcessFact, Context], tuple[SourceFact, ...] | None], *,
                covered: bool = True) -> Check:
    """A Python check from a test of one Process: it returns the evidence (sources) when the rule
    holds, else None. With `covered`, Processes with no source are left out."""

    def run(facts: GraphReader, ctx: Context) -> Iterable[Hit]:
        for p in facts.processes():
            if covered and not p.sources:
                continue
            evidence = check(p, ctx)
            if evidence is not None:
                yield Hit(p.id, p.name, p.area, evidence)

    return run
