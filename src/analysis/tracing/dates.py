"""Dates and periods of the segments: missing dates said out loud, periods labelled."""

from __future__ import annotations

import warnings
from typing import Literal

import pandas as pd

from analysis import labels, schema
from analysis.tracing.errors import MissingDateWarning, TracingError
from analysis.tracing.units import UNNAMED, quoted_list, recurrence_unit

Period = Literal["year", "semester", "quarter"]

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


def period_labels(dates: pd.Series, period: Period = "year") -> pd.Series:
    """Label dates by period: "2023" (year), "2023-S2" (semester), "2023-T4" (quarter).

    Missing dates get ``"sans date"``.
    """
    if period not in ("year", "semester", "quarter"):
        raise TracingError(f"period={period!r} : choisissez 'year', 'semester' ou 'quarter'.")
    dates = pd.to_datetime(dates, errors="coerce")
    years = dates.dt.year.astype("Int64").astype(str)
    if period == "semester":
        years = years + "-S" + ((dates.dt.month - 1) // 6 + 1).astype("Int64").astype(str)
    elif period == "quarter":
        years = years + "-T" + dates.dt.quarter.astype("Int64").astype(str)
    return years.where(dates.notna(), NO_DATE)
