"""Tests of analysis.themes.methods: each theme method is a scikit-learn estimator of its own."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import normalized_mutual_info_score

from analysis.themes import (
    METHODS,
    KMeansThemes,
    NMFThemes,
    ReinertThemes,
    SpectralThemes,
    ThemeError,
)

OWN_SETTINGS = {
    "nmf": {},
    "kmeans": {"n_init": 3, "lsa_components": 10},
    "reinert": {"min_class_size": 4, "min_members": 2, "double": False, "complete": False},
    "spectral": {"n_neighbors": (4, 6, 8)},
}


def test_the_registry_names_each_method() -> None:
    assert METHODS == {
        "nmf": NMFThemes,
        "reinert": ReinertThemes,
        "kmeans": KMeansThemes,
        "spectral": SpectralThemes,
    }


@pytest.mark.parametrize("method", list(METHODS))
def test_parameters_are_stored_untouched_and_cloned(method: str) -> None:
    settings = {"n_themes": 5, "random_state": 7, **OWN_SETTINGS[method]}
    estimator = METHODS[method](**settings)
    assert {k: estimator.get_params()[k] for k in settings} == settings
    copy = clone(estimator)
    assert copy is not estimator and copy.get_params() == estimator.get_params()
    assert copy.set_params(n_themes=3).n_themes == 3 and estimator.n_themes == 5
    assert not hasattr(copy, "labels_")


@pytest.mark.parametrize("method", list(METHODS))
def test_an_unknown_setting_is_named(method: str) -> None:
    with pytest.raises(ThemeError, match="pas de réglage 'k'"):
        METHODS[method]().set_params(k=3)


@pytest.mark.parametrize("method", list(METHODS))
def test_each_method_finds_the_themes_on_its_own(french_tfidf, method: str) -> None:
    tfidf, truth = french_tfidf
    estimator = METHODS[method](4, random_state=0, **OWN_SETTINGS[method])
    assert estimator.fit(tfidf) is estimator
    assert estimator.labels_.shape == (tfidf.shape[0],)
    kept = estimator.labels_ >= 0
    assert normalized_mutual_info_score(truth[kept], estimator.labels_[kept]) > 0.6, method
    assert list(estimator.fit_predict(tfidf)) == list(estimator.labels_)


def test_what_each_method_learns(french_tfidf) -> None:
    tfidf, _ = french_tfidf
    nmf = NMFThemes(4).fit(tfidf)
    assert nmf.weights_.shape == (tfidf.shape[0], 4) and nmf.components_.shape[0] == 4
    kmeans = KMeansThemes(4, lsa_components=10).fit(tfidf)
    assert kmeans.cluster_centers_.shape == (4, 10) and kmeans.svd_.n_components == 10
    reinert = ReinertThemes(4, min_class_size=4, double=False).fit(tfidf)
    assert len(reinert.tree_.splits) == 3 and not reinert.double_


@pytest.mark.parametrize("method", list(METHODS))
def test_the_search_for_k_gives_one_partition_per_k(french_tfidf, method: str) -> None:
    tfidf, _ = french_tfidf
    partitions = METHODS[method](random_state=0, **OWN_SETTINGS[method]).partitions(tfidf, [2, 4])
    assert sorted(partitions) == [2, 4]
    assert [len(np.unique(p[p >= 0])) for p in partitions.values()] == [2, 4]
