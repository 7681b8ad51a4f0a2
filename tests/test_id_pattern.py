"""The id pattern the API's document states agrees with the id rules the store keeps, character by
character: what one refuses the other refuses, but for the mixing of look-alike scripts, which no
pattern says (the document says it in words)."""
from __future__ import annotations

import re
import unicodedata

from graphmodel.text import ID_PATTERN, clean_id

PATTERN = re.compile(ID_PATTERN)


def _rules_take(text: str) -> bool:
    try:
        clean_id(text)
    except ValueError:
        return False
    return True


def _look_alike(ch: str) -> bool:
    return any(unicodedata.name(c, "").startswith(("CYRILLIC", "GREEK")) and c.isalpha()
               for c in unicodedata.normalize("NFKC", ch))


def test_the_pattern_and_the_rules_agree_on_every_character():
    astral = [0x10000, 0x1F600, 0x89CAC, 0xE0001, 0xF0000, 0x10FFFF]
    disagree = []
    for cp in [*range(0xD800), *range(0xE000, 0x10000), *astral]:
        ch = chr(cp)
        if _look_alike(ch):
            continue
        for text in (f"A{ch}1", ch):
            if bool(PATTERN.match(text)) != _rules_take(text):
                disagree.append((f"U+{cp:04X}", text))
    assert not disagree, disagree[:20]
