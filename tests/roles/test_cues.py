"""Tests of analysis.roles.cues: typical sentences, batches, negation."""

from __future__ import annotations

import pytest
from factories import CUES_ONLY, role_segments
from spacy.language import Language

from analysis import schema
from analysis.roles import classify_functions, find_cues, find_cues_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Il faudrait mutualiser la formation initiale des agents entre communes voisines.",
         "proposition"),
        ("Nous recommandons de créer un référent radicalisation dans chaque préfecture.",
         "proposition"),
        ("Actualiser chaque convention de coordination avec la police nationale, en y "
         "intégrant le travail de nuit.", "proposition"),
        ("Le manque de tuteurs formés limite le nombre de postes de travail d'intérêt général.",
         "frein"),
        ("Faute de places d'hébergement, le conjoint violent reste le plus souvent au domicile.",
         "frein"),
        ("L'expérimentation n'a pas permis de réduire les délais de réponse pénale.", "frein"),
        ("Constituer des équipes de nuit en nombre suffisant reste compliqué pour les petites "
         "communes.", "frein"),
        ("Ce protocole a permis de réduire de moitié les délais de traitement des signalements.",
         "bonne pratique"),
        ("On observe une hausse de 15 % des escroqueries en ligne visant les seniors.",
         "constat"),
        ("Les élus demandent à l'État de pérenniser le financement des postes d'adultes-relais.",
         "demande"),
        ("Nous remercions chaleureusement la ville et ses agents pour leur accueil.", "autre"),
        ("Partager", "autre"),
    ],
)  # fmt: skip
def test_cue_patterns_class_typical_sentences(
    french_nlp: Language, text: str, expected: str
) -> None:
    result = classify_functions(role_segments([text]), french_nlp, config=CUES_ONLY)
    assert result[schema.FUNCTION].item() == expected, result[schema.FUNCTION_REASON].item()
    assert result[schema.FUNCTION_SCORE].item() > 0


# real freins (train rows of tests/data/roles/real-labelled.csv) that say what is wrong by a
# judgement only: the cue tables once missed them all (constat or autre by default)
@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Pillage financier de la Nation", "abusif"),
        ("Le Granddébat .fr trop partial et dirigé", "abusif"),
        ("Ce qui me semble d'ailleurs anormal, c'est qu'un élu condamné en justice puisse se "
         "représenter devant le peuple.", "abusif"),
        # feminine plurals, which the small model lemmatises wrongly ("injustifier")
        ("Et certaines niches fiscales de l'IRPP (Dons aux parties politiques, abattements,... ) "
         "sont injustifiées.", "abusif"),
        ("'- On peut s’interroger sur des dépenses qui paraissent disproportionnées, voire "
         "somptuaires.", "abusif"),
        ("La rénovation énergétique: la France en retard sur ses objectifs", "en retard"),
        ("Paradoxe du chômage & manque à gagner des cotisations sociales", "paradoxe"),
        ("il s'agit donc bien d'une volonté biaiser le débat, et de manipuler les résultats.",
         "paradoxe"),
        ("Encore trop souvent l’état et les collectivités donnent de l’argent à des familles ou "
         "le « menfoutisme » est le mot d’ordre. Résultat la délinquance règne.", "résultat :"),
    ],
)  # fmt: skip
def test_judgements_of_what_is_wrong_are_freins(french_nlp: Language, text: str, cue: str) -> None:
    result = classify_functions(role_segments([text]), french_nlp, config=CUES_ONLY)
    assert result[schema.FUNCTION].item() == "frein", result[schema.FUNCTION_REASON].item()
    assert f"« {cue} » (frein)" in result[schema.FUNCTION_REASON].item()


def test_cues_found_in_a_batch_are_those_found_one_by_one(sample_docs: list) -> None:
    one_by_one = [find_cues(doc) for doc in sample_docs[:150]]
    assert find_cues_in(sample_docs[:150], batch_size=7) == one_by_one
    assert sum(map(len, one_by_one)) > 150


@pytest.mark.parametrize(
    "text",
    [
        "Les communes ne manquent pas de volontaires pour accueillir des tigistes.",
        "Il n'y a eu aucune difficulté avec les organisateurs du festival.",
        "Le dispositif a été déployé sans difficulté dans les trois quartiers.",
    ],
)
def test_a_denied_obstacle_is_no_obstacle(french_nlp: Language, text: str) -> None:
    result = classify_functions(role_segments([text]), french_nlp, config=CUES_ONLY)
    assert result[schema.FUNCTION].item() != "frein"
    assert "nié" in result[schema.FUNCTION_REASON].item()


def test_find_cues_reports_position_and_negation(french_nlp: Language) -> None:
    doc = french_nlp("Les communes ne manquent pas de volontaires. Le manque de tuteurs pèse.")
    hits = {(doc[h.start].text, h.negated, h.function) for h in find_cues(doc)}
    assert ("manquent", True, None) in hits
    assert ("manque", False, "frein") in hits
