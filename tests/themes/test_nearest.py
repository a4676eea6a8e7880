"""Tests of analysis.themes.nearest: exact nearest rows, ties in a fixed order, compiled."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from analysis import compiled, workers
from analysis.themes.nearest import nearest_rows, tie_key


def by_sorting(X: sp.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The reference: every distance (SciPy's product), each row fully sorted by (distance,
    tie_key)."""
    unit = normalize(X)
    distances = np.clip(1 - (unit @ unit.T).toarray(), 0, 2)
    np.fill_diagonal(distances, 0)
    n_rows = X.shape[0]
    rows = np.repeat(np.arange(n_rows), n_rows).reshape(n_rows, n_rows)
    columns = np.tile(np.arange(n_rows), (n_rows, 1))
    order = np.lexsort((tie_key(rows, columns), distances))[:, :k]
    return np.take_along_axis(distances, order, axis=1), order


def test_the_search_finds_what_sorting_every_distance_finds(real_comments_tfidf) -> None:
    expected_distances, expected_rows = by_sorting(real_comments_tfidf, 31)
    distances, rows = nearest_rows(real_comments_tfidf, 31)
    assert np.array_equal(rows, expected_rows)
    assert np.array_equal(distances, expected_distances)  # the same floats, to the bit
    assert (rows[:, 0] == np.arange(rows.shape[0])).mean() > 0.95  # itself first, but for twins
    ties = np.diff(distances, axis=1) == 0
    assert ties.any(axis=1).sum() > 50  # real comments do tie: their order was tested


def test_the_blocks_and_the_cores_do_not_change_the_result(
    real_comments_tfidf, monkeypatch
) -> None:
    distances, rows = nearest_rows(real_comments_tfidf, 12)
    monkeypatch.setattr(compiled, "usable_cores", lambda: 1)
    one_core = nearest_rows(real_comments_tfidf, 12, block=7)
    assert np.array_equal(one_core[1], rows)
    assert np.array_equal(one_core[0], distances)
    assert workers.usable_cores() >= 1


def test_a_row_without_terms_is_at_distance_one_from_the_others() -> None:
    X = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]]))
    distances, rows = nearest_rows(X, 3)
    assert rows[1, 0] == 1 and distances[1, 0] == 0  # itself
    assert distances[1, 1:].tolist() == [1.0, 1.0]
    assert rows[0].tolist() == [0, 2, 1]
    assert distances[0, 1] == pytest.approx(1 - 1 / np.sqrt(2))


def test_the_compiled_key_is_the_documented_hash() -> None:
    from analysis.themes.nearest_kernel import pair_key

    generator = np.random.default_rng(0)
    rows = generator.integers(0, 2**40, size=200)
    columns = generator.integers(0, 2**40, size=200)
    expected = tie_key(rows, columns)
    found = [pair_key(int(row), int(column)) for row, column in zip(rows, columns, strict=True)]
    assert found == expected.tolist()


@pytest.mark.parametrize("n_found", [0, 4])
def test_asking_for_more_rows_than_there_are_is_refused(n_found) -> None:
    with pytest.raises(ValueError, match="between 1 and the 3 rows"):
        nearest_rows(sp.identity(3, format="csr"), n_found)
