"""Risk register action plans: risks as section lines ("Risk Item 3 <title> ... Current Risk Score - 12",
"Risk 2: <title>") or as rows (Risk No / Risk / Score ...), each followed by its actions.

Every action MITIGATES the risk it sits under. Ids: `<prefix>-R<n>` for risks and
`<prefix>-R<n>-A<action number>` for actions (the paper's own numbers).
"""
from __future__ import annotations

from ..document import one_line
from .common import add_edges, no_action
from .engine import Extraction, Layout
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
    records = ex.rows(NAME)
    decided: dict[int, list[str]] = {}  # risk section -> what the paper says instead of actions
    for record in records:
        if record.section is not None and no_action(record.values.get("title", "")):
            decided.setdefault(id(record.section), []).append(one_line(record.values["title"]))
    risks: dict[int, str] = {}
    for section in ex.sections:
        if section.kind != "risk":
            continue
        said = section.no_action + decided.get(id(section), [])
        status = next((s for s in (no_action(t) for t in said) if s != "open"), None)
        rid = b.section_id(section)
        if b.add("Risk", {"id": rid, "title": section.title or f"Risk {section.code}", "score": section.score,
                          "likelihood": section.likelihood, "impact": section.impact, "owner": section.owner,
                          "status": status, "notes": "; ".join(f"No action: {t}" for t in said) or None,
                          "register": register}, section.origin, "R" + section.code) is not None:
            risks[id(section)] = rid
    counters: dict[str, int] = {}
    for record in records:
        if no_action(record.values.get("title", "")):
            continue
        risk = risks.get(id(record.section)) if record.section is not None else None
        ref = b.own_ref(record.values.get("ref", ""))
        if not ref:
            counters[risk or ""] = counters.get(risk or "", 0) + 1
            ref = str(counters[risk or ""])
        items = b.items(record.values, "title", ("owner", "target", "status"))
        for k, item in enumerate(items, 1):
            number = f"{ref}.{k}" if len(items) > 1 else ref  # several actions in one row: 2.1, 2.2
            aid = f"{risk}-A{number}" if risk else b.ident(f"A{number}")
            title, done = b.done_mark(one_line(item.get("title", "")))
            target, update = one_line(item.get("target", "")), item.get("update", "")
            state = b.status(item, record.origin, target, update)
            action = b.add("Action", {
                "id": aid, "title": title, "owner": one_line(item.get("owner", "")),
                "target_date": target, "impact": item.get("impact"), "update": update, "notes": item.get("notes"),
                **({"status": "blue", "status_text": None} if done and not state["status"] else state)},
                record.origin)
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
