"""Reading the user's corpus: every supported input becomes one documents table.

This is the only module that reads the user's input. Whatever the format (a folder of
Markdown/text, Word or PDF files, a platform export table, an IRaMuTeQ corpus file), the result
is the same DataFrame: the columns of :data:`analysis.schema.DOCUMENT_COLUMNS`, then ``file``
(the input file, relative to the corpus root), then any extra metadata (``atelier``...) in
alphabetical order. Rows are sorted by ``doc_id``, so the table does not depend on the order
of the files on disk. The user's files are only ever opened for reading.

``text`` is the document body exactly as in the file, except that line endings become ``"\\n"``
(Word headings become ``## `` lines, HTML in table fields becomes plain text): segmentation
computes character offsets into it.

Bad input raises :class:`CorpusError` or warns with :class:`CorpusWarning` (and skips what it
cannot read); ``corpus/README.md`` lists which is which.

Example
-------
>>> from analysis.corpus import load_corpus, corpus_overview
>>> documents = load_corpus("corpus")  # doctest: +SKIP
>>> corpus_overview(documents)[["city", "n_documents"]].head(2)  # doctest: +SKIP
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import html
import io
import json
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis import schema
from analysis.config import AnalysisConfig

DOCUMENT_EXTENSIONS = (".md", ".markdown", ".txt", ".docx", ".pdf")
TABLE_EXTENSIONS = (".csv", ".tsv", ".xlsx", ".json", ".jsonl")
ANNOTATIONS_FILE = "annotations.csv"

# IRaMuTeQ variable names (no "_" allowed in them) <-> document columns.
IRAMUTEQ_VARIABLES: dict[str, str] = {
    schema.DOC_ID: "id",
    schema.CONCERTATION_ID: "concertation",
    schema.CITY: "ville",
    schema.DATE: "date",
    schema.DOC_TYPE: "type",
}

_FRONT_MATTER_KEYS = {
    "id": schema.DOC_ID,
    schema.DOC_ID: schema.DOC_ID,
    "concertation": schema.CONCERTATION_ID,
    schema.CONCERTATION_ID: schema.CONCERTATION_ID,
    schema.TITLE: schema.TITLE,
    schema.DATE: schema.DATE,
    schema.CITY: schema.CITY,
    schema.DOC_TYPE: schema.DOC_TYPE,
    schema.SOURCE: schema.SOURCE,
}
_DOCUMENTED_KEYS = ("id", "title", "date", "city", "concertation", "doc_type", "source")
_KEY_ALIASES = {  # French spellings accepted in front matter and IRaMuTeQ variables
    **_FRONT_MATTER_KEYS,
    "ville": schema.CITY,
    "type": schema.DOC_TYPE,
    "titre": schema.TITLE,
}
_RESERVED_KEYS = (schema.TEXT, schema.FILE)
_STRING_COLUMNS = tuple(c for c in schema.DOCUMENT_COLUMNS if c not in (schema.DATE, schema.TEXT))
_FORMAT_HINTS = {
    ".doc": "save it as .docx",
    ".odt": "save it as .docx",
    ".rtf": "save it as .docx",
    ".html": "save it as .md or .txt",
    ".htm": "save it as .md or .txt",
    ".xls": "save it as .xlsx and pass the table itself as CORPUS",
}


class CorpusError(ValueError):
    """The corpus cannot be loaded as it is; the message names the file and what to do."""


class CorpusWarning(UserWarning):
    """Part of the corpus was skipped or guessed; the message names the file and why."""


class _Skipped(Exception):
    """A file that is reported with a warning and left out (internal)."""


def _warn(message: str) -> None:
    warnings.warn(message, CorpusWarning, stacklevel=3)


# --- entry points -------------------------------------------------------------------------------


def load_corpus(
    path: str | Path,
    *,
    text_column: str | None = None,
    id_column: str | None = None,
    meta_columns: Sequence[str] = (),
    encoding: str = "auto",
) -> pd.DataFrame:
    """Load a corpus (folder, table or IRaMuTeQ file) as the documents table.

    Parameters
    ----------
    path
        A folder of ``.md``/``.txt``/``.docx``/``.pdf`` files (searched recursively), a table
        (``.csv``, ``.tsv``, ``.xlsx``, ``.json``, ``.jsonl``), an IRaMuTeQ corpus (``.txt``
        whose first line starts with ``****``) or a single document file.
    text_column
        Tables only: the column holding the text. ``None`` uses a column named ``text`` or, with
        a warning, the column with the longest texts.
    id_column
        Tables only: the column holding a unique document id; ``None`` numbers the rows
        (``row-0001``...).
    meta_columns
        Tables only: extra columns to keep. ``"city=Ville"`` keeps column ``Ville`` under the
        name ``city`` (so a column can fill ``city``, ``date``, ``title``...).
    encoding
        ``"auto"`` reads UTF-8 (with or without BOM) and falls back to cp1252, then latin-1,
        with a warning naming the file; any other value is a Python codec name, used strictly.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, concertation_id, city, date, doc_type, title, text, source, file``,
        then extra metadata in alphabetical order; sorted by ``doc_id``; ``date`` is
        ``datetime64[ns]`` (NaT when unknown); other missing text fields are ``""``.

    Raises
    ------
    CorpusError
        When the path is missing, holds nothing loadable, or a file is malformed (front matter,
        date, duplicate ids, missing column...): the message names the file and what to do.
    """
    path = Path(path)
    _check_encoding(encoding)
    if isinstance(meta_columns, str):  # "a,b" as typed on the command line
        meta_columns = [c.strip() for c in meta_columns.split(",") if c.strip()]
    if path.is_dir():
        records = _load_folder(path, encoding=encoding)
    elif path.is_file():
        records = _load_file(
            path,
            text_column=text_column,
            id_column=id_column,
            meta_columns=meta_columns,
            encoding=encoding,
        )
    else:
        raise CorpusError(f"Corpus not found: {path}. Give a folder of documents or a table file.")
    if path.is_dir() and (text_column or id_column or meta_columns):
        _warn(
            f"{path}: text_column, id_column and meta_columns apply to tables only; they are "
            "ignored for a folder of documents."
        )
    _check_duplicates(records)
    _warn_missing_city_or_date(records)
    return _documents_frame(records)


def load_corpus_from_config(config: AnalysisConfig) -> pd.DataFrame:
    """Load the corpus that ``config.corpus`` describes (path resolved against ``base_dir``).

    Parameters
    ----------
    config
        The analysis settings; uses ``config.corpus`` (path, text_column, id_column,
        meta_columns, encoding).

    Returns
    -------
    pandas.DataFrame
        The documents table (see :func:`load_corpus`).

    Raises
    ------
    CorpusError
        As :func:`load_corpus`.
    """
    settings = config.corpus
    return load_corpus(
        config.resolve(settings.path),
        text_column=settings.text_column,
        id_column=settings.id_column,
        meta_columns=settings.meta_columns,
        encoding=settings.encoding,
    )


def _load_file(
    path: Path,
    *,
    text_column: str | None,
    id_column: str | None,
    meta_columns: Sequence[str],
    encoding: str,
) -> list[dict[str, Any]]:
    """Load one file given directly as the corpus: a table, an IRaMuTeQ file or a document."""
    suffix = path.suffix.lower()
    if suffix in TABLE_EXTENSIONS:
        return _load_table(
            path,
            text_column=text_column,
            id_column=id_column,
            meta_columns=meta_columns,
            encoding=encoding,
        )
    if suffix not in DOCUMENT_EXTENSIONS:
        hint = _FORMAT_HINTS.get(suffix, "convert it to one of them")
        raise CorpusError(
            f"{path.name}: unsupported file type '{suffix or '(none)'}'. Supported: a folder, "
            f"{', '.join(DOCUMENT_EXTENSIONS + TABLE_EXTENSIONS)}; {hint}."
        )
    try:
        return _read_document(path, path.name, encoding=encoding)
    except _Skipped as skipped:
        raise CorpusError(f"{skipped} Nothing else to load.") from None


# --- folders ------------------------------------------------------------------------------------


def _load_folder(root: Path, *, encoding: str) -> list[dict[str, Any]]:
    """Load every document file under ``root``; warn about and skip what cannot be read."""
    documents, unknown = _list_folder(root)
    if unknown:
        _warn_unknown_files(unknown)
    if not documents:
        raise CorpusError(
            f"{root}: no document found (looked for {', '.join(DOCUMENT_EXTENSIONS)} files, "
            "README.md and names starting with '.' or '_' left aside). Put the documents in this "
            "folder, or give a table file (.csv, .xlsx, .json) as the corpus."
        )
    records: list[dict[str, Any]] = []
    skipped: list[str] = []
    for relative in documents:
        try:
            records.extend(_read_document(root / relative, relative, encoding=encoding))
        except _Skipped as reason:
            _warn(str(reason))
            skipped.append(relative)
    if not records:
        raise CorpusError(
            f"{root}: none of the {len(documents)} document files could be loaded "
            f"({', '.join(skipped)}); see the warnings above."
        )
    return records


def _list_folder(root: Path) -> tuple[list[str], list[str]]:
    """Return the document files and the unknown files under ``root``, as sorted POSIX paths."""
    documents: list[str] = []
    unknown: list[str] = []
    for folder, subfolders, files in os.walk(root):
        # hidden or private folders (.git, _drafts) are not part of the corpus
        subfolders[:] = sorted(d for d in subfolders if not d.startswith((".", "_")))
        for name in sorted(files):
            if name.startswith((".", "_")) or _is_ignored(name):
                continue
            relative = (Path(folder) / name).relative_to(root).as_posix()
            if Path(name).suffix.lower() in DOCUMENT_EXTENSIONS:
                documents.append(relative)
            else:
                unknown.append(relative)
    return sorted(documents), sorted(unknown)


def _is_ignored(name: str) -> bool:
    lowered = name.lower()
    return lowered == ANNOTATIONS_FILE or lowered in ("readme.md", "readme.txt", "readme")


def _warn_unknown_files(unknown: list[str]) -> None:
    described = []
    for relative in unknown:
        suffix = Path(relative).suffix.lower()
        if suffix in TABLE_EXTENSIONS:
            hint = "a table: give it as CORPUS on its own"
        else:
            hint = _FORMAT_HINTS.get(suffix, "unknown type")
        described.append(f"{relative} ({hint})")
    _warn(
        f"{len(unknown)} file(s) skipped, not a supported document type "
        f"({', '.join(DOCUMENT_EXTENSIONS)}): {'; '.join(described)}."
    )


def _read_document(path: Path, relative: str, *, encoding: str) -> list[dict[str, Any]]:
    """Read one document file; an IRaMuTeQ ``.txt`` gives one record per text."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return [_document_record({}, *_read_docx(path, relative), relative)]
    if suffix == ".pdf":
        return [_document_record({}, _read_pdf(path, relative), None, relative)]
    text = _decode(_read_bytes(path, relative), relative, encoding=encoding)
    if suffix == ".txt" and _is_iramuteq(text):
        return _iramuteq_records(text, relative)
    meta, body = _split_front_matter(text, relative)
    if not body.strip():
        raise _Skipped(f"{relative}: no text after the front matter; file skipped. Add the text.")
    return [_document_record(meta, body, None, relative)]


def _read_bytes(path: Path, relative: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _Skipped(
            f"{relative}: cannot be read ({error.strerror}); file skipped. Check that it is not "
            "open in another program and that you may read it."
        ) from error
    if not data.strip():
        raise _Skipped(f"{relative}: empty file; skipped. Remove it or write its text.")
    return data


# --- decoding -----------------------------------------------------------------------------------

_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â€|Â[\u00a0-\u00bf]")


def _check_encoding(encoding: str) -> None:
    if encoding == "auto":
        return
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise CorpusError(
            f"Unknown encoding {encoding!r}: use 'auto' or a Python codec name such as "
            "'utf-8', 'cp1252' or 'latin-1'."
        ) from None


def _decode(data: bytes, name: str, *, encoding: str = "auto") -> str:
    """Decode a file's bytes and normalise its line endings to ``"\\n"``.

    Raises ``_Skipped`` for binary data, :class:`CorpusError` when an explicit encoding fails;
    warns when ``"auto"`` falls back to a Windows/Latin-1 reading or the text looks garbled.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    elif b"\x00" in data[:8192]:
        raise _Skipped(
            f"{name}: binary content, not text (a renamed file?); skipped. Save it as plain "
            "text (.txt/.md, UTF-8) or as .docx."
        )
    elif encoding != "auto":
        text = _decode_strictly(data, name, encoding)
    else:
        text = _decode_auto(data, name)
    if _MOJIBAKE.search(text):
        sample = _MOJIBAKE.search(text).group(0)  # type: ignore[union-attr]
        _warn(
            f"{name}: the text holds sequences such as {sample!r} typical of accents encoded "
            "twice (UTF-8 read as Windows-1252); re-save the file from its original program."
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_strictly(data: bytes, name: str, encoding: str) -> str:
    codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CorpusError(
            f"{name}, line {line}: not valid {encoding} (byte {data[error.start]:#04x}). "
            "Check the file's encoding, or use encoding 'auto'."
        ) from error


def _decode_auto(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text, used = data.decode("cp1252"), "Windows-1252 (cp1252)"
    except UnicodeDecodeError:
        text, used = data.decode("latin-1"), "Latin-1 (ISO-8859-1)"
    _warn(
        f"{name}: not UTF-8; read as {used}. Check a few accented words; re-save the file as "
        "UTF-8 to silence this warning."
    )
    return text


# --- Markdown / text with front matter ------------------------------------------------------------

_FENCE = re.compile(r"---[ \t]*")
_CLOSING_FENCES = ("---", "...")


def _split_front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    """Return the YAML front matter (``{}`` when none) and the body that follows it, unchanged."""
    lines = text.split("\n")
    if not _FENCE.fullmatch(lines[0]):
        return {}, text
    closing = next(
        (i for i in range(1, len(lines)) if lines[i].rstrip() in _CLOSING_FENCES),
        None,
    )
    if closing is None:
        raise CorpusError(
            f"{name}, line 1: the front matter opened by '---' is never closed. Add a line "
            "'---' after its last key (or remove line 1 if the file has no front matter)."
        )
    source = "\n".join(lines[1:closing])
    try:
        meta = yaml.safe_load(source) if source.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f", line {mark.line + 2}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).split("\n")[0]
        raise CorpusError(
            f"{name}{where}: the front matter is not valid YAML ({problem}). Write one "
            "'key: value' per line and put values holding ':' or quotes between double quotes, "
            'e.g. title: "Dijon : restitution".'
        ) from error
    except ValueError as error:  # YAML reads 2023-02-30 as a date, and fails
        raise CorpusError(
            f"{name}{_impossible_date_line(lines[1:closing])}: impossible date in the front "
            f"matter ({error}). Check it and write it as YYYY-MM-DD."
        ) from error
    if not isinstance(meta, dict):
        raise CorpusError(
            f"{name}: the front matter must be 'key: value' lines (got a {type(meta).__name__})."
        )
    return meta, "\n".join(lines[closing + 1 :])


def _impossible_date_line(lines: list[str]) -> str:
    for number, line in enumerate(lines, start=2):
        for found in re.findall(r"\d{4}-\d{2}-\d{2}", line):
            try:
                dt.date.fromisoformat(found)
            except ValueError:
                return f", line {number}"
    return ""


def _document_record(
    meta: Mapping[Any, Any], text: str, title: str | None, relative: str
) -> dict[str, Any]:
    """Build one document's record from its metadata, text and path; infer city and date."""
    record: dict[str, Any] = dict.fromkeys(schema.DOCUMENT_COLUMNS, "")
    record[schema.DATE] = pd.NaT
    for key, value in meta.items():
        _set_field(record, str(key), value, relative)
    stem = Path(relative).stem
    record[schema.TEXT] = text
    record[schema.FILE] = relative
    record["_origin"] = relative
    record[schema.DOC_ID] = record[schema.DOC_ID] or stem
    record[schema.SOURCE] = record[schema.SOURCE] or relative
    record[schema.TITLE] = record[schema.TITLE] or title or _first_title(text) or stem
    inferred_date, inferred_city = _infer_from_path(relative)
    if pd.isna(record[schema.DATE]) and inferred_date is not None:
        record[schema.DATE] = inferred_date
    if not record[schema.CITY] and inferred_city:
        record[schema.CITY] = inferred_city
    folder = Path(relative).parent.as_posix()
    if not record[schema.CONCERTATION_ID] and folder != ".":
        record[schema.CONCERTATION_ID] = folder  # one folder per concertation, the usual layout
    return record


def _set_field(record: dict[str, Any], key: str, value: Any, where: str) -> None:
    if key in _RESERVED_KEYS:
        raise CorpusError(
            f"{where}: metadata key '{key}' is reserved (the loader fills it); rename it."
        )
    column = _KEY_ALIASES.get(key, key)
    if column == schema.DATE:
        record[column] = _parse_date(value, f"{where}: date")
    elif column in _STRING_COLUMNS:
        record[column] = "" if value is None else str(value).strip()
    else:
        guess = schema.closest_name(key, _DOCUMENTED_KEYS)
        if guess and key != schema.ATELIER:
            _warn(f"{where}: unknown key '{key}' kept as extra metadata; did you mean '{guess}'?")
        record[column] = value


def _first_title(text: str) -> str | None:
    match = re.search(r"^# +(\S.*?)\s*$", text[:2000], flags=re.MULTILINE)
    return match.group(1) if match else None


_DATED_NAME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})(?:[-_ ](?P<city>.*[^\W\d_].*))?")
_NAME_DATED = re.compile(r"(?P<city>.*[^\W\d_].*?)[-_ ](?P<date>\d{4}-\d{2}-\d{2})")
_LOWERCASE_PARTICLES = frozenset("en le la les sur sous de du des et aux au".split())


def _infer_from_path(relative: str) -> tuple[pd.Timestamp | None, str | None]:
    """Read a date and a city from names like ``2023-04-28-dijon`` (file stem, then folders)."""
    parts = Path(relative).parts
    names = [Path(relative).stem, *reversed(parts[:-1])]
    for name in names:
        match = _DATED_NAME.fullmatch(name) or _NAME_DATED.fullmatch(name)
        if match is None:
            continue
        try:
            date = pd.Timestamp(match.group("date"))
        except ValueError:
            continue
        city = match.group("city")
        return date, _city_from_slug(city) if city else None
    return None, None


def _city_from_slug(slug: str) -> str:
    """``clermont-ferrand`` -> ``Clermont-Ferrand``; ``aix-en-provence`` -> ``Aix-en-Provence``."""
    words = []
    for position, word in enumerate(re.split(r"([-_ ])", slug)):
        if word in "-_ ":
            words.append(" " if word == "_" else word)
        elif position > 0 and word.lower() in _LOWERCASE_PARTICLES:
            words.append(word.lower())
        else:
            words.append(word[:1].upper() + word[1:])
    return "".join(words)


# --- dates --------------------------------------------------------------------------------------

_FRENCH_MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
_FRENCH_DATE = re.compile(
    r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"
    r"(?P<day>\d{1,2})(?:er)?\s+(?P<month>[a-zéû]+)\s+(?P<year>\d{4})",
    flags=re.IGNORECASE,
)
_DAY_FIRST = re.compile(r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})")
_ISO_LIKE = re.compile(r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?(?:[ T].*)?")


def _parse_date(value: Any, where: str) -> pd.Timestamp:
    """Parse a date given as a date object or text; NaT when empty; CorpusError otherwise.

    Accepted: ``2023-04-28`` (with optional time), ``28/04/2023``, ``28 avril 2023``,
    ``2023-04`` (first of the month), ``2023`` (1 January).
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return pd.NaT
    if isinstance(value, dt.date | pd.Timestamp):
        return _naive(pd.Timestamp(value))
    text = str(value).strip()
    if not text:
        return pd.NaT
    try:
        if match := _FRENCH_DATE.fullmatch(text):
            month = _FRENCH_MONTHS[match.group("month").lower()]
            return pd.Timestamp(int(match.group("year")), month, int(match.group("day")))
        if match := _DAY_FIRST.fullmatch(text):
            day, month, year = (int(match.group(g)) for g in ("day", "month", "year"))
            return pd.Timestamp(year, month, day)
        if _ISO_LIKE.fullmatch(text):
            return _naive(pd.Timestamp(text))
    except (KeyError, ValueError):
        pass
    raise CorpusError(
        f"{where}: cannot read the date {text!r}. Write it as YYYY-MM-DD (e.g. 2023-04-28), "
        "DD/MM/YYYY or '28 avril 2023'."
    )


def _naive(timestamp: pd.Timestamp) -> pd.Timestamp:
    """Drop the time zone, keeping the local wall-clock time (all dates then compare)."""
    return timestamp.tz_localize(None) if timestamp.tzinfo is not None else timestamp


# --- Word and PDF -------------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"(?:heading|titre)\s*(\d)", flags=re.IGNORECASE)


def _read_docx(path: Path, relative: str) -> tuple[str, str | None]:
    """Return a Word file's text (headings as ``#`` lines, lists as ``- `` items) and title."""
    import docx  # python-docx is heavy; imported only when a .docx is read
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as error:  # a damaged file fails in many ways (zip, XML, package)
        raise _Skipped(
            f"{relative}: cannot be opened as a Word document ({error}); skipped. Open it in "
            "Word or LibreOffice and save it again as .docx."
        ) from error
    blocks: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            blocks.append(_docx_paragraph(Paragraph(element, document)))
        elif element.tag.endswith("}tbl"):
            blocks.extend(_docx_table_rows(Table(element, document)))
    text = "\n\n".join(block for block in blocks if block.strip())
    if not text.strip():
        raise _Skipped(f"{relative}: the Word document holds no text; skipped.")
    title = (document.core_properties.title or "").strip() or None
    return text, title


def _docx_paragraph(paragraph: Any) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    level = _docx_heading_level(paragraph.style)
    if level is not None:
        return "#" * level + " " + text.replace("\n", " ")
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    style_name = (paragraph.style.name or "").lower() if paragraph.style is not None else ""
    if numbered or style_name.startswith(("list", "liste")):
        return "- " + text
    return text


def _docx_heading_level(style: Any) -> int | None:
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


def _docx_table_rows(table: Any) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        rows.append(" | ".join(cells))
    return rows


def _read_pdf(path: Path, relative: str) -> str:
    """Return the text layer of a PDF, pages separated by a blank line."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Skipped(
                f"{relative}: the PDF is password-protected; skipped. Remove the password."
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except _Skipped:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on damaged files
        raise _Skipped(
            f"{relative}: cannot be read as a PDF ({error}); skipped. Export it again as PDF "
            "or save it as .docx or .txt."
        ) from error
    text = "\n\n".join(page.strip("\n") for page in pages if page.strip())
    if not text.strip():
        raise _Skipped(
            f"{relative}: the PDF has no text layer (a scan?); skipped. It needs OCR first "
            "(e.g. `ocrmypdf in.pdf out.pdf`), then load the new file."
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- IRaMuTeQ -----------------------------------------------------------------------------------

_IRAMUTEQ_HEADER = re.compile(r"\*{4}(?:\s.*)?")
_IRAMUTEQ_VARIABLE = re.compile(r"\*(?P<name>[^\s_*]+)_(?P<value>\S+)")
_IRAMUTEQ_THEMATIC = re.compile(r"-\*(?P<name>\S+)\s*")
_MARKDOWN_HEADING = re.compile(r"#{1,6}\s+(?P<name>\S.*?)\s*")


def _is_iramuteq(text: str) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    return bool(_IRAMUTEQ_HEADER.fullmatch(first.lstrip("\ufeff")))


def _iramuteq_records(text: str, relative: str) -> list[dict[str, Any]]:
    """One record per ``****`` text; ``-*theme`` lines become ``## theme`` headings."""
    records = []
    stem = Path(relative).stem
    for number, (line, variables, body) in enumerate(_parse_iramuteq(text, relative), start=1):
        where = f"{relative}, line {line}"
        if not body.strip():
            _warn(f"{where}: IRaMuTeQ text with no words; skipped.")
            continue
        meta = {_KEY_ALIASES.get(name, name): value for name, value in variables.items()}
        meta.setdefault(schema.DOC_ID, f"{stem}-{number:04d}")
        meta.setdefault(schema.SOURCE, f"{relative}, ligne {line}")
        record = _document_record(meta, body, None, relative)
        record["_origin"] = where
        records.append(record)
    return records


def _parse_iramuteq(text: str, name: str) -> list[tuple[int, dict[str, str], str]]:
    """Split an IRaMuTeQ corpus into (header line number, variables, text) triples."""
    texts: list[tuple[int, dict[str, str], list[str]]] = []
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        if _IRAMUTEQ_HEADER.fullmatch(line):
            texts.append((number, _iramuteq_variables(line, f"{name}, line {number}"), []))
        elif not texts:
            if line.strip():
                raise CorpusError(
                    f"{name}, line {number}: text before the first '****' line. An IRaMuTeQ "
                    "corpus starts each text with a line like '**** *ville_dijon *date_2023'."
                )
        elif thematic := _IRAMUTEQ_THEMATIC.fullmatch(line):
            lines = texts[-1][2]
            if lines and lines[-1].strip():
                lines.append("")  # a heading is a paragraph of its own
            lines.extend(["## " + thematic.group("name"), ""])
        else:
            texts[-1][2].append(line)
    return [(number, variables, "\n".join(lines).strip()) for number, variables, lines in texts]


def _iramuteq_variables(line: str, where: str) -> dict[str, str]:
    variables: dict[str, str] = {}
    for token in line[4:].split():
        match = _IRAMUTEQ_VARIABLE.fullmatch(token)
        if match is None:
            raise CorpusError(
                f"{where}: {token!r} is not a starred variable; write '*name_value' (no space "
                "in the value, no '_' in the name)."
            )
        if match.group("name") in variables:
            raise CorpusError(f"{where}: variable '*{match.group('name')}' is given twice.")
        variables[match.group("name")] = match.group("value")
    return variables


def to_iramuteq(
    documents: pd.DataFrame,
    *,
    variables: Mapping[str, str] | Sequence[str] = IRAMUTEQ_VARIABLES,
) -> str:
    """Write documents as an IRaMuTeQ corpus (text only: :mod:`analysis.export` writes files).

    Each document becomes ``**** *id_<doc_id> *ville_<city>...`` followed by its text; ``#``
    heading lines become ``-*heading`` thematic lines. Values lose their spaces (replaced by
    ``-``) and headings theirs (replaced by ``_``): IRaMuTeQ forbids them. Empty values are left
    out. Documents are written in ``doc_id`` order. Loading the result with
    :func:`load_corpus` gives the documents back.

    Parameters
    ----------
    documents
        Needs ``text`` and the columns named in ``variables`` (``doc_id`` to sort, if present).
    variables
        ``{column: variable name}``, or a list of columns used as their own names. Names must
        not contain ``_``, spaces or ``*``.

    Returns
    -------
    str
        The corpus, ``"\\n"`` line endings, ending with a newline.

    Raises
    ------
    CorpusError
        When a variable name is not valid for IRaMuTeQ.
    schema.SchemaError
        When a column is missing.
    """
    mapping = dict(variables) if isinstance(variables, Mapping) else {c: c for c in variables}
    for column, name in mapping.items():
        if not re.fullmatch(r"[^\s_*]+", name):
            raise CorpusError(
                f"IRaMuTeQ variable name {name!r} (column '{column}') must not contain '_', "
                "spaces or '*'; give another name, e.g. variables={'doc_type': 'type'}."
            )
    schema.require_columns(documents, schema.TEXT, *mapping, table="documents")
    if schema.DOC_ID in documents.columns:
        documents = documents.sort_values(schema.DOC_ID, kind="stable")
    blocks = []
    for row in documents.to_dict("records"):
        header = " ".join(
            f"*{name}_{value}"
            for column, name in mapping.items()
            if (value := _iramuteq_value(row[column]))
        )
        blocks.append(f"**** {header}".rstrip() + "\n" + _iramuteq_text(str(row[schema.TEXT])))
    return "\n\n".join(blocks) + "\n"


def _iramuteq_value(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, dt.date | pd.Timestamp):
        timestamp = pd.Timestamp(value)
        value = timestamp.date().isoformat() if timestamp == timestamp.normalize() else timestamp
    return re.sub(r"\s+", "-", str(value).strip()).replace("*", "")


def _iramuteq_text(text: str) -> str:
    """Markdown body -> IRaMuTeQ body: headings as ``-*name`` lines hugging their text."""
    lines = text.replace("\r\n", "\n").strip().split("\n")
    out: list[str] = []
    for line in lines:
        heading = _MARKDOWN_HEADING.fullmatch(line)
        if heading:
            while out and not out[-1].strip():
                out.pop()  # the loader puts back the blank lines around headings
            out.append("-*" + re.sub(r"\s+", "_", heading.group("name")).replace("*", ""))
        elif not line.strip() and out and out[-1].startswith("-*"):
            continue
        elif _IRAMUTEQ_HEADER.fullmatch(line) or line.startswith("-*"):
            out.append(" " + line)  # would be read as a header or a thematic line
        else:
            out.append(line)
    return "\n".join(out)


# --- tables -------------------------------------------------------------------------------------


def _load_table(
    path: Path,
    *,
    text_column: str | None,
    id_column: str | None,
    meta_columns: Sequence[str],
    encoding: str,
) -> list[dict[str, Any]]:
    """Load a platform export (one row per document) as document records."""
    name = path.name
    try:
        frame, row_labels = _read_table(path, name, encoding=encoding)
    except _Skipped as skipped:
        raise CorpusError(str(skipped)) from None
    if frame.empty:
        raise CorpusError(f"{name}: the table has no rows. Check that it is the right export.")
    columns = _TableColumns.resolve(frame, name, text_column, id_column, meta_columns)
    records, empty_rows = [], []
    for position, row in enumerate(frame.to_dict("records")):
        label = row_labels[position]
        text = _field_text(row[columns.text])
        if not text.strip():
            empty_rows.append(label)
            continue
        records.append(_table_record(row, text, columns, name, label, position, len(frame)))
    if not records:
        raise CorpusError(
            f"{name}: every text in column '{columns.text}' is empty. Choose the column holding "
            f"the texts with --text-column (columns: {', '.join(map(str, frame.columns))})."
        )
    if empty_rows:
        _warn(
            f"{name}: {len(empty_rows)} row(s) with an empty '{columns.text}' skipped "
            f"({_shorten(empty_rows)})."
        )
    return records


def _shorten(items: Sequence[str], limit: int = 15) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


class _TableColumns:
    """Which table column fills which document column (internal)."""

    def __init__(self, text: str, doc_id: str | None, targets: dict[str, str]) -> None:
        self.text = text
        self.doc_id = doc_id
        self.targets = targets  # document column -> table column

    @classmethod
    def resolve(
        cls,
        frame: pd.DataFrame,
        name: str,
        text_column: str | None,
        id_column: str | None,
        meta_columns: Sequence[str],
    ) -> _TableColumns:
        available = [str(c) for c in frame.columns]
        targets: dict[str, str] = {}
        for column in available:  # columns already named like the documents table
            standard = _FRONT_MATTER_KEYS.get(column.strip().lower())
            if standard and standard != schema.DOC_ID:
                targets[standard] = column
        for entry in meta_columns:
            target, _, column = entry.partition("=") if "=" in entry else (entry, "", entry)
            targets[target.strip()] = _require_column(frame, column.strip(), name, "meta column")
        if id_column is not None:
            id_column = _require_column(frame, id_column, name, "id column")
        if text_column is None:
            text_column = _guess_text_column(frame, name, exclude={id_column, *targets.values()})
        else:
            text_column = _require_column(frame, text_column, name, "text column")
        for reserved in (schema.TEXT, schema.DOC_ID, schema.FILE):
            targets.pop(reserved, None)
        return cls(text_column, id_column, targets)


def _require_column(frame: pd.DataFrame, column: str, name: str, role: str) -> str:
    available = [str(c) for c in frame.columns]
    if column in available:
        return column
    guess = schema.closest_name(column, available)
    hint = f" Did you mean '{guess}'?" if guess else ""
    raise CorpusError(
        f"{name}: no {role} '{column}'.{hint} The table's columns are: "
        f"{', '.join(available)}. Give the exact name (--text-column, --id-column, "
        "--meta-columns)."
    )


def _guess_text_column(frame: pd.DataFrame, name: str, *, exclude: set[Any]) -> str:
    candidates = [str(c) for c in frame.columns if c not in exclude]
    for column in candidates:
        if column.strip().lower() == schema.TEXT:
            return column
    if not candidates:
        raise CorpusError(f"{name}: no column left to hold the texts; give --text-column.")
    lengths = {c: frame[c].astype(str).str.len().mean() for c in candidates}
    best = max(candidates, key=lambda c: (lengths[c], -candidates.index(c)))
    _warn(
        f"{name}: no text column given; using '{best}' (the longest texts). Give "
        "--text-column (text_column=) to choose another one."
    )
    return best


def _table_record(
    row: Mapping[str, Any],
    text: str,
    columns: _TableColumns,
    name: str,
    label: str,
    position: int,
    n_rows: int,
) -> dict[str, Any]:
    record: dict[str, Any] = dict.fromkeys(schema.DOCUMENT_COLUMNS, "")
    record[schema.DATE] = pd.NaT
    for target, column in columns.targets.items():
        value = _field_text(row[column]).strip()
        if target == schema.DATE:
            record[target] = _parse_date(value, f"{name}, {label}, column '{column}'")
        else:
            record[target] = value
    if columns.doc_id is not None:
        record[schema.DOC_ID] = _field_text(row[columns.doc_id]).strip()
        if not record[schema.DOC_ID]:
            raise CorpusError(
                f"{name}, {label}: empty id in column '{columns.doc_id}'. Fill it, or leave "
                "out --id-column to number the rows."
            )
    else:
        record[schema.DOC_ID] = f"row-{position + 1:0{max(4, len(str(n_rows)))}d}"
    record[schema.TEXT] = text
    record[schema.FILE] = name
    record[schema.SOURCE] = record[schema.SOURCE] or f"{name}, {label}"
    record[schema.TITLE] = record[schema.TITLE] or record[schema.DOC_ID]
    record["_origin"] = f"{name}, {label}"
    return record


def _read_table(path: Path, name: str, *, encoding: str) -> tuple[pd.DataFrame, list[str]]:
    """Read a table as strings (``""`` when missing) with a row label ("ligne 2") per row."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        frame = _read_xlsx(path, name)
        return frame, [f"ligne {i + 2}" for i in range(len(frame))]
    text = _decode(_read_bytes(path, name), name, encoding=encoding)
    if suffix in (".csv", ".tsv"):
        frame = _read_csv(text, name, "\t" if suffix == ".tsv" else _sniff_delimiter(text))
        return frame, [f"ligne {i + 2}" for i in range(len(frame))]
    if suffix == ".jsonl":
        return _read_jsonl(text, name)
    records = _json_records(text, name)
    return _records_frame(records), [f"entrée {i + 1}" for i in range(len(records))]


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter from the header line (quoted parts aside), else csv.Sniffer."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] > 0 and list(counts.values()).count(counts[best]) == 1:
        return best
    try:
        return csv.Sniffer().sniff(text[:20_000], delimiters=";,\t|").delimiter
    except csv.Error:
        return ","


def _read_csv(text: str, name: str, delimiter: str) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False
        )
    except pd.errors.ParserError as error:
        raise CorpusError(
            f"{name}: cannot be read as a table with delimiter {delimiter!r} ({error}). Check "
            "the quotes around texts holding the delimiter or line breaks."
        ) from error


def _read_xlsx(path: Path, name: str) -> pd.DataFrame:
    try:
        with pd.ExcelFile(path, engine="openpyxl") as workbook:
            sheets = workbook.sheet_names
            frame = workbook.parse(sheets[0], dtype=str)
    except Exception as error:  # a damaged workbook fails in many ways (zip, XML, styles)
        raise CorpusError(
            f"{name}: cannot be opened as an Excel workbook ({error}). Open it in a "
            "spreadsheet program and save it again as .xlsx."
        ) from error
    if len(sheets) > 1:
        _warn(
            f"{name}: only the first sheet '{sheets[0]}' is read; others: {', '.join(sheets[1:])}."
        )
    return frame.fillna("")


def _json_records(text: str, name: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CorpusError(
            f"{name}, line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})."
        ) from error
    if isinstance(data, dict):
        lists = [value for value in data.values() if isinstance(value, list)]
        if len(lists) != 1:
            raise CorpusError(
                f"{name}: expected a list of records, or an object holding one such list."
            )
        data = lists[0]
    if not isinstance(data, list):
        raise CorpusError(f"{name}: expected a list of records, got a {type(data).__name__}.")
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise CorpusError(f"{name}, entrée {number}: expected an object {{...}}, got {item!r}.")
    return data


def _read_jsonl(text: str, name: str) -> tuple[pd.DataFrame, list[str]]:
    records, labels = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(f"{name}, line {number}: not valid JSON ({error.msg}).") from error
        if not isinstance(item, dict):
            raise CorpusError(f"{name}, line {number}: expected an object {{...}} per line.")
        records.append(item)
        labels.append(f"ligne {number}")
    return _records_frame(records), labels


def _records_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Flatten nested JSON (``{"body": {"fr": ...}}`` -> column ``body.fr``) into strings."""
    flat = [_flatten(record) for record in records]
    columns = list(dict.fromkeys(key for record in flat for key in record))
    return pd.DataFrame([[r.get(c, "") for c in columns] for r in flat], columns=columns)


def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in record.items():
        column = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, prefix=f"{column}."))
        elif isinstance(value, list):
            scalars = all(not isinstance(v, dict | list) for v in value)
            flat[column] = (
                "; ".join("" if v is None else str(v) for v in value)
                if scalars
                else json.dumps(value, ensure_ascii=False)
            )
        else:
            flat[column] = "" if value is None else str(value)
    return flat


# --- HTML in table fields -------------------------------------------------------------------------

_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_HTML_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#\d+|#x[0-9a-fA-F]+);")
_BLOCK_TAGS = frozenset(
    "p div li ul ol blockquote tr table section article header footer pre h1 h2 h3 h4 h5 h6".split()
)


class _HtmlToText(HTMLParser):
    """Plain text from HTML: blocks become paragraphs, <br> a line break, <li> a "- " item."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
            if tag == "li":
                self.parts.append("- ")
            elif tag[0] == "h" and tag[1:].isdigit():
                self.parts.append("## ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # in HTML, runs of white space (line breaks included) show as one space
            self.parts.append(re.sub(r"[ \t\n\r\f]+", " ", data))


def html_to_text(value: str) -> str:
    """Return ``value`` with HTML tags and entities turned into plain text.

    Block tags (``<p>``, ``<div>``, ``<li>``...) become paragraphs separated by a blank line,
    ``<br>`` a line break, ``<li>`` a ``- `` item, ``<h1>``-``<h6>`` a ``## `` heading. Text
    with entities but no tags is only unescaped. Text with neither is returned unchanged.

    Parameters
    ----------
    value
        One field of a table (a platform export often stores HTML).

    Returns
    -------
    str
        Plain text; stripped of surrounding white space when it held tags.

    Examples
    --------
    >>> html_to_text("<p>Un.</p><p>Deux&nbsp;!</p>")
    'Un.\\n\\nDeux\\xa0!'
    """
    if not _HTML_TAG.search(value):
        return html.unescape(value) if _HTML_ENTITY.search(value) else value
    parser = _HtmlToText()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _field_text(value: Any) -> str:
    text = "" if value is None else str(value)
    return html_to_text(text.replace("\r\n", "\n").replace("\r", "\n"))


# --- checks and assembly ------------------------------------------------------------------------


def _check_duplicates(records: Iterable[dict[str, Any]]) -> None:
    seen: dict[str, str] = {}
    clashes = []
    for record in records:
        doc_id = record[schema.DOC_ID]
        if doc_id in seen:
            clashes.append(f"'{doc_id}' in {seen[doc_id]} and {record['_origin']}")
        else:
            seen[doc_id] = record["_origin"]
    if clashes:
        raise CorpusError(
            f"Duplicate document ids: {'; '.join(clashes)}. Give each document its own "
            "'id:' in the front matter (or rename a file, or choose another --id-column)."
        )


def _warn_missing_city_or_date(records: Iterable[dict[str, Any]]) -> None:
    """One warning listing the files whose documents lack a city or a date."""
    missing: dict[str, int] = {}
    for record in records:
        if not record[schema.CITY] or pd.isna(record[schema.DATE]):
            missing[record[schema.FILE]] = missing.get(record[schema.FILE], 0) + 1
    if not missing:
        return
    files = [
        f"{file} ({count} documents)" if count > 1 else file for file, count in missing.items()
    ]
    _warn(
        f"{sum(missing.values())} document(s) without a city or a date (none in their front "
        f"matter, columns or folder/file names), left empty: {_shorten(sorted(files))}. Add "
        "'city:' and 'date:' to the front matter, name the folder like '2023-04-28-dijon', or "
        "map table columns with --meta-columns city=...,date=...."
    )


def _documents_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    standard = [*schema.DOCUMENT_COLUMNS, schema.FILE]
    extras = sorted({key for record in records for key in record} - {*standard, "_origin"})
    frame = pd.DataFrame.from_records(records, columns=[*standard, *extras])
    frame[schema.DATE] = pd.to_datetime(frame[schema.DATE]).astype("datetime64[ns]")
    return frame.sort_values(schema.DOC_ID, kind="stable").reset_index(drop=True)


# --- annotations --------------------------------------------------------------------------------


def load_annotations(path: str | Path) -> pd.DataFrame:
    """Load the gold labels of the sample corpus (``corpus/annotations.csv``).

    Parameters
    ----------
    path
        The CSV file, or the corpus folder holding ``annotations.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`analysis.schema.ANNOTATION_COLUMNS`; ``paragraph`` as int, empty
        ``canonical`` as ``""``; sorted by ``doc_id`` then ``paragraph``.

    Raises
    ------
    CorpusError
        When the file is missing, lacks a column, or a row has a non-integer paragraph, a
        function outside :data:`analysis.schema.FUNCTIONS` or repeats a (doc_id, paragraph).
    """
    path = Path(path)
    if path.is_dir():
        path = path / ANNOTATIONS_FILE
    if not path.is_file():
        raise CorpusError(f"Annotations file not found: {path}.")
    try:
        text = _decode(_read_bytes(path, path.name), path.name)
    except _Skipped as skipped:
        raise CorpusError(str(skipped)) from None
    frame = _read_csv(text, path.name, ",")
    for column in schema.ANNOTATION_COLUMNS:
        _require_column(frame, column, path.name, "column")
    frame = frame[list(schema.ANNOTATION_COLUMNS)].copy()
    _check_annotation_rows(frame, path.name)
    frame[schema.PARAGRAPH] = frame[schema.PARAGRAPH].astype(int)
    return frame.sort_values([schema.DOC_ID, schema.PARAGRAPH], kind="stable").reset_index(
        drop=True
    )


def _check_annotation_rows(frame: pd.DataFrame, name: str) -> None:
    seen: dict[tuple[str, str], int] = {}
    for position, row in enumerate(frame.to_dict("records")):
        line = position + 2
        paragraph = row[schema.PARAGRAPH].strip()
        if not paragraph.isdigit():
            raise CorpusError(
                f"{name}, line {line}: paragraph {paragraph!r} is not a whole number (0, 1...)."
            )
        function = row[schema.GOLD_FUNCTION]
        if function not in schema.FUNCTIONS:
            guess = schema.closest_name(function, schema.FUNCTIONS)
            hint = f" Did you mean '{guess}'?" if guess else ""
            raise CorpusError(
                f"{name}, line {line}: unknown function {function!r}.{hint} Use one of: "
                f"{', '.join(schema.FUNCTIONS)}."
            )
        key = (row[schema.DOC_ID], paragraph)
        if key in seen:
            raise CorpusError(
                f"{name}, lines {seen[key]} and {line}: paragraph {paragraph} of "
                f"'{key[0]}' is labelled twice; keep one row."
            )
        seen[key] = line


# --- summaries for the notebook -----------------------------------------------------------------

_WORD = re.compile(r"\S*\w\S*")


def count_words(text: str) -> int:
    """Count the words of a text: white-space separated tokens holding a letter or digit.

    ``l’adjointe`` counts as one word, ``##`` and ``-`` as none (like a word processor).

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    int
        The number of words.
    """
    return len(_WORD.findall(text))


def words_per_document(documents: pd.DataFrame) -> pd.DataFrame:
    """Return the length in words of every document.

    Parameters
    ----------
    documents
        Needs ``doc_id``, ``concertation_id``, ``doc_type``, ``text``.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, concertation_id, doc_type, n_words``, sorted by ``doc_id``.

    Raises
    ------
    schema.SchemaError
        When a needed column is missing.
    """
    schema.require_columns(
        documents,
        schema.DOC_ID,
        schema.CONCERTATION_ID,
        schema.DOC_TYPE,
        schema.TEXT,
        table="documents",
    )
    table = documents[[schema.DOC_ID, schema.CONCERTATION_ID, schema.DOC_TYPE]].copy()
    table[schema.N_WORDS] = documents[schema.TEXT].map(count_words).astype(int)
    return table.sort_values(schema.DOC_ID, kind="stable").reset_index(drop=True)


def documents_per_type(documents: pd.DataFrame) -> pd.DataFrame:
    """Count documents and words per document type.

    Parameters
    ----------
    documents
        Needs ``doc_id``, ``concertation_id``, ``doc_type``, ``text``.

    Returns
    -------
    pandas.DataFrame
        ``doc_type, n_documents, n_words``, most frequent type first (ties by name).

    Raises
    ------
    schema.SchemaError
        When a needed column is missing.
    """
    words = words_per_document(documents)
    table = (
        words.groupby(schema.DOC_TYPE, dropna=False)
        .agg(
            **{schema.N_DOCUMENTS: (schema.DOC_ID, "size"), schema.N_WORDS: (schema.N_WORDS, "sum")}
        )
        .reset_index()
    )
    return table.sort_values(
        [schema.N_DOCUMENTS, schema.DOC_TYPE], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def corpus_overview(documents: pd.DataFrame) -> pd.DataFrame:
    """Return one row per concertation: what it holds, sorted by date.

    Parameters
    ----------
    documents
        Needs ``doc_id``, ``concertation_id``, ``city``, ``date``, ``doc_type``, ``text``.

    Returns
    -------
    pandas.DataFrame
        ``concertation_id, city, date, n_documents, n_words, doc_types``: ``city`` joins the
        distinct cities, ``date`` is the earliest date, ``doc_types`` reads like
        ``"article, note_restitution (2), synthese"``. Sorted by date (unknown last), then id.

    Raises
    ------
    schema.SchemaError
        When a needed column is missing.
    """
    schema.require_columns(
        documents,
        schema.CONCERTATION_ID,
        schema.CITY,
        schema.DATE,
        schema.DOC_TYPE,
        schema.TEXT,
        table="documents",
    )
    frame = documents[[schema.CONCERTATION_ID, schema.CITY, schema.DATE, schema.DOC_TYPE]].copy()
    frame[schema.N_WORDS] = documents[schema.TEXT].map(count_words).astype(int)
    rows = []
    for concertation, group in frame.groupby(schema.CONCERTATION_ID, dropna=False, sort=True):
        rows.append(
            {
                schema.CONCERTATION_ID: concertation,
                schema.CITY: ", ".join(sorted({str(c) for c in group[schema.CITY].dropna() if c})),
                schema.DATE: group[schema.DATE].min(),
                schema.N_DOCUMENTS: len(group),
                schema.N_WORDS: int(group[schema.N_WORDS].sum()),
                schema.DOC_TYPES: _describe_types(group[schema.DOC_TYPE]),
            }
        )
    overview = pd.DataFrame(rows)
    overview[schema.DATE] = pd.to_datetime(overview[schema.DATE]).astype("datetime64[ns]")
    return overview.sort_values(
        [schema.DATE, schema.CONCERTATION_ID], na_position="last", kind="stable"
    ).reset_index(drop=True)


def _describe_types(doc_types: pd.Series) -> str:
    counts = doc_types.fillna("").astype(str).value_counts()
    return ", ".join(
        f"{kind or '?'} ({counts[kind]})" if counts[kind] > 1 else (kind or "?")
        for kind in sorted(counts.index)
    )
