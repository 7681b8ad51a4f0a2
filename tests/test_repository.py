"""The repository stands alone: nothing reads or links a path outside it, and every relative link
in its documents leads to a file inside it."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache", "artifacts",
        "build", "dist"}
TEXT = {".py", ".md", ".toml", ".yaml", ".yml", ".cfg", ".txt", ".sh", ".html", ".js", ".css", ""}
OUTSIDE = re.compile(r"\.\./shared|shared/(?:SPEC|reference)|/work/")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def files() -> list[Path]:
    def kept(p: Path) -> bool:
        parts = p.relative_to(ROOT).parts
        return not SKIP & set(parts) and not any(part.endswith(".egg-info") for part in parts)

    return sorted(p for p in ROOT.rglob("*") if p.is_file() and p.suffix in TEXT and kept(p))


def test_nothing_names_a_path_outside_the_repository():
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in files() if p != Path(__file__).resolve()
             for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
             if OUTSIDE.search(line)]
    assert found == []


def test_relative_links_in_documents_stay_inside_and_exist():
    bad = []
    for doc in (p for p in files() if p.suffix == ".md"):
        for target in LINK.findall(doc.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:|#", target):
                continue  # a web address or an anchor in the same page
            path = (doc.parent / target.split("#")[0]).resolve()
            if not path.is_relative_to(ROOT) or not path.exists():
                bad.append(f"{doc.relative_to(ROOT)}: {target}")
    assert bad == []
