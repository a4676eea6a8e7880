"""The cue table: French markers of each function, written as spaCy Matcher patterns.

Each cue matches lemmas, word forms or morphology ("il faut", "préconiser", "manque de",
"faute de", "a permis de", "on observe une hausse"...) and votes, with its weight, for one of
the six classes of :data:`CLASSES`. The patterns are matched by :mod:`analysis.roles.matcher`
and read by :mod:`analysis.roles.cues`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analysis import schema

CLASSES: tuple[str, ...] = schema.FUNCTIONS
CLASS_INDEX = {name: i for i, name in enumerate(CLASSES)}


@dataclass(frozen=True)
class Cue:
    """A French marker of one function: its display name, class, weight and Matcher pattern."""

    name: str
    function: str
    weight: float
    pattern: tuple[dict[str, Any], ...]


def _lem(*lemmas: str) -> dict[str, Any]:
    return {"LEMMA": {"IN": list(lemmas)}}


def _low(*forms: str) -> dict[str, Any]:
    return {"LOWER": {"IN": list(forms)}}


def _stem(regex: str) -> dict[str, Any]:
    # stems catch verbs the small model lemmatises wrongly ("demande" tagged as a noun)
    return {"LOWER": {"REGEX": regex}}


# fmt: off
_DE = _low("de", "d'", "d’", "du", "des")
_CND = {"MORPH": {"IS_SUPERSET": ["Mood=Cnd"]}}
_INF = {"POS": "VERB", "MORPH": {"IS_SUPERSET": ["VerbForm=Inf"]}}
_DIGIT = {"TEXT": {"REGEX": r"^(?!(19|20)\d\d$)\d"}}  # a figure, not a year
_ANY = {"OP": "?"}
_VERB_NOT_PARTICIPLE = {"MORPH": {"INTERSECTS": ["VerbForm=Fin", "VerbForm=Inf"]}}
_ADV = {"OP": "?", "POS": "ADV"}
ADDRESSEE_LEMMAS = frozenset(
    "état gouvernement ministère ministre préfet préfète préfecture législateur parlement "
    "chancellerie dgcl intérieur".split()
)
_ADDRESSEE = _lem(*sorted(ADDRESSEE_LEMMAS))
_REQUEST_VERB = {"LOWER": {"REGEX": r"^(demand|sollicit|réclam|exig|interpell|attend)"},
                 "POS": {"NOT_IN": ["NOUN", "ADJ"]}}
_NEGATION = (_low("ne", "n'", "n’"), _ANY, _ANY, _low("pas", "plus", "jamais", "guère"))
_LOCAL_ACTOR = _lem(*"commune ville intercommunalité métropole association agglomération "
                     "département bailleur".split())
_PAST_ACTION = {
    "LEMMA": {"IN": "mettre créer instaurer développer lancer déployer installer signer ouvrir "
                    "conclure structurer organiser nouer constituer mutualiser associer "
                    "concevoir présenter former recruter équiper confier élaborer".split()},
    "MORPH": {"IS_SUPERSET": ["Tense=Past"]},
}
_P, _F, _B = schema.PROPOSITION, schema.FREIN, schema.BONNE_PRATIQUE
_C, _D, _A = schema.CONSTAT, schema.DEMANDE, schema.AUTRE

# One cue per line: function, weight, display name, Matcher pattern. Weights: 2 = unambiguous
# marker, 1.5 = strong, 1 = suggestive, 0.5 = weak hint. Patterns match lemmas (LEMMA), word
# forms (LOWER) or stems (REGEX) for verbs the small model often lemmatises wrongly.
_CUE_SPECS: tuple[tuple[str, float, str, tuple[dict[str, Any], ...]], ...] = (
    (_P, 2.0, "il faut", (_lem("falloir"),)),
    (_P, 2.5, "je propose que", (_low("je", "j'", "j’", "nous"), _stem(r"^propos(e|ons)$"), {**_low("donc", "aussi", "également", "ainsi", "alors", "simplement", "plutôt"), "OP": "?"}, _low("de", "d'", "d’", "que", "qu'", "qu’"))),  # noqa: E501
    (_P, 2.0, "proposer de", (_stem(r"^propos(e|ent|ons|ez|er|ait|aient|erait|eraient|é|ée|és|ées)$"), _low("de", "d'", "d’", "que", "qu'", "qu’"))),  # noqa: E501
    (_P, 1.0, "proposer", (_stem(r"^propos(e|ent|ons|ez|er|ait|aient|erait|eraient|é|ée|és|ées)$"),)),  # noqa: E501
    (_P, 1.5, "proposition", (_lem("proposition"),)),
    (_P, 2.0, "préconiser", (_stem(r"^préconis"),)),
    (_P, 2.0, "recommander", (_stem(r"^recommand"),)),
    (_P, 2.0, "suggérer", (_stem(r"^sugg[eéè]r"),)),
    (_P, 1.5, "nécessité de", (_lem("nécessité"), _DE)),
    (_P, 1.5, "il est nécessaire", (_lem("être"), _lem("nécessaire", "indispensable", "essentiel", "urgent", "important", "primordial", "impératif"), _low("de", "d'", "d’", "que", "qu'", "qu’"))),  # noqa: E501
    (_P, 1.5, "il convient de", (_lem("convenir"), _DE)),
    (_P, 1.5, "pourquoi ne pas", (_low("pourquoi"), _low("ne", "n'", "n’"), _low("pas"))),
    (_P, 1.0, "solution", (_lem("solution", "alternative"),)),
    (_P, 2.0, "il serait utile", (_lem("être") | _CND, _lem("utile", "souhaitable", "opportun", "pertinent", "judicieux", "nécessaire", "bon"))),  # noqa: E501
    (_P, 1.5, "devrait", (_lem("devoir") | _CND,)),
    (_P, 1.0, "devoir", (_lem("devoir"), _INF)),
    (_P, 1.0, "pourrait", (_lem("pouvoir") | _CND,)),
    (_P, 1.5, "gagnerait à", (_lem("gagner") | _CND, _low("à"))),
    (_P, 1.5, "plaider pour", (_lem("plaider"),)),
    (_P, 1.0, "piste", (_lem("piste"),)),
    (_P, 1.0, "envisager", (_lem("envisager"),)),
    (_P, 1.0, "généraliser", (_lem("généraliser", "systématiser", "pérenniser"),)),
    (_D, 1.0, "demander", (_REQUEST_VERB,)),
    (_D, 1.5, "l'État doit", (_ADDRESSEE, _lem("devoir"))),
    (_D, 1.0, "souhaiter que", (_lem("souhaiter"), _low("que", "qu'", "qu’"))),
    (_D, 1.5, "appeler l'État à", (_lem("appeler"), _ANY, _ADDRESSEE)),
    (_D, 0.5, "demande", (_lem("demande", "revendication"),)),
    (_D, 2.5, "il est temps que", (_lem("être"), _low("temps"), _low("que", "qu'", "qu’"))),
    (_F, 2.0, "manque de", (_lem("manque", "manquer"),)),
    (_F, 2.0, "faute de", (_low("faute"), _DE)),
    (_F, 1.5, "difficulté", (_stem(r"^difficult|^difficile"),)),
    (_F, 2.0, "frein", (_stem(r"^frein"),)),
    (_F, 2.0, "obstacle", (_stem(r"^obstacle"),)),
    (_F, 2.0, "insuffisant", (_stem(r"^insuffisan"),)),
    (_F, 1.5, "lenteur", (_lem("lenteur", "lent", "lourdeur", "lourd"),)),
    (_F, 2.0, "pénurie", (_stem(r"^(pénurie|carence)"),)),
    (_F, 1.5, "absence de", (_lem("absence"), _DE)),
    (_F, 2.0, "peiner à", (_stem(r"^pein(e|ent|ait|aient|é|er)$"), _low("à"))),
    (_F, 2.0, "se heurter à", (_stem(r"^heurt"),)),
    (_F, 1.5, "souffrir de", (_lem("souffrir", "pâtir"),)),
    (_F, 1.5, "déficit", (_lem("déficit", "saturation", "saturé", "obsolète", "démuni", "surenchère"),)),  # noqa: E501
    (_F, 2.0, "point aveugle", (_lem("point"), _lem("aveugle", "noir", "faible"))),
    (_F, 1.5, "compliqué", (_lem("compliqué", "compliquer", "préoccupation", "préoccupant", "préoccuper"),)),  # noqa: E501
    (_F, 1.0, "en deçà", (_low("en"), _low("deçà"))),
    (_F, 1.0, "rarement", (_low("rarement", "peu"),)),
    (_F, 1.0, "ne ... pas", _NEGATION),
    (_F, 1.5, "regretter", (_lem("regretter", "déplorer", "dénoncer"),)),
    (_F, 1.5, "précarité", (_lem("précarité", "précaire", "fragilité", "fragile", "instabilité", "vulnérabilité", "vulnérable"),)),  # noqa: E501
    (_F, 1.0, "flou", (_lem("flou", "incertitude", "incertain", "ambigu", "ambiguïté"),)),
    (_F, 1.0, "complexité", (_lem("complexité", "complexe"),)),
    (_F, 1.5, "blocage", (_lem("blocage", "bloquer", "impasse"),)),
    (_F, 1.5, "inquiétude", (_lem("inquiétude", "inquiet", "inquiéter", "crainte", "craindre", "redouter"),)),  # noqa: E501
    (_F, 1.0, "risque", (_lem("risque", "risquer"),)),
    (_F, 1.0, "problème", (_lem("problème", "problématique"),)),
    (_F, 1.5, "mauvaise idée", (_lem("mauvais"), _lem("idée", "solution", "chose", "piste"))),
    (_F, 1.5, "fausse bonne idée", (_lem("faux"), _lem("bon"), _lem("idée", "solution", "piste"))),
    (_F, 1.0, "pire", (_lem("pire", "défiance", "méfiance", "tyrannie"),)),
    (_F, 1.0, "contrainte", (_lem("contrainte", "limite", "limiter"),)),
    (_F, 1.5, "impossible", (_lem("impossible", "impossibilité"),)),
    (_F, 1.0, "trop peu", (_low("trop"), _low("peu", "faible", "rare", "rares", "lent", "lents", "tard"))),  # noqa: E501
    (_F, 1.0, "aucun", (_low("aucun", "aucune", "jamais"),)),
    (_F, 1.0, "épuisement", (_lem("épuisement", "épuiser", "usure", "démobilisation", "découragement"),)),  # noqa: E501
    (_F, 1.0, "vacant", (_lem("vacant", "vacance", "sous-effectif", "turn-over"),)),
    (_F, 1.0, "faible", (_lem("faible", "faiblesse"),)),
    (_F, 1.5, "injuste", (_lem("injuste", "injustice", "inégalité", "inégalitaire", "inéquitable", "aberrant", "aberration", "scandale", "scandaleux", "absurde", "abus", "gaspillage", "gâchis", "mépris", "laxisme", "dérive", "exorbitant", "arbitraire", "inadmissible", "inacceptable", "insupportable", "honteux", "honte", "indécent"),)),  # noqa: E501
    # adjectives by stem: the small model lemmatises their feminine and plural forms wrongly
    # ("abusives" -> "abusiver", "injustifiées" -> "injustifier")
    (_F, 1.5, "abusif", (_stem(r"^(abusi[fv]|excessi[fv]|disproportionn|injustifi|anorma[lu]|intolérable|incompréhensible|nuisible|pénalisant|partial|hypocri|dérisoire|ridicule|lamentable|déplorable|catastrophique|désastreu|gabegie|pillage|matraquage|spoliation|racket|escroquer|mascarade)"),)),  # noqa: E501
    (_F, 1.0, "inefficace", (_stem(r"^(inefficac|inadapt|incohéren|opaque|opacité)"),)),  # noqa: E501
    (_F, 1.5, "en retard", (_low("en"), _low("retard"))),
    (_F, 1.0, "paradoxe", (_stem(r"^(paradox|manipul|impensable|stigmatis)"),)),
    # a consequence put first: "Résultat la délinquance règne."
    (_F, 1.0, "résultat :", ({"IS_SENT_START": True, "LOWER": "résultat"},)),
    (_F, 1.0, "trop de", (_low("trop"), _low("de", "d'", "d’", "nombreux", "nombreuses", "cher", "chers", "chère", "élevé", "élevés", "élevée", "élevées", "lourd", "lourds", "lourde", "lourdes", "souvent", "long", "longs", "longue", "longues", "compliqué", "compliquée", "complexe"))),  # noqa: E501
    (_B, 2.0, "a permis de", (_lem("avoir"), _ADV, _lem("permettre"))),
    (_B, 1.0, "permettre", (_lem("permettre"),)),
    (_B, 1.5, "expérimentation", (_lem("expérimentation", "expérimenter", "expérimental", "pilote"),)),  # noqa: E501
    (_B, 1.5, "retour d'expérience positif", (_lem("retour"), _DE, _lem("expérience"), _lem("positif", "encourageant", "concluant"))),  # noqa: E501
    (_B, 2.0, "fonctionne bien", (_lem("fonctionner", "marcher"), _low("bien", "très", "efficacement"))),  # noqa: E501
    (_B, 2.0, "porter ses fruits", (_lem("porter"), _ANY, _lem("fruit"))),
    (_B, 1.5, "réussite", (_lem("succès", "réussite", "réussir", "concluant", "encourageant", "satisfaisant"),)),  # noqa: E501
    (_B, 1.0, "efficace", (_lem("efficace", "efficacité", "positif", "exemplaire", "apprécié"),)),  # noqa: E501
    (_B, 1.5, "a mis en place", (_lem("avoir", "être"), _ADV, _PAST_ACTION)),
    (_B, 0.5, "depuis", (_low("depuis"), _ANY, _lem("an", "année", "mois", "printemps", "automne", "été", "hiver", "rentrée", "création"))),  # noqa: E501
    (_B, 1.5, "exemple", (_lem("exemple", "exemplaire", "modèle"),)),
    (_B, 1.0, "une commune", ({"IS_SENT_START": True, "LOWER": {"IN": ["une", "dans", "à"]}}, _ANY, _LOCAL_ACTOR)),  # noqa: E501
    (_B, 1.0, "saluer", (_lem("saluer", "valoriser", "inspirer"),)),
    (_C, 1.5, "observer", (_lem("observer", "constater") | _VERB_NOT_PARTICIPLE,)),
    (_C, 1.0, "relever", (_lem("relever", "noter", "mesurer", "recenser") | _VERB_NOT_PARTICIPLE,)),  # noqa: E501
    (_C, 1.5, "constat", (_lem("constat"),)),
    (_C, 1.5, "hausse", (_lem("hausse", "baisse", "augmentation", "diminution", "progression", "recul", "doublement", "explosion"),)),  # noqa: E501
    (_C, 1.0, "augmenter", (_lem("augmenter", "diminuer", "progresser", "doubler", "tripler", "reculer", "baisser", "croître", "exploser"),)),  # noqa: E501
    (_C, 1.0, "%", (_low("%", "pourcent"),)),
    (_C, 0.5, "chiffre", (_DIGIT,)),
    (_C, 1.0, "tendance", (_lem("tendance", "évolution", "évoluer", "chiffre", "statistique"),)),  # noqa: E501
    (_C, 1.0, "de plus en plus", (_low("de"), _low("plus", "moins"), _low("en"), _low("plus", "moins"))),  # noqa: E501
    (_C, 0.5, "désormais", (_low("désormais", "aujourd'hui", "aujourd’hui", "actuellement"),)),
    (_A, 2.0, "remercier", (_lem("remercier", "remerciement", "merci"),)),
    (_A, 2.0, "partager", (_low("partager", "imprimer", "share", "cookies", "tweet", "facebook"),)),  # noqa: E501
    (_A, 2.0, "retour aux actualités", (_lem("retour"), _low("aux", "à"), _lem("actualité", "accueil", "liste"))),  # noqa: E501
    (_A, 1.5, "bienvenue", (_lem("bienvenue", "accueillir", "ouverture", "clôture", "clôturer"),)),  # noqa: E501
    (_A, 1.5, "ordre du jour", (_low("ordre"), _low("du"), _low("jour"))),
    (_A, 2.0, "le présent compte rendu", (_low("présent", "présente"), _lem("compte", "note", "document", "synthèse", "rapport", "texte", "relevé", "restitution", "contribution"))),  # noqa: E501
    (_A, 1.0, "programme", (_lem("programme", "intervenant", "rendez-vous", "secrétariat", "rapporteur"),)),  # noqa: E501
    (_A, 1.5, "prochaine concertation", (_lem("prochain"), _lem("concertation", "étape", "rendez-vous", "séance", "réunion"))),  # noqa: E501
    (_A, 1.0, "débattre", (_lem("aborder", "évoquer", "débattre", "échanger", "restituer", "restitution", "synthèse", "visiter", "découvrir"),)),  # noqa: E501
    (_A, 2.0, "identification des freins", (_lem("identification", "production", "recueil", "question", "remontée", "partage"), _DE, _ANY, _lem("frein", "constat", "proposition", "idée", "obstacle", "difficulté"))),  # noqa: E501
    (_A, 2.0, "séance consacrée à", (_lem("matinée", "après-midi", "journée", "séance", "réunion", "atelier", "plénière", "soirée"), _ANY, _ANY, _lem("consacrer", "dédier"))),  # noqa: E501
    # sentences about the meeting itself: where it met, what it went over, what comes next
    (_A, 1.5, "se sont retrouvés à", ({"LEMMA": "retrouver", "MORPH": {"IS_SUPERSET": ["Tense=Past"]}}, _low("à", "au", "en"), {"POS": "PROPN"})),  # noqa: E501
    (_A, 1.5, "se réunir à nouveau", (_lem("réunir", "retrouver", "revoir"), _low("à"), _low("nouveau"))),  # noqa: E501
    (_A, 1.5, "point d'étape", (_lem("point"), _DE, _lem("étape", "situation"))),
    (_A, 2.0, "la journée s'est terminée", (_lem("matinée", "après-midi", "journée", "séance", "réunion", "rencontre", "concertation"), _ANY, _ANY, _lem("terminer", "clore", "achever", "conclure", "ouvrir", "débuter"))),  # noqa: E501
    (_A, 1.5, "retour sur les travaux", (_lem("retour", "point"), _low("sur"), _ANY, _lem("travail", "travaux", "chantier", "calendrier", "avancée"))),  # noqa: E501
    (_A, 2.0, "d'être débattu", (_low("d'", "d’", "de"), _lem("être"), _lem("débattre", "discuter", "examiner", "approfondir"))),  # noqa: E501
    (_A, 1.5, "questions posées aux participants", (_lem("poser"), _low("aux", "à"), _ANY, _lem("participant", "membre", "intervenant", "acteur"))),  # noqa: E501
    (_A, 1.5, "sur la base de constats", (_low("base"), _DE, _lem("constat", "diagnostic", "retour", "échange"))),  # noqa: E501
    (_A, 1.0, "réunir", (_lem("réunir", "rassembler", "animer", "accueillir", "tenir", "ouvrir") | {"MORPH": {"IS_SUPERSET": ["Tense=Past"]}},)),  # noqa: E501
)
# fmt: on

CUES: tuple[Cue, ...] = tuple(
    Cue(name=name, function=function, weight=weight, pattern=pattern)
    for function, weight, name, pattern in _CUE_SPECS
)
