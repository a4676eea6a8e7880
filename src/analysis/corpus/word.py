"""Reader of Word files (``.docx``): headings as ``#`` lines, lists as ``- `` items, table rows
as ``cell | cell`` lines."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from analysis.corpus.errors import SkippedFile
from analysis.corpus.records import ReadOptions, Record, document_record, meaningful_title

EXTENSIONS = (".docx",)

_HEADING_STYLE = re.compile(r"(?:heading|titre)\s*(\d)", flags=re.IGNORECASE)


def read(path: Path, relative: str, options: ReadOptions) -> list[Record]:
    """Read one Word file as one document record (a :class:`.records.Reader`).

    The title is the file's title property, else its first ``#`` heading. ``options`` do not
    apply: a Word file carries its own encoding.

    Raises
    ------
    SkippedFile
        When the file does not open as a Word document or holds no text.
    """
    return [document_record({}, *_text_and_title(path, relative), relative)]


def _text_and_title(path: Path, relative: str) -> tuple[str, str | None]:
    import docx  # python-docx is heavy; imported only when a .docx is read
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as error:  # a damaged file fails in many ways (zip, XML, package)
        raise SkippedFile(
            f"{relative} : ne s’ouvre pas comme un document Word. "
            "Ouvrez-le dans Word ou LibreOffice et enregistrez-le de nouveau en .docx."
        ) from error
    blocks: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            blocks.append(_paragraph(Paragraph(element, document)))
        elif element.tag.endswith("}tbl"):
            blocks.extend(_table_rows(Table(element, document)))
    text = "\n\n".join(block for block in blocks if block.strip())
    if not text.strip():
        raise SkippedFile(f"{relative} : le document Word ne contient aucun texte.")
    title = meaningful_title(document.core_properties.title) or _opening_heading(blocks)
    return text, title


def _opening_heading(blocks: list[str]) -> str | None:
    """The text of the document's first block when it is a heading: a note titled in the
    "Heading 1" style rather than "Title" (whose text the loader takes as a "# " title)."""
    first = next((block for block in blocks if block.strip()), "")
    heading = re.fullmatch(r"#+ +(.+)", first)
    return heading.group(1).strip() if heading else None


def _paragraph(paragraph: Any) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    level = _heading_level(paragraph.style)
    if level is not None:
        return "#" * level + " " + text.replace("\n", " ")
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    style_name = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    if numbered or style_name.startswith(("list", "liste")):
        return "- " + text
    return text


def _heading_level(style: Any) -> int | None:
    """Markdown level of a Word style: Title -> 1, Heading 1 -> 2, Heading 2 -> 3..."""
    while style is not None:  # custom styles based on "Heading 1" are headings too
        name = (style.name or "").strip().lower()
        if name in ("title", "titre"):
            return 1
        match = _HEADING_STYLE.fullmatch(name)
        if match:
            return min(int(match.group(1)) + 1, 6)
        style = style.base_style
    return None


def _table_rows(table: Any) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        rows.append(" | ".join(cells))
    return rows
