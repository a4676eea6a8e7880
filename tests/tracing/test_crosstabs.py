"""Tests of analysis.tracing.crosstabs: theme x concertation, city and period tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from factories import TRACING_CONCERTATIONS

from analysis import schema
from analysis.cities import CitySpellingWarning
from analysis.tracing.crosstabs import theme_by, theme_by_period
from analysis.tracing.dates import NO_DATE
from analysis.tracing.errors import MissingDateWarning


def test_theme_by_concertation_counts_shares_and_ids(segments: pd.DataFrame) -> None:
    table = theme_by(segments, schema.CONCERTATION_ID)
    themes, concertations = segments[schema.THEME_ID].nunique(), len(TRACING_CONCERTATIONS)
    assert len(table) == themes * concertations  # complete grid, zeros included
    assert (table[schema.N_SEGMENTS] == table[schema.SEGMENT_IDS].str.len()).all()
    assert table[schema.N_SEGMENTS].sum() == len(segments)
    shares = table.groupby(schema.CONCERTATION_ID)[schema.SHARE].sum()
    assert np.allclose(shares, 1.0, atol=1e-3)
    cell = table[(table[schema.THEME_ID] == "pm") & (table[schema.CONCERTATION_ID] == "C2")]
    assert cell[schema.N_SEGMENTS].item() == 3
    assert cell[schema.THEME_LABEL].item() == "PM"


def test_theme_by_city_unifies_spellings(segments: pd.DataFrame) -> None:
    first_metz = segments.index[segments[schema.CITY] == "Metz"][0]
    segments.loc[first_metz, schema.CITY] = "METZ"
    with pytest.warns(CitySpellingWarning, match="METZ / Metz -> Metz"):
        table = theme_by(segments, schema.CITY)
    assert sorted(table[schema.CITY].unique()) == ["Lille", "Metz", "Nîmes", "Rennes"]
    assert table[table[schema.CITY] == "Metz"][schema.N_SEGMENTS].sum() == 3


def test_theme_by_period_puts_undated_segments_last(segments: pd.DataFrame) -> None:
    segments.loc[segments[schema.CONCERTATION_ID] == "C4", schema.DATE] = pd.NaT
    with pytest.warns(MissingDateWarning, match="C4"):
        table = theme_by_period(segments, "year")
    periods = list(dict.fromkeys(table[schema.PERIOD]))
    assert periods == ["2021", "2022", "2023", NO_DATE]


def test_theme_tables_do_not_depend_on_row_order(segments: pd.DataFrame) -> None:
    shuffled = segments.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(theme_by(segments), theme_by(shuffled))
