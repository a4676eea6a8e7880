"""Tests of analysis.tracing.specificity: Lafon's hypergeometric specificities."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from factories import quiet, skewed_segments
from scipy.stats import hypergeom

from analysis import schema
from analysis.config import TracingConfig
from analysis.tracing.errors import SingleConcertationWarning, SmallCellsWarning, TracingError
from analysis.tracing.specificity import _log_tails, specificities


def test_specificities_of_themes_follow_the_hypergeometric_law() -> None:
    table = quiet(
        specificities,
        skewed_segments(),
        schema.CITY,
        unit="theme",
        config=TracingConfig(min_frequency=1),
    )
    cell = table[(table[schema.PART] == "Metz") & (table[schema.FORM] == "cyber")].iloc[0]
    expected_p = hypergeom.sf(12 - 1, 60, 16, 15)
    assert cell[schema.OBSERVED] == 12 and cell[schema.EXPECTED] == pytest.approx(4.0)
    assert cell[schema.SPECIFICITY] == pytest.approx(-np.log10(expected_p), abs=1e-3)
    assert cell[schema.SIGNIFICANT] and cell[schema.DIRECTION] == "over"
    assert len(cell[schema.SEGMENT_IDS]) == 12
    under = table[(table[schema.PART] == "Metz") & (table[schema.FORM] == "pm")].iloc[0]
    assert under[schema.SPECIFICITY] < 0 and under[schema.DIRECTION] == "under"
    testable = table[table[schema.TESTABLE]]
    assert (testable[schema.Q_VALUE] >= testable[schema.P_VALUE] - 1e-12).all()


def test_specificities_warn_about_cells_too_small_to_test() -> None:
    segments = skewed_segments()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "cyber" (16 segments) and "pm" can both be tested
        specificities(segments, schema.CITY, unit="theme", config=TracingConfig())
    rare = segments.iloc[:3].assign(**{schema.THEME_ID: "rare", schema.LEMMAS: "rare"})
    with pytest.warns(SmallCellsWarning, match="trop petites pour être testées"):
        table = specificities(
            pd.concat([segments, rare]), schema.CITY, unit="theme", config=TracingConfig()
        )
    assert not table[table[schema.FORM] == "rare"][schema.TESTABLE].any()
    assert table[table[schema.FORM] == "rare"][schema.Q_VALUE].isna().all()


def test_segments_of_no_city_are_in_no_part() -> None:
    """A corpus where some documents have no city: "unknown" is not a place to compare, and
    the small cells are named by their theme's label and city, not "-1 à ,"."""
    segments = skewed_segments()
    segments[schema.THEME_LABEL] = segments[schema.THEME_ID]
    unknown = segments.iloc[:20].assign(**{schema.CITY: ""})
    unknown[schema.SEGMENT_ID] = [f"inconnue-{i}" for i in range(20)]
    rare = segments.iloc[:3].assign(**{schema.THEME_ID: "rare", schema.THEME_LABEL: "non classé"})
    rare[schema.SEGMENT_ID] = [f"rare-{i}" for i in range(3)]
    with pytest.warns(SmallCellsWarning) as said:
        table = specificities(
            pd.concat([segments, unknown, rare]), schema.CITY, unit="theme", config=TracingConfig()
        )
    assert set(table[schema.PART]) == {"Lille", "Metz", "Nîmes", "Rennes"}
    assert table.groupby(schema.PART)[schema.PART_SIZE].first().sum() == len(segments) + 3
    message = str(said[0].message)
    assert "« non classé » à « Lille »" in message and " à ," not in message


def test_specificities_of_lemmas_keep_testable_cells_only() -> None:
    table = quiet(
        specificities,
        skewed_segments(),
        schema.CITY,
        unit="lemma",
        config=TracingConfig(min_frequency=5),
    )
    assert table[schema.TESTABLE].all()
    metz = table[(table[schema.PART] == "Metz") & (table[schema.FORM] == "cyber")].iloc[0]
    assert metz[schema.DIRECTION] == "over"


def test_specificities_of_a_single_part_say_there_is_nothing_to_compare() -> None:
    one_city = skewed_segments().assign(**{schema.CITY: "Metz"})
    with pytest.warns(SingleConcertationWarning, match="rien à comparer"):
        table = specificities(one_city, schema.CITY, config=TracingConfig())
    assert table.empty


def test_specificities_reject_an_unknown_unit() -> None:
    with pytest.raises(TracingError, match="unit"):
        specificities(skewed_segments(), schema.CITY, unit="word", config=TracingConfig())


def test_hypergeometric_tails_match_scipy_even_where_they_underflow() -> None:
    from scipy.stats import hypergeom

    # a large corpus: words far more (and far less) frequent in one city than expected
    k = np.array([0, 3, 40, 900, 2500, 10])
    form_total = np.array([50, 50, 60, 3000, 3000, 3000])
    part_size = np.array([1000, 1000, 900, 40000, 40000, 40000])
    total = 400_000
    over, under = _log_tails(k, total, form_total, part_size)
    assert over[3] < np.log(1e-200) and under[5] < np.log(1e-100)  # summed in log space
    np.testing.assert_allclose(
        over, hypergeom.logsf(k - 1, total, form_total, part_size), rtol=1e-8, atol=1e-8
    )
    np.testing.assert_allclose(
        under, hypergeom.logcdf(k, total, form_total, part_size), rtol=1e-8, atol=1e-8
    )
