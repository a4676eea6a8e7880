"""Tests of analysis.tracing.dates: periods."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.tracing.dates import NO_DATE, period_labels, resolve_period
from analysis.tracing.errors import TracingError

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("year", ["2023", "2024", NO_DATE]),
        ("semester", ["2023-S2", "2024-S1", NO_DATE]),
        ("quarter", ["2023-T4", "2024-T1", NO_DATE]),
        ("month", ["2023-11", "2024-02", NO_DATE]),
        ("auto", ["2023", "2024", NO_DATE]),
    ],
)
def test_period_labels(period: str, expected: list[str]) -> None:
    dates = pd.Series(pd.to_datetime(["2023-11-30", "2024-02-09", None]))
    assert period_labels(dates, period).tolist() == expected


def test_period_labels_rejects_an_unknown_period() -> None:
    with pytest.raises(TracingError, match="period"):
        period_labels(pd.Series(pd.to_datetime(["2023-01-01"])), "week")  # type: ignore[arg-type]


def test_auto_periods_are_months_for_a_consultation_of_a_few_weeks() -> None:
    """The comments of the Decidim debates (tests/data/roles), 17 January to 14 March 2019,
    fall in one year, one semester and one quarter: "auto" counts them by month, so that the
    themes' trajectories have three points instead of one."""
    comments = pd.read_csv(DATA / "roles" / "decidim-comments.csv", dtype=str)
    assert period_labels(comments["created_at"], "year").nunique() == 1
    assert resolve_period(comments["created_at"]) == "month"
    counts = period_labels(comments["created_at"]).value_counts().to_dict()
    assert counts == {"2019-01": 468, "2019-02": 107, "2019-03": 37}


@pytest.mark.parametrize(
    ("dates", "period"),
    [
        (["2021-06-17", "2023-04-28", "2024-11-29"], "year"),  # concertations over years
        (["2024-02-09", "2024-06-14", "2024-11-29"], "semester"),
        (["2024-02-09", "2024-05-13"], "quarter"),
        (["2024-02-09", "2024-02-27"], "year"),  # one month: no finer period tells them apart
        ([None, None], "year"),
    ],
)
def test_auto_takes_the_coarsest_period_that_tells_two_apart(
    dates: list[str | None], period: str
) -> None:
    assert resolve_period(pd.Series(dates)) == period
