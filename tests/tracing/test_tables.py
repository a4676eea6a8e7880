"""Tests of analysis.tracing.tables: every tracing table in one call, each with a French name."""

from __future__ import annotations

import os
import warnings

import pandas as pd
import pytest
from factories import platform_segments, tracing_segments

from analysis import labels, schema
from analysis.config import TracingConfig
from analysis.pipeline import RunTables
from analysis.tracing import TracingTables, canonical_groups, trace
from analysis.tracing import tables as tracing_tables
from analysis.workers import has_spare_core


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


@pytest.mark.skipif(not has_spare_core(), reason="one core, or no fork: nothing runs beside")
def test_the_functions_but_the_most_frequent_are_grouped_in_the_second_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def grouped_where(segments: pd.DataFrame, function: str, **settings: object) -> pd.DataFrame:
        table = canonical_groups(segments, function, **settings)
        table.attrs["process"] = os.getpid()
        return table

    def processes() -> dict[str, int]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            traced = trace(segments, TracingConfig(), parallel=True)
        return {
            function: table.attrs["process"]
            for function, table in zip(tracing_tables.GROUPED, traced.groups, strict=True)
        }

    monkeypatch.setattr(tracing_tables, "canonical_groups", grouped_where)
    segments = tracing_segments()
    sizes = segments[schema.FUNCTION].value_counts()
    assert sizes[schema.FREIN] > max(sizes[schema.PROPOSITION], sizes[schema.BONNE_PRATIQUE])
    where = processes()
    assert where[schema.FREIN] == os.getpid()
    assert os.getpid() not in (where[schema.PROPOSITION], where[schema.BONNE_PRATIQUE])
    # more than GROUPED_BESIDE segments besides the freins: all grouped here, one by one
    others = int(sizes[schema.PROPOSITION] + sizes[schema.BONNE_PRATIQUE])
    monkeypatch.setattr(tracing_tables, "GROUPED_BESIDE", others - 1)
    assert set(processes().values()) == {os.getpid()}
    # nor in a corpus of more than SEGMENTS_BESIDE segments
    monkeypatch.setattr(tracing_tables, "GROUPED_BESIDE", others)
    monkeypatch.setattr(tracing_tables, "SEGMENTS_BESIDE", len(segments) - 1)
    assert set(processes().values()) == {os.getpid()}
