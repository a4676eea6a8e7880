"""Tests of analysis.themes: the theme model, its labels, membership, ids and diagnostics."""

from __future__ import annotations

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from sklearn.metrics import normalized_mutual_info_score  # noqa: E402

from analysis import plots, schema  # noqa: E402
from analysis.config import ThemesConfig  # noqa: E402
from analysis.themes import (  # noqa: E402
    CHOSEN,
    K_TOLERANCE,
    K,
    ThemeError,
    ThemeModel,
    ThemeWarning,
    assign_themes,
    choose_n_themes,
    cross_with_hierarchy,
    merge_into_units,
    reinert_tree,
    run_themes,
    segment_map,
    short_label,
    theme_similarity,
    typical_segments,
)

SENTENCES = {
    "recrutement": [
        "Les communes peinent à recruter des policiers municipaux et à garder les agents formés.",
        "Le recrutement de policiers municipaux bute sur la concurrence entre communes voisines.",
        "Une commune forme ses policiers municipaux puis les voit partir vers une commune voisine.",
        "La formation initiale des policiers municipaux coûte cher à la commune qui recrute.",
        "Les élus demandent le remboursement de la formation quand un agent formé part ailleurs.",
        "Le recrutement des policiers municipaux reste difficile malgré les primes proposées.",
        "Plusieurs communes mutualisent la formation des policiers municipaux pour mieux recruter.",
        "Les postes de policiers municipaux restent vacants faute de candidats formés.",
    ],
    "videoprotection": [
        "Le centre de supervision urbain reçoit les images des caméras de la ville.",
        "Les opérateurs du centre de supervision urbain visionnent les caméras jour et nuit.",
        "La ville installe de nouvelles caméras raccordées au centre de supervision urbain.",
        "Les images des caméras sont conservées trente jours puis effacées.",
        "Les opérateurs signalent à la police nationale ce que montrent les caméras.",
        "La maintenance des caméras pèse sur le budget du centre de supervision urbain.",
        "Le raccordement des caméras au commissariat facilite les réquisitions d'images.",
        "Les caméras nomades complètent le réseau du centre de supervision urbain.",
    ],
    "mediation": [
        "Les médiateurs sociaux apaisent les conflits de voisinage dans les quartiers.",
        "Le financement des médiateurs sociaux dépend chaque année des appels à projets.",
        "Les postes d'adultes-relais financent une partie des médiateurs sociaux du quartier.",
        "Les médiateurs sociaux quittent leur poste faute de financement durable.",
        "La médiation sociale de nuit rassure les habitants des quartiers.",
        "Les médiateurs sociaux accompagnent les habitants vers les services publics du quartier.",
        "Une convention pluriannuelle stabiliserait le financement des médiateurs sociaux.",
        "La formation des médiateurs sociaux améliore la gestion des conflits.",
    ],
    "tig": [
        "Les services municipaux accueillent des tigistes pour un travail d'intérêt général.",
        "Les tuteurs encadrent les tigistes dans les services municipaux.",
        "Le travail d'intérêt général manque de postes offerts par les services municipaux.",
        "Les tuteurs des tigistes demandent une formation et une reconnaissance.",
        "Le juge prononce un travail d'intérêt général exécuté dans les espaces verts.",
        "Le service pénitentiaire d'insertion suit les tigistes avec les tuteurs.",
        "Une plateforme départementale recense les postes de travail d'intérêt général.",
        "Les tigistes mineurs sont accueillis avec un tuteur formé par la protection judiciaire.",
    ],
}
LEFTOVERS = ["Partager", "Imprimer cette page"]
EXPRESSIONS = {
    "policiers municipaux": "policier_municipal",
    "centre de supervision urbain": "centre_de_supervision_urbain",
    "médiateurs sociaux": "médiateur_social",
    "travail d'intérêt général": "travail_d_intérêt_général",
}
STOP = {"dans", "pour", "avec", "puis", "leur", "sont", "cette", "chaque", "vers", "faute"}


def lemmas_of(text: str) -> str:
    """A stand-in for analysis.nlp: expressions joined, short and function words dropped."""
    lowered = text.lower()
    for phrase, joined in EXPRESSIONS.items():
        lowered = lowered.replace(phrase, joined)
    words = re.findall(r"[\w'-]+", lowered)
    return " ".join(w for w in words if len(w) > 3 and w not in STOP)


def make_segments(sentences: dict[str, list[str]] = SENTENCES) -> pd.DataFrame:
    """Segments of two concertations (a document per theme and concertation), with truth."""
    rows = []
    for theme, texts in sentences.items():
        for index, text in enumerate(texts):
            concertation = "C1" if index % 2 == 0 else "C2"
            doc_id = f"{concertation.lower()}-{theme}"
            rows.append((doc_id, concertation, index // 2, text, theme))
    for index, text in enumerate(LEFTOVERS):
        rows.append(("c1-article", "C1", index, text, "hors_theme"))
    frame = pd.DataFrame(
        rows, columns=[schema.DOC_ID, schema.CONCERTATION_ID, schema.POSITION, schema.TEXT, "truth"]
    )
    frame[schema.PARAGRAPH] = frame[schema.POSITION]
    frame[schema.SEGMENT_ID] = frame[schema.DOC_ID] + "-" + frame[schema.POSITION].astype(str)
    frame[schema.LEMMAS] = frame[schema.TEXT].map(lemmas_of)
    return frame


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return make_segments()


@pytest.fixture(scope="module")
def fitted(segments: pd.DataFrame) -> ThemeModel:
    return ThemeModel("nmf", 4, random_state=0).fit(segments)


# --- the three methods ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["nmf", "reinert", "kmeans"])
def test_each_method_recovers_the_four_themes(segments: pd.DataFrame, method: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        model = ThemeModel(method, 4, random_state=0, reinert_min_class_size=4).fit(segments)
    themed = segments["truth"] != "hors_theme"
    agreement = normalized_mutual_info_score(segments["truth"][themed], model.labels_[themed])
    assert agreement > 0.6, (method, agreement)
    assert model.labels_.shape == (len(segments),)
    assert np.all((model.scores_ >= 0) & (model.scores_ <= 1))
    assert model.n_themes_ == len(model.keywords_) == len(model.theme_labels_)


def test_web_leftovers_are_unclassified_and_reported(fitted: ThemeModel, segments) -> None:
    leftovers = segments["truth"] == "hors_theme"
    assert np.all(fitted.labels_[leftovers] == -1)
    assert fitted.unclassified_share_ == pytest.approx(leftovers.mean())


def test_themes_are_ordered_by_size_and_named_by_their_words(fitted: ThemeModel) -> None:
    assert list(fitted.sizes_) == sorted(fitted.sizes_, reverse=True)
    labels = " ".join(fitted.theme_labels_)
    for word in ("policier municipal", "centre de supervision urbain", "tigiste"):
        assert word in labels


def test_keywords_are_never_stop_words(segments: pd.DataFrame) -> None:
    noisy = segments.copy()
    noisy[schema.LEMMAS] = noisy[schema.LEMMAS] + " les être avoir dans 2024 aussi"
    model = ThemeModel("nmf", 4, random_state=0, max_df=1.0).fit(noisy)
    every_keyword = {term for terms in model.keywords_ for term in terms}
    assert every_keyword.isdisjoint({"les", "être", "avoir", "dans", "2024", "aussi"})
    assert "être" not in set(model.vocabulary_)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (
            ["recrutement", "police_municipale", "police", "formation"],
            "police municipale · recrutement · formation",
        ),
        (["caméra", "image", "opérateur", "nuit"], "caméra · image · opérateur"),
        (["agent_d_ambiance", "médiateur"], "agent d'ambiance · médiateur"),
        ([], ""),
    ],
)
def test_short_label_puts_expressions_first(terms: list[str], expected: str) -> None:
    assert short_label(terms) == expected


# --- determinism ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["nmf", "reinert", "kmeans"])
def test_same_input_in_any_order_gives_the_same_themes(segments: pd.DataFrame, method: str) -> None:
    settings = {"random_state": 3, "reinert_min_class_size": 4}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        first = ThemeModel(method, 4, **settings).fit(segments)
        shuffled = segments.sample(frac=1.0, random_state=7)
        second = ThemeModel(method, 4, **settings).fit(shuffled)
    by_id = dict(zip(shuffled[schema.SEGMENT_ID], second.labels_, strict=True))
    assert [by_id[s] for s in segments[schema.SEGMENT_ID]] == list(first.labels_)
    assert first.theme_labels_ == second.theme_labels_
    assert first.keywords_ == second.keywords_


def test_assign_themes_is_identical_run_after_run(segments: pd.DataFrame, tmp_path) -> None:
    outputs = []
    for run in range(2):
        assigned, themes = assign_themes(segments, ThemeModel("nmf", 4))
        path = tmp_path / f"themes-{run}.csv"
        themes.to_csv(path, index=False)
        assigned.drop(columns=[schema.TEXT]).to_csv(tmp_path / f"segments-{run}.csv", index=False)
        outputs.append((path.read_bytes(), (tmp_path / f"segments-{run}.csv").read_bytes()))
    assert outputs[0] == outputs[1]


# --- number of themes -------------------------------------------------------------------------


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

    monkeypatch.setattr(ThemeModel, "_diagnose", forbidden)
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


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "settings", "message"),
    [
        (lambda s: s, {"n_themes": 40}, "n_themes=40, mais seuls"),
        (lambda s: s.head(3), {"n_themes": 2}, "il en faut au moins 4"),
        (lambda s: s.assign(lemmas=""), {"n_themes": 2}, "il en faut au moins 4"),
        (lambda s: s.assign(lemmas="les dans avec"), {"n_themes": 2}, "au moins 4"),
        (lambda s: s.assign(lemmas=s.index.astype(str) + " aussi"), {"n_themes": 2}, "min_df"),
        (lambda s: s.assign(lemmas="caméra image opérateur"), {"n_themes": 2}, "mêmes lemmes"),
        (lambda s: s, {"method": "lda"}, "Méthode de thèmes inconnue"),
        (lambda s: s, {"n_themes": 1}, "au moins 2"),
    ],
)
def test_bad_input_gives_a_clear_error(segments, build, settings, message) -> None:
    with pytest.raises(ThemeError, match=message):
        ThemeModel(**settings).fit(build(segments))


def test_too_many_themes_for_the_segments_warns(segments: pd.DataFrame) -> None:
    with pytest.warns(ThemeWarning) as caught:
        ThemeModel("nmf", 12).fit(segments)
    assert any("environ deux segments par thème" in str(w.message) for w in caught)


def test_missing_lemmas_column_names_it(segments: pd.DataFrame) -> None:
    with pytest.raises(schema.SchemaError, match="lemmas"):
        ThemeModel("nmf", 4).fit(segments.drop(columns=[schema.LEMMAS]))


def test_unfitted_model_cannot_predict(segments: pd.DataFrame) -> None:
    with pytest.raises(ThemeError, match="pas encore ajusté"):
        ThemeModel().predict(segments)


# --- membership, prediction, tables ---------------------------------------------------------


def test_predict_puts_a_new_segment_in_its_theme(fitted: ThemeModel, segments) -> None:
    video = fitted.labels_[segments["truth"].to_numpy() == "videoprotection"][0]
    new = ["Les opérateurs du centre_de_supervision_urbain surveillent les caméras", "Partager"]
    assert list(fitted.predict(pd.Series(new))) == [video, -1]


def test_second_theme_only_when_close_to_the_main_one(segments: pd.DataFrame) -> None:
    mixed = segments.copy()
    mixed.loc[0, schema.LEMMAS] = lemmas_of(
        "Les policiers municipaux et les médiateurs sociaux travaillent ensemble dans le quartier."
    )
    model = ThemeModel("nmf", 4, random_state=0, second_theme_ratio=0.5).fit(mixed)
    assert model.second_labels_[0] >= 0 and model.second_labels_[0] != model.labels_[0]
    strict = ThemeModel("nmf", 4, random_state=0, second_theme_ratio=1.0).fit(segments)
    assert (strict.second_labels_ == -1).mean() > 0.9


def test_assign_themes_adds_the_columns_and_the_themes_table(segments: pd.DataFrame) -> None:
    assigned, themes = assign_themes(segments, ThemeModel("nmf", 4))
    assert assigned[schema.THEME_ID].dtype == np.int64
    assert str(assigned[schema.SECOND_THEME_ID].dtype) == "Int64"
    assert set(assigned.loc[segments["truth"] == "hors_theme", schema.THEME_ID]) == {-1}
    assert set(assigned.loc[assigned[schema.THEME_ID] == -1, schema.THEME_LABEL]) == {"non classé"}
    assert set(schema.THEME_COLUMNS) <= set(themes.columns)
    assert list(themes[schema.THEME_ID]) == [1, 2, 3, 4]
    assert list(themes[schema.N_SEGMENTS]) == sorted(themes[schema.N_SEGMENTS], reverse=True)
    assert themes[schema.N_SEGMENTS].sum() == (assigned[schema.THEME_ID] >= 0).sum()
    assert (themes[schema.N_CONCERTATIONS] == 2).all()
    assert all(", " in keywords for keywords in themes[schema.KEYWORDS])


def test_assign_themes_reuses_a_model_fitted_on_the_same_segments(segments) -> None:
    model = ThemeModel("nmf", 4).fit(segments)
    estimator = model.estimator_
    in_order, _ = assign_themes(segments, model)
    shuffled, _ = assign_themes(segments.sample(frac=1.0, random_state=1), model)
    assert model.estimator_ is estimator
    columns = [schema.THEME_ID, schema.THEME_SCORE, schema.SECOND_THEME_ID]
    pd.testing.assert_frame_equal(
        shuffled.sort_values(schema.SEGMENT_ID)[columns].reset_index(drop=True),
        in_order.sort_values(schema.SEGMENT_ID)[columns].reset_index(drop=True),
    )


def test_typical_segments_are_the_closest_to_their_theme(segments: pd.DataFrame) -> None:
    assigned, themes = assign_themes(segments, ThemeModel("nmf", 4))
    typical = typical_segments(assigned, themes, n=2)
    assert len(typical) == 8
    for _, group in typical.groupby(schema.THEME_ID):
        assert list(group["rank"]) == [1, 2]
        best = assigned.loc[assigned[schema.THEME_ID] == group[schema.THEME_ID].iloc[0]]
        assert group[schema.THEME_SCORE].iloc[0] == best[schema.THEME_SCORE].max()


def test_typical_segments_from_a_fitted_model(fitted: ThemeModel, segments) -> None:
    typical = typical_segments(segments, fitted, n=1)
    assert list(typical[schema.LABEL]) == fitted.theme_labels_


def test_theme_similarity_is_symmetric_with_ones_on_the_diagonal(segments) -> None:
    run = run_themes(segments, ThemeModel("nmf", 4))
    similarity = theme_similarity(run)
    values = similarity.to_numpy()
    assert np.allclose(values, values.T) and np.allclose(np.diag(values), 1.0)
    assert list(similarity.index) == [1, 2, 3, 4]


def test_from_config_takes_the_themes_section() -> None:
    config = ThemesConfig(method="kmeans", n_themes=7, k_max=9, curation_file="x.yml")
    model = ThemeModel.from_config(config)
    assert (model.method, model.n_themes, model.k_max) == ("kmeans", 7, 9)
    assert ThemeModel.from_config(config, n_themes=3).n_themes == 3


def test_settings_follow_scikit_learn_conventions() -> None:
    model = ThemeModel("reinert", 5, random_state=3)
    assert model.get_params()["n_themes"] == 5 and model.get_params()["random_state"] == 3
    assert model.set_params(n_themes=7).n_themes == 7
    with pytest.raises(ThemeError, match="pas de réglage 'k'"):
        model.set_params(k=3)
    assert not hasattr(model, "labels_")  # nothing is learned before fit


def test_fits_lemma_strings_without_a_table(segments: pd.DataFrame) -> None:
    model = ThemeModel("kmeans", 4).fit(list(segments[schema.LEMMAS]))
    assert model.n_themes_ == 4


# --- Reinert's classification ------------------------------------------------------------------


def test_reinert_first_split_separates_two_vocabularies() -> None:
    block = np.kron(np.eye(2), np.ones((6, 5)))
    block[0, 7] = block[8, 2] = 1  # a little noise
    tree = reinert_tree(sp.csr_matrix(block), max_classes=2, min_split_members=2)
    labels = tree.labels_at(2)
    assert len(set(labels[:6])) == 1 and len(set(labels[6:])) == 1 and labels[0] != labels[6]


def test_reinert_splits_the_largest_class_next() -> None:
    sizes = (10, 4, 4)
    block = sp.block_diag([np.ones((n, 4)) for n in sizes]).tocsr()
    tree = reinert_tree(block, max_classes=3, min_split_members=2)
    assert len(tree.splits) == 2
    assert len(tree.members[tree.splits[1][0]]) == max(len(tree.members[c]) for c in (1, 2))
    assert len(np.unique(tree.labels_at(3))) == 3


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

    import analysis.themes as themes_module

    rng = np.random.default_rng(3)
    presence = sp.csr_matrix((rng.random((60, 25)) < 0.2).astype(float))
    expected = reinert_tree(presence, max_classes=4, min_split_members=2).labels_at(4)

    def failing_svds(*args, **kwargs):
        raise ArpackError(-9)

    monkeypatch.setattr(themes_module, "svds", failing_svds)
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
    model = ThemeModel("reinert", 4, reinert_min_segment_size=25, reinert_min_class_size=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        model.fit(segments)
    assert model.reinert_double_
    assert 0 <= model.reinert_unclassified_before_completion_ <= 1
    assert model.unclassified_share_ <= model.reinert_unclassified_before_completion_ + 0.1


# --- plots ------------------------------------------------------------------------------------


def test_theme_plots_draw_on_the_given_axes(segments: pd.DataFrame) -> None:
    model = ThemeModel("nmf", "auto", k_min=2, k_max=5, n_resamples=2)
    run = run_themes(segments, model)
    figure, axes = plt.subplots(2, 3)
    drawn = [
        plots.plot_theme_sizes(run.themes, ax=axes[0, 0]),
        plots.plot_top_terms(run.keywords, 1, ax=axes[0, 1]),
        plots.plot_theme_map(segment_map(run), run.themes, ax=axes[0, 2]),
        plots.plot_theme_dendrogram(theme_similarity(run), run.themes, ax=axes[1, 0]),
        plots.plot_k_diagnostics(model.diagnostics_, ax=axes[1, 1]),
    ]
    assert drawn == [axes[0, 0], axes[0, 1], axes[0, 2], axes[1, 0], axes[1, 1]]
    assert axes[0, 0].get_title() == "Taille des thèmes"
    assert len(axes[0, 0].patches) == len(run.themes)
    first = plots.plot_themes_top_terms(run.keywords, n_terms=4)
    panels = [ax for ax in first.figure.axes if ax.get_visible()]
    assert isinstance(first, Axes) and len(panels) == len(run.themes)
    assert [len(ax.patches) for ax in panels] == [4] * len(run.themes)
    plt.close("all")


def test_theme_plots_also_take_the_whole_run(segments: pd.DataFrame) -> None:
    run = run_themes(segments, ThemeModel("nmf", 4))
    grid = plots.plot_themes_top_terms(run).figure
    assert sum(ax.get_visible() for ax in grid.axes) == 4
    map_ax = plots.plot_theme_map(run)
    assert {text.get_text() for text in map_ax.texts} == {"1", "2", "3", "4"}
    tree_ax = plots.plot_theme_dendrogram(run)
    shown = {label.get_text() for label in tree_ax.get_yticklabels()}
    themes = run.themes
    expected = {f"{t} · {name}" for t, name in zip(themes.theme_id, themes.label, strict=True)}
    assert shown == expected
    plt.close("all")
