"""Risk registers kept as one table, a risk to a row (Risk No / Risk / Likelihood / Impact / Score /
Owner), each with its mitigating actions in the same row or in the rows under it whose risk cells are
blank (Action / Action owner / Target date / Action status).

Each risk is a Risk `<prefix>-R<no>`; each action an Action `<prefix>-R<no>-A<n>` that MITIGATES it,
numbered in the order the paper gives them (the paper does not number them).
"""
from __future__ import annotations

from graphmodel.schema import SCHEMA
from graphmodel.values import parse_score

from ..document import one_line
from .common import add_edges, no_action
from .engine import Extraction, Layout, Record
from .fields import FieldSpec
from .register import Build

NAME = "risk-table"
LAYOUT = Layout(
    NAME, "risk register as a table: Risk No / Risk / Likelihood / Impact / Score / Owner, then its actions",
    (FieldSpec("ref", ("risk no", "risk number", "risk ref", "risk id", "risk reference", "ref", "no", "number"),
               "ref"),
     FieldSpec("title", ("risk", "risk description", "description of risk", "risk title", "risk event",
                         "risk and consequence", "risk detail")),
     FieldSpec("likelihood", ("likelihood", "probability", "current likelihood", "l")),
     FieldSpec("impact", ("impact", "current impact", "severity", "consequence", "i")),
     FieldSpec("score", ("score", "risk score", "current score", "rating", "risk rating", "residual score",
                         "current risk score", "overall score", "total score", "residual", "residual rating",
                         "l x i", "l x i s", "current rating")),
     FieldSpec("owner", ("risk owner", "owner", "lead")),
     FieldSpec("chapter", ("pcp chapter", "plan chapter", "category", "theme", "strategic priority", "chapter")),
     FieldSpec("controls", ("controls", "existing controls", "current controls", "controls in place",
                            "key controls")),
     FieldSpec("action", ("mitigating action", "action", "actions", "further action", "mitigation", "action plan",
                          "description", "further actions required", "planned action", "mitigating actions")),
     FieldSpec("action_owner", ("action owner", "action lead", "responsible", "responsible officer", "by whom")),
     FieldSpec("target", ("target date", "target", "due date", "deadline", "timescale", "completion date", "due",
                          "by when", "date due", "action due"), "date"),
     FieldSpec("status", ("action status", "status", "rag", "rag status", "progress status"), "rag"),
     FieldSpec("update", ("progress", "update", "action update", "progress update", "comment", "commentary"))),
    sections=(), continuation="another action of the risk above (or more of one, split by a page break)")


def build(ex: Extraction, b: Build) -> None:
    for record in ex.rows(NAME):
        values = record.values
        ref = b.own_ref(values.get("ref", ""))
        if not ref:
            ex.skipped.append((record.origin, "a risk row with no risk number"))
            continue
        cols = record.columns
        # A status column among the risk's own columns (left of its actions) is the risk's, not an action's.
        risk_status = values.get("status") if cols.get("status", -1) < cols.get("action", -1) else None
        score, likelihood, impact = parse_score(values.get("score", ""))
        rid = b.ident(f"R{ref}")
        first = record.parts[0]
        decided = [(t, s) for p in record.parts if (t := p.get("action", "")) and (s := no_action(t))]
        notes = "; ".join(p for p in (
            f"Plan chapter: {one_line(values['chapter'])}" if values.get("chapter") else "",
            f"Controls: {one_line(values['controls'])}" if values.get("controls") else "",
            *(f"No action: {one_line(t)}" for t, _ in decided)) if p)
        status = _risk_status(risk_status, b, record) or next((s for _, s in decided if s != "open"), None)
        risk = b.add("Risk", {"id": rid, "title": one_line(first.get("title") or values.get("title", "")),
                              "likelihood": _first(values.get("likelihood", "")) or likelihood,
                              "impact": _first(values.get("impact", "")) or impact,
                              "score": score, "owner": one_line(first.get("owner", "")), "status": status,
                              "notes": notes or None}, record.origin, f"R{ref}")
        if risk is None:
            continue
        n = 0
        for part in record.parts:
            if not part.get("action") or no_action(part["action"]):
                continue
            if risk_status is not None:
                part = {k: v for k, v in part.items() if k != "status"}
            for item in b.items(part, "action", ("action_owner", "target", "status")):
                n += 1
                title, done = b.done_mark(one_line(item["action"]))
                target = one_line(item.get("target", ""))
                state = b.status(item, record.origin, target, item.get("update", ""))
                action = b.add("Action", {
                    "id": f"{rid}-A{n}", "title": title, "owner": one_line(item.get("action_owner", "")),
                    "target_date": target, "update": item.get("update"),
                    **({"status": "blue", "status_text": None} if done and not state["status"] else state)},
                    record.origin)
                if action is not None:
                    add_edges(b.parsed, record.origin, [(action.id, "MITIGATES", rid)])


def _risk_status(cell: str | None, b: Build, record: Record) -> str | None:
    """The risk's own status cell as the schema's risk statuses, or None (warned) when not one."""
    if not cell:
        return None
    word = one_line(cell).lower()
    field = SCHEMA.node("Risk").field("status")
    found = field.aliases.get(word, word if word in (field.choices or ()) else None)
    if found is None:
        b.parsed.warn(record.origin, f"risk status not one of {', '.join(field.choices or ())}; not recorded",
                      b.column("status"), cell)
    return found


def _first(value: str) -> str | None:
    """The first of several numbers written side by side (original, current, target) is the current one."""
    words = value.split()
    return words[0] if words else None
