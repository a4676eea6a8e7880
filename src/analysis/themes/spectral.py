"""Themes by spectral clustering of the segments' nearest-neighbour graph, several graphs agreeing.

A spectral clustering of the cosine k-nearest-neighbour graph groups segments that share
neighbours rather than segments near a centroid: on short, loosely themed texts (comments,
proposals) it follows the chains of similar segments that NMF and k-means cut. A single graph
depends much on its number of neighbours, so the method clusters several graphs (one per value
of ``n_neighbors``) and groups the segments the partitions put together most often (their
co-association, clustered through the spectral embedding of the partitions' indicator matrix,
which never builds the segments × segments matrix).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.linalg import qr, svd
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.manifold import spectral_embedding
from sklearn.preprocessing import normalize

from analysis.themes.base import NO_THEME, ThemeEstimator
from analysis.themes.nearest import nearest_rows
from analysis.workers import map_in_two

NEIGHBOURS = (6, 8, 10, 12, 15, 20, 25, 30)
EXACT_ROWS = 2000  # larger graphs: an iterative eigensolver (see SpectralThemes._spectral)
# from this many rows, half of the graphs are embedded by a second process (a spare core):
# 20,000 segments, eight embeddings of 0.6 s each
PARALLEL_ROWS = 5000


class SpectralThemes(ThemeEstimator):
    """Consensus of spectral clusterings of cosine nearest-neighbour graphs.

    Deterministic: the neighbours are exact and the labels come from the QR-based assignment
    of the spectral embedding (``cluster_qr``), not from a random k-means start.

    Parameters
    ----------
    n_themes
        Number of themes.
    random_state
        Seed of the eigen-solvers.
    n_neighbors
        The sizes of neighbourhood whose graphs are clustered and combined.

    Attributes
    ----------
    labels_ : numpy.ndarray
        Theme of each row, -1 for rows without any term.
    partitions_ : numpy.ndarray
        Rows × graphs labels of the individual spectral clusterings (rows with terms).

    Example
    -------
    >>> SpectralThemes(n_themes=4).fit(tfidf).labels_  # doctest: +SKIP
    """

    def __init__(
        self,
        n_themes: int = 8,
        *,
        random_state: int = 0,
        n_neighbors: tuple[int, ...] = NEIGHBOURS,
    ) -> None:
        self.n_themes = n_themes
        self.random_state = random_state
        self.n_neighbors = n_neighbors

    def fit(
        self, X: sp.csr_matrix, y: Any = None, *, presence: sp.csr_matrix | None = None
    ) -> SpectralThemes:
        """Cluster the rows of ``X`` (rows × terms TF-IDF) into ``n_themes`` themes."""
        X = sp.csr_matrix(X)
        rows = np.flatnonzero(X.getnnz(axis=1) > 0)
        labels = np.full(X.shape[0], NO_THEME, dtype=np.int64)
        n_themes = min(self.n_themes, len(rows))
        sizes = sorted({min(n, len(rows) - 1) for n in self.n_neighbors if len(rows) > n_themes})
        if n_themes < 2 or not sizes:
            labels[rows] = 0
            self.labels_, self.partitions_ = labels, labels[rows, None]
            return self
        graph = _distance_graph(X[rows], max(sizes))
        labelled = map_in_two(
            lambda n: self._spectral(_affinity(graph, n), n_themes),
            sizes,
            parallel=len(rows) >= PARALLEL_ROWS,
        )
        partitions = np.column_stack(labelled)
        labels[rows] = _consensus(partitions, n_themes, self.random_state)
        self.labels_, self.partitions_ = labels, partitions
        return self

    def _spectral(self, affinity: sp.csr_matrix, n_themes: int) -> np.ndarray:
        """Labels of one graph: its first ``n_themes`` Laplacian eigenvectors, assigned by QR.

        Up to ``EXACT_ROWS`` rows, scikit-learn's shift-invert ARPACK (exact, and as fast);
        above, LOBPCG, which finds the eigenvectors of a 20,000-segment graph in a second or
        two where ARPACK took four minutes.
        """
        solver = "arpack" if affinity.shape[0] <= EXACT_ROWS else "lobpcg"
        with warnings.catch_warnings():
            # LOBPCG's stopping tolerance is stricter than the labels need: on real comments
            # its partitions are ARPACK's when it stops short (tests/themes/test_spectral.py)
            warnings.filterwarnings("ignore", "Exited at iteration", UserWarning)
            warnings.filterwarnings("ignore", "Exited postprocessing", UserWarning)
            warnings.filterwarnings("ignore", "Failed at iteration", UserWarning)
            embedding = spectral_embedding(
                affinity,
                n_components=n_themes,
                eigen_solver=solver,
                random_state=self.random_state,
                drop_first=False,
            )
        return _assign_by_qr(embedding)


def _distance_graph(X: sp.csr_matrix, n_neighbors: int, block: int = 256) -> sp.csr_matrix:
    """Cosine distances to each row's ``n_neighbors`` nearest rows (a sparse graph).

    Exact (:func:`analysis.themes.nearest.nearest_rows`: the neighbours and the distances of
    scikit-learn's brute-force ``NearestNeighbors``, rows at the same distance in an order fixed
    by :func:`analysis.themes.nearest.tie_key`, where scikit-learn's depends on NumPy's
    selection). Identical rows are at distance 0, which a sparse graph would drop: distances are
    shifted by a constant, which keeps every neighbour and their order.
    """
    n_rows = X.shape[0]
    n_found = min(n_neighbors + 1, n_rows)  # each row finds itself, then drops it
    distances, nearest = nearest_rows(X, n_found, block=block)
    others = nearest != np.arange(n_rows)[:, None]
    others[others.all(axis=1), 0] = False  # more duplicates than neighbours: drop the first
    shape = (n_rows, n_found - 1)
    distances, nearest = distances[others].reshape(shape), nearest[others].reshape(shape)
    indptr = np.arange(0, nearest.size + 1, shape[1])
    return sp.csr_matrix(
        (distances.ravel() + 1e-6, nearest.ravel(), indptr), shape=(n_rows, n_rows)
    )


def _affinity(graph: sp.csr_matrix, n_neighbors: int) -> sp.csr_matrix:
    """The symmetric 0/1 graph of each row's ``n_neighbors`` nearest rows.

    ``graph`` holds the same number of nearest rows for every row (at least ``n_neighbors``),
    nearest first; rows at the same distance keep the search's order.
    """
    n_rows = graph.shape[0]
    width = graph.indptr[1] - graph.indptr[0]
    distances = graph.data.reshape(n_rows, width)
    columns = graph.indices.reshape(n_rows, width)
    order = np.argsort(distances, axis=1, kind="stable")[:, :n_neighbors]
    nearest = np.take_along_axis(columns, order, axis=1).ravel()
    rows = np.repeat(np.arange(n_rows), n_neighbors)
    connected = sp.csr_matrix((np.ones(rows.size), (rows, nearest)), shape=(n_rows, n_rows))
    return ((connected + connected.T) * 0.5).tocsr()


def _assign_by_qr(embedding: np.ndarray) -> np.ndarray:
    """Labels from a spectral embedding without a random start (Damle, Minden and Ying 2019).

    A pivoted QR of the embedding picks one representative row per cluster; the rotation that
    maps those rows onto the axes is applied to every row, and each row takes its largest axis.
    """
    n_clusters = embedding.shape[1]
    _, _, pivots = qr(embedding.T, pivoting=True)
    left, _, right = svd(embedding[pivots[:n_clusters], :].T)
    rotated = np.abs(embedding @ (left @ right))
    return rotated.argmax(axis=1).astype(np.int64)


def _consensus(partitions: np.ndarray, n_themes: int, random_state: int) -> np.ndarray:
    """The themes of the rows the partitions most often put together.

    The co-association of the rows is ``H @ H.T / m`` for the one-hot indicator ``H`` of the
    ``m`` partitions; its leading eigenvectors are ``H``'s leading left singular vectors, and
    a seeded k-means on them (rows at unit length) assigns the rows.
    """
    n_rows, n_partitions = partitions.shape
    offsets = np.concatenate([[0], np.cumsum(partitions.max(axis=0) + 1)[:-1]])
    columns = (partitions + offsets).ravel()
    indicator = sp.csr_matrix(
        (np.ones(columns.size), (np.repeat(np.arange(n_rows), n_partitions), columns)),
        shape=(n_rows, int(columns.max()) + 1),
    )
    n_components = min(n_themes, indicator.shape[1] - 1, n_rows - 1)
    if n_components < 2 or n_rows <= n_themes:
        return partitions[:, 0].astype(np.int64)
    embedding = TruncatedSVD(n_components, algorithm="arpack", random_state=random_state)
    vectors = normalize(embedding.fit_transform(indicator))
    grouping = KMeans(n_clusters=n_themes, n_init=10, random_state=random_state)
    return grouping.fit_predict(vectors).astype(np.int64)
