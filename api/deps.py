"""Dependencies shared by the routers: the store and the audit log live on app.state."""
from fastapi import Request

from graphmodel.store import Store

from .audit import AuditLog


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_audit(request: Request) -> AuditLog:
    return request.app.state.audit
