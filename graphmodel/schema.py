"""The graph vocabulary, declared once.

Everything else is derived from this module: the pydantic models, the Neo4j
constraints, edge validation, the loaders' columns and the views' styles.
Labels and relationship types used in Cypher come only from here, never from input.
The schema checks itself when it is built: a declaration that cannot work raises
SchemaError at import, naming every problem.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

KEY = "id"
TYPES = (str, int, bool, dt.date)
# Shapes the views can draw, in the network and as a legend swatch (viz/shapes.py): boxes with the
# name inside, so the layout can size each box by its label and keep every label legible.
SHAPES = ("box",)
NORMALISERS = ("frequency",)  # graphmodel.values provides normalise_<name> for each
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_KIND_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")  # a Neo4j label
_EDGE_NAME = re.compile(r"[A-Z][A-Z0-9_]*")  # a Neo4j relationship type
_COLUMN = re.compile(r"[a-z][a-z0-9_]*")  # a field, table or link column


class SchemaError(Exception):
    """The schema declares something that cannot work; raised when it is built."""


@dataclass(frozen=True)
class Field:
    name: str
    type: type  # str, int, bool or datetime.date
    required: bool = False
    description: str = ""
    choices: tuple[Any, ...] | None = None  # closed vocabulary, canonical spellings
    aliases: dict[str, Any] = field(default_factory=dict)  # other spellings -> canonical
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None
    normaliser: str | None = None  # one of NORMALISERS
    long: bool = False  # free text (graphmodel.text.TEXT_MAX characters) rather than one line (LINE_MAX)


@dataclass(frozen=True)
class Style:
    """How views draw a kind: a shape they can draw and the kind's identifying colour (views fill
    with a pale tint of it and keep saturated colour for assurance status)."""

    shape: str  # one of SHAPES
    colour: str  # "#rrggbb"


@dataclass(frozen=True)
class Link:
    """A column of a kind's import table that lists the ids of linked nodes: each id makes one
    `edge`, from this row's node when `out`, else to it."""

    column: str
    edge: str
    out: bool = True
    required: bool = False


@dataclass(frozen=True)
class NodeKind:
    name: str
    table: str  # import table name
    label_field: str  # the human-readable name shown in views and reasons
    fields: tuple[Field, ...]
    style: Style
    description: str = ""
    links: tuple[Link, ...] = ()  # link columns of its import table

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class EdgeKind:
    name: str
    sources: frozenset[str]
    targets: frozenset[str]
    description: str
    colour: str

    def allows(self, source_kind: str, target_kind: str) -> bool:
        return source_kind in self.sources and target_kind in self.targets


@dataclass(frozen=True)
class Schema:
    nodes: tuple[NodeKind, ...]
    edges: tuple[EdgeKind, ...]

    def __post_init__(self) -> None:
        problems = check(self)
        if problems:
            raise SchemaError("the schema cannot work:\n" + "\n".join(f"  - {p}" for p in problems))

    def node(self, name: str) -> NodeKind:
        for kind in self.nodes:
            if kind.name == name:
                return kind
        raise KeyError(name)

    def edge(self, name: str) -> EdgeKind:
        for kind in self.edges:
            if kind.name == name:
                return kind
        raise KeyError(name)

    @property
    def node_names(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.nodes)

    @property
    def edge_names(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.edges)

    def triples(self) -> list[tuple[str, str, str]]:
        return sorted((s, e.name, t) for e in self.edges for s in e.sources for t in e.targets)


def check(schema: Schema) -> list[str]:
    """Every problem with a schema: names Cypher and the loaders cannot use, duplicates, fields whose
    vocabulary, default or bounds contradict their type, styles the views cannot draw, edges
    between unknown kinds, and link columns that clash with fields or sit at the wrong end of
    their edge."""
    problems: list[str] = []
    say = problems.append
    kinds = {k.name for k in schema.nodes}
    for what, names in (("node kind", [k.name for k in schema.nodes]), ("edge kind", [e.name for e in schema.edges]),
                        ("table", [k.table for k in schema.nodes])):
        for name in sorted({n for n in names if names.count(n) > 1}):
            say(f"{what} {name!r} is declared twice")
    for e in schema.edges:
        if not _EDGE_NAME.fullmatch(e.name):
            say(f"edge kind {e.name!r}: not usable as a relationship type (upper case, digits and _)")
        if not e.sources or not e.targets:
            say(f"edge kind {e.name}: needs a node kind at each end")
        for end in sorted((e.sources | e.targets) - kinds):
            say(f"edge kind {e.name}: unknown node kind {end!r} at one end")
        if not _COLOUR.fullmatch(e.colour):
            say(f"edge kind {e.name}: colour {e.colour!r} is not #rrggbb")
    edges = {e.name: e for e in schema.edges}
    for k in schema.nodes:
        where = f"node kind {k.name}"
        if not _KIND_NAME.fullmatch(k.name):
            say(f"{where}: not usable as a label (a capital, then letters and digits)")
        if not _COLUMN.fullmatch(k.table):
            say(f"{where}: table {k.table!r} is not lower case letters, digits and _")
        names = [f.name for f in k.fields]
        for name in sorted({n for n in names if names.count(n) > 1}):
            say(f"{where}: field {name!r} is declared twice")
        key = next((f for f in k.fields if f.name == KEY), None)
        if key is None or not key.required or key.type is not str:
            say(f"{where}: needs a required text field {KEY!r}")
        label = next((f for f in k.fields if f.name == k.label_field), None)
        if label is None or not label.required or label.type is not str:
            say(f"{where}: label field {k.label_field!r} must be one of its required text fields")
        problems += [f"{where}, field {f.name}: {p}" for f in k.fields for p in _field_problems(f)]
        if k.style.shape not in SHAPES:
            say(f"{where}: shape {k.style.shape!r} cannot be drawn; use one of {', '.join(SHAPES)}")
        if not _COLOUR.fullmatch(k.style.colour):
            say(f"{where}: colour {k.style.colour!r} is not #rrggbb")
        columns = [link.column for link in k.links]
        for link in k.links:
            at = f"{where}, link column {link.column}"
            edge = edges.get(link.edge)
            if edge is None:
                say(f"{at}: unknown edge kind {link.edge!r}")
            elif k.name not in (edge.sources if link.out else edge.targets):
                say(f"{at}: a {k.name} cannot be the {'source' if link.out else 'target'} of {link.edge}")
            if link.column in names or columns.count(link.column) > 1:
                say(f"{at}: the column name is taken")
            if not _COLUMN.fullmatch(link.column):
                say(f"{at}: not lower case letters, digits and _")
    return problems


def _field_problems(f: Field) -> list[str]:
    out = []
    if not _COLUMN.fullmatch(f.name):
        out.append("the name is not lower case letters, digits and _")
    if f.type not in TYPES:
        out.append(f"type {f.type!r} is not one of str, int, bool, datetime.date")
    if f.choices is not None and any(type(c) is not f.type for c in f.choices):
        out.append(f"choices {f.choices!r} are not all of its type")
    if f.aliases and (not f.choices or any(v not in f.choices for v in f.aliases.values())):
        out.append("an alias names a value outside its choices")
    if any(a != a.lower() for a in f.aliases):
        out.append("aliases are matched in lower case, so must be written so")
    if f.default is not None and (type(f.default) is not f.type or (f.choices and f.default not in f.choices)):
        out.append(f"default {f.default!r} is not one of its values")
    if (f.minimum is not None or f.maximum is not None) and f.type is not int:
        out.append("only whole numbers have bounds")
    if f.minimum is not None and f.maximum is not None and f.minimum > f.maximum:
        out.append(f"minimum {f.minimum} is above maximum {f.maximum}")
    if f.long and f.type is not str:
        out.append("only text can be long")
    if f.normaliser is not None and (f.normaliser not in NORMALISERS or f.type is not str):
        out.append(f"normaliser {f.normaliser!r} needs a text field and one of: {', '.join(NORMALISERS)}")
    return out


def _id() -> Field:
    return Field(KEY, str, required=True, description="Stable identifier, unique across the whole map.")


def _notes() -> Field:
    return Field("notes", str, long=True, description="Free text.")


OPINIONS = ("substantial", "reasonable", "limited", "none", "unrated")
STATUSES = ("red", "amber", "green", "blue", "grey")
# The words papers use for an action's status, each with the colour it means, in lower case. Loaders
# read a status cell through these (and a key the paper prints); the import format accepts them too.
STATUS_WORDS = {
    **{w: "blue" for w in ("b", "c", "(c)", "complete", "completed", "done", "closed", "achieved", "delivered",
                           "implemented", "superseded", "discharged", "finished", "met", "fully implemented")},
    **{w: "green" for w in ("g", "on track", "on target", "on schedule")},
    **{w: "amber" for w in ("a", "at risk", "minor slippage", "some slippage", "slippage", "slipping",
                            "behind schedule", "delayed", "partially implemented", "partly implemented",
                            "partially met", "ag", "green amber")},
    **{w: "red" for w in ("r", "off track", "major slippage", "significant slippage", "significantly delayed",
                          "overdue", "not implemented", "not achieved", "not met", "missed", "ar", "ra",
                          "amber red", "red amber")},
    **{w: "grey" for w in ("gray", "not started", "not yet started", "n/s", "ns")},
    "amber green": "green", "ga": "green",
}
# Words that say an action is still open without giving it a colour: the status stays empty, the
# words are kept (status_text), and nothing is warned.
OPEN_STATUS_WORDS = ("open", "in progress", "ongoing", "not yet due", "not due", "live", "active", "pending",
                     "awaiting", "planned", "scheduled", "under way", "underway", "started")
RISK_STATUSES = ("open", "tolerated", "transferred", "closed", "referenced")
# Risks that need no action recorded against them in the map (G8 leaves them alone): closed ones, and
# ones a paper only refers to (an assurance programme's list of strategic risks, whose actions are
# kept on the register itself).
RISKS_NEEDING_NO_ACTION = ("closed", "referenced")
CRITICALITIES = ("low", "medium", "high")
LINES = (1, 2, 3, 4)
LINE_NAMES = {
    1: "line 1 (management)",
    2: "line 2 (oversight functions)",
    3: "line 3 (internal audit)",
    4: "line 4 (external)",
}
# Words the SPEC fixes for `frequency`; "N per annum" and raw text are also kept.
FREQUENCIES = ("weekly", "fortnightly", "monthly", "bi-monthly", "quarterly", "biannual", "annual", "adhoc")

def _frequency() -> Field:
    return Field("frequency", str, normaliser="frequency",
                 description="weekly, fortnightly, monthly, bi-monthly, quarterly, biannual, annual, adhoc or "
                             "'N per annum'; other text is kept and counts as adhoc.")

SCHEMA = Schema(
    nodes=(
        NodeKind(
            "Commitment", "commitments", "title",
            (
                _id(),
                Field("title", str, long=True, required=True, description="The commitment as written in the plan."),
                Field("theme", str, description="Plan theme or objective."),
                Field("owner", str, description="Accountable person or role."),
                Field("plan", str, description="The plan it comes from."),
                Field("oversight_text", str, description="The paper's oversight cell when it names no oversight yet "
                                                         "('To be determined', 'TBC')."),
                _notes(),
            ),
            Style("box", "#0072b2"),
            "A Police and Crime Plan commitment or objective.",
        ),
        NodeKind(
            "Risk", "risks", "title",
            (
                _id(),
                Field("title", str, long=True, required=True, description="The risk as named in the register."),
                Field("score", int, minimum=1, maximum=25, description="Current risk score, 1 to 25."),
                Field("likelihood", str, description="Likelihood rating."),
                Field("impact", str, description="Impact rating."),
                Field("owner", str, description="Risk owner."),
                Field("register", str, description="The register it is held on."),
                Field("status", str, choices=RISK_STATUSES,
                      aliases={"live": "open", "active": "open", "current": "open", "new": "open",
                               "tolerate": "tolerated", "accept": "tolerated", "accepted": "tolerated",
                               "transfer": "transferred", "terminated": "closed", "archived": "closed",
                               "retired": "closed", "(c)": "closed", "closed (c)": "closed"},
                      description="open, tolerated (no action planned), transferred (managed on another register), "
                                  "closed, or referenced (listed by a paper that does not hold its actions); a closed "
                                  "or referenced risk needs no action in the map."),
                _notes(),
            ),
            Style("box", "#cc79a7"),
            "A risk from a risk register.",
        ),
        NodeKind(
            "Action", "actions", "title",
            (
                _id(),
                Field("title", str, long=True, required=True, description="What is to be done."),
                Field("owner", str, description="Who does it."),
                Field("sponsor", str, description="Who sponsors it."),
                Field("target_date", dt.date, description="When it is due."),
                Field("target_text", str, description="The target as written, when it is not a plain date."),
                Field("status", str, choices=STATUSES, aliases=STATUS_WORDS,
                      description="red, amber, green, blue (complete) or grey (not started); status words such as "
                                  "Implemented, On track, Minor slippage or Overdue mean their colour."),
                Field("status_text", str, description="The status as the paper words it, when it gives no colour "
                                                      "('In progress', 'Not yet due')."),
                Field("update", str, long=True, description="Latest progress update."),
                Field("impact", str, long=True, description="The intended effect."),
                _notes(),
            ),
            Style("box", "#8c6d31"),
            "An action from an action or delivery plan.",
            links=(Link("mitigates", "MITIGATES"), Link("delivers", "DELIVERS"), Link("linked_to", "LINKED_TO")),
        ),
        NodeKind(
            "Process", "processes", "name",
            (
                _id(),
                Field("name", str, required=True, description="The key process."),
                Field("area", str, required=True, description="Assurance area, e.g. Information Quality or People."),
                Field("owner", str, description="Process owner."),
                Field("description", str, long=True, description="What the process does."),
                Field("criticality", str, choices=CRITICALITIES, description="low, medium or high."),
                _notes(),
            ),
            Style("box", "#3d5a80"),
            "A key process over which assurance is needed.",
            links=(Link("supports", "SUPPORTS"), Link("exposed_to", "EXPOSED_TO")),
        ),
        NodeKind(
            "AssuranceSource", "assurance_sources", "name",
            (
                _id(),
                Field("name", str, required=True, description="The source of assurance."),
                Field("line", int, required=True, choices=LINES,
                      description="1 management, 2 oversight functions, 3 internal audit, 4 external."),
                Field("type", str, description="e.g. audit, inspection, MI report, spot check."),
                Field("provider", str, description="Who provides it."),
                Field("opinion", str, choices=OPINIONS, default="unrated",
                      description="substantial, reasonable, limited, none or unrated."),
                Field("last_assured", dt.date, description="When it last gave assurance."),
                _frequency(),
                Field("scope", str, long=True, description="What it covers."),
                _notes(),
            ),
            Style("box", "#2b8cbe"),
            "A source of assurance: a check, report, audit or inspection.",
            links=(Link("assures", "ASSURES", required=True), Link("reports_to", "REPORTS_TO")),
        ),
        NodeKind(
            "Meeting", "meetings", "name",
            (
                _id(),
                Field("name", str, required=True, description="The meeting or board."),
                Field("purpose", str, long=True, description="What it is for."),
                _frequency(),
                Field("chair", str, description="Who chairs it."),
                Field("public", bool, description="Held in public."),
                Field("notes_published", bool, description="Minutes or notes are published."),
                Field("panel", bool, description="This is the audit panel (JARAP)."),
                _notes(),
            ),
            Style("box", "#7b4f9d"),
            "An oversight meeting or board.",
            links=(Link("oversees", "OVERSEES"), Link("reports_to", "REPORTS_TO")),
        ),
    ),
    edges=(
        EdgeKind("ASSURES", frozenset({"AssuranceSource"}),
                 frozenset({"Process", "Commitment", "Risk", "Action"}),
                 "gives assurance over", "#2f7d32"),
        EdgeKind("OVERSEES", frozenset({"Meeting"}),
                 frozenset({"Commitment", "Risk", "Action", "Process", "AssuranceSource"}),
                 "oversees", "#7b4f9d"),
        EdgeKind("MITIGATES", frozenset({"Action"}), frozenset({"Risk"}), "mitigates", "#8c6d31"),
        EdgeKind("DELIVERS", frozenset({"Action"}), frozenset({"Commitment"}), "delivers", "#1f5f99"),
        EdgeKind("SUPPORTS", frozenset({"Process"}), frozenset({"Commitment"}), "supports", "#3b8b3b"),
        EdgeKind("EXPOSED_TO", frozenset({"Process"}), frozenset({"Risk"}), "is exposed to", "#b0588a"),
        EdgeKind("LINKED_TO", frozenset({"Commitment", "Risk", "Action"}),
                 frozenset({"Commitment", "Risk", "Action"}), "is linked to", "#7f7f7f"),
        EdgeKind("REPORTS_TO", frozenset({"AssuranceSource", "Meeting"}), frozenset({"Meeting"}),
                 "reports to", "#555555"),
    ),
)
