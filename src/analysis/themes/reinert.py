"""Reinert's descending hierarchical classification, as in IRaMuTeQ and rainette.

The rows of a presence matrix are split in two along the first axis of their correspondence
analysis (:func:`reinert_tree`); the double classification crosses the classes of the segments
with those of longer units (:func:`merge_into_units`, :func:`cross_with_hierarchy`).
:class:`ReinertThemes` is the theme method built on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, svds

from analysis import schema
from analysis.themes.base import NO_THEME, ThemeEstimator, complete_labels
from analysis.vectorise import presence_from_counts


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


def segment_sizes(frame: pd.DataFrame) -> np.ndarray:
    """Words per segment: ``n_words`` when present, else words of ``text``, else lemmas."""
    if schema.N_WORDS in frame.columns:
        return frame[schema.N_WORDS].fillna(0).astype(int).to_numpy()
    column = schema.TEXT if schema.TEXT in frame.columns else schema.LEMMAS
    return frame[column].fillna("").astype(str).str.split().str.len().to_numpy()


class ReinertThemes(ThemeEstimator):
    """Reinert's classification of the rows, and its double classification when units are given.

    Parameters
    ----------
    n_themes
        Number of terminal classes to reach.
    random_state
        Seed of the sparse SVD's start vector.
    min_segment_size
        Words of the longer units of the double classification (see :meth:`row_params`).
    min_class_size
        Classes with fewer rows are not split.
    min_members
        Smallest crossed class kept by the double classification.
    double
        Run the double classification (on the rows and on the longer units) when ``fit`` is
        given ``units``; rows on which the two disagree are left out (then completed).
    complete
        Give the rows left out their nearest class when their cosine similarity to it reaches
        ``unclassified_threshold`` (as rainette2_complete_groups).
    unclassified_threshold
        Smallest similarity for a left-out row to join a class (:class:`ThemeModel` sets its own).

    Attributes
    ----------
    labels_ : numpy.ndarray
        Class of each row (0..k-1, by order of creation), -1 when left out.
    tree_ : ReinertTree
        The bipartitions of the rows.
    double_ : bool
        Whether the double classification ran.
    unclassified_before_completion_ : float
        Share of rows left out before the completion.

    Example
    -------
    >>> ReinertThemes(n_themes=4, min_class_size=4).fit(tfidf).labels_  # doctest: +SKIP
    """

    def __init__(
        self,
        n_themes: int = 8,
        *,
        random_state: int = 0,
        min_segment_size: int = 40,
        min_class_size: int = 10,
        min_members: int = 3,
        double: bool = True,
        complete: bool = True,
        unclassified_threshold: float = 0.1,
    ) -> None:
        self.n_themes = n_themes
        self.random_state = random_state
        self.min_segment_size = min_segment_size
        self.min_class_size = min_class_size
        self.min_members = min_members
        self.double = double
        self.complete = complete
        self.unclassified_threshold = unclassified_threshold

    def row_params(self, segments: pd.DataFrame) -> dict[str, np.ndarray]:
        """The longer unit of each segment (``units``), when the double classification is on
        and the table has ``doc_id`` and ``position``."""
        if not self.double or not {schema.DOC_ID, schema.POSITION} <= set(segments.columns):
            return {}
        units = merge_into_units(
            segments[schema.DOC_ID].to_numpy(),
            segments[schema.POSITION].to_numpy(),
            segment_sizes(segments),
            self.min_segment_size,
        )
        return {"units": units}

    def fit(
        self,
        X: sp.csr_matrix,
        y: Any = None,
        *,
        presence: sp.csr_matrix | None = None,
        units: np.ndarray | None = None,
    ) -> ReinertThemes:
        """Classify the rows of ``presence`` (default: the non-zero cells of ``X``).

        ``X`` (rows × terms TF-IDF) serves the completion; ``units`` (the longer unit of each
        row, any integers) enables the double classification.
        """
        presence = presence_from_counts(X) if presence is None else presence
        self.tree_ = reinert_tree(presence, max_classes=self.n_themes, **self._tree_settings())
        labels = self.tree_.labels_at(self.n_themes)
        self.double_ = False
        if self.double and units is not None:
            units = np.unique(units, return_inverse=True)[1]
            if units.max() + 1 < len(units):
                labels = self._cross(presence, labels, units)
                self.double_ = True
        self.unclassified_before_completion_ = float(np.mean(labels < 0))
        if self.complete:
            labels = complete_labels(X, labels, self.unclassified_threshold)
        self.labels_ = labels
        return self

    def partitions(
        self, X: sp.csr_matrix, ks: list[int], *, presence: sp.csr_matrix | None = None
    ) -> dict[int, np.ndarray]:
        """One tree cut at each k (the search for k: no double classification, no completion)."""
        presence = presence_from_counts(X) if presence is None else presence
        tree = reinert_tree(presence, max_classes=max(ks), **self._tree_settings())
        return {k: tree.labels_at(k) for k in ks}

    def _tree_settings(self) -> dict[str, int]:
        return {"min_split_members": self.min_class_size, "random_state": self.random_state}

    def _cross(self, presence: sp.csr_matrix, labels: np.ndarray, units: np.ndarray) -> np.ndarray:
        """The double classification: the rows' classes crossed with the units' tree."""
        n_units = int(units.max()) + 1
        indicator = sp.csr_matrix(
            (np.ones(len(units)), (units, np.arange(len(units)))), shape=(n_units, len(units))
        )
        unit_presence = presence_from_counts(sp.csr_matrix(indicator @ presence))
        unit_tree = reinert_tree(unit_presence, max_classes=self.n_themes, **self._tree_settings())
        segment_nodes = [
            np.flatnonzero(np.isin(units, members)) for members in unit_tree.nodes_at(self.n_themes)
        ]
        return cross_with_hierarchy(labels, segment_nodes, min_members=self.min_members)
