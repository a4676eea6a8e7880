"""Tests of analysis.roles.classifier: training, explanations, settings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from factories import role_segments
from spacy.language import Language

from analysis import schema
from analysis.roles import FunctionClassifier, FunctionLabelError, FunctionSettingsError, doc_lemmas


def test_classifier_learns_and_explains(labelled: pd.DataFrame) -> None:
    model = FunctionClassifier(method="classifier").fit(labelled, labelled["label"])
    assert model.n_training_rows_ == len(labelled)
    assert list(model.classes_) == list(schema.FUNCTIONS)
    probabilities = model.predict_proba(labelled)
    assert probabilities.shape == (len(labelled), 6)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert (model.predict(labelled) == labelled["label"].to_numpy()).mean() >= 0.9
    explained = model.explain(labelled)
    assert explained[schema.SEGMENT_ID].tolist() == labelled[schema.SEGMENT_ID].tolist()
    assert all(explained["words"].str.len() > 0)
    assert explained[schema.FUNCTION_REASON].str.contains("mots du classifieur").all()


def test_classifier_is_deterministic_and_order_free(labelled: pd.DataFrame) -> None:
    first = FunctionClassifier(method="classifier").fit(labelled, labelled["label"])
    shuffled = labelled.sample(frac=1.0, random_state=1)
    second = FunctionClassifier(method="classifier").fit(shuffled, shuffled["label"])
    a = pd.Series(first.predict(labelled), index=labelled[schema.SEGMENT_ID])
    b = pd.Series(second.predict(shuffled), index=shuffled[schema.SEGMENT_ID])
    pd.testing.assert_series_equal(a.sort_index(), b.sort_index())


def test_combined_method_mixes_cues_and_classifier(
    labelled: pd.DataFrame, french_nlp: Language
) -> None:
    model = FunctionClassifier(method="combined", cue_weight=0.5)
    model.fit(labelled, labelled["label"])
    new = role_segments(
        [
            "Il faudrait recruter davantage de médiateurs de nuit.",
            "Le recrutement des médiateurs reste difficile faute de financement.",
        ]
    )
    new[schema.LEMMAS] = [doc_lemmas(french_nlp(t)) for t in new[schema.TEXT]]
    explained = model.explain(new, docs=french_nlp)
    assert explained[schema.FUNCTION].tolist() == ["proposition", "frein"]
    assert explained[schema.FUNCTION_REASON].str.contains("indices").all()


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (["frein", "obstacle"] * 8, "inconnue"),
        (["frein"] * 16, "deux fonctions différentes"),
        (["frein", "constat"], "2 étiquettes pour 16 segments"),
    ],
)
def test_fit_rejects_bad_labels(labelled: pd.DataFrame, labels: list[str], message: str) -> None:
    with pytest.raises(FunctionLabelError, match=message):
        FunctionClassifier(method="classifier").fit(labelled, labels)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"method": "regex"}, r"\[functions\] method = 'regex' : choisissez"),
        ({"cue_weight": 1.5}, r"\[functions\] cue_weight = 1.5 : choisissez une valeur entre"),
    ],
)
def test_settings_out_of_range_are_named(labelled: pd.DataFrame, settings, message) -> None:
    with pytest.raises(FunctionSettingsError, match=message):
        FunctionClassifier(**settings).fit(labelled, labelled["label"])


def test_an_untrained_classifier_says_so(labelled: pd.DataFrame) -> None:
    with pytest.raises(FunctionLabelError, match="n'est pas entraîné"):
        FunctionClassifier(method="classifier").predict(labelled)
