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

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans, SpectralClustering
from sklearn.decomposition import TruncatedSVD
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

from analysis.themes.base import NO_THEME, ThemeEstimator

NEIGHBOURS = (6, 8, 10, 12, 15, 20, 25, 30)


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
        partitions = np.column_stack([self._spectral(graph, n, n_themes) for n in sizes])
        labels[rows] = _consensus(partitions, n_themes, self.random_state)
        self.labels_, self.partitions_ = labels, partitions
        return self

    def _spectral(self, graph: sp.csr_matrix, n_neighbors: int, n_themes: int) -> np.ndarray:
        model = SpectralClustering(
            n_clusters=n_themes,
            affinity="precomputed_nearest_neighbors",
            n_neighbors=n_neighbors,
            assign_labels="cluster_qr",
            random_state=self.random_state,
        )
        return model.fit_predict(graph)


def _distance_graph(X: sp.csr_matrix, n_neighbors: int) -> sp.csr_matrix:
    """Cosine distances to each row's ``n_neighbors`` nearest rows (a sparse graph).

    Identical rows are at distance 0, which a sparse graph would drop: distances are shifted
    by a constant, which keeps every neighbour and their order.
    """
    finder = NearestNeighbors(n_neighbors=n_neighbors, metric="cosine", algorithm="brute")
    graph = finder.fit(X).kneighbors_graph(mode="distance")
    graph.data += 1e-6
    return graph.tocsr()


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
