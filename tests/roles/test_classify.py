"""Tests of analysis.roles.classify: which classifier classes the segments."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from spacy.language import Language

from analysis import schema
from analysis.config import FunctionsConfig
from analysis.roles import (
    FunctionLabelError,
    UnlabelledSegmentsWarning,
    classify,
    classify_functions,
    default_classifier,
    model_file,
)
from analysis.roles import model as default_model


def _no_parse(*args, **kwargs):
    raise AssertionError("the default classifier must not parse or train on corpus/")


def test_classify_functions_retrains_on_a_users_labelled_file(
    labelled: pd.DataFrame, french_nlp: Language, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "labels.csv"
    labelled.assign(function=labelled["label"])[["doc_id", "paragraph", "function"]].to_csv(
        path, index=False
    )
    config = FunctionsConfig(method="classifier", labelled_file=str(path))

    def no_packaged_model(*args, **kwargs):
        raise AssertionError("a user's labelled file must train the classifier, not the package")

    monkeypatch.setattr(model_file, "load_model", no_packaged_model)
    result = classify_functions(labelled.drop(columns="label"), french_nlp, config=config)
    assert (result[schema.FUNCTION] == labelled["label"]).mean() >= 0.9
    assert set(result.columns) >= {schema.FUNCTION, schema.FUNCTION_SCORE, schema.FUNCTION_REASON}


def test_a_labelled_file_that_labels_nothing_of_the_corpus_is_named(
    labelled: pd.DataFrame, french_nlp: Language, tmp_path: Path
) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("doc_id,paragraph,function\nailleurs,0,frein\nailleurs,1,constat\n")
    config = FunctionsConfig(method="classifier", labelled_file=str(path))
    with pytest.raises(FunctionLabelError, match=r"labels\.csv : Aucun segment ne porte"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnlabelledSegmentsWarning)
            classify_functions(labelled.drop(columns="label"), french_nlp, config=config)


def test_classify_functions_by_default_never_parses_the_corpus_and_classes_as_before(
    fresh_default, sample_paragraphs, monkeypatch
) -> None:
    segments, parsed = sample_paragraphs
    classifier, _ = fresh_default
    config = FunctionsConfig()
    expected = classify_functions(segments, parsed, config=config, classifier=classifier)
    fresh_proba = classifier.predict_proba(segments, docs=parsed)
    monkeypatch.setattr(default_model, "_parse_training_corpus", _no_parse)
    monkeypatch.setattr(classify, "train_classifier", _no_parse)
    result = classify_functions(segments, parsed, config=config)
    pd.testing.assert_frame_equal(result, expected)
    assert result[schema.FUNCTION].nunique() == 6
    packaged = default_classifier(config=config)
    assert np.array_equal(packaged.predict_proba(segments, docs=parsed), fresh_proba)
