"""The assurance-map graph model: schema, domain objects and stores."""
from .errors import (
    AssuranceMapError,
    Conflict,
    Missing,
    NotFound,
    Problem,
    Stale,
    StoreUnavailable,
    UnknownArea,
    ValidationError,
)
from .models import NODE_MODELS, Edge, Node, edge_from_dict, node_from_dict
from .schema import SCHEMA

__all__ = ["SCHEMA", "NODE_MODELS", "Node", "Edge", "node_from_dict", "edge_from_dict", "AssuranceMapError",
           "Conflict", "Missing", "NotFound", "Problem", "Stale", "StoreUnavailable", "UnknownArea",
           "ValidationError"]
