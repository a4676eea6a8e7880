"""The entry points: a corpus path (folder, table, IRaMuTeQ file or one document) becomes the
documents table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.config import AnalysisConfig
from analysis.corpus.duplicates import (
    check_unique_ids,
    handle_duplicate_texts,
    rename_clashing_file_ids,
)
from analysis.corpus.encoding import check_encoding
from analysis.corpus.errors import CorpusError, SkippedFile, shorten, warn
from analysis.corpus.folder import read_folder
from analysis.corpus.readers import file_reader
from analysis.corpus.records import PRIVATE_KEYS, ReadOptions, Record, tidy_record


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
        A folder of ``.md``/``.txt``/``.docx``/``.odt``/``.pdf`` files (searched
        recursively), a table (``.csv``, ``.tsv``, ``.xlsx``, ``.xls``, ``.ods``, ``.json``,
        ``.jsonl``), an IRaMuTeQ corpus (``.txt`` whose first line starts with ``****``) or a
        single document file.
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
    check_encoding(encoding)
    if isinstance(meta_columns, str):  # "a,b" as typed on the command line
        meta_columns = [c.strip() for c in meta_columns.split(",") if c.strip()]
    options = ReadOptions(encoding, text_column, id_column, tuple(meta_columns))
    if path.is_dir():
        records = read_folder(path, options)
    elif path.is_file():
        records = _read_file(path, options)
    else:
        raise CorpusError(
            f"Corpus introuvable : {path}. Donnez un dossier de documents ou un fichier tableau "
            "(.csv, .xlsx, .ods, .json)."
        )
    if path.is_dir() and (text_column or id_column or meta_columns):
        warn(
            f"{path} : --text-column, --id-column et --meta-columns ne valent que pour un "
            "tableau ; ils sont ignorés pour un dossier de documents."
        )
    records = [tidy_record(record) for record in records]
    records = handle_duplicate_texts(records, drop=drop_duplicates)
    rename_clashing_file_ids(records)
    check_unique_ids(records)
    _warn_missing_city_or_date(records)
    _warn_unlikely_dates(records)
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


def _read_file(path: Path, options: ReadOptions) -> list[Record]:
    """Read one file given alone as the corpus: a table, an IRaMuTeQ file or a document."""
    read = file_reader(path)
    try:
        return read(path, path.name, options)
    except SkippedFile as skipped:
        raise CorpusError(f"{skipped} Il ne reste rien à charger.") from None


def _warn_missing_city_or_date(records: Iterable[Record]) -> None:
    """One warning listing the files whose documents lack a city or a date."""
    missing: dict[str, int] = {}
    date_columns: dict[str, str] = {}  # table -> its column of dates no option named
    for record in records:
        if not record[schema.CITY] or pd.isna(record[schema.DATE]):
            missing[record[schema.FILE]] = missing.get(record[schema.FILE], 0) + 1
        if pd.isna(record[schema.DATE]) and record.get("_date_column"):
            date_columns[record[schema.FILE]] = record["_date_column"]
    if not missing:
        return
    files = [
        f"{file} ({count} documents)" if count > 1 else file for file, count in missing.items()
    ]
    suggested = "".join(
        f" La colonne « {column} » de {file} porte des dates : --meta-columns date={column} "
        "les donne aux documents."
        for file, column in sorted(date_columns.items())
    )
    warn(
        f"{sum(missing.values())} document(s) sans ville ou sans date (ni dans leur en-tête, ni "
        f"dans les colonnes, ni dans les noms de dossiers ou de fichiers), champs laissés vides : "
        f"{shorten(sorted(files))}. Leurs segments sont analysés, mais laissés hors des cartes "
        "et des spécificités par ville (sans ville), des périodes et des statuts (sans date). "
        "Ajoutez « city: » et « date: » à l’en-tête, nommez le "
        "dossier comme « 2023-04-28-dijon », ou indiquez les colonnes d’un tableau avec "
        f"--meta-columns city=...,date=....{suggested}"
    )


FIRST_LIKELY_YEAR = 1980  # before: a spreadsheet's day zero (1900-01-01), not a concertation


def _warn_unlikely_dates(records: Iterable[Record]) -> None:
    """One warning naming the documents dated before :data:`FIRST_LIKELY_YEAR` or after next
    year: a spreadsheet's day zero, a placeholder ("2099-12-31"), a mistyped year. They are
    kept (an analyst may mean them), but every period and trend would count them."""
    last = dt.date.today().year + 1
    unlikely = sorted(
        f"{record['_origin']} ({pd.Timestamp(record[schema.DATE]).date().isoformat()})"
        for record in records
        if not pd.isna(record[schema.DATE])
        and not FIRST_LIKELY_YEAR <= pd.Timestamp(record[schema.DATE]).year <= last
    )
    if unlikely:
        warn(
            f"{len(unlikely)} document(s) daté(s) avant {FIRST_LIKELY_YEAR} ou après {last} : "
            f"{shorten(unlikely)}. Ces dates sont gardées, mais comptent dans les périodes et les "
            "évolutions : corrigez-les dans les documents sources (1900-01-01 est souvent une "
            "case de date vide d’un tableur)."
        )


def _documents_frame(records: list[Record]) -> pd.DataFrame:
    standard = [*schema.DOCUMENT_COLUMNS, schema.FILE]
    extras = sorted({key for record in records for key in record} - {*standard, *PRIVATE_KEYS})
    frame = pd.DataFrame.from_records(records, columns=[*standard, *extras])
    frame[schema.DATE] = pd.to_datetime(frame[schema.DATE]).astype("datetime64[ns]")
    return frame.sort_values(schema.DOC_ID, kind="stable").reset_index(drop=True)
