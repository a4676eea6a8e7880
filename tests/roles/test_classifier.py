"""Tests of analysis.roles.classifier: training, explanations, settings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from factories import role_segments
from spacy.language import Language

from analysis import schema
from analysis.roles import (
    DocsAlignmentError,
    FunctionClassifier,
    FunctionLabelError,
    FunctionSettingsError,
    doc_lemmas,
    find_cues_in,
)
from analysis.roles.classifier import feature_texts


def test_classifier_learns_and_explains(labelled: pd.DataFrame, french_nlp: Language) -> None:
    model = FunctionClassifier(method="classifier")
    model.fit(labelled, labelled["label"], docs=french_nlp)
    assert model.n_training_rows_ == len(labelled)
    assert list(model.classes_) == list(schema.FUNCTIONS)
    probabilities = model.predict_proba(labelled, docs=french_nlp)
    assert probabilities.shape == (len(labelled), 6)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    predicted = model.predict(labelled, docs=french_nlp)
    assert (predicted == labelled["label"].to_numpy()).mean() >= 0.9
    explained = model.explain(labelled, docs=french_nlp)
    assert explained[schema.SEGMENT_ID].tolist() == labelled[schema.SEGMENT_ID].tolist()
    assert all(explained["words"].str.len() > 0)
    assert explained[schema.FUNCTION_REASON].str.contains("mots du classifieur").all()


def test_classifier_is_deterministic_and_order_free(
    labelled: pd.DataFrame, french_nlp: Language
) -> None:
    first = FunctionClassifier(method="classifier")
    first.fit(labelled, labelled["label"], docs=french_nlp)
    shuffled = labelled.sample(frac=1.0, random_state=1)
    second = FunctionClassifier(method="classifier")
    second.fit(shuffled, shuffled["label"], docs=french_nlp)
    a = pd.Series(first.predict(labelled, docs=french_nlp), index=labelled[schema.SEGMENT_ID])
    b = pd.Series(second.predict(shuffled, docs=french_nlp), index=shuffled[schema.SEGMENT_ID])
    pd.testing.assert_series_equal(a.sort_index(), b.sort_index())


def test_combined_method_mixes_cues_and_classifier(
    labelled: pd.DataFrame, french_nlp: Language
) -> None:
    model = FunctionClassifier(method="combined", cue_weight=0.5)
    model.fit(labelled, labelled["label"], docs=french_nlp)
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


def test_form_features_need_the_docs_or_the_cues(labelled: pd.DataFrame) -> None:
    with pytest.raises(DocsAlignmentError, match="Docs spaCy"):
        FunctionClassifier(method="classifier").fit(labelled, labelled["label"])
    model = FunctionClassifier(method="classifier", form_features=False)
    assert model.fit(labelled, labelled["label"]).n_training_rows_ == len(labelled)


def test_the_classifier_sees_how_a_text_is_put(
    labelled: pd.DataFrame, french_nlp: Language
) -> None:
    texts = ["Il faut créer une plateforme.", "Mutualiser la formation ?"]
    segments = role_segments(texts)
    hits = find_cues_in(list(french_nlp.pipe(texts)))
    first, second = (set(t.split()) for t in feature_texts(segments, ["", ""], hits))
    assert {"w_il_faut", "cue_il_faut", "first_il"} <= first
    assert {"first_mutualiser", "cue_infinitif_en_tete", "cue_question", "w_formation_?"} <= second
    model = FunctionClassifier(method="classifier").fit(
        labelled, labelled["label"], docs=french_nlp
    )
    vocabulary = model.vectorizer_.get_feature_names_out()
    assert any(v.startswith("cue_") for v in vocabulary)
    assert any(v.startswith("w_") for v in vocabulary)
    shown = model.explain(labelled, docs=french_nlp)["words"].explode().dropna()
    assert not shown.str.startswith(("w_", "cue_", "first_")).any()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"method": "regex"}, r"\[functions\] method = 'regex' : choisissez"),
        ({"cue_weight": 1.5}, r"\[functions\] cue_weight = 1.5 : choisissez une valeur entre"),
        ({"vector_weight": -1.0}, r"\[functions\] vector_weight = -1.0 : choisissez une valeur"),
    ],
)
def test_settings_out_of_range_are_named(labelled: pd.DataFrame, settings, message) -> None:
    with pytest.raises(FunctionSettingsError, match=message):
        FunctionClassifier(**settings).fit(labelled, labelled["label"])


def test_an_untrained_classifier_says_so(labelled: pd.DataFrame, french_nlp: Language) -> None:
    with pytest.raises(FunctionLabelError, match="n'est pas entraîné"):
        FunctionClassifier(method="classifier").predict(labelled, docs=french_nlp)
