"""A document's record: what every reader gives, and the settings every reader gets.

A record is one row of the documents table in the making: the columns of
:data:`analysis.schema.DOCUMENT_COLUMNS`, ``file``, any extra metadata, and two private keys
the loader uses then drops: ``_origin`` (where messages point: ``"note.md"``,
``"export.csv, ligne 3"``), ``_id_from_name`` (the id was made from the file name) and
``_date_column`` (a table column of dates that no option named, which the missing-date
warning suggests).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from analysis import schema
from analysis.corpus.dates import date_and_city_from_path, parse_date
from analysis.corpus.errors import CorpusError, warn

Record = dict[str, Any]
PRIVATE_KEYS = ("_origin", "_id_from_name", "_date_column")

# Keys of a front matter (and column names of a table) that fill a documents column.
FRONT_MATTER_KEYS = {
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
KEY_ALIASES = {  # French spellings accepted in front matter, IRaMuTeQ variables, table headers
    **FRONT_MATTER_KEYS,
    "ville": schema.CITY,
    "commune": schema.CITY,  # the French administration's name for a town
    "type": schema.DOC_TYPE,
    "titre": schema.TITLE,
}
_DOCUMENTED_KEYS = ("id", "title", "date", "city", "concertation", "doc_type", "source")
_RESERVED_KEYS = (schema.TEXT, schema.FILE)
_STRING_COLUMNS = tuple(c for c in schema.DOCUMENT_COLUMNS if c not in (schema.DATE, schema.TEXT))


@dataclass(frozen=True)
class ReadOptions:
    """How to read the corpus files: the encoding, and for a table which columns to use."""

    encoding: str = "auto"
    text_column: str | None = None
    id_column: str | None = None
    meta_columns: tuple[str, ...] = ()


class Reader(Protocol):
    """What each format's ``read`` function is: one file in, its documents' records out.

    Parameters
    ----------
    path
        The file.
    relative
        Its POSIX path relative to the corpus root (the file itself given alone: its name);
        messages, ids and the ``file`` column use it.
    options
        The settings of the load; each format uses those that apply to it.

    Returns
    -------
    list of dict
        One record per document the file holds.

    Raises
    ------
    SkippedFile
        For a file to leave out with a warning (empty, damaged, without text).
    CorpusError
        For input the user must correct.
    """

    def __call__(self, path: Path, relative: str, options: ReadOptions) -> list[Record]: ...


# what a word processor writes in a file's title property when nobody gave one
_MEANINGLESS_TITLE = re.compile(
    r"(?:untitled|sans titre|titre|title|document\s*\d*|diapositive\s*\d*|slide\s*\d*|"
    r"présentation powerpoint|powerpoint presentation|microsoft (?:word|powerpoint) - .*|"
    r".*\.(?:docx?|odt|rtf|pdf|txt|pptx?|xlsx?|indd|qxd))",
    re.IGNORECASE,
)


def meaningful_title(title: object) -> str | None:
    """A file's title property, on one line, unless it is empty or says nothing
    ("Document1", "Sans titre", "note.docx", "Microsoft Word - note.doc")."""
    text = re.sub(r"\s+", " ", str(title or "")).strip()
    if len(text) < 3 or not re.search(r"[^\W\d_]", text) or _MEANINGLESS_TITLE.fullmatch(text):
        return None
    return text


def empty_record() -> Record:
    """A record with every documents column empty (``""``, and ``NaT`` for the date)."""
    record: Record = dict.fromkeys(schema.DOCUMENT_COLUMNS, "")
    record[schema.DATE] = pd.NaT
    return record


def document_record(
    meta: Mapping[Any, Any],
    text: str,
    title: str | None,
    relative: str,
    *,
    where: str | None = None,
) -> Record:
    """Build one document's record from its metadata, text and path; infer city and date.

    Parameters
    ----------
    meta
        Front matter keys (or IRaMuTeQ variables) and their values.
    text
        The document body.
    title
        The title the file itself gives (Word or PDF properties), if any.
    relative
        The file's POSIX path relative to the corpus root.
    where
        What a message about a field names (``"corpus.txt, ligne 138"``; default
        ``relative``).

    Returns
    -------
    dict
        The record: what ``meta`` says, else the file name gives the id and the title (after
        a ``# `` heading), its folders the concertation, dated names the date and the city.

    Raises
    ------
    CorpusError
        When ``meta`` uses a reserved key or holds a date that cannot be read.
    """
    record = empty_record()
    for key, value in meta.items():
        _set_field(record, str(key), value, where or relative)
    stem = Path(relative).stem
    record[schema.TEXT] = text
    record[schema.FILE] = relative
    record["_origin"] = relative
    record["_id_from_name"] = not record[schema.DOC_ID]
    record[schema.DOC_ID] = record[schema.DOC_ID] or stem
    record[schema.SOURCE] = record[schema.SOURCE] or relative
    record[schema.TITLE] = record[schema.TITLE] or title or _first_title(text) or stem
    inferred_date, inferred_city = date_and_city_from_path(relative)
    if pd.isna(record[schema.DATE]) and inferred_date is not None:
        record[schema.DATE] = inferred_date
    if not record[schema.CITY] and inferred_city:
        record[schema.CITY] = inferred_city
    folder = Path(relative).parent.as_posix()
    if not record[schema.CONCERTATION_ID] and folder != ".":
        record[schema.CONCERTATION_ID] = folder  # one folder per concertation, the usual layout
    return record


def _set_field(record: Record, key: str, value: Any, where: str) -> None:
    if key in _RESERVED_KEYS:
        raise CorpusError(
            f"{where} : la clé « {key} » est réservée (le chargement la remplit) ; renommez-la."
        )
    column = KEY_ALIASES.get(str(key).casefold(), key)  # "Title:", "Ville:" as "title:"
    if column in (schema.DATE, *_STRING_COLUMNS) and isinstance(value, list | dict):
        values = value if isinstance(value, list) else list(value.values())
        raise CorpusError(
            f"{where} : « {key} » a plusieurs valeurs ({', '.join(map(str, values))}) ; un "
            f"document n’en a qu’une : gardez-en une (« {key}: {values[0] if values else ''} ») "
            "et nommez les autres dans le texte."
        )
    if column == schema.DATE:
        record[column] = parse_date(value, f"{where} : date")
    elif column in _STRING_COLUMNS:
        record[column] = "" if value is None else str(value).strip()
    else:
        guess = schema.closest_name(key, _DOCUMENTED_KEYS)
        if guess and key != schema.ATELIER:
            warn(
                f"{where} : clé inconnue « {key} », gardée comme métadonnée ; vouliez-vous "
                f"dire « {guess} » ?"
            )
        record[column] = value


def _first_title(text: str) -> str | None:
    match = re.search(r"^# +(\S.*?)\s*$", text[:2000], flags=re.MULTILINE)
    return match.group(1) if match else None


# --- tidy spaces --------------------------------------------------------------------------------

# spaces that are not line breaks; a run of them inside a line reads as one space
_HORIZONTAL_SPACE = "[ \t\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u3000]"
_SPACE_RUN = re.compile(f"(?<=\\S){_HORIZONTAL_SPACE}+")
_AFTER_WORD = "(?<=[\\w)\\]»\"'%…])"
_SPACE_BEFORE_POINT = re.compile(f"{_AFTER_WORD}{_HORIZONTAL_SPACE}+(?=[,.](?:\\s|$))")
_SPACE_BEFORE_GLUED_COMMA = re.compile(f"{_AFTER_WORD}{_HORIZONTAL_SPACE}+,(?=[^\\W\\d_])")
_NON_BREAKING = "\u00a0\u202f"


def tidy_spaces(text: str) -> str:
    """Collapse the runs of spaces that exports leave in texts people read.

    Inside each line, a run of spaces or tabs becomes one space (one non-breaking space when
    the run holds one, as French typography puts before ``:``); the spaces before a ``,`` or a
    ``.`` that ends a word go (``communes , la`` -> ``communes, la``, ``retraites ,hormis`` ->
    ``retraites, hormis``); spaces at the start and end of a line go. Line breaks stay, so
    paragraphs and list items are unchanged.

    Parameters
    ----------
    text
        A document body with ``"\\n"`` line endings.

    Returns
    -------
    str
        The text with its spaces tidied.

    Examples
    --------
    >>> tidy_spaces("Les communes , la  métropole\\t et l’État .  \\n   Suite")
    'Les communes, la métropole et l’État.\\nSuite'
    """
    lines = []
    for line in text.split("\n"):
        line = _SPACE_RUN.sub(_one_space, line.strip(" \t" + _NON_BREAKING))
        line = _SPACE_BEFORE_GLUED_COMMA.sub(", ", _SPACE_BEFORE_POINT.sub("", line))
        lines.append(line)
    return "\n".join(lines)


def _one_space(match: re.Match[str]) -> str:
    run = match.group(0)
    if run in (" ", *_NON_BREAKING):
        return run
    return next((c for c in run if c in _NON_BREAKING), " ")


def tidy_record(record: Record) -> Record:
    """Tidy the spaces of a record's text (:func:`tidy_spaces`) and put its title on one line."""
    record[schema.TEXT] = tidy_spaces(record[schema.TEXT])
    record[schema.TITLE] = re.sub(r"\s+", " ", str(record[schema.TITLE])).strip()
    return record
