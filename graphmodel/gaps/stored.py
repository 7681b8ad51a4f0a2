"""The whole map's processes and sources as the store holds them, kept per version of the map.

Gathering them is most of the cost of a whole-map analysis; what differs between analyses of one
version (the as-of date, the what-if, the area) touches few of them. So a store keeps one
`StoredProcesses` per version, and each analysis adjusts only the sources its date or what-if
changes: assurance dated after the as-of date, withdrawn sources and replaced opinions."""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable

from ..values import same_area
from .facts import Context, ProcessFact, SourceFact, as_it_stood
from .policy import Policy

# Sources as stored: no date is after it and there is no what-if, so as_it_stood changes nothing
# but an opinion left blank, which counts as unrated.
AS_STORED = Context(dt.date.max, Policy())


def stored_source(source_id: str, name: str, line: int, opinion: str | None, last_assured: dt.date | None,
                  frequency: str | None, meetings: tuple[str, ...]) -> SourceFact:
    return as_it_stood(source_id, name, line, opinion, last_assured, frequency, meetings, AS_STORED)


class StoredProcesses:
    """Every Process, by id, with its sources as stored (see stored_source)."""

    def __init__(self, processes: Iterable[ProcessFact]):
        self.processes = sorted(processes, key=lambda p: p.id)
        self._where: dict[str, list[int]] = {}  # source id -> positions of the processes it assures
        dated: dict[str, dt.date] = {}
        for i, p in enumerate(self.processes):
            for s in p.sources:
                self._where.setdefault(s.id, []).append(i)
                if s.last_assured is not None:
                    dated[s.id] = s.last_assured
        by_date = sorted((d, sid) for sid, d in dated.items())
        self._dates = [d for d, _ in by_date]
        self._dated_ids = [sid for _, sid in by_date]

    def as_it_stood(self, ctx: Context) -> list[ProcessFact]:
        """The processes of the context's area (all when it has none) as they stood at its as-of
        date under its what-if."""
        overlay = ctx.overlay
        later = self._dated_ids[bisect_right(self._dates, ctx.as_of):]
        touched = {i for sid in (*later, *overlay.withdraw, *overlay.opinions) for i in self._where.get(sid, ())}
        out = self.processes
        if touched:
            out = list(out)
            adjusted: dict[str, SourceFact] = {}
            for i in touched:
                p = out[i]
                out[i] = ProcessFact(p.id, p.name, p.area, tuple(
                    adjusted.get(s.id) or adjusted.setdefault(s.id, as_it_stood(
                        s.id, s.name, s.line, s.opinion, s.last_assured, s.frequency, s.meetings, ctx))
                    for s in p.sources if s.id not in overlay.withdraw))
        if ctx.area is not None:
            return [p for p in out if same_area(p.area, ctx.area)]
        return list(out)
