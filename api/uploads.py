"""Uploaded files on disk: each request's in a folder of its own (one sub-folder per file, under the
name the user gave it, made safe) inside one uploads directory, removed when the request ends.
Folders that a server killed mid-request left behind are removed when a server starts."""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath

NAME_MAX = 100  # characters kept of an uploaded file's name (errors repeat it; file systems cap it)


def default_root() -> Path:
    return Path(tempfile.gettempdir()) / f"assurance-map-uploads-{os.getuid() if hasattr(os, 'getuid') else 0}"


def safe_name(raw: str | None, n: int) -> str:
    """The base name of an uploaded file as its user knows it, without directories, control
    characters or unpaired surrogates, and short enough for any file system (the extension kept)."""
    name = PurePath((raw or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp"))
    name = name.strip().lstrip(".")
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:10] if dot and stem else ""
        name = name[:NAME_MAX - len(ext) - 1 - 3] + "..." + ("." + ext if ext else "")
    return name or f"upload-{n}"


def new_folder(root: Path) -> Path:
    """A new, private folder for uploaded files; whoever makes it removes it (or the next start does)."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = root / f"{os.getpid()}-{secrets.token_hex(8)}"
    folder.mkdir(mode=0o700)
    return folder


@contextmanager
def upload_folder(root: Path) -> Iterator[Path]:
    """A new, private folder for one request's files, removed with them afterwards."""
    folder = new_folder(root)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_orphans(root: Path) -> int:
    """Remove the folders of servers that are no longer running; how many were removed."""
    removed = 0
    try:
        children = list(root.iterdir())
    except OSError:
        return 0
    for child in children:
        pid = child.name.split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(child, ignore_errors=True)
            removed += 1
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to someone else
        return True
    return True
