"""Meetings described in prose: terms of reference, "our meetings" pages and cover papers.

A meeting is taken when the paper describes it, not when it merely names it: its name stands on a
line of its own and the next paragraph speaks of it, or a sentence has it as subject ("The
Commissioner's Monitoring Board (CMB) is a bi-weekly meeting chaired by ...", "The PCC's Victims'
Board ensures ..."). Its frequency, chair, whether it is public and whether its minutes are
published are read from the sentences about it. Acronym glossaries name many bodies but describe
none, so they give no meetings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import Text, one_line
from ..report import Origin
from .common import slug
from .engine import Extraction, Layout
from .register import Build

NAME = "meeting-notes"
LAYOUT = Layout(NAME, "meetings described in prose: name, purpose, frequency, chair, public, minutes", (), key="name",
                ref=None)

_WORD = r"(?:[A-Z][\w’'&.-]*|of|and|for|the|on|in|&)"
_KIND = r"(?:Board|Committee|Panel|Group|Forum|Conference|Council|Partnership|Meeting|Summit|Assembly|Team)s?"
_NAME = rf"(?:[A-Z][\w’'&.-]*,?\s+(?:{_WORD},?\s+){{0,8}})?{_KIND}"
_HEAD = re.compile(rf"^(?:The\s+)?(?P<name>{_NAME})(?:\s*\((?P<acr>[A-Z][A-Za-z&]{{1,8}})\))?"
                   r"(?:\s*\((?P<span>[^)]*\d{4}[^)]*)\))?\s*$")
_SUBJECT = re.compile(rf"(?:^|(?<=[.!?]\s))(?:The\s+(?:[a-z]+\s+)?(?:PCC[’']s\s+)?|Our\s+)?"
                      rf"(?P<name>{_NAME})(?:\s*\((?P<acr>[A-Z][A-Za-z&]{{1,8}})\))?(?:\s+meetings)?\s+"
                      r"(?P<verb>is|are|was|were|brings|ensures|provides|meets|meet|will|consisted|consists|oversees|"
                      r"occurs?|has|holds|receives|acts|exists|reports)\b")
_PURPOSE_OF = re.compile(rf"The\s+(?:purpose|role|members|membership|remit|chair)\s+of\s+the\s+(?P<name>{_NAME})"
                         rf"(?:\s*\((?P<acr>[A-Z][A-Za-z&]{{1,8}})\))?\s+(?:is|are|shall|will)\b")
_FREQUENCIES = (
    (r"\bbi-?weekly\b|\bfortnightly\b|every two weeks", "fortnightly"),
    (r"\bbi-?monthly\b|every two months", "bi-monthly"),
    (r"\bmonthly\b|every month|once a month", "monthly"),
    (r"\bquarterly\b|every (?:three|3) months|\b3 monthly\b", "quarterly"),
    (r"\btwice a year\b|\bbiannual(?:ly)?\b|six[- ]monthly|every six months", "biannual"),
    (r"\bannual(?:ly)?\b|\byearly\b|once a year", "annual"),
    (r"\bweekly\b|every week", "weekly"),
)
_TIMES = re.compile(r"(?:at least\s+)?(?<!\d)(\d++|two|three|four|five|six|eight|ten|twelve)\s+times\s+"
                    r"(?:a|per|each)\s+year", re.I)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8, "ten": 10, "twelve": 12}
_CHAIRED = re.compile(r"\bchaired\s+by\s+(?P<who>(?:the\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,4})")
_CHAIR_LINE = re.compile(r"^(?:Chair(?:man|person)?\s*[:\-–]\s*(?P<a>.+)"
                         r"|(?P<b>[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){1,3})"
                         r"(?:\s*\([A-Z]+\))?\s*\(Chair\))$")
_PUBLIC = re.compile(r"open to the (?:press and )?public|held in public|in public\b|public meeting", re.I)
_PRIVATE = re.compile(r"not open to (?:the )?public|non[- ]public|held in private|private meeting", re.I)
_MINUTES = re.compile(r"(?:public\s+)?(?:minutes|agendas?|papers)\b[^.]{0,80}\b"
                      r"(?:published|can be (?:viewed|found)|are available)|"
                      r"public minutes", re.I)


@dataclass
class Described:
    name: str
    origin: Origin
    acronym: str | None = None
    texts: list[str] = field(default_factory=list)
    public: bool | None = None


def _singular(name: str) -> str:
    return re.sub(rf"({_KIND[3:-4]})s$", r"\1", name) if name.endswith("s") else name


def described(texts: list[Text]) -> list[Described]:
    """Meetings the paper describes, each with the sentences about it, in the paper's order."""
    found: dict[str, Described] = {}
    order: list[Described] = []
    current: Described | None = None
    public: bool | None = None  # set by a heading such as "Non public meetings" for what follows
    listed = False  # a meeting has been found as a name on a line of its own
    for n, block in enumerate(texts):
        line = re.sub(r"^\d+(?:\.\d+)*\.?\s*(?=[A-Z])", "", one_line(block.text))  # "3.The force ..."
        if len(line) <= 60 and re.search(r"\bmeetings\b", line, re.I):
            public = False if _PRIVATE.search(line) else True if re.search(r"\bpublic\b", line, re.I) else public
        head = _HEAD.match(line) if len(line) <= 120 else None
        if head:
            name = _singular(head["name"].removeprefix("The ").strip())
            following = " ".join(one_line(t.text) for t in texts[n + 1:n + 3])
            acr = head["acr"] or _acronym_after(name, following)
            kind_word = re.sub(r"s$", "", name.split()[-1])
            # A name on its own line is a meeting when the lines after it speak of it, when it has its years
            # ('(June 2013 - March 2019)'), or when it follows another listed so (a page listing meetings).
            if head["span"] or listed or name in following or (acr and acr in following) or re.search(
                    rf"\bThe {kind_word}\b", following):
                listed = True
                current = found.get(name.lower()) or Described(name, block.origin, acr, public=public)
                if current.name.lower() not in found:
                    found[current.name.lower()] = current
                    order.append(current)
                continue
        for m in list(_SUBJECT.finditer(line)) + list(_PURPOSE_OF.finditer(line)):
            name = _singular(m["name"].strip())
            if name.split()[0] in ("The", "This", "Each", "Other", "All", "These") or len(name.split()) < 2 or \
                    name.lower() in ("public meeting", "private meeting"):
                continue
            key = name.lower()
            if key not in found:
                found[key] = Described(name, block.origin, m["acr"], public=public)
                order.append(found[key])
            current = found[key]
        if current is not None:
            current.texts.append(line)
    return _same_body(order)


def _same_body(order: list[Described]) -> list[Described]:
    """One page calling a body by a short and a long name ('Strategy and Planning Committee', 'Strategy,
    Planning and Performance Committee') describes one meeting: the later name is folded into the first."""
    def words(d: Described) -> set[str]:
        return {w for w in re.findall(r"[a-z]+", d.name.lower()) if w not in ("and", "of", "the", "for")}

    kept: list[Described] = []
    for d in order:
        same = next((k for k in kept if (words(k) <= words(d) or words(d) <= words(k))
                     and len(words(k) ^ words(d)) <= 1), None)
        if same is None:
            kept.append(d)
        else:
            same.texts += d.texts
            same.acronym = same.acronym or d.acronym
    return kept


def _acronym_after(name: str, text: str) -> str | None:
    m = re.search(re.escape(name) + r"\s*\(([A-Z][A-Za-z&]{1,8})\)", text)
    return m[1] if m else None


def fields(meeting: Described) -> dict:
    text = "\n".join(meeting.texts)
    out: dict = {"id": slug(meeting.name), "name": meeting.name}
    when = " ".join(s for s in re.split(r"(?<=[.!?])\s+|\n", text)
                    if re.search(r"\bmeet|\bmet\b|meeting|held|basis|occur|convene|sits?\b", s, re.I))
    for pattern, word in _FREQUENCIES:
        if re.search(pattern, when, re.I):
            out["frequency"] = word
            break
    if "frequency" not in out and (m := _TIMES.search(when)):
        n = _NUMBERS.get(m[1].lower()) or int(m[1])
        out["frequency"] = f"{n} per annum"
    chair = _CHAIRED.search(text)
    if chair:
        out["chair"] = chair["who"].strip()
    else:
        for line in meeting.texts:
            if m := _CHAIR_LINE.match(line):
                out["chair"] = (m["a"] or m["b"]).strip()
                break
    if _PUBLIC.search(text):
        out["public"] = True  # "quarterly boards are open to the public; other meetings are held in private"
    elif _PRIVATE.search(text) or meeting.public is False:
        out["public"] = False
    elif meeting.public:
        out["public"] = True
    if _MINUTES.search(text):
        out["notes_published"] = True
    purpose = next((s for s in re.split(r"(?<=[.!?])\s+|\n", text)
                    if re.search(r"purpose|is a|is the|to\s+\w+", s)), None)
    if purpose:
        out["purpose"] = purpose[:400]
    if meeting.acronym:
        out["notes"] = f"Known as {meeting.acronym}"
    return out


def find(ex: Extraction) -> list[Described]:
    return described([t for t in ex.texts])


def build(ex: Extraction, b: Build) -> None:
    for meeting in find(ex):
        data = fields(meeting)
        if re.search(r"bi-?weekly", " ".join(meeting.texts), re.I):
            b.parsed.warn(meeting.origin, "'bi-weekly' read as fortnightly (every two weeks)", "frequency")
        if data["id"] in b.oversight.meetings or b.oversight.find(meeting.name):
            continue
        b.oversight._meeting(meeting.name, meeting.origin, {k: v for k, v in data.items() if k not in ("id", "name")})
