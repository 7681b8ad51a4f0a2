"""Action logs kept in minutes: "Action: <what is to be done>" paragraphs (a wrapped action runs on
over the following lines until a full stop), each followed by "Update <date> – ..." lines.

Each action is an Action `<prefix>-A<n>` in the paper's order (minutes do not number their actions);
its title is the action's words, its owner the initials it starts with ("RJ is to submit ...") or
that a later update names ("GB/N.Webster are to take this action forwards"), its update the updates
joined, and it is complete (blue) when the last update says so ("Complete", "Closed", "Done").
Used when no table fits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import join_wrapped, one_line
from ..report import Origin
from .engine import Extraction, Layout
from .register import Build

NAME = "action-log"
LAYOUT = Layout(NAME, "action log in minutes: 'Action: ...' paragraphs, each with 'Update <date> - ...' lines",
                (), key="title", ref=None)

_ACTION = re.compile(r"^\s*actions?\s*[:\-–]\s*(?P<text>.+)$", re.I | re.S)
_UPDATE = re.compile(r"\bupdate\s+\d{1,2}[./]\d{1,2}[./]\d{2,4}\s*[-–:]\s*", re.I)  # "Update 25.03.22 – "
_OWNER = re.compile(r"^(?P<who>[A-Z]{2,4}(?:\s*/\s*[A-Z][\w.]+)*)\s+(?:is|are|will|to)\b")
_DONE = re.compile(r"^\W*(complete[d]?|closed|done|discharged)\b", re.I)


@dataclass
class Logged:
    origin: Origin
    text: str
    updates: list[str] = field(default_factory=list)


def find(ex: Extraction) -> list[Logged]:
    out: list[Logged] = []
    current: Logged | None = None
    for block in ex.texts:
        line = one_line(block.text)
        if m := _ACTION.match(line):
            current = Logged(block.origin, "")
            out.append(current)
            _take(current, m["text"])
        elif current is not None and (u := _UPDATE.match(line)):
            current.updates.append(line[u.end():].strip())
        elif current is not None and not current.updates and not re.search(r"[.!?]\s*$", current.text) \
                and len(line) < 200:
            _take(current, line)  # the action wraps onto the next line
        else:
            current = None
    return out


def _take(logged: Logged, text: str) -> None:
    """More of an action's words, and any updates written on the same line."""
    parts = _UPDATE.split(text)
    logged.text = join_wrapped(logged.text, parts[0].strip())
    logged.updates += [p.strip() for p in parts[1:] if p.strip()]


def build(ex: Extraction, b: Build) -> None:
    for n, logged in enumerate(find(ex), 1):
        title = logged.text.strip()
        updates = logged.updates
        owner = None
        for text in [title, *updates]:
            if m := _OWNER.match(text):
                owner = m["who"].replace(" ", "")
        status = "blue" if updates and _DONE.match(updates[-1]) else None
        b.add("Action", {"id": b.ident(f"A{n}"), "title": title, "owner": owner,
                         "update": "\n".join(logged.updates) or None, "status": status}, logged.origin)
