"""Tests of analysis.roles.classify: which classifier classes the segments."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from spacy.language import Language

from analysis import schema
from analysis.config import ConfigError, FunctionsConfig, load_config
from analysis.roles import (
    FunctionLabelError,
    UnlabelledSegmentsWarning,
    classify,
    classify_functions,
    default_classifier,
    mark_to_check,
    model_file,
    training,
)


def _no_parse(*args, **kwargs):
    raise AssertionError("the default classifier must not parse or train on corpus/")


def test_classify_functions_retrains_on_a_users_labelled_file(
    labelled: pd.DataFrame, french_nlp: Language, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "labels.csv"
    labelled.assign(function=labelled["label"])[["doc_id", "paragraph", "function"]].to_csv(
        path, index=False
    )
    config = FunctionsConfig(method="classifier", labelled_file=str(path), train_on_labelled=True)

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
    config = FunctionsConfig(method="classifier", labelled_file=str(path), train_on_labelled=True)
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
    monkeypatch.setattr(training, "_parse", _no_parse)
    monkeypatch.setattr(classify, "train_classifier", _no_parse)
    result = classify_functions(segments, parsed, config=config)
    pd.testing.assert_frame_equal(result, expected)
    assert result[schema.FUNCTION].nunique() == 6
    packaged = default_classifier(config=config)
    assert np.array_equal(packaged.predict_proba(segments, docs=parsed), fresh_proba)


def test_an_analysts_corrections_win_and_are_never_to_check(
    labelled: pd.DataFrame, french_nlp: Language, tmp_path: Path
) -> None:
    segments = labelled.drop(columns="label")
    path = tmp_path / "corrections.csv"
    first, second = segments[schema.SEGMENT_ID].iloc[:2]
    path.write_text(f"segment_id,function\n{first},demande\n{second},Autres\nailleurs#p0,frein\n")
    config = FunctionsConfig(labelled_file=str(path), min_score=0.99)
    with pytest.warns(UnlabelledSegmentsWarning, match=r"\[functions\] labelled_file"):
        result = classify_functions(segments, french_nlp, config=config)
    assert result[schema.FUNCTION].iloc[:2].tolist() == ["demande", "autre"]
    assert result[schema.FUNCTION_SCORE].iloc[:2].tolist() == [1.0, 1.0]
    assert result[schema.FUNCTION_REASON].iloc[:2].str.contains("corrigée par l'analyste").all()
    assert result[schema.FUNCTION_CHECK].iloc[:2].tolist() == ["", ""]
    # the others keep the packaged model's decision; a score below 0.99 is to check
    packaged = classify_functions(segments, french_nlp, config=FunctionsConfig(min_score=0.99))
    pd.testing.assert_frame_equal(result.iloc[2:], packaged.iloc[2:])
    assert (packaged[schema.FUNCTION_CHECK] == schema.TO_CHECK).any()


def test_corrections_by_paragraph_label_every_segment_of_it(labelled, french_nlp, tmp_path):
    segments = labelled.drop(columns="label")
    path = tmp_path / "corrections.csv"
    path.write_text("doc_id,paragraph,function\ndoc,3,bonne pratique\n")
    config = FunctionsConfig(labelled_file=str(path))
    result = classify_functions(segments, french_nlp, config=config)
    corrected = result[result[schema.PARAGRAPH] == 3]
    assert len(corrected) == 1 and corrected[schema.FUNCTION].tolist() == ["bonne pratique"]


@pytest.mark.parametrize(
    ("min_score", "expected"),
    [(0.0, ["", "", ""]), (0.5, ["à vérifier", "", ""]), (1.0, ["à vérifier"] * 2 + [""])],
)
def test_segments_below_min_score_are_to_check(min_score: float, expected: list[str]) -> None:
    segments = pd.DataFrame({schema.FUNCTION_SCORE: [0.3, 0.5, 1.0]})
    marked = mark_to_check(segments, min_score=min_score)
    assert marked[schema.FUNCTION_CHECK].tolist() == expected


@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_min_score_out_of_range_is_named(value: float, tmp_path: Path) -> None:
    path = tmp_path / "analysis.toml"
    path.write_text(f"[functions]\nmin_score = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[functions\] min_score = .* entre 0 et 1"):
        load_config(path)
