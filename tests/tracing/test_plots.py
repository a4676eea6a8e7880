"""Tests of the tracing figures of analysis.plots, drawn from the tracing tables."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest
from factories import platform_segments, quiet, skewed_segments

from analysis import schema
from analysis.config import TracingConfig
from analysis.plots import (
    plot_obstacle_recurrence,
    plot_specificities,
    plot_theme_heatmap,
    plot_theme_trajectories,
)
from analysis.tracing.crosstabs import theme_by, theme_by_period
from analysis.tracing.groups import canonical_groups
from analysis.tracing.specificity import specificities

matplotlib.use("Agg")


def test_tracing_plots_draw_on_the_given_axes(segments: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    config = TracingConfig()
    figure, axes = plt.subplots(2, 2)
    heatmap = plot_theme_heatmap(theme_by(segments), ax=axes[0, 0])
    assert heatmap is axes[0, 0] and len(heatmap.get_yticklabels()) == 3
    trajectories = plot_theme_trajectories(theme_by_period(segments), ax=axes[0, 1])
    assert len(trajectories.get_lines()) == 3
    groups = quiet(canonical_groups, segments, "frein", config=config)
    recurrence_axes = plot_obstacle_recurrence(groups, segments, ax=axes[1, 0])
    assert "4 villes" in recurrence_axes.get_yticklabels()[-1].get_text()
    assert {t.get_text() for t in recurrence_axes.texts} >= {"Nîmes", "Metz"}
    table = quiet(
        specificities, skewed_segments(), schema.CITY, config=TracingConfig(min_frequency=1)
    )
    bars = plot_specificities(table, "Metz", ax=axes[1, 1])
    assert len(bars.patches) == 2
    plt.close(figure)


def test_tracing_plots_work_from_the_tables_alone(segments: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    groups = quiet(canonical_groups, segments, "frein", config=TracingConfig())
    axes = plot_obstacle_recurrence(groups)  # no segments: dots at the group's dates
    assert len(axes.collections) == len(groups)
    table = quiet(
        specificities, skewed_segments(), schema.CITY, config=TracingConfig(min_frequency=1)
    )
    bars = plot_specificities(table, n_forms=3)  # all parts: "city : theme"
    assert any(t.get_text().startswith("Metz : ") for t in bars.get_yticklabels())
    plt.close("all")


def test_the_recurrence_of_a_single_concertation_is_drawn_as_bars() -> None:
    import matplotlib.pyplot as plt

    config = TracingConfig(min_concertations=1)
    groups = quiet(canonical_groups, platform_segments(), "proposition", config=config)
    axes = plot_obstacle_recurrence(groups)
    assert [round(p.get_width()) for p in axes.patches] == sorted(groups[schema.N_DOCUMENTS])
    assert axes.get_xlabel() == "Nombre de contributions"
    assert "contributions" in axes.get_title() and "Propositions" in axes.get_title()
    assert not axes.collections  # no dots on a time axis, no 1970
    assert all("1970" not in t.get_text() for t in axes.get_xticklabels())
    plt.close("all")


def test_undated_concertations_are_drawn_as_bars(segments: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    undated = segments.assign(**{schema.DATE: pd.NaT})
    groups = quiet(canonical_groups, undated, "frein", config=TracingConfig())
    axes = plot_obstacle_recurrence(groups, undated)
    assert [round(p.get_width()) for p in axes.patches] == [2, 2, 4]  # bottom to top
    assert axes.get_xlabel() == "Nombre de concertations"
    plt.close("all")


def test_no_group_is_no_figure(segments: pd.DataFrame) -> None:
    from analysis.plots import NothingToPlot

    groups = quiet(canonical_groups, segments, "demande", config=TracingConfig())
    with pytest.raises(NothingToPlot, match="aucun frein"):
        plot_obstacle_recurrence(groups)
