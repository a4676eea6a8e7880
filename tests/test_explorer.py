"""Tests of analysis.explorer: the explorer's callbacks, and what they write."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from analysis import pipeline, schema  # noqa: E402
from analysis.config import load_config  # noqa: E402
from analysis.curation import Merge, Move, Split, load_curation  # noqa: E402
from analysis.explorer import Explorer, ExplorerError, ExplorerWidget  # noqa: E402

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    config = load_config(ROOT / "analysis.toml").replace("cache", dir=str(cache))
    config = config.replace("themes", n_themes=6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pipeline.run(config, progress=False)


def test_a_theme_is_shown_with_its_segments_groups_and_place(results, tmp_path: Path) -> None:
    explorer = Explorer(results, tmp_path / "curation.yml")
    first = explorer.theme_ids()[0]
    view = explorer.theme(first)
    assert view.keywords and view.label == results.themes.set_index("theme_id").loc[first, "label"]
    assert (view.typical[schema.THEME_ID] == first).all() and len(view.typical) == 5
    assert set(view.place["variable"]) == set(results.tables.correspondences)
    assert len(view.obstacles) == (results.tables.obstacles[schema.THEME_ID] == first).sum()
    lines = explorer.search("caméra", city="Dijon")
    assert len(lines) > 0 and set(lines[schema.CITY]) == {"Dijon"}
    assert lines[schema.KWIC_KEYWORD].str.lower().str.startswith("caméra").all()
    with pytest.raises(ExplorerError, match=r"colonne\(s\) « ville » absente\(s\)"):
        explorer.search("caméra", ville="Dijon")


def test_corrections_go_to_the_curation_file_next_to_what_it_holds(results, tmp_path) -> None:
    path = tmp_path / "curation.yml"
    path.write_text("# mes corrections\nrename:\n  1: Polices municipales\n", encoding="utf-8")
    explorer = Explorer(results, path)
    first, second, third = explorer.theme_ids()[:3]
    segment = results.segments[schema.SEGMENT_ID].iloc[0]
    explorer.rename(second, "  Médiation sociale ")
    explorer.merge([second, third], "Médiation et transports")
    explorer.split(first, 3)
    explorer.move(segment, third)
    explorer.move(segment, schema.UNCLASSIFIED)  # a second move of a segment replaces the first
    written = load_curation(path)
    assert written.renames == {1: "Polices municipales", second: "Médiation sociale"}
    assert written.merges == (Merge((second, third), "Médiation et transports"),)
    assert written.splits == (Split(first, 3),)
    assert written.moves == (Move(segment, schema.UNCLASSIFIED),)
    backup = path.with_name("curation.yml.bak").read_text(encoding="utf-8")
    assert "rename" in backup  # the file as it was before the last correction
    for wrong, message in (
        (lambda: explorer.rename(999, "x"), "Pas de thème 999"),
        (lambda: explorer.merge([first]), "au moins deux thèmes"),
        (lambda: explorer.split(first, 1), "2 parties au moins"),
        (lambda: explorer.move("absent", first), "Pas de segment « absent »"),
    ):
        with pytest.raises(ExplorerError, match=message):
            wrong()
    assert load_curation(path) == written  # a refused correction writes nothing


def test_the_widgets_run_the_corrections_and_say_what_happened(results, tmp_path) -> None:
    widget = ExplorerWidget(Explorer(results, tmp_path / "curation.yml"))
    first = widget.explorer.theme_ids()[0]
    assert widget.theme.value == first and widget.shown.theme_id == first  # shown at once
    widget.name.value = "Vidéoprotection"
    widget.rename_button.click()
    assert load_curation(tmp_path / "curation.yml").renames == {first: "Vidéoprotection"}
    assert "Enregistré dans" in widget.status.value
    widget.segment.value = "absent"
    widget.move_button.click()
    assert "Non enregistré" in widget.status.value and "absent" in widget.status.value
    widget.term.value = "médiateur"
    widget.search_button.click()
    assert len(widget.found) > 0
    assert widget.found[schema.KWIC_KEYWORD].str.lower().str.startswith("médiat").all()
    widget.theme.value = widget.explorer.theme_ids()[1]  # choosing a theme shows it
    assert widget.shown.theme_id == widget.explorer.theme_ids()[1]
