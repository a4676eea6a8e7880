"""Dates and periods of the segments: missing dates said out loud, periods labelled."""

from __future__ import annotations

import warnings
from typing import Literal

import pandas as pd

from analysis import labels, schema
from analysis.tracing.errors import MissingDateWarning, TracingError
from analysis.tracing.units import UNNAMED, quoted_list, recurrence_unit

Period = Literal["auto", "year", "semester", "quarter", "month"]
# the periods "auto" tries, coarsest first: the first that tells two periods apart is kept
_AUTO_ORDER: tuple[Period, ...] = ("year", "semester", "quarter", "month")

NO_DATE = labels.TRACING_LABELS["no_date"]


def check_dates(segments: pd.DataFrame) -> pd.Series:
    """Return ``date`` as datetime64, warning once about the concertations that have none."""
    schema.require_columns(segments, schema.DATE, table="segments")
    dates = pd.to_datetime(segments[schema.DATE], errors="coerce")
    if dates.isna().any():
        column = recurrence_unit(segments)  # the undated documents of a single concertation
        undated = sorted(segments.loc[dates.isna(), column].fillna("").astype(str).unique())
        what = "concertation" if column == schema.CONCERTATION_ID else "document"
        names = quoted_list(undated, unnamed=UNNAMED[column])
        warnings.warn(
            f"Pas de date pour {labels.french_plural(len(undated), what)} : {names}. "
            f"Leurs segments sont comptés, mais laissés hors des dates, des périodes "
            f"(« {NO_DATE} ») et des statuts ; ajoutez une date aux documents sources (pour "
            "un tableau : --meta-columns date=<colonne>).",
            MissingDateWarning,
            stacklevel=3,
        )
    return dates


def period_labels(dates: pd.Series, period: Period = "auto") -> pd.Series:
    """Label dates by period: "2023" (year), "2023-S2" (semester), "2023-T4" (quarter),
    "2023-11" (month); "auto" takes the coarsest of these that gives the dates two periods
    or more (:func:`resolve_period`).

    Missing dates get ``"sans date"``.
    """
    if period not in (*_AUTO_ORDER, "auto"):
        raise TracingError(
            f"[tracing] period = {period!r} : choisissez 'auto', 'year', 'semester', 'quarter' "
            "ou 'month'."
        )
    dates = pd.to_datetime(dates, errors="coerce")
    named = _labels(dates, resolve_period(dates) if period == "auto" else period)
    return named.where(dates.notna(), NO_DATE)


def resolve_period(dates: pd.Series) -> Period:
    """The period "auto" stands for: the coarsest of year, semester, quarter and month that
    puts the dates in two periods or more ("year" for concertations held over several years,
    "month" for a platform's export of a consultation run over a few weeks), "year" when they
    all fall in one month or there is none."""
    dates = pd.to_datetime(dates, errors="coerce").dropna()
    for period in _AUTO_ORDER:
        if _labels(dates, period).nunique() >= 2:
            return period
    return "year"


def _labels(dates: pd.Series, period: Period) -> pd.Series:
    years = dates.dt.year.astype("Int64").astype(str)
    if period == "semester":
        return years + "-S" + ((dates.dt.month - 1) // 6 + 1).astype("Int64").astype(str)
    if period == "quarter":
        return years + "-T" + dates.dt.quarter.astype("Int64").astype(str)
    if period == "month":
        return years + "-" + dates.dt.month.astype("Int64").astype(str).str.zfill(2)
    return years
