"""Document-term matrices built from the ``lemmas`` column of the segments table.

The theme models never see raw text: they see the space-separated lemmas and expressions that
:mod:`analysis.nlp` produced (``"recrutement policier_municipal commune formation"``). This
module turns those strings into sparse matrices with one vocabulary shared by every method:

- :meth:`LemmaVectoriser.counts`: raw term counts (keyword statistics);
- :meth:`LemmaVectoriser.tfidf`: TF-IDF rows of unit length (NMF, LSA + k-means, centroids);
- :meth:`LemmaVectoriser.presence`: presence/absence (the Reinert classification).

French function words (spaCy's list), numbers and one- or two-letter tokens are removed here
again, even though :mod:`analysis.nlp` already filters them, so that no theme keyword can ever
be a stop word, whatever produced the lemmas.

Example
-------
>>> vectoriser = LemmaVectoriser(min_df=1).fit(["maire police_municipale", "police_municipale"])
>>> list(vectoriser.vocabulary_)
['maire', 'police_municipale']
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from analysis import schema

_NUMBER = re.compile(r"^[\d.,:/%-]+$")
EXPRESSION_JOINER = "_"


class EmptyVocabularyError(ValueError):
    """No term is left after filtering: every segment is empty or the frequency limits are
    too strict."""


@functools.lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Return the French function words that may never be a theme term (spaCy's list).

    The domain stop list (``data/stopwords.txt``, or the analyst's own file set in
    ``[nlp] stopwords_file``) is applied by :mod:`analysis.nlp` when it builds the lemmas;
    it is not applied again here, so that an analyst's choice of list is respected.
    """
    return frozenset(w.lower().replace("’", "'") for w in _spacy_french_stop_words())


def _spacy_french_stop_words() -> set[str]:
    """Read spaCy's French stop list without importing spaCy (which takes seconds)."""
    if "spacy" not in sys.modules:
        spec = importlib.util.find_spec("spacy")
        path = Path(spec.origin).parent / "lang" / "fr" / "stop_words.py" if spec else None
        if path is not None and path.is_file():
            strings = [
                node.value
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
            ]
            if strings:
                return set(max(strings, key=len).split())
    from spacy.lang.fr.stop_words import STOP_WORDS

    return set(STOP_WORDS)


def is_content_term(term: str) -> bool:
    """Return True when ``term`` may be a theme term.

    A term is rejected when it is a stop word, a number, shorter than three characters, or
    an expression made only of stop words (``"de_la"``).
    """
    if _NUMBER.match(term):
        return False
    parts = term.split(EXPRESSION_JOINER)
    if len(parts) > 1:
        return any(len(p) >= 3 and p not in stop_words() for p in parts)
    return len(term) >= 3 and term not in stop_words()


def content_terms(lemmas: str) -> list[str]:
    """Split a lemma string on whitespace and keep the content terms (the vectoriser's analyzer).

    A module-level function, not a lambda, so that fitted vectorisers can be pickled.
    """
    if not isinstance(lemmas, str):
        return []
    return [t for t in lemmas.lower().split() if is_content_term(t)]


def lemma_strings(segments: pd.DataFrame | pd.Series | Iterable[str]) -> pd.Series:
    """Return the lemma strings of a segments table, a Series or a list, as a string Series.

    Parameters
    ----------
    segments
        The segments table (needs column ``lemmas``), or the lemma strings themselves.

    Raises
    ------
    schema.SchemaError
        When a table is given without a ``lemmas`` column.
    """
    if isinstance(segments, pd.DataFrame):
        schema.require_columns(segments, schema.LEMMAS, table="segments")
        values = segments[schema.LEMMAS]
    elif isinstance(segments, pd.Series):
        values = segments
    else:
        values = pd.Series(list(segments), dtype=object)
    return values.fillna("").astype(str).reset_index(drop=True)


_ELIDED = frozenset({"c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu"})


def display_term(term: str) -> str:
    """Return a term as an analyst reads it, elisions restored.

    Example
    -------
    >>> display_term("agent_d_ambiance"), display_term("rappel_à_l'_ordre")
    ("agent d'ambiance", "rappel à l'ordre")
    """
    text = ""
    for part in term.split(EXPRESSION_JOINER):
        if text and text[-1] != "'":
            text += " "
        text += part
        if part.lower() in _ELIDED:
            text += "'"
    return text


# below this many distinct segments, filters that leave no term fall back to every term
_FEW_SEGMENTS = 10


class LemmaVectoriser:
    """Vocabulary and matrices over lemma strings, scikit-learn style.

    Parameters
    ----------
    min_df
        Keep terms found in at least this many segments (an int) or this share (a float).
    max_df
        Drop terms found in more than this share of segments (a float) or count (an int).
    max_features
        Keep at most this many terms, the most frequent (ties broken alphabetically).

    Attributes
    ----------
    vocabulary_ : numpy.ndarray of str
        The kept terms, sorted alphabetically (so the column order never depends on input order).
    document_frequency_ : numpy.ndarray of int
        Number of fitted segments containing each term.
    idf_ : numpy.ndarray of float
        Smoothed inverse document frequency of each term.
    """

    def __init__(
        self, *, min_df: int | float = 2, max_df: int | float = 0.5, max_features: int | None = None
    ) -> None:
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features

    def fit(self, lemmas: pd.DataFrame | pd.Series | Iterable[str]) -> LemmaVectoriser:
        """Learn the vocabulary and the IDF weights.

        With fewer than ten distinct segments (a short note, a one-row export), filters that
        would leave no term keep every content term instead.

        Raises
        ------
        EmptyVocabularyError
            When no term survives the filters; the message says which setting to relax.
        """
        texts = lemma_strings(lemmas)
        n_segments = len(texts)
        max_df = self.max_df
        # With very few segments a relative max_df would drop every shared term.
        if isinstance(max_df, float) and n_segments * max_df < 2:
            max_df = 1.0
        try:
            counts = self._fit_counter(texts, self.min_df, max_df)
        except ValueError as error:
            if len(set(texts)) >= _FEW_SEGMENTS:
                raise self._empty(n_segments) from error
            # a note of a few segments repeats few terms: its own words are its themes' words
            try:
                counts = self._fit_counter(texts, 1, 1.0)
            except ValueError as again:
                raise self._empty(n_segments) from again
        self.vocabulary_ = np.asarray(self.counter_.get_feature_names_out(), dtype=object)
        presence = counts.copy()
        presence.data[:] = 1
        self.document_frequency_ = np.asarray(presence.sum(axis=0)).ravel().astype(np.int64)
        self.idf_ = np.log((1 + n_segments) / (1 + self.document_frequency_)) + 1.0
        self.n_segments_ = n_segments
        return self

    def _fit_counter(
        self, texts: pd.Series, min_df: int | float, max_df: int | float
    ) -> sp.csr_matrix:
        self.counter_ = CountVectorizer(
            analyzer=content_terms,
            min_df=min_df,
            max_df=max_df,
            max_features=self.max_features,
            dtype=np.float32,
        )
        return self.counter_.fit_transform(texts)

    def _empty(self, n_segments: int) -> EmptyVocabularyError:
        return EmptyVocabularyError(
            f"Aucun terme de thème ne reste parmi {n_segments} segments après filtrage "
            f"(min_df={self.min_df}, max_df={self.max_df}, mots vides retirés). Vérifiez que "
            f"la colonne '{schema.LEMMAS}' est remplie, ou baissez themes.min_df / montez "
            "themes.max_df dans analysis.toml."
        )

    def counts(self, lemmas: pd.DataFrame | pd.Series | Iterable[str]) -> sp.csr_matrix:
        """Return the segments × terms count matrix (float32 CSR)."""
        matrix = self.counter_.transform(lemma_strings(lemmas))
        return sp.csr_matrix(matrix, dtype=np.float32)

    def tfidf(self, lemmas: pd.DataFrame | pd.Series | Iterable[str]) -> sp.csr_matrix:
        """Return TF-IDF rows (sublinear term frequency) normalised to unit length."""
        return tfidf_from_counts(self.counts(lemmas), self.idf_)

    def presence(self, lemmas: pd.DataFrame | pd.Series | Iterable[str]) -> sp.csr_matrix:
        """Return the presence/absence matrix (1 when the segment contains the term)."""
        return presence_from_counts(self.counts(lemmas))


def tfidf_from_counts(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Return unit-length TF-IDF rows with sublinear term frequency ``1 + log(count)``."""
    weighted = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    return normalise_rows(weighted)


def presence_from_counts(counts: sp.csr_matrix) -> sp.csr_matrix:
    """Return a binary copy of a count matrix."""
    presence = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    presence.data[:] = 1.0
    presence.eliminate_zeros()
    return presence


def normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Scale each row of a sparse matrix to unit Euclidean length (empty rows stay empty)."""
    matrix = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)
