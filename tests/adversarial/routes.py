"""Every route of the application, with a URL that reaches it: the suite attacks what the app serves,
not a list kept by hand."""
from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.routing import APIRoute

from api.access import Entry, RouteTable
from api.auth import Role

SAMPLES = {"node_id": "P1", "process_id": "P1", "area": "People", "rule_id": "G1", "fmt": "svg", "name": "viz.css",
           "token": "t" * 32}  # a staged import's token has a form of its own
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def concrete(path: str, kind: str | None = None) -> str:
    """A URL for a route path, its parameters filled with values the small map has."""
    def value(m: re.Match[str]) -> str:
        name = m[1].split(":")[0]
        if name == "node_id" and kind is not None:
            return {"Process": "P1", "Risk": "R1", "Action": "R1-A1", "Commitment": "C1", "AssuranceSource": "S1",
                    "Meeting": "M1"}.get(kind, "P1")
        return SAMPLES.get(name, "x")

    return re.sub(r"\{([^}]+)\}", value, path)


def api_routes(app: FastAPI) -> list[tuple[str, str, Entry]]:
    """(method, URL, entry) for every method of every API route, as the guard sees them."""
    out = []
    for entry in RouteTable(app).entries:
        if isinstance(entry.route, APIRoute):
            kind = entry.path.split("/")[2] if entry.path.startswith("/nodes/") else None
            for method in sorted(entry.methods):
                out.append((method, concrete(entry.path, kind), entry))
    return out


def least_role(entry: Entry) -> Role | None:
    return entry.access.role
