"""The audit log, for admins."""
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from ..audit import AuditLog
from ..auth import Principal, Role, require
from ..deps import get_audit
from ..problems import RESPONSES

router = APIRouter(tags=["audit"], responses={k: RESPONSES[k] for k in (401, 403)})


class AuditEntryOut(BaseModel):
    at: str
    who: str
    action: str
    what: dict


@router.get("/audit", response_model=list[AuditEntryOut], summary="Who changed what, and when (oldest first)")
def read_audit(offset: int = Query(0, ge=0), limit: int = Query(100, ge=1, le=10_000),
               audit: AuditLog = Depends(get_audit), _: Principal = Depends(require(Role.admin))):
    return [e.__dict__ for e in audit.entries(offset, limit)]
