"""Words that are never a person's name (titles, roles, institutions, places), common first
names, and the trimming of a found span down to its name part."""

from __future__ import annotations

import re

# Roles that may stand before a name, as a regex alternation ("le préfet Martinot").
ROLES = (
    "sous-préfète|sous-préfet|préfète|préfet|procureure|procureur|substitute|substitut|maire"
    "|adjointe|adjoint|commissaire|commandante|commandant|capitaine|lieutenante|lieutenant"
    "|colonelle|colonel|générale|général|directrice|directeur|députée|député|sénatrice"
    "|sénateur|présidente|président|juge|magistrate|magistrat|conseillère|conseiller"
    "|déléguée|délégué|médiatrice|médiateur|coordonnatrice|coordonnateur|coordinatrice"
    "|coordinateur|cheffe|chef|brigadière|brigadier|gardienne|gardien|major|adjudante|adjudant"
    "|avocate|avocat|élue|élu|ministre|secrétaire|éducatrice|éducateur|policière|policier"
    "|gendarme|intervenante|intervenant|animatrice|animateur|rapporteure|rapporteur"
)
_WORD_RE = re.compile(r"[^\s\u00a0]+")

# Capitalised words that are never a person's name here: institutions, roles, events, calendar.
INSTITUTION_WORDS = frozenset(
    """
    police polices nationale national municipale municipales municipal gendarmerie préfecture
    sous-préfecture préfet préfète préfets biennale république état etat ville villes métropole
    mairie mairies conseil conseils commission ministère ministre justice parquet tribunal cour
    département départemental départementale région régional régionale agglomération communauté
    commune communes association france jeux olympiques paralympiques coupe monde rugby plan
    fonds loi code article stratégie comité cellule observatoire union fédération forum assises
    sénat assemblée direction service services brigade office centre maison institut école
    université académie agence caisse fondation syndicat défenseur droits sécurité prévention
    tranquillité publique public urbain urbaine quartier quartiers politique vidéoprotection
    médiation sociale social maire maires adjoint adjointe procureur procureure commissaire
    président présidente directeur directrice juge élus élu élue gouvernement premier première
    ministres intérieur travail victimes habitat bailleurs cnil anct fipd clspd cispd spip pjj
    csu rssi tig vif gltd cpraf csp dgsi dgpn ddsp dipn sdis samu crs bac jo onu ue eu
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    lundi mardi mercredi jeudi vendredi samedi dimanche madame monsieur mademoiselle
    noël pâques toussaint internet covid europe européenne européen nord sud est ouest
    eurométropole intercommunalité atelier ateliers synthèse restitution programme
    enfance jeunesse éducation cohésion solidarité solidarités santé sports culture urbanisme
    logement transports proximité insertion emploi citoyenneté numérique communication
    """.split()
)
# Words before a name that make it a place ("collège Jean Jaurès", "rue Victor Hugo").
PLACE_WORDS = frozenset(
    """
    rue avenue boulevard bd place quai allée allées impasse chemin route cours square parc
    jardin stade gymnase collège lycée école groupe scolaire médiathèque bibliothèque salle
    espace centre maison hôpital clinique quartier cité résidence pont port gare station
    piscine théâtre musée campus pôle halle
    """.split()
)
# Words before "B. Formation" that make it an enumeration, not an initial.
ENUM_WORDS = frozenset(
    "axe axes point points annexe partie titre option scénario plan catégorie niveau groupe "
    "étape phase article section chapitre piste action objectif atelier table".split()
)
ARTICLES = frozenset({"le", "la", "les", "l'", "l’", "de", "du", "des", "d'", "d’"})
_TITLE_WORDS = frozenset(
    {
        "m.",
        "mm.",
        "mme",
        "mmes",
        "mlle",
        "mlles",
        "me",
        "maître",
        "dr",
        "dr.",
        "docteur",
        "docteure",
        "pr",
        "pr.",
        "professeur",
        "professeure",
    }
)
_TITLE_WORDS = _TITLE_WORDS | {w.rstrip(".") for w in _TITLE_WORDS}  # "M." is normed to "m"
_ROLE_WORDS = frozenset(ROLES.split("|"))

# Common first names (fictional people in French notes); "France" is left out on purpose.
FIRST_NAMES = frozenset(
    """
    adèle adrien agathe agnès ahmed aicha aïcha alain alexandra alexandre alice aline amandine
    amélie amina anaïs andré andrée angélique anne annie anthony antoine arnaud arthur aurélie
    aurélien baptiste benjamin benoît bernadette bernard brigitte bruno camille carole caroline
    catherine cécile céline chantal charles charlotte chloé christian christine christophe
    claire claude claudine clément colette corinne cyril damien daniel danielle david delphine
    denis didier dominique élise élodie émilie emma emmanuel emmanuelle éric estelle étienne
    fabienne fabrice fanny farid fatima fatoumata florence florian franck françois françoise
    frédéric frédérique gabriel gaëlle geneviève georges gérard gilles guillaume guy hakim
    hélène henri hervé hugo inès isabelle jacqueline jacques jean jeanne jérôme joël josé
    joseph josiane julie julien juliette justine karim karima kevin laetitia laurence laurent
    léa léon lina louis louise luc lucas lucie lydie madeleine malika manon marc marcel
    margaux marguerite marie marine marion martine mathieu mathilde matthieu maxime mehdi
    mélanie michel michèle michelle mireille mohamed monique mourad muriel nadia nadine
    nathalie nicolas nicole noémie olivier omar pascal pascale patrice patricia patrick paul
    pauline philippe pierre quentin rachid raphaël raymond régis rémi renaud rené richard
    robert rodolphe romain sabine sabrina samia samir samuel sandrine sarah sébastien serge
    sophie stéphane stéphanie suzanne sylvain sylvie thierry thomas valérie vanessa véronique
    victor vincent virginie xavier yannick yasmine yves yvette yvonne zoé
    """.split()
)


def word_key(word: str) -> str:
    return word.lower().replace("’", "'").strip(".,;:!?()«»\"'")


def _droppable(word: str, droppable: frozenset[str]) -> bool:
    """A title, role, institution or kept word ("Enfance-Jeunesse": every part is one)."""
    norm = word_key(word)
    return norm in droppable or all(p in droppable for p in norm.split("-") if p)


def _trim(words: list[str], keep: frozenset[str]) -> tuple[int, int]:
    """Indices ``lo:hi`` of ``words`` left once titles, roles and institutions are cut."""
    droppable = INSTITUTION_WORDS | _TITLE_WORDS | _ROLE_WORDS | ARTICLES | keep
    lo, hi = 0, len(words)
    while lo < hi and _droppable(words[lo], droppable):
        part_of_name = (  # "Le Gall", "De Smet": a capitalised particle starts the surname
            words[lo][:1].isupper()
            and word_key(words[lo]) in ARTICLES
            and lo + 1 < hi
            and not _droppable(words[lo + 1], droppable)
        )
        if part_of_name:
            break
        lo += 1
    while hi > lo and _droppable(words[hi - 1], droppable):
        hi -= 1
    return lo, hi


def refine_span(text: str, start: int, end: int, keep: frozenset[str]) -> tuple[int, int] | None:
    """Shrink ``text[start:end]`` to its name part; None when no name is left."""
    words = [(start + m.start(), start + m.end()) for m in _WORD_RE.finditer(text[start:end])]
    lo, hi = _trim([text[a:b] for a, b in words], keep)
    if lo >= hi:
        return None
    bounds = words[lo][0], words[hi - 1][1]
    if word_key(text[bounds[0] : bounds[1]]) in keep:
        return None
    return bounds


def after_word(text: str, start: int, words: frozenset[str]) -> bool:
    """True when the word just before ``start`` is one of ``words``."""
    before = text[max(0, start - 40) : start].split()
    return bool(before) and word_key(before[-1]) in words


def after_place_word(text: str, start: int) -> bool:
    """True when a place word (rue, collège...) stands just before ``start``."""
    return after_word(text, start, PLACE_WORDS)
