"""Tests of analysis.cache: digests, the key of a run, the store and its checks."""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import schema
from analysis.cache import (
    MANIFEST,
    CacheError,
    CacheWarning,
    RunKey,
    Store,
    digest,
    memo,
)
from analysis.config import AnalysisConfig, NlpConfig

FRAME = pd.DataFrame({"id": ["a", "b"], "n": [1, 2], "x": [0.5, np.nan]})


@pytest.mark.parametrize(
    ("part", "changed"),
    [
        ("police municipale", "police nationale"),
        (b"\x00\x01", b"\x00\x02"),
        (3, 3.0),
        (None, "None"),
        (np.arange(4), np.arange(4).astype(np.int32)),
        (FRAME, FRAME.iloc[::-1]),
        (FRAME, FRAME.astype({"n": "float64"})),
        (FRAME, FRAME.rename(columns={"x": "y"})),
        (FRAME["id"], FRAME["id"].str.upper()),
        ({"a": 1, "b": 2}, {"a": 1, "b": 3}),
        (NlpConfig(), NlpConfig(min_length=4)),
        (["ab", "c"], ["a", "bc"]),
        (
            pd.DataFrame({"terms": [["a", "b"], ["c"]]}),
            pd.DataFrame({"terms": [["a"], ["b", "c"]]}),
        ),
    ],
)
def test_same_parts_give_the_same_digest_and_a_change_another(part, changed) -> None:
    assert digest("stage", part) == digest("stage", part)
    assert digest("stage", part) != digest("stage", changed)


def test_a_dict_digest_does_not_depend_on_key_order() -> None:
    assert digest({"a": 1, "b": 2}) == digest({"b": 2, "a": 1})
    assert len(digest("x")) == 32


def _segments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            schema.SEGMENT_ID: ["d1#p000", "d1#p001"],
            schema.TEXT: ["Les médiateurs manquent.", "Les tuteurs aussi."],
            schema.CITY: ["Lille", "Lille"],
        }
    )


def test_the_run_key_changes_with_what_a_stage_reads(tmp_path: Path) -> None:
    config = AnalysisConfig(base_dir=str(tmp_path))
    run = RunKey.of(_segments(), config)
    assert RunKey.of(_segments(), config) == run  # same inputs, same key
    themes = run.key("themes", "nlp", "themes", parts=("parse", 4))
    assert run.key("themes", "nlp", "themes", parts=("parse", 5)) != themes
    # a setting the stage reads gives a new key; one it does not read, the same key
    stricter = RunKey.of(_segments(), config.replace("nlp", min_length=4))
    assert stricter.key("themes", "nlp", "themes", parts=("parse", 4)) != themes
    traced = RunKey.of(_segments(), config.replace("tracing", similarity_threshold=0.3))
    assert traced.key("themes", "nlp", "themes", parts=("parse", 4)) == themes
    # how spaCy runs changes nothing it gives
    faster = RunKey.of(_segments(), config.replace("nlp", n_process=2, batch_size=64))
    assert faster.key("themes", "nlp", "themes", parts=("parse", 4)) == themes
    # the corpus: its texts and its metadata
    moved = RunKey.of(_segments().assign(**{schema.CITY: "Lens"}), config)
    assert moved.corpus != run.corpus and moved.texts == run.texts


def test_the_run_key_reads_the_files_the_settings_name(tmp_path: Path) -> None:
    stop_list = tmp_path / "mots-vides.txt"
    stop_list.write_text("médiateur\n", encoding="utf-8")
    curation = tmp_path / "curation.yml"
    curation.write_text("rename: {}\n", encoding="utf-8")
    config = AnalysisConfig(base_dir=str(tmp_path)).replace("nlp", stopwords_file=stop_list.name)
    before = RunKey.of(_segments(), config)
    stop_list.write_text("médiateur\ntuteur\n", encoding="utf-8")
    curation.write_text("rename: {1: Médiation}\n", encoding="utf-8")
    after = RunKey.of(_segments(), config)
    assert after.settings["nlp"] != before.settings["nlp"]
    # a curation is applied after the theme model: its theme columns key the later stages
    assert after.settings["themes"] == before.settings["themes"]


def test_a_stored_value_is_read_back_by_kind_and_key(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.read("tracing", "k1") is None and not store.has("tracing", "k1")
    store.write("tracing", "k1", {"links": [1, 2]})
    assert store.has("tracing", "k1")
    assert store.read("tracing", "k1") == {"links": [1, 2]}
    assert store.read("themes", "k1") is None
    assert sorted(p.name for p in (tmp_path / "tracing" / "k1").iterdir()) == [
        MANIFEST,
        "value.pickle",
    ]


@pytest.mark.parametrize("victim", ["value.pickle", MANIFEST])
def test_a_corrupt_entry_is_said_once_deleted_and_computed_again(
    tmp_path: Path, victim: str
) -> None:
    store = Store(tmp_path)
    store.write("themes", "k1", list(range(100)))
    path = tmp_path / "themes" / "k1" / victim
    path.write_bytes(path.read_bytes()[:-7])
    with pytest.warns(CacheWarning, match="abîmée.*recalculée") as caught:
        assert store.read("themes", "k1") is None
    assert len(caught) == 1
    assert not (tmp_path / "themes" / "k1").exists()
    calls = []
    assert memo(store, "themes", "k1", lambda: calls.append(1) or 42) == 42
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # rebuilt: read without a word
        assert memo(store, "themes", "k1", lambda: calls.append(1) or 42) == 42
    assert calls == [1]


def test_an_entry_of_another_version_is_ignored_not_deleted(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write("parsed", "k1", "old layout", version="1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert store.read("parsed", "k1", version="2") is None
    assert store.read("parsed", "k1", version="1") == "old layout"
    store.write("parsed", "k1", "new layout", version="2")
    assert store.read("parsed", "k1", version="2") == "new layout"


def test_only_the_most_recently_used_entries_of_a_kind_are_kept(tmp_path: Path) -> None:
    store = Store(tmp_path, keep_entries=2)
    for key in ("k1", "k2"):
        store.write("tracing", key, key)
    os.utime(tmp_path / "tracing" / "k1" / MANIFEST, (1, 1))  # long unused
    os.utime(tmp_path / "tracing" / "k2" / MANIFEST, (2, 2))
    assert store.read("tracing", "k1") == "k1"  # used again: now the most recent
    store.write("themes", "other", 0)  # another kind: not counted
    store.write("tracing", "k3", "k3")
    assert sorted(p.name for p in (tmp_path / "tracing").iterdir()) == ["k1", "k3"]
    (tmp_path / "tracing" / "foreign").mkdir()  # no manifest: another layout
    staging = tmp_path / "tracing" / ".tmp-interrupted"
    staging.mkdir()
    os.utime(staging, (1, 1))
    Store(tmp_path, keep_entries=1).write("tracing", "k4", "k4")
    assert [p.name for p in (tmp_path / "tracing").iterdir()] == ["k4"]
    assert [p.name for p in (tmp_path / "themes").iterdir()] == ["other"]


def test_without_a_folder_nothing_is_stored(tmp_path: Path) -> None:
    store = Store(None)
    store.write("tracing", "k1", 1)
    assert store.read("tracing", "k1") is None and store.folder("tracing", "k1") is None
    config = AnalysisConfig(base_dir=str(tmp_path)).replace("cache", enabled=False)
    assert Store.from_config(config).root is None
    with pytest.raises(CacheError, match="keep_entries = 0"):
        Store(tmp_path, keep_entries=0)


def test_a_stored_result_says_its_warnings_again(tmp_path: Path) -> None:
    store = Store(tmp_path)

    def compute():
        warnings.warn("3 segments sont trop courts pour un thème", UserWarning, stacklevel=1)
        return {"themes": 4}

    for _ in range(2):  # computed, then read back: the analyst is told both times
        with pytest.warns(UserWarning, match="trop courts pour un thème"):
            assert memo(store, "demo", "same inputs", compute) == {"themes": 4}
    assert len(list((tmp_path / "demo").iterdir())) == 1


@pytest.mark.parametrize(
    ("checked", "vanishing"),
    [("is_dir", ".tmp-other"), ("is_file", "k1")],
    ids=["staging folder renamed", "entry pruned"],
)
def test_pruning_ignores_a_folder_another_process_removes_meanwhile(
    tmp_path: Path, monkeypatch, checked: str, vanishing: str
) -> None:
    # two notebooks sharing the cache: the other one renames its staging folder, or prunes an
    # entry, between the moment this one sees the folder and the moment it reads its date
    store = Store(tmp_path)
    store.write("cues", "k1", 1)
    (tmp_path / "cues" / ".tmp-other").mkdir()
    check = getattr(Path, checked)

    def removed_once_seen(path: Path) -> bool:
        found = check(path)
        folder = path if checked == "is_dir" else path.parent
        if found and folder.name == vanishing:
            shutil.rmtree(folder)
        return found

    monkeypatch.setattr(Path, checked, removed_once_seen)
    store.write("cues", "k2", 2)
    monkeypatch.undo()
    assert store.read("cues", "k2") == 2
    assert not (tmp_path / "cues" / vanishing).exists()
