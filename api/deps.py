"""Dependencies shared by the routers, as `Annotated` aliases: the store (it lives on app.state), the
caller's role, and the query parameters several routes take, typed and limited as the OpenAPI
document states them."""
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from pydantic import BeforeValidator

from graphmodel.store import Store
from graphmodel.values import DATE_FORM

from .auth import Principal, Role, public, require
from .models import MAX_OFFSET, Date, Day, Rel, RuleId  # noqa: F401 - Day and Date for the routers


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]

# The caller, admitted when they hold at least this role.
Viewer = Annotated[Principal, Depends(require(Role.viewer))]
Analyst = Annotated[Principal, Depends(require(Role.analyst))]
Editor = Annotated[Principal, Depends(require(Role.editor))]
Admin = Annotated[Principal, Depends(require(Role.admin))]
# A route open to anyone says so (see api.access: a route that declares nothing does not start).
Public = Annotated[None, Depends(public)]


def _commas(value: Any) -> Any:
    """`rule=G1,G3` reads as `rule=G1&rule=G3`, as on the command line."""
    if isinstance(value, list):
        return [part.strip() for item in value for part in (item.split(",") if isinstance(item, str) else [item])]
    return value


AsOf = Annotated[Date, Query(description=f"Judge at this date (default today): {DATE_FORM}.")]
RuleIds = Annotated[list[RuleId] | None, BeforeValidator(_commas),
                    Query(description="Only these rules: rule=G1&rule=G3 (rule=G1,G3 is read the same).")]
Area = Annotated[str | None, Query(min_length=1, description="Only the processes of this area (any case); an area "
                                                             "no process has is not found (404), and the problem "
                                                             "names the areas the map has.")]
RelFilter = Annotated[Rel | None, Query(description="Only this edge kind.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="How many to skip.")]
Limit = Annotated[int, Query(ge=1, le=10_000, description="How many at most.")]
