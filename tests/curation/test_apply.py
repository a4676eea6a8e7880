"""Tests of analysis.curation.apply: corrections survive re-runs and a growing corpus."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
from factories import theme_of, write

from analysis import schema
from analysis.curation import (
    Curation,
    CurationWarning,
)
from analysis.themes import ThemeModel, ThemeWarning, run_themes


def test_curated_names_and_merges_survive_a_new_concertation(first, grown, tmp_path) -> None:
    run1 = run_themes(first, ThemeModel("nmf", 4))
    police, video, mediation = (theme_of(run1, t) for t in ("police", "video", "mediation"))
    assert sorted(run1.themes[schema.THEME_ID]) == [1, 2, 3, 4]
    memory_file = run1.memory.save(tmp_path / "theme_memory.json")
    curation_file = write(
        tmp_path / "curation.yml",
        f"rename:\n  {police}: Polices municipales\n"
        f"merge:\n  - themes: [{video}, {mediation}]\n    name: Présence dans l'espace public\n",
    )

    run2 = run_themes(first, ThemeModel("nmf", 4), curation=curation_file, previous=memory_file)
    names = dict(zip(run2.themes[schema.THEME_ID], run2.themes[schema.LABEL], strict=True))
    assert names[police] == "Polices municipales"
    assert names[video] == "Présence dans l'espace public" and mediation not in names
    run2.memory.save(memory_file)

    run3 = run_themes(grown, ThemeModel("nmf", 5), curation=curation_file, previous=memory_file)
    names3 = dict(zip(run3.themes[schema.THEME_ID], run3.themes[schema.LABEL], strict=True))
    assert theme_of(run3, "police") == police and names3[police] == "Polices municipales"
    assert theme_of(run3, "mediation") == video == theme_of(run3, "video")
    assert names3[video] == "Présence dans l'espace public"
    cyber = theme_of(run3, "cyber")
    assert cyber >= 5 and cyber not in (police, video, mediation)
    new_rows = run3.log[run3.log[schema.ACTION] == "new"]
    assert list(new_rows[schema.THEME_ID]) == [cyber]
    kept = run3.log[run3.log[schema.ACTION] == "kept"]
    assert set(kept[schema.THEME_ID]) == {1, 2, 3, 4}


def test_split_parts_keep_their_ids_and_names_across_runs(first, grown, tmp_path) -> None:
    run1 = run_themes(first, ThemeModel("nmf", 4))
    tig = theme_of(run1, "tig")
    curation_file = write(
        tmp_path / "curation.yml",
        f"split:\n  - theme: {tig}\n    parts: 2\n    names: [Tuteurs, Postes offerts]\n",
    )
    run2 = run_themes(first, ThemeModel("nmf", 4), curation=curation_file, previous=run1.memory)
    parts = run2.themes[run2.themes[schema.PARENT_THEME_ID] == tig]
    assert list(parts[schema.THEME_ID]) == [5, 6]
    assert list(parts[schema.LABEL]) == ["Tuteurs", "Postes offerts"]
    assert tig not in set(run2.segments[schema.THEME_ID])
    before = run2.segments.set_index(schema.SEGMENT_ID)[schema.THEME_ID]

    run3 = run_themes(grown, ThemeModel("nmf", 5), curation=curation_file, previous=run2.memory)
    after = run3.segments.set_index(schema.SEGMENT_ID)[schema.THEME_ID]
    in_parts = before[before.isin([5, 6])].index
    assert (after[in_parts] == before[in_parts]).all()
    assert theme_of(run3, "cyber") == 7  # 5 and 6 are taken by the split parts


def test_moves_put_a_segment_where_the_analyst_says(first, tmp_path) -> None:
    run1 = run_themes(first, ThemeModel("nmf", 4))
    segment = first[schema.SEGMENT_ID].iloc[0]
    police, video = theme_of(run1, "police"), theme_of(run1, "video")
    target = video if run1.segments[schema.THEME_ID].iloc[0] != video else police
    curation_file = write(
        tmp_path / "curation.yml",
        f"move:\n  - segment: {segment}\n    theme: {target}\n"
        f"  - segment: {first[schema.SEGMENT_ID].iloc[1]}\n    theme: -1\n",
    )
    run2 = run_themes(first, ThemeModel("nmf", 4), curation=curation_file, previous=run1.memory)
    assert run2.segments[schema.THEME_ID].iloc[0] == target
    assert run2.segments[schema.THEME_ID].iloc[1] == -1
    assert (run2.log[schema.ACTION] == "move").sum() == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rename:\n  99: Disparu\n", "la ligne rename nomme le thème 99"),
        ("merge:\n  - themes: [1, 99]\n", "la ligne merge nomme le thème 99"),
        ("split:\n  - theme: 99\n", "la ligne split nomme le thème 99"),
        ("move:\n  - segment: inconnu\n    theme: 1\n", "segment « inconnu »"),
        ("move:\n  - segment: c1-police-0\n    theme: 99\n", "la ligne move nomme le thème 99"),
        ("merge:\n  - themes: [1, 2]\nrename:\n  2: Ancien\n", "fusionné dans 1 ; renommez 1"),
    ],
)
def test_a_line_naming_a_missing_theme_warns_and_is_logged(first, tmp_path, text, message):
    curation_file = write(tmp_path / "curation.yml", text)
    with pytest.warns(CurationWarning, match=re.escape(message)):
        run = run_themes(first, ThemeModel("nmf", 4), curation=curation_file)
    skipped = run.log[run.log[schema.ACTION] == "skipped"]
    assert len(skipped) == 1 and str(curation_file) in skipped[schema.DETAIL].iloc[0]


def test_a_split_of_a_tiny_theme_is_skipped_with_a_warning(first, tmp_path) -> None:
    curation_file = write(tmp_path / "curation.yml", "split:\n  - theme: 1\n    parts: 20\n")
    with pytest.warns(CurationWarning, match="demande au moins 40 segments"):
        run = run_themes(first, ThemeModel("nmf", 4), curation=curation_file)
    assert sorted(run.themes[schema.THEME_ID]) == [1, 2, 3, 4]


def test_empty_curation_changes_nothing(first) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CurationWarning)
        warnings.simplefilter("ignore", ThemeWarning)
        plain = run_themes(first, ThemeModel("nmf", 4))
        curated = run_themes(first, ThemeModel("nmf", 4), curation=Curation())
    pd.testing.assert_frame_equal(plain.themes, curated.themes)
    assert not curated.themes[schema.CURATED].any()
