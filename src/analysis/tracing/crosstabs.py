"""Theme x concertation, city or period tables: counts, both shares and the segment ids."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis import cities, schema
from analysis.tracing.dates import NO_DATE, Period, check_dates, period_labels
from analysis.tracing.units import warn_if_single


def theme_labels(segments: pd.DataFrame) -> dict[object, str]:
    """Each theme's label, by ``theme_id`` (empty without a ``theme_label`` column)."""
    if schema.THEME_LABEL not in segments:
        return {}
    pairs = segments[[schema.THEME_ID, schema.THEME_LABEL]].dropna().drop_duplicates()
    return dict(sorted(zip(pairs[schema.THEME_ID], pairs[schema.THEME_LABEL], strict=True)))


def _cross_table(segments: pd.DataFrame, column: str, order: Sequence[object]) -> pd.DataFrame:
    """Complete theme x column grid with counts, both shares and the segment ids of each cell."""
    themes = sorted(segments[schema.THEME_ID].dropna().unique())
    grid = pd.MultiIndex.from_product([themes, list(order)], names=[schema.THEME_ID, column])
    ordered = segments.sort_values(schema.SEGMENT_ID, kind="stable")
    cells = ordered.groupby([schema.THEME_ID, column], sort=True)[schema.SEGMENT_ID].agg(list)
    table = cells.reindex(grid).to_frame(schema.SEGMENT_IDS).reset_index()
    table[schema.SEGMENT_IDS] = [
        v if isinstance(v, list) else [] for v in table[schema.SEGMENT_IDS]
    ]
    table[schema.N_SEGMENTS] = table[schema.SEGMENT_IDS].str.len().astype(int)
    column_totals = table.groupby(column, sort=False)[schema.N_SEGMENTS].transform("sum")
    theme_totals = table.groupby(schema.THEME_ID, sort=False)[schema.N_SEGMENTS].transform("sum")
    table[schema.SHARE] = (
        (table[schema.N_SEGMENTS] / column_totals.where(column_totals > 0)).fillna(0.0).round(4)
    )
    table[schema.THEME_SHARE] = (
        (table[schema.N_SEGMENTS] / theme_totals.where(theme_totals > 0)).fillna(0.0).round(4)
    )
    names = theme_labels(segments)
    table.insert(1, schema.THEME_LABEL, table[schema.THEME_ID].map(names).fillna("").astype(str))
    columns = [
        schema.THEME_ID,
        schema.THEME_LABEL,
        column,
        schema.N_SEGMENTS,
        schema.SHARE,
        schema.THEME_SHARE,
        schema.SEGMENT_IDS,
    ]
    return table[columns]


def theme_by(segments: pd.DataFrame, by: str = schema.CONCERTATION_ID) -> pd.DataFrame:
    """Theme x concertation (or city, document type...) table, counts and shares.

    Parameters
    ----------
    segments
        Needs ``segment_id``, ``theme_id`` and the ``by`` column; ``theme_label`` is used
        when present. With ``by="city"`` the spellings are unified
        (:func:`analysis.cities.normalise_cities`).
    by
        The column to cross with themes.

    Returns
    -------
    DataFrame
        One row per theme and ``by`` value (every combination, zeros included), sorted by
        ``theme_id`` then ``by``: ``theme_id``, ``theme_label``, ``by``, ``n_segments``,
        ``share`` (of the ``by`` group's segments), ``theme_share`` (of the theme's
        segments), ``segment_ids``.
    """
    schema.require_columns(segments, schema.SEGMENT_ID, schema.THEME_ID, by, table="segments")
    if by == schema.CITY:
        segments = cities.normalise_cities(segments)
    if by == schema.CONCERTATION_ID:
        warn_if_single(segments)
    values = segments[by].fillna("").astype(str)
    segments = segments.assign(**{by: values})
    return _cross_table(segments, by, sorted(values.unique()))


def theme_by_period(segments: pd.DataFrame, period: Period = "auto") -> pd.DataFrame:
    """Theme x period table (year, semester, quarter or month; "auto": the coarsest that
    gives two periods or more), counts and shares.

    Segments without a date go to the period ``"sans date"`` (last), with a
    :class:`MissingDateWarning`.

    Returns
    -------
    DataFrame
        As :func:`theme_by`, with a ``period`` column in chronological order.
    """
    schema.require_columns(segments, schema.SEGMENT_ID, schema.THEME_ID, table="segments")
    dates = check_dates(segments)
    periods = period_labels(dates, period)
    order = sorted(p for p in periods.unique() if p != NO_DATE)
    order += [NO_DATE] if (periods == NO_DATE).any() else []
    return _cross_table(segments.assign(**{schema.PERIOD: periods}), schema.PERIOD, order)
