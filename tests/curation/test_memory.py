"""Tests of analysis.curation.memory: the theme memory keeps ids and names across runs."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from factories import write

from analysis import schema
from analysis.curation import (
    Curation,
    CurationError,
    CurationWarning,
    Merge,
    ThemeMemory,
    ThemeRecord,
    apply_curation,
    match_themes,
)
from analysis.themes import ThemeModel, run_themes


def test_themes_merged_by_the_analyst_are_matched_as_one_when_the_model_finds_them_as_one():
    def record(theme_id: int, *terms: str) -> ThemeRecord:
        return ThemeRecord(theme_id, terms[0], list(terms), dict.fromkeys(terms, 1.0), 10)

    police = record(3, "policier", "recrutement", "formation")
    video = record(2, "caméra", "image", "opérateur")
    mediation = record(5, "médiateur", "quartier", "habitant")
    both = ThemeRecord(
        0,
        "caméra",
        ["caméra", "médiateur", "image"],
        dict.fromkeys(["caméra", "image", "médiateur", "quartier"], 1.0),
        20,
    )
    current, previous = (
        [record(0, "policier", "recrutement", "formation"), both],
        [police, video, mediation],
    )
    # alone, neither merged theme is close enough (0.54 and 0.39 < 0.6): a new theme
    ids, next_id, log = match_themes(current, previous, threshold=0.6, next_id=7)
    assert ids == [3, 7] and next_id == 8
    merged = (Merge((2, 5), "Présence dans l'espace public"),)
    ids, next_id, log = match_themes(current, previous, threshold=0.6, next_id=7, merges=merged)
    assert ids == [3, 2] and next_id == 7  # the merge's id: its name follows
    kept = log[(log[schema.ACTION] == "kept") & (log[schema.THEME_ID] == 2)]
    assert (
        "reprend ensemble" in kept[schema.DETAIL].iloc[0] and kept[schema.SIMILARITY].iloc[0] > 0.9
    )
    # a merge one of whose themes is still found on its own is left to the curation step
    alone = [record(0, "caméra", "image", "opérateur"), both]
    ids, _, _ = match_themes(alone, previous, threshold=0.6, next_id=7, merges=merged)
    assert ids == [2, 7]


def test_a_merged_theme_gone_since_the_last_run_leaves_the_name_to_the_other() -> None:
    """The analyst merged 2 and 5 and named the result; the model now finds one theme where
    there were two: it keeps id 5, 2 is no longer found, and the name must not be lost."""
    memory = ThemeMemory(
        [ThemeRecord(t, f"thème {t}", [], {"caméra": 1.0}, 10) for t in (2, 3, 5)], next_id=6
    )
    curation = Curation(merges=(Merge((2, 5), "Présence dans l'espace public"),), source="c.yml")
    common = {
        "segment_ids": np.array(["a", "b", "c", "d"]),
        "tfidf": sp.csr_matrix((4, 1)),
        "vocabulary": np.array(["caméra"]),
    }
    with pytest.warns(CurationWarning, match="précédente ; le thème 5 garde"):
        curated = apply_curation(np.array([5, 5, 3, 3]), curation, previous=memory, **common)
    assert curated.names == {5: "Présence dans l'espace public"}
    assert list(curated.theme_ids) == [5, 5, 3, 3]
    renamed = curated.log[curated.log[schema.ACTION] == "rename"]
    assert renamed[schema.THEME_ID].tolist() == [5]
    assert "plus trouvé" in renamed[schema.DETAIL].iloc[0]
    # a theme that never existed (a typo in the file): the line is skipped, nothing renamed
    with pytest.warns(CurationWarning, match="la ligne merge nomme le thème 2"):
        curated = apply_curation(np.array([5, 5, 3, 3]), curation, previous=None, **common)
    assert curated.names == {}


def test_memory_file_round_trips_and_is_identical_run_after_run(first, tmp_path) -> None:
    saved = []
    for attempt in range(2):
        run = run_themes(first.sample(frac=1.0, random_state=attempt), ThemeModel("nmf", 4))
        saved.append(run.memory.save(tmp_path / f"memory-{attempt}.json").read_bytes())
    assert saved[0] == saved[1]
    memory = ThemeMemory.load(tmp_path / "memory-0.json")
    assert [t.theme_id for t in memory.themes] == [1, 2, 3, 4] and memory.next_id == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "JSON illisible"),
        ('{"version": 99}', "version 1"),
        ('{"version": 1}', "abîmée"),
    ],
)
def test_a_damaged_memory_says_so(tmp_path, text: str, message: str) -> None:
    with pytest.raises(CurationError, match=message):
        ThemeMemory.load(write(tmp_path / "theme_memory.json", text))


def record(theme_id: int, words: list[str]) -> ThemeRecord:
    centroid = {w: 1 / np.sqrt(len(words)) for w in words}
    return ThemeRecord(theme_id, " · ".join(words[:3]), words, centroid, 10)


def test_match_themes_keeps_ids_gives_new_ones_and_logs_retired() -> None:
    previous = [record(1, ["caméra", "image", "opérateur"]), record(2, ["tigiste", "tuteur"])]
    current = [
        record(0, ["caméra", "image", "opérateur", "nuit"]),
        record(0, ["rançongiciel", "serveur", "sauvegarde"]),
    ]
    ids, next_id, log = match_themes(current, previous, threshold=0.3, next_id=3)
    assert ids == [1, 3] and next_id == 4
    assert list(log[schema.ACTION]) == ["kept", "new", "retired"]
    assert list(log[schema.THEME_ID]) == [1, 3, 2]
