"""Tests of analysis.privacy.protector: names recalled, settings, what a protector refuses."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from analysis.privacy import (
    NameProtectionError,
    NameProtectionWarning,
    NameProtector,
    protect_names,
)
from analysis.privacy.protector import _place_words


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


@pytest.mark.parametrize(
    "text",
    [
        # words that open a sentence, or a title glued to its body
        "Ces travaux ont coûté bien plus que prévu.",
        "Nécessité de créer des places en crèche dans chaque quartier.",
        "Oui ou Non, il faut trancher.",
        "Renforcer la lutte contre la fraude fiscale.",
        # numbers and currencies
        "La dette atteint 40 Milliards d'Euros selon la Cour.",
        # organisations and programmes
        "Il faut s'actualiser chaque mois à Pôle Emploi.",
        "Les impôts, l'Urssaf et la CAF devraient partager leurs fichiers.",
        "Parcoursup angoisse les lycéens de terminale.",
        "Le logiciel Louvois a coûté des millions à l'armée.",
        # places and overseas territories
        "Il faut regrouper Saint Martin, Saint Barthélemy et la Guadeloupe.",
        "Les habitants de Wallis et Futuna paient l'avion très cher.",
        "Une étudiante de Mayotte raconte ses démarches.",
        "La police municipale de Metz compte quatre-vingt-quinze agents.",
        # laws and plans named after a person
        "La circulaire Valls a changé les régularisations.",
        "La loi Le Pors fixe le statut des fonctionnaires.",
    ],
)
def test_words_places_organisations_and_laws_are_kept(french_nlp, text) -> None:
    protected, report = protect_names([text], french_nlp)
    assert protected == [text], report[["original", "rule"]].to_dict("records")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yanis explique que le terrain est inondé.", "[personne] explique"),
        ("Merci à Kévin et à Yasmina pour le café.", "Merci à [personne] et à [personne]"),
        ("Gisèle Petit-Jean a pris la parole.", "[personne] a pris"),
        ("Clotilde d'Espinay préside la fondation.", "[personne] préside"),
        ("Mmes Hamel et Bertin ont quitté la séance.", "Mmes [personne] et [personne]"),
        ("Excusés : Karim Belhadj, Sandrine Ponsard.", "Excusés : [personne], [personne]."),
        ("France Duhamel et Noël Prigent animent l'atelier.", "[personne] et [personne]"),
        ("Paris Hadjadj présente la recyclerie.", "[personne] présente"),
        ("M. D. a signalé un dépôt sauvage.", "M. [personne] a signalé"),
        ("Phillipe Tireloque, directeur adjoint, répond.", "[personne], directeur"),
    ],
)
def test_people_are_masked(french_nlp, text, expected) -> None:
    protected, _ = protect_names([text], french_nlp)
    assert expected in protected[0], protected[0]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (  # a surname learned from a person is not masked where it names a law
            ["Simone Veil a défendu son texte.", "La loi Veil reste un acquis."],
            "La loi Veil reste un acquis.",
        ),
        (  # ... a place
            ["Mme Roubaix signe le registre.", "Elle habite à Roubaix depuis dix ans."],
            "Elle habite à Roubaix depuis dix ans.",
        ),
        (  # ... an organisation after its article
            ["M. Poste ouvre la séance.", "Le bureau de la Poste ferme à midi."],
            "Le bureau de la Poste ferme à midi.",
        ),
        (  # a first name that is a word stays where the corpus reads a place
            [
                "Le train entre Paris et Lille est souvent en retard.",
                "Jules Paris a quitté Paris en 2019.",
            ],
            "[personne] a quitté Paris en 2019.",
        ),
    ],
)
def test_a_learned_name_is_not_recalled_where_it_names_something_else(
    french_nlp, texts, expected
) -> None:
    protected, _ = protect_names(texts, french_nlp)
    assert protected[-1] == expected


def test_a_stored_protector_protects_as_the_fitted_one(french_nlp) -> None:
    # what the pipeline's store keeps of a protector fitted on real articles: pickled without
    # its spaCy pipeline, given it back by attach(), it masks the same names, in the texts it
    # was fitted on and in a text it has never seen (which needs the pipeline's NER)
    seeds = sorted((Path(__file__).parents[1] / "data" / "real" / "seeds").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    cache: dict = {}
    fitted = NameProtector(french_nlp, entity_cache=cache).fit(texts)
    stored = pickle.loads(pickle.dumps(fitted))
    assert stored.nlp is None and stored.entity_cache is None
    stored.attach(french_nlp, cache)
    unseen = "Le maire Jean-Luc Moudenc a reçu Mme Catherine Vautrin à la préfecture."
    assert fitted.names_ and stored.names_ == fitted.names_
    assert [stored.protect(t) for t in texts] == [fitted.protect(t) for t in texts]
    assert stored.protect(unseen) == fitted.protect(unseen) != unseen
    assert "Moudenc" not in stored.protect(unseen)


def test_only_capitalised_words_count_as_the_corpus_places(french_nlp) -> None:
    """spaCy's small model reads some lower-case words after « de » as places (real text of
    a Debian manual): they name no place, so a name written like them is still learned."""
    texts = [
        "Les symboles de débogage peuvent être extraits à l'aide de objcopy --only-keep-debug.",
        "Le conseil de quartier se réunit à Roubaix chaque mois.",
    ]
    entities = [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in french_nlp.pipe(texts)
    ]
    assert ("objcopy", "LOC") in {(texts[0][s:e], label) for s, e, label in entities[0]}
    assert _place_words(texts, entities) == frozenset({"roubaix"})
