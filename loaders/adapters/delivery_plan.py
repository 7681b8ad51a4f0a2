"""Police and Crime Plan delivery plan: themes and objectives as headings, then action rows.

Expected layout (text with tab-separated cells, or the same saved from Excel as .xlsx/.csv):

    Theme 1: Victims
    Objective V1: Improve the service victims receive
    Ref   Action   Timescale   Sponsor   Lead officer   Current status   Links to other actions   RAG
    V1.1  Commission a victims' hub   Mar-19   Chief Executive   Head of Commissioning   ...   O2.1   G

- "Theme ...:" lines (markdown '#' allowed) start a theme; the themes named in running text
  ("structured around four key strategic themes: Victims, Offenders, Communities, and
  Transformation.") are recognised too.
- "Objective <code>: <text>" lines are commitments with id <code> (or `T<n>-O<m>` without a
  code), theme = the current theme. A theme without objectives is itself one commitment
  (id `theme-<name>`), so a plan that names only its themes still yields them.
- Each row under a Ref/Action header is an action with id = Ref: Timescale -> target_date (or
  target_text), Sponsor -> sponsor, Lead officer -> owner, Current status -> update, RAG ->
  status (R/A/G/B letters or words; "(C)" or "Complete" = blue; arrows are ignored). It
  DELIVERS its objective's commitment and is LINKED_TO each ref in "Links to other actions"
  (separated by ';', ',' or newlines).
"""
from __future__ import annotations

import re

from ..parsed import ParsedMap
from ..report import Origin
from ..sources import Sheet
from .common import add_edges, add_node, cells, get, header_index, slug

NAME = "delivery-plan"
SUMMARY = "delivery plan: theme/objective headings, then Ref/Action/Timescale/.../RAG rows"

_THEME = re.compile(r"^[#*\s]*Theme\s*(\d+)?\s*[:.\-–]\s*(.+?)[*\s]*$", re.I)
_THEMES_TEXT = re.compile(r"themes?\s*:\s*([^.]+)\.", re.I)
_OBJECTIVE = re.compile(r"^[#*\s]*Objective\s*([A-Za-z]*\d+(?:\.\d+)*)?\s*[:.\-–]\s*(.+?)[*\s]*$", re.I)
_HEADERS = {
    "ref": ("ref", "reference", "refno"),
    "title": ("action", "actions"),
    "timescale": ("timescale", "targetdate", "by"),
    "sponsor": ("sponsor",),
    "owner": ("leadofficer", "lead"),
    "update": ("currentstatus", "status", "update"),
    "links": ("linkstootheractions", "links", "linkedto"),
    "rag": ("rag", "ragstatus"),
}
_RAG = {"r": "red", "a": "amber", "g": "green", "b": "blue"}


def detect(sheet: Sheet) -> bool:
    for _, raw in sheet.rows[:400]:
        index = header_index(cells(raw), _HEADERS)
        if {"ref", "title", "rag"} <= set(index):
            return True
    text = " ".join(" ".join(cells(r)) for _, r in sheet.rows[:100]).lower()
    return "delivery plan" in text and bool(_THEMES_TEXT.search(text))


def _status(rag: str) -> str | None:
    word = re.sub(r"[^A-Za-z()]", "", rag).lower()
    return _RAG.get(word, word or None)


class _Plan:
    def __init__(self, sheet: Sheet, parsed: ParsedMap):
        self.sheet, self.parsed = sheet, parsed
        self.themes: list[tuple[str, int]] = []  # (name, row)
        self.theme_has_commitment: set[str] = set()
        self.theme: str | None = None
        self.commitment: str | None = None
        self.objectives = 0

    def origin(self, number: int) -> Origin:
        return Origin(self.sheet.file, self.theme or self.sheet.name, number)

    def start_theme(self, name: str, number: int) -> None:
        if name not in (t for t, _ in self.themes):
            self.themes.append((name, number))
        self.theme, self.commitment, self.objectives = name, None, 0

    def objective(self, code: str | None, title: str, number: int) -> None:
        self.objectives += 1
        theme_no = next((i for i, (t, _) in enumerate(self.themes, 1) if t == self.theme), 0)
        node = add_node(self.parsed, "Commitment", {
            "id": code or f"T{theme_no}-O{self.objectives}", "title": title, "theme": self.theme,
            "plan": "Police and Crime Plan"}, self.origin(number))
        self.commitment = node.id if node else None
        if self.theme:
            self.theme_has_commitment.add(self.theme)

    def theme_commitment(self, name: str, number: int) -> str | None:
        record = {"id": f"theme-{slug(name)}", "title": name, "theme": name, "plan": "Police and Crime Plan"}
        node = add_node(self.parsed, "Commitment", record, Origin(self.sheet.file, name, number))
        self.theme_has_commitment.add(name)
        return node.id if node else None


def parse(sheets: list[Sheet], parsed: ParsedMap) -> None:
    for sheet in sheets:
        _parse_sheet(sheet, parsed)


def _parse_sheet(sheet: Sheet, parsed: ParsedMap) -> None:
    plan = _Plan(sheet, parsed)
    index: dict[str, int] | None = None
    actions = 0
    for number, raw in sheet.rows:
        row = cells(raw)
        filled = [c for c in row if c.strip()]
        line = " ".join(filled)
        if len(filled) == 1 and (m := _THEME.match(line)):
            plan.start_theme(m[2].strip(), number)
            index = None
            continue
        if len(filled) == 1 and (m := _OBJECTIVE.match(line)):
            plan.objective(m[1], m[2].strip(), number)
            index = None
            continue
        if index is None and (m := _THEMES_TEXT.search(line)) and "theme" in line.lower():
            for name in re.split(r",\s*(?:and\s+)?|\s+and\s+", m[1]):
                if name.strip():
                    plan.start_theme(name.strip(), number)
            plan.theme = None
            continue
        found = header_index(row, _HEADERS)
        if {"ref", "title"} <= set(found):
            index = found
            continue
        if index is None or not get(row, index, "ref") or not get(row, index, "title"):
            continue
        if plan.commitment is None and plan.theme is not None:
            plan.commitment = plan.theme_commitment(plan.theme, number)
        origin = plan.origin(number)
        timescale = get(row, index, "timescale")
        action = add_node(parsed, "Action", {
            "id": get(row, index, "ref"), "title": get(row, index, "title"), "target_date": timescale,
            "sponsor": get(row, index, "sponsor"), "owner": get(row, index, "owner"),
            "update": get(row, index, "update"), "status": _status(get(row, index, "rag")),
        }, origin, {"target_date": "Timescale", "status": "RAG", "title": "Action", "id": "Ref"})
        if action is None:
            continue
        actions += 1
        if plan.commitment:
            add_edges(parsed, origin, [(action.id, "DELIVERS", plan.commitment)])
        links = [x.strip() for x in re.split(r"[;,\n]+", get(row, index, "links")) if x.strip()]
        add_edges(parsed, origin, [(action.id, "LINKED_TO", other) for other in links if other != action.id],
                  "Links to other actions")
    for name, number in plan.themes:
        if name not in plan.theme_has_commitment:
            plan.theme_commitment(name, number)
    if actions == 0:
        themes = ", ".join(t for t, _ in plan.themes) or "none"
        parsed.warn(Origin(sheet.file), f"no action rows found (no Ref/Action header); themes recognised: {themes}")
