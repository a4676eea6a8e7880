"""Tests of analysis.themes.selection: choosing the number of themes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from factories import theme_segments

from analysis.themes import (
    CHOSEN,
    K_TOLERANCE,
    K,
    ThemeModel,
    ThemeWarning,
    choose_n_themes,
    selection,
)


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return theme_segments()


def test_auto_k_returns_its_diagnostics_and_uses_the_chosen_k(segments: pd.DataFrame) -> None:
    model = ThemeModel("nmf", "auto", k_min=2, k_max=6, n_resamples=3).fit(segments)
    table = model.diagnostics_
    assert list(table[K]) == [2, 3, 4, 5, 6]
    assert table[CHOSEN].sum() == 1
    assert model.n_themes_ == int(table.loc[table[CHOSEN], K].iloc[0])
    assert {"stability", "coherence", "separation", "score"} <= set(table.columns)
    assert table["score"].between(0, 1).all()


def test_a_known_k_search_is_reused_and_k_chosen_again(segments: pd.DataFrame, monkeypatch) -> None:
    first = ThemeModel("nmf", "auto", k_min=2, k_max=6, n_resamples=3).fit(segments)
    table = first.diagnostics_
    runner_up = int(table.sort_values("score", kind="stable")[K].iloc[-2])

    def forbidden(*args, **kwargs):
        raise AssertionError("the search for k ran again")

    monkeypatch.setattr(selection, "k_search_table", forbidden)
    again = ThemeModel("nmf", "auto", k_min=2, k_max=6, n_resamples=3)
    again.fit(segments, diagnostics=table)
    pd.testing.assert_frame_equal(again.diagnostics_, table)
    assert np.array_equal(again.labels_, first.labels_)
    # the previous run's k is kept when it scores within the tolerance, chosen again here
    preferred = ThemeModel("nmf", "auto", k_min=2, k_max=6, n_resamples=3)
    preferred.fit(segments, prefer_n_themes=runner_up, diagnostics=table)
    assert preferred.diagnostics_["previous"].sum() == 1
    chosen = int(preferred.diagnostics_.loc[preferred.diagnostics_[CHOSEN], K].iloc[0])
    best = table.loc[table[K] == runner_up, "score"].iloc[0] >= table["score"].max() - K_TOLERANCE
    assert chosen == (runner_up if best else first.n_themes_) == preferred.n_themes_
    # a table for another range of k is not this model's: the search runs
    monkeypatch.undo()
    other = ThemeModel("nmf", "auto", k_min=2, k_max=5, n_resamples=3)
    other.fit(segments, diagnostics=table)
    assert list(other.diagnostics_[K]) == [2, 3, 4, 5]


def test_choose_n_themes_lands_near_the_true_number_on_clear_themes(segments) -> None:
    # four true themes in 34 segments: small samples favour one or two more, never fewer
    table = choose_n_themes(segments, method="nmf", k_min=2, k_max=6)
    assert int(table.loc[table[CHOSEN], K].iloc[0]) in (4, 5, 6)
    assert table.loc[table[K] == 2, "stability"].iloc[0] < table["stability"].max()


def test_auto_k_narrows_its_range_on_a_small_corpus_with_a_warning(segments) -> None:
    with pytest.warns(ThemeWarning, match="est cherché"):
        model = ThemeModel("nmf", "auto", k_min=4, k_max=30).fit(segments)
    assert model.diagnostics_[K].max() <= len(segments) // 5


def test_auto_k_on_a_handful_of_segments_fits_few_themes_with_a_warning(segments) -> None:
    with pytest.warns(ThemeWarning, match="trop peu pour choisir le nombre de thèmes"):
        model = ThemeModel("nmf", "auto").fit(segments.head(8))
    assert model.diagnostics_ is None
    assert 1 <= model.n_themes_ <= 2
    assert (model.labels_ >= 0).sum() >= 4


@pytest.mark.parametrize(
    ("scores", "previous", "chosen"),
    [
        ([0.2, 0.9, 0.5], None, 3),  # the best score
        ([0.2, 0.9, 0.85], 4, 4),  # the previous k, close enough to the best
        ([0.2, 0.9, 0.5], 4, 3),  # the previous k, too far from the best
        ([0.2, 0.9, 0.5], 7, 3),  # a previous k that was not tried
    ],
)
def test_choose_k_keeps_the_previous_k_when_close_to_the_best(scores, previous, chosen) -> None:
    table = pd.DataFrame({K: [2, 3, 4], selection.COMBINED: scores})
    marked = selection.choose_k(table, previous)
    assert selection.chosen_k(marked) == chosen
    assert marked[selection.PREVIOUS].sum() == (previous in (2, 3, 4))
