"""Tests of analysis.roles.forms: how citizens write a proposal, a request or a title."""

from __future__ import annotations

import pytest
from spacy.language import Language

from analysis.roles.docs import ensure_sentences
from analysis.roles.forms import sentence_forms


def _forms(text: str, nlp: Language) -> set[str]:
    doc = ensure_sentences(nlp(text))
    return {cue.name for sentence in doc.sents for cue, _ in sentence_forms(sentence)}


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("Suppression du second tour.", {"nom d’action en tête"}, set()),
        ("Création d'un guichet unique pour les aides.", {"nom d’action en tête"}, set()),
        ("Pour une école sans notes.", {"pour / non à"}, set()),
        ("Non aux compteurs imposés !", {"pour / non à", "exclamation"}, set()),
        ("Une taxe est à appliquer sur les produits gras.", {"est à faire"}, set()),
        ("Que l'État reconnaisse enfin ce métier !", {"que l’État…"}, set()),
        ("Taxer les billets d'avion court-courrier.", {"infinitif de titre"}, set()),
        ("Où en est le projet de piste cyclable ?", {"question"}, {"sans verbe"}),
        ("Je propose qu'on ouvre les cours d'école l'été.", {"je / nous"}, set()),
        ("Transports et mobilité", {"sans verbe"}, {"nom d’action en tête"}),
        ("Il faudrait ouvrir les piscines le dimanche.", {"conditionnel"}, {"sans verbe"}),
        ("La fin du contrat arrive trop tôt pour les familles.", set(), {"nom d’action en tête"}),
        ("Entre les deux guichets, les dossiers se perdent.", set(), {"infinitif de titre"}),
        # real rows: an adverb and a title naming a theme, no measure
        ("Encore une fausse bonne idée = le RIC !", set(), {"infinitif de titre"}),
        ("Pouvoir d'achat des retraités", set(), {"infinitif de titre"}),
        # answers of a debate's comments
        ("En respectant les textes fondateurs.", {"gérondif en tête"}, set()),
        ("En n'oubliant pas qu'ils sont mandatés par le peuple.", {"gérondif en tête"}, set()),
        ("En ce qui concerne les subventions, il faut rembourser.", set(), {"gérondif en tête"}),
        ("évidemment oui", {"réponse seule"}, set()),
        ("Excellente proposition !", {"réponse seule"}, set()),
        ("Absolument. Chaque vote doit être pris en compte", set(), {"réponse seule"}),
        ("Oui il faut reconnaître le vote blanc.", set(), {"réponse seule"}),
        # many chunks, few words: symbols and figures are no words of a reply
        ("Oui !!! 100 % ... -- +1 :) ★ ★ ★ bien sûr !", {"réponse seule"}, set()),
        ("Oui oui oui oui oui oui oui oui oui", set(), {"réponse seule"}),  # nine words
        # a real Decidim proposal that only announces its list (the list is the next segment)
        (
            "Il est maintenant temps de réinvestir le capitalisme. Dans ce sens, il est maintenant "
            "urgent de veiller à :",
            {"annonce une liste"},
            set(),
        ),
        ("Je propose : supprimer le Sénat.", set(), {"annonce une liste"}),
    ],
)
def test_sentence_forms(text: str, present: set[str], absent: set[str], french_nlp) -> None:
    found = _forms(text, french_nlp)
    assert present <= found, found
    assert not absent & found, found
