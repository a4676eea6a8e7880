"""Words that are never a person's name (titles, roles, institutions, places), common first
names, and the trimming of a found span down to its name part."""

from __future__ import annotations

import re

from analysis.privacy.lexicon import Lexicon, word_key

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
    madame monsieur mademoiselle internet covid europe européenne européen nord sud est ouest
    eurométropole intercommunalité atelier ateliers synthèse restitution programme
    enfance jeunesse éducation cohésion solidarité solidarités santé sports culture urbanisme
    logement transports proximité insertion emploi citoyenneté numérique communication
    """.split()
)
# Dates: a month or a feast alone is no name ("au 1er Janvier", "à Noël"); "Dominique Avril" is.
CALENDAR_WORDS = frozenset(
    """
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    lundi mardi mercredi jeudi vendredi samedi dimanche noël pâques toussaint
    """.split()
)
# Texts, plans and schemes named after a person: "la loi Veil", "le plan Borloo".
LAW_WORDS = frozenset(
    """
    loi lois plan plans rapport rapports circulaire circulaires décret décrets dispositif
    réforme amendement amendements ordonnance pacte accord accords traité doctrine méthode
    jurisprudence arrêt directive
    """.split()
)
# Words before a name that make it a place ("collège Jean Jaurès", "rue Victor Hugo").
PLACE_WORDS = frozenset(
    """
    rue avenue boulevard bd place quai allée allées impasse chemin route cours square parc
    jardin stade gymnase collège lycée école groupe scolaire médiathèque bibliothèque salle
    espace centre maison hôpital clinique quartier cité résidence pont port gare station
    piscine théâtre musée campus pôle halle chu chr ehpad crèche foyer mjc aéroport métro
    tramway ligne arrêt
    """.split()
)
# Prepositions before a place ("à Roubaix", "entre Paris et Cayenne", "en Guyane").
PLACE_PREPOSITIONS = frozenset("à a au aux de d' du des en entre pour vers depuis dans".split())
# Of those, the ones that never stand before a person ("en Israël", "au Kenya").
COUNTRY_PREPOSITIONS = frozenset("en au aux vers depuis dans".split())
# Words before "B. Formation" that make it an enumeration, not an initial.
ENUM_WORDS = frozenset(
    "axe axes point points annexe partie titre option scénario plan catégorie niveau groupe "
    "étape phase article section chapitre piste action objectif atelier table".split()
)
ARTICLES = frozenset({"le", "la", "les", "l'", "l’", "de", "du", "des", "d'", "d’"})
# Words inside a surname that need no capital ("Pieter van Hoorebeke", "Le Pen", "d'Espinay").
PARTICLES = ARTICLES | frozenset("van von der den di da del dos ben el ter ten mac".split())
TITLE_WORDS = frozenset(
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
        "mr",
        "mrs",
    }
)
TITLE_WORDS = TITLE_WORDS | {w.rstrip(".") for w in TITLE_WORDS}  # "M." is normed to "m"
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


def _droppable(word: str, droppable: frozenset[str]) -> bool:
    """A title, role, institution or kept word ("Enfance-Jeunesse": every part is one)."""
    norm = word_key(word)
    return norm in droppable or all(p in droppable for p in norm.split("-") if p)


def _trim(words: list[str], keep: frozenset[str], lexicon: Lexicon | None) -> tuple[int, int]:
    """Indices ``lo:hi`` of ``words`` left once titles, roles and institutions are cut."""
    droppable = INSTITUTION_WORDS | TITLE_WORDS | _ROLE_WORDS | ARTICLES | keep
    lo, hi = 0, len(words)
    while lo < hi and _droppable(words[lo], droppable):
        followed = lo + 1 < hi and not _droppable(words[lo + 1], droppable)
        # "Le Gall", "De Smet": a capitalised particle starts the surname
        particle = words[lo][:1].isupper() and word_key(words[lo]) in ARTICLES
        # "France Duhamel": a first name that is also a word, before a surname
        first_name = (
            followed
            and lexicon is not None
            and lexicon.is_usual_first_name(words[lo])
            and not lexicon.is_word(words[lo + 1])
        )
        if followed and (particle or first_name):
            break
        lo += 1
    while hi > lo and _droppable(words[hi - 1], droppable):
        if (
            hi - 2 > lo
            and all(  # "Jeanne Le Du": two capitalised particles end the name
                w[:1].isupper() and word_key(w) in ARTICLES for w in words[hi - 2 : hi]
            )
        ):
            break
        hi -= 1
    return lo, hi


def refine_span(
    text: str, start: int, end: int, keep: frozenset[str], lexicon: Lexicon | None = None
) -> tuple[int, int] | None:
    """Shrink ``text[start:end]`` to its name part; None when no name is left."""
    words = [(start + m.start(), start + m.end()) for m in _WORD_RE.finditer(text[start:end])]
    lo, hi = _trim([text[a:b] for a, b in words], keep, lexicon)
    if lo >= hi:
        return None
    bounds = words[lo][0], words[hi - 1][1]
    if word_key(text[bounds[0] : bounds[1]]) in keep:
        return None
    return bounds


def word_before(text: str, start: int) -> str:
    """The word just before ``start``, lower case, an elided article cut ("l'espace" ->
    "espace"); empty at the start of the text."""
    before = text[max(0, start - 40) : start].split()
    if not before:
        return ""
    return re.sub(r"^\w['’]", "", word_key(before[-1])).replace("’", "'")


def after_word(text: str, start: int, words: frozenset[str]) -> bool:
    """True when the word just before ``start`` is one of ``words``."""
    return word_before(text, start) in words


def place_context(text: str, start: int) -> bool:
    """True after a preposition that introduces a place ("à Roubaix", "de Lille")."""
    return word_before(text, start) in PLACE_PREPOSITIONS


def after_place_word(text: str, start: int) -> bool:
    """True when a place word (rue, collège...) stands just before ``start``."""
    return after_word(text, start, PLACE_WORDS)
