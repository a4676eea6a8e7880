"""Tests of analysis.themes.results: stable ids, the tables of a run, and its views."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from factories import platform_segments, theme_segments  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from analysis import plots, schema  # noqa: E402
from analysis.config import ThemesConfig  # noqa: E402
from analysis.themes import (  # noqa: E402
    MATCH_THRESHOLD,
    ThemeModel,
    ThemeWarning,
    assign_themes,
    run_themes,
    segment_map,
    theme_similarity,
    typical_segments,
)


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return theme_segments()


@pytest.fixture(scope="module")
def fitted(segments: pd.DataFrame) -> ThemeModel:
    return ThemeModel("nmf", 4, random_state=0).fit(segments)


def test_assign_themes_is_identical_run_after_run(segments: pd.DataFrame, tmp_path) -> None:
    outputs = []
    for run in range(2):
        assigned, themes = assign_themes(segments, ThemeModel("nmf", 4))
        path = tmp_path / f"themes-{run}.csv"
        themes.to_csv(path, index=False)
        assigned.drop(columns=[schema.TEXT]).to_csv(tmp_path / f"segments-{run}.csv", index=False)
        outputs.append((path.read_bytes(), (tmp_path / f"segments-{run}.csv").read_bytes()))
    assert outputs[0] == outputs[1]


def test_assign_themes_adds_the_columns_and_the_themes_table(segments: pd.DataFrame) -> None:
    assigned, themes = assign_themes(segments, ThemeModel("nmf", 4))
    assert assigned[schema.THEME_ID].dtype == np.int64
    assert str(assigned[schema.SECOND_THEME_ID].dtype) == "Int64"
    assert set(assigned.loc[segments["truth"] == "hors_theme", schema.THEME_ID]) == {-1}
    assert set(assigned.loc[assigned[schema.THEME_ID] == -1, schema.THEME_LABEL]) == {"non classé"}
    assert set(schema.THEME_COLUMNS) <= set(themes.columns)
    assert list(themes[schema.THEME_ID]) == [1, 2, 3, 4]
    assert list(themes[schema.N_SEGMENTS]) == sorted(themes[schema.N_SEGMENTS], reverse=True)
    assert themes[schema.N_SEGMENTS].sum() == (assigned[schema.THEME_ID] >= 0).sum()
    assert (themes[schema.N_CONCERTATIONS] == 2).all()
    assert all(", " in keywords for keywords in themes[schema.KEYWORDS])


def test_assign_themes_reuses_a_model_fitted_on_the_same_segments(segments) -> None:
    model = ThemeModel("nmf", 4).fit(segments)
    estimator = model.estimator_
    in_order, _ = assign_themes(segments, model)
    shuffled, _ = assign_themes(segments.sample(frac=1.0, random_state=1), model)
    assert model.estimator_ is estimator
    columns = [schema.THEME_ID, schema.THEME_SCORE, schema.SECOND_THEME_ID]
    pd.testing.assert_frame_equal(
        shuffled.sort_values(schema.SEGMENT_ID)[columns].reset_index(drop=True),
        in_order.sort_values(schema.SEGMENT_ID)[columns].reset_index(drop=True),
    )


def test_a_tenth_of_unclassified_segments_is_said(segments: pd.DataFrame) -> None:
    """Segments no theme takes are in no fiche: from a tenth of the segments that have words,
    the run says how many and which. Two real Decidim contributions on other subjects (a
    road, incomes) join the notes on policing and two off-topic sentences: 4 of 38."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ThemeWarning)
        assigned, _ = assign_themes(segments, ThemeModel("nmf", 4))  # 2 of 34: nothing said
    assert (assigned[schema.THEME_ID] == -1).sum() == 2
    real = platform_segments().iloc[[0, 4, 5, 8]]
    real = real[[schema.SEGMENT_ID, schema.DOC_ID, schema.TEXT, schema.LEMMAS]]
    mixed = pd.concat([segments, real.assign(concertation_id="lille-2019")], ignore_index=True)
    with pytest.warns(ThemeWarning, match=r"4 segments sur 38 \(11 %\)") as said:
        assigned, _ = assign_themes(mixed, ThemeModel("nmf", 4))
    left = assigned.loc[assigned[schema.THEME_ID] == -1, schema.SEGMENT_ID].tolist()
    message = str(said[0].message)
    assert len(left) == 4 and all(f"« {i} »" in message for i in left)
    assert "unclassified_threshold" in message and "segments.csv" in message


def test_typical_segments_are_the_closest_to_their_theme(segments: pd.DataFrame) -> None:
    assigned, themes = assign_themes(segments, ThemeModel("nmf", 4))
    typical = typical_segments(assigned, themes, n=2)
    assert len(typical) == 8
    for _, group in typical.groupby(schema.THEME_ID):
        assert list(group["rank"]) == [1, 2]
        best = assigned.loc[assigned[schema.THEME_ID] == group[schema.THEME_ID].iloc[0]]
        assert group[schema.THEME_SCORE].iloc[0] == best[schema.THEME_SCORE].max()


def test_typical_segments_from_a_fitted_model(fitted: ThemeModel, segments) -> None:
    typical = typical_segments(segments, fitted, n=1)
    assert list(typical[schema.LABEL]) == fitted.theme_labels_


def test_theme_similarity_is_symmetric_with_ones_on_the_diagonal(segments) -> None:
    run = run_themes(segments, ThemeModel("nmf", 4))
    similarity = theme_similarity(run)
    values = similarity.to_numpy()
    assert np.allclose(values, values.T) and np.allclose(np.diag(values), 1.0)
    assert list(similarity.index) == [1, 2, 3, 4]


def test_theme_plots_draw_on_the_given_axes(segments: pd.DataFrame) -> None:
    model = ThemeModel("nmf", "auto", k_min=2, k_max=5, n_resamples=2)
    run = run_themes(segments, model)
    figure, axes = plt.subplots(2, 3)
    drawn = [
        plots.plot_theme_sizes(run.themes, ax=axes[0, 0]),
        plots.plot_top_terms(run.keywords, 1, ax=axes[0, 1]),
        plots.plot_theme_map(segment_map(run), run.themes, ax=axes[0, 2]),
        plots.plot_theme_dendrogram(theme_similarity(run), run.themes, ax=axes[1, 0]),
        plots.plot_k_diagnostics(model.diagnostics_, ax=axes[1, 1]),
    ]
    assert drawn == [axes[0, 0], axes[0, 1], axes[0, 2], axes[1, 0], axes[1, 1]]
    assert axes[0, 0].get_title() == "Taille des thèmes"
    assert len(axes[0, 0].patches) == len(run.themes)
    first = plots.plot_themes_top_terms(run.keywords, n_terms=4)
    panels = [ax for ax in first.figure.axes if ax.get_visible()]
    assert isinstance(first, Axes) and len(panels) == len(run.themes)
    assert [len(ax.patches) for ax in panels] == [4] * len(run.themes)
    plt.close("all")


def test_theme_plots_also_take_the_whole_run(segments: pd.DataFrame) -> None:
    run = run_themes(segments, ThemeModel("nmf", 4))
    grid = plots.plot_themes_top_terms(run).figure
    assert sum(ax.get_visible() for ax in grid.axes) == 4
    map_ax = plots.plot_theme_map(run)
    assert {text.get_text() for text in map_ax.texts} == {"1", "2", "3", "4"}
    tree_ax = plots.plot_theme_dendrogram(run)
    shown = {label.get_text() for label in tree_ax.get_yticklabels()}
    themes = run.themes
    expected = {f"{t} · {name}" for t, name in zip(themes.theme_id, themes.label, strict=True)}
    assert shown == expected
    plt.close("all")


def test_the_config_section_repeats_the_match_threshold() -> None:
    assert ThemesConfig().match_threshold == MATCH_THRESHOLD
