"""Tests of analysis.roles.model: the packaged model is the one trained on the sample corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from factories import role_segments
from spacy.language import Language

from analysis import schema
from analysis.config import FunctionsConfig
from analysis.roles import FunctionLabelError, default_classifier, model_file, training
from analysis.roles import model as default_model


def _no_parse(*args, **kwargs):
    raise AssertionError("the default classifier must not parse or train on corpus/")


def test_default_classifier_is_the_packaged_model(
    corpus_dir: Path, french_nlp: Language, monkeypatch
) -> None:
    monkeypatch.setattr(training, "_parse", _no_parse)
    model = default_classifier(config=FunctionsConfig(method="classifier"))
    annotations = pd.read_csv(corpus_dir / "annotations.csv")
    real = pd.read_csv(training.REAL_LABELLED)
    assert model.n_training_rows_ == len(annotations) + (real["split"] == "train").sum()
    assert model.training_["labelled_file"] == "corpus/annotations.csv"
    assert model.training_["real_labelled_file"] == "tests/data/roles/real-labelled.csv"
    assert model.training_["real_split"] == "train"
    test = role_segments(["Les participants proposent de mutualiser un RSSI entre communes."],
                 ["Propositions"])  # fmt: skip
    test[schema.LEMMAS] = "participant proposer mutualiser rssi commune"
    assert model.predict(test, docs=french_nlp).tolist() == ["proposition"]


def test_the_packaged_model_is_the_model_trained_on_the_sample_corpus(fresh_default) -> None:
    # fails when the annotations, the corpus, the lemmas or the features changed since the
    # file was written: run `python -m analysis.roles.model` and commit the file
    classifier, training = fresh_default
    stored = json.loads(model_file.DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    fresh = json.loads(json.dumps(model_file.model_to_dict(classifier, training=training)))
    assert stored["training"]["digest"] == fresh["training"]["digest"]
    assert {**stored, "versions": None} == {**fresh, "versions": None}


def test_retraining_needs_annotations(tmp_path: Path, capsys) -> None:
    with pytest.raises(FunctionLabelError, match="annotations.csv est absent"):
        default_model.build_default_model(tmp_path / "m.json", corpus_path=tmp_path)
    assert default_model.main(["--corpus", str(tmp_path), "--out", str(tmp_path / "m.json")]) == 2
    assert "annotations.csv est absent" in capsys.readouterr().err
    assert not (tmp_path / "m.json").exists()
