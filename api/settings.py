"""Server settings, from the environment (prefix ASSURANCE_MAP_) or a .env file."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .auth import ApiKey, parse_keys

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSURANCE_MAP_", env_file=".env", extra="ignore")

    store: str | None = Field(None, description="Embedded store file, or a bolt:// / neo4j:// URI.")
    host: str = Field("127.0.0.1", description="Bind address; anything but loopback needs API keys.")
    port: int = Field(8000, ge=1, le=65535)
    api_keys: SecretStr = Field(SecretStr(""), description="Comma-separated name:role:sha256-of-key entries.")
    max_upload_mb: float = Field(20.0, gt=0, description="Largest accepted import, per request.")
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
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    def check_binding(self) -> None:
        """Refuse to listen beyond loopback when anyone who can reach the port would have full access."""
        if self.host not in LOOPBACK and not self.keys:
            raise SystemExit(f"refusing to bind to {self.host} without API keys; set ASSURANCE_MAP_API_KEYS "
                             "(see `assurance-map keygen`) or bind to 127.0.0.1")
