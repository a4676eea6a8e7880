"""Tests of analysis.tracing.dates: periods."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.tracing.dates import NO_DATE, period_labels
from analysis.tracing.errors import TracingError


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("year", ["2023", "2024", NO_DATE]),
        ("semester", ["2023-S2", "2024-S1", NO_DATE]),
        ("quarter", ["2023-T4", "2024-T1", NO_DATE]),
    ],
)
def test_period_labels(period: str, expected: list[str]) -> None:
    dates = pd.Series(pd.to_datetime(["2023-11-30", "2024-02-09", None]))
    assert period_labels(dates, period).tolist() == expected


def test_period_labels_rejects_an_unknown_period() -> None:
    with pytest.raises(TracingError, match="period"):
        period_labels(pd.Series(pd.to_datetime(["2023-01-01"])), "month")
