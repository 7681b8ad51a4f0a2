"""The graph vocabulary, declared once.

Everything else is derived from this module: the pydantic models, the Neo4j
constraints, edge validation, the loaders' column maps and the views' styles.
Labels and relationship types used in Cypher come only from here, never from input.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

KEY = "id"


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
    normaliser: str | None = None  # name of a function in graphmodel.values


@dataclass(frozen=True)
class Style:
    shape: str
    colour: str


@dataclass(frozen=True)
class NodeKind:
    name: str
    table: str  # import table name
    label_field: str  # the human-readable name shown in views and reasons
    fields: tuple[Field, ...]
    style: Style
    description: str = ""

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


def _id() -> Field:
    return Field(KEY, str, required=True, description="Stable identifier, unique across the whole map.")


def _notes() -> Field:
    return Field("notes", str, description="Free text.")


OPINIONS = ("substantial", "reasonable", "limited", "none", "unrated")
STATUSES = ("red", "amber", "green", "blue", "grey")
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
                Field("title", str, required=True, description="The commitment as written in the plan."),
                Field("theme", str, description="Plan theme or objective."),
                Field("owner", str, description="Accountable person or role."),
                Field("plan", str, description="The plan it comes from."),
                _notes(),
            ),
            Style("box", "#4e79a7"),
            "A Police and Crime Plan commitment or objective.",
        ),
        NodeKind(
            "Risk", "risks", "title",
            (
                _id(),
                Field("title", str, required=True, description="The risk as named in the register."),
                Field("score", int, minimum=1, maximum=25, description="Current risk score, 1 to 25."),
                Field("likelihood", str, description="Likelihood rating."),
                Field("impact", str, description="Impact rating."),
                Field("owner", str, description="Risk owner."),
                Field("register", str, description="The register it is held on."),
                _notes(),
            ),
            Style("triangle", "#e15759"),
            "A risk from a risk register.",
        ),
        NodeKind(
            "Action", "actions", "title",
            (
                _id(),
                Field("title", str, required=True, description="What is to be done."),
                Field("owner", str, description="Who does it."),
                Field("sponsor", str, description="Who sponsors it."),
                Field("target_date", dt.date, description="When it is due."),
                Field("target_text", str, description="The target as written, when it is not a plain date."),
                Field("status", str, choices=STATUSES,
                      aliases={"complete": "blue", "completed": "blue", "(c)": "blue", "c": "blue", "done": "blue",
                               "not started": "grey"},
                      description="red, amber, green, blue (complete) or grey (not started)."),
                Field("update", str, description="Latest progress update."),
                Field("impact", str, description="The intended effect."),
                _notes(),
            ),
            Style("dot", "#f28e2b"),
            "An action from an action or delivery plan.",
        ),
        NodeKind(
            "Process", "processes", "name",
            (
                _id(),
                Field("name", str, required=True, description="The key process."),
                Field("area", str, required=True, description="Assurance area, e.g. Information Quality or People."),
                Field("owner", str, description="Process owner."),
                Field("description", str, description="What the process does."),
                Field("criticality", str, choices=CRITICALITIES, description="low, medium or high."),
                _notes(),
            ),
            Style("ellipse", "#59a14f"),
            "A key process over which assurance is needed.",
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
                Field("scope", str, description="What it covers."),
                _notes(),
            ),
            Style("diamond", "#76b7b2"),
            "A source of assurance: a check, report, audit or inspection.",
        ),
        NodeKind(
            "Meeting", "meetings", "name",
            (
                _id(),
                Field("name", str, required=True, description="The meeting or board."),
                Field("purpose", str, description="What it is for."),
                _frequency(),
                Field("chair", str, description="Who chairs it."),
                Field("public", bool, description="Held in public."),
                Field("notes_published", bool, description="Minutes or notes are published."),
                Field("panel", bool, description="This is the audit panel (JARAP)."),
                _notes(),
            ),
            Style("star", "#b07aa1"),
            "An oversight meeting or board.",
        ),
    ),
    edges=(
        EdgeKind("ASSURES", frozenset({"AssuranceSource"}),
                 frozenset({"Process", "Commitment", "Risk", "Action"}),
                 "gives assurance over", "#2f7d32"),
        EdgeKind("OVERSEES", frozenset({"Meeting"}),
                 frozenset({"Commitment", "Risk", "Action", "Process", "AssuranceSource"}),
                 "oversees", "#7b4f9d"),
        EdgeKind("MITIGATES", frozenset({"Action"}), frozenset({"Risk"}), "mitigates", "#c0392b"),
        EdgeKind("DELIVERS", frozenset({"Action"}), frozenset({"Commitment"}), "delivers", "#1f5f99"),
        EdgeKind("SUPPORTS", frozenset({"Process"}), frozenset({"Commitment"}), "supports", "#3b8b3b"),
        EdgeKind("EXPOSED_TO", frozenset({"Process"}), frozenset({"Risk"}), "is exposed to", "#d35400"),
        EdgeKind("LINKED_TO", frozenset({"Commitment", "Risk", "Action"}),
                 frozenset({"Commitment", "Risk", "Action"}), "is linked to", "#7f7f7f"),
        EdgeKind("REPORTS_TO", frozenset({"AssuranceSource", "Meeting"}), frozenset({"Meeting"}),
                 "reports to", "#555555"),
    ),
)
