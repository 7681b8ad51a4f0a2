"""PCC assurance programme, as in West Mercia's draft framework of September 2016.

Expected layout (text with tab-separated cells, or the same saved from Excel as .xlsx/.csv):

    SAFER WEST MERCIA PLAN - PUTTING VICTIM AND SURVIVORS FIRST - EXAMPLE OF FRAMEWORK
    Commitment  Supporting Activity  Links to PCC Strategic Risk Register item  PCC's Oversight Mechanism(s)
        Frequency of Oversight  (quarter columns ...)
    Bring together and lead a new West Mercia Victims Board  Coordination ...    West Mercia LCJB   Quarterly

and, optionally, a glossary of oversight meetings under a "Name  Purpose  Meets" header.

- An upper-case "... PLAN - <THEME> [- EXAMPLE OF FRAMEWORK]" line sets the theme.
- Each row with a commitment is a Commitment `AP<t>-C<n>` (t = theme number, n = row within
  it); supporting activity and risk register item numbers are kept in its notes. Rows with
  neither activity nor mechanism (e.g. "The Police and Crime Commissioner will:") are
  sub-headings; a row with only a mechanism adds it to the commitment above.
- Each mechanism (several may be separated by ';' or newlines; a leading "Updates at" is
  dropped) becomes either a Meeting that OVERSEES the commitment or an AssuranceSource that
  ASSURES it, with an id made from its name (e.g. `athena-programme-board`):
    * named in the glossary, or containing board, group, committee, panel, meeting, forum,
      council, partnership or LCJB, or an acronym such as AGG -> Meeting (frequency from the
      row's "Frequency of Oversight", else the glossary's "Meets");
    * otherwise an AssuranceSource on the line given by MECHANISM_LINES: audit -> 3; HMICFRS /
      inspection / external audit -> 4; KPI / performance / monitoring / dashboard / delivery
      plan -> 2; briefings / reports from the force -> 1; anything else -> 2 with a warning.
- The text form of the real paper has empty frequency and quarter cells; they are left empty.
"""
from __future__ import annotations

import re

from ..columns import key
from ..parsed import ParsedMap
from ..report import Origin
from ..sources import Sheet
from .common import add_edges, add_node, cells, get, slug

NAME = "assurance-programme"
SUMMARY = "assurance programme: Commitment/Supporting activity/Oversight mechanism/Frequency rows"

_THEME = re.compile(r"PLAN\s*[-–:]\s*(.+?)(?:\s*[-–]\s*EXAMPLE OF FRAMEWORK)?\s*$", re.I)
_MEETING_WORDS = re.compile(r"\b(board|group|committee|panel|meeting|forum|council|partnership|lcjb|jarap)\b", re.I)
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_PREFIX = re.compile(r"^(?:updates?|reports?|reporting)\s+(?:at|to)\s+", re.I)
# First match wins: more specific phrases first.
MECHANISM_LINES: tuple[tuple[str, int], ...] = (
    (r"external audit|hmic|inspect|regulator|peer review", 4),
    (r"audit", 3),
    (r"kpi|performance|monitoring|dashboard|delivery plan|data|compliance|risk register", 2),
    (r"briefing|report|update", 1),
)


def detect(sheet: Sheet) -> bool:
    for _, raw in sheet.rows[:400]:
        keys = [key(c) for c in cells(raw)]
        if "commitment" in keys and any("oversight" in k or "mechanism" in k for k in keys):
            return True
    return False


def _columns(row: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, h in enumerate(row):
        k = key(h)
        for col, test in (("commitment", k == "commitment"), ("activity", "activit" in k),
                          ("risks", "risk" in k), ("mechanism", "oversight" in k or "mechanism" in k),
                          ("frequency", k.startswith("frequency"))):
            if test and col not in index:
                index[col] = i
                break
    return index


def _glossary(sheet: Sheet, parsed: ParsedMap) -> dict[str, tuple[str, str, str]]:
    """Meeting key -> (name, purpose, meets) from any Name/Purpose/Meets table."""
    out: dict[str, tuple[str, str, str]] = {}
    index: dict[str, int] | None = None
    for _, raw in sheet.rows:
        row = cells(raw)
        keys = [key(c) for c in row]
        if "purpose" in keys and any(k in ("name", "meeting") for k in keys):
            index = {"name": next(i for i, k in enumerate(keys) if k in ("name", "meeting")),
                     "purpose": keys.index("purpose")}
            meets = [i for i, k in enumerate(keys) if k in ("meets", "frequency")]
            if meets:
                index["meets"] = meets[0]
            continue
        if index is None:
            continue
        name = get(row, index, "name")
        if not name or len([c for c in row if c.strip()]) < 2:
            index = None  # the glossary ended
            continue
        out[key(name)] = (name, get(row, index, "purpose"), get(row, index, "meets"))
    return out


def _line(mechanism: str) -> int | None:
    for pattern, line in MECHANISM_LINES:
        if re.search(pattern, mechanism, re.I):
            return line
    return None


def parse(sheets: list[Sheet], parsed: ParsedMap) -> None:
    for sheet in sheets:
        _parse_sheet(sheet, parsed)


def _parse_sheet(sheet: Sheet, parsed: ParsedMap) -> None:
    glossary = _glossary(sheet, parsed)
    made: set[str] = set()
    for name, purpose, meets in glossary.values():
        if slug(name) not in made:
            made.add(slug(name))
            add_node(parsed, "Meeting", {"id": slug(name), "name": name, "purpose": purpose, "frequency": meets},
                     Origin(sheet.file, "glossary"))
    themes = 0
    theme = sheet.name
    index: dict[str, int] | None = None
    commitment = None
    n = 0
    for number, raw in sheet.rows:
        row = cells(raw)
        filled = [c for c in row if c.strip()]
        if len(filled) == 1 and filled[0].isupper() and (m := _THEME.search(filled[0])):
            themes += 1
            theme, index, commitment, n = m[1].strip().capitalize(), None, None, 0
            continue
        keys = {key(c) for c in row}
        if "purpose" in keys and keys & {"name", "meeting"}:
            index = None  # the glossary, read above
            continue
        found = _columns(row)
        if {"commitment", "mechanism"} <= set(found):
            index = found
            continue
        if index is None:
            continue
        origin = Origin(sheet.file, theme, number)
        text, activity, mechanisms = (get(row, index, c) for c in ("commitment", "activity", "mechanism"))
        if not (activity or mechanisms):
            continue  # sub-headings, quarter labels, page numbers and the prose after the table
        if text:
            n += 1
            notes = "; ".join(p for p in (
                f"Supporting activity: {activity}" if activity else "",
                f"Risk register items: {get(row, index, 'risks')}" if get(row, index, "risks") else "") if p)
            if text[0].islower():
                parsed.warn(origin, "commitment starts in lower case; its beginning may be cut off", "Commitment", text)
            commitment = add_node(parsed, "Commitment", {"id": f"AP{max(themes, 1)}-C{n}", "title": text,
                                                         "theme": theme, "notes": notes or None}, origin)
        if commitment is None:
            continue
        for mechanism in re.split(r"[;\n]+", mechanisms):
            mechanism = _PREFIX.sub("", mechanism.strip())
            if mechanism:
                _mechanism(mechanism, get(row, index, "frequency"), commitment.id, glossary, made, origin, parsed)


def _mechanism(name: str, frequency: str, commitment: str, glossary: dict, made: set[str],
               origin: Origin, parsed: ParsedMap) -> None:
    node_id = slug(name)
    line = _line(name)
    is_meeting = key(name) in glossary or bool(_MEETING_WORDS.search(name)) or (
        bool(_ACRONYM.match(name)) and line is None)
    if node_id not in made:
        made.add(node_id)
        if is_meeting:
            add_node(parsed, "Meeting", {"id": node_id, "name": name, "frequency": frequency}, origin,
                     {"frequency": "Frequency of Oversight"})
        else:
            if line is None:
                parsed.warn(origin, "oversight mechanism is neither a known meeting nor a known kind of assurance; "
                                    "taken as an assurance source on line 2", "Oversight Mechanism(s)", name)
            add_node(parsed, "AssuranceSource", {"id": node_id, "name": name, "line": line or 2,
                                                 "frequency": frequency, "type": "oversight mechanism"}, origin,
                     {"frequency": "Frequency of Oversight"})
    add_edges(parsed, origin, [(node_id, "OVERSEES" if is_meeting else "ASSURES", commitment)],
              "Oversight Mechanism(s)")
