"""Tests of analysis.curation.file: the curation file, in YAML or CSV, read and checked."""

from __future__ import annotations

import re

import pytest
from factories import write

from analysis import schema
from analysis.curation import (
    CurationError,
    Merge,
    Split,
    curation_template,
    load_curation,
)
from analysis.themes import ThemeModel, run_themes


def test_yaml_and_csv_files_say_the_same(tmp_path) -> None:
    yaml_file = write(
        tmp_path / "curation.yml",
        "rename:\n  3: Polices municipales\n"
        "merge:\n  - themes: [4, 7]\n    name: Médiation\n"
        "split:\n  - theme: 5\n    parts: 3\n"
        "move:\n  - segment: doc-1\n    theme: 2\n",
    )
    csv_file = write(
        tmp_path / "curation.csv",
        "action,theme,into,segment,name\n"
        "rename,3,,,Polices municipales\n"
        "merge,7,4,,Médiation\n"
        "split,5,3,,\n"
        "move,,2,doc-1,\n",
    )
    from_yaml, from_csv = load_curation(yaml_file), load_curation(csv_file)
    for curation in (from_yaml, from_csv):
        assert curation.renames == {3: "Polices municipales"}
        assert curation.merges == (Merge(themes=(4, 7), name="Médiation"),)
        assert curation.splits == (Split(theme=5, parts=3),)
        assert curation.moves[0].segment_id == "doc-1" and curation.moves[0].theme == 2


def test_a_missing_file_is_an_empty_curation_unless_required(tmp_path) -> None:
    assert load_curation(tmp_path / "absent.yml").is_empty()
    with pytest.raises(CurationError, match="introuvable"):
        load_curation(tmp_path / "absent.yml", missing_ok=False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rename: [1, 2]\n", "« rename » associe des numéros de thème"),
        ("rename:\n  trois: Nom\n", "'trois' n'est pas un numéro de thème"),
        ("merge:\n  - themes: [4]\n", "au moins deux thèmes différents"),
        ("merge:\n  - 4\n", "chaque fusion (merge) demande"),
        ("split:\n  - parts: 2\n", "chaque découpage (split) demande « theme: 5 »"),
        ("split:\n  - theme: 5\n    parts: 1\n", "« parts » vaut au moins 2"),
        ("move:\n  - segment: abc\n", "chaque déplacement (move) demande"),
        ("renommer:\n  1: Nom\n", "section(s) inconnue(s)"),
        ("rename:\n  1: [a, b\n", "YAML illisible"),
        ("- rename\n", "doit contenir les sections"),
        ("rename:\n  1: ''\n", "texte non vide"),
    ],
)
def test_a_malformed_file_says_what_to_fix(tmp_path, text: str, message: str) -> None:
    with pytest.raises(CurationError, match=re.escape(message)):
        load_curation(write(tmp_path / "curation.yml", text))


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("curation.csv", "action,theme\nrename,1\n", "a besoin des colonnes"),
        ("curation.csv", "action,theme,into,segment,name\nfusion,1,2,,\n", "action inconnue"),
        ("curation.txt", "rename: {}\n", "se termine par .yml"),
    ],
)
def test_a_malformed_csv_says_what_to_fix(tmp_path, name: str, text: str, message: str) -> None:
    with pytest.raises(CurationError, match=message):
        load_curation(write(tmp_path / name, text))


def test_template_lists_the_themes(first) -> None:
    run = run_themes(first, ThemeModel("nmf", 4))
    template = curation_template(run.themes)
    for theme_id, label in zip(run.themes[schema.THEME_ID], run.themes[schema.LABEL], strict=True):
        assert f"#   {theme_id}: {label}" in template
