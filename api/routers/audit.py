"""The audit log, for admins."""
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from ..deps import Admin, Limit, Offset, StoreDep

router = APIRouter(tags=["audit"])


class AuditEntryOut(BaseModel):
    at: str
    who: str
    action: str
    what: dict[str, Any]


@router.get("/audit", response_model=list[AuditEntryOut], summary="Who changed what, and when")
def read_audit(store: StoreDep, _: Admin, offset: Offset = 0, limit: Limit = 100,
               newest_first: Annotated[bool, Query(description="The latest writes first.")] = False,
               ) -> list[dict[str, Any]]:
    return [asdict(e) for e in store.audit(offset, limit, newest_first)]
