"""Risk register action plan, as in the Leicestershire JARAP paper of June 2013 (Appendix A).

Expected layout (text with tab-separated cells, or the same saved from Excel as .xlsx/.csv):

    Risk Item 1 Failure to manage public expectations ...   Current Risk Score - 12
    Action Number  Action  Component Actions  Owner  Target Date  Impact  Action Update
    1              Develop a proactive ...    ...    Rebecca Watson  Apr-13  ...  ...

- Each "Risk Item N <title>" line starts a risk `RN`; its score is read from "Current Risk
  Score - N" anywhere on that line.
- A header row (it may repeat within a risk) names the columns; a blank header cell where the
  standard layout has a column the header lacks takes that column (the real paper's Risk 4
  table has no "Target Date" header), with a warning.
- Each row whose first cell is a number is an action `RN-A<number>` that MITIGATES `RN`:
  Action -> title, Owner -> owner, Target Date -> target_date (or target_text with a warning
  when it is not a date), Impact -> impact, Action Update -> update, Component Actions -> notes.
  A target or update that starts with "Complete", "Completed", "Done" or "(C)" makes status blue.
- Rows cut short are read as far as they go; other lines (the paper's prose) are ignored.
"""
from __future__ import annotations

import re

from ..parsed import ParsedMap
from ..report import Origin
from ..sources import Sheet
from .common import add_edges, add_node, cells, get, header_index, says_complete

NAME = "risk-register"
SUMMARY = "risk register action plan: 'Risk Item N ...' headings, then Action Number/Action/... rows"

_RISK = re.compile(r"^\s*Risk\s+Item\s+(\d+)\s*[:.\-]?\s*(.*)$", re.I)
_SCORE = re.compile(r"Current\s+Risk\s+Score\s*[-–:]?\s*(\d+)", re.I)
LAYOUT = ("number", "title", "components", "owner", "target", "impact", "update")
_HEADERS = {
    "number": ("actionnumber", "actionno", "no", "ref"),
    "title": ("action",),
    "components": ("componentactions",),
    "owner": ("owner",),
    "target": ("targetdate", "target"),
    "impact": ("impact",),
    "update": ("actionupdate", "update"),
}


def detect(sheet: Sheet) -> bool:
    texts = [" ".join(cells(r)) for _, r in sheet.rows[:400]]
    return any(_RISK.match(t) for t in texts) and any("action number" in t.lower() for t in texts)


def _header(row: list[str], origin: Origin, parsed: ParsedMap) -> dict[str, int]:
    index = header_index(row, _HEADERS)
    for i, col in enumerate(LAYOUT):
        if col not in index and i < len(row) and not row[i].strip() and i not in index.values():
            index[col] = i
            parsed.warn(origin, f"blank header cell read as the standard layout's column {col!r}",
                        column=f"cell {i + 1}")
    return index


def parse(sheets: list[Sheet], parsed: ParsedMap) -> None:
    for sheet in sheets:
        _parse_sheet(sheet, parsed)


def _parse_sheet(sheet: Sheet, parsed: ParsedMap) -> None:
    register = sheet.name
    risk = None
    index: dict[str, int] | None = None
    for number, raw in sheet.rows:
        row = cells(raw)
        line = " ".join(c for c in row if c)
        first = row[0].strip() if row else ""
        if first.lower() == "subject" and len(row) > 1 and row[1].strip():
            register = row[1].strip()
            continue
        if m := _RISK.match(first):
            origin = Origin(sheet.file, f"Risk Item {m[1]}", number)
            title = _SCORE.sub("", m[2]).strip(" -–\t")
            score = _SCORE.search(line)
            risk = add_node(parsed, "Risk", {"id": f"R{m[1]}", "title": title,
                                             "score": score[1] if score else None, "register": register}, origin)
            index = None
            continue
        if risk is None:
            continue  # the covering report before the first risk
        origin = Origin(sheet.file, f"Risk Item {risk.id[1:]}", number)
        if "actionnumber" in {c.lower().replace(" ", "") for c in row}:
            index = _header(row, origin, parsed)
            continue
        if index is None or not re.fullmatch(r"\d+", get(row, index, "number")):
            continue
        target, update = get(row, index, "target"), get(row, index, "update")
        action = add_node(parsed, "Action", {
            "id": f"{risk.id}-A{get(row, index, 'number')}",
            "title": get(row, index, "title"),
            "owner": get(row, index, "owner"),
            "target_date": target,
            "impact": get(row, index, "impact"),
            "update": update,
            "notes": get(row, index, "components"),
            "status": "blue" if says_complete(target, update) else None,
        }, origin, {"title": "Action", "target_date": "Target Date", "owner": "Owner"})
        if action is not None:
            add_edges(parsed, origin, [(action.id, "MITIGATES", risk.id)])
