"""One document layer: every source (Word, workbook, PDF, text, CSV) as ordered blocks of clean text."""
from .clean import clean, is_page_number, join_wrapped, one_line, strip_markup
from .model import Block, Document, Table, Text
from .read import EXTENSIONS, read_document, text_document

__all__ = ["Block", "Document", "EXTENSIONS", "Table", "Text", "clean", "is_page_number", "join_wrapped", "one_line",
           "read_document", "strip_markup", "text_document"]
