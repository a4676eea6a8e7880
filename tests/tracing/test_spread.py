"""Tests of analysis.tracing.spread: the recurrence table and its statuses."""

from __future__ import annotations

import pandas as pd
import pytest
from factories import TRACING_ROWS, platform_segments, quiet, tracing_segments

from analysis import schema
from analysis.config import TracingConfig
from analysis.tracing.errors import MissingDateWarning, SingleConcertationWarning
from analysis.tracing.spread import STATUS_ABSENT, recurrence


def _status(table: pd.DataFrame, theme: str, function: str) -> str:
    row = table[(table[schema.THEME_ID] == theme) & (table[schema.FUNCTION] == function)]
    return row[schema.STATUS].item()


def test_recurrence_statuses(segments: pd.DataFrame) -> None:
    table = quiet(recurrence, segments, config=TracingConfig())
    assert _status(table, "pm", "frein") == schema.STATUS_PERSISTENT  # C1 to C4
    assert _status(table, "radicalites", "frein") == schema.STATUS_FADING  # C1, C2 only
    assert _status(table, "cyber", "frein") == schema.STATUS_NEW  # C3, C4 only
    assert _status(table, "cyber", "bonne pratique") == schema.STATUS_ONE_OFF
    assert _status(table, "radicalites", "proposition") == STATUS_ABSENT  # said, not hidden
    pm = table[(table[schema.THEME_ID] == "pm") & (table[schema.FUNCTION] == "frein")].iloc[0]
    assert pm[schema.N_CONCERTATIONS] == 4 and pm[schema.N_CITIES] == 4
    assert pm[schema.N_SEGMENTS] == len(pm[schema.SEGMENT_IDS]) == 5
    assert pm[schema.FIRST_DATE] == pd.Timestamp("2021-06-17")


def test_recurrence_fading_after_overrides_the_default_cut(segments: pd.DataFrame) -> None:
    table = quiet(recurrence, segments, config=TracingConfig(fading_after="2022-01-01"))
    assert _status(table, "radicalites", "frein") == schema.STATUS_PERSISTENT


def test_recurrence_of_a_single_concertation_counts_its_contributions() -> None:
    single = tracing_segments([r for r in TRACING_ROWS if r[0] == "C2"])  # one document, too
    with pytest.warns(
        SingleConcertationWarning, match="Un seul document, d.une seule concertation \\(« C2 »\\)"
    ):
        table = recurrence(single, config=TracingConfig())
    assert (table[schema.RECURRENCE_UNIT] == schema.DOC_ID).all()
    present = table[table[schema.N_SEGMENTS] > 0]
    assert (present[schema.N_DOCUMENTS] == 1).all()
    assert set(present[schema.STATUS]) == {schema.STATUS_ONE_OFF}  # one contribution each
    contributions = quiet(recurrence, platform_segments(), config=TracingConfig())
    precarity = contributions[
        (contributions[schema.THEME_ID] == "travail") & (contributions[schema.FUNCTION] == "frein")
    ].iloc[0]
    assert precarity[schema.N_DOCUMENTS] == 3 and precarity[schema.N_CONCERTATIONS] == 1
    assert precarity[schema.STATUS] == schema.STATUS_UNDATED  # recurrent, but never dated


def test_recurrence_of_an_undated_concertation(segments: pd.DataFrame) -> None:
    segments.loc[segments[schema.CONCERTATION_ID] == "C4", schema.DATE] = pd.NaT
    with pytest.warns(MissingDateWarning):
        table = recurrence(segments, config=TracingConfig())
    pm = table[(table[schema.THEME_ID] == "pm") & (table[schema.FUNCTION] == "frein")].iloc[0]
    assert pm[schema.N_CONCERTATIONS] == 4  # counted...
    assert pm[schema.LAST_DATE] == pd.Timestamp("2023-09-22")  # ...but not dated
