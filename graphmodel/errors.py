"""Errors that say where and what: kind, id, field and the offending value."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SHOWN = 200  # characters of a value or id a problem repeats: an error never echoes a megabyte back


def _shown(value: Any) -> Any:
    return value[:SHOWN - 3] + "..." if isinstance(value, str) and len(value) > SHOWN else value


@dataclass(frozen=True)
class Problem:
    message: str
    kind: str | None = None
    id: str | None = None
    field: str | None = None
    value: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", _shown(self.id))
        object.__setattr__(self, "value", _shown(self.value))

    def __str__(self) -> str:
        where = " ".join(p for p in (
            self.kind,
            f"id={self.id!r}" if self.id is not None else None,
            f"field {self.field!r}" if self.field else None,
        ) if p)
        value = f" (value {self.value!r})" if self.value is not None else ""
        return f"{where}: {self.message}{value}" if where else f"{self.message}{value}"


class AssuranceMapError(Exception):
    """Base class for errors a user can act on."""


class ValidationError(AssuranceMapError):
    """One or more problems with input; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{len(self.problems)} problem(s), nothing was written:\n{shown}{more}")


class Missing(ValidationError):
    """The input names something the map does not have (an id, an area, an area's share of a
    whole-map rule): the input is well formed, the map just lacks what it names. The API answers
    404; the command line treats it as any other input error."""


class UnknownArea(Missing):
    """An area no Process has; the message names the areas the map has (areas match in any case)."""

    def __init__(self, area: str, known: Iterable[str]):
        self.area = area
        self.known = sorted(set(known), key=str.lower)
        shown = ", ".join(repr(a) for a in self.known) or "none yet"
        super().__init__([Problem(f"no process has this area; areas in the map: {shown}", "Process", None,
                                  "area", area)])


class NotFound(AssuranceMapError):
    def __init__(self, what: str):
        self.what = what
        super().__init__(f"not found: {what}")


class Conflict(AssuranceMapError):
    """The request contradicts what is stored (e.g. an id already used by another kind)."""


class CorruptData(AssuranceMapError):
    """Something stored that cannot be read back (a damaged file or record)."""


class Stale(AssuranceMapError):
    """A write conditional on what the writer last read (an ETag) found the stored node changed or
    gone since: nothing was written."""


class StoreUnavailable(AssuranceMapError):
    """The store cannot be reached (e.g. Neo4j is down); nothing was written."""
