"""The rows a theme model sees: canonical order, fingerprint, TF-IDF with context and neighbours.

The same function (:func:`theme_matrices`) builds the rows at fit time and in ``transform``,
so that a fitted segment and the same segment transformed get the same row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import schema
from analysis.cache import digest
from analysis.themes.vectors import with_word_neighbours
from analysis.vectorise import (
    LemmaVectoriser,
    lemma_strings,
    normalise_rows,
    presence_from_counts,
    tfidf_from_counts,
)

Segments = pd.DataFrame | pd.Series | list[str]


@dataclass
class FitData:
    """The fitted rows in canonical order, with what the methods need."""

    order: np.ndarray  # canonical rank -> input row
    tfidf: sp.csr_matrix
    presence: sp.csr_matrix
    n_distinct: int
    row_params: dict[str, np.ndarray] = field(default_factory=dict)  # see ThemeEstimator

    def take(self, rows: np.ndarray) -> FitData:
        """The same data restricted to ``rows`` (canonical positions)."""
        return FitData(
            self.order[rows],
            self.tfidf[rows],
            self.presence[rows],
            self.n_distinct,
            {name: values[rows] for name, values in self.row_params.items()},
        )


def canonical_order(segments: Segments) -> np.ndarray:
    """Return the row order used for fitting: by ``segment_id`` when known, then by lemmas.

    Sorting first is what makes the themes independent of the order of the input files.
    """
    texts = lemma_strings(segments)
    keys = pd.DataFrame({"lemmas": texts.to_numpy()})
    if isinstance(segments, pd.DataFrame) and schema.SEGMENT_ID in segments.columns:
        keys.insert(0, "id", segments[schema.SEGMENT_ID].astype(str).to_numpy())
    return keys.sort_values(list(keys.columns), kind="mergesort").index.to_numpy()


def corpus_fingerprint(segments: Segments) -> str:
    """Hash of the (segment_id, lemmas) pairs, independent of row order."""
    texts = lemma_strings(segments)
    ids = (
        segments[schema.SEGMENT_ID].astype(str).to_numpy()
        if isinstance(segments, pd.DataFrame) and schema.SEGMENT_ID in segments.columns
        else np.arange(len(texts)).astype(str)
    )
    order = canonical_order(segments)
    return digest(pd.Series(ids[order]), texts.iloc[order].reset_index(drop=True).rename(None))


def theme_matrices(
    vectoriser: LemmaVectoriser,
    segments: Segments,
    *,
    context_weight: float,
    neighbours: sp.csr_matrix | None = None,
    vector_weight: float = 0.0,
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The TF-IDF and presence rows of ``segments``, in their order, as the themes see them.

    A segments table with ``doc_id`` and ``paragraph`` gets the paragraph context
    (:func:`with_paragraph_context`) when ``context_weight`` is positive; then, given the
    terms' ``neighbours`` by word vectors, each row borrows them
    (:func:`analysis.themes.vectors.with_word_neighbours`). Presence stays lexical.
    """
    counts = vectoriser.counts(segments)
    tfidf = tfidf_from_counts(counts, vectoriser.idf_)
    if context_weight > 0 and isinstance(segments, pd.DataFrame):
        tfidf = with_paragraph_context(tfidf, segments, context_weight)
    if neighbours is not None and vector_weight > 0:
        tfidf = with_word_neighbours(tfidf, neighbours, vector_weight)
    return tfidf, presence_from_counts(counts)


def with_paragraph_context(
    tfidf: sp.csr_matrix, frame: pd.DataFrame, weight: float
) -> sp.csr_matrix:
    """Add ``weight`` times the other segments of the same paragraph to each segment's row.

    A 40-word segment is a thin sample of its paragraph, which has one theme: borrowing the
    paragraph's vocabulary makes the segment's row less sparse without crossing paragraphs.
    Tables without ``doc_id`` and ``paragraph`` (or with one segment per paragraph) are left
    as they are.
    """
    if not {schema.DOC_ID, schema.PARAGRAPH} <= set(frame.columns):
        return tfidf
    keys = frame[schema.DOC_ID].astype(str) + "\x1f" + frame[schema.PARAGRAPH].astype(str)
    groups = pd.factorize(keys.to_numpy())[0]
    if groups.max(initial=-1) + 1 == len(groups):
        return tfidf
    indicator = sp.csr_matrix(
        (np.ones(len(groups)), (groups, np.arange(len(groups)))),
        shape=(groups.max() + 1, len(groups)),
    )
    paragraph_sums = indicator.T @ (indicator @ tfidf)
    return normalise_rows(tfidf + weight * (paragraph_sums - tfidf))
