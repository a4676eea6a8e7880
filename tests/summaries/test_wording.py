"""The French sentences of a fiche: volume, change lines, sources."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.summaries import (
    ChangeItem,
    GroupItem,
    Quote,
    SummarySentence,
    change_line,
    quote_source,
    sentence_source,
    volume_sentence,
)
from analysis.summaries.wording import where_when


def test_sentence_labels_do_not_double_their_punctuation() -> None:
    change = ChangeItem(
        "frein", "Les agents formés partent vers les communes voisines.", "faded", 3, 0, ("a",)
    )
    assert change_line(change) == (
        "Estompé (frein)\u00a0: Les agents formés partent vers les communes voisines "
        "(3 concertations avant, 0 depuis)"
    )
    unfinished = ChangeItem("term", "vidéoprotection...", "new", 0, 2, ("b",))
    assert "vidéoprotection... (0 concertation avant, 2 depuis)" in change_line(unfinished)


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            (7, 12, 9, "2022-01-10", "2024-04-02"),
            "Cité dans 7 concertations sur 12, 9 villes, de janvier 2022 à avril 2024.",
        ),
        (
            (1, 12, 1, "2021-06-17", "2021-06-17"),
            "Cité dans 1 concertation sur 12, 1 ville, en juin 2021.",
        ),
        ((2, 3, 2, None, None), "Cité dans 2 concertations sur 3, 2 villes, date inconnue."),
        (
            (3, 12, 3, "2021-10-08", "2022-05-13"),
            "Cité dans 3 concertations sur 12, 3 villes, d’octobre 2021 à mai 2022.",
        ),
    ],
)
def test_volume_sentence(args, sentence) -> None:
    assert volume_sentence(*args) == sentence


def test_volume_sentence_of_a_corpus_without_dates_says_no_period() -> None:
    counted = volume_sentence(25, 143, 0, None, None, unit="doc_id", dated=False)
    assert counted == "Cité dans 25 contributions sur 143."
    assert volume_sentence(2, 3, 0, None, None) == "Cité dans 2 concertations sur 3, date inconnue."


_QUOTE = Quote("Taxer le kérosène.", "Proposition 17", "", None, 0, "17#p000s00", "17", 1.0)


@pytest.mark.parametrize(
    ("known", "source"),
    [
        ({}, "Proposition 17, ville inconnue, date inconnue, paragraphe 1"),
        ({"cities": False}, "Proposition 17, date inconnue, paragraphe 1"),
        ({"cities": False, "dates": False}, "Proposition 17, paragraphe 1"),
    ],
)
def test_a_source_leaves_out_what_no_document_of_the_corpus_has(known, source) -> None:
    assert quote_source(_QUOTE, **known) == source


def test_a_summary_sentence_has_no_source_when_the_corpus_has_no_city_nor_date() -> None:
    sentence = SummarySentence("Taxer le kérosène.", "17#p000s00", "Lille", None, 0.5)
    assert sentence_source(sentence) == "Lille, date inconnue"
    assert sentence_source(sentence, dates=False) == "Lille"
    unplaced = SummarySentence("Taxer le kérosène.", "17#p000s00", "", None, 0.5)
    assert sentence_source(unplaced, cities=False, dates=False) == ""


@pytest.mark.parametrize(
    ("cities", "said"),
    [
        (
            ("Dijon", "Nîmes"),
            "3 concertations, 2 villes (Dijon, Nîmes), 5 segments, en janvier 2019",
        ),
        ((), "3 concertations, 5 segments, en janvier 2019"),  # no city known: not "0 ville"
    ],
)
def test_where_a_group_came_up(cities: tuple[str, ...], said: str) -> None:
    item = GroupItem(
        label="Rétablir l'ISF",
        function="proposition",
        cities=cities,
        n_cities=len(cities),
        n_concertations=3,
        n_segments=5,
        first_date=dt.date(2019, 1, 23),
        last_date=dt.date(2019, 1, 30),
        segment_ids=("1", "2"),
    )
    assert where_when(item) == said
