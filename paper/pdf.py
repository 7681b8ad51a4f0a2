"""The panel paper as PDF: the document model as HTML and CSS (paper.css: A4, page numbers, colours
printed), laid out by WeasyPrint with the fonts the machine has (DejaVu or Liberation from Debian)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .document import Bullets, Document, Heading, Paragraph, printable

_HERE = Path(__file__).resolve().parent
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(_HERE / "templates"), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                          finalize=lambda v: v if isinstance(v, Markup) else printable(v))


def _kind(block: Any) -> str:
    return {Heading: "heading", Paragraph: "paragraph", Bullets: "bullets"}.get(type(block), "table")


def html(doc: Document) -> str:
    """The paper as one HTML page, user text escaped."""
    sections = [{"title": s.title, "blocks": [{"kind": _kind(b), "item": b} for b in s.blocks]} for s in doc.sections]
    view = {"title": doc.title, "organisation": doc.organisation, "subtitle": doc.subtitle, "meta": doc.meta,
            "footer": doc.footer, "sections": sections}
    return _ENV.get_template("paper.html").render(doc=view, css=(_HERE / "paper.css").read_text(encoding="utf-8"))


def pdf_bytes(doc: Document) -> bytes:
    # Their progress notes (some written as WeasyPrint is imported) are not for users.
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from weasyprint import HTML

    # Nothing outside the page is fetched: no base URL, and the page links to nothing.
    data: bytes = HTML(string=html(doc), base_url=None).write_pdf()
    return data
