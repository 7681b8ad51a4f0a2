"""Health: is the store reachable? Open to all, so monitoring needs no key."""
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from graphmodel import StoreUnavailable

from ..deps import StoreDep
from ..models import CountsOut, Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Is the service and its store up?",
            responses={503: {"model": Health, "description": "The store cannot be reached."}})
def health(store: StoreDep) -> Health | JSONResponse:
    try:
        store.ping()
        counts = store.counts()
    except StoreUnavailable as exc:
        return JSONResponse(Health(status="unavailable", store=store.backend, detail=str(exc)).model_dump(),
                            status_code=503)
    return Health(status="ok", store=store.backend, counts=CountsOut(nodes=counts.nodes, edges=counts.edges))
