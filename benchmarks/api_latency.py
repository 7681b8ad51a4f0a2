"""API latency under concurrent requests: `uvicorn` serving the app on loopback in a
subprocess, loaded by `wrk` (a real HTTP load tool), percentiles from wrk's own histogram."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .memory import process_cpu_seconds, process_peak_mb

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("wrk_report.lua")
_RESULT = re.compile(r"^BENCH (.*)$", re.M)


class ApiBenchError(RuntimeError):
    pass


@dataclass(frozen=True)
class Load:
    """wrk settings: a fixed, small load so runs compare."""

    threads: int = 2
    connections: int = 8
    seconds: int = 10  # at least; longer when one request is slow (see `duration`)
    timeout_s: int = 300  # a national report takes seconds; wrk's default 2 s would count it as an error
    max_seconds: int = 120

    def duration(self, single_s: float) -> int:
        """Long enough for every connection to complete about two requests, so the percentiles
        rest on more than a handful of samples even when one answer takes seconds (`single_s`: a
        request after the first, which made the answer the later ones reuse)."""
        return int(min(self.max_seconds, max(self.seconds, 2 * single_s * self.connections)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Probe:
    """One request put under load: a name for the results, a path, and the headers sent."""

    name: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    if_none_match: bool = False  # send the ETag the first probe's answer carried


def _get(url: str, timeout: float, headers: dict[str, str] | None = None) -> tuple[int, int, str]:
    """Status, body size (as sent) and ETag of one GET."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, len(resp.read()), resp.headers.get("ETag", "")
    except urllib.error.HTTPError as exc:
        return exc.code, 0, ""


def _wait_ready(proc: subprocess.Popen, base: str, deadline_s: float = 120) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ApiBenchError(f"the API server exited with code {proc.returncode} while starting")
        try:
            if _get(base + "/health", 5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise ApiBenchError(f"the API server did not answer on {base} within {deadline_s:.0f} s")


def parse_wrk(output: str) -> dict[str, Any]:
    m = _RESULT.search(output)
    if m is None:
        raise ApiBenchError(f"wrk printed no result line; its output was:\n{output.strip()[-2000:]}")
    raw = {k: int(v) for k, v in (pair.split("=") for pair in m[1].split())}
    errors = {k.removeprefix("errors_"): v for k, v in raw.items() if k.startswith("errors_")}
    seconds = raw["duration_us"] / 1e6
    return {"p50_ms": raw["p50_us"] / 1000, "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
            "max_ms": raw["max_us"] / 1000, "requests": raw["requests"], "seconds": round(seconds, 3),
            "requests_per_s": round(raw["requests"] / seconds, 2) if seconds else 0.0, "errors": errors}


def measure(store_env: dict[str, str], probes: list[Probe], load: Load = Load()) -> dict[str, dict[str, Any]]:
    """Serve the app over the store named by `store_env` and put each probe's request under load,
    one after the other, on one server: the first request of each is timed alone first (the
    first of all is the one that computes the report)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise ApiBenchError("wrk is not installed (Debian: apt-get install -y wrk)")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        env = {**os.environ, **store_env, "ASSURANCE_MAP_API_KEYS": "",
               "ASSURANCE_MAP_AUDIT_LOG": str(Path(tmp) / "audit.jsonl")}
        cmd = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log"]
        with open(Path(tmp) / "server.log", "wb") as log:
            proc = subprocess.Popen(cmd, cwd=tmp, env={**env, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(proc, base)
            results: dict[str, dict[str, Any]] = {}
            etag = ""
            for probe in probes:
                headers = dict(probe.headers)
                if probe.if_none_match:
                    headers["If-None-Match"] = etag
                cpu, start = process_cpu_seconds(proc.pid), time.perf_counter()
                status, size, tag = _get(base + probe.path, load.timeout_s, headers)
                single = time.perf_counter() - start
                cpu_after = process_cpu_seconds(proc.pid)
                etag = etag or tag
                if status not in (200, 304):
                    raise ApiBenchError(f"GET {probe.path} answered {status}")
                start = time.perf_counter()
                _get(base + probe.path, load.timeout_s, headers)  # the load's duration follows a second one
                seconds = load.duration(time.perf_counter() - start)
                script = _script(Path(tmp), probe.name, headers)
                run = subprocess.run(
                    [wrk, f"-t{load.threads}", f"-c{load.connections}", f"-d{seconds}s",
                     "--timeout", f"{load.timeout_s}s", "-s", str(script), base + probe.path],
                    capture_output=True, text=True, timeout=seconds + load.timeout_s + 60)
                if run.returncode != 0:
                    raise ApiBenchError(f"wrk failed ({run.returncode}): {run.stderr.strip()}")
                result = parse_wrk(run.stdout)
                result.update(path=probe.path, headers=headers, status=status,
                              single_request_ms=round(single * 1000, 1),
                              single_request_cpu_ms=round(1000 * (cpu_after - cpu), 1) if cpu and cpu_after else None,
                              response_bytes=size, threads=load.threads,
                              connections=load.connections, duration_s=seconds, tool="wrk")
                results[probe.name] = result
            peak = process_peak_mb(proc.pid)
            for result in results.values():
                result["server_peak_mb"] = peak
            return results
        except ApiBenchError as exc:
            raise ApiBenchError(f"{exc}\n{(Path(tmp) / 'server.log').read_text(errors='replace')[-2000:]}") from None
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _script(folder: Path, name: str, headers: dict[str, str]) -> Path:
    """wrk's Lua: the request headers, then the report printed when it is done."""
    lines = [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    path = folder / f"{name}.lua"
    path.write_text("\n".join([*lines, LUA.read_text()]), encoding="utf-8")
    return path
