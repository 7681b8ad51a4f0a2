"""How the views draw meaning: assurance status, severity, kinds and the heat map scale.

One source of truth. Each kind's identifying colour comes from the schema; this module
derives its fill and declares everything about gap results. Status never relies on colour
alone: every status also has a border style and a glyph, so it survives colour-blindness
and a greyscale printer. `theme_css()` hands the same values to the pages' stylesheet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from graphmodel.gaps.model import Severity, Status
from graphmodel.schema import OPINIONS, SCHEMA, SchemaError

INK = "#1b1b1b"
PAPER = "#ffffff"


@dataclass(frozen=True)
class Look:
    """How one kind of box is drawn: fill, text, border colour, width and dash pattern, and a
    glyph that starts its label. `dashes` is a vis-network/SVG dash array; () means solid."""

    fill: str
    border: str
    width: int = 1
    dashes: tuple[int, ...] = ()
    glyph: str = ""

    @property
    def text(self) -> str:
        return text_colour(self.fill)

    @property
    def css_border_style(self) -> str:
        if not self.dashes:
            return "solid"
        return "dotted" if self.dashes[0] <= 2 else "dashed"


# Process status: dark red, light amber and mid green differ in lightness as well as hue, so
# they stay apart for the colour-blind and in greyscale; the border and glyph say it again.
STATUS = {
    Status.UNCOVERED: Look("#b2182b", "#1b1b1b", 3, (8, 4), "\u2716"),  # ✖, thick dashed border
    Status.WEAK: Look("#f6c141", "#1b1b1b", 2, (2, 3), "!"),  # dotted border
    Status.ADEQUATE: Look("#5aae61", "#1b1b1b", 1, (), "\u2714"),  # ✔, thin solid border
}
STATUS_WORDS = {
    Status.UNCOVERED: "uncovered (no assurance)",
    Status.WEAK: "weakly assured",
    Status.ADEQUATE: "adequately assured",
}
STATUS_SHORT = {Status.UNCOVERED: "uncovered", Status.WEAK: "weak", Status.ADEQUATE: "adequate"}
WORST_FIRST = (Status.UNCOVERED, Status.WEAK, Status.ADEQUATE)
STATUS_COLOURS = {s: look.fill for s, look in STATUS.items()}

# Any other item with a finding keeps its kind's fill and gets a thick border in its worst
# severity's colour, with "!" before its name.
SEVERITY_COLOURS = {Severity.HIGH: "#b2182b", Severity.MEDIUM: "#b35806", Severity.LOW: "#5f6368"}
SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
FINDING_GLYPH = "!"
FINDING_WIDTH = 4


def tint(colour: str, strength: float) -> str:
    """`colour` blended with white: strength 1 is the colour itself, 0 is white."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02x}" for c in rgb)


def kind_look(kind: str) -> Look:
    """A kind's box: a pale tint of the schema's colour, bordered in the colour itself. Pale
    fills keep saturated colour for status, so the two never collide."""
    colour = SCHEMA.node(kind).style.colour
    return Look(tint(colour, 0.22), colour, 1)


BREAK = Look("#ffffff", "#b2182b", 2, (6, 4), "\u2716")  # where an oversight chain stops
FOCUS_GLOW = "rgba(31,95,153,0.95)"  # the item a view is about
PANEL = Look("#3f2a56", "#1b1b1b", 2)  # the audit panel: the end of every chain
AREA_BORDER = "#5f6368"  # an area drawn as one box


def finding_look(kind: str, severity: Severity) -> Look:
    base = kind_look(kind)
    return Look(base.fill, SEVERITY_COLOURS[severity], FINDING_WIDTH, (), FINDING_GLYPH)


# -- contrast -------------------------------------------------------------------------
def _linear(c: int) -> float:
    v = c / 255
    return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    r, g, b = (_linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the background."""
    return INK if contrast(background, INK) >= contrast(background, PAPER) else PAPER


# -- heat map: the hue says the opinion, the strength says how recent it is --------------
OPINION_COLOURS = {
    "substantial": "#1a7837",
    "reasonable": "#7fbf7b",
    "limited": "#f6c141",
    "none": "#b2182b",
    "unrated": "#8c8c8c",
}
# A rated opinion always counts above an unrated one when choosing a line's best source.
OPINION_RANK = {"substantial": 4, "reasonable": 3, "limited": 2, "none": 1, "unrated": 0}
RECENCIES = ("current", "due", "stale", "undated")
RECENCY_RANK = {"current": 3, "due": 2, "stale": 1, "undated": 0}
RECENCY_STRENGTH = {"current": 1.0, "due": 0.6, "stale": 0.3, "undated": 0.3}
RECENCY_WORDS = {
    "current": "assured within its cycle",
    "due": "due for renewal",
    "stale": "out of date",
    "undated": "never dated",
}
EMPTY_CELL = "#ffffff"

if set(OPINION_COLOURS) != set(OPINIONS):
    raise SchemaError(f"the heat map needs a colour for each opinion: {', '.join(OPINIONS)}")


# -- an action's RAG status, and the direction of travel --------------------------------
RAG_COLOURS = {"red": "#b2182b", "amber": "#f6c141", "green": "#5aae61", "blue": "#2166ac", "grey": "#bdbdbd"}
RAG_WORDS = {"red": "red", "amber": "amber", "green": "green", "blue": "blue (complete)", "grey": "grey (not started)"}
# Direction of travel (graphmodel.cycle.changes.Travel): a pale fill, and always its sign and word.
TRAVEL_COLOURS = {"improved": "#d9f0d3", "worsened": "#f9d4d4", "unchanged": "#ffffff", "new": "#dbe9f6",
                  "removed": "#e6e6e6"}


def cell_colour(opinion: str, recency: str) -> str:
    return tint(OPINION_COLOURS[opinion], RECENCY_STRENGTH[recency])


def kind_words(kind: str) -> str:
    """A kind's name as people write it: "AssuranceSource" -> "Assurance source"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind).capitalize()


def rule_title(rule: str) -> str:
    """A rule's short title from the gap analysis, e.g. "G1 Uncovered"."""
    from graphmodel.gaps.rules import RULES

    found = RULES.get(rule)
    return f"{rule} {found.title}" if found else rule


def theme_css() -> str:
    """CSS classes for status, severity and kinds, from the values above."""
    out = []
    for status, look in STATUS.items():
        out.append(f".status-{status.value} {{ background: {look.fill}; color: {look.text}; "
                   f"border: {max(look.width, 2)}px {look.css_border_style} {look.border}; }}")
    for severity, colour in SEVERITY_COLOURS.items():
        out.append(f".sev-{severity.value} {{ border-left: 6px solid {colour}; }}")
    for direction, colour in TRAVEL_COLOURS.items():
        out.append(f".travel-{direction} {{ background: {colour}; }}")
    for kind in SCHEMA.nodes:
        look = kind_look(kind.name)
        out.append(f".kind-{kind.name} {{ background: {look.fill}; color: {look.text}; "
                   f"border: 1px solid {look.border}; }}")
    return "\n".join(out) + "\n"
