"""Sources of assurance a paper lists under a risk or an objective (a Board Assurance Framework's "Key
control / Source of assurance / Line / Opinion / Date" table): each is an AssuranceSource that ASSURES
the risk or commitment it is listed under, on the line of defence the paper gives, with its opinion and
the date it last gave assurance. Read with any layout, as a glossary is."""
from __future__ import annotations

import re

from graphmodel.schema import OPINIONS
from graphmodel.values import parse_date, parse_frequency

from ..document import one_line
from .common import add_edges, slug
from .engine import Extraction, Layout, Record
from .fields import FieldSpec
from .oversight import MECHANISM_LINES
from .register import Build

SOURCES = Layout(
    "sources", "sources of assurance: Key control / Source of assurance / Line / Opinion / Date",
    (FieldSpec("name", ("source of assurance", "sources of assurance", "assurance source", "source of evidence",
                        "evidence of assurance", "assurance received")),
     FieldSpec("control", ("key control", "control", "controls", "key controls")),
     FieldSpec("line", ("line", "line of defence", "line of assurance", "lod", "level")),
     FieldSpec("opinion", ("opinion", "assurance opinion", "assurance rating", "assurance level", "level of assurance",
                           "rating", "conclusion")),
     FieldSpec("date", ("date", "date of assurance", "last assured", "date assured", "last reviewed", "as at",
                        "when"), "date"),
     FieldSpec("provider", ("provider", "provided by", "by whom", "assurance provider"))),
    key="name", ref=None)

_LINES = ((r"^(?:1|1st|first|line 1)\b|management", 1), (r"^(?:2|2nd|second|line 2)\b|oversight|compliance", 2),
          (r"^(?:3|3rd|third|line 3)\b|internal audit", 3),
          (r"^(?:4|4th|fourth|line 4)\b|external|independent|regulat|inspect", 4))
_OPINIONS = {"no assurance": "none", "no": "none", "nil": "none", **{o: o for o in OPINIONS}}


def _line(cell: str, name: str) -> int | None:
    text = cell.strip().lower()
    for pattern, line in _LINES:
        if text and re.search(pattern, text):
            return line
    for pattern, line in MECHANISM_LINES:  # no line given: what the source is says which
        if re.search(pattern, name, re.I):
            return line
    return None


def _target(b: Build, record: Record) -> str | None:
    """The node of the risk or objective the source is listed under, when the paper made one."""
    section = record.section
    if section is None or section.kind not in ("risk", "objective"):
        return None
    node_id = b.section_id(section)
    return node_id if any(p.node.id == node_id for p in b.parsed.nodes) else None


def build(ex: Extraction, b: Build) -> None:
    for record in ex.rows(SOURCES.name):
        values = record.values
        name = one_line(values.get("name", ""))
        target = _target(b, record)
        if target is None:
            b.parsed.warn(record.origin, "source of assurance listed under no risk or objective of this paper; "
                                         "not read", b.column("name"), name)
            continue
        sid = b.ident(slug(name))
        line = _line(values.get("line", ""), name)
        if line is None:
            b.parsed.warn(record.origin, "line of defence not given or not understood; taken as line 2",
                          b.column("line"), values.get("line") or name)
        opinion_cell = one_line(values.get("opinion", "")).lower()
        opinion = _OPINIONS.get(re.sub(r"\s+assurance$", "", opinion_cell))
        if opinion_cell and opinion is None and opinion_cell not in ("n/a", "na", "-", "–"):
            b.parsed.warn(record.origin, f"opinion not one of {', '.join(OPINIONS)}; recorded as unrated",
                          b.column("opinion"), values.get("opinion"))
        when = one_line(values.get("date", ""))
        dated = parse_date(when) is not None
        notes = "; ".join(p for p in (f"Control: {one_line(values['control'])}" if values.get("control") else "",
                                      f"Opinion as written: {values['opinion']}" if opinion_cell and not opinion
                                      else "") if p)
        if sid not in b.oversight.sources:
            b.oversight.sources.add(sid)
            b.add("AssuranceSource", {"id": sid, "name": name, "line": line or 2, "opinion": opinion,
                                      "last_assured": when if dated or not parse_frequency(when) else None,
                                      "frequency": when if not dated and parse_frequency(when) else None,
                                      "provider": one_line(values.get("provider", "")), "notes": notes or None,
                                      "type": "source of assurance"}, record.origin)
        add_edges(b.parsed, record.origin, [(sid, "ASSURES", target)], b.column("name"))
