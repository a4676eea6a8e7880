"""The name protector: fitted once on a corpus, it replaces people's names in any text."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, MutableMapping, Sequence
from typing import Any

import pandas as pd
from spacy.language import Language

from analysis import schema
from analysis.privacy.errors import NameProtectionError, NameProtectionWarning
from analysis.privacy.lexicon import Lexicon
from analysis.privacy.ner import Entity, entities_by_key, has_ner, ner_spans, text_key
from analysis.privacy.patterns import after_article, pattern_spans, sentence_start
from analysis.privacy.spans import NameSpan, merge_spans
from analysis.privacy.words import (
    ARTICLES,
    FIRST_NAMES,
    INSTITUTION_WORDS,
    LAW_WORDS,
    after_place_word,
    after_word,
    place_context,
    word_key,
)

DEFAULT_MARK = "[personne]"

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


def _recall_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """A regex matching every learned name form, as written or in capitals."""
    forms = sorted({f for n in names for f in (n, n.upper())}, key=lambda f: (-len(f), f))
    if not forms:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w-])")


def _name_forms(span_text: str, keep: frozenset[str], places: frozenset[str]) -> set[str]:
    """The full name and, when safe, its surname alone, for the "rappel" pass. A surname that
    spaCy takes for a place elsewhere in the corpus ("Mme Roubaix" / "à Roubaix") is not
    looked for alone: its other mentions are the place's."""
    words = span_text.split()
    forms = {span_text} if len(words) > 1 or word_key(span_text) not in places else set()
    surname = words[-1] if words else ""
    if (
        len(words) > 1
        and len(surname) >= 3
        and word_key(surname) not in FIRST_NAMES | INSTITUTION_WORDS | keep | places
    ):
        forms.add(surname)
    return forms


def _place_words(texts: Sequence[str], places: Sequence[list[tuple]]) -> frozenset[str]:
    """The one-word places the corpus names: what spaCy reads as a place after a preposition
    ("à Roubaix", "entre Paris et Cayenne"). A word in lower case is no place's name ("en
    somme", "de mailing"): spaCy's small model reads some so, and not in every text, since
    texts whose capitals only open sentences are not read (:func:`may_name_a_person`)."""
    return frozenset(
        word_key(text[start:end])
        for text, entities in zip(texts, places, strict=True)
        for start, end, label in entities
        if label in ("LOC", "GPE")
        and text[start : start + 1].isupper()
        and " " not in text[start:end]
        and place_context(text, start)
    )


def _drop_places(spans: list[NameSpan], places: frozenset[str], lexicon: Lexicon) -> list[NameSpan]:
    """Drop a first name standing alone that is also a word and a place of the corpus
    ("Marcel Paris a quitté [Paris]")."""
    return [
        s
        for s in spans
        if not (
            s.rule == "prénom"
            and " " not in s.text
            and word_key(s.text) in places
            and lexicon.is_word(s.text)
        )
    ]


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

    def __getstate__(self) -> dict[str, Any]:
        """What a store keeps of a fitted protector: its names and spans, not the spaCy
        pipeline nor the entity cache (stored on their own); :meth:`attach` gives them back."""
        state = dict(self.__dict__)
        for name in ("nlp", "entity_cache", "_lexicon"):
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.attach(None, None)

    def attach(
        self, nlp: Language | None, entity_cache: MutableMapping[str, list[Entity]] | None
    ) -> NameProtector:
        """Give a protector read from a store the pipeline and entity cache it was fitted with
        (the texts it has not seen yet, the reports' own, need them); return ``self``."""
        self.nlp, self.entity_cache = nlp, entity_cache
        if hasattr(self, "_spans"):  # fitted
            self._lexicon = Lexicon(nlp)
        return self

    def _keep_set(self) -> frozenset[str]:
        return frozenset(word_key(k) for k in self.keep if str(k).strip())

    def _entities(self, texts: Sequence[str]) -> list[list[Entity] | None]:
        """spaCy's entities of each text, from the entity cache when it has them."""
        if not has_ner(self.nlp):
            return [None] * len(texts)
        cache = self.entity_cache if self.entity_cache is not None else {}
        keys = [text_key(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in cache}
        if missing:
            cache.update(entities_by_key(missing, self.nlp, self.batch_size))
        return [[tuple(e) for e in cache[k]] for k in keys]  # type: ignore[misc]

    def _first_pass(self, texts: Sequence[str]) -> list[tuple[list[NameSpan], list[tuple]]]:
        """The names of each text, and the places and organisations spaCy found in it."""
        keep = self._keep_set()
        lexicon = Lexicon(self.nlp)
        found = []
        for text, entities in zip(texts, self._entities(texts), strict=True):
            ner, places = ner_spans(text, entities, keep, lexicon)
            patterns = pattern_spans(text, keep, lexicon)
            spans = [s for s in ner + patterns if not after_place_word(text, s.start)]
            found.append((merge_spans(spans, text), places))
        return found

    def _with_recall(self, text: str, spans: list[NameSpan], places: list[tuple]) -> list[NameSpan]:
        if not self.propagate or self._recall_re is None:
            return spans
        extra = [
            NameSpan(m.start(), m.end(), m.group(), "rappel")
            for m in self._recall_re.finditer(text)
            if not any(s.start < m.end() and m.start() < s.end for s in spans)
            and self._recalled(text, m.start(), m.end(), places)
        ]
        return merge_spans(spans + extra, text) if extra else spans

    def _recalled(self, text: str, start: int, end: int, places: list[tuple]) -> bool:
        """A learned name stands here for the person, not for a place, an organisation or a
        law named after them ("la loi Veil", "la Poste", "à Roubaix"), nor opens a sentence
        as a word ("Petit à petit")."""
        if after_place_word(text, start) or after_word(text, start, LAW_WORDS):
            return False
        if after_article(text, start):
            return False
        for s, e, label in places:
            inside = s <= start and end <= e and e - s > end - start  # "Métropole de Lille"
            if inside or (label in ("LOC", "GPE") and s == start and place_context(text, start)):
                return False
        one_word = " " not in text[start:end]
        return not (
            one_word and sentence_start(text, start) and self._lexicon.is_word(text[start:end])
        )

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
        texts = check_texts(texts)
        if not isinstance(self.mark, str) or not self.mark.strip():
            raise NameProtectionError(
                f"[export] name_mark = {self.mark!r} : la marque qui remplace les noms (mark) doit "
                "être un texte non vide, par exemple « [personne] »."
            )
        if not has_ner(self.nlp):
            reason = (
                "aucun modèle spaCy n'est donné"
                if self.nlp is None
                else "le modèle spaCy donné n'a pas de composant « ner »"
            )
            warnings.warn(
                f"Protection des noms : {reason}, seuls les motifs (M., Mme, le préfet X...) "
                "servent et des noms sans civilité peuvent passer. Donnez le modèle "
                "fr_core_news_sm (privacy.load_ner()).",
                NameProtectionWarning,
                stacklevel=2,
            )
        unique = sorted(set(texts))
        first = self._first_pass(unique)
        keep = self._keep_set()
        self._lexicon = Lexicon(self.nlp)
        self._places = _place_words(unique, [p for _, p in first])
        first = [(_drop_places(s, self._places, self._lexicon), p) for s, p in first]
        forms = {
            f for spans, _ in first for s in spans for f in _name_forms(s.text, keep, self._places)
        }
        self.names_ = tuple(sorted(forms))
        self._learned_words = {word_key(w) for n in self.names_ for w in n.split()} - ARTICLES
        self._recall_re = _recall_pattern(self.names_)
        self._spans = {
            t: self._with_recall(t, s, p) for t, (s, p) in zip(unique, first, strict=True)
        }
        self.report_ = self._report(texts, list(range(len(texts))), None, "text")
        return self

    def spans(self, text: str) -> list[NameSpan]:
        """Return the name spans of ``text`` (computed once, then cached)."""
        self._check_fitted()
        if text not in self._spans:
            self._learn_spans([text])
        return self._spans[text]

    def protect_many(self, texts: Iterable[object]) -> list[object]:
        """Protect many values at once (one spaCy batch for the unseen texts; non-texts kept)."""
        self._check_fitted()
        values = list(texts)
        self._learn_spans(sorted({v for v in values if isinstance(v, str) and v}))
        return [self.protect(v) if isinstance(v, str) else v for v in values]

    def _learn_spans(self, texts: Sequence[str]) -> None:
        """Find and keep the name spans of the texts not seen yet."""
        unseen = [t for t in texts if t not in self._spans]
        for text, (spans, places) in zip(unseen, self._first_pass(unseen), strict=True):
            spans = _drop_places(spans, self._places, self._lexicon)
            self._spans[text] = self._with_recall(text, spans, places)

    def protect(self, text: str) -> str:
        """Return ``text`` with every name replaced by the mark (titles and roles kept)."""
        if not isinstance(text, str) or not text:
            return text
        protected, cursor = [], 0
        for span in self.spans(text):
            protected.append(text[cursor : span.start] + self.mark)
            cursor = span.end
        return "".join(protected) + text[cursor:]

    def name_words(self, text: object) -> frozenset[str]:
        """The words of the names of ``text`` (lower-cased; articles of "de La Tour" left out)."""
        if not isinstance(text, str) or not text:
            return frozenset()
        words = {word_key(w) for s in self.spans(text) for w in re.split(r"[\s-]+", s.text)}
        return frozenset(words - ARTICLES - {""})

    def protect_lemmas(self, lemmas: str, text: str) -> str:
        """Replace, in a segment's space-separated lemmas, the tokens of the names of ``text``."""
        words = self.name_words(text)
        if not words or not isinstance(lemmas, str):
            return lemmas
        token_mark = re.sub(r"\s+", "_", self.mark)
        return " ".join(
            "_".join(token_mark if word_key(p) in words else p for p in token.split("_"))
            for token in lemmas.split(" ")
        )

    def protect_keyword(self, keyword: str) -> str:
        """Replace a theme keyword that is one of the learned names (lower-cased lemmas)."""
        self._check_fitted()
        learned = self._learned_words
        parts = str(keyword).split("_")
        return "_".join(self.mark if word_key(p) in learned else p for p in parts)

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
            raise NameProtectionError(
                "Ce NameProtector n'a encore lu aucun texte : appelez fit(textes) d'abord, ou "
                "prenez fit_protector(segments, documents, nlp)."
            )


def check_texts(texts: Iterable[str]) -> list[str]:
    if isinstance(texts, str):
        raise NameProtectionError(
            "Donnez une liste de textes (ou une table des segments), pas un seul texte : "
            "écrivez [texte]."
        )
    texts = list(texts)
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise NameProtectionError(
                f"Le texte n° {position} est de type {type(text).__name__}, pas une chaîne : "
                "remplissez ou retirez les textes manquants avant de protéger les noms."
            )
    return texts
