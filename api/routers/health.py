"""Health: is the store reachable? Open to all, so monitoring needs no key; only a caller who has
signed in (or any caller, when no keys are configured) learns which store it is and what it holds."""
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from graphmodel import StoreUnavailable

from ..deps import Public, StoreDep
from ..models import CountsOut, Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, response_model_exclude_none=True,
            summary="Is the service and its store up?",
            responses={503: {"model": Health, "description": "The store cannot be reached."}})
def health(request: Request, store: StoreDep, _: Public) -> Health | JSONResponse:
    known = getattr(request.state, "principal", None) is not None
    try:
        store.ping()
        counts = store.counts() if known else None
    except StoreUnavailable as exc:
        down = Health(status="unavailable", store=store.backend if known else None, detail=str(exc) if known else None)
        return JSONResponse(down.model_dump(exclude_none=True), status_code=503)
    return Health(status="ok", store=store.backend if known else None,
                  counts=CountsOut(nodes=counts.nodes, edges=counts.edges) if counts else None)
