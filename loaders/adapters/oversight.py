"""Oversight resolved, not pasted: a glossary of meetings (with the paper's key to its markers),
oversight cells split into mechanisms, each matched to a meeting or made an assurance source on
a sensible line, and cells that only refer elsewhere linked to what they name."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..document import Text, one_line
from ..parsed import ParsedMap
from ..report import Origin
from .common import add_edges, add_node, slug
from .engine import Extraction, Layout, Record
from .fields import FieldSpec, norm, singular

GLOSSARY = Layout(
    "glossary", "glossary of meetings: Name / Purpose / Meets (Chair, Attendance)",
    (FieldSpec("name", ("name", "meeting", "meeting name", "board", "forum", "body", "governance meeting",
                        "meeting or board", "oversight meeting", "title")),
     FieldSpec("purpose", ("purpose", "role", "remit", "description", "terms of reference", "function", "focus")),
     FieldSpec("frequency", ("meets", "frequency", "meeting frequency", "how often", "when", "frequency of meeting")),
     FieldSpec("chair", ("chair", "chaired by", "chairperson", "lead")),
     FieldSpec("attendance", ("attendance", "attendees", "membership", "members", "level of attendance",
                              "who attends")),
     FieldSpec("public", ("public", "held in public", "open to the public", "public meeting", "in public")),
     FieldSpec("notes_published", ("papers published", "minutes published", "notes published", "published",
                                   "papers public", "minutes public"))),
    key="name", ref=None)

MEETING_WORDS = re.compile(r"\b(board|group|committee|panel|meeting|forum|council|partnership|lcjb|jarap|jarac|"
                           r"assembly|summit|executive|cabinet|commission|conference|workshop|level\s*1)s?\b", re.I)
_ACRONYM = re.compile(r"^[A-Z][A-Z&]{1,7}$")
_NOT_MEETING_ACRONYMS = frozenset({"KPI", "KPIS", "HMIC", "HMICFRS", "MI", "IA", "ICO", "MTFS", "MTFP", "RAG", "QA"})
# First match wins: more specific phrases first.
MECHANISM_LINES: tuple[tuple[str, int], ...] = (
    (r"external audit|hmic|inspect|regulator|peer review|\bico\b|ofsted|audit commission|external", 4),
    (r"audit", 3),
    (r"kpi|performance|monitoring|dashboard|delivery plan|data|compliance|risk register|scorecard|tracker|"
     r"management information|\bmi\b|scrutiny|review|assurance|oversight|plan\b", 2),
    (r"briefing|report|update|1-2-1|one to one|supervision|management|self[- ]assessment|operational|check", 1),
)
_PREFIX = re.compile(r"^(?:(?:regular|quarterly|monthly|annual|periodic)\s+)?(?:updates?|reports?|reporting|reported|"
                     r"presented|presentations?|submitted|scrutiny|scrutinised|considered|covered|overseen|"
                     r"monitored|reviewed|held\s+to\s+account)\s+(?:at|to|by|in|via|through)\s+(?:the\s+)?|"
                     r"^(?:via|through|by|at)\s+(?:the\s+)?", re.I)
_ROUTE = re.compile(r"^(?P<source>.*?\S)\s++(?:(?:is|are)\s+)?(?:reported|reports|reporting|report|presented|submitted|"
                    r"updates?)\s+(?:at|to)\s+(?:the\s+)?(?P<meeting>.+)$", re.I)
_REFERS = re.compile(r"^(?:please\s+)?(?:see|refer(?:red)?\s+to|as(?:\s+per)?|cross[- ]?ref(?:erence)?:?|covered\s+"
                     r"(?:by|under|in|at)|same\s+as|links?\s+to|linked\s+to|ditto)\b\s*(?P<rest>.*)$", re.I)
_ABOVE = re.compile(r"^(?:as\s+above|see\s+above|ditto|as\s+before|as\s+previous(?:ly)?)\.?$", re.I)
# A paper's ref: 'AFI 3', 'SR1', 'A.3', '1.2', '1.2a', '2c', 'B', '7'.
REF_TOKEN = re.compile(r"(?<![\w.])([A-Z]{1,4} ?\d{1,3}(?:\.\d{1,3})*[a-z]?|[A-Z]{1,2}\.\d{1,3}(?:\.\d{1,3})*|"
                       r"\d{1,3}(?:\.\d{1,3})+[a-z]?|\d{1,3}[a-z]|[A-Z](?=\b)|\d{1,3})(?![\w])")
GENERIC_REF_WORDS = frozenset({"action", "actions", "objective", "objectives", "ref", "reference", "see", "item",
                                "items", "no", "number", "para", "paragraph", "section", "and", "also", "opcc", "pcc",
                                "oppc", "the", "row", "rows", "refer", "to", "as", "per", "commitment", "priority",
                                "risk", "our", "this", "plan", "above", "below", "in", "of", "at", "with", "&"})
# A run of markers is taken whole, from its start only: a long run then costs one pass, not one per mark.
_MARKER_KEY = re.compile(r"(?<![*#†‡^])([*#†‡^]++)\s*+(?:=|:|-|–|denotes|indicates|means)?\s*+([^*#†‡^]+)")


# Words that say no oversight is named yet. They may stand alone or lead a qualifier ('TBC – awaiting the new
# governance', 'To be determined by the Chief Executive'), which never names the oversight itself.
_NOT_YET = (r"(?:(?:to|yet\s+to|still\s+to|not\s+yet|being|has\s+yet\s+to)\s+(?:be\s+)?(?:determined|agreed|confirmed|"
            r"decided|identified|established|developed|arranged|known|defined|finali[sz]ed|in\s+place|set(?:\s+up)?|"
            r"appointed|scheduled|allocated|assigned|put\s+in\s+place|created)"
            r"|tb[acde]|t\.b\.[acde]\.?|n/?a|n\.a\.|not\s+applicable|not\s+known|unknown|not\s+set|unassigned|"
            r"none|nil|no\s+oversight|pending|awaiting|under\s+(?:review|development|discussion|consideration)|"
            r"in\s+development|to\s+follow)")
_PLACEHOLDER = re.compile(rf"^(?:{_NOT_YET}\b(?P<rest>.*)|x{{2,}}|[-–—?.…\s]+)$", re.I)
_TENTATIVE = re.compile(rf"(?<!\s)\s*+[(\[]\s*+(?:{_NOT_YET}|provisional|proposed|tentative)\s*+[)\]]\s*+$", re.I)


def placeholder(cell: str) -> bool:
    """An oversight cell (or one mechanism of it) that names no oversight yet: 'To be determined', 'TBC',
    'To be agreed', 'n/a', 'None identified', 'Awaiting decision', 'TBD by SMT', '-', '?'. What follows
    the words qualifies them ('To be agreed at the Strategic Board' names who decides, not who oversees);
    only a ref or, after a dash, a route ('n/a – see 1.2', 'None – overseen by the Board') is read."""
    m = _PLACEHOLDER.match(one_line(cell).strip())
    if m is None:
        return False
    rest = m["rest"] or ""
    after = re.match(r"\s*+[-–—:;,(]\s*+(.*)", rest)  # 'None – overseen by the Board' names it after all
    return not (_REFERS.match(rest.strip(" -–—:;,(")) or (after and _PREFIX.match(after[1])))


def _only_refs(text: str) -> bool:
    """Text that is nothing but refs ('1c', '2a and 2c', 'A.3, A.4', 'action 3.1'), with no name in it."""
    rest = REF_TOKEN.sub(" ", text)
    words = [w for w in re.split(r"[\s,;:&.()]+", rest.lower()) if w]
    return bool(REF_TOKEN.search(text)) and all(w in GENERIC_REF_WORDS for w in words)


def canonical_ref(ref: str) -> str:
    """'A.3', 'A3' and 'a3' are one ref, as are 'AFI 3' and 'AFI3'; '1.1.' is '1.1'."""
    return re.sub(r"(?<=[A-Za-z])[. ](?=\d)", "", ref.strip().rstrip(".")).upper()


def meeting_key(name: str) -> str:
    return " ".join(w for w in norm(re.sub(r"[*#†‡^]", "", name)).split() if w != "the")


@dataclass
class Meeting:
    id: str
    name: str
    aliases: set[str] = field(default_factory=set)


class Refs:
    """The paper's own refs -> node ids; other organisations' refs are told apart by their prefix."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def add(self, ref: str, node_id: str) -> None:
        self.ids.setdefault(canonical_ref(ref), node_id)

    def resolve(self, text: str) -> tuple[list[str], list[str]]:
        """(ids inside the paper, references kept as text) for a cell such as 'OPCC Action A.3; TVP 1.1'."""
        inside, outside = [], []
        for part in re.split(r"[;,\n]++|(?<!\s)\s++and\s++|(?<!\s)\s*+&\s*+", text):
            part = part.strip(" .")
            if not part:
                continue
            tokens = list(REF_TOKEN.finditer(part))
            if not tokens:
                outside.append(part)
                continue
            words = [w for w in re.split(r"[\s:]+", part[:tokens[0].start()].lower()) if w]
            foreign = [w for w in words if w not in GENERIC_REF_WORDS]
            found = [self.ids.get(canonical_ref(t[1])) for t in tokens]
            if foreign or not all(found):
                outside.append(part)
            else:
                inside += [f for f in found if f]
        return inside, outside


class Oversight:
    """Meetings and assurance sources of one document, made once each."""

    def __init__(self, parsed: ParsedMap, prefix: str, ident) -> None:
        self.parsed = parsed
        self.prefix = prefix
        self.ident = ident
        self.meetings: dict[str, Meeting] = {}
        self.sources: set[str] = set()
        self.markers: dict[str, tuple[str, bool]] = {}  # marker -> the field it sets, and to what
        self.acronyms: dict[str, str] = {}  # the paper's own abbreviations: 'SPB' -> 'Strategic Policing Board'
        self.headers: dict[str, str] = {}  # glossary field -> its header as written, for messages

    # -- the glossary --------------------------------------------------------------------------

    def read_key(self, texts: list[Text], rows: list[str]) -> None:
        """'* meetings held in public', '# minutes published' (or 'Key: * = public; # = notes published')."""
        for line in [t.text for t in texts] + rows:
            line = one_line(line)
            if not re.match(r"^\s*(?:key\s*[:\-]?\s*)?[*#†‡^]", line, re.I):
                continue
            for mark, meaning in _MARKER_KEY.findall(line):
                m = meaning.lower()
                if re.search(r"\bprivate\b|not\s+(?:open\s+to\s+the\s+|held\s+in\s+)?public|closed\s+session", m):
                    self.markers[mark] = ("public", False)
                elif "public" in m and not re.search(r"minute|notes", m):
                    self.markers[mark] = ("public", True)
                elif re.search(r"minute|notes|publish|website", m):
                    self.markers[mark] = ("notes_published", not re.search(r"\bnot\b|unpublished", m))

    def glossary(self, records: list[Record]) -> None:
        unexplained: set[str] = set()
        for r in records:
            raw = one_line(r.values.get("name", ""))
            marks = "".join(re.findall(r"[*#†‡^]", raw))
            name, acronym = _name_and_acronym(raw)
            if not name:
                continue
            if placeholder(name):  # 'TBC | A new board to be set up': no meeting yet
                self.parsed.warn(r.origin, "meeting not named yet: no meeting made", self.headers.get("name", "name"),
                                 raw)
                continue
            flags: dict[str, bool] = {}
            for mark in marks:
                if mark in self.markers:
                    flags[self.markers[mark][0]] = self.markers[mark][1]
                else:
                    unexplained.add(mark)
            for column in ("public", "notes_published"):  # a yes/no column says what a marker would
                answer = one_line(r.values.get(column, "")).lower()
                if re.match(r"^(?:yes|y|true|public)\b", answer):
                    flags[column] = True
                elif re.match(r"^(?:no|n|false|private|closed)\b", answer):
                    flags[column] = False
            notes = f"Attendance: {one_line(r.values['attendance'])}" if r.values.get("attendance") else None
            meeting = self._meeting(name, r.origin, {
                "purpose": r.values.get("purpose"), "frequency": r.values.get("frequency"),
                "chair": r.values.get("chair"), "notes": notes, **flags})
            if acronym:
                meeting.aliases.add(meeting_key(acronym))
                self.meetings.setdefault(meeting_key(acronym), meeting)
        for mark in sorted(unexplained):
            self.parsed.warn(Origin(records[0].origin.file), f"meeting names carry the marker {mark!r} but the paper "
                                                             "has no key saying what it means; it is ignored")

    def _meeting(self, name: str, origin: Origin, extra: dict | None = None) -> Meeting:
        name = _unhide(name)
        key = meeting_key(name)
        found = self.meetings.get(key)
        if found is None:
            found = Meeting(slug(name), name)
            self.meetings[key] = found
            initials = "".join(w[0] for w in key.split() if w not in ("and", "of", "for"))
            if len(initials) >= 2:
                self.meetings.setdefault(initials, found)
            add_node(self.parsed, "Meeting", {"id": found.id, "name": name, **(extra or {})}, origin,
                     {"frequency": self.headers.get("frequency", "frequency")})
        return found

    def find(self, name: str) -> Meeting | None:
        key = meeting_key(name)
        if not key:
            return None
        if key in self.meetings:
            return self.meetings[key]
        if key.replace(" ", "") in self.meetings:
            return self.meetings[key.replace(" ", "")]
        expanded = self.expand(name)
        if expanded != name:
            return self.find(expanded)
        best = max(((fuzz.ratio(key, k), m) for k, m in self.meetings.items() if len(k) > 4),
                    key=lambda x: x[0], default=(0, None))
        return best[1] if best[0] >= 88 else None

    def expand(self, name: str) -> str:
        """A name with the acronyms the paper spells out written in full: 'Ashby Vale LCJB' -> 'Ashby Vale
        Local Criminal Justice Board', 'CSP Chairs' Group' -> 'Community Safety Partnership Chairs' Group'."""
        def full(m: re.Match[str]) -> str:
            meeting = self.meetings.get(meeting_key(m[0]))
            if meeting is not None and meeting_key(m[0]) in meeting.aliases:
                return meeting.name
            return self.acronyms.get(m[0], m[0])

        return re.sub(r"\b[A-Z][A-Z&]{1,7}\b", full, name)

    # -- oversight cells -------------------------------------------------------------------------

    def resolve(self, cell: str, target: str, origin: Origin, column: str, refs: Refs, frequency: str = "",
                previous: str | None = None) -> list[str]:
        """Edges for one oversight cell over `target`; returns what each mechanism became, for the preview."""
        said: list[str] = []
        text = cell.strip()
        if not text:
            return said
        if placeholder(text):
            return [f"{one_line(text)!r}: no oversight named yet"]
        if _ABOVE.match(text) and previous:
            add_edges(self.parsed, origin, [(target, "LINKED_TO", previous)], column)
            return [f"as above: linked to {previous}"]
        if self._refers(text, target, origin, column, refs, said):
            return said
        for chain in split_mechanisms(self._protect(text), self.known):
            made: list[tuple[str, str]] = []  # (kind, id) along a '>' chain
            for piece in chain:
                if placeholder(piece):
                    said.append(f"{one_line(piece)!r}: no oversight named yet")
                    continue
                if self._refers(piece, target, origin, column, refs, said):
                    continue
                if tentative := _TENTATIVE.search(piece):
                    piece = piece[:tentative.start()]
                    self.parsed.warn(origin, "oversight named as not yet confirmed: linked as written",
                                     column, one_line(piece + tentative[0]))
                made.append(self._one(piece, target, origin, column, frequency, said))
            meetings = [i for k, i in made if k == "Meeting"]
            for n, (kind, node_id) in enumerate(made):
                after = next((i for k, i in made[n + 1:] if k == "Meeting"), None)
                if after and after != node_id:
                    add_edges(self.parsed, origin, [(node_id, "REPORTS_TO", after)], column)
                elif kind == "AssuranceSource" and len(set(meetings)) == 1 and n == len(made) - 1 and len(made) > 1:
                    pass  # a source named after the only meeting of its chain reports nowhere in particular
        return said

    def _refers(self, text: str, target: str, origin: Origin, column: str, refs: Refs, said: list[str]) -> bool:
        """'See 1.2', 'Refer to 2.1 and 2.3': LINKED_TO those rows of this paper, which give the oversight."""
        m = _REFERS.match(one_line(text))
        if m is None:
            return False
        inside, outside = refs.resolve(m["rest"])
        if inside and not outside:
            add_edges(self.parsed, origin, [(target, "LINKED_TO", i) for i in inside if i != target], column)
            said.append(f"refers to {', '.join(inside)}: linked")
            return True
        if _only_refs(m["rest"]):  # 'See 1c' where no row is 1c: a pointer, never oversight in itself
            self.parsed.warn(origin, "oversight refers to a row this paper does not hold (or not only such rows): "
                                     "nothing linked, no oversight recorded", column, one_line(text))
            said.append(f"{one_line(text)!r}: refers to rows not found")
            return True
        return False

    def known(self, name: str) -> Meeting | str | None:
        """A meeting of the glossary, or a name the paper spells out as one of its abbreviations."""
        found = self.find(name)
        if found is not None:
            return found
        return self.acronyms.get(name.strip()) if _ACRONYM.match(name.strip()) else None

    def _protect(self, text: str) -> str:
        """Names with separators inside ('Joint Audit, Risk and Assurance Panel') kept whole: their
        commas become a character the splitter leaves alone, and are put back after."""
        patterns = [_JARAP] + [_loose(m.name) for m in self.meetings.values() if re.search(r"[,;.>&]| and ", m.name)]
        for pattern in sorted(set(patterns), key=len, reverse=True):
            text = re.sub(pattern, lambda m: re.sub(r"[,;.>&]|(?<= )and(?= )", lambda c: _HIDE[c[0]], m[0]), text,
                          flags=re.I)
        return text

    def _one(self, piece: str, target: str, origin: Origin, column: str, frequency: str,
             said: list[str]) -> tuple[str, str]:
        piece = _PREFIX.sub("", piece).strip(" .:-–")
        route = _ROUTE.match(piece)
        via = None
        if route:  # "KPI monitoring reported to the Performance Board"
            via = self.find(route["meeting"]) or (self._new_meeting(route["meeting"], origin, frequency)
                                                  if MEETING_WORDS.search(route["meeting"]) else None)
        if route and via is not None:
            source = route["source"].strip()
            sid = self._source(source, target, origin, column, frequency, said)
            add_edges(self.parsed, origin, [(sid, "REPORTS_TO", via.id), (via.id, "OVERSEES", target)], column)
            said.append(f"{source} reports to {via.name}")
            return "AssuranceSource", sid
        meeting = self.find(piece)
        spelt = self.expand(piece)
        if meeting is None and (MEETING_WORDS.search(spelt) or (_ACRONYM.match(piece) and piece.upper() not in
                                                                _NOT_MEETING_ACRONYMS and _line(spelt) is None)):
            meeting = self._new_meeting(piece, origin, frequency)
        if meeting is not None:
            add_edges(self.parsed, origin, [(meeting.id, "OVERSEES", target)], column)
            said.append(f"{piece}: meeting {meeting.id}")
            return "Meeting", meeting.id
        sid = self._source(piece, target, origin, column, frequency, said)
        return "AssuranceSource", sid

    def _new_meeting(self, name: str, origin: Origin, frequency: str) -> Meeting:
        name, acronym = _name_and_acronym(name)
        if _ACRONYM.match(name) and name in self.acronyms:  # 'JARAP', spelt out in the paper's abbreviations
            name, acronym = self.acronyms[name], name
        else:
            name = self.expand(name)
        meeting = self._meeting(name, origin, {"frequency": frequency or None,
                                               "notes": f"Known as {acronym}" if acronym else None})
        if acronym:
            meeting.aliases.add(meeting_key(acronym))
            self.meetings.setdefault(meeting_key(acronym), meeting)
        return meeting

    def _source(self, name: str, target: str, origin: Origin, column: str, frequency: str, said: list[str]) -> str:
        name = _unhide(name)
        sid = self.ident(slug(name))
        line = _line(name)
        if sid not in self.sources:
            self.sources.add(sid)
            if line is None:
                self.parsed.warn(origin, "oversight mechanism is neither a meeting nor a known kind of assurance; "
                                         "taken as an assurance source on line 2 (oversight)", column, name)
            add_node(self.parsed, "AssuranceSource", {"id": sid, "name": name, "line": line or 2,
                                                      "frequency": frequency or None, "type": "oversight mechanism"},
                     origin, {"frequency": "Frequency"})
        add_edges(self.parsed, origin, [(sid, "ASSURES", target)], column)
        said.append(f"{name}: assurance source on line {line or 2}")
        return sid


_JARAP = r"joint\s+audit,?\s+risk\s+(?:and|&)\s+assurance\s+(?:panel|committee)"
_HIDE = {",": "\u201a", ";": "\u037e", ".": "\u2024", ">": "\u203a", "&": "\uff06", "and": "\u0430nd"}
_SHOW = {v: k for k, v in _HIDE.items()}


def _unhide(text: str) -> str:
    return re.sub("\u0430nd|[" + "".join(k for k in _SHOW if len(k) == 1) + "]", lambda c: _SHOW[c[0]], text)


def _loose(name: str) -> str:
    """A meeting name as a pattern that allows plurals and any spacing: 'Boards' matches 'Board'."""
    words = [singular(w.lower()) for w in re.findall(r"[\w']+|[,&]", name)]
    return r"\b" + r"[\s,]*".join(re.escape(w) + ("s?" if w.isalpha() else "") for w in words) + r"\b"


def _name_and_acronym(raw: str) -> tuple[str, str | None]:
    """'Assurance and Governance Group (AGG)*' -> ('Assurance and Governance Group', 'AGG')."""
    text = re.sub(r"[*#†‡^]", "", raw).strip()
    acronym = None
    if m := re.search(r"\(\s*([A-Z][A-Za-z&]{1,9})\s*\)", text):
        acronym = m[1]
    text = re.sub(r"(?<!\s)\s*+\([^()]*+\)", "", text).strip(" .:-–")
    return text, acronym


def _line(mechanism: str) -> int | None:
    for pattern, line in MECHANISM_LINES:
        if re.search(pattern, mechanism, re.I):
            return line
    return None


def split_mechanisms(cell: str, known=lambda _: None) -> list[list[str]]:
    """Chains of mechanisms: lines, ';', ',' and full stops separate; '>' chains one to the next;
    'and' / '&' separate only when both sides are mechanisms on their own and the whole is not
    one name ('Joint Audit and Risk Committee', 'Police and Crime Panel' stay whole)."""
    chains: list[list[str]] = []
    for part in re.split(r"[\n;]++|,\s*+|\.\s++|\.$|(?<!\s)\s++[-–]\s++|•", cell):
        part = part.strip(" .")
        if not part:
            continue
        steps = [p.strip(" .") for p in re.split(r"(?<!\s)\s*+(?:>++|->|→|=>)\s*+", part) if p.strip(" .")]
        if len(steps) > 1:
            chains.append(steps)  # 'KPI monitoring > Performance Board': each reports to the next
        else:
            chains += [[p] for p in _split_and(part, known)]
    return chains


def _split_and(piece: str, known) -> list[str]:
    """'A and B and C' cut at the fewest 'and's that leave each side a mechanism of its own (a meeting of
    the glossary or the paper's abbreviations, a name ending in a meeting word, an abbreviation, a kind of
    assurance), never joining across a part that ends one ('... Board and', '... joint briefing and'):
    'Safer Roads Partnership and Performance and Accountability Board' is two meetings, 'PCC and Chief
    Constable joint briefing and CCAM' a briefing and CCAM, 'Police and Crime Panel' one name."""
    if known(piece) is not None:
        return [piece]
    bits = re.split(r"(?<!\s)(\s++(?:and|&)\s++)", piece)
    parts, joins = [p.strip() for p in bits[::2]], bits[1::2]
    if len(parts) < 2 or not all(parts):
        return [piece]
    best: list[list[str] | None] = [[]] + [None] * len(parts)  # best[j]: the fewest pieces of parts[:j]
    for j in range(1, len(parts) + 1):
        for i in range(max(0, j - _SPAN), j):  # a name holds a few 'and's at most: the work stays linear
            before = best[i]
            if before is None or any(_ends_one(p, known) for p in parts[i:j - 1]):
                continue
            text = parts[i] + "".join(joins[k] + parts[k + 1] for k in range(i, j - 1))
            if _whole(text, known) and (best[j] is None or len(before) + 1 < len(best[j] or ())):
                best[j] = [*before, text]
    found = best[-1]
    if not found or len(found) == 1:
        return [piece]
    return [re.sub(r"^the\s+", "", p, flags=re.I) for p in found]


_SPAN = 6


def _whole(text: str, known) -> bool:
    """Words that can be one mechanism: a known meeting, a name ending in a meeting word, an abbreviation
    or a placeholder, or a kind of assurance."""
    t = text.strip()
    words = t.split()
    return bool(words) and (known(t) is not None or placeholder(t) or bool(MEETING_WORDS.search(words[-1]))
                            or bool(_ACRONYM.match(t)) or _line(t) is not None)


def _ends_one(part: str, known) -> bool:
    """A part no name goes on past: a known meeting or placeholder, words ending in a meeting word, a kind
    of assurance written in lower case ('joint briefing', 'KPI monitoring') or in the plural ('Briefings');
    'Audit', 'Performance' and 'PCC' may open a name ('Audit and Risk Committee')."""
    words = part.split()
    if known(part) is not None or placeholder(part) or MEETING_WORDS.search(words[-1]):
        return True
    if _line(part) is None:
        return False
    return (len(words) >= 2 and words[-1].islower()) or (len(words) == 1 and words[0].lower().endswith("s")
                                                         and not _ACRONYM.match(words[0]))


def abbreviations(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The abbreviations a paper spells out, from two-cell rows or lines ('SPB | Strategic Policing Board –
    the Commissioner's main meeting', 'LCJB – Local Criminal Justice Board'): the name in full, kept only
    when its words' initials spell the abbreviation."""
    out: dict[str, str] = {}
    for short, meaning in pairs:
        short = short.strip()
        if not _ACRONYM.match(short):
            continue
        full = re.split(r"\s+[–—-]\s+|[;(:]|,\s+(?:the|a|an|which|who)\b", one_line(meaning))[0].strip(" .,")
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w’']*", full) if w.lower() not in (
            "and", "of", "the", "for", "&", "on", "in"))
        if full and re.search(".*".join(map(re.escape, short.upper())), initials.upper()) and \
                initials[:1].upper() == short[:1]:
            out.setdefault(short, full)
    return out


def glossary_layout() -> Layout:
    return GLOSSARY


def read_glossary(ex: Extraction, oversight: Oversight) -> None:
    rows = [" ".join(r.values.values()) for r in ex.records]
    oversight.read_key(ex.texts, rows)
    oversight.acronyms.update(ex.abbreviations)
    for cm in ex.maps:
        if cm.layout == GLOSSARY.name:
            oversight.headers.update({m.field: m.header for m in cm.mapped if m.header})
    records = ex.rows(GLOSSARY.name)
    if records:
        oversight.glossary(records)
