"""The gap rules, each declared once (see rule.py for what a declaration holds). Add a rule by
declaring it here and naming it in RULES, with its tests and its row in docs/spec.md."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta

from ..schema import LINE_NAMES, RISKS_NEEDING_NO_ACTION
from .facts import (
    INDEPENDENT_LINES,
    NEGATIVE_OPINIONS,
    OPINION_RANK,
    Context,
    GraphReader,
    Hit,
    ProcessFact,
    SourceFact,
)
from .model import Severity, Status
from .rule import Rule, per_process

# -- shared wording -----------------------------------------------------------------

def _names(sources: Iterable[SourceFact]) -> str:
    return ", ".join(s.name for s in sources)


def _line(source: SourceFact) -> str:
    return LINE_NAMES.get(source.line, f"line {source.line}")


def _span(start: dt.date, end: dt.date) -> str:
    """'40 months', '36 months and 1 day': the calendar distance between two dates."""
    d = relativedelta(end, start)
    months = d.years * 12 + d.months
    parts = [f"{months} month{'s' if months != 1 else ''}"] if months else []
    if d.days or not parts:
        parts.append(_days(d.days))
    return " and ".join(parts)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'s' if n != 1 else ''}"


def span_words(start: dt.date, end: dt.date) -> str:
    """How long from `start` to `end` in the words people use: '3 days', '5 months',
    '1 year and 2 months', '13 years'. Used for overdue actions in reasons and pages."""
    d = relativedelta(end, start)
    if d.years >= 2:
        return _count(d.years, "year")
    if d.years:
        return _count(1, "year") + (f" and {_count(d.months, 'month')}" if d.months else "")
    if d.months:
        return _count(d.months, "month")
    return _days(d.days)


def _frequency_words(source: SourceFact, ctx: Context) -> str:
    if source.frequency is None:
        return "with no set frequency (counted as adhoc)"
    if not ctx.policy.understands(source.frequency):
        return f"with frequency {source.frequency!r} not understood (counted as adhoc)"
    return f"recurring {source.frequency}"


# G1 ----------------------------------------------------------------------------------
G1 = Rule(
    "G1", "Uncovered",
    "A key process that no source of assurance covers at all.",
    kind="Process", severity=Severity.HIGH, classifies=Status.UNCOVERED, by_area=True,
    check=per_process(lambda p, ctx: () if not p.sources else None, covered=False),
    explain=lambda hit, ctx: ["no source of assurance covers it"],
)

# G2 ----------------------------------------------------------------------------------
G2 = Rule(
    "G2", "Self-assured only",
    "Every source of assurance over the process is management's own (line 1): nobody independent of "
    "the people running it checks it.",
    kind="Process", severity=Severity.MEDIUM, classifies=Status.WEAK, by_area=True,
    check=per_process(lambda p, ctx: p.sources if all(s.line == 1 for s in p.sources) else None),
    explain=lambda hit, ctx: [f"only line 1 (management) sources: {_names(hit.sources)}"],
)


# G3 ----------------------------------------------------------------------------------
def _independent_within(s: SourceFact, ctx: Context) -> bool:
    return s.line in INDEPENDENT_LINES and s.last_assured is not None and s.last_assured >= ctx.independent_cutoff


def _explain_g3(hit: Hit, ctx: Context) -> list[str]:
    months = ctx.policy.independent_months
    independent = [s for s in hit.sources if s.line in INDEPENDENT_LINES]
    if not independent:
        return [f"no line 3 (internal audit) or line 4 (external) source, only {_names(hit.sources)}: "
                f"independent assurance is needed within {months} months"]
    return [f"the {s.name}, a {_line(s)} source, has {s.undated_words}; independent assurance is needed "
            f"within {months} months" if s.last_assured is None else
            f"the {s.name}, a {_line(s)} source, was last assured on {s.last_assured.isoformat()}, "
            f"{_span(s.last_assured, ctx.as_of)} before the as-of date; independent assurance is needed within "
            f"{months} months" for s in independent]


G3 = Rule(
    "G3", "No independent assurance",
    "No internal audit (line 3) or external body (line 4) has given assurance over the process recently enough "
    "(by default within 36 months).",
    kind="Process", severity=Severity.HIGH, classifies=Status.WEAK, by_area=True,
    check=per_process(lambda p, ctx: None if any(_independent_within(s, ctx) for s in p.sources) else p.sources),
    explain=_explain_g3,
)


# G4 ----------------------------------------------------------------------------------
def _explain_g4(hit: Hit, ctx: Context) -> list[str]:
    p = ctx.policy
    out = ["every source of assurance over it is out of date"]
    for s in hit.sources:
        if s.last_assured is None:
            out.append(f"{s.name}: {s.undated_words}")
        else:
            out.append(f"{s.name} was last assured on {s.last_assured.isoformat()}, "
                       f"{_days(ctx.age_days(s) or 0)} before the as-of date; {_frequency_words(s, ctx)}, "
                       f"it is stale after {p.stale_after(s.frequency):g} days ({p.staleness_multiplier:g} x "
                       f"{p.period_days(s.frequency):g})")
    return out


G4 = Rule(
    "G4", "Stale",
    "All the assurance over the process is out of date: each source is undated or older than one and a half "
    "times how often it should recur (12 months when it has no set frequency).",
    kind="Process", severity=Severity.MEDIUM, classifies=Status.WEAK, by_area=True,
    check=per_process(lambda p, ctx: p.sources if all(ctx.is_stale(s) for s in p.sources) else None),
    explain=_explain_g4,
)


# G5 ----------------------------------------------------------------------------------
def latest_independent(sources: Iterable[SourceFact]) -> SourceFact | None:
    """The most recent line 3/4 source: dated before undated, the worse opinion on a tie."""
    independent = [s for s in sources if s.line in INDEPENDENT_LINES]
    if not independent:
        return None
    return min(independent, key=lambda s: (s.last_assured is None,
                                           -s.last_assured.toordinal() if s.last_assured else 0,
                                           OPINION_RANK.get(s.opinion, 2), s.id))


def _check_g5(p: ProcessFact, ctx: Context) -> tuple[SourceFact, ...] | None:
    latest = latest_independent(p.sources)
    return (latest,) if latest is not None and latest.opinion in NEGATIVE_OPINIONS else None


def _explain_g5(hit: Hit, ctx: Context) -> list[str]:
    s = hit.sources[0]
    when = f"last assured on {s.last_assured.isoformat()}" if s.last_assured else "undated"
    return [f"the most recent independent opinion is {s.opinion}: {s.name}, a {_line(s)} source, {when}"]


G5 = Rule(
    "G5", "Negative opinion",
    "The latest internal audit or external opinion on the process was limited or no assurance.",
    kind="Process", severity=Severity.HIGH, classifies=Status.WEAK, by_area=True,
    check=per_process(_check_g5),
    explain=_explain_g5,
)

# G6 ----------------------------------------------------------------------------------
G6 = Rule(
    "G6", "Unreported",
    "None of the assurance over the process is reported to any meeting, so no board or panel sees it.",
    kind="Process", severity=Severity.MEDIUM, classifies=Status.WEAK, by_area=True,
    check=per_process(lambda p, ctx: None if any(s.meetings for s in p.sources) else p.sources),
    explain=lambda hit, ctx: [f"none of its sources reports to a meeting: {_names(hit.sources)}"],
)


# G7 ----------------------------------------------------------------------------------
# A commitment is overseen when a meeting oversees it or a source assures it, or when that is so of
# an action that delivers it (plans often give oversight row by row, to a priority's actions), or of
# what its oversight cell refers to ("See 2.1", LINKED_TO): it is a finding only when none of them is.
def _check_g7(facts: GraphReader, ctx: Context) -> Iterable[Hit]:
    gone = ctx.overlay.withdraw

    def direct(node_id: str) -> bool:
        return facts.has_in(node_id, "OVERSEES") or facts.has_in(node_id, "ASSURES", gone)

    facts.nodes("Action")  # the whole map's actions known first, so their links are read in one go, not each alone

    def overseen(node_id: str) -> bool:  # asked per commitment, so one node's report reads only its own
        return direct(node_id) or any(direct(a) for a in facts.into(node_id, "DELIVERS"))

    for c in facts.nodes("Commitment"):
        refers = facts.out(c.id, "LINKED_TO")
        if not overseen(c.id) and not any(overseen(r) for r in refers):
            yield Hit(c.id, c.label, details={"refers": refers, "oversight_text": c.oversight_text})


def _explain_g7(hit: Hit, ctx: Context) -> list[str]:
    reasons = ["no meeting oversees it and no source of assurance covers it, directly or through the actions that "
               "deliver it"]
    if written := hit.details.get("oversight_text"):
        reasons.append(f"the paper gives its oversight as {written!r}")
    refers = sorted(hit.details.get("refers") or ())
    if refers:
        reasons.append(f"it refers to {', '.join(refers)} for its oversight (LINKED_TO), and "
                       f"{'that has' if len(refers) == 1 else 'those have'} no oversight either")
    return reasons


G7 = Rule(
    "G7", "No oversight",
    "A plan commitment that no meeting oversees and no source of assurance covers, directly, through the actions "
    "that deliver it or through what it refers to for its oversight.",
    kind="Commitment", severity=Severity.MEDIUM,
    check=_check_g7,
    explain=_explain_g7,
)


# G8 ----------------------------------------------------------------------------------
# A closed risk needs no action; one the register tolerates or leaves to another register is still
# a finding (nothing is recorded against it), and its reason says what the register decided.
def _check_g8(facts: GraphReader, ctx: Context) -> Iterable[Hit]:
    for r in facts.nodes("Risk"):
        if r.status not in RISKS_NEEDING_NO_ACTION and not facts.has_in(r.id, "MITIGATES"):
            yield Hit(r.id, r.label, details={"score": r.score, "status": r.status})


_DECIDED = {"tolerated": "the register tolerates it: no action is planned",
            "transferred": "the register leaves it to another register"}


def _explain_g8(hit: Hit, ctx: Context) -> list[str]:
    score, status = hit.details.get("score"), hit.details.get("status")
    return (["no action is recorded against it"] + ([f"its risk score is {score}"] if score else [])
            + ([_DECIDED[status]] if status in _DECIDED else []))


G8 = Rule(
    "G8", "Unmitigated risk",
    "A risk on the register, not closed (nor only referred to by a paper that does not hold its actions), with no "
    "action recorded against it.",
    kind="Risk", severity=Severity.MEDIUM,
    check=_check_g8,
    explain=_explain_g8,
)


# G9 ----------------------------------------------------------------------------------
def _check_g9(facts: GraphReader, ctx: Context) -> Iterable[Hit]:
    for a in facts.nodes("Action"):
        if a.target_date is not None and a.target_date < ctx.as_of and a.status != "blue":
            yield Hit(a.id, a.label, details={"target_date": a.target_date, "status": a.status,
                                              "status_text": a.status_text})


def _status_words(status: str | None, written: str | None) -> str:
    """What the action's status says, for G9: its colour, or the paper's own words when they give none
    (so a reader can see whether the paper might mean it is done), or that there is none."""
    if status:
        return f"its status is {status}, not blue (complete)"
    if written:
        return f"its status in the paper, {written!r}, gives no colour and does not say it is complete"
    return "no status is recorded"


def _explain_g9(hit: Hit, ctx: Context) -> list[str]:
    due = hit.details["target_date"]
    return [f"its target date {due.isoformat()} passed {span_words(due, ctx.as_of)} before the as-of date "
            f"{ctx.as_of.isoformat()}", _status_words(hit.details.get("status"), hit.details.get("status_text"))]


G9 = Rule(
    "G9", "Overdue action",
    "An action whose target date has passed and which is not marked complete.",
    kind="Action", severity=Severity.MEDIUM,
    check=_check_g9,
    explain=_explain_g9,
)


# G10 ---------------------------------------------------------------------------------
def _check_g10(facts: GraphReader, ctx: Context) -> Iterable[Hit]:
    sole: dict[str, list[ProcessFact]] = {}
    for p in facts.processes():
        if len(p.sources) == 1:
            sole.setdefault(p.sources[0].id, []).append(p)
    for sid, processes in sole.items():
        source = processes[0].sources[0]
        yield Hit(sid, source.name, processes=tuple(sorted((p.id, p.name, p.area) for p in processes)))


def _explain_g10(hit: Hit, ctx: Context) -> list[str]:
    named = ", ".join(f"{name} ({pid})" for pid, name, _ in hit.processes)
    n = len(hit.processes)
    return [f"the only source of assurance over {n} process{'es' if n != 1 else ''}: {named}",
            f"if it stopped, {'they' if n != 1 else 'it'} would be uncovered"]


G10 = Rule(
    "G10", "Single point of assurance",
    "A source of assurance that is the only one covering some process: if it lapses, that process is uncovered.",
    kind="AssuranceSource", severity=Severity.LOW, by_area=True,
    check=_check_g10,
    explain=_explain_g10,
)

# The rules in their standard order; everything else (analysis, policy, reports, the API) reads them from here.
RULES: dict[str, Rule] = {r.id: r for r in (G1, G2, G3, G4, G5, G6, G7, G8, G9, G10)}
