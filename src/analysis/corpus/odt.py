"""Reader of OpenDocument text files (``.odt``, LibreOffice's and the French administration's
format): headings as ``#`` lines, lists as ``- `` items, table rows as ``cell | cell`` lines,
as the Word reader writes them.

An ``.odt`` file is a zip holding ``content.xml`` (the text) and ``meta.xml`` (its title); the
standard library reads both. Text that is not the document's own is left out: comments,
footnote and endnote bodies, text deleted under change tracking, drawings and image
descriptions.

The sheets of an OpenDocument spreadsheet (``.ods``, LibreOffice Calc's format) are read here
too (:func:`spreadsheet_rows`), with the same text rules, for the table reader.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from analysis.corpus.errors import CorpusError, SkippedFile
from analysis.corpus.records import ReadOptions, Record, document_record, meaningful_title

EXTENSIONS = (".odt",)

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_TEXT, _TABLE, _STYLE, _OFFICE = (
    f"{{{_NS[prefix]}}}" for prefix in ("text", "table", "style", "office")
)

# elements whose text is not the document's own
_LEFT_OUT = {
    _OFFICE + "annotation",
    _OFFICE + "annotation-end",
    _TEXT + "note",  # footnotes and endnotes (their citation mark too)
    _TEXT + "tracked-changes",  # deleted text kept for change tracking
    _TEXT + "bookmark-ref",
}
# what holds a table's rows besides the table itself
_ROW_GROUPS = {_TABLE + group for group in ("table-header-rows", "table-rows", "table-row-group")}
_TITLE_STYLES = re.compile(r"(?:title|titre)", flags=re.IGNORECASE)


def read(path: Path, relative: str, options: ReadOptions) -> list[Record]:
    """Read one OpenDocument text file as one document record (a :class:`.records.Reader`).

    The title is the file's title property, else its first ``#`` heading. ``options`` do not
    apply: the file carries its own encoding.

    Raises
    ------
    SkippedFile
        When the file does not open as an OpenDocument text or holds no text.
    """
    return [document_record({}, *_text_and_title(path, relative), relative)]


def _text_and_title(path: Path, relative: str) -> tuple[str, str | None]:
    try:
        with zipfile.ZipFile(path) as package:
            content = ET.fromstring(package.read("content.xml"))
            names = package.namelist()
            meta = ET.fromstring(package.read("meta.xml")) if "meta.xml" in names else None
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError) as error:
        raise SkippedFile(
            f"{relative} : ne s’ouvre pas comme un document OpenDocument ({error}). Ouvrez-le "
            "dans LibreOffice et enregistrez-le de nouveau en .odt (ou en .docx)."
        ) from error
    body = content.find("office:body/office:text", _NS)
    blocks = _blocks(body, _title_styles(content)) if body is not None else []
    text = "\n\n".join(block for block in blocks if block.strip())
    if not text.strip():
        raise SkippedFile(f"{relative} : le document OpenDocument ne contient aucun texte.")
    title = ""
    if meta is not None:
        title = meta.findtext("office:meta/dc:title", default="", namespaces=_NS)
    return text, meaningful_title(title)


def _title_styles(content: ET.Element) -> set[str]:
    """Names of the paragraph styles that are the document's title: "Title" and the automatic
    styles LibreOffice derives from it ("P1", parent "Title")."""
    titles = set()
    for style in content.iter(_STYLE + "style"):
        name = style.get(_STYLE + "name", "")
        parent = style.get(_STYLE + "parent-style-name", "")
        if _TITLE_STYLES.fullmatch(name) or _TITLE_STYLES.fullmatch(parent):
            titles.add(name)
    return titles | {"Title", "Titre"}


def _blocks(
    container: ET.Element, titles: set[str], *, item: bool = False, marks: bool = True
) -> list[str]:
    """The paragraphs of a text container, in order: sections and lists are opened, tables
    give a line per row. Without ``marks``, no ``#`` nor ``- `` (a table cell's text)."""
    blocks: list[str] = []
    for element in container:
        tag = element.tag
        text = _inline(element).strip(" ") if tag in (_TEXT + "h", _TEXT + "p") else ""
        if tag == _TEXT + "h" and text.strip():
            level = int(element.get(_TEXT + "outline-level", "1") or 1)
            mark = "#" * min(level + 1, 6) + " " if marks else ""
            blocks.append(mark + text.replace("\n", " "))
        elif tag == _TEXT + "p" and text.strip():
            if marks and element.get(_TEXT + "style-name", "") in titles:
                blocks.append("# " + text.replace("\n", " "))
            else:
                blocks.append(("- " if item and marks else "") + text)
        elif tag == _TEXT + "list":
            for entry in element:
                if entry.tag in (_TEXT + "list-item", _TEXT + "list-header"):
                    blocks.extend(_blocks(entry, titles, item=True, marks=marks))
        elif tag == _TABLE + "table":
            blocks.extend(_table_rows(element))
        elif tag not in _LEFT_OUT and tag.startswith(_TEXT):  # sections, index bodies
            blocks.extend(_blocks(element, titles, item=item, marks=marks))
    return blocks


def _inline(element: ET.Element) -> str:
    """A paragraph's text: spans and links opened, ``text:s`` as its spaces, tabs and line
    breaks as such, notes, comments and tracked deletions left out."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == _TEXT + "s":
            parts.append(" " * int(child.get(_TEXT + "c", "1") or 1))
        elif tag == _TEXT + "tab":
            parts.append("\t")
        elif tag == _TEXT + "line-break":
            parts.append("\n")
        elif tag not in _LEFT_OUT and tag.startswith(_TEXT):  # spans, links, fields
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _table_rows(table: ET.Element) -> list[str]:
    rows = []
    for row in _rows(table):
        cells: list[str] = []
        for cell in row:
            if cell.tag != _TABLE + "table-cell":  # covered cells of merged ones hold nothing
                continue
            text = " ".join(b for b in _blocks(cell, set(), marks=False) if b.strip())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows


def _rows(table: ET.Element) -> list[ET.Element]:
    """A table's rows, header rows and grouped rows included, not those of a table nested in
    one of its cells."""
    rows = []
    for child in table:
        if child.tag == _TABLE + "table-row":
            rows.append(child)
        elif child.tag in _ROW_GROUPS:
            rows.extend(_rows(child))
    return rows


def spreadsheet_rows(path: Path, name: str) -> dict[str, list[list[str]]]:
    """The sheets of an OpenDocument spreadsheet, each as rows of cell texts.

    A cell's paragraphs are its lines; ``text:s``, tabs and line breaks are kept; comments
    are left out; a date cell gives its ISO date ("2023-04-28", "2023-04-28T14:30:00"), any
    other cell the text the spreadsheet shows. Repeated rows and cells are expanded; the empty
    rows and columns around the table (Calc writes them up to its millionth row) are not.

    Raises
    ------
    CorpusError
        When the file does not open as an OpenDocument spreadsheet.
    """
    try:
        with zipfile.ZipFile(path) as package:
            content = ET.fromstring(package.read("content.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError) as error:
        raise CorpusError(
            f"{name} : ne s’ouvre pas comme un classeur OpenDocument (LibreOffice Calc) "
            f"({error}). Ouvrez-le dans un tableur et enregistrez-le de nouveau en .ods."
        ) from error
    body = content.find("office:body/office:spreadsheet", _NS)
    tables = body.findall("table:table", _NS) if body is not None else []
    if not tables:
        raise CorpusError(
            f"{name} : le fichier n’est pas un classeur OpenDocument (aucune feuille). "
            "Enregistrez-le depuis LibreOffice Calc en .ods, ou en .csv."
        )
    return {
        table.get(_TABLE + "name", f"Feuille{i + 1}"): _sheet(table)
        for i, table in enumerate(tables)
    }


def _sheet(table: ET.Element) -> list[list[str]]:
    """A sheet's rows, the empty cells and rows after the last filled ones left out."""
    rows: list[list[str]] = []
    blank_rows = 0  # empty rows since the last filled one: kept only if a filled one follows
    for row in _rows(table):
        cells: list[str] = []
        blank_cells = 0
        for cell in row:
            if cell.tag not in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                continue
            repeat = int(cell.get(_TABLE + "number-columns-repeated", "1") or 1)
            text = _cell_text(cell)
            if not text.strip():
                blank_cells += repeat
                continue
            cells.extend([""] * blank_cells + [text] * repeat)
            blank_cells = 0
        repeat = int(row.get(_TABLE + "number-rows-repeated", "1") or 1)
        if not cells:
            blank_rows += repeat
            continue
        rows.extend([[] for _ in range(blank_rows)] + [list(cells) for _ in range(repeat)])
        blank_rows = 0
    return rows


def _cell_text(cell: ET.Element) -> str:
    """A cell's lines: its paragraphs and list items, blank ones kept (a blank line between
    two paragraphs of a cell stays one)."""
    if cell.get(_OFFICE + "value-type") == "date":
        return cell.get(_OFFICE + "date-value", "")
    lines: list[str] = []
    for child in cell:
        if child.tag in (_TEXT + "p", _TEXT + "h"):
            lines.append(_inline(child))
        elif child.tag == _TEXT + "list":
            for entry in child:
                lines.extend(_blocks(entry, set(), marks=False))
    return "\n".join(lines)
