"""Assurance programmes: commitments as rows with their supporting activity, risk register items,
oversight mechanisms and frequency (Commitment / Supporting Activity / Links to PCC Strategic Risk
Register item / PCC's Oversight Mechanism(s) / Frequency of Oversight), themes as upper-case
"... PLAN - <THEME>" lines or theme headings, and a glossary of the meetings named.

Each row is a Commitment `<prefix>-C<n>` (or the paper's ref); its mechanisms are resolved by
`oversight` into meetings that OVERSEE it and assurance sources that ASSURE it.
"""
from __future__ import annotations

from graphmodel.models import Node

from ..document import one_line
from .engine import Extraction, Layout, Record
from .fields import FieldSpec
from .oversight import placeholder
from .register import Build, link_risks, listed_risks

NAME = "assurance-programme"
LAYOUT = Layout(
    NAME,
    "assurance programme: Commitment / Supporting activity / Oversight mechanism / Frequency rows, and a glossary",
    (FieldSpec("ref", ("ref", "no", "reference", "number", "#"), "ref"),
     FieldSpec("title", ("commitment", "plan commitment", "commitments", "pledge", "police and crime plan commitment",
                         "key commitment", "objective", "holding the chief constable to account for",
                         "area of focus", "what we will do", "purpose")),
     FieldSpec("theme", ("plan priority", "priority", "theme", "strategic priority", "police and crime plan priority",
                         "pillar", "strand", "plan theme")),
     FieldSpec("activity", ("supporting activity", "activity", "activities", "supporting activities", "delivery",
                            "how", "how we will deliver", "how delivered", "delivered through")),
     FieldSpec("risks", ("links to pcc strategic risk register item", "risk register item", "strategic risk",
                         "link to risk register", "risk", "risk reference", "risk register reference",
                         "link to risk")),
     FieldSpec("mechanism", ("pcc oversight mechanism", "oversight mechanism", "oversight", "mechanism",
                             "governance", "assurance mechanism", "how assured", "scrutiny", "reporting route",
                             "oversight arrangement", "assurance route", "source of assurance", "monitored by",
                             "governance and oversight", "oversight and scrutiny")),
     FieldSpec("frequency", ("frequency of oversight", "frequency", "how often", "frequency of reporting")),
     FieldSpec("owner", ("lead", "owner", "lead officer", "responsible officer"))),
    sections=("theme",))


def build(ex: Extraction, b: Build) -> None:
    risks = listed_risks(ex, b)
    made: list[tuple[Node, Record]] = []
    theme: str | None = None
    records = ex.rows(NAME)
    for record, own in zip(records, b.own_refs(records), strict=True):
        values = record.values
        title = one_line(values.get("title", ""))
        theme = one_line(values["theme"]) if values.get("theme") else theme  # a theme cell stands on its first row
        if not title or (title.endswith(":") and not (values.get("activity") or values.get("mechanism"))):
            ex.skipped.append((record.origin, "sub-heading (no activity or oversight)"))
            continue
        if title[0].islower():
            b.parsed.warn(record.origin, "commitment starts in lower case; its beginning may be cut off",
                          b.column("title"), title)
        ref = own or None
        notes = "; ".join(p for p in (
            f"Supporting activity: {one_line(values['activity'])}" if values.get("activity") else "",
            f"Risk register items: {one_line(values['risks'])}" if values.get("risks") else "") if p)
        cell = values.get("mechanism", "")
        node = b.add("Commitment", {"id": b.ident(ref or f"C{len(made) + 1}"), "title": title,
                                    "theme": theme or record.theme or _section_theme(record),
                                    "owner": one_line(values.get("owner", "")), "notes": notes or None,
                                    "oversight_text": one_line(cell) if placeholder(cell) else None},
                     record.origin, ref)
        if node is not None:
            made.append((node, record))
    previous = None
    for node, record in made:
        b.oversee(node.id, record, previous)
        if risks and record.values.get("risks"):
            link_risks(b, node.id, record, risks)
        previous = node.id


def _section_theme(record: Record) -> str | None:
    """The priority or objective a programme's rows sit under is their theme: 'Priority 1: Safer roads'."""
    s = record.section
    if s is None or s.kind not in ("objective", "theme"):
        return None
    return s.title or f"{s.kind.capitalize()} {s.code}"
