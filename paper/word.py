"""The panel paper as a Word document (python-docx), from the same document model as the PDF: A4,
page numbers in the footer, table headers repeated on each page, cell colours kept."""
from __future__ import annotations

import io
from typing import Any

from .document import Bullets, Cell, Document, Heading, Paragraph, Table, printable

FONT = "Arial"  # what Word has everywhere; LibreOffice shows it as Liberation Sans
INK = "1B1B1B"
HEADER_FILL = "1F3B57"


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), _hex(fill))
    cell._tc.get_or_add_tcPr().append(shd)


def _field(paragraph: Any, code: str) -> None:
    """A field Word fills in when it lays out the page (PAGE, NUMPAGES)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    size = paragraph.runs[-1].font.size if paragraph.runs else None
    for kind, text in (("begin", None), ("instrText", f" {code} "), ("separate", None), ("t", "1"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = size
        if text is None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:  # the instruction, then the number shown until Word or LibreOffice updates it
            el = OxmlElement(f"w:{kind}")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _row_flag(row: Any, flag: str) -> None:
    """w:tblHeader repeats a row at the top of each page; w:cantSplit keeps a row on one page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(f"w:{flag}")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _text(paragraph: Any, text: str, *, size: float | None = None, bold: bool = False, colour: str | None = None,
          italic: bool = False) -> None:
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(printable(text))
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    if colour:
        run.font.color.rgb = RGBColor.from_string(_hex(colour))


def _table(d: Any, t: Table, width_mm: float) -> None:
    from docx.shared import Mm, Pt

    size = 7.5 if t.compact else 8.5
    table = d.add_table(rows=1, cols=len(t.columns))
    table.style = "Table Grid"
    table.autofit = False
    head = table.rows[0]
    _row_flag(head, "tblHeader")
    for i, name in enumerate(t.columns):
        cell = head.cells[i]
        _shade(cell, HEADER_FILL)
        _text(cell.paragraphs[0], name, size=size, bold=True, colour="#FFFFFF")
    for row in t.rows:
        added = table.add_row()
        _row_flag(added, "cantSplit")
        for cell, c in zip(added.cells, row, strict=True):
            _cell(cell, c, size)
    for i, share in enumerate(t.widths):  # the grid (LibreOffice reads it) and every cell (Word does)
        table.columns[i].width = Mm(width_mm * share)
        for row in table.rows:
            row.cells[i].width = Mm(width_mm * share)
    d.add_paragraph().paragraph_format.space_after = Pt(2)


def _cell(cell: Any, c: Cell, size: float) -> None:
    from docx.shared import Pt

    if c.fill:
        _shade(cell, c.fill)
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    _text(p, c.text, size=size, bold=c.bold, colour=c.ink)
    if c.small:
        small = cell.add_paragraph()
        small.paragraph_format.space_after = Pt(0)
        _text(small, c.small, size=size - 1, colour=c.ink or "#5F6368")


def docx_bytes(doc: Document) -> bytes:
    from docx import Document as Word
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    d = Word()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(16)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    width_mm = 210 - 32
    normal = d.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(9.5)
    normal.font.color.rgb = RGBColor.from_string(INK)
    for name, size in (("Title", 20), ("Heading 1", 13), ("Heading 2", 10.5)):
        style = d.styles[name]
        style.font.name, style.font.size = FONT, Pt(size)
        style.font.color.rgb = RGBColor.from_string("1F3B57")
    d.core_properties.title = printable(doc.title)
    d.core_properties.subject = printable(doc.subtitle)
    d.core_properties.author = printable(doc.organisation)

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _text(header, doc.footer, size=7.5, colour="#5F6368")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _text(footer, "Page ", size=8, colour="#5F6368")
    _field(footer, "PAGE")
    _text(footer, " of ", size=8, colour="#5F6368")
    _field(footer, "NUMPAGES")

    _text(d.add_paragraph(), doc.organisation.upper(), size=8.5, colour="#5F6368")
    d.add_heading(printable(doc.title), level=0)
    _text(d.add_paragraph(), doc.subtitle, size=10.5)
    for line in doc.meta:
        _text(d.add_paragraph(), line, colour="#5F6368")
    for n, s in enumerate(doc.sections, 1):
        d.add_heading(printable(f"{n}. {s.title}"), level=1)
        for block in s.blocks:
            if isinstance(block, Heading):
                d.add_heading(printable(block.text), level=2)
            elif isinstance(block, Paragraph):
                p = d.add_paragraph()
                _text(p, block.text, size=8.5 if block.note else None, italic=block.note,
                      colour="#5F6368" if block.note else None)
            elif isinstance(block, Bullets):
                for item in block.items:
                    d.add_paragraph(printable(item), style="List Bullet")
            else:
                _table(d, block, width_mm)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
