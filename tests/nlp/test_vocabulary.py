"""Tests of analysis.nlp.vocabulary: what the theme model will see."""

from __future__ import annotations

from analysis import schema
from analysis.nlp import vocabulary


def test_vocabulary_counts_what_the_models_see(lemmatised) -> None:
    table = vocabulary(lemmatised.reset_index())
    counts = table.set_index(schema.TERM)
    assert counts.loc["police_municipale", schema.COUNT] >= 4
    assert counts.loc["police_municipale", schema.N_DOCUMENTS] == 2
    assert table[schema.COUNT].is_monotonic_decreasing
