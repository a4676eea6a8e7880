"""Tests of analysis.themes.spectral: spectral clusterings of neighbour graphs, combined."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from factories import theme_segments
from sklearn.cluster import SpectralClustering
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

from analysis.themes import NO_THEME, SpectralThemes, ThemeModel, spectral
from analysis.themes.base import smallest_per_row
from analysis.themes.nearest import tie_key
from analysis.themes.spectral import _affinity, _distance_graph
from analysis.workers import has_spare_core


def test_the_same_rows_give_the_same_themes(french_tfidf) -> None:
    tfidf, truth = french_tfidf
    first = SpectralThemes(4, n_neighbors=(4, 6, 8)).fit(tfidf)
    second = SpectralThemes(4, n_neighbors=(4, 6, 8)).fit(tfidf)
    assert np.array_equal(first.labels_, second.labels_)
    assert first.partitions_.shape == (tfidf.shape[0], 3)
    assert normalized_mutual_info_score(truth, first.labels_) > 0.5


def test_rows_without_terms_are_left_out_and_neighbourhoods_fit_the_rows(french_tfidf) -> None:
    tfidf, _ = french_tfidf
    empty = sp.csr_matrix((2, tfidf.shape[1]), dtype=tfidf.dtype)
    labels = SpectralThemes(3).fit(sp.vstack([tfidf, empty]).tocsr()).labels_
    assert (labels[-2:] == NO_THEME).all()
    assert set(labels[:-2]) == {0, 1, 2}  # neighbourhoods of 30 cut down to the 32 rows


def test_a_theme_model_uses_it_by_name() -> None:
    segments = theme_segments()
    model = ThemeModel("spectral", 4, method_params={"n_neighbors": (4, 6, 8)}).fit(segments)
    assert model.n_themes_ == 4
    truth = segments["truth"].to_numpy()
    kept = (model.labels_ >= 0) & (truth != "hors_theme")
    assert normalized_mutual_info_score(truth[kept], model.labels_[kept]) > 0.5


def test_the_search_by_blocks_finds_the_neighbours_scikit_learn_finds(real_comments_tfidf) -> None:
    rows = np.flatnonzero(real_comments_tfidf.getnnz(axis=1) > 0)
    X = real_comments_tfidf[rows]
    expected = NearestNeighbors(n_neighbors=12, metric="cosine", algorithm="brute")
    expected = expected.fit(X).kneighbors_graph(mode="distance")
    found = _distance_graph(X, 12, block=100)
    assert np.array_equal(found.indptr, expected.indptr)
    assert np.allclose(found.data, expected.data + 1e-6)  # the same distances, nearest first
    distances = found.data.reshape(-1, 12)
    for row in range(X.shape[0]):
        ours = found.indices[found.indptr[row] : found.indptr[row + 1]]
        theirs = expected.indices[expected.indptr[row] : expected.indptr[row + 1]]
        # rows nearer than the last one kept are scikit-learn's; ties come in a fixed order
        nearer = distances[row] < distances[row, -1]
        assert set(ours[nearer]) == set(theirs[nearer])
        for tied in np.unique(distances[row]):
            same = ours[distances[row] == tied]
            assert (np.diff(tie_key(np.full(same.size, row), same).astype(float)) > 0).all()
    tied_rows = (np.diff(distances, axis=1) == 0).any(axis=1)
    assert tied_rows.sum() > 50  # real comments do tie: the order matters


def test_rows_at_the_same_distance_do_not_all_link_to_the_first_rows(real_comments_tfidf) -> None:
    # segments sharing no term with enough others tie at distance 1: taken in corpus order,
    # their "neighbours" would all be the corpus's first segments
    rows = np.flatnonzero(real_comments_tfidf.getnnz(axis=1) > 0)
    graph = _distance_graph(real_comments_tfidf[rows], 30)
    unrelated = graph.data > 1  # distance 1 (+ the shift): no term in common
    assert unrelated.sum() > 500
    linked = np.bincount(graph.indices[unrelated], minlength=graph.shape[0])
    assert linked[:30].sum() < 0.1 * unrelated.sum()
    assert linked.max() <= 10  # no segment is everybody's unrelated neighbour


def test_the_smallest_values_of_each_row_come_first_and_ties_in_column_order() -> None:
    values = np.array(
        [[0.3, 0.1, 0.3, 0.3, 0.9], [0.5, 0.5, 0.5, 0.5, 0.5], [2.0, 1.0, 0.0, 1.0, 3.0]]
    )
    rows, columns = smallest_per_row(values, 3)
    assert rows.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert columns.tolist() == [1, 0, 2, 0, 1, 2, 2, 1, 3]
    rows, columns = smallest_per_row(values, 3, up_to=0.3)  # a row may keep fewer
    assert rows.tolist() == [0, 0, 0, 2]
    assert columns.tolist() == [1, 0, 2, 2]
    rows, columns = smallest_per_row(values, 2, ties=True)  # or more, to keep the ties
    assert rows.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2]
    assert columns.tolist() == [1, 0, 2, 3, 0, 1, 2, 3, 4, 2, 1, 3]
    rows, columns = smallest_per_row(values, 2, ties=True, at_most=3)  # within a limit
    assert rows.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert columns.tolist() == [1, 0, 2, 0, 1, 2, 2, 1, 3]


def test_the_smallest_values_of_real_rows_are_those_a_full_sort_finds(real_comments_tfidf) -> None:
    unit = normalize(real_comments_tfidf[:200])
    distances = 1 - (unit @ normalize(real_comments_tfidf).T).toarray()
    rows, columns = smallest_per_row(distances, 15)
    by_sort = np.lexsort((np.arange(distances.shape[1])[None, :].repeat(200, 0), distances))
    assert np.array_equal(columns.reshape(200, 15), by_sort[:, :15])


def test_rows_that_tie_with_every_other_keep_k_neighbours_spread_over_the_rows() -> None:
    # 3,000 segments that share no term: each is at distance 1 from every other, and the
    # search keeps 30 of 2,999 tied rows for each without sorting them all
    n_rows = 3000
    X = sp.csr_matrix((np.ones(n_rows), (np.arange(n_rows), np.arange(n_rows))))
    graph = _distance_graph(X, 30)
    assert (np.diff(graph.indptr) == 30).all()
    assert (graph.indices != np.repeat(np.arange(n_rows), 30)).all()  # never itself
    linked = np.bincount(graph.indices, minlength=n_rows)
    assert linked.max() <= 4 * 30  # no hub: 30 links per row on average


def test_each_graph_keeps_the_nearest_rows_in_the_search_order(real_comments_tfidf) -> None:
    rows = np.flatnonzero(real_comments_tfidf.getnnz(axis=1) > 0)
    graph = _distance_graph(real_comments_tfidf[rows], 12)
    affinity = _affinity(graph, 5)
    assert (affinity != affinity.T).nnz == 0
    linked = (affinity > 0).astype(int)
    assert (np.asarray(linked.sum(axis=1)).ravel() >= 5).all()
    first = graph.indices[graph.indptr[0] : graph.indptr[0] + 5]
    assert set(linked[0].indices) >= set(first)  # the search lists the nearest first


def test_the_fast_eigensolver_finds_the_partitions_of_the_exact_one(
    real_comments_tfidf, monkeypatch
) -> None:
    # above EXACT_ROWS rows LOBPCG replaces scikit-learn's shift-invert ARPACK (minutes at
    # 20,000 segments): on real comments, each graph's partition is the one ARPACK gives
    rows = np.flatnonzero(real_comments_tfidf.getnnz(axis=1) > 0)
    graph = _distance_graph(real_comments_tfidf[rows], 20)
    model = SpectralThemes(6)
    monkeypatch.setattr(spectral, "EXACT_ROWS", 100)
    for n_neighbors in (8, 20):
        exact = SpectralClustering(
            n_clusters=6,
            affinity="precomputed_nearest_neighbors",
            n_neighbors=n_neighbors,
            assign_labels="cluster_qr",
            random_state=0,
        ).fit_predict(graph)
        fast = model._spectral(_affinity(graph, n_neighbors), 6)
        assert adjusted_rand_score(exact, fast) > 0.95


@pytest.mark.skipif(not has_spare_core(), reason="one core, or no fork: nothing runs beside")
def test_graphs_embedded_by_a_second_process_give_the_same_themes(
    real_comments_tfidf, monkeypatch
) -> None:
    # from PARALLEL_ROWS rows a forked process embeds half of the graphs: the themes of the
    # real comments are those of one process, label for label
    monkeypatch.setattr(spectral, "EXACT_ROWS", 100)  # LOBPCG, as on a large corpus
    monkeypatch.setattr(spectral, "PARALLEL_ROWS", 10**9)
    alone = SpectralThemes(6).fit(real_comments_tfidf)
    calls = []
    monkeypatch.setattr(spectral, "map_in_two", _spying(spectral.map_in_two, calls))
    monkeypatch.setattr(spectral, "PARALLEL_ROWS", 100)
    beside = SpectralThemes(6).fit(real_comments_tfidf)
    assert calls == [True]
    assert np.array_equal(beside.partitions_, alone.partitions_)
    assert np.array_equal(beside.labels_, alone.labels_)


def _spying(function, calls: list):
    def spy(*args, parallel: bool, **kwargs):
        calls.append(parallel)
        return function(*args, parallel=parallel, **kwargs)

    return spy
