"""Tests of analysis.privacy.words: the word before a name, and the trimming of a span."""

from __future__ import annotations

import pytest

from analysis.privacy.lexicon import Lexicon
from analysis.privacy.words import after_place_word, refine_span, word_before


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Rendez-vous à l’espace Vanel", "espace"),  # the elided article is cut
        ("Le rapport de Lucien", "de"),
        ("Lucien", ""),
    ],
)
def test_the_word_before_a_name(text, word) -> None:
    assert word_before(text, text.rfind(" ") + 1 if " " in text else 0) == word


def test_a_name_after_an_elided_place_word_is_a_place() -> None:
    text = "La réunion s'est tenue à l'espace Vanel."
    assert after_place_word(text, text.index("Vanel"))


@pytest.mark.parametrize(
    ("span", "name"),
    [
        ("France Duhamel", "France Duhamel"),  # a first name that is also a word
        ("France Travail", None),  # an institution
        ("Jeanne Le Du", "Jeanne Le Du"),  # two particles end the name
        ("Dominique Avril", "Dominique Avril"),  # a month as surname
        ("Mr Attali", "Attali"),  # the title stays
    ],
)
def test_trimming_keeps_first_names_and_particles(french_nlp, span, name) -> None:
    text = f"{span} a pris la parole."
    bounds = refine_span(text, 0, len(span), frozenset(), Lexicon(french_nlp))
    assert (text[slice(*bounds)] if bounds else None) == name
