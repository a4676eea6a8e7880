"""Tests of analysis.cities: one spelling per city."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from analysis import schema
from analysis.cities import CitySpellingWarning, normalise_cities


@pytest.mark.parametrize(
    ("spellings", "kept"),
    [
        (["Clermont-Ferrand", "Clermont Ferrand", "Clermont-Ferrand"], "Clermont-Ferrand"),
        (["Clermont Ferrand", "Clermont-Ferrand"], "Clermont-Ferrand"),
        (["Saint-Étienne", "St Etienne", "saint etienne"], "Saint-Étienne"),
        (["Nimes", "Nîmes", "Nîmes "], "Nîmes"),
        # an export's city column in capitals on most rows: the name as written elsewhere
        (["LILLE", "LILLE", "Lille", "lille"], "Lille"),
        (["SAINT-ÉTIENNE", "SAINT-ÉTIENNE", "saint-étienne"], "SAINT-ÉTIENNE"),
    ],
)
def test_normalise_cities_unifies_spellings_and_warns(spellings: list[str], kept: str) -> None:
    table = pd.DataFrame({schema.CITY: spellings})
    with pytest.warns(CitySpellingWarning, match="unifiée"):
        result = normalise_cities(table)
    assert result[schema.CITY].tolist() == [kept] * len(spellings)
    assert table[schema.CITY].tolist() == spellings  # the input is not modified


def test_normalise_cities_is_silent_when_nothing_changes() -> None:
    table = pd.DataFrame({schema.CITY: ["Metz", "Nancy", None]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = normalise_cities(table)
    assert result[schema.CITY].tolist()[:2] == ["Metz", "Nancy"]
    assert pd.isna(result[schema.CITY].iloc[2])
