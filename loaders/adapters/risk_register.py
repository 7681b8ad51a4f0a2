"""Risk register action plans: risks as section lines ("Risk Item 3 <title> ... Current Risk Score - 12",
"Risk 2: <title>") or as rows (Risk No / Risk / Score ...), each followed by its actions.

Every action MITIGATES the risk it sits under. Ids: `<prefix>-R<n>` for risks and
`<prefix>-R<n>-A<action number>` for actions (the paper's own numbers).
"""
from __future__ import annotations

from ..document import one_line
from .common import add_edges
from .engine import Extraction, Layout, date_text
from .fields import FieldSpec
from .register import Build

NAME = "risk-register"
LAYOUT = Layout(
    NAME, "risk register action plan: 'Risk Item N' sections, then Action Number / Action / Owner / Target Date rows",
    (FieldSpec("ref", ("action number", "action no", "action ref", "no", "number", "ref", "reference", "item",
                       "action reference", "#"), "ref"),
     FieldSpec("title", ("action", "actions", "mitigating action", "mitigation", "planned action", "action required",
                         "further action", "further action required", "action to be taken", "control action",
                         "actions to mitigate", "mitigating actions", "description action", "action description")),
     FieldSpec("notes", ("component actions", "component action", "sub actions", "tasks", "steps", "milestones",
                         "detail", "action detail")),
     FieldSpec("owner", ("owner", "action owner", "lead", "responsible officer", "lead officer", "responsibility",
                         "by whom", "responsible")),
     FieldSpec("target", ("target date", "target", "due date", "deadline", "completion date", "by when", "date due",
                          "timescale", "target completion date", "due"), "date"),
     FieldSpec("impact", ("impact", "expected impact", "expected outcome", "outcome", "benefit", "intended impact")),
     FieldSpec("update", ("action update", "update", "progress", "progress update", "current position", "comment",
                          "commentary", "latest update", "position", "progress to date")),
     FieldSpec("status", ("status", "rag", "rag status", "action status", "progress status", "rating"), "rag")),
    sections=("risk",))


def build(ex: Extraction, b: Build) -> None:
    register = _subject(ex)
    risks: dict[int, str] = {}
    for section in ex.sections:
        if section.kind != "risk":
            continue
        rid = b.section_id(section)
        if b.add("Risk", {"id": rid, "title": section.title or f"Risk {section.code}", "score": section.score,
                          "register": register}, section.origin, "R" + section.code) is not None:
            risks[id(section)] = rid
    counters: dict[str, int] = {}
    for record in ex.rows(NAME):
        risk = risks.get(id(record.section)) if record.section is not None else None
        ref = b.own_ref(record.values.get("ref", ""))
        if not ref:
            counters[risk or ""] = counters.get(risk or "", 0) + 1
            ref = str(counters[risk or ""])
        aid = f"{risk}-A{ref}" if risk else b.ident(f"A{ref}")
        target, update = date_text(record.values.get("target", "")), record.values.get("update", "")
        action = b.add("Action", {
            "id": aid, "title": one_line(record.values.get("title", "")),
            "owner": one_line(record.values.get("owner", "")),
            "target_date": one_line(target), "impact": record.values.get("impact"), "update": update,
            "notes": record.values.get("notes"),
            **b.status(record.values, record.origin, target, update)}, record.origin)
        if action is not None and risk:
            add_edges(b.parsed, record.origin, [(action.id, "MITIGATES", risk)])


def _subject(ex: Extraction) -> str | None:
    """The paper's 'Subject' line names the register."""
    for text in ex.texts:
        if text.text.lower().startswith("subject"):
            rest = text.text[7:].strip(" :\t")
            if rest:
                return rest
    return ex.subject
