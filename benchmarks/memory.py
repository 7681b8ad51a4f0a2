"""Peak memory of a step: the resident set's high-water mark (VmHWM) of this process,
reset at the start of the step, so each figure is the most RAM the process held during
that step (data already held before it included). Other processes (the API server, Neo4j)
are read the same way by pid. Where the reset is not allowed, the figure is the process's
peak so far (ru_maxrss), and `method` says so."""
from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path


def _status_kb(pid: int | str, name: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time a process has used so far, from /proc; None where it cannot be read. Each thread's
    schedstat counts nanoseconds (a server answers in worker threads); stat, the fallback, counts
    clock ticks, too coarse for one request on a small map."""
    try:
        total = 0
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text(encoding="ascii").split()[0])
        return total / 1e9
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def process_peak_mb(pid: int) -> float | None:
    """Another process's peak resident memory so far, in MiB."""
    kb = _status_kb(pid, "VmHWM")
    return round(kb / 1024, 1) if kb is not None else None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")  # resets VmHWM to the current RSS (Linux 4.0+)
        return True
    except OSError:
        return False


@dataclass
class Peak:
    method: str = ""
    start_mb: float = 0.0
    peak_mb: float = 0.0

    def __enter__(self) -> Peak:
        self.method = "VmHWM reset per step" if _reset_peak() else "ru_maxrss (process peak so far)"
        self.start_mb = round((_status_kb("self", "VmRSS") or 0) / 1024, 1)
        return self

    def __exit__(self, *exc: object) -> None:
        kb = _status_kb("self", "VmHWM") if self.method.startswith("VmHWM") else None
        if kb is None:
            kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.peak_mb = round(kb / 1024, 1)

    def as_dict(self) -> dict[str, float | str]:
        return {"peak_mb": self.peak_mb, "start_mb": self.start_mb, "memory_method": self.method}
