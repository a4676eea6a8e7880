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
STARRED = "variable_etoilee"  # IRaMuTeQ: the starred word of texts whose variables are flags
DOC_TYPES = "doc_types"  # corpus overview: the document types of one concertation, with counts

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
# "à vérifier" when function_score is below [functions] min_score (fiches do not quote it), ""
# otherwise; an analyst's correction ([functions] labelled_file) is never to check
FUNCTION_CHECK = "function_check"
TO_CHECK = "à vérifier"
# the sentence of the segment whose cue decided its function ("" when no cue did, or when an
# analyst corrected it): what a long contribution proposes, in its own words; it names the
# groups of freins and proposals and is not written to segments.csv
FUNCTION_SENTENCE = "function_sentence"
FUNCTION_COLUMNS = (FUNCTION, FUNCTION_SCORE, FUNCTION_REASON, FUNCTION_CHECK, FUNCTION_SENTENCE)

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
SHARE = "share"  # share of all segments in the theme
AUTO_LABEL = "auto_label"  # the label built from keywords, before the analyst's renaming
CURATED = "curated"  # True when the analyst's curation file changed the theme
PARENT_THEME_ID = "parent_theme_id"  # the theme a split part came from
# curation decision log
ACTION = "action"
DETAIL = "detail"
SIMILARITY = "similarity"

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

# text processing (segmentation.py, nlp/) --------------------------------------------------
EXPRESSION = "expression"  # multiword expression as one token: "police_municipale"
EXPRESSION_TOKENS = "tokens"  # its lemma sequence, space-separated: "police municipal"
EXPRESSION_PATTERN = "pattern"  # part-of-speech pattern: "NOUN ADJ"
EXPRESSION_SOURCE = "source"  # "corpus" (found by collocation statistics) or "domain" (curated)
COUNT = "count"
LLR = "llr"  # log-likelihood ratio (Dunning's G2)
PMI = "pmi"  # pointwise mutual information, log2
EXPRESSION_COLUMNS = (
    EXPRESSION,
    EXPRESSION_TOKENS,
    EXPRESSION_PATTERN,
    COUNT,
    LLR,
    PMI,
    EXPRESSION_SOURCE,
)
TERM = "term"  # vocabulary: one token of the lemmas column
TERM_NEIGHBOURS = "neighbours"  # themes: a term's nearest terms by word vectors, with cosines
KWIC_LEFT = "left"  # concordance: words before the keyword
KWIC_KEYWORD = "keyword"  # concordance: the matched words, as written
KWIC_RIGHT = "right"  # concordance: words after the keyword

# segment roles and tracing (roles, tracing) --------------------------------------------------
SENTENCE = "sentence"  # rank of a sentence inside its segment, from 0
SEGMENT_IDS = "segment_ids"  # list of the segment ids a number was computed from
# SHARE (above) is also n_segments / segments of the column group (concertation, city, period)
THEME_SHARE = "theme_share"  # n_segments / segments of the theme
PERIOD = "period"  # "2023", "2023-S2", "2023-T4"; "sans date" when the date is missing
GROUP_ID = "group_id"  # canonical obstacle or proposal group: "frein-03"
N_CITIES = "n_cities"
# the unit a single concertation's group and recurrence tables count ("doc_id"); absent when
# recurrence counts concertations
RECURRENCE_UNIT = "recurrence_unit"
CITIES = "cities"  # list of distinct cities, sorted
CONCERTATIONS = "concertations"  # list of distinct concertation ids, sorted
DATES = "dates"  # list of distinct dates (ISO strings), sorted
QUOTES = "quotes"  # list of "« text » (city, date)" strings, one per concertation
FIRST_DATE = "first_date"
LAST_DATE = "last_date"
STATUS = "status"  # persistent | new | fading | one-off | undated
STATUS_PERSISTENT = "persistent"
STATUS_NEW = "new"
STATUS_FADING = "fading"
STATUS_ONE_OFF = "one-off"
STATUS_UNDATED = "undated"
OBSTACLE_GROUP_ID = "obstacle_group_id"
PROPOSAL_GROUP_ID = "proposal_group_id"
OBSTACLE_LABEL = "obstacle_label"
PROPOSAL_LABEL = "proposal_label"
SHARED_TERMS = "shared_terms"  # lemmas that weigh most in a similarity, for the explanation
PART = "part"  # specificities: the value of the `by` column (a city, a concertation, a period)
FORM = "form"  # specificities: a theme id or a lemma
OBSERVED = "observed"
EXPECTED = "expected"
PART_SIZE = "part_size"
FORM_TOTAL = "form_total"
P_VALUE = "p_value"
Q_VALUE = "q_value"  # Benjamini-Hochberg adjusted p-value
SPECIFICITY = "specificity"  # signed -log10 of the tail probability (+ over, - under)
DIRECTION = "direction"  # over | under | "" (not significant)
TESTABLE = "testable"
SIGNIFICANT = "significant"

# fiches, exports and name protection (summaries/, export/, privacy/) ------------------------
FICHE_SECTION = "section"  # part of a fiche a counted segment supports (volume, frein, citation)
FICHE_ITEM = "item"  # label of the fiche item (group label, quote rank...)
NAME_ITEM = "item"  # name report: position of the text, or its segment_id
NAME_FIELD = "field"  # name report: column the text came from (text, heading, title)
NAME_ORIGINAL = "original"  # name report: the replaced string (holds names: never exported)
NAME_RULE = "rule"  # name report: ner | civilité | fonction | prénom | initiale | rappel
NAME_CONTEXT = "context"  # name report: the protected text around the replacement


# dtypes of the numeric and boolean columns, so that a table with no rows keeps them (a column
# of an empty DataFrame is "object" otherwise, and sorting or plotting it fails)
COLUMN_DTYPES: dict[str, str] = {
    **dict.fromkeys(
        (
            N_SEGMENTS,
            N_DOCUMENTS,
            N_CONCERTATIONS,
            N_CITIES,
            N_WORDS,
            POSITION,
            PARAGRAPH,
            START,
            END,
            OBSERVED,
            PART_SIZE,
            FORM_TOTAL,
            COUNT,
        ),
        "int64",
    ),
    **dict.fromkeys(
        (
            EXPECTED,
            SPECIFICITY,
            P_VALUE,
            Q_VALUE,
            SIMILARITY,
            SHARE,
            THEME_SHARE,
            THEME_SCORE,
            FUNCTION_SCORE,
            LLR,
            PMI,
        ),
        "float64",
    ),
    **dict.fromkeys((TESTABLE, SIGNIFICANT, CURATED, LANGUAGE_OK), "bool"),
}


def empty_table(columns: Iterable[str]) -> pd.DataFrame:
    """A table with these columns and no row, each column of its dtype (:data:`COLUMN_DTYPES`;
    ``object`` for the others), so that the steps after it sort, filter and plot it as usual.

    Example
    -------
    >>> empty_table([PART, SPECIFICITY]).dtypes.tolist()
    [dtype('O'), dtype('float64')]
    """
    return pd.DataFrame({c: pd.Series(dtype=COLUMN_DTYPES.get(c, "object")) for c in columns})


class SchemaError(ValueError):
    """A table lacks a column that the next step needs, or repeats an identifier."""


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
        hints.append(f"« {column} »" + (f" (vouliez-vous dire « {guess} » ?)" if guess else ""))
    raise SchemaError(
        f"Il manque à la table {table} la ou les colonnes {', '.join(hints)} ; "
        f"elle a : {', '.join(map(str, df.columns)) or 'aucune colonne'}."
    )


def require_unique(df: pd.DataFrame, column: str, *, table: str = "table") -> None:
    """Raise :class:`SchemaError` naming the values of ``column`` that occur more than once.

    Parameters
    ----------
    df
        The table to check; needs ``column``.
    column
        The identifier column ("segment_id", "doc_id"...).
    table
        Name of the table in the message ("segments", "documents"...).

    Raises
    ------
    SchemaError
        When a value repeats; the message names the first five repeated values.
    """
    require_columns(df, column, table=table)
    repeated = df[column][df[column].duplicated()]
    if len(repeated):
        shown = ", ".join(f"« {value} »" for value in sorted(set(map(str, repeated)))[:5])
        raise SchemaError(
            f"La table {table} répète des valeurs de « {column} » : {shown}. Chaque ligne doit "
            "avoir un identifiant unique : corrigez ou retirez les lignes répétées."
        )
