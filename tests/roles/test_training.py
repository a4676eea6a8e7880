"""Tests of analysis.roles.training: the labelled material of the default model, parsed as the
workbook parses it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import schema
from analysis.roles import FunctionLabelError, training
from analysis.roles.annotations import GOLD_FUNCTION_COLUMN


@pytest.fixture(scope="module")
def real() -> training.LabelledRows:
    return training.real_rows()


def test_real_rows_are_lemmatised_one_per_text_in_the_files_order(real) -> None:
    table = pd.read_csv(training.REAL_LABELLED, dtype=str, keep_default_na=False)
    assert len(real) == len(table) == len(real.hits)
    expected = ("real:" + table["source"] + ":" + table["segment_id"]).tolist()
    assert real.segments[schema.SEGMENT_ID].tolist() == expected
    assert (real.segments[schema.LEMMAS].str.len() > 0).mean() > 0.95
    assert real.segments[GOLD_FUNCTION_COLUMN].isin(schema.FUNCTIONS).all()
    assert "bonne pratique" in set(real.segments[GOLD_FUNCTION_COLUMN])  # "bonne_pratique"
    # the cues are found on the text itself: "Rétablir l'ISF." opens with an infinitive
    first = real.segments[schema.TEXT].str.startswith("Rétablir l").to_numpy().nonzero()[0][0]
    assert "infinitif en tête" in {hit.cue.name for hit in real.hits[first]}


def test_a_split_keeps_its_rows_and_take_keeps_the_cues_aligned(real) -> None:
    train = training.real_rows(split="train")
    assert set(train.segments[training.SPLIT]) == {"train"}
    mask = (real.segments[training.SPLIT] == "train").to_numpy()
    taken = real.take(mask)
    assert taken.segments[schema.SEGMENT_ID].tolist() == train.segments[schema.SEGMENT_ID].tolist()
    assert [len(h) for h in taken.hits] == [len(h) for h in train.hits]
    both = training.LabelledRows.concat([taken, real.take(~mask)])
    assert len(both) == len(real)


def test_real_rows_weigh_more_as_asked(real) -> None:
    rows = real.take(np.arange(len(real)) < 300)
    light = training.fit_labelled(rows, weights={})
    heavy = training.fit_labelled(rows, weights={"decidim": 3.0})
    assert not np.allclose(light.model_.coef_, heavy.model_.coef_)


def test_missing_real_rows_are_named(tmp_path: Path) -> None:
    with pytest.raises(FunctionLabelError, match="introuvables"):
        training.real_rows(tmp_path / "absent.csv")
