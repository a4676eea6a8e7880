"""Where and when segments appear, and the status that follows: the recurrence table.

:func:`spread` describes any set of segments (concertations, contributions, cities, dates,
status); :func:`recurrence` gives it for each theme and function, and
:func:`analysis.tracing.groups.canonical_groups` for each group of similar statements.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis import cities, schema
from analysis.config import TracingConfig
from analysis.tracing.crosstabs import theme_labels
from analysis.tracing.dates import check_dates
from analysis.tracing.units import (
    recurrence_unit,
    warn_if_single,
    with_unit_columns,
)

STATUS_ABSENT = "absent"  # recurrence rows of a theme with no segment of that function
# the segment ids a statement stands for (the statements of analysis.tracing.groups)
MEMBERS = "_members"


class Timeline:
    """The corpus's time span and the cut-off dates of the statuses."""

    def __init__(self, dates: pd.Series, config: TracingConfig) -> None:
        dated = dates.dropna()
        self.start = dated.min() if len(dated) else None
        self.end = dated.max() if len(dated) else None
        span = (self.end - self.start) if len(dated) else pd.Timedelta(0)
        self.fading_after = (
            pd.Timestamp(config.fading_after)
            if config.fading_after
            else (self.start + span * (1 - config.recent_share) if len(dated) else None)
        )
        self.new_after = (
            pd.Timestamp(config.new_after)
            if config.new_after
            else (self.start + span * config.new_share if len(dated) else None)
        )

    def status(self, n_concertations: int, first: object, last: object) -> str:
        """persistent | new | fading | one-off | undated | absent."""
        if n_concertations == 0:
            return STATUS_ABSENT
        if n_concertations == 1:
            return schema.STATUS_ONE_OFF
        if pd.isna(first) or self.start is None:
            return schema.STATUS_UNDATED
        if pd.Timestamp(last) < self.fading_after:
            return schema.STATUS_FADING
        if pd.Timestamp(first) > self.new_after:
            return schema.STATUS_NEW
        return schema.STATUS_PERSISTENT


def spread(
    members: pd.DataFrame, timeline: Timeline, unit: str = schema.CONCERTATION_ID
) -> dict[str, object]:
    """Where and when a set of segments appears: concertations, contributions (documents),
    cities, dates, and the status of the count of ``unit``."""
    concertations = sorted(members[schema.CONCERTATION_ID].dropna().astype(str).unique())
    documents = members[schema.DOC_ID].nunique() if schema.DOC_ID in members else 0
    cities = sorted(c for c in members[schema.CITY].dropna().astype(str).unique() if c.strip())
    dates = members[schema.DATE].dropna()
    first = dates.min() if len(dates) else pd.NaT
    last = dates.max() if len(dates) else pd.NaT
    if MEMBERS in members:  # statements: each row stands for one or more segments
        segment_ids = sorted(i for ids in members[MEMBERS] for i in ids)
    else:
        segment_ids = sorted(members[schema.SEGMENT_ID].astype(str))
    return {
        schema.N_SEGMENTS: len(segment_ids),
        schema.N_CONCERTATIONS: len(concertations),
        schema.N_CITIES: len(cities),
        schema.CONCERTATIONS: concertations,
        schema.N_DOCUMENTS: int(documents),
        schema.CITIES: cities,
        schema.DATES: sorted({_iso(d) for d in dates}),
        schema.FIRST_DATE: first,
        schema.LAST_DATE: last,
        schema.STATUS: timeline.status(
            len(concertations) if unit == schema.CONCERTATION_ID else int(documents), first, last
        ),
        schema.SEGMENT_IDS: segment_ids,
        schema.RECURRENCE_UNIT: unit,
    }


def _iso(value: object) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def prepared(segments: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Check columns, unify cities, coerce dates (warning once), sort by segment id."""
    schema.require_columns(
        segments,
        schema.SEGMENT_ID,
        schema.CONCERTATION_ID,
        schema.CITY,
        schema.DATE,
        *columns,
        table="segments",
    )
    segments = cities.normalise_cities(segments)
    segments = segments.assign(**{schema.DATE: check_dates(segments)})
    return segments.sort_values(schema.SEGMENT_ID, kind="stable").reset_index(drop=True)


def recurrence(
    segments: pd.DataFrame, *, config: TracingConfig, functions: Sequence[str] = schema.FUNCTIONS
) -> pd.DataFrame:
    """For each theme and function, where and when it appears, and its status.

    Status (dates of the concertations; see ``[tracing]`` in ``analysis.toml``):

    * ``one-off``: a single concertation;
    * ``fading``: last seen before ``fading_after`` (default: the last ``recent_share`` of the
      corpus's time span);
    * ``new``: first seen after ``new_after`` (default: ``new_share`` of the span);
    * ``persistent``: seen before and after those dates;
    * ``undated``: seen only in undated concertations; ``absent``: the theme has no segment of
      that function (the row is kept so that "no frein on this theme" is said, not hidden).

    With a single concertation (:func:`recurrence_unit`), the statuses count contributions
    (documents) and their dates instead, and the table gains ``n_documents`` and
    ``recurrence_unit``.

    Parameters
    ----------
    segments
        Needs ``segment_id``, ``concertation_id``, ``city``, ``date``, ``theme_id`` and
        ``function``; ``theme_label`` when present.
    config
        ``[tracing]`` settings.
    functions
        The functions to report (all six by default).

    Returns
    -------
    DataFrame
        One row per theme and function, sorted by ``theme_id`` then function order:
        ``theme_id``, ``theme_label``, ``function``, ``n_segments``, ``n_concertations``,
        ``n_cities``, ``concertations``, ``cities``, ``dates``, ``first_date``, ``last_date``,
        ``status``, ``segment_ids`` (and ``n_documents``, ``recurrence_unit`` with a single
        concertation).
    """
    segments = prepared(segments, schema.THEME_ID, schema.FUNCTION)
    unit = recurrence_unit(segments)
    warn_if_single(segments)
    timeline = Timeline(segments[schema.DATE], config)
    names = theme_labels(segments)
    rows = []
    for theme in sorted(segments[schema.THEME_ID].dropna().unique()):
        of_theme = segments[segments[schema.THEME_ID] == theme]
        for function in functions:
            members = of_theme[of_theme[schema.FUNCTION] == function]
            rows.append(
                {
                    schema.THEME_ID: theme,
                    schema.THEME_LABEL: names.get(theme, ""),
                    schema.FUNCTION: function,
                    **spread(members, timeline, unit),
                }
            )
    return pd.DataFrame(rows, columns=with_unit_columns(_RECURRENCE_COLUMNS, unit))


_RECURRENCE_COLUMNS = [
    schema.THEME_ID,
    schema.THEME_LABEL,
    schema.FUNCTION,
    schema.N_SEGMENTS,
    schema.N_CONCERTATIONS,
    schema.N_CITIES,
    schema.CONCERTATIONS,
    schema.CITIES,
    schema.DATES,
    schema.FIRST_DATE,
    schema.LAST_DATE,
    schema.STATUS,
    schema.SEGMENT_IDS,
]
