"""Tests of analysis.privacy.frames: people's names go from texts and tables, roles, places and
institutions stay, in made-up sentences and in the sample corpus."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import schema
from analysis.privacy import REPORT_COLUMNS, NameProtectionError, fit_protector, protect_names

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
    (  # a grade between the role and the name
        "Le commissaire divisionnaire Mazet juge le dispositif efficace.",
        "Le commissaire divisionnaire [personne] juge le dispositif efficace.",
    ),
    (  # a first name missing from the list, before a surname in capitals
        "Rapporteurs : Gwenaëlle LE BIHAN et Yannig KERBRAT.",
        "Rapporteurs : [personne] et [personne].",
    ),
    (  # the civility stays even when spaCy's span includes it
        "Un adjoint au maire, M. Yannick Obrecht, a raconté la soirée.",
        "Un adjoint au maire, M. [personne], a raconté la soirée.",
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
    "Les CCAS et le Forum FFSU ont présenté leurs bilans.",
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
        ("Mme Leroux", "pas un seul texte"),
        (["Mme Leroux", None], "Le texte n° 1"),
        (pd.DataFrame({"body": ["Mme Leroux"]}), "pas de colonne « text »"),
    ],
)
def test_bad_inputs_are_clear_errors(data, message) -> None:
    with pytest.raises(NameProtectionError, match=message):
        protect_names(data, None)


# --- the sample corpus: the invented people planted in it (corpus/README.md) --------------------

# Every surname planted in corpus/*/*.md, in any case ("Le Bihan", "LE BIHAN"); 31 mentions.
PLANTED_SURNAMES = [
    "Ferhat",
    "Castagné",
    "Issartel",
    "Schaeffer",
    "Obrecht",
    "Cazals",
    "Benhamou",
    "Darnaud",
    "Vuillemin",
    "Ravier",
    "Debruyne",
    "Aït-Saïd",
    "Copin",
    "Verhaeghe",
    "Labarthe",
    "Harambure",
    "Ouali",
    "Rostaing",
    "Mazet",
    "Le Bihan",
    "Ouazzani",
    "Le Goff",
    "Kieffer",
    "Humbert",
]
PLANTED_MENTIONS = 31
# Places named after people, and the roles written next to the planted names: they stay.
SAMPLE_KEPT = [
    "gymnase Léo-Lagrange",
    "stade Georges-Brassens",
    "gymnase Pierre-de-Coubertin",
    "place Charles-de-Gaulle",
    "collège Jean-Moulin",
    "rue Victor-Hugo",
    "adjoint au maire",
    "adjointe au maire",
    "procureure",
    "procureur de la République",
    "commissaire divisionnaire",
    "coordonnatrice du CISPD",
    "directrice adjointe",
    "le major",
    "co-présidente de la commission",
    "référente TIG",
    "médecin légiste",
]


@pytest.fixture(scope="module")
def sample_protection(corpus_dir, french_nlp) -> tuple[list[str], list[str], pd.DataFrame]:
    """The sample corpus's texts, protected by a protector fitted as export fits it."""
    from analysis.config import AnalysisConfig
    from analysis.corpus import load_corpus
    from analysis.segmentation import segment_documents

    config = AnalysisConfig()
    documents = load_corpus(corpus_dir)
    unit = config.segmentation
    segments = segment_documents(
        documents, unit=unit.unit, segment_size=unit.segment_size, min_words=unit.min_words
    )
    protector = fit_protector(
        segments,
        documents,
        french_nlp,
        mark=config.export.name_mark,
        keep=config.export.keep_names,
    )
    texts = documents[schema.TEXT].tolist()
    report = protector.report(texts, documents[schema.DOC_ID].tolist())
    return texts, [protector.protect(t) for t in texts], report


def _mentions(phrase: str, texts: list[str]) -> int:
    pattern = re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", re.IGNORECASE)
    return sum(len(pattern.findall(text)) for text in texts)


@pytest.mark.parametrize("surname", PLANTED_SURNAMES)
def test_planted_surnames_are_masked_in_the_sample_corpus(sample_protection, surname) -> None:
    texts, protected, _ = sample_protection
    planted, left = _mentions(surname, texts), _mentions(surname, protected)
    assert planted > 0, f"{surname} is no longer in the sample corpus"
    assert left == 0, f"{surname}: {left} of {planted} mention(s) left unprotected"


@pytest.mark.parametrize("phrase", SAMPLE_KEPT)
def test_places_and_roles_stay_in_the_sample_corpus(sample_protection, phrase) -> None:
    texts, protected, _ = sample_protection
    planted, kept = _mentions(phrase, texts), _mentions(phrase, protected)
    assert kept == planted > 0, f"{phrase}: {kept} of {planted} mention(s) kept"


def test_every_planted_mention_in_the_sample_corpus_is_replaced(sample_protection) -> None:
    _, protected, report = sample_protection
    replaced = len(report)
    assert replaced >= PLANTED_MENTIONS, f"{replaced} replacements for {PLANTED_MENTIONS} names"
    assert sum(text.count("[personne]") for text in protected) == replaced
