"""Small helpers the register adapters share."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from graphmodel.errors import ValidationError
from graphmodel.models import Edge, Node, node_from_dict
from graphmodel.schema import SCHEMA

from ..columns import key
from ..generic import field_values, text
from ..parsed import ParsedMap
from ..report import Origin
from ..sources import blank

BLUE_WORDS = frozenset(k for k, v in SCHEMA.node("Action").field("status").aliases.items() if v == "blue")


_MARKUP = re.compile(r"</?(?:i|b|u|em|strong|sup|sub)>", re.I)  # left in papers converted from PDF


def cells(row: list[Any]) -> list[str]:
    return ["" if blank(c) else _MARKUP.sub("", text(c)) for c in row]


def header_index(row: list[str], wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column -> position, matching headers by key; `wanted` maps a column to accepted header keys."""
    out = {}
    for i, h in enumerate(row):
        k = key(h)
        for col, accepted in wanted.items():
            if col not in out and k in accepted:
                out[col] = i
    return out


def get(row: list[str], index: dict[str, int], col: str) -> str:
    i = index.get(col)
    return row[i].strip() if i is not None and i < len(row) else ""


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def says_complete(*texts: str) -> bool:
    """'Complete', 'Completed.', '(C)' or 'Done ...' at the start of a cell means the action is complete."""
    for t in texts:
        first = re.split(r"[\s.,;:\-]+", t.strip().lower(), maxsplit=1)[0] if t.strip() else ""
        if first in BLUE_WORDS or t.strip().lower() in BLUE_WORDS:
            return True
    return False


def add_node(parsed: ParsedMap, kind: str, record: dict[str, Any], origin: Origin,
             shown: dict[str, str] | None = None) -> Node | None:
    """Build a node from register cells with the import format's rules for dates and frequencies."""
    spec = SCHEMA.node(kind)
    data = field_values(spec, record, origin, parsed, shown)
    try:
        node = node_from_dict(kind, data)
    except ValidationError as err:
        for p in err.problems:
            parsed.error(origin, f"{kind} {p.field}: {p.message}", column=(shown or {}).get(p.field or "", p.field),
                         value=p.value)
        if data.get("id"):
            parsed.failed_ids.add(str(data["id"]))
        return None
    parsed.add_node(node, origin)
    return node


def add_edges(parsed: ParsedMap, origin: Origin, triples: Iterable[tuple[str, str, str]],
              column: str | None = None) -> None:
    for source, rel, target in triples:
        parsed.add_edge(Edge(source=source, rel=rel, target=target), origin, column, column, column)


# A row or line that says a risk has no action, and why: 'None – risk tolerated', 'No further actions
# identified', 'Covered by the force ICT risk register (ICT-07)', 'N/A'. Not an action.
_NO_ACTION = re.compile(r"^\W*(?:none\b|nil\b|n/?a\b|not\s+applicable|"
                        r"no\s+(?:further\s+|new\s+|additional\s+|other\s+)?(?:actions?|mitigations?|mitigating\s+actions?)\b|no\s+action\s+(?:required|needed|planned)|"
                        r"(?:risk\s+)?(?:tolerated|accepted)\b|(?:tolerate|accept)(?:\s+(?:the\s+)?risk)?\s*(?:[.;,–\-]|$)|"
                        r"covered\s+(?:by|in|under|on)\b|"
                        r"managed\s+(?:by|through|under|via|on|in|elsewhere)\b|held\s+on\b|transferred\b)", re.I)
_TOLERATED = re.compile(r"\btolerat|\baccept", re.I)
_TRANSFERRED = re.compile(r"\bcovered\s+(?:by|in|under|on)|\bmanaged\s+(?:by|through|under|via|on|in|elsewhere)|"
                          r"\b(?:another|other|force|corporate|partner)\b.*\bregister|\bsee\s+(?:the\s+)?force\s+risk|"
                          r"\bheld\s+on|\btransferred", re.I)


def no_action(text: str) -> str | None:
    """For a cell or line that says there is no action: the risk's status it implies ('tolerated',
    'transferred') or 'open' when it only says there is none; None for an action."""
    t = " ".join(text.split())
    if not t or not _NO_ACTION.match(t):
        return None
    return "tolerated" if _TOLERATED.search(t) else "transferred" if _TRANSFERRED.search(t) else "open"
