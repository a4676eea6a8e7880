"""Themes by latent semantic analysis (truncated SVD of the TF-IDF rows), then k-means."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

from analysis.themes.base import NO_THEME, ThemeEstimator


class KMeansThemes(ThemeEstimator):
    """k-means on the unit-length rows of a latent semantic analysis.

    Parameters
    ----------
    n_themes
        Number of themes (clusters).
    random_state
        Seed of the SVD and of the k-means starts.
    n_init
        k-means restarts (the search for k uses one).
    lsa_components
        Dimensions of the LSA (fewer when the matrix is smaller).

    Attributes
    ----------
    labels_ : numpy.ndarray
        Theme of each row, -1 for rows without any term.
    cluster_centers_ : numpy.ndarray
        Themes × LSA dimensions centres.
    svd_ : sklearn.decomposition.TruncatedSVD or None
        The LSA; None when the matrix was too small to reduce (k-means ran on the rows).

    Example
    -------
    >>> KMeansThemes(n_themes=4, random_state=0).fit(tfidf).labels_  # doctest: +SKIP
    """

    def __init__(
        self,
        n_themes: int = 8,
        *,
        random_state: int = 0,
        n_init: int = 5,
        lsa_components: int = 100,
    ) -> None:
        self.n_themes = n_themes
        self.random_state = random_state
        self.n_init = n_init
        self.lsa_components = lsa_components

    def fit(
        self, X: sp.csr_matrix, y: Any = None, *, presence: sp.csr_matrix | None = None
    ) -> KMeansThemes:
        """Reduce ``X`` (rows × terms TF-IDF) by LSA, then cluster the rows."""
        self.svd_, reduced = self._lsa(X)
        kmeans = self._kmeans(reduced, self.n_themes, self.n_init)
        self.labels_ = _labels(X, kmeans)
        self.cluster_centers_ = kmeans.cluster_centers_
        return self

    def partitions(
        self, X: sp.csr_matrix, ks: list[int], *, presence: sp.csr_matrix | None = None
    ) -> dict[int, np.ndarray]:
        """One LSA and one k-means start for each k (the search for k)."""
        reduced = self._lsa(X)[1]
        return {k: _labels(X, self._kmeans(reduced, k, 1)) for k in ks}

    def _lsa(self, tfidf: sp.csr_matrix) -> tuple[TruncatedSVD | None, np.ndarray]:
        """The SVD and the unit-length reduced rows (the rows themselves when too small)."""
        n_components = min(self.lsa_components, tfidf.shape[1] - 1, tfidf.shape[0] - 1)
        if n_components < 2:
            return None, tfidf.toarray()
        svd = TruncatedSVD(n_components=n_components, random_state=self.random_state)
        return svd, normalize(svd.fit_transform(tfidf))

    def _kmeans(self, reduced: np.ndarray, n_themes: int, n_init: int) -> KMeans:
        return KMeans(n_clusters=n_themes, n_init=n_init, random_state=self.random_state).fit(
            reduced
        )


def _labels(tfidf: sp.csr_matrix, kmeans: KMeans) -> np.ndarray:
    """k-means labels, -1 for the rows without any term."""
    labels = kmeans.labels_.astype(np.int64)
    labels[tfidf.getnnz(axis=1) == 0] = NO_THEME
    return labels
