"""Tests of analysis.themes.model: the theme model, its settings, membership and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from factories import theme_lemmas, theme_segments
from sklearn.base import clone
from sklearn.metrics import normalized_mutual_info_score

from analysis import schema
from analysis.config import ThemesConfig
from analysis.themes import METHODS, ThemeError, ThemeModel, ThemeWarning

# Reinert does not split classes under ten segments by default: too many for 34 segments
SMALL_CLASSES = {"reinert": {"min_class_size": 4}}


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return theme_segments()


@pytest.fixture(scope="module")
def fitted(segments: pd.DataFrame) -> ThemeModel:
    return ThemeModel("nmf", 4, random_state=0).fit(segments)


# --- the three methods ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["nmf", "reinert", "kmeans"])
def test_each_method_recovers_the_four_themes(segments: pd.DataFrame, method: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        model = ThemeModel(method, 4, random_state=0, method_params=SMALL_CLASSES.get(method))
        model.fit(segments)
    themed = segments["truth"] != "hors_theme"
    agreement = normalized_mutual_info_score(segments["truth"][themed], model.labels_[themed])
    assert agreement > 0.6, (method, agreement)
    assert model.labels_.shape == (len(segments),)
    assert np.all((model.scores_ >= 0) & (model.scores_ <= 1))
    assert model.n_themes_ == len(model.keywords_) == len(model.theme_labels_)
    assert isinstance(model.estimator_, METHODS[method])


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


# --- determinism ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["nmf", "reinert", "kmeans"])
def test_same_input_in_any_order_gives_the_same_themes(segments: pd.DataFrame, method: str) -> None:
    settings = {"random_state": 3, "method_params": SMALL_CLASSES.get(method)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        first = ThemeModel(method, 4, **settings).fit(segments)
        shuffled = segments.sample(frac=1.0, random_state=7)
        second = ThemeModel(method, 4, **settings).fit(shuffled)
    by_id = dict(zip(shuffled[schema.SEGMENT_ID], second.labels_, strict=True))
    assert [by_id[s] for s in segments[schema.SEGMENT_ID]] == list(first.labels_)
    assert first.theme_labels_ == second.theme_labels_
    assert first.keywords_ == second.keywords_


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "settings", "message"),
    [
        (lambda s: s, {"n_themes": 40}, "n_themes=40, mais seuls"),
        (lambda s: s.head(3), {"n_themes": 4}, "n_themes=4, mais seuls 3"),
        (lambda s: s.assign(lemmas=""), {"n_themes": 2}, "n'a de mot plein"),
        (lambda s: s.head(0), {}, "aucun segment de texte"),
        (lambda s: s.assign(lemmas="les dans avec"), {"n_themes": 2}, "Aucun terme de thème"),
        (lambda s: s.assign(lemmas=s.index.astype(str) + " aussi"), {"n_themes": 2}, "min_df"),
        (lambda s: s.assign(lemmas="caméra image opérateur"), {"n_themes": 2}, "seuls 1"),
        (lambda s: s, {"method": "lda"}, "Méthode de thèmes inconnue"),
        (lambda s: s, {"n_themes": 1}, "au moins 2"),
        (lambda s: s, {"method_params": {"min_class_size": 4}}, "spectral n'a pas de réglage"),
        (lambda s: s, {"method": "reinert", "method_params": {"random_state": 1}}, "ThemeModel"),
    ],
)
def test_bad_input_gives_a_clear_error(segments, build, settings, message) -> None:
    with pytest.raises(ThemeError, match=message):
        ThemeModel(**settings).fit(build(segments))


@pytest.mark.parametrize("n_rows", [1, 3])
def test_a_few_segments_make_one_theme_with_a_warning(segments, n_rows: int) -> None:
    """A one-row export or a three-line note: one theme of every segment, its own words as
    keywords (no term is over-represented when the theme holds everything), and a warning."""
    few = segments.head(n_rows)
    with pytest.warns(ThemeWarning, match="trop peu pour choisir le nombre de thèmes"):
        model = ThemeModel(random_state=0).fit(few)
    assert model.n_themes_ == 1
    assert (model.labels_ == 0).all()
    words = set(" ".join(few[schema.LEMMAS]).split())
    assert set(model.keywords_[0]) <= words and len(model.keywords_[0]) > 0


def test_one_text_repeated_makes_one_theme(segments) -> None:
    same = segments.assign(lemmas="caméra image opérateur")
    with pytest.warns(ThemeWarning, match=r"Seulement 1 segment distinct : .* 1 thème retenu\."):
        model = ThemeModel(random_state=0).fit(same)
    assert model.n_themes_ == 1 and (model.labels_ == 0).all()
    assert model.keywords_[0] == ["caméra", "image", "opérateur"]


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


# --- membership and prediction ----------------------------------------------------------------


def test_predict_puts_a_new_segment_in_its_theme(fitted: ThemeModel, segments) -> None:
    video = fitted.labels_[segments["truth"].to_numpy() == "videoprotection"][0]
    new = ["Les opérateurs du centre_de_supervision_urbain surveillent les caméras", "Partager"]
    assert list(fitted.predict(pd.Series(new))) == [video, -1]


@pytest.mark.parametrize("method", ["nmf", "reinert", "kmeans"])
def test_transform_of_the_fitted_segments_gives_the_fitted_membership(
    segments: pd.DataFrame, method: str
) -> None:
    # two segments per paragraph: each borrows its neighbour's vocabulary (context_weight)
    paired = segments.assign(**{schema.PARAGRAPH: segments[schema.POSITION] // 2})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        model = ThemeModel(method, 4, method_params=SMALL_CLASSES.get(method)).fit(paired)
    shuffled = paired.sample(frac=1.0, random_state=2)
    membership = model.transform(shuffled)
    rows = shuffled.index.to_numpy()
    assert np.allclose(membership, model.membership_[rows], atol=1e-12)
    scored = model.labels_[rows] >= 0
    chosen = membership[scored, model.labels_[rows][scored]]
    assert np.allclose(chosen, model.scores_[rows][scored], atol=1e-9)


def test_second_theme_only_when_close_to_the_main_one(segments: pd.DataFrame) -> None:
    mixed = segments.copy()
    mixed.loc[0, schema.LEMMAS] = theme_lemmas(
        "Les policiers municipaux et les médiateurs sociaux travaillent ensemble dans le quartier."
    )
    model = ThemeModel("nmf", 4, random_state=0, second_theme_ratio=0.5).fit(mixed)
    assert model.second_labels_[0] >= 0 and model.second_labels_[0] != model.labels_[0]
    strict = ThemeModel("nmf", 4, random_state=0, second_theme_ratio=1.0).fit(segments)
    assert (strict.second_labels_ == -1).mean() > 0.9


def test_fits_lemma_strings_without_a_table(segments: pd.DataFrame) -> None:
    model = ThemeModel("kmeans", 4).fit(list(segments[schema.LEMMAS]))
    assert model.n_themes_ == 4


# --- settings ---------------------------------------------------------------------------------


def test_from_config_takes_the_themes_section() -> None:
    config = ThemesConfig(method="kmeans", n_themes=7, k_max=9, curation_file="x.yml")
    model = ThemeModel.from_config(config)
    assert (model.method, model.n_themes, model.k_max) == ("kmeans", 7, 9)
    assert ThemeModel.from_config(config, n_themes=3).n_themes == 3


def test_from_config_gives_the_method_its_own_settings() -> None:
    config = ThemesConfig(method="reinert", reinert_min_class_size=6, reinert_double=False)
    model = ThemeModel.from_config(config, n_init=9)
    assert model.method_params["min_class_size"] == 6
    assert model.method_params["double"] is False
    assert ThemeModel.from_config(config, method="kmeans", n_init=9).method_params["n_init"] == 9


@pytest.mark.parametrize("method", list(METHODS))
def test_the_config_section_repeats_the_theme_defaults(method: str) -> None:
    # analysis.config.ThemesConfig restates the defaults of ThemeModel and of each method:
    # this keeps the two in step
    from_config = ThemeModel.from_config(ThemesConfig(method=method)).get_params()
    own_defaults = ThemeModel(method).get_params()
    method_values = from_config.pop("method_params")
    assert from_config == {k: v for k, v in own_defaults.items() if k != "method_params"}
    method_defaults = METHODS[method]().get_params()
    assert method_values == {k: method_defaults[k] for k in method_values}


def test_settings_follow_scikit_learn_conventions() -> None:
    model = ThemeModel("reinert", 5, random_state=3)
    assert model.get_params()["n_themes"] == 5 and model.get_params()["random_state"] == 3
    assert model.set_params(n_themes=7).n_themes == 7
    with pytest.raises(ThemeError, match="pas de réglage 'k'"):
        model.set_params(k=3)
    assert not hasattr(model, "labels_")  # nothing is learned before fit
    copy = clone(ThemeModel("reinert", 5, method_params={"double": False}))
    assert (
        copy.get_params() == ThemeModel("reinert", 5, method_params={"double": False}).get_params()
    )


def test_the_model_gives_its_method_the_settings_they_share(segments: pd.DataFrame) -> None:
    model = ThemeModel("reinert", 4, random_state=5, unclassified_threshold=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThemeWarning)
        model.set_params(method_params=SMALL_CLASSES["reinert"]).fit(segments)
    settings = model.estimator_.get_params()
    assert (settings["n_themes"], settings["random_state"]) == (4, 5)
    assert settings["unclassified_threshold"] == 0.2 and settings["min_class_size"] == 4
