"""Imports: upload one or more map files; validate everything, then write once (or, on a dry run, not at all)."""
import tempfile
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from loaders.load import load
from loaders.report import Issue, LoadReport

from ..deps import AuditDep, Editor, StoreDep
from ..problems import MEDIA_TYPE, RESPONSES, ProblemDetail

router = APIRouter(prefix="/imports", tags=["imports"],
                   responses={k: RESPONSES[k] for k in (401, 403, 413, 503)})
CHUNK = 1 << 16


class IssueOut(BaseModel):
    message: str
    file: str
    table: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None


class ImportReport(BaseModel):
    files: list[str]
    ok: bool
    written: bool
    dry_run: bool
    nodes: dict[str, int]
    edges: dict[str, int]
    errors: list[IssueOut]
    warnings: list[IssueOut]
    seconds: float
    summary: str


class ImportProblem(ProblemDetail):
    report: ImportReport | None = Field(None, description="Present when the files were read: the full report.")


def _issue(i: Issue, names: dict[str, str]) -> dict[str, Any]:
    return {"message": i.message, "file": names.get(i.file, i.file), "table": i.table, "row": i.row,
            "column": i.column, "value": None if i.value is None else str(i.value)}


def _report(r: LoadReport, names: dict[str, str]) -> dict[str, Any]:
    """The report in the user's terms: files by the names they uploaded, not where we kept them."""
    return {"files": [names.get(f, f) for f in r.files], "ok": r.ok, "written": r.written, "dry_run": r.dry_run,
            "nodes": r.nodes, "edges": r.edges, "errors": [_issue(i, names) for i in r.errors],
            "warnings": [_issue(i, names) for i in r.warnings], "seconds": round(r.seconds, 3),
            "summary": r.summary()}


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the upload is larger than the limit of {limit / 1024 / 1024:g} MB")


@router.post("", response_model=ImportReport, summary="Import map files (all or nothing)",
             description="Workbooks, CSV files (one per table, named after it), YAML or JSON, or register files for "
                         "an adapter. Every file is checked first; any error means nothing is written and the "
                         "response (422) lists every problem with file, table, row and column.",
             responses={422: {"description": "The files have errors; nothing was written.",
                              "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ImportProblem"}}}}})
async def upload(request: Request, files: Annotated[list[UploadFile], File(description="One or more map files.")],
                 store: StoreDep, audit: AuditDep, who: Editor,
                 dry_run: Annotated[bool, Query(description="Validate only; write nothing.")] = False,
                 adapter: Annotated[str, Query(description="auto, generic, risk-register, delivery-plan or "
                                                           "assurance-programme.")] = "auto") -> Any:
    limit = request.app.state.settings.max_upload_bytes
    if int(request.headers.get("content-length") or 0) > limit:
        raise _too_large(limit)
    with tempfile.TemporaryDirectory(prefix="assurance-map-upload-") as tmp:
        paths: list[Path] = []
        names: dict[str, str] = {}
        total = 0
        for n, upload in enumerate(files):
            # Keep the user's file name (errors name it) but never its directories.
            name = PurePath((upload.filename or "").replace("\\", "/")).name
            if name in ("", ".", "..") or "\x00" in name:
                name = f"upload-{n}"
            folder = Path(tmp) / str(n)  # one folder per file: two uploads may share a name
            folder.mkdir()
            path = folder / name
            with path.open("wb") as out:
                while chunk := await upload.read(CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise _too_large(limit)
                    out.write(chunk)
            paths.append(path)
            names[str(path)] = name
        report = await run_in_threadpool(load, paths, store, adapter, dry_run)
    body = _report(report, names)
    if not report.ok:
        problem = {"type": "about:blank", "title": "Invalid input", "status": 422,
                   "detail": f"{len(report.errors)} problem(s) in the files; nothing was written",
                   "errors": [{"message": e["message"], "value": e["value"],
                               "loc": [x for x in (e["file"], e["table"], e["row"], e["column"]) if x]}
                              for e in body["errors"]],
                   "report": body}
        return JSONResponse(problem, status_code=422, media_type=MEDIA_TYPE)
    if report.written:
        audit.record(who.name, "import", files=body["files"], nodes=report.nodes, edges=report.edges)
    return body
