"""Imports: upload one or more map files; validate everything, then write once (or, on a dry run, not at all).

For editors in the browser, an import goes in three steps: `POST /imports/preview` keeps the files
for a short while under a token and says what was found (layout, column map with confidence,
rows read, merged and skipped, every warning and error with its place); `POST /imports/{token}`
writes them with the mapping the editor settled on; `DELETE /imports/{token}` drops them."""
import dataclasses
import secrets
import shutil
import threading
import time
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as InPath
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from graphmodel.audit import Change
from loaders.adapters import ADAPTERS
from loaders.adapters.oversight import GLOSSARY
from loaders.load import ADAPTER_NAMES, load
from loaders.preview import FilePreview, ReadOptions
from loaders.report import Issue, LoadReport

from ..auth import Principal
from ..deps import Editor, StoreDep
from ..models import CLOSED
from ..paths import TokenConvertor
from ..problems import MEDIA_TYPE, ProblemDetail
from ..uploads import new_folder, safe_name, upload_folder

router = APIRouter(prefix="/imports", tags=["imports"])
Adapter = Literal[ADAPTER_NAMES]  # type: ignore[valid-type]  # auto, generic, or a register layout
Token = Annotated[str, InPath(pattern=f"^{TokenConvertor.TOKEN}$", description="The token a preview gave.")]
TOO_LARGE: dict[int | str, dict[str, Any]] = {413: {"description": "The upload is larger than the server's limit."}}
CHUNK = 1 << 16
STAGED_SECONDS = 30 * 60  # an unfinished preview's files are dropped after this
STAGED_MAX = 16


class IssueOut(BaseModel):
    message: str
    file: str
    table: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None


class ColumnOut(BaseModel):
    header: str
    field: str
    confidence: float
    how: str


class TableOut(BaseModel):
    layout: str
    where: str
    columns: list[ColumnOut]
    ignored: list[str]


class PreviewOut(BaseModel):
    """One register as read: what the editor checks before writing."""

    file: str
    adapter: str
    scores: dict[str, float]
    prefix: str
    tables: list[TableOut]
    sections: list[str]
    rows_read: int
    merged: list[str]
    skipped: list[str]
    nodes: dict[str, int]
    edges: dict[str, int]
    fields: list[str] = Field(description="The fields a column of this layout can be given, besides 'ignore'.")
    mapping: dict = Field(description="adapter, prefix and columns: what a mapping file would save.")


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
    previews: list[PreviewOut] = []


class StagedReport(ImportReport):
    token: str = Field(description="Names the kept files: POST /imports/{token} writes them, DELETE drops them.")


class Mapping(BaseModel):
    """The editor's word over the guesses, for every file of the staged import."""

    model_config = CLOSED

    adapter: Adapter = "auto"
    prefix: str | None = None
    columns: dict[str, str] = Field(default_factory=dict, description="header as written -> field (or 'ignore')")


class ImportProblem(ProblemDetail):
    report: ImportReport | None = Field(None, description="Present when the files were read: the full report.")


def _issue(i: Issue, names: dict[str, str]) -> dict[str, Any]:
    return {"message": i.message, "file": names.get(i.file, i.file), "table": i.table, "row": i.row,
            "column": i.column, "value": None if i.value is None else str(i.value)}


def _preview(p: FilePreview, names: dict[str, str]) -> dict[str, Any]:
    body = dataclasses.asdict(p)
    body["file"] = names.get(p.file, p.file)
    fields = ADAPTERS[p.adapter].LAYOUT.field_names() + GLOSSARY.field_names()
    body["fields"] = sorted(set(fields))
    body["mapping"] = p.mapping()
    return body


def _report(r: LoadReport, names: dict[str, str]) -> dict[str, Any]:
    """The report in the user's terms: files by the names they uploaded, not where we kept them."""
    summary = r.summary()
    for path, name in names.items():
        summary = summary.replace(path, name)
    return {"files": [names.get(f, f) for f in r.files], "ok": r.ok, "written": r.written, "dry_run": r.dry_run,
            "nodes": r.nodes, "edges": r.edges, "errors": [_issue(i, names) for i in r.errors],
            "warnings": [_issue(i, names) for i in r.warnings], "seconds": round(r.seconds, 3),
            "summary": summary, "previews": [_preview(p, names) for p in r.previews]}


async def _receive(files: list[UploadFile], tmp: Path) -> tuple[list[Path], dict[str, str]]:
    """Each upload under its own folder in `tmp`, by the user's file name made safe (api.uploads).
    The guard has already refused a body beyond ASSURANCE_MAP_MAX_UPLOAD_MB, as it arrived."""
    paths, names = [], {}
    for n, upload in enumerate(files):
        name = safe_name(upload.filename, n)
        folder = tmp / str(n)  # one folder per file: two uploads may share a name
        folder.mkdir()
        path = folder / name
        with path.open("wb") as out:
            while chunk := await upload.read(CHUNK):
                out.write(chunk)
        paths.append(path)
        names[str(path)] = name
    return paths, names


def _import(who: Principal, names: dict[str, str]) -> Change:
    """How the audit log records an import (with the store's own count of what it wrote)."""
    return Change("import", who.name, {"files": list(names.values())})


def _invalid(body: dict[str, Any]) -> JSONResponse:
    problem = {"type": "about:blank", "title": "Invalid input", "status": 422,
               "detail": f"{len(body['errors'])} problem(s) in the files; nothing was written",
               "errors": [{"message": e["message"], "value": e["value"],
                           "loc": [x for x in (e["file"], e["table"], e["row"], e["column"]) if x]}
                          for e in body["errors"]],
               "report": body}
    return JSONResponse(problem, status_code=422, media_type=MEDIA_TYPE)


def _options(adapter: str, prefix: str | None, columns: dict[str, str]) -> ReadOptions:
    if adapter not in ADAPTER_NAMES:
        raise HTTPException(422, f"unknown adapter {adapter!r}; expected one of {', '.join(ADAPTER_NAMES)}")
    return ReadOptions(adapter, prefix, columns)


@dataclasses.dataclass
class _Staged:
    folder: Path
    paths: list[Path]
    names: dict[str, str]
    who: str
    created: float


class _Stage:
    """Uploaded files kept between a preview and its commit, for one editor, for a short while."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: dict[str, _Staged] = {}

    def put(self, item: _Staged) -> str:
        with self.lock:
            self._expire()
            while len(self.items) >= STAGED_MAX:
                self._drop(min(self.items, key=lambda t: self.items[t].created))
            token = secrets.token_urlsafe(24)
            self.items[token] = item
            return token

    def get(self, token: str, who: Principal) -> _Staged:
        with self.lock:
            self._expire()
            item = self.items.get(token)
        if item is None or item.who != who.name:
            raise HTTPException(404, "no such import preview (it may have expired: upload the files again)")
        return item

    def drop(self, token: str) -> None:
        with self.lock:
            self._drop(token)

    def _drop(self, token: str) -> None:
        item = self.items.pop(token, None)
        if item is not None:
            shutil.rmtree(item.folder, ignore_errors=True)

    def _expire(self) -> None:
        now = time.monotonic()
        for token in [t for t, i in self.items.items() if now - i.created > STAGED_SECONDS]:
            self._drop(token)


def _stage(request: Request) -> _Stage:
    if not hasattr(request.app.state, "staged_imports"):
        request.app.state.staged_imports = _Stage()
    return request.app.state.staged_imports


@router.post("/preview", response_model=StagedReport, name="preview_import",
             summary="Read files and say what was found; keep them to write",
             description="Nothing is written. The response gives, per register, the layout chosen, the column map "
                         "with confidence, sections, rows read, merged and skipped, and every warning and error; its "
                         "token names the kept files for `POST /imports/{token}` (write) or `DELETE` (cancel).",
             responses=TOO_LARGE)
async def preview(request: Request,
                  files: Annotated[list[UploadFile], File(min_length=1, description="One or more files.")],
                  store: StoreDep, who: Editor, adapter: Annotated[Adapter, Form()] = "auto",
                  prefix: Annotated[str | None, Form()] = None) -> Any:
    folder = new_folder(request.app.state.uploads)  # removed with the staged import, or at the next start
    try:
        paths, names = await _receive(files, folder)
        options = _options(adapter, prefix, {})
        report = await run_in_threadpool(load, paths, store, options.adapter, True, options=options)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    token = _stage(request).put(_Staged(folder, paths, names, who.name, time.monotonic()))
    return {**_report(report, names), "token": token}


@router.post("/{token:token}", response_model=ImportReport, name="commit_import",
             summary="Write a previewed import with the mapping settled on",
             responses={422: {"description": "The files have errors with this mapping; nothing was written.",
                              "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ImportProblem"}}}}})
async def commit(request: Request, token: Token, mapping: Mapping, store: StoreDep, who: Editor) -> Any:
    stage = _stage(request)
    item = stage.get(token, who)
    options = _options(mapping.adapter, mapping.prefix, mapping.columns)
    report = await run_in_threadpool(load, item.paths, store, options.adapter, False, options=options,
                                     change=_import(who, item.names))
    body = _report(report, item.names)
    if not report.ok:
        return _invalid(body)  # the files stay: the editor may change the mapping and try again
    stage.drop(token)
    return body


@router.delete("/{token:token}", status_code=204, name="cancel_import",
               summary="Cancel a previewed import: its files are dropped")
def cancel(request: Request, token: Token, who: Editor) -> None:
    stage = _stage(request)
    stage.get(token, who)
    stage.drop(token)


@router.post("", response_model=ImportReport, name="import_files",
             summary="Import map files (all or nothing)",
             description="Workbooks, CSV files (one per table, named after it), YAML or JSON, or register files for "
                         "an adapter. Every file is checked first; any error means nothing is written and the "
                         "response (422) lists every problem with file, table, row and column.",
             responses={**TOO_LARGE,
                        422: {"description": "The files have errors; nothing was written.",
                              "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ImportProblem"}}}}})
async def upload(request: Request,
                 files: Annotated[list[UploadFile], File(min_length=1, description="One or more map files.")],
                 store: StoreDep, who: Editor,
                 dry_run: Annotated[bool, Query(description="Validate only; write nothing.")] = False,
                 adapter: Annotated[Adapter, Query(
                     description="How to read the files: auto (tell from each), generic (the import format) or a "
                                 "register layout.")] = "auto") -> Any:
    with upload_folder(request.app.state.uploads) as tmp:
        paths, names = await _receive(files, tmp)
        report = await run_in_threadpool(load, paths, store, adapter, dry_run, change=_import(who, names))
    body = _report(report, names)
    if not report.ok:
        return _invalid(body)
    return body
