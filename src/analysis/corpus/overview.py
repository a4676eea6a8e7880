"""What a corpus holds, for notebook 01: words per document, documents per type, one row per
concertation."""

from __future__ import annotations

import re

import pandas as pd

from analysis import schema

_WORD = re.compile(r"\S*\w\S*")

# a metadata column is a category an analyst may compare with the themes when it has this
# many distinct values at most and fills this share of the documents at least
_MAX_CATEGORIES = 30
_MIN_FILLED = 0.5


def count_written_words(text: str) -> int:
    """Count the words of a text as a word processor does: white-space separated tokens
    holding a letter or digit.

    ``l’adjointe`` counts as one word, ``##`` and ``-`` as none. (Segment sizes count runs of
    letters or digits instead, where ``l’adjointe`` is two: see
    :func:`analysis.segmentation.count_words`.)

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
    table[schema.N_WORDS] = documents[schema.TEXT].map(count_written_words).astype(int)
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
    frame[schema.N_WORDS] = documents[schema.TEXT].map(count_written_words).astype(int)
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


def category_columns(documents: pd.DataFrame) -> list[str]:
    """Metadata columns that sort documents into categories (a platform's category, an
    IRaMuTeQ variable...): few values, filled for most documents; the workbook's own columns
    aside."""
    own = set(schema.DOCUMENT_COLUMNS) | {schema.TEXT, schema.SOURCE, schema.FILE}
    found = []
    for column in documents.columns:
        if column in own:
            continue
        values = documents[column].dropna().astype(str).str.strip()
        values = values[values != ""]
        filled = len(values) / max(len(documents), 1)
        if filled >= _MIN_FILLED and 2 <= values.nunique() <= _MAX_CATEGORIES:
            found.append(str(column))
    return found
