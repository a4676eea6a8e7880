"""The gold labels of the sample corpus (``corpus/annotations.csv``): a theme, a function and
a canonical id per annotated paragraph, for the benchmarks and notebook 03."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.corpus.errors import CorpusError, SkippedFile
from analysis.corpus.table_files import TABLE_READERS, read_table
from analysis.corpus.tables import require_column

ANNOTATIONS_FILE = "annotations.csv"


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
    if path.suffix.lower() not in TABLE_READERS:
        raise CorpusError(
            f"{path} : format non lu ({path.suffix or 'sans extension'}) ; enregistrez les "
            f"annotations en {', '.join(sorted(TABLE_READERS))}."
        )
    try:
        frame, _rows = read_table(path, path.name, encoding="auto")
    except SkippedFile as skipped:
        raise CorpusError(str(skipped)) from None
    for column in schema.ANNOTATION_COLUMNS:
        require_column(frame, column, path.name, "colonne")
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
