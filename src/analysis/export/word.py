"""Every fiche in one Word document (``fiches.docx``): a themes table, then one fiche a page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis import labels
from analysis.export import document as blocks
from analysis.export.files import normalise_zip
from analysis.export.tables import xml_safe
from analysis.summaries import Fiche


def fiches_docx(
    fiches: Sequence[Fiche],
    themes: pd.DataFrame,
    *,
    stamp: dt.datetime,
    intro: Sequence[str],
    title: str = labels.EXPORT_LABELS["report_title"],
    figures: Mapping[str, bytes] | None = None,
) -> bytes:
    """Return every fiche in one Word document (a themes table, then one heading per fiche).

    ``title`` (``[export] title``) heads the document and fills its properties; ``figures``
    (PNG bytes by stem) are the report's figures, each fiche carrying its own.
    """
    figures = figures or {}
    import docx

    document = docx.Document()
    _set_french(document)
    properties = document.core_properties
    properties.title = xml_safe(title)
    properties.author = properties.last_modified_by = "analysis"
    properties.language = "fr-FR"
    properties.created = properties.modified = stamp
    properties.revision = 1
    document.add_heading(xml_safe(title), level=0)
    for line in intro:
        document.add_paragraph(xml_safe(line))
    document.add_heading(labels.EXPORT_LABELS["themes"], level=1)
    _grid(document, themes.columns, themes.itertuples(index=False))
    for fiche in fiches:
        document.add_page_break()
        for block in blocks.fiche_document(fiche, figures):
            _block(document, block, figures)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue())


def _block(document: Any, block: blocks.Block, figures: Mapping[str, bytes]) -> None:
    match block:
        case blocks.Heading(text, level):
            document.add_heading(xml_safe(text), level=level)
        case blocks.Paragraph(text, "note" | "empty"):
            document.add_paragraph().add_run(xml_safe(text)).italic = True
        case blocks.Paragraph(text, _, lead) if lead:
            paragraph = document.add_paragraph()
            paragraph.add_run(xml_safe(f"{lead}{labels.NBSP}: ")).bold = True
            paragraph.add_run(xml_safe(text))
        case blocks.Paragraph(text):
            document.add_paragraph(xml_safe(text))
        case blocks.Bullets(items):
            for item in items:
                document.add_paragraph(xml_safe(item), style="List Bullet")
        case blocks.Citation(text, source):
            document.add_paragraph(xml_safe(blocks.in_quotation_marks(text)), style="Quote")
            document.add_paragraph().add_run(xml_safe(f"— {source}")).italic = True
        case blocks.Groups(header, rows):
            grid = _grid(document, header, (row.cells for row in rows))
            for table_row, row in zip(grid.rows[1:], rows, strict=True):
                if row.note:  # after the label, in italics, as the Markdown line says it
                    label = table_row.cells[0].paragraphs[0]
                    label.add_run(xml_safe(f" {row.note}")).italic = True
        case blocks.Figure(stem, caption):
            from docx.shared import Cm

            document.add_picture(io.BytesIO(figures[stem]), width=Cm(15))
            document.add_paragraph().add_run(xml_safe(caption)).italic = True
        case _:
            raise TypeError(f"bloc de fiche inconnu : {type(block).__name__}")


def _grid(document: Any, header: Sequence[Any], rows: Any) -> Any:
    """A Word table: ``header``, then one row per item of ``rows`` (cells as :func:`xml_safe`)."""
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = "Light Grid Accent 1"
    for cell, column in zip(grid.rows[0].cells, header, strict=True):
        cell.text = xml_safe(column)
    for record in rows:
        for cell, value in zip(grid.add_row().cells, record, strict=True):
            cell.text = xml_safe(value)
    return grid


def _set_french(document: Any) -> None:
    """Mark the text as French, so that Word checks French spelling."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "fr-FR")
    properties.append(language)
