"""Similitude graph of a theme, as IRaMuTeQ draws it: its leading terms, linked by how often two
of them are used in the same segment, reduced to the maximum spanning tree.

The tree keeps, among all the co-occurrences, the strongest links that join every term without
a cycle: what remains is the backbone of the theme's vocabulary ("recrutement — policier
municipal — formation"), read branch by branch. Terms that never meet another one stay apart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import minimum_spanning_tree

from analysis import schema
from analysis.themes.keywords import terms_by_theme
from analysis.vectorise import display_term

SOURCE, TARGET, WEIGHT = "source", "target", "weight"


@dataclasses.dataclass(frozen=True)
class Similitude:
    """The graph of one theme: its terms (with their number of segments) and the tree's edges
    (``source``, ``target``: terms as shown; ``weight``: segments holding both)."""

    theme_id: int
    label: str
    terms: pd.DataFrame  # term (as shown), n_segments; by decreasing n_segments
    edges: pd.DataFrame  # source, target, weight; strongest first


def similitude(
    segments: pd.DataFrame,
    theme_id: int,
    terms: Sequence[str],
    *,
    label: str = "",
) -> Similitude:
    """The similitude tree of ``terms`` in the segments of ``theme_id``.

    Parameters
    ----------
    segments
        Needs ``theme_id`` and ``lemmas``.
    theme_id
        The theme.
    terms
        Lemma terms as in the ``lemmas`` column (``policier_municipal``): usually the theme's
        keywords. Terms no segment of the theme holds are left out.
    label
        The theme's name, for the figure's title.

    Returns
    -------
    Similitude
        Deterministic: ties between equal links are broken by the terms' order.
    """
    schema.require_columns(segments, schema.THEME_ID, schema.LEMMAS, table="segments")
    rows = segments[segments[schema.THEME_ID] == theme_id][schema.LEMMAS]
    vocabulary = {term: i for i, term in enumerate(dict.fromkeys(map(str, terms)))}
    entries = [
        (row, vocabulary[word])
        for row, lemmas in enumerate(rows.fillna("").astype(str))
        for word in set(lemmas.split()) & vocabulary.keys()
    ]
    presence = sp.csr_matrix(
        (np.ones(len(entries)), ([r for r, _ in entries], [c for _, c in entries])),
        shape=(len(rows), len(vocabulary)),
    )
    counts = np.asarray(presence.sum(axis=0)).ravel()
    held = np.flatnonzero(counts > 0)
    names = [display_term(t) for t in vocabulary]
    cooccurrence = (presence.T @ presence).toarray()[np.ix_(held, held)]
    np.fill_diagonal(cooccurrence, 0)
    tree = _maximum_spanning_tree(cooccurrence)
    edges = pd.DataFrame(
        [(names[held[i]], names[held[j]], int(cooccurrence[i, j])) for i, j in tree],
        columns=[SOURCE, TARGET, WEIGHT],
    )
    edges = edges.sort_values(WEIGHT, ascending=False, kind="stable").reset_index(drop=True)
    table = pd.DataFrame(
        {schema.TERM: [names[i] for i in held], schema.N_SEGMENTS: counts[held].astype(int)}
    )
    table = table.sort_values(schema.N_SEGMENTS, ascending=False, kind="stable")
    return Similitude(theme_id, label, table.reset_index(drop=True), edges)


def theme_terms(
    segments: pd.DataFrame, theme_id: int, keywords: Sequence[str], n_terms: int = 25
) -> list[str]:
    """The terms of a theme's graph: its keywords, then its most frequent terms (segments
    holding them; ties in alphabetical order) up to ``n_terms``."""
    rows = segments[segments[schema.THEME_ID] == theme_id][schema.LEMMAS]
    counts: dict[str, int] = {}
    for lemmas in rows.fillna("").astype(str):
        for word in set(lemmas.split()):
            counts[word] = counts.get(word, 0) + 1
    frequent = sorted(counts, key=lambda word: (-counts[word], word))
    return list(dict.fromkeys([*map(str, keywords), *frequent]))[:n_terms]


def _maximum_spanning_tree(weights: np.ndarray) -> list[tuple[int, int]]:
    """Edges (i < j) of a maximum spanning forest of a symmetric weight matrix (0: no edge).

    scipy finds a minimum tree: strong links become short ones (``top + 1 - weight``), and a
    tiny rank term makes the result independent of how scipy breaks ties.
    """
    n = len(weights)
    if n < 2 or not weights.any():
        return []
    upper = np.triu(weights, k=1)
    i, j = np.nonzero(upper)
    rank = (i * n + j) / (n * n + 1)  # a fixed order among equal weights
    lengths = upper.max() + 1 - upper[i, j] + rank * 1e-6
    graph = sp.csr_matrix((lengths, (i, j)), shape=(n, n))
    forest = minimum_spanning_tree(graph).tocoo()
    return sorted((min(a, b), max(a, b)) for a, b in zip(forest.row, forest.col, strict=True))


def theme_graphs(
    segments: pd.DataFrame, themes: pd.DataFrame, keywords: pd.DataFrame, n_terms: int = 25
) -> dict[int, Similitude]:
    """The similitude graph of every theme of ``themes`` (``theme_id``, ``label``), its terms
    taken by :func:`theme_terms` from the keywords table (``theme_id``, ``rank``, ``term``)."""
    by_theme = terms_by_theme(keywords)
    graphs = {}
    for theme, label in zip(themes[schema.THEME_ID], themes[schema.LABEL], strict=True):
        if theme == schema.UNCLASSIFIED:
            continue
        terms = theme_terms(segments, theme, by_theme.get(theme, []), n_terms)
        graphs[int(theme)] = similitude(segments, theme, terms, label=str(label))
    return graphs
