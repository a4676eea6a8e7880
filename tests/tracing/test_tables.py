"""Tests of analysis.tracing.tables: every tracing table in one call, each with a French name."""

from __future__ import annotations

import warnings

import pandas as pd
from factories import platform_segments, tracing_segments

from analysis import labels, schema
from analysis.config import TracingConfig
from analysis.pipeline import RunTables
from analysis.tracing import TracingTables, canonical_groups, trace


def _traced(segments: pd.DataFrame) -> TracingTables:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small cells, one concertation: said elsewhere
        return trace(segments, TracingConfig())


def test_trace_gives_the_tables_the_single_functions_give() -> None:
    segments = tracing_segments()
    tables = _traced(segments)
    pd.testing.assert_frame_equal(
        tables.obstacles, canonical_groups(segments, schema.FREIN, config=TracingConfig())
    )
    assert tables.groups == [tables.obstacles, tables.proposals, tables.good_practices]
    assert not tables.obstacles.empty and not tables.recurrence.empty


def test_every_table_of_the_report_has_a_french_name() -> None:
    tables = _traced(platform_segments())  # one consultation: counted over contributions
    frame = pd.DataFrame({"x": [1]})
    run = RunTables(**tables.named(), keywords=frame, theme_log=frame, expressions=frame)
    names = list(run.named())
    assert names[: len(tables.named())] == list(tables.named())  # the report's order
    assert "theme_diagnostics" not in names  # only when k was chosen
    with_k = RunTables(**tables.named(), keywords=frame, theme_log=frame, expressions=frame,
                       theme_diagnostics=frame, concordance=frame)  # fmt: skip
    assert set(with_k.named()) - set(names) == {"theme_diagnostics", "concordance"}
    assert set(with_k.named()) == set(labels.TABLE_LABELS)


def test_tables_counted_in_a_second_process_are_those_of_one() -> None:
    segments = tracing_segments()
    alone = _traced(segments)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        beside = trace(segments, TracingConfig(), parallel=True)
    for name, table in alone.named().items():
        pd.testing.assert_frame_equal(beside.named()[name], table, obj=name)
