"""Write the reports: the only package of the workbook that writes files.

:func:`write_report` writes, into one folder:

========================  ==========================================================================
``segments.csv``          one row per segment: ``doc_id``, ``segment_id``, ``theme_id``,
                          ``theme_label``, ``function``, metadata, ``text``, ``lemmas``
``themes.csv``            one row per theme
``documents.csv``         document metadata (no text)
``<table>.csv``           one file per table given (recurrence, obstacles, proposals...)
``fiches.csv``            one row per fiche; ``fiches-sources.csv``: the segments behind each number
``protection-noms.csv``   what name protection replaced (rule, place, protected context: no name)
``fiches/NN-label.md``    one Markdown fiche per theme, ready to paste
``fiches.docx``           every fiche in one Word document (headings and tables)
``fiches.xlsx``           one workbook: fiches, themes, segments, recurrences, specificities...
``report.html``           the whole report in one self-contained page (figures inside, no script)
``figures/<name>.png``    each figure
========================  ==========================================================================

``segments.csv`` and ``themes.csv`` are always written (``analysis fiches`` reads them back);
``config.formats`` chooses among ``md``, ``docx``, ``xlsx``, ``csv`` (the other tables) and
``html``. CSV files are UTF-8, comma-separated, with list cells joined by ``"; "``.

Safety and reproducibility:

- people's names are replaced by ``[personne]`` everywhere unless ``protect_names`` is off
  (:mod:`analysis.privacy`);
- every file is written to a temporary file in the same folder, then moved into place with
  ``os.replace``: an interruption never leaves a half-written file;
- the same inputs give byte-identical files: Word/Excel document properties carry the date of
  the latest document of the corpus, zip entries a fixed date, PNG files no software stamp;
- corpus text is escaped in HTML (a ``<script>`` in a document shows as text) and the page
  forbids scripts (Content-Security-Policy); in Excel, illegal control characters are
  removed and a text starting with ``=`` stays text, never a formula; file names derived from
  titles keep only ``a-z``, ``0-9`` and ``-``.

One fiche, three renderers: :mod:`~analysis.export.document` turns a fiche into blocks once;
:mod:`~analysis.export.markdown`, :mod:`~analysis.export.word` and :mod:`~analysis.export.html`
only map those blocks to their format. The other modules: :mod:`~analysis.export.tables` (cells,
CSV, French headers), :mod:`~analysis.export.workbook` (Excel),
:mod:`~analysis.export.protection` (names), :mod:`~analysis.export.files` (atomic writes, stable
bytes) and :mod:`~analysis.export.report` (:func:`write_report`).

Example
-------
>>> report = ReportInput(documents=documents, segments=segments, themes=themes, fiches=fiches,
...                      tables=tables, figures=figures, config=ExportConfig())  # doctest: +SKIP
>>> written = write_report("reports", report)  # doctest: +SKIP
"""

from analysis.export.document import fiche_document
from analysis.export.errors import ExportError, ExportWarning
from analysis.export.files import atomic_write, fiche_file_names, figure_png, slugify
from analysis.export.html import html_table, report_html
from analysis.export.markdown import fiche_to_markdown, markdown_escape
from analysis.export.report import (
    FORMATS,
    NAMES_REPORT_FILE,
    ReportInput,
    check_report,
    report_files,
    write_files,
    write_report,
)
from analysis.export.tables import LIST_SEPARATOR, flatten, readable, segments_table
from analysis.export.word import fiches_docx
from analysis.export.workbook import sheet_name, workbook_bytes

__all__ = [
    "FORMATS",
    "LIST_SEPARATOR",
    "NAMES_REPORT_FILE",
    "ExportError",
    "ExportWarning",
    "ReportInput",
    "atomic_write",
    "check_report",
    "fiche_document",
    "fiche_file_names",
    "fiche_to_markdown",
    "fiches_docx",
    "figure_png",
    "flatten",
    "html_table",
    "markdown_escape",
    "readable",
    "report_files",
    "report_html",
    "segments_table",
    "sheet_name",
    "slugify",
    "workbook_bytes",
    "write_files",
    "write_report",
]
