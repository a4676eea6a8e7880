"""What every theme method shares: the estimator protocol, the errors, centroids and completion.

A theme method is a scikit-learn clusterer of TF-IDF rows (:class:`ThemeEstimator`): its
``__init__`` stores its parameters untouched, ``fit(X)`` returns ``self`` and sets ``labels_``
(``-1`` for the rows it leaves out). :class:`analysis.themes.ThemeModel` builds one from the
registry :data:`analysis.themes.methods.METHODS` and describes its themes the same way whatever
the method.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClusterMixin, clone
from sklearn.preprocessing import normalize

NO_THEME = -1  # label of an unclassified row (the model's own numbering)


class ThemeError(ValueError):
    """The segments cannot give the requested themes (too few, identical, no vocabulary...)."""


class ThemeWarning(UserWarning):
    """The themes were computed, but not exactly as asked (fewer themes, settings adjusted)."""


class ThemeSettings(BaseEstimator):
    """scikit-learn's ``get_params`` / ``set_params``, with an error that names the settings."""

    def set_params(self, **params: Any) -> ThemeSettings:
        """Change constructor settings (scikit-learn convention); refit afterwards.

        Raises
        ------
        ThemeError
            When a setting does not exist; the message lists the existing ones.
        """
        known = self.get_params(deep=False)
        for name in params:
            if name.split("__")[0] not in known:
                raise ThemeError(
                    f"{type(self).__name__} n'a pas de réglage {name!r} ; ses réglages : "
                    f"{', '.join(known)}."
                )
        return super().set_params(**params)


class ThemeEstimator(ClusterMixin, ThemeSettings, ABC):
    """A theme method: a clusterer of segments × terms TF-IDF rows, scikit-learn style.

    Every method takes ``n_themes`` and ``random_state``, which :class:`ThemeModel` sets; a
    parameter that a method shares with the model (``unclassified_threshold``) is set by the
    model too. Adding a method is one subclass and one entry in
    :data:`analysis.themes.methods.METHODS`.
    """

    @abstractmethod
    def fit(
        self, X: sp.csr_matrix, y: Any = None, *, presence: sp.csr_matrix | None = None
    ) -> ThemeEstimator:
        """Find ``n_themes`` themes in the rows of ``X``; set ``labels_`` (-1: row left out).

        ``presence`` (1 where a row holds a term; default: the non-zero cells of ``X``) is
        read by the methods working on presence and absence, ignored by the others.
        """

    def partitions(
        self, X: sp.csr_matrix, ks: list[int], *, presence: sp.csr_matrix | None = None
    ) -> dict[int, np.ndarray]:
        """The labels of the rows for each number of themes in ``ks`` (the search for k).

        Methods override it when they can share work between the values of k.
        """
        return {k: clone(self).set_params(n_themes=k).fit(X, presence=presence).labels_ for k in ks}

    def row_params(self, segments: pd.DataFrame) -> dict[str, np.ndarray]:
        """Per-row arrays this method reads from the segments table (rows in fitting order).

        The model restricts them to the rows it fits and passes them to ``fit`` as keyword
        arguments; methods that read only the matrices return nothing.
        """
        return {}


def theme_centroids(matrix: sp.csr_matrix, labels: np.ndarray, n_themes: int) -> np.ndarray:
    """Unit-length mean row of each theme (themes 0..n_themes-1; negative labels ignored)."""
    labels = np.asarray(labels)
    kept = np.flatnonzero((labels >= 0) & (labels < n_themes))
    indicator = sp.csr_matrix(
        (np.ones(len(kept)), (labels[kept], kept)), shape=(n_themes, matrix.shape[0])
    )
    return normalize(np.asarray((indicator @ matrix).todense()), norm="l2")


def complete_labels(
    tfidf: sp.csr_matrix,
    labels: np.ndarray,
    threshold: float,
    *,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """Give left-out rows their nearest theme when close enough (rainette's completion).

    Only unlabelled rows (and, when the mask ``rows`` is given, only those) change; a row joins
    its nearest theme when its cosine similarity to the theme's centroid reaches ``threshold``.
    """
    n_themes = int(labels.max()) + 1
    if n_themes < 1:
        return labels
    similarity = np.asarray(tfidf @ theme_centroids(tfidf, labels, n_themes).T)
    nearest = similarity.argmax(axis=1)
    close = similarity[np.arange(len(labels)), nearest] >= threshold
    eligible = (labels < 0) & close
    if rows is not None:
        eligible &= rows
    return np.where(eligible, nearest, labels)


def smallest_per_row(
    values: np.ndarray,
    k: int,
    *,
    up_to: float | None = None,
    ties: bool = False,
    at_most: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the ``k`` smallest values of each row, by row, smallest first;
    equal values in column order (the same result on every machine, whatever numpy's
    selection does). With ``up_to``, only values at most ``up_to`` (a row may have fewer);
    with ``ties``, also the values equal to a row's k-th (a row may have more, ``at_most`` in
    all when given).

    A partition finds each row's k-th smallest value, and only the values up to it are
    sorted (NumPy's ``argpartition`` along rows took 14 times as long as ``partition`` on
    20,000-column rows). The segments' neighbours are searched by
    :func:`analysis.themes.nearest.nearest_rows` instead.
    """
    n_rows, n_columns = values.shape
    k = min(k, n_columns)
    if k < 1 or n_rows == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    if up_to is None:
        bound = np.partition(values, k - 1, axis=1)[:, k - 1, None]
    else:
        bound = up_to
    rows, columns = np.nonzero(values <= bound)  # by row, then column
    order = np.lexsort((columns, values[rows, columns], rows))
    rows, columns = rows[order], columns[order]
    rank = np.arange(rows.size) - np.searchsorted(rows, rows)
    kept = rank < k
    if ties:
        last = np.full(n_rows, -np.inf)
        np.maximum.at(last, rows[kept], values[rows[kept], columns[kept]])
        kept = values[rows, columns] <= last[rows]
        if at_most is not None:
            kept &= rank < at_most
    return rows[kept], columns[kept]
