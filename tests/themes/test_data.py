"""Tests of analysis.themes.data: the rows a theme model sees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from factories import theme_segments

from analysis import schema
from analysis.themes.data import canonical_order, corpus_fingerprint, theme_matrices
from analysis.vectorise import LemmaVectoriser


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return theme_segments()


def test_canonical_order_and_fingerprint_ignore_the_row_order(segments: pd.DataFrame) -> None:
    shuffled = segments.sample(frac=1.0, random_state=4)
    ids = segments[schema.SEGMENT_ID].to_numpy()
    shuffled_ids = shuffled[schema.SEGMENT_ID].to_numpy()
    assert list(ids[canonical_order(segments)]) == list(shuffled_ids[canonical_order(shuffled)])
    assert corpus_fingerprint(segments) == corpus_fingerprint(shuffled)
    assert corpus_fingerprint(segments) != corpus_fingerprint(segments.head(10))


def test_segments_of_a_paragraph_borrow_each_others_words(segments: pd.DataFrame) -> None:
    paired = segments.assign(**{schema.PARAGRAPH: segments[schema.POSITION] // 2})
    vectoriser = LemmaVectoriser().fit(paired)
    alone, presence = theme_matrices(vectoriser, paired, context_weight=0.0)
    shared, same_presence = theme_matrices(vectoriser, paired, context_weight=0.5)
    assert (presence != same_presence).nnz == 0  # the presence of terms is the segment's own
    assert (shared.getnnz(axis=1) >= alone.getnnz(axis=1)).all()
    assert (shared.getnnz(axis=1) > alone.getnnz(axis=1)).any()
    # the rows do not depend on the order of the table
    shuffled = paired.sample(frac=1.0, random_state=1)
    again, _ = theme_matrices(vectoriser, shuffled, context_weight=0.5)
    assert np.allclose(again.toarray(), shared[shuffled.index.to_numpy()].toarray())
