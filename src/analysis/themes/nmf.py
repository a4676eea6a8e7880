"""Themes by non-negative matrix factorisation of the TF-IDF rows."""

from __future__ import annotations

import warnings
from typing import Any

import scipy.sparse as sp
from sklearn.decomposition import NMF

from analysis.themes.base import NO_THEME, ThemeEstimator


class NMFThemes(ThemeEstimator):
    """Non-negative matrix factorisation: each row's theme is its largest weight.

    The start is ``nndsvda``, a deterministic decomposition: the same rows give the same themes.

    Parameters
    ----------
    n_themes
        Number of themes (components).
    random_state
        Seed of the factorisation.

    Attributes
    ----------
    labels_ : numpy.ndarray
        Theme of each row, -1 for rows without any term.
    weights_ : numpy.ndarray
        Rows × themes weights (the factor W).
    components_ : numpy.ndarray
        Themes × terms weights (the factor H).

    Example
    -------
    >>> NMFThemes(n_themes=4, random_state=0).fit(tfidf).labels_  # doctest: +SKIP
    """

    def __init__(self, n_themes: int = 8, *, random_state: int = 0) -> None:
        self.n_themes = n_themes
        self.random_state = random_state

    def fit(
        self, X: sp.csr_matrix, y: Any = None, *, presence: sp.csr_matrix | None = None
    ) -> NMFThemes:
        """Factorise ``X`` (rows × terms TF-IDF) into ``n_themes`` components."""
        nmf = NMF(
            n_components=self.n_themes,
            init="nndsvda",
            random_state=self.random_state,
            max_iter=400,
            tol=1e-4,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)  # max_iter convergence notes
            weights = nmf.fit_transform(X)
        labels = weights.argmax(axis=1)
        labels[weights.sum(axis=1) == 0] = NO_THEME
        self.labels_ = labels
        self.weights_ = weights
        self.components_ = nmf.components_
        return self
