"""Tests of analysis.vectorise: vocabulary, TF-IDF, presence matrices and term filtering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import schema
from analysis.vectorise import (
    EmptyVocabularyError,
    LemmaVectoriser,
    content_terms,
    display_term,
    is_content_term,
    lemma_strings,
    stop_words,
)

LEMMAS = [
    "recrutement policier_municipal commune formation",
    "policier_municipal formation commune prime",
    "caméra centre_de_supervision_urbain opérateur image",
    "caméra opérateur image nuit",
    "médiateur quartier financement adulte-relais",
    "médiateur quartier conflit voisinage",
]


@pytest.mark.parametrize(
    ("term", "kept"),
    [
        ("caméra", True),
        ("policier_municipal", True),
        ("de_la", False),  # an expression made only of stop words
        ("les", False),
        ("être", False),
        ("2024", False),
        ("12,5", False),
        ("ok", False),  # too short
        ("adulte-relais", True),
    ],
)
def test_is_content_term(term: str, kept: bool) -> None:
    assert is_content_term(term) is kept


def test_content_terms_lowercases_and_drops_stop_words() -> None:
    assert content_terms("Caméra les IMAGE dans 2023 nuit") == ["caméra", "image", "nuit"]
    assert content_terms(None) == []  # type: ignore[arg-type]


def test_stop_words_include_spacys_french_list() -> None:
    assert {"les", "dans", "avoir", "être", "aussi"} <= stop_words()


@pytest.mark.parametrize(
    ("term", "shown"),
    [
        ("police_municipale", "police municipale"),
        ("agent_d_ambiance", "agent d'ambiance"),
        ("rappel_à_l_ordre", "rappel à l'ordre"),
        ("travail_d'_intérêt_général", "travail d'intérêt général"),
        ("caméra", "caméra"),
    ],
)
def test_display_term_restores_spaces_and_elisions(term: str, shown: str) -> None:
    assert display_term(term) == shown


def test_vocabulary_is_sorted_and_filtered_by_document_frequency() -> None:
    vectoriser = LemmaVectoriser(min_df=2, max_df=1.0).fit(LEMMAS)
    assert list(vectoriser.vocabulary_) == sorted(vectoriser.vocabulary_)
    assert "recrutement" not in vectoriser.vocabulary_  # one segment only
    assert {"policier_municipal", "caméra", "médiateur"} <= set(vectoriser.vocabulary_)
    assert vectoriser.document_frequency_.min() >= 2


def test_vocabulary_does_not_depend_on_row_order() -> None:
    forward = LemmaVectoriser(min_df=1).fit(LEMMAS)
    backward = LemmaVectoriser(min_df=1).fit(LEMMAS[::-1])
    assert list(forward.vocabulary_) == list(backward.vocabulary_)
    assert np.allclose(forward.idf_, backward.idf_)


def test_tfidf_rows_have_unit_length_and_empty_rows_stay_empty() -> None:
    vectoriser = LemmaVectoriser(min_df=1).fit(LEMMAS)
    matrix = vectoriser.tfidf([*LEMMAS, "", "mot_inconnu"])
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    assert np.allclose(norms[: len(LEMMAS)], 1.0)
    assert np.allclose(norms[len(LEMMAS) :], 0.0)


def test_presence_is_binary_and_counts_keep_repetitions() -> None:
    vectoriser = LemmaVectoriser(min_df=1).fit(LEMMAS)
    counts = vectoriser.counts(["caméra caméra image"])
    presence = vectoriser.presence(["caméra caméra image"])
    column = list(vectoriser.vocabulary_).index("caméra")
    assert counts[0, column] == 2
    assert presence[0, column] == 1 and set(presence.data) == {1.0}


def test_relative_max_df_is_relaxed_on_a_tiny_corpus() -> None:
    vectoriser = LemmaVectoriser(min_df=1, max_df=0.5).fit(["caméra image", "caméra nuit"])
    assert "caméra" in vectoriser.vocabulary_


@pytest.mark.parametrize(
    "lemmas",
    [
        ["", "", ""],
        ["les dans", "avec pour"],  # stop words only
        # ten distinct segments, no word in two of them: nothing reaches min_df=2
        "caméra image nuit rue parc gare école quartier marché stade".split(),
    ],
)
def test_empty_vocabulary_error_says_what_to_change(lemmas: list[str]) -> None:
    with pytest.raises(EmptyVocabularyError, match="min_df"):
        LemmaVectoriser(min_df=2).fit(lemmas)


def test_a_short_note_keeps_its_own_words() -> None:
    """Under ten distinct segments, filters that would leave nothing keep every content term
    (a one-row export still has themes' words); filters that leave something are kept."""
    note = ["caméra image nuit", "parc", "gare"]
    assert list(LemmaVectoriser(min_df=2).fit(note).vocabulary_) == [
        "caméra",
        "gare",
        "image",
        "nuit",
        "parc",
    ]
    shared = ["caméra image", "caméra parc", "image gare", "nuit"]
    assert list(LemmaVectoriser(min_df=2, max_df=1.0).fit(shared).vocabulary_) == [
        "caméra",
        "image",
    ]


def test_lemma_strings_accepts_tables_series_and_lists() -> None:
    table = pd.DataFrame({schema.LEMMAS: ["caméra image", None]}, index=[5, 9])
    assert list(lemma_strings(table)) == ["caméra image", ""]
    assert list(lemma_strings(table[schema.LEMMAS])) == ["caméra image", ""]
    assert list(lemma_strings(["nuit"])) == ["nuit"]


def test_lemma_strings_names_the_missing_column() -> None:
    with pytest.raises(schema.SchemaError, match="lemmas"):
        lemma_strings(pd.DataFrame({"lemma": ["caméra"]}))
