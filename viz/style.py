"""Colours and words for assurance status, severity and the heat map scale.

Node shapes and colours and edge colours come from the schema; only the meaning of
gap results is defined here.
"""
from __future__ import annotations

from graphmodel.gaps.model import Severity, Status
from graphmodel.schema import OPINIONS, SchemaError

STATUS_COLOURS = {
    Status.UNCOVERED: "#d62728",  # red
    Status.WEAK: "#f0a202",  # amber
    Status.ADEQUATE: "#2ca02c",  # green
}
STATUS_WORDS = {
    Status.UNCOVERED: "uncovered (no assurance)",
    Status.WEAK: "weakly assured",
    Status.ADEQUATE: "adequately assured",
}
SEVERITY_COLOURS = {Severity.HIGH: "#d62728", Severity.MEDIUM: "#f0a202", Severity.LOW: "#8c8c8c"}

# Heat map: the hue says the opinion, the strength says how recent it is.
OPINION_COLOURS = {
    "substantial": "#1a7f37",
    "reasonable": "#7cc47f",
    "limited": "#f0a202",
    "none": "#d62728",
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


def tint(colour: str, strength: float) -> str:
    """`colour` blended with white: strength 1 is the colour itself, 0 is white."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02x}" for c in rgb)


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on the background."""
    r, g, b = (int(background[i:i + 2], 16) for i in (1, 3, 5))
    return "#000000" if (0.299 * r + 0.587 * g + 0.114 * b) > 140 else "#ffffff"


def cell_colour(opinion: str, recency: str) -> str:
    return tint(OPINION_COLOURS[opinion], RECENCY_STRENGTH[recency])


def rule_title(rule: str) -> str:
    """A rule's short title from the gap analysis, e.g. "G1 uncovered"."""
    from graphmodel.gaps.rules import RULES

    found = RULES.get(rule)
    return f"{rule} {found.title}" if found else rule
