"""Tables whose cells a converter ran together into one line of words, with no separator at all
("Actions Timescale Sponsor (SMG) Lead officer ... R/A/G 1.1 Monitor ... Ongoing PCC GE Burglary ...").

The header is found as a run of column names; rows are told apart by the paper's refs, each the next
in sequence (1.1, 1.2, ...); a row's words are shared out to the columns in the header's order by what
each column holds (a date or 'Ongoing', initials or a name, R/A/G, refs, free text), choosing the
sharing that fits best. Without refs rows cannot be told apart, and the table is not read (the
caller says so) rather than guessed.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from graphmodel.values import parse_date

from .fields import FieldSpec, candidates, norm, rag

REF_WORD = re.compile(r"^(?:[A-Z]{1,2}\.?)?\d{1,2}(?:\.\d{1,2})+$|^[A-Z]\.\d{1,2}$")
_WORDS_LIKE_DATES = re.compile(r"^(ongoing|tbd|tbc|tba|complete[d]?|in place|immediate|n/a|annual(ly)?|quarterly|"
                               r"monthly|weekly|various|continuous)\b", re.I)
_MONTH = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$", re.I)
PERSON_FIELDS = ("owner", "sponsor", "chair")
TYPES = {"ref": "ref", "target": "date", "status": "rag", "links": "refs", "frequency": "short"}


@dataclass
class Header:
    start: int  # index of its first word
    end: int  # index after its last word
    cells: list[str]


def find_headers(words: list[str], fields: Iterable[FieldSpec]) -> list[Header]:
    """Every header in the words, in order: the longest run of column names from where the last ended."""
    fields = list(fields)
    out: list[Header] = []
    start = 0
    while (head := find_header(words, fields, start)) is not None:
        out.append(head)
        start = head.end
    return out


def find_header(words: list[str], fields: Iterable[FieldSpec], start: int = 0) -> Header | None:
    """The first run of at least three column names from `start`: each the longest exact name there, or
    (after the first) the shortest phrase that contains one ('Links to strategic risk register item'),
    a bracketed qualifier allowed after each ('Sponsor (SMG)')."""
    fields = list(fields)
    names = {k for f in fields for k in f.normalised()}
    longest = max((len(n.split()) for n in names), default=1)
    firsts = {n.split()[0] for n in names if n}
    i = start
    while i < len(words):
        if not cells_can_start(words[i], firsts):
            i += 1
            continue
        cells: list[str] = []
        j = i
        while j < len(words) and not words[j].startswith("("):
            exact = [n for n in range(min(longest + 2, len(words) - j), 0, -1)
                     if norm(" ".join(words[j:j + n])) in names]
            near = [] if exact or not cells else [
                n for n in range(2, min(8, len(words) - j) + 1)
                if max((c for c, _, _ in candidates(" ".join(words[j:j + n]), fields)), default=0) >= 0.75]
            if not (exact or near):
                break
            n = (exact or near)[0]
            cells.append(" ".join(words[j:j + n]))
            j += n
            if j < len(words) and words[j].startswith("("):
                close = next((k for k in range(j, min(j + 4, len(words))) if words[k].endswith(")")), None)
                if close is not None:
                    cells[-1] += " " + " ".join(words[j:close + 1])
                    j = close + 1
        if len(cells) >= 3:
            return Header(i, j, cells)
        i = j if j > i else i + 1
    return None


def cells_can_start(word: str, firsts: set[str]) -> bool:
    """Whether a column name can begin with this word (most words of a paragraph cannot)."""
    head = norm(word).split()
    return bool(head) and head[0] in firsts


def split_rows(words: list[str], numbers: bool = False) -> list[tuple[str, list[str]]]:
    """(ref, words) of each row: a row starts at a ref that follows the one before in sequence (plain
    numbers 1, 2, 3 too when the header names a number column)."""
    ref_word = re.compile(REF_WORD.pattern + (r"|^\d{1,2}$" if numbers else ""))
    if not words or not ref_word.match(words[0]):
        return []
    rows: list[tuple[str, list[str]]] = [(words[0], [])]
    for w in words[1:]:
        if ref_word.match(w) and _follows(rows[-1][0], w):
            rows.append((w, []))
        else:
            rows[-1][1].append(w)
    return rows


def _follows(before: str, ref: str) -> bool:
    a, b = before.split("."), ref.split(".")
    if len(a) != len(b) or a[:-1] != b[:-1] or not (a[-1].isdigit() and b[-1].isdigit()):
        return False
    return int(b[-1]) == int(a[-1]) + 1


def _cost(kind: str, words: list[str], required: bool) -> float:
    """How badly `words` fit a column of this kind (negative: a good fit)."""
    if not words:
        return 2.0 if required else (0.3 if kind in ("rag", "refs", "text") else 1.0)
    text = " ".join(words)
    n = len(words)
    if kind == "text":
        return 0.0
    if kind == "date":
        if parse_date(text) is not None:
            return -3.0 - 0.1 * (n - 1)  # '30 June 2024' over 'June 2024'
        if n <= 2 and _WORDS_LIKE_DATES.match(text):
            return -3.0 + 0.3 * (n - 1)
        if n <= 4 and (any(_MONTH.match(w) for w in words) or re.search(r"\d{1,2}/\d{1,2}/\d{2,4}", text)):
            return -1.0
        return 6.0
    if kind == "person":
        if n > 4:
            return 6.0
        fit = all(re.match(r"^[A-Z][A-Za-z.'’-]*/?$|^[A-Z]{2,5}/?$|^/$|^&$|^and$", w) for w in words)
        if not fit:
            return 6.0
        initials = all(re.match(r"^[A-Z]{2,5}/?$", w) for w in words)
        return (-2.5 if initials else -1.5) + 0.6 * (n - 1)
    if kind == "rag":
        return -3.0 if n <= 2 and rag(text) is not None and not re.search(r"\d", text) else 6.0
    if kind == "refs":
        ok = all(REF_WORD.match(w.strip(",;")) or re.match(r"^[A-Z]{2,6}$", w) or w.lower() in ("and", "&", ";")
                 for w in words) and any(REF_WORD.match(w.strip(",;")) for w in words)
        return -2.0 if ok else 6.0
    if kind == "short":
        return -1.0 if n <= 3 else 6.0
    return 0.0


def share_out(words: list[str], kinds: list[str], required: list[bool]) -> list[list[str]]:
    """The words of one row split, in order, into one span per column, at the least total cost; a
    free-text column that ends mid-sentence before another costs a little."""
    n, m = len(words), len(kinds)
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(m + 1)]
    back = [[0] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0.0
    for c in range(m):
        limit = n if kinds[c] == "text" else 8
        for i in range(n + 1):
            if best[c][i] == inf:
                continue
            for j in range(i, min(n, i + limit) + 1):
                cost = _cost(kinds[c], words[i:j], required[c])
                if kinds[c] == "text" and j > i and c + 1 < m and kinds[c + 1] == "text" and not \
                        re.search(r"[.!?:;]$", words[j - 1]):
                    cost += 0.5
                total = best[c][i] + cost
                if total < best[c + 1][j]:
                    best[c + 1][j] = total
                    back[c + 1][j] = i
    spans: list[list[str]] = []
    j = n
    for c in range(m, 0, -1):
        i = back[c][j]
        spans.append(words[i:j])
        j = i
    return list(reversed(spans))


def kind_of(field: str) -> str:
    return "person" if field in PERSON_FIELDS else TYPES.get(field, "text")
