"""Tests of analysis.themes.reinert: Reinert's classification and its double classification."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from factories import theme_segments

from analysis.themes import (
    ReinertThemes,
    ThemeModel,
    ThemeWarning,
    cross_with_hierarchy,
    merge_into_units,
    reinert,
    reinert_tree,
)


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return theme_segments()


def test_reinert_first_split_separates_two_vocabularies() -> None:
    block = np.kron(np.eye(2), np.ones((6, 5)))
    block[0, 7] = block[8, 2] = 1  # a little noise
    tree = reinert_tree(sp.csr_matrix(block), max_classes=2, min_split_members=2)
    labels = tree.labels_at(2)
    assert len(set(labels[:6])) == 1 and len(set(labels[6:])) == 1 and labels[0] != labels[6]


def test_reinert_splits_the_largest_class_next() -> None:
    # two pairs of vocabularies, each pair sharing a word: the first split parts the pairs
    # (12 rows against 6), the next one the larger pair. (Three disjoint blocks would tie: every
    # split between blocks has the same chi-square, and the floating point of the machine
    # chose which blocks went together.)
    rows = []
    for size, words, shared in ((6, range(0, 4), 8), (6, range(4, 8), 8), (3, range(9, 12), 15)):
        rows += [[*words, shared]] * size
    rows += [[12, 13, 14, 15]] * 3
    block = np.zeros((len(rows), 16))
    for row, words in enumerate(rows):
        block[row, words] = 1
    tree = reinert_tree(sp.csr_matrix(block), max_classes=3, min_split_members=2)
    assert len(tree.splits) == 2
    assert sorted(len(tree.members[c]) for c in (1, 2)) == [6, 12]
    assert len(tree.members[tree.splits[1][0]]) == 12
    labels = tree.labels_at(3)
    assert len(np.unique(labels)) == 3
    assert len(set(labels[:6])) == 1 and len(set(labels[6:12])) == 1 and labels[0] != labels[6]


@pytest.mark.parametrize(
    "presence",
    [
        pytest.param(np.ones((12, 6)), id="identical rows"),
        pytest.param(np.outer(np.arange(1, 13) % 3 + 1, np.ones(6)) > 0, id="rank one"),
        pytest.param(sp.block_diag([np.ones((n, 4)) for n in (10, 4, 4)]), id="blocks"),
        pytest.param(sp.block_diag([np.ones((6, 3))] * 2), id="two equal blocks"),
    ],
)
def test_reinert_survives_degenerate_matrices(presence) -> None:
    tree = reinert_tree(sp.csr_matrix(presence, dtype=float), max_classes=4, min_split_members=2)
    labels = tree.labels_at(4)
    # every row is classed, and rows of one profile are never split apart
    assert (labels >= 0).all()
    dense = sp.csr_matrix(presence, dtype=float).toarray()
    for profile in np.unique(dense, axis=0):
        same = (dense == profile).all(axis=1)
        assert len(np.unique(labels[same])) == 1


def test_reinert_falls_back_to_a_dense_decomposition_when_arpack_fails(monkeypatch) -> None:
    from scipy.sparse.linalg import ArpackError

    rng = np.random.default_rng(3)
    presence = sp.csr_matrix((rng.random((60, 25)) < 0.2).astype(float))
    expected = reinert_tree(presence, max_classes=4, min_split_members=2).labels_at(4)

    def failing_svds(*args, **kwargs):
        raise ArpackError(-9)

    monkeypatch.setattr(reinert, "svds", failing_svds)
    assert list(reinert_tree(presence, max_classes=4, min_split_members=2).labels_at(4)) == list(
        expected
    )


@pytest.mark.parametrize(
    ("doc_ids", "positions", "sizes", "expected"),
    [
        (["a", "a", "a", "b"], [0, 1, 2, 0], [20, 20, 20, 50], [0, 0, 0, 1]),  # short tail joins
        (["a", "a", "a", "a"], [0, 1, 2, 3], [40, 5, 40, 40], [0, 1, 1, 2]),
        (["a", "b", "a", "b"], [0, 0, 1, 1], [10, 10, 10, 10], [0, 1, 0, 1]),  # never across docs
        (["a", "a", "a"], [2, 0, 1], [30, 30, 30], [0, 0, 0]),  # by position, not row order
    ],
)
def test_merge_into_units(doc_ids, positions, sizes, expected) -> None:
    units = merge_into_units(np.array(doc_ids), np.array(positions), np.array(sizes), min_size=40)
    assert list(units) == expected


def test_double_classification_keeps_the_segments_both_put_together() -> None:
    labels_a = np.array([0] * 6 + [1] * 6)
    # B cut A's class 1 in two (nodes 2 and 3 under node 1) and misplaced segments 5 and 11
    nodes_b = [np.array([0, 1, 2, 3, 4, 11]), np.array([5, 6, 7, 8, 9, 10])]
    nodes_b += [np.array([5, 6, 7]), np.array([8, 9, 10])]
    crossed = cross_with_hierarchy(labels_a, nodes_b, min_members=3)
    assert list(crossed) == [0, 0, 0, 0, 0, -1, 1, 1, 1, 1, 1, -1]


def test_double_classification_drops_a_class_without_a_counterpart() -> None:
    labels_a = np.array([0] * 6 + [1] * 2)
    nodes_b = [np.array([0, 1, 2, 6]), np.array([3, 4, 5, 7])]
    crossed = cross_with_hierarchy(labels_a, nodes_b, min_members=3)
    assert set(crossed[6:]) == {-1}


def test_reinert_reports_what_the_double_classification_left_out(segments) -> None:
    settings = {"min_segment_size": 25, "min_class_size": 4}
    model = ThemeModel("reinert", 4, method_params=settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        model.fit(segments)
    estimator = model.estimator_
    assert estimator.double_
    assert 0 <= estimator.unclassified_before_completion_ <= 1
    assert model.unclassified_share_ <= estimator.unclassified_before_completion_ + 0.1


def test_units_come_from_the_table_only_for_the_double_classification(segments) -> None:
    units = ReinertThemes(min_segment_size=25).row_params(segments)["units"]
    assert len(units) == len(segments) and units.max() + 1 < len(segments)
    assert ReinertThemes(double=False).row_params(segments) == {}
    assert ReinertThemes().row_params(segments.drop(columns=["position"])) == {}


def test_the_search_for_k_cuts_one_tree_without_double_classification() -> None:
    presence = sp.csr_matrix(sp.block_diag([np.ones((n, 4)) for n in (10, 6, 4)]))
    estimator = ReinertThemes(min_class_size=2, complete=False)
    partitions = estimator.partitions(presence, [2, 3])
    for k, labels in partitions.items():
        fitted = ReinertThemes(k, min_class_size=2, complete=False).fit(presence)
        assert list(labels) == list(fitted.labels_)
        assert not fitted.double_
