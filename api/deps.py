"""Dependencies shared by the routers, as `Annotated` aliases: the store (it lives on app.state), the
caller's role, and the query parameters several routes take."""
import datetime as dt
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import BeforeValidator

from graphmodel.store import Store
from graphmodel.values import DATE_FORM, strict_date

from .auth import Principal, Role, public, require


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


def _date(value: object) -> dt.date | None:
    return None if value is None else strict_date(value)


# The one date type of the API, for every date a request gives (query or body): YYYY-MM-DD only,
# within graphmodel.values.EARLIEST..LATEST; anything else is refused naming the form.
Date = Annotated[dt.date | None, BeforeValidator(_date)]
AsOf = Annotated[Date, Query(description=f"Judge at this date (default today): {DATE_FORM}.")]
RuleIds = Annotated[list[str] | None, Query(description="Only these rules: rule=G1,G3 or rule=G1&rule=G3.")]
Area = Annotated[str | None, Query(description="Only the processes of this area (any case); an area no process "
                                               "has is refused (422) with the areas the map has.")]
Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=10_000)]
