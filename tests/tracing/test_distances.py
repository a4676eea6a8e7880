"""Tests of analysis.tracing.distances: every pair's cosine distance, in SciPy's condensed order."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist, squareform
from sklearn.preprocessing import normalize

from analysis import compiled
from analysis.tracing.distances import average_linkage, condensed_distances


@pytest.fixture(scope="module")
def comments(real_comments_tfidf) -> sp.csr_matrix:
    """The real comments with at least one term, at unit length."""
    tfidf = real_comments_tfidf
    return normalize(tfidf[np.flatnonzero(tfidf.getnnz(axis=1) > 0)])


def test_the_distances_are_those_of_scipys_sparse_product_to_the_bit(comments) -> None:
    found = condensed_distances(comments)
    n_rows = comments.shape[0]
    assert len(found) == n_rows * (n_rows - 1) // 2
    square = np.clip(1.0 - (comments @ comments.T).toarray(), 0.0, 2.0)
    np.fill_diagonal(square, 0.0)
    assert np.array_equal(found, squareform(square, checks=False))
    assert np.allclose(found, np.clip(pdist(comments.toarray(), "cosine"), 0, 2), atol=1e-12)
    assert (found < 0.5).sum() > 30  # real comments that say nearly the same: the pairs matter


def test_the_blocks_and_the_cores_do_not_change_the_distances(comments, monkeypatch) -> None:
    expected = condensed_distances(comments)
    monkeypatch.setattr(compiled, "usable_cores", lambda: 1)
    assert np.array_equal(condensed_distances(comments, block=7), expected)


@pytest.mark.parametrize("n_rows", [0, 1, 2])
def test_few_rows_give_few_pairs(n_rows) -> None:
    rows = sp.csr_matrix(np.array([[0.6, 0.8], [1.0, 0.0]])[:n_rows].reshape(n_rows, 2))
    found = condensed_distances(rows)
    assert len(found) == n_rows * (n_rows - 1) // 2
    if n_rows == 2:
        assert found[0] == pytest.approx(0.4)


def test_the_average_linkage_is_scipys_to_the_bit_without_its_copy(comments) -> None:
    """On the real comments, and on them twice (ties everywhere, as copied contributions
    give): the same tree as SciPy's, made in the distances themselves."""
    for rows in (comments, sp.vstack([comments, comments]).tocsr()):
        distances = condensed_distances(rows)
        expected = linkage(distances, method="average")
        kept = distances.copy()
        tree = average_linkage(distances)
        assert np.array_equal(tree, expected)
        assert not np.array_equal(distances, kept)  # worked in place: the input is spent
        clusters = fcluster(tree, t=0.85, criterion="distance")
        assert 1 < clusters.max() < rows.shape[0]  # real groups, neither one nor all apart


@pytest.mark.parametrize("n_rows", [2, 3])
def test_the_average_linkage_of_two_or_three_rows(n_rows) -> None:
    rows = sp.csr_matrix(np.array([[0.6, 0.8], [1.0, 0.0], [0.0, 1.0]])[:n_rows])
    distances = condensed_distances(rows)
    assert np.array_equal(average_linkage(distances.copy()), linkage(distances, "average"))


def test_a_vector_that_is_no_condensed_matrix_is_refused() -> None:
    with pytest.raises(ValueError, match="no condensed matrix"):
        average_linkage(np.zeros(4))
