"""Delivery plans: objectives (or priorities, aims, themes) as section lines, coded by digits or
letters with any prefix ("Police and Crime Plan: Objective 1", "OPCC Operational Objective A",
"Theme 2: Offenders"), each followed by its action rows (Ref / Action / Timescale / Sponsor /
Lead officer / Current status / Links to other actions / R/A/G).

Each objective is a Commitment `<prefix>-<code>`; each row an Action `<prefix>-<ref>` that DELIVERS
the objective it sits under, LINKED_TO the refs of this paper it names; other plans' refs are kept
in its notes.
"""
from __future__ import annotations

import re

from graphmodel.models import Node

from ..document import one_line
from ..report import Origin
from .common import add_edges, slug
from .engine import Extraction, Layout, Record, Section, date_text
from .fields import FieldSpec
from .register import Build

NAME = "delivery-plan"
LAYOUT = Layout(
    NAME,
    "delivery plan: objective sections, then Ref / Action / Timescale / Sponsor / Lead officer / Status / R/A/G rows",
    (FieldSpec("ref", ("ref", "reference", "ref no", "no", "number", "action ref", "action no", "action number", "item",
                       "#", "id"), "ref"),
     FieldSpec("title", ("action", "actions", "activity", "activities", "task", "tasks", "project", "deliverable",
                         "deliverables", "milestone", "what we will do", "key action", "key actions", "plan commitment",
                         "commitment", "initiative", "action description", "key deliverable", "what", "requirement")),
     FieldSpec("target", ("timescale", "timescales", "target date", "deadline", "by when", "due", "due date",
                          "completion date", "forecast end date", "end date", "date", "when", "target",
                          "delivery date", "timeframe"), "date"),
     FieldSpec("sponsor", ("sponsor", "executive sponsor", "senior sponsor", "sponsoring officer", "strategic lead",
                           "accountable officer", "executive lead")),
     FieldSpec("owner", ("lead officer", "lead", "owner", "responsible officer", "action owner",
                         "lead responsible officer",
                         "who", "officer", "responsible", "delivery lead", "agency", "lead agency", "by whom")),
     FieldSpec("update", ("current status of action", "current status", "progress", "update", "progress update",
                          "commentary", "comment", "position", "status update", "progress to date", "latest position",
                          "progress against action", "update on progress", "progress evidence",
                          "progress and evidence")),
     FieldSpec("links", ("links to other actions", "link", "linked actions", "links to other plans", "cross reference",
                         "dependencies", "related actions", "linked to", "dependency", "interdependencies")),
     FieldSpec("status", ("rag", "rag status", "status", "delivery status", "rating", "rag rating",
                          "direction of travel",
                          "rag delivery status", "overall rag", "task status", "action status"), "rag"),
     FieldSpec("mechanism", ("oversight", "oversight mechanism", "governance", "monitored by", "reporting route",
                             "assurance", "scrutiny", "oversight body", "governance route")),
     FieldSpec("impact", ("impact", "outcome", "expected outcome", "success measure", "measure of success",
                          "success criteria", "objective", "aim", "purpose", "intended outcome"))),
    sections=("objective", "theme"))



def build(ex: Extraction, b: Build) -> None:
    commitments: dict[int, str] = {}
    objectives = [s for s in ex.sections if s.kind == "objective"]
    for section in objectives:
        cid = b.section_id(section)
        node = b.add("Commitment", {"id": cid, "title": section.title or f"Objective {section.code}",
                                    "theme": section.theme, "plan": "Police and Crime Plan"}, section.origin,
                     section.code)
        if node is not None:
            commitments[id(section)] = node.id
    themes: dict[str, str] = {}
    made: list[tuple[Node, Record]] = []
    records = ex.rows(NAME)
    for record, own in zip(records, b.own_refs(records), strict=True):
        parent = _parent(record.section, record.theme, commitments, themes, b, record.origin)
        ref = own or None
        aid = b.ident(ref) if ref else f"{parent or b.ident('action')}-{len(made) + 1}"
        if not ref:
            b.parsed.warn(record.origin, f"action row has no ref; given the id {aid}", b.column("ref"))
        target = date_text(record.values.get("target", ""))
        action = b.add("Action", {
            "id": aid, "title": one_line(record.values.get("title", "")), "target_date": one_line(target),
            "sponsor": one_line(record.values.get("sponsor", "")), "owner": one_line(record.values.get("owner", "")),
            "update": record.values.get("update"), "impact": record.values.get("impact"),
            **b.status(record.values, record.origin, target)}, record.origin, ref)
        if action is None:
            continue
        made.append((action, record))
        if parent:
            add_edges(b.parsed, record.origin, [(action.id, "DELIVERS", parent)])
    previous = None
    for action, record in made:
        kept = b.links(action.id, record)
        if kept:
            b.parsed.annotate(action.id, f"Links to other plans: {kept}")
        b.oversee(action.id, record, previous)
        previous = action.id
    if made and not objectives:
        for s in ex.sections:  # a theme of the plan with no rows under it is still one of its commitments
            if s.kind == "theme" and s.title:
                _parent(None, s.title, {}, themes, b, s.origin)


def _parent(section: Section | None, theme: str | None, commitments: dict[int, str], themes: dict[str, str],
            b: Build, origin: Origin) -> str | None:
    if section is not None and id(section) in commitments:
        return commitments[id(section)]
    name = theme or (section.title if section is not None and section.kind == "theme" else None)
    if not name:
        return None
    if name not in themes:
        node = b.add("Commitment", {"id": b.ident(f"theme-{slug(name)}"), "title": name, "theme": name,
                                    "plan": "Police and Crime Plan"}, origin)
        themes[name] = node.id if node else ""
    return themes[name] or None


# 'structured around four key strategic themes: Victims, Offenders, Communities, and Transformation.'
_THEMES_NAMED = re.compile(r"\b(?:themes|priorities|pillars|strands)\b[^.:;]{0,60}?:\s*([^.;:]{3,300})", re.I)


def themes_named(ex: Extraction) -> list[tuple[str, Origin]]:
    """The plan's themes as a cover report names them in its prose, each a short capitalised name."""
    for block in ex.texts:
        for m in _THEMES_NAMED.finditer(block.text):
            names = [n.strip(" \"'“”") for n in re.split(r",\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+", m[1])]
            if len(names) >= 2 and all(n[:1].isupper() and 1 <= len(n.split()) <= 5 for n in names):
                return [(n, block.origin) for n in names]
    return []


def build_named_themes(ex: Extraction, b: Build) -> list[str]:
    """A paper with no action rows whose prose names its plan's themes: each theme one commitment (the
    plan, as far as this paper shows it). Returns the names."""
    names = []
    for name, origin in themes_named(ex):
        if b.add("Commitment", {"id": b.ident(f"theme-{slug(name)}"), "title": name, "theme": name,
                                "plan": "Police and Crime Plan"}, origin) is not None:
            names.append(name)
    return names
