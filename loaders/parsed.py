"""A parsed map: nodes and edges with the place each came from, before any check against the store.

Every reader and register adapter produces one; validation and writing are shared.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphmodel.models import Edge, Node

from .report import Issue, Origin


@dataclass(frozen=True)
class PlacedNode:
    node: Node
    origin: Origin


@dataclass(frozen=True)
class PlacedEdge:
    edge: Edge
    origin: Origin
    source_column: str | None = None  # where each end and the relation were written, for messages
    rel_column: str | None = None
    target_column: str | None = None


@dataclass
class ParsedMap:
    nodes: list[PlacedNode] = field(default_factory=list)
    edges: list[PlacedEdge] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    failed_ids: set[str] = field(default_factory=set)  # rows with errors: links to them are not "dangling"
    previews: list[Any] = field(default_factory=list)  # FilePreview of each register read

    def annotate(self, node_id: str, note: str) -> None:
        """Add a line to the notes of a node already parsed."""
        for i, placed in enumerate(self.nodes):
            if placed.node.id == node_id:
                notes = "\n".join(n for n in (getattr(placed.node, "notes", None), note) if n)
                self.nodes[i] = PlacedNode(placed.node.model_copy(update={"notes": notes}), placed.origin)
                return

    def add_node(self, node: Node, origin: Origin) -> None:
        self.nodes.append(PlacedNode(node, origin))

    def add_edge(self, edge: Edge, origin: Origin, source_column: str | None = None,
                 rel_column: str | None = None, target_column: str | None = None) -> None:
        self.edges.append(PlacedEdge(edge, origin, source_column, rel_column, target_column))

    def error(self, origin: Origin, message: str, column: str | None = None, value: Any = None) -> None:
        self.errors.append(origin.issue(message, column, value))

    def warn(self, origin: Origin, message: str, column: str | None = None, value: Any = None) -> None:
        self.warnings.append(origin.issue(message, column, value))

    def extend(self, other: ParsedMap) -> None:
        self.nodes += other.nodes
        self.edges += other.edges
        self.errors += other.errors
        self.warnings += other.warnings
        self.files += other.files
        self.failed_ids |= other.failed_ids
        self.previews += other.previews
