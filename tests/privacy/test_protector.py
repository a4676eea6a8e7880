"""Tests of analysis.privacy.protector: names recalled, settings, what a protector refuses."""

from __future__ import annotations

import pytest

from analysis.privacy import (
    NameProtectionError,
    NameProtectionWarning,
    NameProtector,
    protect_names,
)


@pytest.mark.parametrize(
    ("propagate", "expected"),
    [
        (True, "[personne] a insisté sur la formation des policiers municipaux."),
        (False, "Dupuis a insisté sur la formation des policiers municipaux."),
    ],
)
def test_a_name_found_once_is_recalled_elsewhere(french_nlp, propagate, expected) -> None:
    texts = [
        "M. Dupuis ouvre la séance plénière du CLSPD.",
        "Dupuis a insisté sur la formation des policiers municipaux.",
    ]
    protected, report = protect_names(texts, french_nlp, propagate=propagate)
    assert protected[1] == expected
    assert ("rappel" in set(report["rule"])) is propagate


def test_patterns_work_without_a_model_with_a_warning() -> None:
    with pytest.warns(NameProtectionWarning, match="seuls les motifs"):
        protected, _ = protect_names(
            ["Mme Leroux et le préfet Martinot ont signé la convention."], None
        )
    assert protected == ["Mme [personne] et le préfet [personne] ont signé la convention."]


def test_a_pipeline_without_ner_warns(blank_fr) -> None:
    with pytest.warns(NameProtectionWarning, match="pas de composant « ner »"):
        protect_names(["Le commissaire Perrin présente le bilan."], blank_fr)


def test_the_mark_and_the_keep_list_are_settings(french_nlp) -> None:
    text = "Le coordonnateur Cité éducative et Mme Leroux ont présenté le bilan."
    protected, _ = protect_names([text], french_nlp, mark="XXX", keep=["Cité"])
    assert protected == ["Le coordonnateur Cité éducative et Mme XXX ont présenté le bilan."]


def test_an_empty_mark_is_refused() -> None:
    with pytest.raises(NameProtectionError, match="mark"):
        NameProtector(None, mark=" ").fit(["Mme Leroux"])


def test_protect_before_fit_is_an_error() -> None:
    with pytest.raises(NameProtectionError, match="n'a encore lu aucun texte"):
        NameProtector(None).protect("Mme Leroux")
