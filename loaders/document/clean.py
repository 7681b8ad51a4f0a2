"""Clean text from any source, in one place: markup, bullets, control characters, spacing.

Converters leave HTML in cells (`<br>`, `<ul><li>`, `<sup>th</sup>`, `&amp;`), Word and PDFs
leave bullet glyphs and page numbers. Everything a reader returns goes through `clean`, so no
tag or bullet reaches a node field.
"""
from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

from ..limits import check_line

# Tags that end a line of text; every other tag is dropped and its text kept.
_BREAKS = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
                     "blockquote", "dd", "dt"})
_HTML_HINT = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_CONTROL = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f\u200b\ufeff]")
# Bullet glyphs at the start of a line (Word, PDFs, Arabic-Indic digit zero used as a dot, boxes).
BULLETS = "•◦▪▫□■●○◆◇►▸‣⁃∙·٠–—\uf0b7\uf0a7\uf076\uf0d8\uf0fc"
_LEAD_BULLET = re.compile(rf"^\s*(?:(?:[{BULLETS}]|[-+](?=\s)|o(?=\s{{2,}}))\s*)+")
_TRAIL_BULLET = re.compile(rf"(?<!\s)\s++[{BULLETS.replace('–—', '')}]\s*+$")  # 'Victim satisfaction ٠'
_ORDINAL = re.compile(r"(\d)\s+(st|nd|rd|th)\b")  # '30 <sup>th</sup> June' -> '30th June'
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f]+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def strip_markup(value: str) -> str:
    """HTML fragments to text through a real HTML parser: line-ending tags become new lines,
    other tags go, entities are decoded. Text with no tag or entity is returned as it is."""
    if not _HTML_HINT.search(value):
        return value
    parser = _Text()
    parser.feed(value)
    parser.close()
    return "".join(parser.parts)


def as_text(value: Any) -> str:
    """A cell value as text: whole numbers without '.0', dates as ISO, booleans as yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def clean(value: Any) -> str:
    """Clean text: no markup, no bullets, no control characters, single spaces, lines kept."""
    raw = as_text(value)
    check_line(raw)  # the patterns below are linear, but a line no field can hold is not worth reading
    raw = raw.replace("\x0b", "\n").replace("\r\n", "\n").replace("\r", "\n")
    raw = _ORDINAL.sub(r"\1\2", _CONTROL.sub("", strip_markup(raw)))
    lines = []
    for line in raw.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        line = _TRAIL_BULLET.sub("", _LEAD_BULLET.sub("", line)).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


_PAGE_LINE = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)


# A running head or foot: a line that ends with its page number ('Northshire OPCC Delivery Plan 2024-25 –
# as at 31 October 2024      Page 1 of 4') or a protective marking on a line of its own.
_FURNITURE = re.compile(r"\b(?:Page|PAGE)\s+\d{1,4}(?:\s*(?:of|OF|/)\s*\d{1,4})?\s*$|"
                        r"^\s*(?i:official(?:[\s\-–]+sensitive)?|restricted|not\s+protectively\s+marked|protect)\s*$")


def is_page_number(line: str) -> bool:
    """'4', 'Page 3', 'Page 3 of 12', '3/12' on a line of its own, a running head or foot ending in its
    page number, or a protective marking ('OFFICIAL'): page furniture, not content."""
    return bool(_PAGE_LINE.match(line) or (len(line) <= 200 and _FURNITURE.search(line)))


def one_line(value: str) -> str:
    """Text as one line (for titles and names): new lines become spaces."""
    return " ".join(value.split())


def join_wrapped(before: str, after: str) -> str:
    """Two pieces of one line of text that wrapping split: 'over-' + 'burdensome' -> 'over-burdensome',
    'network(s' + ')' -> 'network(s)', otherwise joined by a space."""
    if not before or not after:
        return before or after
    if re.search(r"[A-Za-z]-$", before) and after[:1].islower():
        return before + after
    if after[:1] in ")]},.;:!?":
        return before + after
    return f"{before} {after}"
