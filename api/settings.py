"""Server settings, from the environment (prefix ASSURANCE_MAP_) or a .env file."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .auth import ApiKey, parse_keys

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
ANY_ADDRESS = {"0.0.0.0", "::", ""}


def _names(text: str) -> list[str]:
    return [n.strip().lower().strip("[]").rstrip(".") for n in text.replace("\n", ",").split(",") if n.strip()]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSURANCE_MAP_", env_file=".env", extra="ignore")

    store: str | None = Field(None, description="Embedded store file, or a bolt:// / neo4j:// URI.")
    host: str = Field("127.0.0.1", description="Bind address; anything but loopback needs API keys.")
    port: int = Field(8000, ge=1, le=65535)
    api_keys: SecretStr = Field(SecretStr(""), description="Comma-separated name:role:sha256-of-key entries.")
    allowed_hosts: str = Field("", description="Comma-separated names the server answers to in the Host header "
                                               "(default: the loopback names and the bind address).")
    trusted_proxies: str = Field("", description="Comma-separated addresses of reverse proxies whose "
                                                 "X-Forwarded-Proto and X-Forwarded-For are believed.")
    max_upload_mb: float = Field(20.0, gt=0, le=1024, description="Largest accepted import request.")
    max_body_kb: float = Field(1024.0, gt=0, le=100 * 1024, description="Largest accepted body of any other request.")
    body_timeout: float = Field(10.0, gt=0, le=600, description="Seconds a request body may pause; it must be "
                                                                "whole within 30 times this.")
    session_idle_minutes: float = Field(30.0, gt=0, le=24 * 60, description="A browser session ends after this "
                                                                            "long unused.")
    session_hours: float = Field(12.0, gt=0, le=24 * 30, description="A browser session ends this long after "
                                                                     "sign-in, used or not.")
    max_export_items: int = Field(300_000, ge=1, description="Nodes and links of the largest map exported whole "
                                                             "(GraphML, JSON, findings); larger is refused (422).")
    cache_mb: float = Field(128.0, ge=0, description="Memory kept for gap reports, pages, exports and images of "
                                                 "the map as it is.")
    max_connections: int = Field(200, ge=1, description="Connections served at once; more are answered 503.")
    upload_dir: Path | None = Field(None, description="Where uploads are kept while they are read (default: a "
                                                     "folder in the system's temporary directory).")
    audit_log: Path | None = Field(None, description="The embedded store's audit log (default: beside the store "
                                                     "file); Neo4j keeps its log in the database.")
    neo4j_timeout: float = Field(30.0, gt=0, le=86_400, description="Seconds a request waits for Neo4j, and its "
                                                                    "transaction may run.")
    policy: Path | None = Field(None, description="Gap policy file used when a request gives none.")
    paper_template: Path | None = Field(None, description="The panel paper's words (YAML; default: the bundled "
                                                          "template).")

    @field_validator("store", mode="before")
    @classmethod
    def _blank_is_default(cls, v: object) -> object:
        return v or None

    @property
    def keys(self) -> list[ApiKey]:
        return parse_keys(self.api_keys.get_secret_value())

    @property
    def hosts(self) -> frozenset[str]:
        """The names a request's Host header may give: those configured, else the loopback names and
        the bind address (a wildcard address names nothing)."""
        given = _names(self.allowed_hosts)
        if given:
            return frozenset(given)
        return frozenset(LOOPBACK | ({self.host.lower().strip("[]")} - ANY_ADDRESS))

    @property
    def proxies(self) -> list[str]:
        return _names(self.trusted_proxies)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_kb * 1024)

    def check_binding(self) -> None:
        """Refuse to listen beyond loopback when anyone who can reach the port would have full access."""
        if self.host not in LOOPBACK and not self.keys:
            raise SystemExit(f"refusing to bind to {self.host} without API keys; set ASSURANCE_MAP_API_KEYS "
                             "(see `assurance-map keygen`) or bind to 127.0.0.1")
