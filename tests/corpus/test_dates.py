"""Tests of analysis.corpus.dates: dates as users write them, dates and cities from names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from factories import CONSTAT, load_quietly, markdown_note, write_file

from analysis import schema
from analysis.corpus import CorpusError
from analysis.corpus.dates import parse_date


@pytest.mark.parametrize(
    ("relative", "city", "date", "concertation"),
    [
        ("2023-04-28-dijon/note.md", "Dijon", "2023-04-28", "2023-04-28-dijon"),
        ("2022-05-13-clermont-ferrand/a.txt", "Clermont-Ferrand", "2022-05-13", None),
        ("ateliers/aix-en-provence-2024-03-01.md", "Aix-en-Provence", "2024-03-01", "ateliers"),
        ("2021/2021-06-17_saint_denis/compte-rendu.md", "Saint Denis", "2021-06-17", None),
        # the document's words and its order number are not the city's (they made
        # « Dijon-Compte-Rendu », « 01-Toulouse »)
        ("2023/2023-04-28-dijon-compte-rendu.txt", "Dijon", "2023-04-28", None),
        ("2022/01-toulouse-2022-01-21.txt", "Toulouse", "2022-01-21", None),
        ("2023/2023-04-28-saint-etienne-synthese-v2.md", "Saint-Etienne", "2023-04-28", None),
        ("2019/2019-02-08-villeneuve-d-ascq.txt", "Villeneuve-d'Ascq", "2019-02-08", None),
    ],
)
def test_city_and_date_are_read_from_folder_or_file_names(
    tmp_path: Path, relative: str, city: str, date: str, concertation: str | None
) -> None:
    write_file(tmp_path / relative, CONSTAT + "\n")
    document = load_quietly(tmp_path).iloc[0]
    assert document[schema.CITY] == city
    assert document[schema.DATE] == pd.Timestamp(date)
    assert document[schema.CONCERTATION_ID] == (concertation or str(Path(relative).parent))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-04-28", "2023-04-28"),
        ("28/04/2023", "2023-04-28"),
        ('"28 avril 2023"', "2023-04-28"),
        ('"vendredi 1er décembre 2023"', "2023-12-01"),
        ("2023-04", "2023-04-01"),
        ('"2023-4-8"', "2023-04-08"),
        ('"2023-04-28T10:30:00+02:00"', "2023-04-28 10:30:00"),
    ],
)
def test_dates_in_front_matter(tmp_path: Path, value: str, expected: str) -> None:
    write_file(tmp_path / "a.md", markdown_note({"city": "Rennes", "date": value}, CONSTAT))
    assert load_quietly(tmp_path).loc[0, schema.DATE] == pd.Timestamp(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("juin 2021", "2021-06-01"),
        ("Mai 2019", "2019-05-01"),
        ("06/2021", "2021-06-01"),
        ("le 17 juin 2021", "2021-06-17"),
        ("17 juin 2021 à 14h30", "2021-06-17"),
        ("17/06/2021 14:30", "2021-06-17"),
        ("17/06/21", "2021-06-17"),
        ("mars-2019", "2019-03-01"),  # IRaMuTeQ values join their words
        ("17_juin_2021", "2021-06-17"),
        ("n/a", None),
        ("NC", None),
        ("Non renseigné", None),
        ("-", None),
    ],
)
def test_dates_as_exports_write_them(value: str, expected: str | None) -> None:
    """Month and year alone, a time after the day, two-digit years, and what a platform writes
    for an unknown date (no date, as an empty cell)."""
    found = parse_date(value, "export.csv, ligne 2, colonne « date »")
    assert found == pd.Timestamp(expected) if expected else pd.isna(found)


@pytest.mark.parametrize("value", ["hier", "13/2021", "31/02/2021", "juin", "printemps-2019"])
def test_an_unreadable_date_names_its_place(value: str) -> None:
    with pytest.raises(
        CorpusError, match=r"export.csv, ligne 2, colonne « date » : date illisible"
    ):
        parse_date(value, "export.csv, ligne 2, colonne « date »")
