"""Risk registers kept as one table, a risk to a row (Risk No / Risk / Likelihood / Impact / Score /
Owner), each with its mitigating actions in the same row or in the rows under it whose risk cells are
blank (Action / Action owner / Target date / Action status).

Each risk is a Risk `<prefix>-R<no>`; each action an Action `<prefix>-R<no>-A<n>` that MITIGATES it,
numbered in the order the paper gives them (the paper does not number them).
"""
from __future__ import annotations

import re

from ..document import one_line
from .common import add_edges
from .engine import Extraction, Layout, date_text
from .fields import FieldSpec
from .register import Build

NAME = "risk-table"
LAYOUT = Layout(
    NAME, "risk register as a table: Risk No / Risk / Likelihood / Impact / Score / Owner, then its actions",
    (FieldSpec("ref", ("risk no", "risk number", "risk ref", "risk id", "risk reference", "ref", "no", "number"),
               "ref"),
     FieldSpec("title", ("risk", "risk description", "description of risk", "risk title", "risk event",
                         "risk and consequence", "risk detail")),
     FieldSpec("likelihood", ("likelihood", "probability", "current likelihood")),
     FieldSpec("impact", ("impact", "current impact", "severity", "consequence")),
     FieldSpec("score", ("score", "risk score", "current score", "rating", "risk rating", "residual score",
                         "current risk score", "overall score", "total score")),
     FieldSpec("owner", ("risk owner", "owner", "lead")),
     FieldSpec("chapter", ("pcp chapter", "plan chapter", "category", "theme", "strategic priority", "chapter")),
     FieldSpec("controls", ("controls", "existing controls", "current controls", "controls in place",
                            "key controls")),
     FieldSpec("action", ("mitigating action", "action", "actions", "further action", "mitigation", "action plan",
                          "description", "further actions required", "planned action", "mitigating actions")),
     FieldSpec("action_owner", ("action owner", "action lead", "responsible", "responsible officer", "by whom")),
     FieldSpec("target", ("target date", "target", "due date", "deadline", "timescale", "completion date"), "date"),
     FieldSpec("status", ("action status", "status", "rag", "rag status", "progress status"), "rag"),
     FieldSpec("update", ("progress", "update", "action update", "progress update", "comment", "commentary"))),
    sections=())


def build(ex: Extraction, b: Build) -> None:
    for record in ex.rows(NAME):
        values = record.values
        ref = b.own_ref(values.get("ref", ""))
        if not ref:
            ex.skipped.append((record.origin, "a risk row with no risk number"))
            continue
        notes = "; ".join(p for p in (
            f"Plan chapter: {one_line(values['chapter'])}" if values.get("chapter") else "",
            f"Controls: {one_line(values['controls'])}" if values.get("controls") else "") if p)
        score = _number(values.get("score", ""))
        rid = b.ident(f"R{ref}")
        risk = b.add("Risk", {"id": rid, "title": one_line(record.parts[0].get("title") or values.get("title", "")),
                              "likelihood": _first(values.get("likelihood", "")),
                              "impact": _first(values.get("impact", "")),
                              "score": score, "owner": one_line(record.parts[0].get("owner", "")),
                              "notes": notes or None}, record.origin, f"R{ref}")
        if risk is None:
            continue
        n = 0
        for part in record.parts:
            if not part.get("action"):
                continue
            n += 1
            target = date_text(part.get("target", ""))
            action = b.add("Action", {
                "id": f"{rid}-A{n}", "title": one_line(part["action"]), "owner": one_line(part.get("action_owner", "")),
                "target_date": one_line(target), "update": part.get("update"),
                **b.status(part, record.origin, target, part.get("update", ""))}, record.origin)
            if action is not None:
                add_edges(b.parsed, record.origin, [(action.id, "MITIGATES", rid)])


def _first(value: str) -> str | None:
    """The first of several numbers written side by side (original, current, target) is the current one."""
    words = value.split()
    return words[0] if words else None


def _number(value: str) -> int | None:
    m = re.match(r"^\s*(\d{1,2})\b", value)
    return int(m[1]) if m and 1 <= int(m[1]) <= 25 else None
