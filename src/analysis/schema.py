"""Column names of the workbook's tables, and the checks that guard them.

Every module takes its column names from here, so that a table produced by one step can be
checked by the next with one call to :func:`require_columns`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

# documents ---------------------------------------------------------------------------------
DOC_ID = "doc_id"
CONCERTATION_ID = "concertation_id"
CITY = "city"
DATE = "date"
DOC_TYPE = "doc_type"
TITLE = "title"
TEXT = "text"
SOURCE = "source"
FILE = "file"  # path of the input file, relative to the corpus root
ATELIER = "atelier"

DOCUMENT_COLUMNS = (DOC_ID, CONCERTATION_ID, CITY, DATE, DOC_TYPE, TITLE, TEXT, SOURCE)

# segments ----------------------------------------------------------------------------------
SEGMENT_ID = "segment_id"
POSITION = "position"  # rank of the segment inside its document, from 0
PARAGRAPH = "paragraph"  # index of the source paragraph inside its document, from 0
HEADING = "heading"  # nearest heading above the segment ("" when none)
START = "start"  # character offset of the segment in documents.text
END = "end"  # exclusive end offset: documents.text[start:end] == segments.text
LEMMAS = "lemmas"  # space-separated tokens the models see; expressions joined by "_"
N_WORDS = "n_words"
LANGUAGE_OK = "is_french"
THEME_ID = "theme_id"
THEME_LABEL = "theme_label"
THEME_SCORE = "theme_score"
SECOND_THEME_ID = "second_theme_id"
FUNCTION = "function"
FUNCTION_SCORE = "function_score"
FUNCTION_REASON = "function_reason"

SEGMENT_COLUMNS = (
    SEGMENT_ID,
    DOC_ID,
    CONCERTATION_ID,
    CITY,
    DATE,
    POSITION,
    PARAGRAPH,
    HEADING,
    START,
    END,
    TEXT,
)

# themes ------------------------------------------------------------------------------------
LABEL = "label"
KEYWORDS = "keywords"
N_SEGMENTS = "n_segments"
N_DOCUMENTS = "n_documents"
N_CONCERTATIONS = "n_concertations"
THEME_COLUMNS = (THEME_ID, LABEL, KEYWORDS, N_SEGMENTS, N_DOCUMENTS, N_CONCERTATIONS)

UNCLASSIFIED = -1  # theme_id of segments that fit no theme

# segment functions (values of the `function` column) ----------------------------------------
CONSTAT = "constat"
FREIN = "frein"
PROPOSITION = "proposition"
BONNE_PRATIQUE = "bonne pratique"
DEMANDE = "demande"
AUTRE = "autre"
FUNCTIONS = (CONSTAT, FREIN, PROPOSITION, BONNE_PRATIQUE, DEMANDE, AUTRE)

# annotations (corpus/annotations.csv) -------------------------------------------------------
GOLD_THEME = "theme"
GOLD_FUNCTION = "function"
GOLD_CANONICAL = "canonical"
TEXT_START = "text_start"
ANNOTATION_COLUMNS = (DOC_ID, PARAGRAPH, GOLD_THEME, GOLD_FUNCTION, GOLD_CANONICAL, TEXT_START)


class SchemaError(ValueError):
    """A table lacks a column that the next step needs."""


def closest_name(name: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate closest to ``name`` (for "did you mean" messages), or None."""
    lowered = {str(c).lower(): str(c) for c in candidates}
    match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def require_columns(df: pd.DataFrame, *columns: str, table: str = "table") -> None:
    """Raise :class:`SchemaError` naming every column of ``columns`` missing from ``df``.

    Parameters
    ----------
    df
        The table to check.
    *columns
        Column names the caller needs.
    table
        Name of the table in the message ("segments", "documents"...).

    Raises
    ------
    SchemaError
        When one or more columns are missing; the message lists them with the closest
        existing names.
    """
    missing = [c for c in columns if c not in df.columns]
    if not missing:
        return
    hints = []
    for column in missing:
        guess = closest_name(column, df.columns)
        hints.append(f"'{column}'" + (f" (did you mean '{guess}'?)" if guess else ""))
    raise SchemaError(
        f"The {table} table lacks column(s) {', '.join(hints)}; "
        f"it has: {', '.join(map(str, df.columns))}."
    )
