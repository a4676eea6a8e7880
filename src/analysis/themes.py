"""Themes of a set of concertations: the :class:`ThemeModel` and what analysts read from it.

Three methods share one vocabulary (:mod:`analysis.vectorise`) and one way of describing themes:

- ``"nmf"``: TF-IDF on lemmas and expressions, then non-negative matrix factorisation;
- ``"reinert"``: the descending hierarchical classification of Reinert, as in IRaMuTeQ and
  rainette (see :func:`reinert_tree` and :func:`cross_with_hierarchy`);
- ``"kmeans"``: latent semantic analysis (truncated SVD of TF-IDF), then k-means.

Whatever the method, each theme is then described the same way: a centroid (the mean TF-IDF row
of its segments), keywords ranked by a chi-square specificity on presence/absence, a short label
built from its top terms (expressions first), its most typical segments, and its similarity to
the other themes.

Membership rules (the "documented thresholds")
----------------------------------------------
- ``theme_score`` is the cosine similarity between a segment's TF-IDF row and the centroid of its
  main theme (0 to 1): how much of the segment's weighted vocabulary is the theme's.
- A segment is *unclassified* (``theme_id == -1``) when its score is below
  ``unclassified_threshold`` (default 0.1) or when none of its lemmas is in the vocabulary.
- A segment carries a second theme when its membership in another theme is at least
  ``second_theme_ratio`` (default 0.75) times its membership in the main one.

Determinism: the rows are put in a canonical order (by ``segment_id``, then lemmas) before any
computation and every random step is seeded with ``random_state``, so the same corpus and
settings give the same themes whatever the order of the input files.

Example
-------
>>> model = ThemeModel("nmf", n_themes=6, random_state=0).fit(segments)  # doctest: +SKIP
>>> segments, themes = assign_themes(segments, model)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, svds
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from analysis import schema
from analysis.vectorise import (
    LemmaVectoriser,
    display_term,
    lemma_strings,
    normalise_rows,
    presence_from_counts,
    tfidf_from_counts,
)

Method = Literal["nmf", "reinert", "kmeans"]
METHODS: tuple[str, ...] = ("nmf", "reinert", "kmeans")
LABEL_SEPARATOR = " · "
NO_THEME = -1  # internal label of an unclassified segment (the model's own numbering)

# diagnostics table columns (auto k)
K = "k"
STABILITY = "stability"
COHERENCE = "coherence"
SEPARATION = "separation"
UNCLASSIFIED_SHARE = "unclassified_share"
COMBINED = "score"
CHOSEN = "chosen"
PREVIOUS = "previous"  # the previous run's number of themes
K_TOLERANCE = 0.1  # the previous k is kept when its score is this close to the best


def choose_k(diagnostics: pd.DataFrame, prefer_n_themes: int | None = None) -> pd.DataFrame:
    """Mark the chosen number of themes in an auto-k diagnostics table.

    The best combined score wins, unless ``prefer_n_themes`` (the previous run's k) is within
    ``K_TOLERANCE`` of it. Returns a copy with the columns ``chosen`` and ``previous`` set
    again (a table of an earlier fit may carry another run's marks); :func:`chosen_k` reads it.
    """
    table = diagnostics.drop(columns=[CHOSEN, PREVIOUS], errors="ignore").reset_index(drop=True)
    table[CHOSEN] = False
    best = int(np.argmax(table[COMBINED].to_numpy()))
    table[PREVIOUS] = table[K] == prefer_n_themes
    previous = np.flatnonzero(table[PREVIOUS].to_numpy())
    if (
        len(previous)
        and table[COMBINED].iloc[previous[0]] >= table[COMBINED].iloc[best] - K_TOLERANCE
    ):
        best = int(previous[0])
    table.loc[best, CHOSEN] = True
    return table


def chosen_k(diagnostics: pd.DataFrame) -> int:
    """The k marked ``chosen`` in a table of :func:`choose_k`."""
    return int(diagnostics.loc[diagnostics[CHOSEN], K].iloc[0])


class ThemeError(ValueError):
    """The segments cannot give the requested themes (too few, identical, no vocabulary...)."""


class ThemeWarning(UserWarning):
    """The themes were computed, but not exactly as asked (fewer themes, settings adjusted)."""


# --- Reinert's descending hierarchical classification -----------------------------------------


@dataclass
class ReinertTree:
    """The result of Reinert's repeated bipartitions.

    Attributes
    ----------
    members
        For each class ever created (0 is the root), the row indices it holds.
    splits
        ``(parent, first_child, second_child, chi2)`` in the order the splits were made; the
        largest class is always split next, so cutting at k classes keeps the first k - 1 splits.
    """

    n_rows: int
    members: list[np.ndarray] = field(default_factory=list)
    splits: list[tuple[int, int, int, float]] = field(default_factory=list)

    def nodes_at(self, n_classes: int) -> list[np.ndarray]:
        """Row indices of every node (leaves and inner nodes, not the root) of the tree cut at
        ``n_classes`` classes."""
        nodes = []
        for _, first, second, _ in self.splits[: max(n_classes - 1, 0)]:
            nodes.extend([self.members[first], self.members[second]])
        return nodes

    def labels_at(self, n_classes: int) -> np.ndarray:
        """Return the class (0..k-1, by order of creation) of every row when cut at k classes."""
        leaves = [0]
        for parent, first, second, _ in self.splits[: max(n_classes - 1, 0)]:
            leaves.remove(parent)
            leaves.extend([first, second])
        labels = np.full(self.n_rows, NO_THEME, dtype=np.int64)
        for new_id, node in enumerate(sorted(leaves)):
            labels[self.members[node]] = new_id
        return labels


def _ca_first_axis(matrix: sp.csr_matrix, random_state: int) -> np.ndarray | None:
    """Row coordinates on the first axis of the correspondence analysis of ``matrix``.

    The CA axes are the singular vectors of ``Dr^-1/2 (P - r c') Dc^-1/2``; the rank-one
    centring term is applied inside a LinearOperator so the sparse matrix is never densified.
    Returns None when the rows have no axis to be told apart on (every row has the same
    profile: the total inertia is zero).
    """
    total = matrix.sum()
    row_mass = np.asarray(matrix.sum(axis=1)).ravel() / total
    col_mass = np.asarray(matrix.sum(axis=0)).ravel() / total
    scaled = sp.diags(1 / np.sqrt(row_mass)) @ (matrix / total) @ sp.diags(1 / np.sqrt(col_mass))
    scaled = sp.csr_matrix(scaled)
    # total inertia = ||scaled||² - 1 (the centring term's norm is 1 and its product with
    # ``scaled`` is 1): zero when all rows share one profile (identical rows, rank one)
    if scaled.multiply(scaled).sum() - 1.0 <= 1e-10:
        return None
    sqrt_r, sqrt_c = np.sqrt(row_mass), np.sqrt(col_mass)
    if min(matrix.shape) <= 3:
        left = _dense_first_vector(scaled, sqrt_r, sqrt_c)
    else:
        operator = LinearOperator(
            matrix.shape,
            matvec=lambda v: scaled @ np.ravel(v) - sqrt_r * (sqrt_c @ np.ravel(v)),
            rmatvec=lambda v: scaled.T @ np.ravel(v) - sqrt_c * (sqrt_r @ np.ravel(v)),
            dtype=np.float64,
        )
        start = np.random.default_rng(random_state).uniform(0.5, 1.5, size=min(matrix.shape))
        try:
            left = svds(operator, k=1, v0=start, random_state=random_state)[0][:, 0]
        except (ArpackError, ArpackNoConvergence):
            # ARPACK gives up on some degenerate matrices (blocks, a start vector orthogonal
            # to every axis) depending on the SciPy build: the dense decomposition does not
            left = _dense_first_vector(scaled, sqrt_r, sqrt_c)
    coordinates = left / sqrt_r
    # The sign of a singular vector is arbitrary: fix it so the run is reproducible.
    if coordinates[np.argmax(np.abs(coordinates))] < 0:
        coordinates = -coordinates
    return coordinates


def _dense_first_vector(
    scaled: sp.csr_matrix, sqrt_r: np.ndarray, sqrt_c: np.ndarray
) -> np.ndarray:
    """The first left singular vector of the centred matrix, by a dense decomposition (the
    Gram matrix of the smaller side, so that a tall matrix stays small)."""
    if scaled.shape[0] <= scaled.shape[1]:
        centred = scaled.toarray() - np.outer(sqrt_r, sqrt_c)
        return np.linalg.svd(centred, full_matrices=False)[0][:, 0]
    # tall: eigenvectors of C'C (terms × terms), then u = C v / s
    centred_t = scaled.T.toarray() - np.outer(sqrt_c, sqrt_r)
    values, vectors = np.linalg.eigh(centred_t @ centred_t.T)
    right = vectors[:, -1]
    left = centred_t.T @ right
    return left / max(np.linalg.norm(left), 1e-300)


def _chi2_of_cuts(group_sums: np.ndarray, group_totals: np.ndarray, col: np.ndarray) -> np.ndarray:
    """Chi-square of the 2 × terms table for each candidate first group (one per row).

    With ``D = G1 - R1 c / N``, the chi-square of the two-row table reduces to
    ``N² / (R1 R2) · Σ D² / c``.
    """
    total = col.sum()
    other = total - group_totals
    valid = (group_totals > 0) & (other > 0)
    deviation = group_sums - np.outer(group_totals, col / total)
    chi2 = np.zeros(len(group_totals))
    chi2[valid] = (
        total**2 / (group_totals[valid] * other[valid]) * (deviation[valid] ** 2 / col).sum(axis=1)
    )
    return chi2


def _best_cut(ordered: sp.csr_matrix, n_blocks: int = 256) -> int:
    """Return m such that rows [0, m) vs [m, n) of ``ordered`` maximise the chi-square.

    Cuts are first scored at block boundaries, then every cut around the best boundary is
    scored exactly; the chi-square along the first CA axis is smooth, so this finds the
    optimum that scoring all n - 1 cuts would find, at a fraction of the memory.
    """
    n_rows = ordered.shape[0]
    col = np.asarray(ordered.sum(axis=0)).ravel()
    row_totals = np.asarray(ordered.sum(axis=1)).ravel()
    bounds = np.unique(np.linspace(0, n_rows, min(n_blocks, n_rows) + 1).astype(int))
    block_of_row = np.searchsorted(bounds, np.arange(n_rows), side="right") - 1
    indicator = sp.csr_matrix(
        (np.ones(n_rows), (block_of_row, np.arange(n_rows))), shape=(len(bounds) - 1, n_rows)
    )
    cumulative = np.cumsum((indicator @ ordered).toarray(), axis=0)[:-1]
    cum_totals = np.cumsum(indicator @ row_totals)[:-1]
    best_block = int(np.argmax(_chi2_of_cuts(cumulative, cum_totals, col)))
    low = bounds[max(best_block, 0)]
    high = bounds[min(best_block + 2, len(bounds) - 1)]
    start_sums = cumulative[best_block - 1] if best_block > 0 else np.zeros_like(col)
    start_total = cum_totals[best_block - 1] if best_block > 0 else 0.0
    window = np.cumsum(ordered[low:high].toarray(), axis=0) + start_sums
    window_totals = np.cumsum(row_totals[low:high]) + start_total
    chi2 = _chi2_of_cuts(window, window_totals, col)
    chi2[-1] = chi2[-1] if high < n_rows else -1.0  # never put every row in the first group
    return int(low + np.argmax(chi2) + 1)


def _improve_by_switching(matrix: sp.csr_matrix, first: np.ndarray, max_rounds: int = 10) -> None:
    """Move rows between the two groups while it raises the chi-square (in place), as rainette.

    The gain of moving each row alone is computed for all rows at once; rows with a positive
    gain move together, and the batch is halved when moving it together does not help.
    """
    col = np.asarray(matrix.sum(axis=0)).ravel()
    row_totals = np.asarray(matrix.sum(axis=1)).ravel()
    total = col.sum()
    squared = matrix.multiply(matrix) @ (1 / col)

    def chi2_of(mask: np.ndarray) -> float:
        sums = np.asarray(matrix[mask].sum(axis=0)).ravel()[None, :]
        return float(_chi2_of_cuts(sums, np.array([row_totals[mask].sum()]), col)[0])

    current = chi2_of(first)
    for _ in range(max_rounds):
        group_sums = np.asarray(matrix[first].sum(axis=0)).ravel()
        group_total = row_totals[first].sum()
        deviation = group_sums - group_total * col / total
        base = (deviation**2 / col).sum()
        direction = np.where(first, -1.0, 1.0)
        new_total = group_total + direction * row_totals
        new_sq = (
            base + 2 * direction * (matrix @ (deviation / col)) + squared - row_totals**2 / total
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            candidate = total**2 / (new_total * (total - new_total)) * new_sq
        gains = np.nan_to_num(candidate - current, nan=-np.inf, posinf=-np.inf)
        movers = np.flatnonzero(gains > 1e-9)
        movers = movers[np.argsort(-gains[movers], kind="stable")]
        improved = False
        while len(movers):
            trial = first.copy()
            trial[movers] = ~trial[movers]
            if 0 < trial.sum() < len(trial) and (score := chi2_of(trial)) > current + 1e-9:
                first[:], current, improved = trial, score, True
                break
            movers = movers[: len(movers) // 2]
        if not improved:
            return


def _bipartition(matrix: sp.csr_matrix, random_state: int) -> np.ndarray | None:
    """Split the rows of a presence matrix in two along its first CA axis (True: first group)."""
    matrix = matrix[:, np.flatnonzero(np.asarray(matrix.sum(axis=0)).ravel() > 0)]
    if matrix.shape[0] < 2 or matrix.shape[1] < 2:
        return None
    coordinates = _ca_first_axis(matrix, random_state)
    if coordinates is None:  # one profile: nothing to tell apart
        return None
    order = np.lexsort((np.arange(len(coordinates)), coordinates))
    cut = _best_cut(matrix[order])
    first = np.zeros(matrix.shape[0], dtype=bool)
    first[order[:cut]] = True
    _improve_by_switching(matrix, first)
    if first.all() or not first.any():
        return None
    return first


def reinert_tree(
    presence: sp.csr_matrix, *, max_classes: int, min_split_members: int = 10, random_state: int = 0
) -> ReinertTree:
    """Reinert's descending hierarchical classification of the rows of a presence matrix.

    The whole set is split in two along the first axis of its correspondence analysis, at the
    cut that maximises the chi-square between the two halves (then refined by moving rows one
    group to the other while it raises the chi-square, as rainette does); the largest remaining
    class is split next, until ``max_classes`` classes exist or no class can be split.

    Parameters
    ----------
    presence
        Segments × terms, 1 when the segment contains the term.
    max_classes
        Number of terminal classes to reach.
    min_split_members
        Classes with fewer rows are never split.
    random_state
        Seed of the sparse SVD's start vector.

    Returns
    -------
    ReinertTree
    """
    rows_with_terms = np.flatnonzero(np.asarray(presence.sum(axis=1)).ravel() > 0)
    tree = ReinertTree(n_rows=presence.shape[0], members=[rows_with_terms])
    leaves, unsplittable = [0], set()
    while len(leaves) < max_classes:
        candidates = [n for n in leaves if n not in unsplittable]
        candidates = [n for n in candidates if len(tree.members[n]) >= max(min_split_members, 2)]
        if not candidates:
            break
        node = max(candidates, key=lambda n: (len(tree.members[n]), -n))
        rows = tree.members[node]
        first = _bipartition(presence[rows], random_state)
        if first is None:
            unsplittable.add(node)
            continue
        halves = sorted([rows[first], rows[~first]], key=lambda r: (-len(r), r[0]))
        sub = presence[rows]
        chi2 = float(
            _chi2_of_cuts(
                np.asarray(sub[first].sum(axis=0)).ravel()[None, :],
                np.array([sub[first].sum()]),
                np.asarray(sub.sum(axis=0)).ravel() + 1e-12,
            )[0]
        )
        tree.members.extend(halves)
        new_ids = (len(tree.members) - 2, len(tree.members) - 1)
        tree.splits.append((node, *new_ids, chi2))
        leaves.remove(node)
        leaves.extend(new_ids)
    return tree


def merge_into_units(
    doc_ids: np.ndarray, positions: np.ndarray, sizes: np.ndarray, min_size: int
) -> np.ndarray:
    """Group consecutive segments of a document until each group has ``min_size`` words.

    This builds the second, longer segmentation of Reinert's double classification. The last
    group of a document, when it is too short, joins the one before it.

    Returns
    -------
    numpy.ndarray
        The unit number of every segment (same order as the input), numbered from 0.
    """
    doc_codes = pd.factorize(pd.Series(doc_ids).astype(str), sort=True)[0]
    order = np.lexsort((np.asarray(positions), doc_codes))
    units = np.empty(len(order), dtype=np.int64)
    unit_docs, unit_sizes = [], []
    for row in order:
        if not unit_docs or unit_docs[-1] != doc_codes[row] or unit_sizes[-1] >= min_size:
            unit_docs.append(doc_codes[row])
            unit_sizes.append(0)
        units[row] = len(unit_docs) - 1
        unit_sizes[-1] += int(sizes[row])
    remap = np.arange(len(unit_docs))
    for unit in range(1, len(unit_docs)):
        if unit_sizes[unit] < min_size and unit_docs[unit] == unit_docs[unit - 1]:
            remap[unit] = remap[unit - 1]
    return np.unique(remap[units], return_inverse=True)[1]


def cross_with_hierarchy(
    labels_a: np.ndarray, nodes_b: list[np.ndarray], *, min_members: int = 3
) -> np.ndarray:
    """Double classification against every level of the second hierarchy.

    Reinert's crossed classes may pair a class of one classification with a class of any
    level of the other (rainette2 searches them all). Here each terminal class of A is
    crossed with the node of B's tree, leaf or not, that it is most associated with
    (highest chi-square of the 2 × 2 table, more segments in common than expected, at least
    ``min_members``); it keeps the segments that both put together. Classes of A are
    disjoint, so the crossed classes are too, and no class of A is lost because B cut it in
    two.

    Parameters
    ----------
    labels_a
        Terminal class of every segment in the first classification (-1: none).
    nodes_b
        Row indices of each node of the second tree (leaves and inner nodes, not the root).

    Returns
    -------
    numpy.ndarray
        The class of A of each segment kept, -1 for the segments left out.
    """
    labels = np.full(len(labels_a), NO_THEME, dtype=np.int64)
    if not nodes_b:
        return labels
    masks = np.zeros((len(nodes_b), len(labels_a)), dtype=bool)
    for row, members in enumerate(nodes_b):
        masks[row, members] = True
    total = int(masks.any(axis=0).sum())
    in_b = masks.sum(axis=1)
    for theme in np.unique(labels_a[labels_a >= 0]):
        in_a = labels_a == theme
        both = masks[:, in_a].sum(axis=1)
        size_a = int((in_a & masks.any(axis=0)).sum())
        b, c = size_a - both, in_b - both
        d = total - both - b - c
        with np.errstate(divide="ignore", invalid="ignore"):
            chi2 = (
                total
                * (both * d - b * c) ** 2
                / (size_a * (total - size_a) * in_b * (total - in_b))
            )
        chi2 = np.nan_to_num(chi2)
        usable = (both >= min_members) & (both * total > size_a * in_b) & (chi2 > 3.84)
        if usable.any():
            best = int(np.argmax(np.where(usable, chi2, -1.0)))
            labels[in_a & masks[best]] = theme
    return labels


# --- keywords and labels -------------------------------------------------------------------


def keyword_table(
    presence: sp.csr_matrix,
    labels: np.ndarray,
    vocabulary: np.ndarray,
    *,
    n_keywords: int = 10,
    theme_ids: np.ndarray | None = None,
) -> pd.DataFrame:
    """Rank the terms of each theme by their chi-square specificity (as IRaMuTeQ does).

    For each theme and term, the 2 × 2 table (in the theme / elsewhere × with / without the
    term) gives a chi-square; only over-represented terms found in at least two of the theme's
    segments (one for themes of fewer than five segments) are kept.

    Parameters
    ----------
    presence
        Segments × terms presence matrix (the vocabulary already excludes stop words).
    labels
        Theme of every segment (any integers; negative values are "unclassified").
    vocabulary
        The term of every column.
    n_keywords
        Terms kept per theme.
    theme_ids
        The themes to describe (default: every non-negative label, sorted).

    Returns
    -------
    pandas.DataFrame
        Columns ``theme_id``, ``rank`` (from 1), ``term``, ``chi2``, ``n_segments`` (segments of
        the theme with the term), sorted by theme then rank.
    """
    labels = np.asarray(labels)
    if theme_ids is None:
        theme_ids = np.unique(labels[labels >= 0])
    n_total = presence.shape[0]
    term_df = np.asarray(presence.sum(axis=0)).ravel()
    rows = []
    for theme in theme_ids:
        in_theme = labels == theme
        size = int(in_theme.sum())
        a = np.asarray(presence[in_theme].sum(axis=0)).ravel()
        b, c = size - a, term_df - a
        d = n_total - size - c
        with np.errstate(divide="ignore", invalid="ignore"):
            chi2 = (
                n_total
                * (a * d - b * c) ** 2
                / (size * (n_total - size) * term_df * (n_total - term_df))
            )
        chi2 = np.nan_to_num(chi2)
        over = (a * n_total > term_df * size) & (a >= (2 if size >= 5 else 1))
        candidates = np.flatnonzero(over)
        ranked = candidates[np.lexsort((vocabulary[candidates], -chi2[candidates]))][:n_keywords]
        for rank, column in enumerate(ranked, start=1):
            rows.append((int(theme), rank, vocabulary[column], float(chi2[column]), int(a[column])))
    columns = [schema.THEME_ID, "rank", "term", "chi2", schema.N_SEGMENTS]
    return pd.DataFrame(rows, columns=columns)


def short_label(terms: list[str], *, n_terms: int = 3, pool: int = 6) -> str:
    """Build a theme label from its ranked keywords: expressions first, then single words.

    Among the ``pool`` best keywords, expressions (``police_municipale``) come first, in their
    rank order; single words already inside a chosen expression are skipped.

    Example
    -------
    >>> short_label(["recrutement", "police_municipale", "policier", "formation"])
    'police municipale · recrutement · policier'
    """
    best = list(terms[:pool])
    expressions = [t for t in best if "_" in t]
    words = [t for t in best if "_" not in t]
    chosen: list[str] = []
    for term in expressions + words:
        inside_expression = any(term in e.split("_") for e in chosen if "_" in e)
        if not inside_expression and term not in chosen:
            chosen.append(term)
        if len(chosen) == n_terms:
            break
    return LABEL_SEPARATOR.join(display_term(t) for t in chosen)


def theme_centroids(matrix: sp.csr_matrix, labels: np.ndarray, n_themes: int) -> np.ndarray:
    """Unit-length mean row of each theme (themes 0..n_themes-1; negative labels ignored)."""
    labels = np.asarray(labels)
    kept = np.flatnonzero((labels >= 0) & (labels < n_themes))
    indicator = sp.csr_matrix(
        (np.ones(len(kept)), (labels[kept], kept)), shape=(n_themes, matrix.shape[0])
    )
    return normalize(np.asarray((indicator @ matrix).todense()), norm="l2")


def npmi_coherence(presence: sp.csr_matrix, term_columns: list[np.ndarray]) -> float:
    """Mean normalised pointwise mutual information of each theme's top-term pairs.

    Co-occurrence is counted in segments; a pair that never co-occurs scores -1. Returns the
    mean over themes (themes with fewer than two terms are skipped), NaN when none is left.
    """
    n_rows = presence.shape[0]
    scores = []
    for columns in term_columns:
        if len(columns) < 2:
            continue
        sub = presence[:, columns]
        joint = np.asarray((sub.T @ sub).todense()) / n_rows
        single = np.diag(joint)
        upper = np.triu_indices(len(columns), k=1)
        p_xy, p_x, p_y = joint[upper], single[upper[0]], single[upper[1]]
        with np.errstate(divide="ignore", invalid="ignore"):
            npmi = np.log(p_xy / (p_x * p_y)) / -np.log(p_xy)
        npmi[p_xy == 0] = -1.0
        npmi[p_xy == 1] = 1.0
        scores.append(float(np.nanmean(npmi)))
    return float(np.mean(scores)) if scores else float("nan")


# --- the model -----------------------------------------------------------------------------


@dataclass
class _Prepared:
    """The fitted rows in canonical order, with what the methods need."""

    order: np.ndarray  # canonical rank -> input row
    tfidf: sp.csr_matrix
    presence: sp.csr_matrix
    n_distinct: int
    units: np.ndarray | None  # Reinert's second segmentation (None: not available)

    def take(self, rows: np.ndarray) -> _Prepared:
        """The same data restricted to ``rows`` (canonical positions)."""
        units = None if self.units is None else np.unique(self.units[rows], return_inverse=True)[1]
        return _Prepared(
            self.order[rows], self.tfidf[rows], self.presence[rows], self.n_distinct, units
        )


def canonical_order(segments: pd.DataFrame | pd.Series | list[str]) -> np.ndarray:
    """Return the row order used for fitting: by ``segment_id`` when known, then by lemmas.

    Sorting first is what makes the themes independent of the order of the input files.
    """
    texts = lemma_strings(segments)
    keys = pd.DataFrame({"lemmas": texts.to_numpy()})
    if isinstance(segments, pd.DataFrame) and schema.SEGMENT_ID in segments.columns:
        keys.insert(0, "id", segments[schema.SEGMENT_ID].astype(str).to_numpy())
    return keys.sort_values(list(keys.columns), kind="mergesort").index.to_numpy()


def corpus_fingerprint(segments: pd.DataFrame | pd.Series | list[str]) -> str:
    """Hash of the (segment_id, lemmas) pairs, independent of row order."""
    texts = lemma_strings(segments)
    ids = (
        segments[schema.SEGMENT_ID].astype(str).to_numpy()
        if isinstance(segments, pd.DataFrame) and schema.SEGMENT_ID in segments.columns
        else np.arange(len(texts)).astype(str)
    )
    digest = hashlib.sha1()
    for position in canonical_order(segments):
        digest.update(f"{ids[position]}\t{texts.iloc[position]}\n".encode())
    return digest.hexdigest()


def _with_paragraph_context(
    tfidf: sp.csr_matrix, frame: pd.DataFrame, weight: float
) -> sp.csr_matrix:
    """Add ``weight`` times the other segments of the same paragraph to each segment's row.

    A 40-word segment is a thin sample of its paragraph, which has one theme: borrowing the
    paragraph's vocabulary makes the segment's row less sparse without crossing paragraphs.
    Tables without ``doc_id`` and ``paragraph`` (or with one segment per paragraph) are left
    as they are.
    """
    if not {schema.DOC_ID, schema.PARAGRAPH} <= set(frame.columns):
        return tfidf
    keys = frame[schema.DOC_ID].astype(str) + "\x1f" + frame[schema.PARAGRAPH].astype(str)
    groups = pd.factorize(keys.to_numpy())[0]
    if groups.max() + 1 == len(groups):
        return tfidf
    indicator = sp.csr_matrix(
        (np.ones(len(groups)), (groups, np.arange(len(groups)))),
        shape=(groups.max() + 1, len(groups)),
    )
    paragraph_sums = indicator.T @ (indicator @ tfidf)
    return normalise_rows(tfidf + weight * (paragraph_sums - tfidf))


def _segment_sizes(frame: pd.DataFrame) -> np.ndarray:
    """Words per segment: ``n_words`` when present, else words of ``text``, else lemmas."""
    if schema.N_WORDS in frame.columns:
        return frame[schema.N_WORDS].fillna(0).astype(int).to_numpy()
    column = schema.TEXT if schema.TEXT in frame.columns else schema.LEMMAS
    return frame[column].fillna("").astype(str).str.split().str.len().to_numpy()


class ThemeModel:
    """Find the themes of a set of segments, scikit-learn style.

    Parameters
    ----------
    method
        ``"nmf"``, ``"reinert"`` or ``"kmeans"`` (see the module docstring).
    n_themes
        Number of themes, or ``"auto"`` to choose it between ``k_min`` and ``k_max`` from
        stability, coherence and separation (table in ``diagnostics_``).
    random_state
        Seed of every random step; the same seed gives the same themes.
    k_min, k_max
        Range searched when ``n_themes="auto"``.
    n_init
        k-means restarts.
    min_df, max_df
        Vocabulary filters (see :class:`analysis.vectorise.LemmaVectoriser`).
    n_keywords
        Keywords kept per theme.
    unclassified_threshold
        A segment whose cosine similarity to its theme's centroid is below this is unclassified.
    second_theme_ratio
        A second theme is kept when its membership is at least this share of the main one's.
    reinert_min_segment_size
        Words of the longer units of Reinert's double classification.
    reinert_min_class_size
        Reinert classes smaller than this are not split.
    reinert_min_members
        Smallest crossed class kept by the double classification.
    reinert_complete
        Give the segments left out by the double classification their nearest class when their
        similarity to it reaches ``unclassified_threshold`` (as rainette2_complete_groups).
    reinert_double
        Run Reinert's double classification (on the segments and on units of
        ``reinert_min_segment_size`` words) when the table has ``doc_id`` and ``position``;
        segments on which the two disagree are left out (then completed, see above).
    min_terms
        Segments with fewer vocabulary terms do not shape the themes; they join their nearest
        theme afterwards when close enough to it (else they stay unclassified).
    context_weight
        In segment mode, each segment's TF-IDF row gets this share of the rows of the other
        segments of its paragraph (0 disables; needs ``doc_id`` and ``paragraph``).
    auto_sample_size
        The auto-k criteria are computed on at most this many segments (a seeded subsample).
    n_resamples
        Subsamples (80 % of the segments each) used to measure stability for auto k.
    lsa_components
        Dimensions of the LSA before k-means.

    Attributes
    ----------
    n_themes_ : int
        Number of themes found (may be lower than asked; a ThemeWarning says so).
    labels_ : numpy.ndarray
        Theme of each fitted segment (0..n_themes_-1, ordered by decreasing size), -1 when
        unclassified, in the order of the input rows.
    scores_, second_labels_ : numpy.ndarray
        Cosine similarity to the main theme; second theme or -1.
    membership_ : numpy.ndarray
        Segments × themes cosine similarity to each theme's centroid.
    keywords_ : list of list of str
        Ranked keywords of each theme; ``keyword_table_`` holds their chi-square.
    theme_labels_ : list of str
        Short label of each theme ("police municipale · recrutement · formation").
    centroids_ : numpy.ndarray
        Themes × vocabulary unit-length mean TF-IDF rows; ``vocabulary_`` names the columns.
    diagnostics_ : pandas.DataFrame or None
        The auto-k table (one row per k), None when ``n_themes`` was given.
    unclassified_share_ : float
        Share of segments left unclassified.
    """

    def __init__(
        self,
        method: Method = "nmf",
        n_themes: int | Literal["auto"] = "auto",
        *,
        random_state: int = 0,
        k_min: int = 4,
        k_max: int = 16,
        n_init: int = 5,
        min_df: int | float = 2,
        max_df: int | float = 0.5,
        n_keywords: int = 10,
        unclassified_threshold: float = 0.1,
        second_theme_ratio: float = 0.75,
        reinert_min_segment_size: int = 40,
        reinert_min_class_size: int = 10,
        reinert_min_members: int = 3,
        reinert_complete: bool = True,
        reinert_double: bool = True,
        min_terms: int = 3,
        context_weight: float = 0.5,
        auto_sample_size: int = 4000,
        n_resamples: int = 4,
        lsa_components: int = 100,
    ) -> None:
        self.method = method
        self.n_themes = n_themes
        self.random_state = random_state
        self.k_min = k_min
        self.k_max = k_max
        self.n_init = n_init
        self.min_df = min_df
        self.max_df = max_df
        self.n_keywords = n_keywords
        self.unclassified_threshold = unclassified_threshold
        self.second_theme_ratio = second_theme_ratio
        self.reinert_min_segment_size = reinert_min_segment_size
        self.reinert_min_class_size = reinert_min_class_size
        self.reinert_min_members = reinert_min_members
        self.reinert_complete = reinert_complete
        self.reinert_double = reinert_double
        self.min_terms = min_terms
        self.context_weight = context_weight
        self.auto_sample_size = auto_sample_size
        self.n_resamples = n_resamples
        self.lsa_components = lsa_components

    @classmethod
    def from_config(cls, config: Any, **overrides: Any) -> ThemeModel:
        """Build a model from ``config.themes`` (a :class:`analysis.config.ThemesConfig`).

        Keys of the section that are not model parameters (``curation_file``...) are ignored;
        ``overrides`` replace any setting (``n_themes=8``).
        """
        import inspect

        accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
        values = {k: v for k, v in vars(config).items() if k in accepted}
        return cls(**{**values, **overrides})

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the constructor settings (scikit-learn convention)."""
        import inspect

        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def set_params(self, **params: Any) -> ThemeModel:
        """Change constructor settings (scikit-learn convention); refit afterwards."""
        known = self.get_params()
        for name, value in params.items():
            if name not in known:
                raise ThemeError(
                    f"ThemeModel n'a pas de réglage {name!r} ; ses réglages : {', '.join(known)}."
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.get_params().items() if k in ("method", "n_themes")}
        return f"ThemeModel({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    # fitting ----------------------------------------------------------------------------

    def fit(
        self,
        segments: pd.DataFrame | pd.Series | list[str],
        y: Any = None,
        *,
        prefer_n_themes: int | None = None,
        diagnostics: pd.DataFrame | None = None,
    ) -> ThemeModel:
        """Find the themes of ``segments``.

        Parameters
        ----------
        segments
            The segments table (needs ``lemmas``; ``segment_id`` fixes the canonical order;
            ``doc_id``, ``position`` and ``n_words`` or ``text`` allow Reinert's double
            classification), or the lemma strings alone.
        y
            Ignored (scikit-learn convention).
        prefer_n_themes
            With ``n_themes="auto"``: keep this number of themes (the previous run's) when its
            combined score is within ``K_TOLERANCE`` of the best, so that adding a few
            documents does not reshuffle the themes. :func:`run_themes` passes it.
        diagnostics
            With ``n_themes="auto"``: the ``diagnostics_`` of an earlier fit of a model with the
            same settings on the same segments. The search for k is skipped and its table
            reused (k is chosen again, for ``prefer_n_themes``); a table for other values of k
            is ignored. The pipeline keeps it beside the cached parse.

        Returns
        -------
        ThemeModel
            ``self``, fitted.

        Raises
        ------
        ThemeError
            On unusable settings or segments (too few, all identical, no vocabulary, more
            themes than distinct segments); the message says what to change.
        """
        self._check_params()
        # The dense algebra here is on thin matrices (themes × terms), where BLAS and OpenMP
        # threads cost more than they save, above all on a busy 2-core machine.
        self._prefer_n_themes = prefer_n_themes
        self._known_diagnostics = diagnostics
        with threadpool_limits(limits=1):
            self._fit(segments)
        self.fingerprint_ = corpus_fingerprint(segments)
        return self

    def _fit(self, segments: pd.DataFrame | pd.Series | list[str]) -> None:
        data = self._prepare(segments)
        # Very short segments ("Imprimer", "Partager") would form themes of their own: the
        # themes are found on the segments with at least min_terms terms, and the short ones
        # join their nearest theme afterwards when they are close enough to it.
        fit_rows = np.flatnonzero(data.presence.getnnz(axis=1) >= self.min_terms)
        if len(np.unique(data.tfidf[fit_rows].indices)) < 2 or len(fit_rows) < data.n_distinct / 2:
            fit_rows = np.flatnonzero(data.presence.getnnz(axis=1) > 0)
        fit_data = data.take(fit_rows)
        n_themes = self._resolve_n_themes(fit_data)
        fit_labels, _, estimator = self._cluster(fit_data, n_themes, self.random_state, final=True)
        self.estimator_ = estimator
        labels = np.full(data.tfidf.shape[0], NO_THEME, dtype=np.int64)
        labels[fit_rows] = fit_labels
        short = np.ones(len(labels), dtype=bool)
        short[fit_rows] = False
        labels = self._complete(data.tfidf, labels, rows=short)
        self._describe(data, labels)
        if self.n_themes_ < n_themes:
            warnings.warn(
                f"La méthode {self.method} a trouvé {self.n_themes_} thèmes au lieu de "
                f"{n_themes} : des classes étaient vides ou trop petites. Baissez "
                "themes.n_themes (ou themes.reinert_min_members) pour que chaque thème ait "
                "ses segments.",
                ThemeWarning,
                stacklevel=3,
            )

    def fit_predict(
        self, segments: pd.DataFrame | pd.Series | list[str], y: Any = None
    ) -> np.ndarray:
        """Fit, then return ``labels_``."""
        return self.fit(segments).labels_

    def transform(self, segments: pd.DataFrame | pd.Series | list[str]) -> np.ndarray:
        """Return the segments × themes cosine similarity to each theme's centroid."""
        self._check_fitted()
        matrix = self.vectoriser_.tfidf(lemma_strings(segments))
        return np.asarray(matrix @ self.centroids_.T)

    def predict(self, segments: pd.DataFrame | pd.Series | list[str]) -> np.ndarray:
        """Return the nearest theme of each segment, -1 below ``unclassified_threshold``."""
        membership = self.transform(segments)
        labels = membership.argmax(axis=1)
        best = membership[np.arange(len(labels)), labels]
        return np.where(best >= self.unclassified_threshold, labels, NO_THEME)

    def _check_fitted(self) -> None:
        if not hasattr(self, "centroids_"):
            raise ThemeError(
                "Ce ThemeModel n'est pas encore ajusté : appelez d'abord fit(segments)."
            )

    def _check_params(self) -> None:
        if self.method not in METHODS:
            raise ThemeError(
                f"Méthode de thèmes inconnue : {self.method!r}. Choisissez parmi "
                f"{', '.join(METHODS)} (themes.method dans analysis.toml, ou --method)."
            )
        auto = self.n_themes == "auto"
        if not auto and (not isinstance(self.n_themes, int | np.integer) or self.n_themes < 2):
            raise ThemeError(
                f"n_themes doit valoir 'auto' ou un entier d'au moins 2, pas {self.n_themes!r} "
                "(themes.n_themes dans analysis.toml, ou --themes en ligne de commande)."
            )
        if auto and not 2 <= self.k_min <= self.k_max:
            raise ThemeError(
                f"themes.k_min={self.k_min} et themes.k_max={self.k_max} : il faut "
                "2 <= k_min <= k_max (analysis.toml)."
            )
        if not 0 <= self.unclassified_threshold < 1 or not 0 < self.second_theme_ratio <= 1:
            raise ThemeError(
                "themes.unclassified_threshold doit être dans [0, 1) et "
                f"themes.second_theme_ratio dans (0, 1] ; reçu {self.unclassified_threshold} "
                f"et {self.second_theme_ratio} (analysis.toml)."
            )

    def _prepare(self, segments: pd.DataFrame | pd.Series | list[str]) -> _Prepared:
        """Vectorise the segments in canonical order and check that themes can be found."""
        texts = lemma_strings(segments)
        order = canonical_order(segments)
        ordered = texts.iloc[order].reset_index(drop=True)
        filled = ordered[ordered.str.strip() != ""]
        n_distinct = filled.nunique()
        if n_distinct < 4:
            raise ThemeError(
                f"Seulement {n_distinct} segment(s) distinct(s) non vide(s) sur {len(texts)} : "
                "il en faut au moins 4 pour trouver des thèmes. "
                + (
                    "Tous les segments ont les mêmes lemmes : il n'y a rien à séparer. "
                    if n_distinct == 1
                    else ""
                )
                + "Ajoutez des documents, ou prenez une unité plus fine "
                "(segmentation.unit = 'segment')."
            )
        self.vectoriser_ = LemmaVectoriser(min_df=self.min_df, max_df=self.max_df)
        try:
            self.vectoriser_.fit(ordered)
        except ValueError as error:
            raise ThemeError(str(error)) from error
        counts = self.vectoriser_.counts(ordered)
        self.vocabulary_ = self.vectoriser_.vocabulary_
        units = None
        if isinstance(segments, pd.DataFrame) and {schema.DOC_ID, schema.POSITION} <= set(
            segments.columns
        ):
            frame = segments.iloc[order]
            units = merge_into_units(
                frame[schema.DOC_ID].to_numpy(),
                frame[schema.POSITION].to_numpy(),
                _segment_sizes(frame),
                self.reinert_min_segment_size,
            )
        tfidf = tfidf_from_counts(counts, self.vectoriser_.idf_)
        if self.context_weight > 0 and isinstance(segments, pd.DataFrame):
            tfidf = _with_paragraph_context(tfidf, segments.iloc[order], self.context_weight)
        return _Prepared(
            order=order,
            tfidf=tfidf,
            presence=presence_from_counts(counts),
            n_distinct=int(n_distinct),
            units=units,
        )

    def _resolve_n_themes(self, data: _Prepared) -> int:
        """Return the number of themes to fit, running the auto-k diagnostics when asked."""
        self.diagnostics_ = None
        if self.n_themes != "auto":
            if self.n_themes > data.n_distinct:
                raise ThemeError(
                    f"n_themes={self.n_themes}, mais seuls {data.n_distinct} segments distincts "
                    f"ont des lemmes : choisissez n_themes <= {max(2, data.n_distinct // 3)}, "
                    "ou 'auto'."
                )
            if self.n_themes * 3 > data.n_distinct:
                warnings.warn(
                    f"n_themes={self.n_themes} pour {data.n_distinct} segments distincts laisse "
                    "environ deux segments par thème : de tels thèmes ne sont pas fiables ; "
                    "demandez-en moins.",
                    ThemeWarning,
                    stacklevel=4,
                )
            return int(self.n_themes)
        n_terms = data.tfidf.shape[1]  # NMF cannot find more themes than terms
        k_high = min(self.k_max, data.n_distinct // 5, n_terms)
        k_low = min(self.k_min, k_high)
        if k_high < 2:
            # a note or two: no search is meaningful, but the report still runs to the end
            n_themes = 2 if min(data.n_distinct, n_terms) >= 4 else 1
            warnings.warn(
                f"Seulement {data.n_distinct} segments distincts : trop peu pour choisir le "
                f"nombre de thèmes (il en faut au moins 10) ; {n_themes} thème(s) retenu(s). "
                "Lisez ces thèmes comme une simple indication, ou ajoutez des documents.",
                ThemeWarning,
                stacklevel=4,
            )
            return n_themes
        if (k_low, k_high) != (self.k_min, self.k_max):
            warnings.warn(
                f"Avec {data.n_distinct} segments distincts, le nombre de thèmes est cherché "
                f"entre {k_low} et {k_high} au lieu de {self.k_min} et {self.k_max} "
                "(au moins cinq segments par thème environ).",
                ThemeWarning,
                stacklevel=4,
            )
        rows = np.arange(data.tfidf.shape[0])
        if len(rows) > self.auto_sample_size:
            rng = np.random.default_rng(self.random_state)
            rows = np.sort(rng.choice(len(rows), self.auto_sample_size, replace=False))
        self.k_sample_size_ = len(rows)
        ks = list(range(k_low, k_high + 1))
        known = getattr(self, "_known_diagnostics", None)
        if known is not None and K in known.columns and known[K].tolist() == ks:
            table = known
        else:
            sample = _Prepared(rows, data.tfidf[rows], data.presence[rows], data.n_distinct, None)
            table = self._diagnose(sample, ks)
        self.diagnostics_ = choose_k(table, getattr(self, "_prefer_n_themes", None))
        return chosen_k(self.diagnostics_)

    def _cluster(
        self, data: _Prepared, n_themes: int, seed: int, *, final: bool = False
    ) -> tuple[np.ndarray, np.ndarray | None, Any]:
        """Run the chosen method: labels (-1 for rows it leaves out), weights, estimator."""
        if self.method == "nmf":
            return self._fit_nmf(data.tfidf, n_themes, seed)
        if self.method == "kmeans":
            return self._fit_kmeans(data.tfidf, n_themes, seed, n_init=self.n_init if final else 1)
        return self._fit_reinert(data, n_themes, seed, final=final)

    def _fit_nmf(
        self, tfidf: sp.csr_matrix, n_themes: int, seed: int
    ) -> tuple[np.ndarray, np.ndarray, NMF]:
        # nndsvda is a deterministic SVD-based start: the same data gives the same themes.
        nmf = NMF(n_components=n_themes, init="nndsvda", random_state=seed, max_iter=400, tol=1e-4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)  # max_iter convergence notes
            weights = nmf.fit_transform(tfidf)
        labels = weights.argmax(axis=1)
        labels[weights.sum(axis=1) == 0] = NO_THEME
        return labels, weights, nmf

    def _lsa(self, tfidf: sp.csr_matrix, seed: int) -> np.ndarray:
        """Unit-length rows of the truncated SVD of the TF-IDF matrix (LSA)."""
        n_components = min(self.lsa_components, tfidf.shape[1] - 1, tfidf.shape[0] - 1)
        if n_components < 2:
            return tfidf.toarray()
        svd = TruncatedSVD(n_components=n_components, random_state=seed)
        return normalize(svd.fit_transform(tfidf))

    def _fit_kmeans(
        self,
        tfidf: sp.csr_matrix,
        n_themes: int,
        seed: int,
        *,
        n_init: int,
        reduced: np.ndarray | None = None,
    ) -> tuple[np.ndarray, None, KMeans]:
        reduced = self._lsa(tfidf, seed) if reduced is None else reduced
        kmeans = KMeans(n_clusters=n_themes, n_init=n_init, random_state=seed).fit(reduced)
        labels = kmeans.labels_.astype(np.int64)
        labels[tfidf.getnnz(axis=1) == 0] = NO_THEME
        return labels, None, kmeans

    def _fit_reinert(
        self, data: _Prepared, n_themes: int, seed: int, *, final: bool
    ) -> tuple[np.ndarray, None, ReinertTree]:
        """Reinert's classification; on the final fit, the double classification."""
        settings = {"min_split_members": self.reinert_min_class_size, "random_state": seed}
        tree = reinert_tree(data.presence, max_classes=n_themes, **settings)
        labels = tree.labels_at(n_themes)
        self.reinert_double_ = False
        double = final and self.reinert_double and data.units is not None
        if double and data.units.max() + 1 < len(data.units):
            n_units = int(data.units.max()) + 1
            indicator = sp.csr_matrix(
                (np.ones(len(data.units)), (data.units, np.arange(len(data.units)))),
                shape=(n_units, len(data.units)),
            )
            unit_presence = presence_from_counts(sp.csr_matrix(indicator @ data.presence))
            unit_tree = reinert_tree(unit_presence, max_classes=n_themes, **settings)
            segment_nodes = [
                np.flatnonzero(np.isin(data.units, members))
                for members in unit_tree.nodes_at(n_themes)
            ]
            labels = cross_with_hierarchy(
                labels, segment_nodes, min_members=self.reinert_min_members
            )
            self.reinert_double_ = True
        if final:
            self.reinert_unclassified_before_completion_ = float(np.mean(labels < 0))
            if self.reinert_complete:
                labels = self._complete(data.tfidf, labels)
        return labels, None, tree

    def _complete(
        self, tfidf: sp.csr_matrix, labels: np.ndarray, *, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """Give left-out rows their nearest class when close enough (rainette's completion).

        Only unlabelled rows (and, when ``rows`` is given, only those) are changed; a row joins
        its nearest class when its cosine similarity to the class centroid reaches
        ``unclassified_threshold``.
        """
        n_classes = int(labels.max()) + 1
        if n_classes < 1:
            return labels
        similarity = np.asarray(tfidf @ theme_centroids(tfidf, labels, n_classes).T)
        nearest = similarity.argmax(axis=1)
        close = similarity[np.arange(len(labels)), nearest] >= self.unclassified_threshold
        eligible = (labels < 0) & close
        if rows is not None:
            eligible &= rows
        return np.where(eligible, nearest, labels)

    def _partitions(self, data: _Prepared, ks: list[int], seed: int) -> dict[int, np.ndarray]:
        """Labels of the rows for every k (one tree serves every k with Reinert)."""
        if self.method == "reinert":
            tree = reinert_tree(
                data.presence,
                max_classes=max(ks),
                min_split_members=self.reinert_min_class_size,
                random_state=seed,
            )
            return {k: tree.labels_at(k) for k in ks}
        if self.method == "kmeans":
            reduced = self._lsa(data.tfidf, seed)
            return {
                k: self._fit_kmeans(data.tfidf, k, seed, n_init=1, reduced=reduced)[0] for k in ks
            }
        return {k: self._cluster(data, k, seed)[0] for k in ks}

    def _diagnose(self, sample: _Prepared, ks: list[int]) -> pd.DataFrame:
        """The auto-k table: stability, coherence and separation for each k.

        - stability: mean adjusted Rand index between the partitions of ``n_resamples`` seeded
          80 % subsamples (each with its own random start), on the segments they share;
        - coherence: mean NPMI of the ten best keywords' pairs, per theme;
        - separation: cosine silhouette of the segments in TF-IDF space.
        The three are rescaled to [0, 1] over the k tried and averaged into ``score``; the
        best score wins, the smaller k on a tie, except that the previous run's k (column
        ``previous``) is kept when its score is within ``K_TOLERANCE`` of the best.
        """
        n_rows = sample.tfidf.shape[0]
        full = self._partitions(sample, ks, self.random_state)
        subsets, parts = [], []
        for resample in range(self.n_resamples):
            rng = np.random.default_rng(self.random_state + 1 + resample)
            rows = np.sort(rng.choice(n_rows, int(0.8 * n_rows), replace=False))
            subset = _Prepared(rows, sample.tfidf[rows], sample.presence[rows], 0, None)
            subsets.append(rows)
            parts.append(self._partitions(subset, ks, self.random_state + 1 + resample))
        records = []
        for k in ks:
            labels = full[k]
            records.append(
                {
                    K: k,
                    STABILITY: _mean_pairwise_ari(subsets, [p[k] for p in parts]),
                    COHERENCE: _coherence(sample.presence, labels),
                    SEPARATION: _separation(sample.tfidf, labels, self.random_state),
                    UNCLASSIFIED_SHARE: float(np.mean(labels < 0)),
                }
            )
        table = pd.DataFrame(records)
        scaled = [_rescale(table[c]) for c in (STABILITY, COHERENCE, SEPARATION)]
        table[COMBINED] = np.mean(scaled, axis=0)
        return table

    def _describe(self, data: _Prepared, labels: np.ndarray) -> None:
        """Centroids, scores, second themes, keywords and labels; themes ordered by size."""
        labels = _relabel_contiguous(labels)
        n_themes = int(labels.max()) + 1
        if n_themes < 1:
            raise ThemeError(
                "Le modèle de thèmes a laissé tous les segments non classés : baissez "
                "themes.unclassified_threshold ou themes.min_df dans analysis.toml."
            )
        centroids = theme_centroids(data.tfidf, labels, n_themes)
        membership = np.asarray(data.tfidf @ centroids.T)
        scores = np.where(labels >= 0, membership[np.arange(len(labels)), np.maximum(labels, 0)], 0)
        labels = np.where(scores >= self.unclassified_threshold, labels, NO_THEME)
        if (labels < 0).all():
            raise ThemeError(
                f"Aucun segment n'atteint le seuil themes.unclassified_threshold = "
                f"{self.unclassified_threshold} : tous resteraient non classés. Abaissez ce "
                "seuil dans analysis.toml (0.1 par défaut)."
            )
        if 0 < len(np.unique(labels[labels >= 0])) < n_themes:  # a theme lost every segment
            labels = _relabel_contiguous(labels)
            n_themes = int(labels.max()) + 1
            centroids = theme_centroids(data.tfidf, labels, n_themes)
            membership = np.asarray(data.tfidf @ centroids.T)
            scores = np.where(labels >= 0, membership[np.arange(len(labels)), labels], 0)
        table = keyword_table(data.presence, labels, self.vocabulary_, n_keywords=self.n_keywords)
        first_terms = table[table["rank"] == 1].set_index(schema.THEME_ID)["term"]
        sizes = np.bincount(labels[labels >= 0], minlength=n_themes)
        order = sorted(range(n_themes), key=lambda t: (-sizes[t], str(first_terms.get(t, ""))))
        new_of_old = np.empty(n_themes + 1, dtype=np.int64)
        new_of_old[order], new_of_old[-1] = np.arange(n_themes), NO_THEME
        labels = new_of_old[labels]
        second = _second_themes(labels, membership[:, order], self.second_theme_ratio)
        table[schema.THEME_ID] = new_of_old[table[schema.THEME_ID].to_numpy()]
        table = table.sort_values([schema.THEME_ID, "rank"], kind="mergesort").reset_index(
            drop=True
        )
        self._store(data, labels, scores, second, membership[:, order], centroids[order], table)

    def _store(
        self,
        data: _Prepared,
        labels: np.ndarray,
        scores: np.ndarray,
        second: np.ndarray,
        membership: np.ndarray,
        centroids: np.ndarray,
        table: pd.DataFrame,
    ) -> None:
        """Keep the learned state, rows back in the order of the input."""
        inverse = np.empty(len(data.order), dtype=np.int64)
        inverse[data.order] = np.arange(len(data.order))
        self.n_themes_ = centroids.shape[0]
        self.labels_ = labels[inverse]
        self.scores_ = np.round(np.where(labels >= 0, scores, 0.0), 12)[inverse]
        self.second_labels_ = second[inverse]
        self.membership_ = membership[inverse]
        self.centroids_ = centroids
        self.keyword_table_ = table
        self.keywords_ = [
            table.loc[table[schema.THEME_ID] == t, "term"].tolist() for t in range(self.n_themes_)
        ]
        self.theme_labels_ = [short_label(terms) for terms in self.keywords_]
        self.sizes_ = np.bincount(labels[labels >= 0], minlength=self.n_themes_)
        self.unclassified_share_ = float(np.mean(labels < 0))
        self.tfidf_ = data.tfidf[inverse]
        self.presence_ = data.presence[inverse]
        self.canonical_order_ = data.order


def _relabel_contiguous(labels: np.ndarray) -> np.ndarray:
    """Renumber the non-negative labels 0..k-1 in increasing order; keep negatives as -1."""
    labels = np.asarray(labels, dtype=np.int64)
    present = np.unique(labels[labels >= 0])
    mapping = {old: new for new, old in enumerate(present)}
    return np.array([mapping.get(v, NO_THEME) for v in labels], dtype=np.int64)


def _second_themes(labels: np.ndarray, membership: np.ndarray, ratio: float) -> np.ndarray:
    """Second theme of each row: the next most similar theme, when its cosine similarity
    reaches ``ratio`` times the similarity to the main theme."""
    values = membership.astype(float).copy()
    if values.shape[1] < 2:
        return np.full(len(labels), NO_THEME, dtype=np.int64)
    rows = np.arange(len(labels))
    main = values[rows, np.maximum(labels, 0)]
    values[rows, np.maximum(labels, 0)] = -np.inf
    runner_up = values.argmax(axis=1)
    close = (values[rows, runner_up] >= ratio * main) & (main > 0) & (labels >= 0)
    return np.where(close, runner_up, NO_THEME).astype(np.int64)


def _mean_pairwise_ari(subsets: list[np.ndarray], partitions: list[np.ndarray]) -> float:
    """Mean ARI between partitions of overlapping subsets, on their shared classified rows."""
    values = []
    for first in range(len(subsets)):
        for second in range(first + 1, len(subsets)):
            shared = np.intersect1d(subsets[first], subsets[second])
            a = partitions[first][np.searchsorted(subsets[first], shared)]
            b = partitions[second][np.searchsorted(subsets[second], shared)]
            both = (a >= 0) & (b >= 0)
            if both.sum() > 1:
                values.append(adjusted_rand_score(a[both], b[both]))
    return float(np.mean(values)) if values else float("nan")


def _coherence(presence: sp.csr_matrix, labels: np.ndarray) -> float:
    columns = np.arange(presence.shape[1])
    table = keyword_table(presence, labels, columns, n_keywords=10)
    groups = [g["term"].to_numpy(dtype=np.int64) for _, g in table.groupby(schema.THEME_ID)]
    return npmi_coherence(presence, groups)


def _separation(tfidf: sp.csr_matrix, labels: np.ndarray, seed: int) -> float:
    kept = np.flatnonzero(labels >= 0)
    if len(np.unique(labels[kept])) < 2 or len(kept) < 3:
        return float("nan")
    return float(
        silhouette_score(
            tfidf[kept],
            labels[kept],
            metric="cosine",
            sample_size=min(len(kept), 2000),
            random_state=seed,
        )
    )


def _rescale(values: pd.Series) -> np.ndarray:
    """Min-max rescaling to [0, 1]; a constant (or all-NaN) criterion counts 0.5 everywhere."""
    array = values.to_numpy(dtype=float)
    if np.all(np.isnan(array)):
        return np.full(len(array), 0.5)
    low, high = np.nanmin(array), np.nanmax(array)
    if high - low < 1e-12:
        return np.full(len(array), 0.5)
    return np.nan_to_num((array - low) / (high - low), nan=0.0)


def choose_n_themes(
    segments: pd.DataFrame | pd.Series | list[str],
    *,
    method: Method = "nmf",
    k_min: int = 4,
    k_max: int = 16,
    random_state: int = 0,
    **settings: Any,
) -> pd.DataFrame:
    """Return the auto-k diagnostics table for ``segments`` (see ``ThemeModel._diagnose``).

    Parameters
    ----------
    segments
        The segments table (needs ``lemmas``) or the lemma strings.
    method, k_min, k_max, random_state, **settings
        As in :class:`ThemeModel`.

    Returns
    -------
    pandas.DataFrame
        Columns ``k``, ``stability``, ``coherence``, ``separation``, ``unclassified_share``,
        ``score`` (the mean of the three criteria rescaled to [0, 1]), ``chosen`` and
        ``previous`` (False here: no previous run).
    """
    model = ThemeModel(
        method, "auto", k_min=k_min, k_max=k_max, random_state=random_state, **settings
    )
    model._check_params()
    data = model._prepare(segments)
    model._resolve_n_themes(data)
    return model.diagnostics_


# --- stable theme ids, curation and the tables the pipeline writes ------------------------------


@dataclass
class ThemeRun:
    """Everything one theme step produces (see :func:`run_themes`).

    Attributes
    ----------
    segments
        The input segments plus ``theme_id``, ``theme_label``, ``theme_score``,
        ``second_theme_id``.
    themes
        One row per theme (``schema.THEME_COLUMNS`` plus ``share``, ``auto_label``,
        ``curated``, ``parent_theme_id``), sorted by id.
    keywords
        ``theme_id``, ``rank``, ``term``, ``chi2``, ``n_segments``: ranked keywords.
    centroids
        Themes × vocabulary unit-length centroids, rows in the order of ``themes``.
    vocabulary
        The terms of the centroid columns.
    memory
        What the next run needs to keep the ids (save it with ``memory.save(path)``).
    log
        Every decision: ids kept, new or retired themes, merges, splits, moves, renames,
        skipped curation lines.
    model
        The fitted :class:`ThemeModel`.
    tfidf
        The TF-IDF rows of ``segments`` (same order), as the model saw them.
    """

    segments: pd.DataFrame
    themes: pd.DataFrame
    keywords: pd.DataFrame
    centroids: np.ndarray
    vocabulary: np.ndarray
    memory: Any
    log: pd.DataFrame
    model: ThemeModel
    tfidf: sp.csr_matrix

    @property
    def unclassified_share(self) -> float:
        """Share of segments without a theme after curation."""
        return float(np.mean(self.segments[schema.THEME_ID].to_numpy() == schema.UNCLASSIFIED))


def _model_records(model: ThemeModel) -> list[Any]:
    from analysis.curation import ThemeRecord, centroid_terms

    return [
        ThemeRecord(
            theme_id=theme,
            label=model.theme_labels_[theme],
            keywords=list(model.keywords_[theme]),
            centroid=centroid_terms(model.centroids_[theme], model.vocabulary_),
            n_segments=int(model.sizes_[theme]),
        )
        for theme in range(model.n_themes_)
    ]


def run_themes(
    segments: pd.DataFrame,
    model: ThemeModel,
    *,
    curation: Any = None,
    previous: Any = None,
    match_threshold: float = 0.3,
) -> ThemeRun:
    """Fit (if needed), give themes stable ids, apply the curation, and build the tables.

    Parameters
    ----------
    segments
        The segments table; needs ``segment_id``, ``doc_id``, ``concertation_id``, ``lemmas``.
    model
        A :class:`ThemeModel`; fitted on these segments, or it is fitted here.
    curation
        A :class:`analysis.curation.Curation`, a path to a curation file, or None.
    previous
        Last run's :class:`analysis.curation.ThemeMemory` (or the path of its JSON file; a
        missing file means a first run), or None.
    match_threshold
        Smallest similarity for a theme to keep the id of last run's theme.

    Returns
    -------
    ThemeRun

    Raises
    ------
    schema.SchemaError
        When a needed column is missing.
    ThemeError, analysis.curation.CurationError
        On unusable segments or an unreadable curation file or memory.
    """
    from analysis.curation import ThemeMemory, apply_curation, load_curation, match_themes

    schema.require_columns(
        segments,
        schema.SEGMENT_ID,
        schema.DOC_ID,
        schema.CONCERTATION_ID,
        schema.LEMMAS,
        table="segments",
    )
    if isinstance(curation, str | Path):
        curation = load_curation(curation)
    if isinstance(previous, str | Path):
        previous = ThemeMemory.load(previous) if Path(previous).is_file() else None
    if not hasattr(model, "fingerprint_") or model.fingerprint_ != corpus_fingerprint(segments):
        prefer = len(previous.base_themes()) if previous is not None else None
        model.fit(segments, prefer_n_themes=prefer)
    # The model may have been fitted on the same segments in another row order.
    rows = np.empty(len(segments), dtype=np.int64)
    rows[canonical_order(segments)] = model.canonical_order_
    records = _model_records(model)
    old = previous.base_themes() if previous is not None else []
    start = previous.next_id if previous is not None else 1
    merges = curation.merges if curation is not None else ()
    ids, next_id, match_log = match_themes(
        records, old, threshold=match_threshold, next_id=start, merges=merges
    )
    id_of = np.append(np.array(ids, dtype=np.int64), schema.UNCLASSIFIED)  # [-1] -> -1
    curated = apply_curation(
        id_of[model.labels_[rows]],
        curation,
        segment_ids=segments[schema.SEGMENT_ID].astype(str).to_numpy(),
        tfidf=model.tfidf_[rows],
        vocabulary=model.vocabulary_,
        previous=previous,
        next_id=next_id,
        random_state=model.random_state,
        match_threshold=match_threshold,
    )
    for record, theme_id in zip(records, ids, strict=True):
        record.theme_id = theme_id
    memory = ThemeMemory(records + curated.parts, next_id=curated.next_id, method=model.method)
    second = np.array([curated.merged_into.get(t, t) for t in id_of[model.second_labels_[rows]]])
    matrices = (model.tfidf_[rows], model.presence_[rows])
    tables = _theme_tables(segments, model, curated, second, matrices)
    log = pd.concat([match_log, curated.log], ignore_index=True)
    return ThemeRun(*tables, memory=memory, log=log, model=model, tfidf=matrices[0])


def assign_themes(
    segments: pd.DataFrame,
    model: ThemeModel,
    *,
    curation: Any = None,
    previous: Any = None,
    match_threshold: float = 0.3,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(segments, themes)``: :func:`run_themes` for callers that need only the tables.

    ``segments`` gains ``theme_id`` (``-1`` unclassified), ``theme_label``, ``theme_score``
    and ``second_theme_id`` (nullable); ``themes`` has ``schema.THEME_COLUMNS`` and more.
    """
    run = run_themes(
        segments, model, curation=curation, previous=previous, match_threshold=match_threshold
    )
    return run.segments, run.themes


def _theme_tables(
    segments: pd.DataFrame,
    model: ThemeModel,
    curated: Any,
    second: np.ndarray,
    matrices: tuple[sp.csr_matrix, sp.csr_matrix],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """Segments with their themes, the themes table, keywords and centroids after curation."""
    tfidf, presence = matrices
    from analysis.labels import UNCLASSIFIED_LABEL

    final = curated.theme_ids
    theme_ids = np.array(sorted(int(t) for t in np.unique(final) if t >= 0), dtype=np.int64)
    position = np.searchsorted(theme_ids, final).clip(0, max(len(theme_ids) - 1, 0))
    index = np.where(final >= 0, position, NO_THEME)
    centroids = theme_centroids(tfidf, index, len(theme_ids))
    similarity = np.asarray(tfidf.multiply(centroids[np.maximum(index, 0)]).sum(axis=1))
    scores = np.where(final >= 0, similarity.ravel(), 0.0)
    keywords = keyword_table(
        presence, final, model.vocabulary_, n_keywords=model.n_keywords, theme_ids=theme_ids
    )
    terms = {t: g["term"].tolist() for t, g in keywords.groupby(schema.THEME_ID)}
    auto = {t: short_label(terms.get(t, [])) or f"thème {t}" for t in theme_ids}
    names = {t: curated.names.get(t, auto[t]) for t in theme_ids}
    second = np.where((second >= 0) & (second != final) & np.isin(second, theme_ids), second, -1)
    out = segments.copy()
    out[schema.THEME_ID] = final.astype(np.int64)
    out[schema.THEME_LABEL] = [names.get(t, UNCLASSIFIED_LABEL) for t in final]
    out[schema.THEME_SCORE] = np.round(scores, 4)
    out[schema.SECOND_THEME_ID] = pd.array(np.where(second >= 0, second, 0), dtype="Int64")
    out.loc[second < 0, schema.SECOND_THEME_ID] = pd.NA
    parents = {p.theme_id: p.parent for p in curated.parts}
    rows = []
    for theme in theme_ids:
        members = out[final == theme]
        rows.append(
            {
                schema.THEME_ID: int(theme),
                schema.LABEL: names[theme],
                schema.KEYWORDS: ", ".join(display_term(t) for t in terms.get(theme, [])),
                schema.N_SEGMENTS: len(members),
                schema.N_DOCUMENTS: members[schema.DOC_ID].nunique(),
                schema.N_CONCERTATIONS: members[schema.CONCERTATION_ID].nunique(),
                schema.SHARE: round(len(members) / max(len(out), 1), 4),
                schema.AUTO_LABEL: auto[theme],
                schema.CURATED: theme in curated.names
                or theme in set(curated.merged_into.values())
                or theme in parents,
                schema.PARENT_THEME_ID: parents.get(theme),
            }
        )
    themes = pd.DataFrame(rows, columns=_THEME_TABLE_COLUMNS)
    themes[schema.PARENT_THEME_ID] = themes[schema.PARENT_THEME_ID].astype("Int64")
    return out, themes, keywords, centroids, model.vocabulary_


_THEME_TABLE_COLUMNS = [
    *schema.THEME_COLUMNS,
    schema.SHARE,
    schema.AUTO_LABEL,
    schema.CURATED,
    schema.PARENT_THEME_ID,
]


def typical_segments(
    segments: pd.DataFrame, model_or_themes: ThemeModel | pd.DataFrame | None = None, n: int = 5
) -> pd.DataFrame:
    """The ``n`` most typical segments of each theme: highest ``theme_score`` first.

    Parameters
    ----------
    segments
        Segments after :func:`assign_themes` (needs ``segment_id``, ``theme_id``,
        ``theme_score``, ``text``), or the segments a :class:`ThemeModel` was fitted on.
    model_or_themes
        The themes table (for labels), or a fitted model whose ``labels_`` and ``scores_``
        are used when ``segments`` has no ``theme_id``.
    n
        Segments per theme.

    Returns
    -------
    pandas.DataFrame
        ``theme_id``, ``label``, ``rank`` (from 1), ``segment_id``, ``doc_id`` (when known),
        ``theme_score``, ``text``; sorted by theme then rank (ties by segment id).
    """
    frame = segments.copy()
    labels: dict[int, str] = {}
    if isinstance(model_or_themes, ThemeModel) and schema.THEME_ID not in frame.columns:
        frame[schema.THEME_ID] = model_or_themes.labels_
        frame[schema.THEME_SCORE] = np.round(model_or_themes.scores_, 4)
        labels = dict(enumerate(model_or_themes.theme_labels_))
    elif isinstance(model_or_themes, pd.DataFrame):
        labels = dict(
            zip(model_or_themes[schema.THEME_ID], model_or_themes[schema.LABEL], strict=True)
        )
    schema.require_columns(
        frame, schema.SEGMENT_ID, schema.THEME_ID, schema.THEME_SCORE, schema.TEXT, table="segments"
    )
    frame = frame[frame[schema.THEME_ID] >= 0]
    frame = frame.sort_values(
        [schema.THEME_ID, schema.THEME_SCORE, schema.SEGMENT_ID],
        ascending=[True, False, True],
        kind="mergesort",
    )
    top = frame.groupby(schema.THEME_ID, sort=True).head(n).copy()
    top["rank"] = top.groupby(schema.THEME_ID).cumcount() + 1
    if labels:
        top[schema.LABEL] = top[schema.THEME_ID].map(labels)
    elif schema.THEME_LABEL in top.columns:
        top[schema.LABEL] = top[schema.THEME_LABEL]
    else:
        top[schema.LABEL] = top[schema.THEME_ID].astype(str)
    columns = [schema.THEME_ID, schema.LABEL, "rank", schema.SEGMENT_ID, schema.DOC_ID]
    columns = [c for c in columns if c in top.columns] + [schema.THEME_SCORE, schema.TEXT]
    return top[columns].reset_index(drop=True)


def theme_similarity(themes: ThemeRun | ThemeModel) -> pd.DataFrame:
    """Cosine similarity between theme centroids (1 on the diagonal).

    Parameters
    ----------
    themes
        A :class:`ThemeRun` (indexed by theme id) or a fitted :class:`ThemeModel` (by 0..k-1).

    Returns
    -------
    pandas.DataFrame
        Square table, rounded to 4 decimals, with the theme labels in ``attrs["labels"]``.
    """
    if isinstance(themes, ThemeRun):
        centroids, ids = themes.centroids, themes.themes[schema.THEME_ID].to_numpy()
        names = themes.themes[schema.LABEL].tolist()
    else:
        themes._check_fitted()
        centroids, ids = themes.centroids_, np.arange(themes.n_themes_)
        names = list(themes.theme_labels_)
    table = pd.DataFrame(np.round(centroids @ centroids.T, 4), index=ids, columns=ids)
    table.index.name = schema.THEME_ID
    table.attrs["labels"] = names
    return table


def theme_linkage(similarity: pd.DataFrame) -> np.ndarray:
    """Average-linkage hierarchy of the themes from :func:`theme_similarity` (for a dendrogram)."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    distance = np.clip(1.0 - similarity.to_numpy(dtype=float), 0.0, None)
    np.fill_diagonal(distance, 0.0)
    return linkage(squareform((distance + distance.T) / 2, checks=False), method="average")


def segment_map(run: ThemeRun, *, max_points: int = 3000, random_state: int = 0) -> pd.DataFrame:
    """2-D coordinates of the segments for a map of the themes.

    Each segment's similarities to the theme centroids are projected on their first two
    principal axes, so that themes sharing vocabulary lie close together.

    Parameters
    ----------
    run
        A :class:`ThemeRun`.
    max_points
        Above this many segments, a seeded subsample is drawn (a map of 100,000 points reads
        no better than one of 3,000).
    random_state
        Seed of the subsample.

    Returns
    -------
    pandas.DataFrame
        ``segment_id``, ``theme_id``, ``x``, ``y`` (rounded to 4 decimals).
    """
    from sklearn.decomposition import PCA

    segments = run.segments
    rows = np.arange(len(segments))
    if len(rows) > max_points:
        rows = np.sort(np.random.default_rng(random_state).choice(rows, max_points, replace=False))
    membership = normalize(np.asarray(run.tfidf[rows] @ run.centroids.T))
    n_axes = min(2, membership.shape[1], len(rows))
    coordinates = PCA(n_components=n_axes, svd_solver="full").fit_transform(membership)
    coordinates = np.pad(coordinates, ((0, 0), (0, 2 - n_axes)))
    signs = np.sign(coordinates[np.abs(coordinates).argmax(axis=0), [0, 1]])
    coordinates = coordinates * np.where(signs == 0, 1, signs)
    return pd.DataFrame(
        {
            schema.SEGMENT_ID: segments[schema.SEGMENT_ID].to_numpy()[rows],
            schema.THEME_ID: segments[schema.THEME_ID].to_numpy()[rows],
            "x": np.round(coordinates[:, 0], 4),
            "y": np.round(coordinates[:, 1], 4),
        }
    )
