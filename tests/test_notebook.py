"""Tests of analysis.notebook: the notebooks' shared parameters, and what they derive from the
data (on the sample corpus and on the real exports of tests/data/real)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import notebook, schema
from analysis.config import ConfigError
from analysis.corpus import category_columns, load_corpus


def _quiet_load(path: Path, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no city, no date: said by the loader's own tests
        return load_corpus(path, **options)


@pytest.fixture(scope="module")
def sample_documents(corpus_dir: Path) -> pd.DataFrame:
    return _quiet_load(corpus_dir)


@pytest.fixture(scope="module")
def decidim(real_dir: Path) -> Path:
    return real_dir / "lille-propositions-decidim.csv"


@pytest.fixture(scope="module")
def decidim_documents(decidim: Path) -> pd.DataFrame:
    return _quiet_load(
        decidim, text_column="body", id_column="id", meta_columns=["category/name/fr"]
    )


def test_the_parameters_override_the_settings_file(project_root: Path, decidim: Path) -> None:
    config = notebook.notebook_config(
        project_root / "analysis.toml",
        decidim,
        text_column="body",
        id_column="id",
        meta_columns="category/name/fr",  # one column given without its list
        unit="paragraph",
        method="reinert",
        n_themes=4,
    )
    assert config.corpus.path == str(decidim.resolve())
    assert (config.corpus.text_column, config.corpus.id_column) == ("body", "id")
    assert config.corpus.meta_columns == ("category/name/fr",)
    assert config.segmentation.unit == "paragraph"
    assert (config.themes.method, config.themes.n_themes) == ("reinert", 4)


def test_parameters_left_to_none_keep_the_settings_file(project_root: Path) -> None:
    config = notebook.notebook_config(project_root / "analysis.toml", project_root / "corpus")
    assert config.corpus.text_column is None
    assert config.segmentation.unit == "segment"
    assert (config.themes.method, config.themes.n_themes) == ("spectral", "auto")


def test_a_wrong_method_is_named(project_root: Path) -> None:
    with pytest.raises(ConfigError, match="method"):
        notebook.notebook_config(project_root / "analysis.toml", "corpus", method="lda")


def test_the_last_concertation_is_the_latest_by_date(sample_documents: pd.DataFrame) -> None:
    last = notebook.last_concertation(sample_documents)
    dates = sample_documents.groupby(schema.CONCERTATION_ID)[schema.DATE].max()
    assert last == dates.idxmax() == "C12-metz-2025"


def test_a_platform_export_has_no_next_concertation(decidim_documents: pd.DataFrame) -> None:
    assert notebook.last_concertation(decidim_documents) is None


def test_the_typical_document_has_the_median_length(decidim_documents: pd.DataFrame) -> None:
    chosen = notebook.typical_document(decidim_documents)
    lengths = decidim_documents.set_index(schema.DOC_ID)[schema.TEXT].str.split().str.len()
    assert lengths[chosen] == lengths.sort_values().iloc[(len(lengths) - 1) // 2]
    assert notebook.typical_document(decidim_documents.iloc[::-1]) == chosen  # row order aside


def test_categories_are_found_in_what_the_analyst_kept(
    decidim_documents: pd.DataFrame, sample_documents: pd.DataFrame, real_dir: Path
) -> None:
    assert category_columns(decidim_documents) == ["category/name/fr"]
    assert category_columns(sample_documents) == ["atelier"]
    # the IRaMuTeQ corpus's unique comment numbers are not; its flags are, as one variable
    iramuteq = _quiet_load(real_dir / "lille-propositions-iramuteq.txt")
    assert category_columns(iramuteq) == [schema.STARRED]


def test_the_reference_of_a_platform_export_is_its_category(
    project_root: Path, decidim: Path, decidim_documents: pd.DataFrame
) -> None:
    config = notebook.notebook_config(project_root / "analysis.toml", decidim)
    reference = notebook.reference_labels(config, decidim_documents)
    assert reference[schema.PARAGRAPH].isna().all()
    assert set(reference[schema.GOLD_THEME]) >= {
        "Transition écologique",
        "Démocratie et citoyenneté",
    }
    assert len(reference) == (decidim_documents["category/name/fr"] != "").sum() == 161


def test_the_reference_of_the_sample_is_its_annotations(
    project_root: Path, sample_documents: pd.DataFrame
) -> None:
    config = notebook.notebook_config(project_root / "analysis.toml", project_root / "corpus")
    reference = notebook.reference_labels(config, sample_documents)
    assert reference[schema.PARAGRAPH].notna().all()
    assert reference[schema.GOLD_THEME].nunique() >= 10


def test_a_corpus_without_labels_has_no_reference(project_root: Path, decidim: Path) -> None:
    config = notebook.notebook_config(project_root / "analysis.toml", decidim)
    documents = _quiet_load(decidim, text_column="body", id_column="id")  # category left out
    assert notebook.reference_labels(config, documents) is None


def test_agreement_counts_unclassified_segments_as_a_class() -> None:
    segments = pd.DataFrame(
        {
            schema.DOC_ID: ["a", "a", "b", "c", "d"],
            schema.PARAGRAPH: [0, 1, 0, 0, 0],
            schema.THEME_ID: [1, 1, 2, schema.UNCLASSIFIED, schema.UNCLASSIFIED],
        }
    )
    by_document = pd.DataFrame(
        {
            schema.DOC_ID: ["a", "b", "c", "d"],
            schema.PARAGRAPH: None,
            schema.GOLD_THEME: list("xyzz"),
        }
    )
    assert notebook.agreement(segments, by_document) == {"nmi": 1.0, "ari": 1.0, "n_segments": 5}
    mixed = by_document.assign(**{schema.GOLD_THEME: list("xyzw")})
    assert notebook.agreement(segments, mixed)["nmi"] < 1.0


def test_the_closest_themes_are_the_most_similar_pair() -> None:
    similarity = pd.DataFrame(
        [[1.0, 0.2, 0.7], [0.2, 1.0, 0.1], [0.7, 0.1, 1.0]], index=[1, 2, 5], columns=[1, 2, 5]
    )
    assert notebook.closest_themes(similarity) == [1, 5]
    assert notebook.closest_themes(similarity.iloc[:1, :1]) == []
