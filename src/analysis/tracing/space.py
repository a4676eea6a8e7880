"""The space in which segments are compared: lemma terms and character n-grams, by cosine.

An expression counts as itself and as its words (:func:`lemma_terms`); 4- and 5-character
n-grams meet the words of one family written apart. :func:`lemma_space` builds the space once
for the freins, the proposals, the good practices and their links.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from analysis import schema
from analysis.cache import digest
from analysis.vectorise import stop_words


def lemma_terms(lemmas: str) -> list[str]:
    """Terms compared between segments: each lemma, and the words of each expression.

    ``"police_municipale recruter"`` gives ``["police_municipale", "recruter", "police",
    "municipale"]``, so that an expression found in one concertation still meets its words
    written apart in another.
    """
    tokens = str(lemmas).split()
    parts = [part for token in tokens if "_" in token for part in token.split("_")]
    return tokens + [part for part in parts if len(part) > 2 and part not in stop_words()]


def _spaced(lemmas: str) -> str:
    return str(lemmas).replace("_", " ")


class _TokenTerms:
    """Term counts of an analyzer that reads each whitespace-separated token on its own
    (:func:`lemma_terms`, the character n-grams of words), worked out once per distinct token.

    A text's counts are then the sum of its tokens' counts: 100,000 segments of 3.6 million
    tokens hold about 20,000 distinct lemmas, and the analyzer runs on those alone. The counts
    (floats, like those of :class:`~sklearn.feature_extraction.text.TfidfVectorizer`) and the
    vocabulary (sorted terms) are those of scikit-learn's vectorisers with the same analyzer.
    """

    def __init__(self, analyzer: Callable[[str], list[str]]) -> None:
        self.analyzer = analyzer
        self.vocabulary: dict[str, int] = {}
        self._rows: dict[str, Counter[int]] = {}  # token -> counts of its terms' columns

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Learn the terms of ``texts`` (sorted) and return their counts."""
        tokens, by_token = self._tokens(texts)
        terms = sorted({term for token in tokens for term in self.analyzer(token)})
        self.vocabulary = {term: column for column, term in enumerate(terms)}
        self._rows = {}
        return self._counts(tokens, by_token)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Counts of the learnt terms in ``texts`` (other terms are left out)."""
        return self._counts(*self._tokens(texts))

    @staticmethod
    def _tokens(texts: Sequence[str]) -> tuple[list[str], sp.csr_matrix]:
        """The distinct tokens, and how often each text has each."""
        index: dict[str, int] = {}
        columns: list[int] = []
        starts = [0]
        for text in texts:
            columns.extend(index.setdefault(token, len(index)) for token in str(text).split())
            starts.append(len(columns))
        by_token = sp.csr_matrix(
            (np.ones(len(columns)), columns, starts), shape=(len(starts) - 1, len(index))
        )
        by_token.sum_duplicates()
        return list(index), by_token

    def _counts(self, tokens: list[str], by_token: sp.csr_matrix) -> sp.csr_matrix:
        rows = [self._row(token) for token in tokens]
        terms = sp.csr_matrix(
            (
                np.fromiter((n for row in rows for n in row.values()), dtype=np.float64),
                np.fromiter((c for row in rows for c in row), dtype=np.int64),
                np.cumsum([0, *map(len, rows)]),
            ),
            shape=(len(tokens), len(self.vocabulary)),
        )
        counts = (by_token @ terms).tocsr()
        counts.sort_indices()
        return counts

    def _row(self, token: str) -> Counter[int]:
        if token not in self._rows:
            columns = (self.vocabulary.get(term) for term in self.analyzer(token))
            self._rows[token] = Counter(c for c in columns if c is not None)
        return self._rows[token]


_CHAR_NGRAMS = CountVectorizer(analyzer="char_wb", ngram_range=(4, 5)).build_analyzer()


def _char_ngrams(token: str) -> list[str]:
    """The 4- and 5-character n-grams of a token's words (an expression's words apart)."""
    return _CHAR_NGRAMS(_spaced(token))


class LemmaSpace:
    """Vectors of segments compared by cosine: lemma terms, and optionally character n-grams.

    Word rarity (IDF) is measured on all segments of the corpus. With ``char_ngrams``, each
    segment's vector joins its lemma-term TF-IDF and the TF-IDF of the 4- and 5-character
    n-grams of its lemmas, each half-weighted, so that the dot product of two vectors is the
    mean of the two cosines: n-grams meet words of one family written apart ("recruter" and
    "recrutement", "signaler" and "signalement").
    """

    def __init__(self, all_lemmas: Sequence[str], *, char_ngrams: bool = True) -> None:
        texts = list(all_lemmas)
        self._words = _TokenTerms(lemma_terms)
        self.words = TfidfTransformer(sublinear_tf=True).fit(self._words.fit_transform(texts))
        self._chars = self.chars = None
        if char_ngrams:
            self._chars = _TokenTerms(_char_ngrams)
            self.chars = TfidfTransformer(sublinear_tf=True).fit(self._chars.fit_transform(texts))
        self.terms = np.array(list(self._words.vocabulary), dtype=object)

    def transform(self, lemmas: Sequence[str]) -> sp.csr_matrix:
        """Rows whose dot products are the similarities of the segments."""
        lemmas = list(lemmas)
        words = self.words.transform(self._words.transform(lemmas)).tocsr()
        if self._chars is None or self.chars is None:
            return words
        chars = self.chars.transform(self._chars.transform(lemmas))
        return sp.hstack([words * np.sqrt(0.5), chars * np.sqrt(0.5)], format="csr")

    def term_weights(self, vectors: sp.csr_matrix) -> sp.csr_matrix:
        """The lemma-term part of ``vectors`` (for keywords and shared terms)."""
        return vectors[:, : len(self.terms)]


_SPACES: dict[tuple[str, bool], LemmaSpace] = {}  # the last space built, by its input


def lemma_space(lemmas: pd.Series, *, char_ngrams: bool) -> LemmaSpace:
    """The :class:`LemmaSpace` of these lemmas, built once for the obstacles, the proposals,
    the good practices and their links (the same corpus, whatever the order of its rows)."""
    ordered = lemmas.astype(str).sort_values(ignore_index=True).rename(None)
    key = (digest(ordered), char_ngrams)
    if key not in _SPACES:
        _SPACES.clear()
        _SPACES[key] = LemmaSpace(lemmas, char_ngrams=char_ngrams)
    return _SPACES[key]


def lemma_column(segments: pd.DataFrame) -> pd.Series:
    """The ``lemmas`` column as strings, ``""`` where missing (the index is kept)."""
    return segments[schema.LEMMAS].fillna("").astype(str)
