"""The panel paper, built from the map now and the changes since a snapshot, as PDF or Word."""
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from graphmodel.store.records import NAME_MAX
from paper.command import TITLE_MAX, make_paper, render
from paper.template import Template

from ..deps import AsOf, StoreDep, Viewer
from ..reports import policy_for

router = APIRouter(prefix="/papers", tags=["panel cycle"])
MEDIA = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

Since = Annotated[str | None, Query(max_length=NAME_MAX, description="The snapshot to compare with (default: the "
                                                                     "latest at or before the as-of date).")]
Title = Annotated[str | None, Query(min_length=1, max_length=TITLE_MAX, description="The paper's title (default: the "
                                                                                     "template's).")]


def template_for(request: Request) -> Template:
    """The server's paper template (ASSURANCE_MAP_PAPER_TEMPLATE), else the bundled one."""
    return Template.load(request.app.state.settings.paper_template)


@router.get("/current.{fmt}", response_class=Response, summary="The panel paper, as PDF or Word",
            description="Purpose and recommendation, coverage by area with the direction of travel, the heat map, "
                        "the high-severity findings with owners, the changes since the snapshot, the accepted gaps and "
                        "those due for review, the overdue actions by risk, and an appendix of every finding. A4, with "
                        "page numbers.",
            responses={200: {"content": {media: {"schema": {"type": "string", "format": "binary"}}
                                         for media in MEDIA.values()}}})
def current_paper(request: Request, fmt: Literal["pdf", "docx"], store: StoreDep, _: Viewer, since: Since = None,
                  as_of: AsOf = None, title: Title = None) -> Response:
    cache = request.app.state.reports
    doc = make_paper(store, since=since, as_of=as_of, title=title, template=template_for(request),
                     policy=policy_for(request), load=cache.snapshot, now=cache.state)
    name = f"panel-paper-{doc.as_of.isoformat()}.{fmt}"
    return Response(render(doc, fmt), media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
