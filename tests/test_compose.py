"""docker-compose.yml is valid and wires the service to a healthy Neo4j."""
import os
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose_command() -> list[str]:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    assert shutil.which("docker-compose"), "no compose client: scripts/test installs Debian's docker-compose"
    return ["docker-compose"]


def test_compose_file_is_valid_and_complete():
    env = {**os.environ, "NEO4J_PASSWORD": "test-password", "ASSURANCE_MAP_API_KEYS": "ci:admin:0"}
    result = subprocess.run([*compose_command(), "-f", str(ROOT / "docker-compose.yml"), "config"],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    neo4j, app = config["services"]["neo4j"], config["services"]["assurance-map"]
    assert neo4j["image"] == "neo4j:5-community"
    assert neo4j["healthcheck"]["test"] and any(v.endswith(":/data:rw") or v.endswith(":/data")
                                                for v in map(str, neo4j["volumes"]))
    assert app["build"] and app["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert app["environment"]["ASSURANCE_MAP_STORE"].startswith("bolt://neo4j:")
    assert all(str(p).startswith("127.0.0.1:") for p in app["ports"])


def test_compose_refuses_to_run_without_a_password():
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_PASSWORD", "ASSURANCE_MAP_API_KEYS")}
    result = subprocess.run([*compose_command(), "-f", str(ROOT / "docker-compose.yml"), "config"],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode != 0 and "NEO4J_PASSWORD" in result.stderr
