"""The rules every piece of text obeys before it is stored, whichever door it came through (the API,
the loaders, the command line): ids and text fields are checked here, by the models.

Stored text is always valid XML character data and valid UTF-8, so every export (GraphML, XLSX,
CSV, JSON) stays well-formed whatever a user typed. Ids are also made comparable: two spellings
that Unicode counts as the same characters (a full-width `Ｐ1` and `P1`) are one id.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

ID_MAX = 200  # characters: far beyond any register's refs, well within Neo4j's index key limit
LINE_MAX = 1_000  # a name, title, owner or other one-line field
TEXT_MAX = 20_000  # free text: notes, descriptions, updates

# Characters XML 1.0 cannot carry (C0 controls but tab and newlines, surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_SPACES = re.compile(r"\s+")
_LOOK_ALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")  # letters of these can pass for each other
# Control, format (invisible), private use, line and paragraph separators: never in an id.
_REFUSED_CATEGORIES = ("Cc", "Cf", "Co", "Zl", "Zp")


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X}" + (f" ({unicodedata.name(ch)})" if unicodedata.name(ch, "") else "")


def _refuse_unpaired(text: str) -> None:
    for ch in text:
        if "\ud800" <= ch <= "\udfff":
            raise ValueError(f"holds {_describe(ch)}, half of a character that cannot stand alone")


def clean_text(value: str, max_length: int = TEXT_MAX) -> str:
    """Free or one-line text: line breaks made plain newlines, composed (NFC), trimmed; refused
    when it holds control characters, unpaired surrogates or non-characters, or is too long."""
    _refuse_unpaired(value)
    text = unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", value)).strip()
    for ch in text:
        if ch not in "\t\n" and (unicodedata.category(ch) == "Cc" or ch in "\ufffe\uffff"):
            raise ValueError(f"holds the control character {_describe(ch)}")
    if len(text) > max_length:
        raise ValueError(f"is {len(text):,} characters long; the limit is {max_length:,}")
    return text


# The characters clean_text refuses (line breaks of every kind are made newlines), as a pattern for
# documents that describe text (the API's).
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000e-\\u001f\\u007f-\\u0084\\u0086-\\u009f\\ufffe\\uffff]*$"


def clean_id(value: str) -> str:
    """An id: compatibility-normalised (NFKC), trimmed, runs of spaces made one; refused when empty,
    too long, or holding invisible or control characters (a tab or a line break among them), a
    character beyond the Basic Multilingual Plane (an emoji; there, most code points are unassigned
    or private), or letters of scripts that look alike (a Cyrillic `Р` among Latin letters)."""
    _refuse_unpaired(value)
    if len(value) > ID_MAX:  # as written too, so what a document says of its length holds as sent
        raise ValueError(f"is {len(value):,} characters long; ids are at most {ID_MAX}")
    text = unicodedata.normalize("NFKC", value).strip()
    for ch in text:
        if unicodedata.category(ch) in _REFUSED_CATEGORIES:
            raise ValueError(f"holds the invisible or control character {_describe(ch)}")
        if ord(ch) > 0xFFFF:
            raise ValueError(f"holds {_describe(ch)}, beyond the Basic Multilingual Plane, which ids do not take")
    text = _SPACES.sub(" ", text)  # "R5  A2" and "R5 A2" look alike on any page: one id
    if not text:
        raise ValueError("is empty")
    if len(text) > ID_MAX:
        raise ValueError(f"is {len(text):,} characters long; ids are at most {ID_MAX}")
    scripts = {unicodedata.name(ch, "").split(" ")[0] for ch in text if ch.isalpha()}
    mixed = sorted(scripts & set(_LOOK_ALIKE_SCRIPTS))
    if len(mixed) > 1:
        raise ValueError(f"mixes {' and '.join(s.title() for s in mixed)} letters, which look alike; "
                         "write the id in one script")
    return text


def _id_pattern() -> str:
    """clean_id's rules on single characters as a pattern, by what it takes rather than what it
    refuses (tools that generate values from a pattern are quick with short positive classes, and
    every dialect reads \\u escapes of the Basic Multilingual Plane): leading characters that come to
    nothing but space once normalised, one that does not, then any it takes."""
    def taken(ch: str) -> bool:  # as clean_id reads it: once normalised (a few ideographs become astral)
        return not any(unicodedata.category(c) in _REFUSED_CATEGORIES or ord(c) > 0xFFFF
                       for c in unicodedata.normalize("NFKC", ch))

    def spaces(ch: str) -> bool:
        return unicodedata.normalize("NFKC", ch).strip() == ""

    def klass(keep: Callable[[str], bool]) -> str:
        ranges: list[list[int]] = []
        for cp in range(0x10000):
            if not 0xD800 <= cp <= 0xDFFF and keep(chr(cp)):
                if ranges and ranges[-1][1] == cp - 1:
                    ranges[-1][1] = cp
                else:
                    ranges.append([cp, cp])
        return "[" + "".join(f"\\u{a:04x}" + (f"-\\u{b:04x}" if b > a else "") for a, b in ranges) + "]"

    return (f"^{klass(lambda c: taken(c) and spaces(c))}*{klass(lambda c: taken(c) and not spaces(c))}"
            f"{klass(taken)}*$")


# ID_PATTERN: what of clean_id's rules a pattern can state, for documents that describe ids (the
# API's): every rule on characters. ID_RULES says the rest (lengths once normalised, look-alike
# scripts). Made when first asked for (a fifth of a second), not by every command that imports this.
def __getattr__(name: str) -> str:
    if name == "ID_PATTERN":
        globals()["ID_PATTERN"] = pattern = _id_pattern()
        return pattern
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
ID_RULES = (f"An id: at most {ID_MAX} characters as written and once normalised (NFKC, trimmed, runs of spaces "
            "made one); no "
            "control, invisible or private-use characters, so no tab or line break, and none beyond the Basic "
            "Multilingual Plane (no emoji); letters of one script among Latin, Cyrillic and Greek.")


def xml_safe(text: str) -> str:
    """Text with anything XML 1.0 cannot carry replaced by U+FFFD: for exports of text stored
    before these rules, or that came from elsewhere."""
    return _NOT_XML.sub("\ufffd", text)


def clip(text: str, length: int = 80) -> str:
    """Text shortened for a message, so an error never repeats a megabyte of input."""
    return text if len(text) <= length else text[:length - 3] + "..."
