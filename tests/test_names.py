"""Personal-name protection: people's names go, roles, places and institutions stay."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import schema
from analysis.names import (
    REPORT_COLUMNS,
    NameProtectionError,
    NameProtectionWarning,
    NameProtector,
    fit_protector,
    protect_names,
)

CITIES = ["Nîmes", "Clermont-Ferrand", "Toulouse", "Strasbourg", "Montpellier", "Dijon", "Metz"]

REPLACED = [
    (
        "M. Jean Dupuis, adjoint au maire de Nîmes, a rappelé le manque d'effectifs.",
        "M. [personne], adjoint au maire de Nîmes, a rappelé le manque d'effectifs.",
    ),
    (
        "Mme Leroux, coordonnatrice du CLSPD, présente le diagnostic local à Clermont-Ferrand.",
        "Mme [personne], coordonnatrice du CLSPD, présente le diagnostic local à Clermont-Ferrand.",
    ),
    (
        "Le préfet Martinot a annoncé un référent radicalisation à la Préfecture du Gard.",
        "Le préfet [personne] a annoncé un référent radicalisation à la Préfecture du Gard.",
    ),
    (
        "La procureure Sandrine Aubertin souhaite une convention avec les maires.",
        "La procureure [personne] souhaite une convention avec les maires.",
    ),
    (
        "Claire VASSEUR et Karim Benali ont animé l'atelier sur les TIG à Toulouse.",
        "[personne] et [personne] ont animé l'atelier sur les TIG à Toulouse.",
    ),
    (
        "Me Lambert, avocate, intervenait aux côtés de Mlle Roussel.",
        "Me [personne], avocate, intervenait aux côtés de Mlle [personne].",
    ),
    (
        "Le commissaire PERRIN a présenté les chiffres de la délinquance.",
        "Le commissaire [personne] a présenté les chiffres de la délinquance.",
    ),
    (
        "J.-P. Moreau, du SPIP, regrette le manque de tuteurs.",
        "[personne], du SPIP, regrette le manque de tuteurs.",
    ),
    (
        "Le commandant Le Gall a présenté la convention de coordination.",
        "Le commandant [personne] a présenté la convention de coordination.",
    ),
    (
        "Selon Dr Fabre, les enfants co-victimes doivent être suivis.",
        "Selon Dr [personne], les enfants co-victimes doivent être suivis.",
    ),
]

KEPT = [
    "La Biennale de la sécurité et de la prévention se tiendra à Strasbourg.",
    "L'adjointe au maire chargée de la sécurité a présenté le CSU de Montpellier.",
    "Les élus demandent à l'État et à la Police nationale des effectifs de nuit.",
    "Au collège Jean Jaurès, la médiation sociale a réduit les incidents.",
    "Monsieur le Maire a ouvert la séance ; Madame la Préfète a conclu.",
    "Axe B. Formation des agents de police municipale.",
    "France Victimes accompagne les victimes avec la Police municipale de Dijon.",
    "Le CLSPD de Metz réunit la Préfecture, le Parquet et la Police municipale.",
    "Le 26 septembre, la Ville et l’Eurométropole de Metz ont accueilli la concertation.",
    "Rédiger une doctrine d'emploi écrite, validée par le conseil municipal.",
    "Partager",
    "Constats",
    "Le directeur Enfance-Jeunesse présente le bilan des postes de TIG.",
    "La cheffe de service Prévention et le délégué Cohésion sociale ont été entendus.",
]


@pytest.mark.parametrize(("text", "expected"), REPLACED)
def test_names_are_replaced_and_roles_kept(french_nlp, text, expected) -> None:
    protected, report = protect_names([text], french_nlp, keep=CITIES)
    assert protected == [expected]
    assert len(report) == expected.count("[personne]")


@pytest.mark.parametrize("text", KEPT)
def test_institutions_places_and_roles_are_not_names(french_nlp, text) -> None:
    protected, report = protect_names([text], french_nlp, keep=CITIES)
    assert protected == [text]
    assert report.empty


def test_report_points_at_each_replaced_name(french_nlp) -> None:
    texts = [text for text, _ in REPLACED[:3]]
    _, report = protect_names(texts, french_nlp)
    assert tuple(report.columns) == REPORT_COLUMNS
    for row in report.itertuples():
        assert texts[row.item][row.start : row.end] == row.original
        assert "[personne]" in row.context and row.original not in row.context
    assert set(report["rule"]) <= {"ner", "civilité", "fonction", "prénom", "initiale", "rappel"}


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
    with pytest.warns(NameProtectionWarning, match="only patterns"):
        protected, _ = protect_names(
            ["Mme Leroux et le préfet Martinot ont signé la convention."], None
        )
    assert protected == ["Mme [personne] et le préfet [personne] ont signé la convention."]


def test_a_pipeline_without_ner_warns(blank_fr) -> None:
    with pytest.warns(NameProtectionWarning, match="no 'ner'"):
        protect_names(["Le commissaire Perrin présente le bilan."], blank_fr)


def test_the_mark_and_the_keep_list_are_settings(french_nlp) -> None:
    text = "Le coordonnateur Cité éducative et Mme Leroux ont présenté le bilan."
    protected, _ = protect_names([text], french_nlp, mark="XXX", keep=["Cité"])
    assert protected == ["Le coordonnateur Cité éducative et Mme XXX ont présenté le bilan."]


def test_a_segments_table_is_protected_with_its_lemmas(french_nlp) -> None:
    segments = pd.DataFrame(
        {
            schema.SEGMENT_ID: ["nimes-2021-synthese#p001s00", "nimes-2021-synthese#p002s00"],
            schema.DOC_ID: ["nimes-2021-synthese", "nimes-2021-synthese"],
            schema.HEADING: ["Intervention de M. Dupuis", "Intervention de M. Dupuis"],
            schema.TEXT: [
                "M. Dupuis, adjoint au maire, décrit la concurrence entre communes.",
                "Les communes de Nîmes peinent à recruter des policiers municipaux.",
            ],
            schema.LEMMAS: ["dupuis adjoint maire concurrence commune", "commune recruter"],
        }
    )
    protected, report = protect_names(segments, french_nlp, keep=["Nîmes"])
    assert protected[schema.TEXT].iloc[0].startswith("M. [personne], adjoint au maire")
    assert protected[schema.TEXT].iloc[1] == segments[schema.TEXT].iloc[1]
    assert list(protected[schema.HEADING]) == ["Intervention de M. [personne]"] * 2
    assert protected[schema.LEMMAS].iloc[0] == "[personne] adjoint maire concurrence commune"
    assert set(report[schema.NAME_ITEM]) == {"nimes-2021-synthese#p001s00"}
    assert sorted(report[schema.NAME_FIELD]) == ["heading", "text"]  # the heading once
    assert segments[schema.TEXT].iloc[0].startswith("M. Dupuis")  # input left untouched


def test_fit_protector_keeps_the_corpus_cities(french_nlp) -> None:
    segments = pd.DataFrame(
        {
            schema.TEXT: ["Les élus de Nancy et M. Dupuis ont présenté la brigade de nuit."],
            schema.CITY: ["Nancy"],
        }
    )
    documents = pd.DataFrame({schema.TITLE: ["Compte rendu de la réunion avec Mme Leroux"]})
    protector = fit_protector(segments, documents, french_nlp)
    assert protector.protect(segments[schema.TEXT].iloc[0]) == (
        "Les élus de Nancy et M. [personne] ont présenté la brigade de nuit."
    )
    assert protector.protect(documents[schema.TITLE].iloc[0]).endswith("Mme [personne]")
    assert protector.protect_keyword("dupuis") == "[personne]"
    assert protector.protect_keyword("brigade_de_nuit") == "brigade_de_nuit"


def test_same_result_whatever_the_order(french_nlp) -> None:
    texts = [text for text, _ in REPLACED] + KEPT
    forward, _ = protect_names(texts, french_nlp, keep=CITIES)
    backward, _ = protect_names(texts[::-1], french_nlp, keep=CITIES)
    assert backward == forward[::-1]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Mme Leroux", "not one string"),
        (["Mme Leroux", None], "Text number 1"),
        (pd.DataFrame({"body": ["Mme Leroux"]}), "no 'text' column"),
    ],
)
def test_bad_inputs_are_clear_errors(data, message) -> None:
    with pytest.raises(NameProtectionError, match=message):
        protect_names(data, None)


def test_an_empty_mark_is_refused() -> None:
    with pytest.raises(NameProtectionError, match="mark"):
        NameProtector(None, mark=" ").fit(["Mme Leroux"])


def test_protect_before_fit_is_an_error() -> None:
    with pytest.raises(NameProtectionError, match="not fitted"):
        NameProtector(None).protect("Mme Leroux")
