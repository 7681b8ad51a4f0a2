"""Reporting routes: the meetings a source reports to, on up to the audit panel."""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from .facts import MeetingFact, SourceFact


def reporting_chains(meetings: Iterable[MeetingFact]) -> dict[str, tuple[MeetingFact, ...]]:
    """For each meeting, the shortest chain of meetings from it up to an audit-panel meeting
    (itself when it is one); meetings with no such route are left out."""
    by_id = {m.id: m for m in meetings}
    chains: dict[str, tuple[MeetingFact, ...]] = {}
    for start in sorted(by_id):
        parent: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            mid = queue.popleft()
            if by_id[mid].panel:
                path = []
                node: str | None = mid
                while node is not None:
                    path.append(by_id[node])
                    node = parent[node]
                chains[start] = tuple(reversed(path))
                break
            for nxt in by_id[mid].reports_to:  # sorted, so the chain found is always the same
                if nxt in by_id and nxt not in parent:
                    parent[nxt] = mid
                    queue.append(nxt)
    return chains


def reporting_text(source: SourceFact, meetings: Mapping[str, MeetingFact],
                   chains: Mapping[str, tuple[MeetingFact, ...]]) -> str:
    """'Audit Committee -> JARAP (audit panel)', or the meetings it reports to when none leads to the panel."""
    routes = sorted((len(chains[m]), [c.id for c in chains[m]], chains[m]) for m in source.meetings if m in chains)
    if routes:
        return " -> ".join(m.name for m in routes[0][2]) + " (audit panel)"
    direct = [meetings[m].name for m in source.meetings if m in meetings]
    return "; ".join(direct) + " (no route to the audit panel)" if direct else ""
