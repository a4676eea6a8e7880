"""Tests of analysis.themes.selection: choosing the number of themes."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from factories import theme_segments
from sklearn.metrics import silhouette_score

from analysis import schema
from analysis.config import load_config
from analysis.corpus import load_corpus
from analysis.nlp import prepare_segments
from analysis.themes import (
    CHOSEN,
    K_TOLERANCE,
    METHODS,
    K,
    ThemeModel,
    ThemeWarning,
    choose_n_themes,
    selection,
)
from analysis.vectorise import LemmaVectoriser


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return theme_segments()


def test_auto_k_returns_its_diagnostics_and_uses_the_chosen_k(segments: pd.DataFrame) -> None:
    model = ThemeModel("nmf", "auto", k_min=2, k_max=6, n_resamples=3).fit(segments)
    table = model.diagnostics_
    assert list(table[K]) == [2, 3, 4, 5, 6]
    assert table[CHOSEN].sum() == 1
    assert model.n_themes_ == int(table.loc[table[CHOSEN], K].iloc[0])
    assert {"stability", "coherence", "separation", "score"} <= set(table.columns)
    assert table["score"].between(0, 1).all()


def test_a_known_k_search_is_reused_and_k_chosen_again(segments: pd.DataFrame, monkeypatch) -> None:
    first = ThemeModel("nmf", "auto", k_min=2, k_max=6, n_resamples=3).fit(segments)
    table = first.diagnostics_
    runner_up = int(table.sort_values("score", kind="stable")[K].iloc[-2])

    def forbidden(*args, **kwargs):
        raise AssertionError("the search for k ran again")

    monkeypatch.setattr(selection, "k_search_table", forbidden)
    again = ThemeModel("nmf", "auto", k_min=2, k_max=6, n_resamples=3)
    again.fit(segments, diagnostics=table)
    pd.testing.assert_frame_equal(again.diagnostics_, table)
    assert np.array_equal(again.labels_, first.labels_)
    # the previous run's k is kept when it scores within the tolerance, chosen again here
    preferred = ThemeModel("nmf", "auto", k_min=2, k_max=6, n_resamples=3)
    preferred.fit(segments, prefer_n_themes=runner_up, diagnostics=table)
    assert preferred.diagnostics_["previous"].sum() == 1
    chosen = int(preferred.diagnostics_.loc[preferred.diagnostics_[CHOSEN], K].iloc[0])
    best = table.loc[table[K] == runner_up, "score"].iloc[0] >= table["score"].max() - K_TOLERANCE
    assert chosen == (runner_up if best else first.n_themes_) == preferred.n_themes_
    # a table for another range of k is not this model's: the search runs
    monkeypatch.undo()
    other = ThemeModel("nmf", "auto", k_min=2, k_max=5, n_resamples=3)
    other.fit(segments, diagnostics=table)
    assert list(other.diagnostics_[K]) == [2, 3, 4, 5]


def test_choose_n_themes_lands_near_the_true_number_on_clear_themes(segments) -> None:
    # four true themes in 34 segments: small samples favour one or two more, never fewer
    table = choose_n_themes(segments, method="nmf", k_min=2, k_max=6)
    assert int(table.loc[table[CHOSEN], K].iloc[0]) in (4, 5, 6)
    assert table.loc[table[K] == 2, "stability"].iloc[0] < table["stability"].max()


def test_auto_k_narrows_its_range_on_a_small_corpus_with_a_warning(segments) -> None:
    with pytest.warns(ThemeWarning, match="est cherché"):
        model = ThemeModel("nmf", "auto", k_min=4, k_max=30).fit(segments)
    assert model.diagnostics_[K].max() <= len(segments) // 5


def test_auto_k_on_a_handful_of_segments_fits_few_themes_with_a_warning(segments) -> None:
    with pytest.warns(ThemeWarning, match="trop peu pour choisir le nombre de thèmes"):
        model = ThemeModel("nmf", "auto").fit(segments.head(8))
    assert model.diagnostics_ is None
    assert 1 <= model.n_themes_ <= 2
    assert (model.labels_ >= 0).sum() >= 4


@pytest.mark.parametrize(
    ("scores", "previous", "chosen"),
    [
        ([0.2, 0.9, 0.5], None, 3),  # the best score
        ([0.2, 0.9, 0.85], 4, 4),  # the previous k, close enough to the best
        ([0.2, 0.9, 0.5], 4, 3),  # the previous k, too far from the best
        ([0.2, 0.9, 0.5], 7, 3),  # a previous k that was not tried
    ],
)
def test_choose_k_keeps_the_previous_k_when_close_to_the_best(scores, previous, chosen) -> None:
    table = pd.DataFrame({K: [2, 3, 4], selection.COMBINED: scores})
    marked = selection.choose_k(table, previous)
    assert selection.chosen_k(marked) == chosen
    assert marked[selection.PREVIOUS].sum() == (previous in (2, 3, 4))


@pytest.mark.parametrize(
    ("stability", "stability_se", "scores", "chosen"),
    [
        ([0.50, 0.60, 0.62], [0.02] * 3, [0.5, 0.7, 0.9], 3),  # k=3 as steady as k=4
        ([0.30, 0.45, 0.62], [0.02] * 3, [0.7, 0.7, 0.9], 4),  # smaller k clearly less steady
        ([0.61, 0.40, 0.50], [0.02] * 3, [0.7, 0.7, 0.9], 2),  # the steadiest k below the best
        ([0.61, 0.40, 0.50], [0.02] * 3, [0.2, 0.5, 0.9], 4),  # steady, but far from the best
        ([0.50, 0.60, 0.62], None, [0.5, 0.7, 0.9], 4),  # no noise measured: the best wins
    ],
)
def test_choose_k_prefers_the_simplest_k_within_the_noise(
    stability, stability_se, scores, chosen
) -> None:
    table = pd.DataFrame({K: [2, 3, 4], selection.STABILITY: stability, "score": scores})
    if stability_se is not None:
        table[selection.STABILITY_SE] = stability_se
    assert selection.chosen_k(selection.choose_k(table)) == chosen


@pytest.mark.parametrize(
    ("scores", "stability", "certainty"),
    [
        ([0.2, 0.9, 0.5], 0.7, "sûr"),  # clear lead, steady partitions
        ([0.2, 0.9, 0.85], 0.7, "incertain"),  # another k nearly as good
        ([0.2, 0.9, 0.5], 0.3, "incertain"),  # partitions change from one subsample to the next
    ],
)
def test_the_table_says_how_sure_the_choice_is(scores, stability, certainty) -> None:
    table = pd.DataFrame({K: [2, 3, 4], selection.STABILITY: stability, "score": scores})
    marked = selection.choose_k(table)
    row = marked.loc[marked[CHOSEN]].iloc[0]
    assert row[selection.CERTAINTY] == certainty
    assert row[selection.MARGIN] == pytest.approx(0.9 - max(s for s in scores if s != 0.9))
    assert (marked.loc[~marked[CHOSEN], selection.CERTAINTY] == "").all()
    assert selection.k_certainty(marked).startswith(f"3 thèmes : choix {certainty}")


def test_reinert_chooses_k_unless_the_corpus_is_too_small_for_its_classes(segments) -> None:
    model = ThemeModel("nmf", 4).fit(segments)
    rows = model.presence_.getnnz(axis=1) >= 3
    tfidf, presence = model.tfidf_[rows], model.presence_[rows]
    reinert = METHODS["reinert"]()  # classes of at least 10 segments: 18 rows give at most 4

    def reaches(estimator, ks: list[int]) -> bool:
        found = selection.search_partitions(estimator, tfidf, presence, ks, 0)
        return selection.finds_every_k(found, ks)

    assert reaches(reinert, [2, 3, 4])
    assert not reaches(reinert, [2, 6])
    assert reaches(METHODS["nmf"](), [2, 6])


@pytest.fixture(scope="module")
def real_proposals(tmp_path_factory, project_root) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """The IRaMuTeQ corpus of Lille's Grand Débat proposals, lemmatised, one document each,
    the number of themes the analysts gave it (tests/data/real/README.md) and its multiword
    expressions."""
    path = project_root / "tests" / "data" / "real" / "lille-propositions-iramuteq.txt"
    config = load_config(project_root / "analysis.toml").replace("segmentation", unit="document")
    config = config.replace("cache", dir=str(tmp_path_factory.mktemp("cache")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments, _, expressions = prepare_segments(load_corpus(path), config, progress=False)
    themes = {
        line.split()[1] for line in path.read_text("utf-8").splitlines() if line[:5] == "**** "
    }
    return segments, len(themes), expressions


def test_auto_k_stays_near_the_analysts_themes_on_a_real_corpus(real_proposals) -> None:
    # 140 real proposals, four themes: NMF's own criteria chose 12 themes before Reinert's
    # nested partitions and the one-standard-error rule
    segments, n_labels, _ = real_proposals
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        model = ThemeModel("nmf", "auto", random_state=0).fit(segments)
    table = model.diagnostics_
    chosen = selection.chosen_k(table)
    assert n_labels == 4
    assert abs(chosen - n_labels) <= 0.3 * n_labels
    assert model.n_themes_ == chosen
    row = table.loc[table[CHOSEN]].iloc[0]
    assert row[selection.CERTAINTY] in (selection.SURE, selection.UNSURE)
    assert np.isfinite(row[selection.MARGIN]) and np.isfinite(row[selection.STABILITY_SE])
    assert "thèmes : choix" in selection.k_certainty(table)


def test_choose_n_themes_reads_the_expressions_heads_as_a_fit_does(real_proposals) -> None:
    segments, _, expressions = real_proposals
    assert expressions[schema.EXPRESSION_PATTERN].str.startswith("ADJ NOUN").any()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        with_heads = choose_n_themes(segments, expressions=expressions, random_state=0)
        again = choose_n_themes(segments, expressions=expressions, random_state=0)
        first_words = choose_n_themes(segments, random_state=0)
    pd.testing.assert_frame_equal(with_heads, again)
    assert with_heads[K].tolist() == first_words[K].tolist()
    # the partitions are Reinert's, on lexical presence rows; the TF-IDF rows the separation
    # is measured on borrow their terms' neighbours, expressions by their heads
    assert np.array_equal(with_heads[selection.STABILITY], first_words[selection.STABILITY])
    assert not np.allclose(with_heads[selection.SEPARATION], first_words[selection.SEPARATION])


def test_the_real_comments_corpus_reads_as_its_analysts_labelled_it(project_root) -> None:
    # the benchmark's larger real corpus (tests/data/themes/README.md): 693 comments, 4 themes
    path = project_root / "tests" / "data" / "themes" / "lille-commentaires-iramuteq.txt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(path)
    headers = [line for line in path.read_text("utf-8").splitlines() if line[:5] == "**** "]
    assert len(headers) == 693
    assert len({line.split()[1] for line in headers}) == 4
    assert 600 <= len(documents) <= 693  # a text written twice is loaded once


def test_the_separation_is_scikit_learns_silhouette_with_one_distance_matrix_per_sample(
    project_root,
) -> None:
    # the k of a search that classify the same rows share their sample's distances: the
    # figures stay scikit-learn's sampled cosine silhouette, on real comments (more rows than
    # the sample)
    path = project_root / "tests" / "data" / "themes" / "lille-commentaires-iramuteq.txt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        texts = load_corpus(path)[schema.TEXT].tolist() * 4
    lemmas = [" ".join(w for w in text.lower().split() if len(w) > 3) for text in texts]
    tfidf = LemmaVectoriser(min_df=2).fit(lemmas).tfidf(lemmas)
    first_term = np.asarray(tfidf.argmax(axis=1)).ravel()
    shared: dict[bytes, np.ndarray] = {}
    for k in (3, 5, 8):
        labels = first_term % k
        labels[::7] = -1  # unclassified rows
        found = selection._separation(tfidf, labels, 0, shared)
        kept = labels >= 0
        expected = silhouette_score(
            tfidf[kept], labels[kept], metric="cosine", sample_size=2000, random_state=0
        )
        assert found == expected
    assert len(shared) == 1  # the same classified rows: one matrix for the three k
    other = first_term % 4
    other[::5] = -1
    selection._separation(tfidf, other, 0, shared)
    assert len(shared) == 2
