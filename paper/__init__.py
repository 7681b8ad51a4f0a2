"""The panel paper: one document model (build.py) rendered to PDF (pdf.py, WeasyPrint) and Word
(word.py, python-docx), with its words from an editable template (template.py)."""
