"""Where a problem is and what it is: the loader's result types."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Origin:
    """A place in the user's input. Rows count as the user sees them: in a sheet or CSV the
    header is row 1 and the first data row is 2; in YAML/JSON the first item is row 1; in a
    text register the row is the line number."""

    file: str
    table: str | None = None
    row: int | None = None

    def issue(self, message: str, column: str | None = None, value: Any = None) -> Issue:
        return Issue(message, self.file, self.table, self.row, column, value)


@dataclass(frozen=True)
class Issue:
    message: str
    file: str
    table: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None

    def __str__(self) -> str:
        where = " ".join(p for p in (self.table, f"row {self.row}" if self.row is not None else None) if p)
        if self.column:
            where = f"{where}, column {self.column}" if where else f"column {self.column}"
        shown = self.value
        if isinstance(shown, str) and len(shown) > 80:
            shown = shown[:77] + "..."
        value = f" (value '{shown}')" if shown not in (None, "") else ""
        return f"{self.file}: {where}: {self.message}{value}" if where else f"{self.file}: {self.message}{value}"


@dataclass
class LoadReport:
    """What a load found and did. Nothing is written when there is any error."""

    files: list[str] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    nodes: dict[str, int] = field(default_factory=dict)  # per kind, in the load
    edges: dict[str, int] = field(default_factory=dict)  # per edge kind, in the load
    written: bool = False
    dry_run: bool = False
    seconds: float = 0.0
    previews: list[Any] = field(default_factory=list)  # FilePreview of each register read

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.nodes.items())) or "no nodes"
        rels = ", ".join(f"{n} {r}" for r, n in sorted(self.edges.items())) or "no edges"
        state = ("validated (dry run), nothing written" if self.dry_run and self.ok else
                 "written" if self.written else "NOTHING written")
        return (f"{len(self.files)} file(s): {kinds}; {rels}; {len(self.errors)} error(s), "
                f"{len(self.warnings)} warning(s); {state} in {self.seconds:.1f} s")
