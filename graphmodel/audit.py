"""The audit log: who changed the map, when, and what. Kept by the store itself, so a write and its
record succeed or fail together whichever door the write came through (the API, the command line,
a script): Neo4j writes the record in the write's own transaction; the embedded store appends it
to its log, durably, under the write's lock and before the new map replaces the old one, and
refuses the write when it cannot.
"""
from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import AssuranceMapError


@dataclass(frozen=True)
class Change:
    """What a write says about itself. `who` None means the store's own actor (on the command
    line, the local user); the API always names the key holder."""

    action: str
    who: str | None = None
    what: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditEntry:
    at: str  # ISO timestamp, UTC
    who: str
    action: str  # e.g. "import", "create node", "delete edge"
    what: dict[str, Any]

    def json_line(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, default=str) + "\n"


class AuditUnavailable(AssuranceMapError):
    """The audit record of a write could not be kept, so the write was refused: nothing changed."""

    def __init__(self, reason: str):
        self.reason = reason  # may name server paths: for the server's log, not for API clients
        super().__init__(f"the audit log cannot be written ({reason}), so nothing was written")


def local_actor() -> str:
    """Who writes when nobody is named: the user running the command."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no user name in this environment (some containers)
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return f"{user} (local)"


def entry(change: Change | None, actor: str, action: str, what: Mapping[str, Any]) -> AuditEntry:
    """The record of one write: the store's own account of it (`action`, `what`), with what the
    caller said about it on top."""
    change = change or Change(action)
    return AuditEntry(dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), change.who or actor,
                      change.action, {**what, **change.what})


class AuditFile:
    """An append-only JSON-lines file: entries are only ever added, each written and synced to disk
    before the write it records is made visible."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)

    def append(self, record: AuditEntry) -> None:
        data = record.json_line().encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # O_APPEND: never rewritten, even by several processes at once.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                if os.write(fd, data) != len(data):
                    raise OSError("the disk took only part of the record")
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise AuditUnavailable(f"{self.path}: {exc.strerror or exc}") from None

    def entries(self, offset: int = 0, limit: int = 100, newest_first: bool = False) -> list[AuditEntry]:
        try:
            with self.path.open(encoding="utf-8") as fh:
                lines = [(n, line) for n, line in enumerate(fh, 1) if line.strip()]
        except FileNotFoundError:
            return []
        if newest_first:
            lines.reverse()
        return [_parse(n, line) for n, line in lines[offset:offset + limit]]


def _parse(number: int, line: str) -> AuditEntry:
    try:
        return AuditEntry(**json.loads(line))
    except (ValueError, TypeError):  # a record cut short by a crash: say so, and go on
        return AuditEntry("", "", "unreadable record", {"line": number})
