"""Tests of analysis.tracing.space: the lemma space segments are compared in."""

from __future__ import annotations

import numpy as np
import pytest
from factories import quiet

from analysis import schema
from analysis.tracing.space import LemmaSpace, _spaced, lemma_terms


@pytest.mark.parametrize(
    ("lemmas", "terms"),
    [
        (
            "police_municipale recruter",
            ["police_municipale", "recruter", "police", "municipale"],
        ),
        ("groupe_de_travail", ["groupe_de_travail", "groupe", "travail"]),  # "de": too short
        ("mise_en_place_des_caméras", ["mise_en_place_des_caméras", "mise", "place", "caméras"]),
        ("", []),
    ],
)
def test_lemma_terms_add_the_words_of_each_expression(lemmas: str, terms: list[str]) -> None:
    assert lemma_terms(lemmas) == terms


def test_the_lemma_space_gives_scikit_learns_tf_idf_exactly(corpus_dir) -> None:
    """The space counts terms once per distinct token: the vectors must be scikit-learn's own,
    to the last bit (a different rounding could move a statement across the threshold)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.corpus import load_corpus

    texts = quiet(load_corpus, corpus_dir)[schema.TEXT].tolist()
    paragraphs = [p for text in texts for p in text.split("\n") if p.strip()]
    # lemma-like strings: lower-case words, some pairs joined as expressions
    lemmas = [
        " ".join(w if i % 7 else f"{w}_{w[::-1]}" for i, w in enumerate(p.lower().split()))
        for p in paragraphs
    ]
    assert len(lemmas) > 500 and any("_" in text for text in lemmas)
    space = LemmaSpace(lemmas[:400])
    words = TfidfVectorizer(analyzer=lemma_terms, sublinear_tf=True).fit(lemmas[:400])
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5), sublinear_tf=True)
    chars.fit([_spaced(t) for t in lemmas[:400]])
    assert space.terms.tolist() == words.get_feature_names_out().tolist()
    # statements join several segments; texts never seen bring unknown tokens
    statements = [" ".join(lemmas[i : i + 3]) for i in range(0, len(lemmas), 3)]
    expected = np.hstack(
        [
            words.transform(statements).toarray() * np.sqrt(0.5),
            chars.transform([_spaced(t) for t in statements]).toarray() * np.sqrt(0.5),
        ]
    )
    assert np.array_equal(space.transform(statements).toarray(), expected)
    plain = LemmaSpace(lemmas[:400], char_ngrams=False)
    assert np.array_equal(
        plain.transform(statements).toarray(), words.transform(statements).toarray()
    )
