"""Figures with nothing to show are not drawn: they say why, in French, for the report."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import labels, plots, schema  # noqa: E402
from analysis.export import report_html  # noqa: E402


@pytest.mark.parametrize(
    ("draw", "reason"),
    [
        (
            lambda: plots.plot_specificities(
                schema.empty_table(["part", "form", "specificity", "significant"])
            ),
            "one_part",
        ),
        (
            lambda: plots.plot_theme_trajectories(
                pd.DataFrame(
                    {
                        schema.THEME_ID: [0, 1],
                        schema.THEME_LABEL: ["police", "justice"],
                        schema.PERIOD: [labels.TRACING_LABELS["no_date"]] * 2,
                        schema.SHARE: [0.5, 0.5],
                        schema.N_SEGMENTS: [3, 3],
                    }
                )
            ),
            "no_date",
        ),
        (
            lambda: plots.plot_theme_trajectories(
                pd.DataFrame(
                    {
                        schema.THEME_ID: [0, 1],
                        schema.THEME_LABEL: ["police", "justice"],
                        schema.PERIOD: ["2019-01"] * 2,
                        schema.SHARE: [0.5, 0.5],
                        schema.N_SEGMENTS: [3, 3],
                    }
                )
            ),
            "one_period",
        ),
        (
            lambda: plots.plot_theme_sizes(
                schema.empty_table([schema.THEME_ID, schema.LABEL, schema.N_SEGMENTS])
            ),
            "no_theme",
        ),
    ],
)
def test_a_figure_with_nothing_to_show_says_why(draw, reason: str) -> None:
    with pytest.raises(plots.NothingToPlot) as raised:
        draw()
    assert str(raised.value) == labels.ABSENT_FIGURE[reason].format(period="2019-01")


def test_an_empty_table_keeps_its_dtypes_and_sorts() -> None:
    table = schema.empty_table([schema.PART, schema.SPECIFICITY, schema.SIGNIFICANT])
    assert table.dtypes.astype(str).tolist() == ["object", "float64", "bool"]
    assert table.nlargest(3, schema.SPECIFICITY).empty


def test_the_report_says_where_a_figure_is_absent_and_why() -> None:
    themes = pd.DataFrame({schema.THEME_ID: [0], schema.LABEL: ["police municipale"]})
    page = report_html(
        [],
        themes,
        {},
        {},
        absent_figures={"city-specificities": labels.ABSENT_FIGURE["one_part"]},
        intro=[],
        max_rows=10,
    )
    assert 'data-absent="city-specificities"' in page
    assert "les spécificités comparent les villes entre elles" in page
