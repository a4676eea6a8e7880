"""Labelled files: a function per paragraph or segment (``corpus/annotations.csv``), read with
their spellings normalised and joined to the segments of a corpus."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import schema
from analysis.corpus.errors import CorpusError, SkippedFile
from analysis.corpus.table_files import TABLE_READERS, read_table
from analysis.roles.cue_table import CLASSES
from analysis.roles.headings import fold

GOLD_FUNCTION_COLUMN = "gold_function"


class FunctionLabelError(ValueError):
    """A labelled file cannot be used for training (missing columns, too few classes...)."""


class UnknownFunctionWarning(UserWarning):
    """A labelled file holds function labels outside the six known classes; rows set aside."""


class UnlabelledSegmentsWarning(UserWarning):
    """Labels could not be joined to segments (unknown document or paragraph)."""


_LABEL_SYNONYMS: dict[str, str] = {
    **{name: name for name in CLASSES},
    "constats": schema.CONSTAT,
    "observation": schema.CONSTAT,
    "finding": schema.CONSTAT,
    "freins": schema.FREIN,
    "obstacle": schema.FREIN,
    "obstacles": schema.FREIN,
    "difficulte": schema.FREIN,
    "difficultes": schema.FREIN,
    "barrier": schema.FREIN,
    "propositions": schema.PROPOSITION,
    "recommandation": schema.PROPOSITION,
    "recommandations": schema.PROPOSITION,
    "proposal": schema.PROPOSITION,
    "bonnes pratiques": schema.BONNE_PRATIQUE,
    "bp": schema.BONNE_PRATIQUE,
    "good practice": schema.BONNE_PRATIQUE,
    "pratique": schema.BONNE_PRATIQUE,
    "demandes": schema.DEMANDE,
    "request": schema.DEMANDE,
    "autres": schema.AUTRE,
    "other": schema.AUTRE,
    "hors sujet": schema.AUTRE,
}


def normalise_function_label(label: Any) -> str | None:
    """Map a spelling of a class to its canonical name ("Bonnes_pratiques" -> "bonne pratique").

    Returns None for an empty or unknown label.
    """
    if label is None or (isinstance(label, float) and np.isnan(label)):
        return None
    key = " ".join(fold(label).replace("_", " ").replace("-", " ").split())
    return _LABEL_SYNONYMS.get(key)


def load_labelled_file(path: str | Path) -> pd.DataFrame:
    """Read a labelled table (CSV, TSV, Excel, LibreOffice, JSON) and normalise its function
    labels.

    The file has a ``function`` column and either ``doc_id`` + ``paragraph`` (the format of
    ``corpus/annotations.csv``) or ``segment_id``. Spellings of the six classes are normalised
    (case, accents, plurals, "_" or "-": "Bonnes_pratiques" is "bonne pratique"; a few English
    names too). Rows with an empty or unknown label are **set aside with a warning** naming the
    labels and their counts, so that a typo or a class of your own never trains the model
    silently.

    Returns
    -------
    DataFrame
        The usable rows, with the key column(s) and ``function``.

    Raises
    ------
    FunctionLabelError
        When the file is missing, unreadable, lacks the needed columns, or has no usable row.
    """
    path = Path(path)
    if not path.is_file():
        raise FunctionLabelError(
            f"Fichier d'annotations introuvable : {path}. Vérifiez [functions] labelled_file "
            "(un chemin relatif part du dossier de analysis.toml)."
        )
    if path.suffix.lower() not in TABLE_READERS:
        raise FunctionLabelError(
            f"{path} : format non lu ({path.suffix or 'sans extension'}). Enregistrez le fichier "
            f"d'annotations en {', '.join(sorted(TABLE_READERS))}, avec une ligne d'en-tête."
        )
    try:  # read as the corpus's tables are: any encoding, every cell a string
        table, _rows = read_table(path, str(path), encoding="auto")
    except (CorpusError, SkippedFile) as error:
        raise FunctionLabelError(
            f"{error} (fichier d'annotations : [functions] labelled_file)"
        ) from None
    if schema.GOLD_FUNCTION not in table:
        raise FunctionLabelError(
            f"{path} : pas de colonne « {schema.GOLD_FUNCTION} » (colonnes trouvées : "
            f"{', '.join(map(str, table.columns))}). Ajoutez-la avec la fonction de chaque ligne."
        )
    keys = [schema.SEGMENT_ID] if schema.SEGMENT_ID in table else [schema.DOC_ID, schema.PARAGRAPH]
    missing = [key for key in keys if key not in table]
    if missing:
        raise FunctionLabelError(
            f"{path} : colonne(s) {', '.join(missing)} absente(s). Un fichier d'annotations "
            "a besoin des colonnes « doc_id » et « paragraph », ou « segment_id »."
        )
    normalised = table[schema.GOLD_FUNCTION].map(normalise_function_label)
    _warn_rejected_labels(path, table.loc[normalised.isna(), schema.GOLD_FUNCTION])
    table = table.assign(**{schema.GOLD_FUNCTION: normalised}).dropna(subset=[schema.GOLD_FUNCTION])
    if table.empty:
        raise FunctionLabelError(
            f"{path} : aucune ligne ne porte une fonction connue dans la colonne "
            f"« {schema.GOLD_FUNCTION} » ; fonctions connues : {', '.join(CLASSES)}."
        )
    if schema.PARAGRAPH in keys:
        numbers = pd.to_numeric(table[schema.PARAGRAPH], errors="coerce")
        wrong = numbers.isna() | (numbers % 1 != 0)
        if wrong.any():
            raise FunctionLabelError(
                f"{path}, ligne {_csv_line(table.index[wrong][0])}, colonne "
                f"« {schema.PARAGRAPH} » : {table[schema.PARAGRAPH][wrong].iloc[0]!r} n'est pas "
                "un numéro de paragraphe ; écrivez un entier (0 pour le premier paragraphe)."
            )
        table[schema.PARAGRAPH] = numbers.astype(int)
    return table[[*keys, schema.GOLD_FUNCTION]].reset_index(drop=True)


def _csv_line(row: int) -> int:
    """Line of a CSV file holding the row of position ``row`` (line 1 is the header)."""
    return int(row) + 2


def _warn_rejected_labels(path: Path, rejected: pd.Series) -> None:
    """Say which rows of a labelled file are set aside: their lines and labels."""
    if rejected.empty:
        return
    labels_seen = rejected.fillna("(vide)").astype(str)
    counts = ", ".join(f"'{k}' x{v}" for k, v in sorted(labels_seen.value_counts().items()))
    lines = [_csv_line(i) for i in rejected.index]
    shown = ", ".join(map(str, lines[:10])) + (" …" if len(lines) > 10 else "")
    warnings.warn(
        f"{path} : {len(rejected)} ligne(s) à l'étiquette de fonction vide ou inconnue mise(s) "
        f"de côté (colonne « {schema.GOLD_FUNCTION} », ligne(s) {shown} : {counts}). "
        f"Fonctions connues : {', '.join(CLASSES)} ; corrigez ces lignes pour les utiliser.",
        UnknownFunctionWarning,
        stacklevel=3,
    )


def join_labels(segments: pd.DataFrame, labelled: pd.DataFrame) -> pd.DataFrame:
    """Attach labels to segments on ``segment_id`` or on (``doc_id``, ``paragraph``).

    Every segment cut from a labelled paragraph takes its label. Labels that match no segment
    are reported with :class:`UnlabelledSegmentsWarning` (e.g. a document missing from the
    corpus).

    Returns
    -------
    DataFrame
        The labelled segments, with a ``gold_function`` column, sorted by ``segment_id``.
    """
    keys = (
        [schema.SEGMENT_ID] if schema.SEGMENT_ID in labelled else [schema.DOC_ID, schema.PARAGRAPH]
    )
    schema.require_columns(segments, *keys, table="segments")
    right = labelled[[*keys, schema.GOLD_FUNCTION]].rename(
        columns={schema.GOLD_FUNCTION: GOLD_FUNCTION_COLUMN}
    )
    left = segments.drop(columns=[GOLD_FUNCTION_COLUMN], errors="ignore")
    merged = left.merge(right.drop_duplicates(keys), on=keys, how="left", indicator=False)
    matched = right.merge(segments[keys].drop_duplicates(), on=keys, how="left", indicator=True)
    orphans = matched[matched["_merge"] == "left_only"]
    if len(orphans):
        examples = orphans[keys].drop_duplicates().head(3)
        example = ", ".join(
            " ".join(f"{key} {value!s}" for key, value in zip(keys, row, strict=True))
            for row in examples.itertuples(index=False)
        )
        warnings.warn(
            f"{len(orphans)} ligne(s) du fichier d'annotations ne correspondent à aucun segment "
            f"du corpus (par exemple {example}) : vérifiez les identifiants de document et les "
            "numéros de paragraphe de ce fichier.",
            UnlabelledSegmentsWarning,
            stacklevel=2,
        )
    merged = merged.dropna(subset=[GOLD_FUNCTION_COLUMN])
    return merged.sort_values(schema.SEGMENT_ID, kind="stable").reset_index(drop=True)
