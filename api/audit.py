"""An append-only audit log of writes: who, when and what, one JSON object a line."""
from __future__ import annotations

import datetime as dt
import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class AuditEntry:
    at: str  # ISO timestamp, UTC
    who: str
    action: str  # e.g. "import", "create node", "delete edge"
    what: dict[str, Any]


class AuditLog:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def record(self, who: str, action: str, **what: Any) -> AuditEntry:
        entry = AuditEntry(dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), who, action, what)
        line = json.dumps(asdict(entry), ensure_ascii=False, default=str) + "\n"
        with self._lock:
            # O_APPEND: entries are only ever added, never rewritten, even across processes.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        return entry

    def entries(self, offset: int = 0, limit: int = 100) -> list[AuditEntry]:
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as fh:
            lines = fh.readlines()
        return [AuditEntry(**json.loads(line)) for line in lines[offset:offset + limit]]
