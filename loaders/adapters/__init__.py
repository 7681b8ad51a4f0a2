"""Register adapters: each reads one layout of register people already keep and fills a
ParsedMap, so validation and writing are the same as for the import format."""
from __future__ import annotations

from types import ModuleType

from . import assurance_programme, delivery_plan, risk_register

ADAPTERS: dict[str, ModuleType] = {m.NAME: m for m in (risk_register, delivery_plan, assurance_programme)}

__all__ = ["ADAPTERS"]
