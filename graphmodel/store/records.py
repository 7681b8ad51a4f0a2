"""What a store keeps besides the map itself, for the panel cycle: snapshots (the map and its gap
report frozen under a name, e.g. "JARAP March 2026") and the gaps the panel has accepted.

Neither is part of the graph: they never appear among its nodes, and saving a snapshot does not
change the map's version. Their contents are checked here, once, for both stores.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..errors import Problem, ValidationError

NAME_MAX = 100  # characters in a snapshot's name
BY_MAX = 200  # characters in who accepted a gap
REASON_MAX = 2000  # characters in why


@dataclass(frozen=True)
class SnapshotInfo:
    """A snapshot as listed: its name, the date its report was judged at, when and by whom it was
    taken, and how much it holds."""

    name: str
    as_of: dt.date
    taken_at: dt.datetime  # UTC
    taken_by: str
    nodes: int
    edges: int
    findings: int

    @property
    def key(self) -> str:
        return snapshot_key(self.name)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "as_of": self.as_of.isoformat(),
                "taken_at": self.taken_at.isoformat(timespec="seconds"), "taken_by": self.taken_by,
                "nodes": self.nodes, "edges": self.edges, "findings": self.findings}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SnapshotInfo:
        return cls(data["name"], dt.date.fromisoformat(data["as_of"]), dt.datetime.fromisoformat(data["taken_at"]),
                   data["taken_by"], int(data["nodes"]), int(data["edges"]), int(data["findings"]))


@dataclass(frozen=True)
class SnapshotRecord:
    """A snapshot as a store keeps it: its listing and its frozen contents (compressed bytes that
    graphmodel.cycle.snapshots writes and reads; the store never looks inside)."""

    info: SnapshotInfo
    payload: bytes


@dataclass(frozen=True)
class Acceptance:
    """The panel's decision to accept a gap (a rule's finding about one node) until a review date.
    `fingerprint` is a digest of the node's evidence when it was accepted: when the evidence
    changes, the acceptance lapses (see graphmodel.gaps.accepted)."""

    rule: str
    node_id: str
    by: str  # who accepted it, e.g. "JARAP, 12 March 2026"
    reason: str
    review: dt.date  # it lapses on this date
    on: dt.date  # the date it was accepted
    fingerprint: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.node_id)

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "node_id": self.node_id, "by": self.by, "reason": self.reason,
                "review": self.review.isoformat(), "on": self.on.isoformat(), "fingerprint": self.fingerprint}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Acceptance:
        return cls(data["rule"], data["node_id"], data["by"], data["reason"], _date(data["review"]),
                   _date(data["on"]), data["fingerprint"])


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _hidden(ch: str, allowed: str = "") -> bool:
    """Control and format characters (line breaks, bidirectional overrides, zero-width marks): they
    would hide or reorder what a name shows, in a terminal, a page or a paper."""
    return ch not in allowed and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


def check_text(value: str, field: str, limit: int, where: str, *, lines: bool = False) -> str:
    """Text a person gave: trimmed, not empty, at most `limit` characters, no hidden characters (line
    breaks only where `lines`). A ValidationError names the field and the value."""
    text = value.strip() if isinstance(value, str) else ""
    problems = []
    if not text:
        problems.append(Problem("must not be empty", where, None, field, value))
    elif len(text) > limit:
        problems.append(Problem(f"is {len(text)} characters long; at most {limit} are allowed", where, None, field,
                                text[:40] + "..."))
    elif bad := sorted({f"U+{ord(c):04X}" for c in text if _hidden(c, "\n\t" if lines else "")}):
        problems.append(Problem(f"holds hidden or control characters ({', '.join(bad)})", where, None, field, text))
    if problems:
        raise ValidationError(problems)
    return text


def snapshot_name(value: str) -> str:
    """A snapshot's name as kept: trimmed and checked (see check_text)."""
    return check_text(value, "name", NAME_MAX, "snapshot")


def snapshot_key(name: str) -> str:
    """Names are unique whatever their case: "JARAP March 2026" and "jarap march 2026" are one snapshot."""
    return unicodedata.normalize("NFC", name.strip()).casefold()
