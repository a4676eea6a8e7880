"""Reading the user's corpus: every supported input becomes one documents table.

This is the only module that reads the user's input. Whatever the format (a folder of
Markdown/text, Word or PDF files, a platform export table, an IRaMuTeQ corpus file), the result
is the same DataFrame: the columns of :data:`analysis.schema.DOCUMENT_COLUMNS`, then ``file``
(the input file, relative to the corpus root), then any extra metadata (``atelier``...) in
alphabetical order. Rows are sorted by ``doc_id``, so the table does not depend on the order
of the files on disk. The user's files are only ever opened for reading.

``text`` is the document body as in the file, with the few changes a reader would not notice
or would want: line endings become ``"\\n"``, runs of spaces and tabs inside a line become one
space (no space before ``,`` or ``.``, none at the start or end of a line: see
:func:`tidy_spaces`), Word headings become ``## `` lines, HTML in table fields becomes plain text
and PDF lines are joined back into paragraphs.
Segmentation computes character offsets into this text, so what users read in quotes is tidy.

The same text loaded twice (a note as ``.md`` and ``.docx``, a row repeated in an export) is
counted once, with a warning naming the copies left out. Output folders of the workbook (holding
``run.json`` or ``theme_memory.json``) inside a corpus folder are never read as corpus.

Bad input raises :class:`CorpusError` or warns with :class:`CorpusWarning` (and skips what it
cannot read), with a message in French naming the file, line or column and what to do;
``corpus/README.md`` lists which is which.

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
import itertools
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
    ".doc": "enregistrez-le en .docx",
    ".odt": "enregistrez-le en .docx",
    ".rtf": "enregistrez-le en .docx",
    ".html": "enregistrez-le en .md ou .txt",
    ".htm": "enregistrez-le en .md ou .txt",
    ".xls": "enregistrez-le en .xlsx et donnez ce tableau seul comme CORPUS",
}
# Files that the workbook writes in its output folder (pipeline.RUN_FILE and
# curation.MEMORY_FILE; tests check they agree): a folder holding one is a report, not corpus.
OUTPUT_MARKERS = ("run.json", "theme_memory.json")
# When the same text comes in several formats, the copy kept is the one that can carry the
# most metadata (front matter), then the richest layout.
_FORMAT_PREFERENCE = (".md", ".markdown", ".txt", ".docx", ".pdf")


class CorpusError(ValueError):
    """The corpus cannot be loaded as it is; the message (French) names the file and what to do."""


class CorpusWarning(UserWarning):
    """Part of the corpus was skipped, merged or guessed; the message (French) says which."""


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
    drop_duplicates: bool = True,
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
    drop_duplicates
        Documents with the same text (white space aside, case kept) are counted once: the first
        by ``doc_id`` is kept (the ``.md`` before the ``.docx`` and the ``.pdf`` of a note with
        the same name). A warning names every copy, dropped or (``False``) kept.

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

    Examples
    --------
    >>> documents = load_corpus("export.csv", text_column="body", id_column="id")  # doctest: +SKIP
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
        raise CorpusError(
            f"Corpus introuvable : {path}. Donnez un dossier de documents ou un fichier tableau "
            "(.csv, .xlsx, .json)."
        )
    if path.is_dir() and (text_column or id_column or meta_columns):
        _warn(
            f"{path} : --text-column, --id-column et --meta-columns ne valent que pour un "
            "tableau ; ils sont ignorés pour un dossier de documents."
        )
    records = [_tidy_record(record) for record in records]
    records = _handle_duplicate_texts(records, drop=drop_duplicates)
    _rename_clashing_file_ids(records)
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
        hint = _FORMAT_HINTS.get(suffix, "convertissez-le dans l’un de ces formats")
        raise CorpusError(
            f"{path.name} : type de fichier « {suffix or '(aucun)'} » non pris en charge. "
            f"Formats acceptés : un dossier, {', '.join(DOCUMENT_EXTENSIONS + TABLE_EXTENSIONS)} "
            f"; {hint}."
        )
    try:
        return _read_document(path, path.name, encoding=encoding)
    except _Skipped as skipped:
        raise CorpusError(f"{skipped} Il ne reste rien à charger.") from None


# --- folders ------------------------------------------------------------------------------------


def _load_folder(root: Path, *, encoding: str) -> list[dict[str, Any]]:
    """Load every document file under ``root``; warn about and skip what cannot be read."""
    documents, unknown, outputs = _list_folder(root)
    if outputs:
        _warn(
            f"{root} : {len(outputs)} dossier(s) de résultats du classeur laissé(s) de côté "
            f"({_shorten(outputs)}) : ils contiennent {' ou '.join(OUTPUT_MARKERS)}, écrits par "
            "« analysis report », et ne sont pas des documents du corpus. Écrivez les résultats "
            "hors du dossier du corpus (--out) pour faire taire cet avertissement."
        )
    if unknown:
        _warn_unknown_files(unknown)
    if not documents:
        raise CorpusError(
            f"{root} : aucun document trouvé (fichiers {', '.join(DOCUMENT_EXTENSIONS)} ; "
            "README.md, noms commençant par « . » ou « _ » et dossiers de résultats mis à part). "
            "Mettez les documents dans ce dossier, ou donnez un fichier tableau (.csv, .xlsx, "
            ".json) comme corpus."
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
            f"{root} : aucun des {len(documents)} fichiers de documents n’a pu être chargé "
            f"({', '.join(skipped)}) ; voyez les avertissements ci-dessus."
        )
    return records


def _list_folder(root: Path) -> tuple[list[str], list[str], list[str]]:
    """Return the document files, the unknown files and the output folders under ``root``.

    All three are sorted POSIX paths relative to ``root``. Hidden or private folders
    (``.git``, ``.cache``, ``_drafts``) are left aside silently, output folders of the
    workbook (:data:`OUTPUT_MARKERS`) with their subfolders are listed apart.
    """
    documents: list[str] = []
    unknown: list[str] = []
    outputs: list[str] = []
    for folder, subfolders, files in os.walk(root):
        kept = []
        for name in sorted(subfolders):
            if name.startswith((".", "_")):
                continue
            if any((Path(folder) / name / marker).is_file() for marker in OUTPUT_MARKERS):
                outputs.append((Path(folder) / name).relative_to(root).as_posix())
                continue
            kept.append(name)
        subfolders[:] = kept  # os.walk descends only into these
        for name in sorted(files):
            if name.startswith((".", "_")) or _is_ignored(name):
                continue
            relative = (Path(folder) / name).relative_to(root).as_posix()
            if Path(name).suffix.lower() in DOCUMENT_EXTENSIONS:
                documents.append(relative)
            else:
                unknown.append(relative)
    return sorted(documents), sorted(unknown), sorted(outputs)


def _is_ignored(name: str) -> bool:
    lowered = name.lower()
    return lowered in (ANNOTATIONS_FILE, *OUTPUT_MARKERS) or lowered in (
        "readme.md",
        "readme.txt",
        "readme",
    )


def _warn_unknown_files(unknown: list[str]) -> None:
    described = []
    for relative in unknown:
        suffix = Path(relative).suffix.lower()
        if suffix in TABLE_EXTENSIONS:
            hint = "un tableau : donnez-le seul comme CORPUS"
        else:
            hint = _FORMAT_HINTS.get(suffix, "type inconnu")
        described.append(f"{relative} ({hint})")
    _warn(
        f"{len(unknown)} fichier(s) laissé(s) de côté, d’un type de document non pris en charge "
        f"({', '.join(DOCUMENT_EXTENSIONS)}) : {' ; '.join(described)}."
    )


def _read_document(path: Path, relative: str, *, encoding: str) -> list[dict[str, Any]]:
    """Read one document file; an IRaMuTeQ ``.txt`` gives one record per text."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return [_document_record({}, *_read_docx(path, relative), relative)]
    if suffix == ".pdf":
        return [_document_record({}, *_read_pdf(path, relative), relative)]
    text = _decode(_read_bytes(path, relative), relative, encoding=encoding)
    if suffix == ".txt" and _is_iramuteq(text):
        return _iramuteq_records(text, relative)
    meta, body = _split_front_matter(text, relative)
    if not body.strip():
        raise _Skipped(
            f"{relative} : aucun texte après l’en-tête ; fichier laissé de côté. Ajoutez le texte."
        )
    return [_document_record(meta, body, None, relative)]


def _read_bytes(path: Path, relative: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _Skipped(
            f"{relative} : illisible ({error.strerror}) ; fichier laissé de côté. Vérifiez qu’il "
            "n’est pas ouvert dans un autre programme et que vous avez le droit de le lire."
        ) from error
    if not data.strip():
        raise _Skipped(
            f"{relative} : fichier vide ; laissé de côté. Supprimez-le ou écrivez son texte."
        )
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
            f"Encodage inconnu {encoding!r} : utilisez « auto » ou un nom d’encodage Python comme "
            "« utf-8 », « cp1252 » ou « latin-1 »."
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
            f"{name} : contenu binaire, pas du texte (un fichier renommé ?) ; laissé de côté. "
            "Enregistrez-le en texte brut (.txt/.md, UTF-8) ou en .docx."
        )
    elif encoding != "auto":
        text = _decode_strictly(data, name, encoding)
    else:
        text = _decode_auto(data, name)
    if _MOJIBAKE.search(text):
        sample = _MOJIBAKE.search(text).group(0)  # type: ignore[union-attr]
        _warn(
            f"{name} : le texte contient des suites comme {sample!r}, signe d’accents encodés "
            "deux fois (UTF-8 lu comme Windows-1252) ; réenregistrez le fichier depuis le "
            "programme qui l’a créé."
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_strictly(data: bytes, name: str, encoding: str) -> str:
    codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CorpusError(
            f"{name}, ligne {line} : pas du {encoding} valide (octet {data[error.start]:#04x}). "
            "Vérifiez l’encodage du fichier, ou utilisez l’encodage « auto »."
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
        f"{name} : pas en UTF-8 ; lu comme {used}. Vérifiez quelques mots accentués ; "
        "réenregistrez le fichier en UTF-8 pour faire taire cet avertissement."
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
            f"{name}, ligne 1 : l’en-tête ouvert par « --- » n’est jamais fermé. Ajoutez une "
            "ligne « --- » après sa dernière clé (ou supprimez la ligne 1 si le fichier n’a pas "
            "d’en-tête)."
        )
    source = "\n".join(lines[1:closing])
    try:
        meta = yaml.safe_load(source) if source.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f", ligne {mark.line + 2}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).split("\n")[0]
        raise CorpusError(
            f"{name}{where} : l’en-tête n’est pas du YAML valide ({problem}). Écrivez une ligne "
            "« clé: valeur » par champ et mettez entre guillemets doubles les valeurs qui "
            'contiennent « : » ou des guillemets, par exemple title: "Dijon : restitution".'
        ) from error
    except ValueError as error:  # YAML reads 2023-02-30 as a date, and fails
        raise CorpusError(
            f"{name}{_impossible_date_line(lines[1:closing])} : date impossible dans l’en-tête "
            f"({error}). Vérifiez-la et écrivez-la AAAA-MM-JJ."
        ) from error
    if not isinstance(meta, dict):
        raise CorpusError(
            f"{name} : l’en-tête doit être fait de lignes « clé: valeur » (trouvé : "
            f"{type(meta).__name__})."
        )
    return meta, "\n".join(lines[closing + 1 :])


def _impossible_date_line(lines: list[str]) -> str:
    for number, line in enumerate(lines, start=2):
        for found in re.findall(r"\d{4}-\d{2}-\d{2}", line):
            try:
                dt.date.fromisoformat(found)
            except ValueError:
                return f", ligne {number}"
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
    record["_id_from_name"] = not record[schema.DOC_ID]
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
            f"{where} : la clé « {key} » est réservée (le chargement la remplit) ; renommez-la."
        )
    column = _KEY_ALIASES.get(key, key)
    if column == schema.DATE:
        record[column] = _parse_date(value, f"{where} : date")
    elif column in _STRING_COLUMNS:
        record[column] = "" if value is None else str(value).strip()
    else:
        guess = schema.closest_name(key, _DOCUMENTED_KEYS)
        if guess and key != schema.ATELIER:
            _warn(
                f"{where} : clé inconnue « {key} », gardée comme métadonnée ; vouliez-vous "
                f"dire « {guess} » ?"
            )
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
        f"{where} : date illisible {text!r}. Écrivez-la AAAA-MM-JJ (par exemple 2023-04-28), "
        "JJ/MM/AAAA ou « 28 avril 2023 »."
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
            f"{relative} : ne s’ouvre pas comme un document Word ({error}) ; laissé de côté. "
            "Ouvrez-le dans Word ou LibreOffice et enregistrez-le de nouveau en .docx."
        ) from error
    blocks: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            blocks.append(_docx_paragraph(Paragraph(element, document)))
        elif element.tag.endswith("}tbl"):
            blocks.extend(_docx_table_rows(Table(element, document)))
    text = "\n\n".join(block for block in blocks if block.strip())
    if not text.strip():
        raise _Skipped(f"{relative} : le document Word ne contient aucun texte ; laissé de côté.")
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


def _read_pdf(path: Path, relative: str) -> tuple[str, str | None]:
    """Return the text layer of a PDF, rebuilt into paragraphs, and its title.

    Paragraphs are separated by a blank line, as in the other formats (segmentation counts
    them); the title is the PDF's ``/Title`` when it says something, else its first lines.
    """
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Skipped(
                f"{relative} : le PDF est protégé par un mot de passe ; laissé de côté. Retirez "
                "le mot de passe."
            )
        pages = [_pdf_page_lines(page) for page in reader.pages]
        metadata_title = _pdf_metadata_title(reader.metadata)
    except _Skipped:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on damaged files
        raise _Skipped(
            f"{relative} : illisible comme PDF ({error}) ; laissé de côté. Exportez-le de "
            "nouveau en PDF, ou enregistrez-le en .docx ou .txt."
        ) from error
    paragraphs = _pdf_paragraphs(pages)
    if not paragraphs:
        raise _Skipped(
            f"{relative} : le PDF n’a pas de couche texte (un scan ?) ; laissé de côté. Il faut "
            "d’abord le passer à l’OCR (par exemple `ocrmypdf entree.pdf sortie.pdf`), puis "
            "charger le nouveau fichier."
        )
    return "\n\n".join(paragraphs), metadata_title or _pdf_first_lines_title(paragraphs)


_PdfLine = tuple[str, float | None]  # a line of text and its height on the page, if known
_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:/|sur|of)\s*\d{1,4})?", re.IGNORECASE)
_BULLET_START = re.compile(r"(?:[-•–—*▪◦●]|\d{1,2}[.)])\s")
_SENTENCE_ENDS = (".", "!", "?", "…", ":", ";", "»", '"')
_MEANINGLESS_TITLE = re.compile(
    r"(?:untitled|sans titre|titre|title|document\s*\d*|diapositive\s*\d*|slide\s*\d*|"
    r"présentation powerpoint|powerpoint presentation|microsoft (?:word|powerpoint) - .*|"
    r".*\.(?:docx?|odt|rtf|pdf|txt|pptx?|xlsx?|indd|qxd))",
    re.IGNORECASE,
)


def _pdf_page_lines(page: Any) -> list[_PdfLine]:
    """The lines of a page as pypdf extracts them, each with its height when pypdf gives it."""
    lines: list[list[Any]] = [["", None]]

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], *_: Any) -> None:
        for number, part in enumerate(text.split("\n")):
            if number:
                lines.append(["", None])
            lines[-1][0] += part
            if part.strip() and lines[-1][1] is None and any(tm) and number == 0:
                lines[-1][1] = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # y on the page

    page.extract_text(visitor_text=visit)
    return [(text.replace("\r", " ").strip(), y) for text, y in lines]


def _pdf_metadata_title(metadata: Any) -> str | None:
    """The ``/Title`` of a PDF unless it is empty or says nothing ("Document1", "note.docx")."""
    title = re.sub(r"\s+", " ", str((metadata or {}).get("/Title") or "")).strip()
    if len(title) < 3 or not re.search(r"[^\W\d_]", title) or _MEANINGLESS_TITLE.fullmatch(title):
        return None
    return title


def _pdf_first_lines_title(paragraphs: list[str]) -> str:
    """The first paragraph when it is title-sized, else the start of the first line."""
    first = paragraphs[0]
    if len(first) <= 160:
        return first
    cut = first[:120].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _pdf_paragraphs(pages: list[list[_PdfLine]]) -> list[str]:
    """Join the lines of every page into paragraphs.

    A new paragraph starts after a blank line, after a vertical gap larger than the page's line
    spacing, before a bullet, and after a short line ending a sentence when a capital follows.
    Page numbers alone on a line are dropped; a sentence running over a page break goes on.
    """
    runs: list[list[str]] = []
    previous: _PdfLine | None = None
    for page in pages:
        lines = [line for line in page if not _PAGE_NUMBER.fullmatch(line[0])]
        while lines and not lines[-1][0]:
            lines.pop()
        lines = list(itertools.dropwhile(lambda line: not line[0], lines))
        spacing = _line_spacing(lines)
        width = max((len(text) for text, _ in lines), default=0)
        for number, (text, y) in enumerate(lines):
            if previous is None or not text:
                new = bool(text)
            elif number == 0:
                new = not _continues_over_page(previous[0], text)
            else:
                new = _starts_paragraph(previous, (text, y), spacing, width)
            if new:
                runs.append([text])
            elif text:
                runs[-1].append(text)
            previous = (text, y) if text else None
    words = set(_HYPHENATED_WORD.findall(" ".join(line for run in runs for line in run)))
    return [_join_pdf_lines(run, words) for run in runs]


def _line_spacing(lines: list[_PdfLine]) -> float | None:
    """The usual distance between two lines of a page (lower quartile of the gaps)."""
    heights = [y for text, y in lines if text and y is not None]
    gaps = sorted(a - b for a, b in itertools.pairwise(heights) if a - b > 0.5)
    return gaps[len(gaps) // 4] if len(gaps) >= 2 else None


def _starts_paragraph(
    previous: _PdfLine, line: _PdfLine, spacing: float | None, width: int
) -> bool:
    (before, y_before), (text, y) = previous, line
    if _BULLET_START.match(text):
        return True
    capital_next = text[:1].isupper() or text[:1].isdigit() or text[:1] in "«\"'("
    ends_sentence = before.endswith(_SENTENCE_ENDS)
    if spacing is not None and y is not None and y_before is not None:
        gap = y_before - y
        if gap > 1.4 * spacing or gap < -spacing:  # a blank space, or a new column
            return True
    # inside a paragraph only its last line is short: a short line followed by a capital ends
    # one (a heading, a date line); a sentence end makes a longer last line as telling
    if len(before) < 0.6 * width:
        return capital_next
    return len(before) < 0.75 * width and ends_sentence and capital_next


def _continues_over_page(before: str, text: str) -> bool:
    return not before.endswith(_SENTENCE_ENDS) and text[:1].islower()


_HYPHENATED_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_LINE_END_HYPHEN = re.compile(r"(?P<head>[^\W\d_]+)-$")
# pieces that make real compounds ("co-présidée", "peut-être", "dit-elle"): hyphen kept
_COMPOUND_FIRST = frozenset(
    "co ex vice anti non sous après avant arrière demi mi semi quasi auto néo post pro "
    "grand grande peut celle celui ceux celles".split()
)
_COMPOUND_SECOND = frozenset(
    "il ils elle elles on je tu nous vous t ci là même mêmes être dire uns unes".split()
)


def _join_pdf_lines(lines: list[str], words: set[str]) -> str:
    """Join the lines of a paragraph; undo the hyphenation of words cut at a line end."""
    text = lines[0]
    for line in lines[1:]:
        cut = _LINE_END_HYPHEN.search(text)
        following = _HYPHENATED_WORD.match(line)
        if cut is not None and line[:1].isupper():
            text += line  # "Creusot-" + "Montceau": a compound cut at its hyphen
            continue
        if cut is None or following is None or not line[:1].islower():
            text += " " + line
            continue
        head, tail = cut.group("head"), following.group(0).split("-")[0]
        compound = f"{head}-{tail}" in words and f"{head}{tail}" not in words
        if compound or head.lower() in _COMPOUND_FIRST or tail.lower() in _COMPOUND_SECOND:
            text += line  # "peut-" + "être", "co-" + "présidée": the hyphen stays
        else:
            text = text[:-1] + line  # "préven-" + "tion" -> "prévention"
    return text


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
        where = f"{relative}, ligne {line}"
        if not body.strip():
            _warn(f"{where} : texte IRaMuTeQ sans aucun mot ; laissé de côté.")
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
            texts.append((number, _iramuteq_variables(line, f"{name}, ligne {number}"), []))
        elif not texts:
            if line.strip():
                raise CorpusError(
                    f"{name}, ligne {number} : du texte avant la première ligne « **** ». Un "
                    "corpus IRaMuTeQ commence chaque texte par une ligne comme "
                    "« **** *ville_dijon *date_2023 »."
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
                f"{where} : {token!r} n’est pas une variable étoilée ; écrivez « *nom_valeur » "
                "(pas d’espace dans la valeur, pas de « _ » dans le nom)."
            )
        if match.group("name") in variables:
            raise CorpusError(
                f"{where} : la variable « *{match.group('name')} » est donnée deux fois ; "
                "gardez-en une."
            )
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
                f"Le nom de variable IRaMuTeQ {name!r} (colonne « {column} ») ne doit contenir "
                "ni « _ », ni espace, ni « * » ; donnez-en un autre, par exemple "
                "variables={'doc_type': 'type'}."
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
        raise CorpusError(
            f"{name} : le tableau n’a aucune ligne. Vérifiez que c’est le bon export."
        )
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
            f"{name} : tous les textes de la colonne « {columns.text} » sont vides. Choisissez "
            f"la colonne des textes avec --text-column (colonnes : "
            f"{', '.join(map(str, frame.columns))})."
        )
    if empty_rows:
        _warn(
            f"{name} : {len(empty_rows)} ligne(s) à la colonne « {columns.text} » vide laissée(s) "
            f"de côté ({_shorten(empty_rows)})."
        )
    return records


def _shorten(items: Sequence[str], limit: int = 15, *, sep: str = ", ") -> str:
    shown = sep.join(items[:limit])
    return shown + (f" et {len(items) - limit} autre(s)" if len(items) > limit else "")


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
            targets[target.strip()] = _require_column(
                frame, column.strip(), name, "colonne de métadonnée"
            )
        if id_column is not None:
            id_column = _require_column(frame, id_column, name, "colonne d’identifiant")
        if text_column is None:
            text_column = _guess_text_column(frame, name, exclude={id_column, *targets.values()})
        else:
            text_column = _require_column(frame, text_column, name, "colonne de texte")
        for reserved in (schema.TEXT, schema.DOC_ID, schema.FILE):
            targets.pop(reserved, None)
        return cls(text_column, id_column, targets)


def _require_column(frame: pd.DataFrame, column: str, name: str, role: str) -> str:
    available = [str(c) for c in frame.columns]
    if column in available:
        return column
    guess = schema.closest_name(column, available)
    hint = f" Vouliez-vous dire « {guess} » ?" if guess else ""
    raise CorpusError(
        f"{name} : pas de {role} « {column} ».{hint} Les colonnes du tableau sont : "
        f"{', '.join(available)}. Donnez le nom exact (--text-column, --id-column, "
        "--meta-columns)."
    )


def _guess_text_column(frame: pd.DataFrame, name: str, *, exclude: set[Any]) -> str:
    candidates = [str(c) for c in frame.columns if c not in exclude]
    for column in candidates:
        if column.strip().lower() == schema.TEXT:
            return column
    if not candidates:
        raise CorpusError(
            f"{name} : il ne reste aucune colonne pour les textes ; donnez --text-column."
        )
    lengths = {c: frame[c].astype(str).str.len().mean() for c in candidates}
    best = max(candidates, key=lambda c: (lengths[c], -candidates.index(c)))
    _warn(
        f"{name} : pas de colonne de texte indiquée ; la colonne « {best} » (aux textes les "
        "plus longs) est prise. Donnez --text-column (text_column=) pour en choisir une autre."
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
            record[target] = _parse_date(value, f"{name}, {label}, colonne « {column} »")
        else:
            record[target] = value
    if columns.doc_id is not None:
        record[schema.DOC_ID] = _field_text(row[columns.doc_id]).strip()
        if not record[schema.DOC_ID]:
            raise CorpusError(
                f"{name}, {label} : identifiant vide dans la colonne « {columns.doc_id} ». "
                "Remplissez-le, ou retirez --id-column pour numéroter les lignes."
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
        line = re.search(r"line (\d+)", str(error))
        where = f", ligne {line.group(1)}" if line else ""
        raise CorpusError(
            f"{name}{where} : illisible comme tableau au délimiteur {delimiter!r} ({error}). "
            "Vérifiez les guillemets autour des textes qui contiennent le délimiteur ou des "
            "retours à la ligne."
        ) from error


def _read_xlsx(path: Path, name: str) -> pd.DataFrame:
    try:
        with pd.ExcelFile(path, engine="openpyxl") as workbook:
            sheets = workbook.sheet_names
            frame = workbook.parse(sheets[0], dtype=str)
    except Exception as error:  # a damaged workbook fails in many ways (zip, XML, styles)
        raise CorpusError(
            f"{name} : ne s’ouvre pas comme un classeur Excel ({error}). Ouvrez-le dans un "
            "tableur et enregistrez-le de nouveau en .xlsx."
        ) from error
    if len(sheets) > 1:
        _warn(
            f"{name} : seule la première feuille « {sheets[0]} » est lue ; autres feuilles "
            f"laissées de côté : {', '.join(sheets[1:])}. Mettez les textes dans la première."
        )
    return frame.fillna("")


def _json_records(text: str, name: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CorpusError(
            f"{name}, ligne {error.lineno}, colonne {error.colno} : JSON invalide ({error.msg})."
        ) from error
    if isinstance(data, dict):
        lists = [value for value in data.values() if isinstance(value, list)]
        if len(lists) != 1:
            raise CorpusError(
                f"{name} : une liste d’objets est attendue, ou un objet qui contient une seule "
                "telle liste."
            )
        data = lists[0]
    if not isinstance(data, list):
        raise CorpusError(
            f"{name} : une liste d’objets est attendue, trouvé : {type(data).__name__}."
        )
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise CorpusError(
                f"{name}, entrée {number} : un objet {{...}} est attendu, trouvé : {item!r}."
            )
    return data


def _read_jsonl(text: str, name: str) -> tuple[pd.DataFrame, list[str]]:
    records, labels = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(f"{name}, ligne {number} : JSON invalide ({error.msg}).") from error
        if not isinstance(item, dict):
            raise CorpusError(f"{name}, ligne {number} : un objet {{...}} par ligne est attendu.")
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


def _tidy_record(record: dict[str, Any]) -> dict[str, Any]:
    record[schema.TEXT] = tidy_spaces(record[schema.TEXT])
    record[schema.TITLE] = re.sub(r"\s+", " ", str(record[schema.TITLE])).strip()
    return record


def _handle_duplicate_texts(records: list[dict[str, Any]], *, drop: bool) -> list[dict[str, Any]]:
    """Count once the documents that have the same text; one warning names every copy.

    "Same" means equal once white space is collapsed (case and punctuation count). The kept
    document is the first by ``doc_id``, then by format (:data:`_FORMAT_PREFERENCE`), then by
    file and line, so the choice does not depend on the order of the files on disk.
    """

    def rank(record: dict[str, Any]) -> tuple[Any, ...]:
        suffix = Path(record[schema.FILE]).suffix.lower()
        preference = _FORMAT_PREFERENCE.index(suffix) if suffix in _FORMAT_PREFERENCE else 0
        return record[schema.DOC_ID], preference, _natural_key(record["_origin"])

    kept: dict[str, dict[str, Any]] = {}
    copies: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for record in sorted(records, key=rank):
        key = " ".join(record[schema.TEXT].split())
        if key in kept:
            copies.append((record, kept[key]))
        else:
            kept[key] = record
    if not copies:
        return records
    listed = _shorten(
        [f"{_describe(copy)} (même texte que {_describe(first)})" for copy, first in copies],
        30,
        sep=" ; ",
    )
    if drop:
        _warn(
            f"{len(copies)} document(s) en double, au même texte qu’un autre document : chacun "
            f"est compté une fois, ces copies sont laissées de côté : {listed}. Retirez les "
            "copies du corpus pour faire taire cet avertissement."
        )
        dropped = {id(copy) for copy, _ in copies}
        return [record for record in records if id(record) not in dropped]
    _warn(
        f"{len(copies)} document(s) en double, au même texte qu’un autre document, gardés "
        f"(drop_duplicates=False) : {listed}. Leurs mots comptent deux fois."
    )
    return records


def _describe(record: dict[str, Any]) -> str:
    """How a warning names a document: its file (and line), and its id when not the file's."""
    origin = record["_origin"]
    if record[schema.DOC_ID] == Path(record[schema.FILE]).stem:
        return origin
    return f"{origin} [id {record[schema.DOC_ID]}]"


def _natural_key(text: str) -> tuple[Any, ...]:
    """Sort "ligne 10" after "ligne 9"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def _rename_clashing_file_ids(records: list[dict[str, Any]]) -> None:
    """Give a longer id to documents whose id, taken from their file name, is already used.

    ``lille/compte-rendu.md`` beside ``dijon/compte-rendu.md`` becomes
    ``lille-compte-rendu``; ``note.pdf`` beside ``note.md`` (not the same text) ``note-pdf``.
    Ids written in a front matter, a table or an IRaMuTeQ file are never changed.
    """

    def rank(record: dict[str, Any]) -> tuple[Any, ...]:
        suffix = Path(record[schema.FILE]).suffix.lower()
        preference = _FORMAT_PREFERENCE.index(suffix) if suffix in _FORMAT_PREFERENCE else 0
        return record.get("_id_from_name", False), preference, _natural_key(record["_origin"])

    taken: set[str] = set()
    renamed = []
    for record in sorted(records, key=rank):
        doc_id = record[schema.DOC_ID]
        if doc_id in taken and record.get("_id_from_name"):
            path = Path(record[schema.FILE])
            candidates = [
                path.with_suffix("").as_posix().replace("/", "-"),
                path.as_posix().replace("/", "-").replace(".", "-"),
            ]
            new_id = next((c for c in candidates if c not in taken), None)
            if new_id is not None:
                renamed.append(f"{record['_origin']} → « {new_id} »")
                record[schema.DOC_ID] = doc_id = new_id
        taken.add(doc_id)
    if renamed:
        _warn(
            f"{len(renamed)} document(s) dont le nom de fichier est déjà pris par un autre "
            f"document reçoivent un identifiant plus long : {_shorten(renamed, 30, sep=' ; ')}. "
            "Si l’un est une copie d’un autre (même note en .md et en .pdf), retirez la copie ; "
            "sinon donnez-leur un « id: » dans l’en-tête pour faire taire cet avertissement."
        )


def _check_duplicates(records: Iterable[dict[str, Any]]) -> None:
    seen: dict[str, str] = {}
    clashes = []
    for record in records:
        doc_id = record[schema.DOC_ID]
        if doc_id in seen:
            clashes.append(f"'{doc_id}' dans {seen[doc_id]} et dans {record['_origin']}")
        else:
            seen[doc_id] = record["_origin"]
    if clashes:
        raise CorpusError(
            f"Identifiants de documents en double : {' ; '.join(clashes)}. Donnez à chaque "
            "document son propre « id: » dans l’en-tête (ou renommez un fichier, ou choisissez "
            "une autre colonne avec --id-column)."
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
        f"{sum(missing.values())} document(s) sans ville ou sans date (ni dans leur en-tête, ni "
        f"dans les colonnes, ni dans les noms de dossiers ou de fichiers), champs laissés vides : "
        f"{_shorten(sorted(files))}. Ajoutez « city: » et « date: » à l’en-tête, nommez le "
        "dossier comme « 2023-04-28-dijon », ou indiquez les colonnes d’un tableau avec "
        "--meta-columns city=...,date=...."
    )


def _documents_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    standard = [*schema.DOCUMENT_COLUMNS, schema.FILE]
    private = {"_origin", "_id_from_name"}
    extras = sorted({key for record in records for key in record} - {*standard, *private})
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
        raise CorpusError(f"Fichier d’annotations introuvable : {path}.")
    try:
        text = _decode(_read_bytes(path, path.name), path.name)
    except _Skipped as skipped:
        raise CorpusError(str(skipped)) from None
    frame = _read_csv(text, path.name, ",")
    for column in schema.ANNOTATION_COLUMNS:
        _require_column(frame, column, path.name, "colonne")
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
                f"{name}, ligne {line} : le paragraphe {paragraph!r} n’est pas un nombre entier "
                "(0, 1...)."
            )
        function = row[schema.GOLD_FUNCTION]
        if function not in schema.FUNCTIONS:
            guess = schema.closest_name(function, schema.FUNCTIONS)
            hint = f" Vouliez-vous dire « {guess} » ?" if guess else ""
            raise CorpusError(
                f"{name}, ligne {line} : fonction inconnue {function!r}.{hint} Utilisez l’une "
                f"de : {', '.join(schema.FUNCTIONS)}."
            )
        key = (row[schema.DOC_ID], paragraph)
        if key in seen:
            raise CorpusError(
                f"{name}, lignes {seen[key]} et {line} : le paragraphe {paragraph} de "
                f"« {key[0]} » est annoté deux fois ; gardez une seule ligne."
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
