"""Tests of analysis.themes.spectral: spectral clusterings of neighbour graphs, combined."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from factories import theme_segments
from sklearn.metrics import normalized_mutual_info_score

from analysis.themes import NO_THEME, SpectralThemes, ThemeModel


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
