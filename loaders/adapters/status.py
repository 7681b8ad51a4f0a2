"""Status cells read as colours: the schema's status words (graphmodel/schema.py, STATUS_WORDS) and the
key a paper prints ("Key: Blue = complete | Amber = minor slippage", "N/S – not yet started", a
key sheet with "Behind schedule / A"), so a paper's own words mean what the paper says they mean."""
from __future__ import annotations

import re
from collections.abc import Iterable

from graphmodel.schema import OPEN_STATUS_WORDS, STATUS_WORDS

_COLOURS = {"blue": "blue", "green": "green", "amber": "amber", "red": "red", "grey": "grey", "gray": "grey"}
_DONE = re.compile(r"\(\s*c\s*\)|^(?:complete|completed|closed|done|achieved|delivered|implemented)\b")
_OPEN_PREFIX = re.compile(r"^(?:open|live|in progress|ongoing)\s*[-:,]\s*(?P<rest>.+)$")
_OPEN = re.compile(r"^(?:" + "|".join(re.escape(w) for w in OPEN_STATUS_WORDS) + r")\b")
_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "―": "-"})


def words(value: str) -> str:
    """A status as compared: lower case, dashes plain, arrows and other signs gone, single spaces."""
    v = value.lower().translate(_DASHES)
    v = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", v)  # 'on-track'
    v = re.sub(r"[^a-z0-9()/\- ]+", " ", v)
    return " ".join(v.split()).strip(" -")


def colour(value: str, key: dict[str, str] | None = None) -> str | None:
    """A status cell as red/amber/green/blue/grey, or None: the paper's key first, then the schema's words;
    '(C)' anywhere or a cell that starts 'Complete ...' means blue; 'Open – on track' is on track;
    'On track / G' and 'Amber/Green' are read whole or part by part."""
    v = words(value)
    if not v:
        return None
    key = key or {}
    for form in (v, v.replace(" / ", "/"), re.sub(r"[()]", "", v)):
        found = key.get(form) or STATUS_WORDS.get(form) or _COLOURS.get(form)
        if found:
            return found
    if _DONE.search(v):
        return "blue"
    if m := _OPEN_PREFIX.match(v):
        return colour(m["rest"], key)
    parts = [p.strip() for p in re.split(r"\s*/\s*|\s+", v) if p.strip()]
    joined = " ".join(parts)
    found = STATUS_WORDS.get(joined) or STATUS_WORDS.get(joined.replace(" ", ""))
    if found:
        return found
    sides = {colour(p, key) for p in re.split(r"\s*/\s*", v) if p.strip()} if "/" in v else set()
    return sides.pop() if len(sides) == 1 and None not in sides else None


def is_open(value: str) -> bool:
    """Words that say an action is open without a colour ('In progress', 'Not yet due', 'Awaiting sign-off')."""
    return bool(_OPEN.match(words(value)))


# -- the paper's key ----------------------------------------------------------------------------

_EXPLICIT = re.compile(r"\s*(?:=|:|\s-\s)\s*")  # 'Amber = minor slippage', 'G: on track', 'N/S - not started'
_FILLER = re.compile(r"^(?:action|actions|the|is|are|task|item)\s+|\s+(?:action|actions)$")


def _definition(segment: str) -> tuple[str, str] | None:
    """(term, meaning) of one key entry: split at '=', ':' or a spaced dash, else after its first word."""
    seg = segment.lower().translate(_DASHES).strip(" .")
    parts = _EXPLICIT.split(seg, maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return parts[0], parts[1]
    first, _, rest = seg.partition(" ")
    return (first, rest) if rest else None


def _phrases(text: str) -> list[str]:
    out = []
    for p in re.split(r"\s*(?:/|,|\bor\b|\band\b)\s*", text):
        p = _FILLER.sub("", p.strip(" .-:"))
        p = _FILLER.sub("", p)
        if p and len(p.split()) <= 5:
            out.append(p)
    return out


def _learn(key: dict[str, str], term: str, meaning: str) -> None:
    """One definition: a colour (word or letter) and what it means, either way round."""
    term, meaning = words(term), words(meaning)
    known = colour(term) if term in _COLOURS or len(term.strip("()")) == 1 else None
    if known:
        for p in _phrases(meaning):
            if colour(p) is None:
                key.setdefault(p, known)
        return
    meant = colour(meaning) or next((c for c in (colour(p) for p in _phrases(meaning)) if c), None)
    if meant and len(term.split()) <= 3 and colour(term) is None:
        key.setdefault(term, meant)  # 'N/S – not yet started'


_SEGMENTS = re.compile(r"\s*[|·•;\n]\s*|\s{2,}|(?=\b(?:Blue|Green|Amber|Red|Grey|Gray)\b)")
_KEYISH = re.compile(r"\bkey\b|\b(?:blue|green|amber|red|grey)\s*(?:=|:|-|–)", re.I)


def status_key(lines: Iterable[str], pairs: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """Status words a paper defines: from key lines ('R/A/G key: G – on track; N/S – not yet started') and
    from two-cell rows of a key table ('Behind schedule / A' | 'Slipping but recoverable')."""
    key: dict[str, str] = {}
    for line in lines:
        named = set(re.findall(r"\b(Blue|Green|Amber|Red|Grey)\b", line))
        if not (_KEYISH.search(line) or len(named) >= 3) or len(line) > 600:
            continue
        body = re.sub(r"^.*?\bkey\b\s*[:\-–]?\s*", "", line, count=1, flags=re.I)
        for segment in _SEGMENTS.split(body):
            if found := _definition(segment):
                _learn(key, *found)
    for term, meaning in pairs:
        parts = [p for p in re.split(r"\s*/\s*", words(term)) if p]
        letters = [p for p in parts if colour(p) and (p in _COLOURS or len(p.strip("()")) == 1)]
        if letters and len(parts) > 1:
            for p in parts:
                if p not in letters and len(p.split()) <= 5 and colour(p) is None:
                    key.setdefault(p, colour(letters[0]) or "")
        elif words(term) in _COLOURS and len(words(meaning).split()) <= 5:
            _learn(key, term, meaning)
    return {k: v for k, v in key.items() if v}
