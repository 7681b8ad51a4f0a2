"""Start a real Neo4j Community server for tests and local development.

No Docker and no tarball: the server's jars are resolved from Maven with the
minimal pom in ``devtools/neo4j/pom.xml`` (cached in ~/.m2), and the server is
run with ``java`` from a throw-away home directory.

    python -m devtools.neo4j_server               # prints NEO4J_URI/USER/PASSWORD, runs until Ctrl-C
    python -m devtools.neo4j_server --fetch-only  # only download the jars (CI pre-warm)

From Python::

    with running_server() as neo4j:
        driver = GraphDatabase.driver(neo4j.uri, auth=(neo4j.user, neo4j.password))
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graphmodel.files import atomic_write

# Newest 5.26 (LTS) patch on Maven Central when this was written.
DEFAULT_VERSION = "5.26.30"
VERSION_ENV = "ASSURANCE_NEO4J_VERSION"

POM = Path(__file__).resolve().parent / "neo4j" / "pom.xml"
# The artifact org.neo4j:neo4j holds this class and depends on the server,
# Bolt, Cypher and security modules: it is the whole Community server.
ENTRY_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"

# JVM flags the official distribution passes; without the add-opens, page cache
# and transaction log native access fall back to slower paths and log warnings.
JVM_FLAGS = [
    "-XX:-OmitStackTraceInFastThrow",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
]

USER = "neo4j"
# Small by default, for tests; benchmarks at national size raise them.
HEAP_ENV, PAGECACHE_ENV = "ASSURANCE_NEO4J_HEAP", "ASSURANCE_NEO4J_PAGECACHE"


def _memory_flags() -> list[str]:
    heap = os.environ.get(HEAP_ENV, "512m")
    return [f"-Xms{min(heap, '256m', key=_bytes)}", f"-Xmx{heap}"]


def _bytes(size: str) -> int:
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    size = size.strip().lower()
    return int(size[:-1]) * units[size[-1]] if size[-1:] in units else int(size)


class Neo4jStartError(RuntimeError):
    """The server could not be resolved, started or reached."""


# --------------------------------------------------------------------------- jars


def _version(version: str | None) -> str:
    return version or os.environ.get(VERSION_ENV) or DEFAULT_VERSION


def cache_dir(version: str | None = None) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "assurance-map" / "neo4j" / _version(version)


def _classpath_ok(cp: str) -> bool:
    jars = [p for p in cp.split(os.pathsep) if p]
    return bool(jars) and all(Path(p).is_file() for p in jars)


def resolve_classpath(version: str | None = None) -> str:
    """Return the server's classpath, running Maven only when the cache is stale."""
    version = _version(version)
    cp_file = cache_dir(version) / "classpath.txt"
    if cp_file.is_file() and _classpath_ok(cp_file.read_text().strip()):
        return cp_file.read_text().strip()

    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jStartError("Maven ('mvn') is needed to fetch the Neo4j jars but is not on PATH")
    cp_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = cp_file.with_name(f"classpath.{os.getpid()}.out")  # Maven's own output, read once
    cmd = [
        mvn, "-B", "-q", "--no-transfer-progress", "-Dstyle.color=never",
        "-f", str(POM),
        f"{DEPENDENCY_PLUGIN}:build-classpath",
        f"-Dneo4j.version={version}",
        "-Dmdep.includeScope=runtime",
        f"-Dmdep.outputFile={tmp}",
    ]
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if proc.returncode != 0 or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        out = (proc.stdout + proc.stderr).strip().splitlines()
        raise Neo4jStartError(
            f"Resolving Neo4j {version} with Maven failed (exit {proc.returncode}):\n"
            + "\n".join(out[-40:])
        )
    cp = tmp.read_text().strip()
    tmp.unlink(missing_ok=True)
    if not _classpath_ok(cp):
        raise Neo4jStartError(f"Maven produced an unusable classpath for Neo4j {version}")
    with atomic_write(cp_file) as fh:  # concurrent runs never read a half-written classpath
        fh.write(cp)
    return cp


# ------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise Neo4jStartError("Java 17+ ('java') is needed to run Neo4j but is not on PATH")
    return java


def _config(port: int) -> str:
    return "\n".join([
        # Loopback only, Bolt only: the HTTP/HTTPS connectors are not needed.
        "server.default_listen_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        "server.bolt.tls_level=DISABLED",
        "server.http.enabled=false",
        "server.https.enabled=false",
        f"server.memory.pagecache.size={os.environ.get(PAGECACHE_ENV, '64m')}",
        "dbms.security.auth_enabled=true",
        # Nothing may try to reach the network.
        "dbms.usage_report.enabled=false",
        # Otherwise each database preallocates 256 MiB transaction log files.
        "db.tx_log.preallocate=false",
        "db.tx_log.rotation.retention_policy=1 files",
        # Netty's default 5 s quiet period (paid twice) makes every stop take 10 s;
        # Neo4j's own test harness sets it to 0 as well.
        "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
        "",
    ])


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _die_with_parent() -> None:
    # Linux only: if the test process is killed hard, take the server down too
    # instead of leaving an orphaned JVM holding memory and a port.
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


_running: set[Neo4jServer] = set()


@dataclass(eq=False)
class Neo4jServer:
    uri: str
    user: str
    password: str = field(repr=False)
    home: Path
    process: subprocess.Popen | None = None
    classpath: str = field(default="", repr=False)

    @property
    def port(self) -> int:
        return int(self.uri.rsplit(":", 1)[1])

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)

    def log_tail(self, lines: int = 40) -> str:
        """Last lines of the console and server logs, for error messages."""
        parts = []
        for name in ("logs/console.log", "logs/neo4j.log"):
            text = _tail(self.home / name, lines)
            if text:
                parts.append(f"--- {self.home / name} ---\n{text}")
        errors = [
            line
            for line in _tail(self.home / "logs/debug.log", 2000).splitlines()
            if " ERROR " in line
        ]
        if errors:
            parts.append("--- debug.log errors ---\n" + "\n".join(errors[-10:]))
        return "\n".join(parts) or "(no log output)"

    def start_process(self, timeout: float = 180) -> None:
        """(Re)start the JVM on the same home and port; data is kept."""
        if self.running:
            return
        cmd = [_java(), *_memory_flags(), *JVM_FLAGS, ENTRY_CLASS, f"--home-dir={self.home}",
               f"--config-dir={self.home / 'conf'}"]
        env = {**os.environ, "CLASSPATH": self.classpath}
        (self.home / "logs").mkdir(exist_ok=True)
        with open(self.home / "logs" / "console.log", "ab") as console:
            self.process = subprocess.Popen(
                cmd, cwd=self.home, env=env, stdin=subprocess.DEVNULL,
                stdout=console, stderr=subprocess.STDOUT,
                # Own session: a Ctrl-C in the terminal reaches only Python,
                # which then shuts Neo4j down in order.
                start_new_session=True, preexec_fn=_die_with_parent,
            )
        _running.add(self)
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop_process()
            raise

    def stop_process(self, timeout: float = 60) -> None:
        """Stop the JVM cleanly (SIGTERM runs Neo4j's shutdown hook); data is kept."""
        proc = self.process
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        _running.discard(self)

    def stop(self) -> None:
        """Stop the server and delete its home, data included."""
        self.stop_process()
        shutil.rmtree(self.home, ignore_errors=True)

    def _wait_ready(self, timeout: float) -> None:
        try:
            from neo4j import GraphDatabase
            from neo4j.exceptions import AuthError
        except ImportError as e:
            raise Neo4jStartError("the 'neo4j' Python driver is needed: pip install 'neo4j>=5.26'") from e

        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while True:
            code = self.process.poll() if self.process is not None else None
            if code is not None:
                raise Neo4jStartError(
                    f"Neo4j exited with code {code} while starting (home {self.home}).\n"
                    + self.log_tail()
                )
            try:
                # Short timeouts so a socket that accepts but never answers
                # cannot stall the loop past the deadline or an early exit.
                # A session query rather than execute_query: the latter
                # retries on its own for 30 s and would hide the deadline.
                with GraphDatabase.driver(
                    self.uri, auth=self.auth, connection_timeout=2, connection_acquisition_timeout=3,
                ) as driver, driver.session() as session:
                    session.run("RETURN 1").consume()
                return
            except AuthError as e:
                raise Neo4jStartError(f"Neo4j rejected the generated credentials: {e}\n{self.log_tail()}") from e
            except Exception as e:  # not listening yet, or databases still starting
                last_error = e
            if time.monotonic() > deadline:
                raise Neo4jStartError(
                    f"Neo4j did not answer on {self.uri} within {timeout:.0f} s "
                    f"(last error: {last_error!r}).\n" + self.log_tail()
                )
            time.sleep(0.25)


@atexit.register
def _stop_leftovers() -> None:
    for server in list(_running):
        server.stop()


def _prepare(classpath: str) -> Neo4jServer:
    """A new home with config and initial password; the JVM is not started yet."""
    home = Path(tempfile.mkdtemp(prefix="neo4j-test-"))
    port = _free_port()
    server = Neo4jServer(
        # Starts with a letter: a leading "-" would be read as an option by the admin tool.
        uri=f"bolt://127.0.0.1:{port}", user=USER, password="n" + secrets.token_urlsafe(18),
        home=home, classpath=classpath,
    )
    (home / "conf").mkdir()
    (home / "conf" / "neo4j.conf").write_text(_config(port))
    # The same step as `neo4j-admin dbms set-initial-password`: it writes
    # data/dbms/auth.ini, which the server applies on its first start.
    proc = subprocess.run(
        [_java(), "-Xmx128m", ADMIN_CLASS, "dbms", "set-initial-password", server.password],
        cwd=home, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        env={**os.environ, "CLASSPATH": classpath, "NEO4J_HOME": str(home),
             "NEO4J_CONF": str(home / "conf")},
    )
    if proc.returncode != 0:
        shutil.rmtree(home, ignore_errors=True)
        raise Neo4jStartError(
            f"setting the initial password failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )
    return server


def start_server(*, version: str | None = None, timeout: float = 180) -> Neo4jServer:
    """Fetch (if needed) and start a fresh, empty Neo4j server; call ``stop()`` when done."""
    classpath = resolve_classpath(version)
    attempts = 3
    for attempt in range(1, attempts + 1):
        server = _prepare(classpath)
        try:
            server.start_process(timeout)
            return server
        except BaseException as e:
            server.stop()
            # The free port can be taken by another process before Neo4j binds
            # it; then a fresh home on a new port is tried.
            if attempt == attempts or "Address already in use" not in str(e):
                raise
    raise AssertionError("unreachable")


@contextlib.contextmanager
def running_server(*, version: str | None = None, timeout: float = 180) -> Iterator[Neo4jServer]:
    server = start_server(version=version, timeout=timeout)
    try:
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------------------- CLI


def _raise_interrupt(*_: object) -> None:
    # SIGTERM takes the same clean shutdown path as Ctrl-C.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.neo4j_server", description=__doc__.split("\n")[0])
    parser.add_argument("--version", default=None, help=f"Neo4j version (default ${VERSION_ENV} or {DEFAULT_VERSION})")
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for Bolt")
    parser.add_argument("--fetch-only", action="store_true", help="resolve and cache the jars, then exit")
    args = parser.parse_args(argv)

    if args.fetch_only:
        cp = resolve_classpath(args.version)
        print(f"Neo4j {_version(args.version)}: {len(cp.split(os.pathsep))} jars cached", file=sys.stderr)
        return 0

    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        server = start_server(version=args.version, timeout=args.timeout)
    except Neo4jStartError as e:
        print(e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(f"NEO4J_URI={server.uri}\nNEO4J_USER={server.user}\nNEO4J_PASSWORD={server.password}", flush=True)
    print(f"Neo4j running, home {server.home}; Ctrl-C to stop", file=sys.stderr, flush=True)
    try:
        while server.running:
            time.sleep(1)
        print(f"Neo4j exited unexpectedly:\n{server.log_tail()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
        print("Neo4j stopped", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
