"""Tests of analysis.privacy.patterns: names found without spaCy's entities (titles, lists,
first names of the registers, initials, nicknames), and capitalised words left alone."""

from __future__ import annotations

import pytest

from analysis.privacy.lexicon import Lexicon
from analysis.privacy.patterns import pattern_spans


@pytest.fixture(scope="module")
def lexicon(french_nlp) -> Lexicon:
    return Lexicon(french_nlp)


def _names(text: str, lexicon: Lexicon) -> list[str]:
    return sorted({s.text for s in pattern_spans(text, frozenset(), lexicon)})


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (  # surnames listed after plural titles
            "Étaient présents : MM. Carrel et Vasseur, Mmes Bertin, Lacoste et Hamel.",
            ["Bertin", "Carrel", "Hamel", "Lacoste", "Vasseur"],
        ),
        ("Selon Mme R., la cantine ferme trop tôt.", ["R."]),  # a title and an initial
        ("M. de Villiers a quitté la réunion.", ["Villiers"]),  # a particle after the title
        ("Texte signé par T. L., riveraine de la place.", ["T. L."]),  # two initials
        ("Le relevé est signé « A. Verhaeghe ».", ["A. Verhaeghe"]),  # "A" is also a word
        ("Comme le disait JP RAFFARIN, la route est droite.", ["JP RAFFARIN"]),
        ("Il est connu sous le surnom de « Titi » au marché.", ["Titi"]),  # a nickname
        ("Merci à Inès pour les photos de la fête.", ["Inès"]),  # a first name alone
        ("Noé a préparé le goûter des enfants.", ["Noé"]),
        (
            "Claire Boulanger et Pierre Meunier tiennent le stand.",
            ["Claire Boulanger", "Pierre Meunier"],
        ),
        ("Yves de Kerguelen préside l'amicale.", ["Yves de Kerguelen"]),  # particles
        ("Anne-Laure Van den Berghe a lu la motion.", ["Anne-Laure Van den Berghe"]),
        ("Tiavina Rakoto a lu la motion.", ["Tiavina Rakoto"]),  # a rare first name
        ("Nathallie Roux signale une fuite.", ["Nathallie Roux"]),  # a letter too many
        ("Sandrine Morel, directrice de l'école, répond.", ["Sandrine Morel"]),
    ],
)
def test_people_are_found(lexicon, text, names) -> None:
    assert _names(text, lexicon) == names


@pytest.mark.parametrize(
    "text",
    [
        "Les collectivités de Saint Martin et de San Marin sont citées.",  # saints open places
        "Le lycée Victor Hugo organise une journée portes ouvertes.",  # a place word before
        "La loi Sapin encadre le lobbying.",  # a law named after a person
        "La Marine Nationale recrute à Brest.",  # an article, an institution
        "Action Logement finance une partie des travaux.",  # a word, then a word
        "A LYON, LE FORUM DES ASSOCIATIONS OUVRE SES PORTES.",  # a heading in capitals
        "PRODUIRE EN FRANCE",
        "Moins De Députés Et De Sénateurs",  # a title in Title Case
        "Rose est la couleur choisie pour la campagne.",  # a first name that opens a sentence
        "Le marché de Noël ouvre le 1er Décembre.",  # dates
        "Les élus En France on compte trop d'élus.",  # a title glued to its body
        "Logements HLM : la liste d'attente s'allonge.",
    ],
)
def test_capitalised_words_that_are_no_people_are_left(lexicon, text) -> None:
    assert _names(text, lexicon) == []


def test_patterns_need_no_model() -> None:
    text = "MM. Carrel et Vasseur, puis Mme Bertin, ont voté pour."
    assert _names(text, Lexicon(None)) == ["Bertin", "Carrel", "Vasseur"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Rapporteurs : Yannig KERBRAT et Maëlys GUÉRIN.", ["Maëlys GUÉRIN", "Yannig KERBRAT"]),
        ("Le projet Tourcoing ANRU avance lentement.", []),  # a place, then an acronym
    ],
)
def test_surnames_in_capitals(lexicon, text, names) -> None:
    assert _names(text, lexicon) == names


@pytest.mark.parametrize(
    "text",
    ["Mon fils travaille en Israël depuis deux ans.", "Les prix au Kenya ont doublé."],
)
def test_a_first_name_after_a_preposition_of_country_is_a_place(lexicon, text) -> None:
    assert _names(text, lexicon) == []
