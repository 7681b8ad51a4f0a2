"""Columns recognised by meaning: each field of a layout has a set of names; a header matches
after normalising (qualifiers in brackets dropped, punctuation, R/A/G, plurals), then by a fuzzy
ratio above a threshold; a blank header is inferred from what its column holds."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from graphmodel.values import parse_date

from .status import colour as rag

FUZZY_THRESHOLD = 85  # rapidfuzz ratio (0-100) above which a header is taken as a misspelt name
EXACT, CONTAINS, FUZZY, CONTENT, USER = "name", "contains a name", "similar name", "content", "user"
IGNORE = "ignore"


def singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=65536)
def norm(header: str) -> str:
    """'Sponsor (SMG)' -> 'sponsor'; 'R/A/G' -> 'rag'; "PCC's Oversight Mechanism(s)" -> 'pcc oversight mechanism'."""
    h = header.lower().replace("&", " and ")
    h = re.sub(r"\(s\)", "", h)
    h = re.sub(r"\([^()]*+\)|\[[^\[\]]*+\]", " ", h)  # qualifiers in brackets
    h = re.sub(r"\b([a-z])(?:\s*[/.]\s*([a-z])\b)+", lambda m: re.sub(r"[\s/.]", "", m[0]), h)  # r/a/g, r.a.g
    h = re.sub(r"['’`]s\b", "", h)
    h = re.sub(r"[^a-z0-9]+", " ", h)
    return " ".join(singular(w) for w in h.split())


@dataclass(frozen=True)
class FieldSpec:
    """A column an adapter reads: its accepted names and, for blank headers, what its cells look like."""

    name: str
    names: tuple[str, ...]
    content: str | None = None  # 'ref', 'rag' or 'date'

    def normalised(self) -> frozenset[str]:
        return _normalised(self.names)


@functools.lru_cache(maxsize=256)
def _normalised(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(norm(n) for n in names)


@dataclass(frozen=True)
class Mapped:
    column: int
    header: str
    field: str
    confidence: float
    how: str
    also: tuple[int, ...] = ()  # more columns of the same field, their text joined to this one's
    fallback: tuple[int, ...] = ()  # columns read, in order, where this one is blank ('Original target date')

    @property
    def columns(self) -> tuple[int, ...]:
        return (self.column, *self.also, *self.fallback)


# Fields whose text several columns may share ('Primary oversight', 'Secondary oversight'): all are read.
JOINABLE = frozenset({"mechanism", "update", "notes", "links", "impact", "activity", "controls", "purpose", "risks",
                      "attendance"})
# Words that qualify one of several columns of a field: the current value is read, an earlier one only
# where it is blank, and one that is not the current value at all (inherent, target) is not read.
_CURRENT = re.compile(r"\b(residual|current|revised|latest|updated|actual|net|now|new)\b")
_EARLIER = re.compile(r"\b(original|initial|previous|planned|baseline|agreed|first)\b")
_OTHER = re.compile(r"\b(inherent|gross|raw|untreated|pre[- ]?mitigation|before|target|tolerance|appetite)\b")


def qualifier_rank(text: str) -> int:
    """0 a current value, 1 unqualified, 2 an earlier value, 3 not the value itself."""
    t = text.lower()
    return 0 if _CURRENT.search(t) else 3 if _OTHER.search(t) else 2 if _EARLIER.search(t) else 1


# -- what a column holds ----------------------------------------------------------------------

REF = re.compile(r"^(?:[A-Za-z]{1,4}[\s\-]?)?\d{1,3}(?:[.\-/]\d{1,3}){0,3}[a-z]?\.?$"
                 r"|^[A-Z][.\-]?\d{0,3}(?:\.\d{1,3})*\.?$")
def looks(kind: str, value: str) -> bool:
    if kind == "ref":
        return bool(REF.match(value.strip())) and len(value) <= 12
    if kind == "rag":
        return rag(value) is not None and len(value) <= 20
    if kind == "date":
        return parse_date(value) is not None or bool(re.match(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$", value))
    return False


def content_kind(values: Iterable[str]) -> str | None:
    """'ref', 'rag' or 'date' when at least 60% of a column's filled cells look so."""
    filled = [v for v in values if v.strip()]
    if not filled:
        return None
    if all(looks("rag", v) and not re.search(r"\d", v) for v in filled):
        return "rag"  # 'G', 'A', 'R' would pass for refs too
    for kind in ("ref", "rag", "date"):
        if sum(looks(kind, v) for v in filled) >= 0.6 * len(filled):
            return kind
    return None


# -- headers ------------------------------------------------------------------------------------

# Words of a header that names a date other than when a thing is due ('Date raised', 'Start date',
# 'Date of last review'): such a column is never a target date but by its exact name.
OTHER_DATE = re.compile(r"\b(?:start|started|raised|added|opened|open|logged|created|identified|review|reviewed|"
                        r"updated|update|approved|issued|received|report|reported|meeting|agreed|last)\b", re.I)


def candidates(header: str, fields: Iterable[FieldSpec]) -> list[tuple[float, str, str]]:
    """(confidence, field, how) for every field the header could be."""
    return list(_candidates(header, tuple(fields)))


@functools.lru_cache(maxsize=1 << 16)
def _candidates(header: str, fields: tuple[FieldSpec, ...]) -> tuple[tuple[float, str, str], ...]:
    # Kept: a table run together on one line asks about the same phrases again and again.
    h = norm(header)
    if not h:
        return ()
    out = []
    for f in fields:
        keys = f.normalised()
        if f.content == "date" and h not in keys and OTHER_DATE.search(h):
            continue
        if h in keys:
            # Names come most usual first: where two columns both name a field, the usual name wins.
            rank = [norm(n) for n in f.names].index(h)
            out.append((round(1.0 - 0.01 * min(rank, 10), 2), f.name, EXACT))
            continue
        # A header that contains a name ('Current status of action'), or one spelt a little
        # differently ('Lead Oficer'): whichever is the closer.
        padded = f" {h} "
        contained = [k for k in keys if len(k) >= 3 and f" {k} " in padded] if len(h.split()) <= 7 else []
        near = process.extractOne(h, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        options = ([(0.6 + 0.3 * len(max(contained, key=len)) / len(h), f.name, CONTAINS)] if contained else []) + (
            [(0.9 * near[1] / 100, f.name, FUZZY)] if near is not None else [])
        if options:
            out.append(max(options))
    return tuple(out)


def map_header(row: list[str], fields: Iterable[FieldSpec]) -> list[Mapped]:
    """Each column to at most one field and each field to at most one column, best matches first."""
    fields = list(fields)
    options = [(conf, i, name, how) for i, cell in enumerate(row) for conf, name, how in candidates(cell, fields)]
    taken_cols: set[int] = set()
    taken_fields: set[str] = set()
    out = []
    for conf, i, name, how in sorted(options, key=lambda o: (-o[0], o[1])):
        if i in taken_cols or name in taken_fields:
            continue
        taken_cols.add(i)
        taken_fields.add(name)
        out.append(Mapped(i, row[i], name, round(conf, 2), how))
    return sorted(out, key=lambda m: m.column)
