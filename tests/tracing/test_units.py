"""Tests of analysis.tracing.units: what recurrence counts, and the single-concertation text."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from factories import platform_segments, quiet

from analysis import schema
from analysis.config import TracingConfig
from analysis.corpus import load_corpus
from analysis.tracing.crosstabs import theme_by
from analysis.tracing.errors import SingleConcertationWarning, UnnamedConcertationWarning
from analysis.tracing.groups import canonical_groups
from analysis.tracing.spread import recurrence
from analysis.tracing.units import recurrence_unit, unit_of, warn_if_single


@pytest.mark.parametrize(
    ("concertations", "doc_ids", "unit"),
    [
        (["C1", "C2", "C2"], ["a", "b", "c"], schema.CONCERTATION_ID),
        (["C1", "C1", "C1"], ["a", "b", "c"], schema.DOC_ID),
        (["", "", ""], ["a", "b", "c"], schema.DOC_ID),  # an export: no concertation column
        ([None, None, None], ["a", "b", "c"], schema.DOC_ID),
        (["", "C1", ""], ["a", "b", "c"], schema.CONCERTATION_ID),  # unnamed is one of two
        (["C1", "C1", "C1"], None, schema.CONCERTATION_ID),  # no documents to count
    ],
)
def test_recurrence_unit_is_decided_from_the_concertations(concertations, doc_ids, unit) -> None:
    table = pd.DataFrame({schema.CONCERTATION_ID: concertations})
    if doc_ids is not None:
        table[schema.DOC_ID] = doc_ids
    assert recurrence_unit(table) == unit


def test_several_concertations_keep_their_tables(segments: pd.DataFrame) -> None:
    groups = quiet(canonical_groups, segments, "frein", config=TracingConfig())
    assert schema.RECURRENCE_UNIT not in groups and schema.N_DOCUMENTS not in groups
    assert unit_of(groups) == schema.CONCERTATION_ID
    assert groups[schema.N_CONCERTATIONS].tolist() == [4, 2, 2]
    table = quiet(recurrence, segments, config=TracingConfig())
    assert schema.RECURRENCE_UNIT not in table and schema.N_DOCUMENTS not in table


@pytest.mark.parametrize(
    ("concertation", "named"),
    [("", "aucune concertation nommée"), ("granddebatmel", "« granddebatmel »")],
)
def test_a_single_concertation_is_said_once_in_french(concertation, named) -> None:
    segments = platform_segments(concertation=concertation)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        theme_by(segments)
        recurrence(segments, config=TracingConfig())
        for function in ("frein", "proposition", "bonne pratique"):
            canonical_groups(segments, function, config=TracingConfig())
    said = {str(w.message) for w in caught if w.category is SingleConcertationWarning}
    assert len(said) == 1  # five steps, one text: the command line says it once
    message = said.pop()
    assert f"Une seule concertation ({named})" in message
    assert "comptée sur les contributions" in message
    assert "--meta-columns concertation_id=" in message and "concertation:" in message
    assert "()" not in message


def test_documents_without_a_concertation_among_several_are_named(real_dir) -> None:
    """The real Decidim export with its category as concertation: 34 proposals have no
    category; recurrence counts them as one more concertation, without a name, and a warning
    names them, said once across the steps."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(
            real_dir / "lille-propositions-decidim.csv",
            text_column="body",
            id_column="id",
            meta_columns=["concertation_id=category/name/fr"],
        )
    assert (documents[schema.CONCERTATION_ID] == "").sum() == 34
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert not warn_if_single(documents)
        assert not warn_if_single(documents)
    said = {str(w.message) for w in caught if w.category is UnnamedConcertationWarning}
    assert len(said) == 1
    (text,) = said
    assert text.startswith("34 document(s) sans concertation parmi des concertations nommées")
    assert "(et 26 autres)" in text
    named = documents[documents[schema.CONCERTATION_ID] != ""]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnnamedConcertationWarning)
        warn_if_single(named)  # every document has its concertation: nothing to say
