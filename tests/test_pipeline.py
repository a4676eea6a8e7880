"""The whole chain of analysis.pipeline on part of the sample corpus: what a re-run reuses."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from analysis import functions, names, pipeline, schema
from analysis.config import load_config
from analysis.corpus import load_corpus

CONCERTATIONS = ["C09-bordeaux-2024", "C10-grenoble-2024", "C11-nantes-2025"]


@pytest.fixture(scope="module")
def documents(corpus_dir: Path):
    loaded = load_corpus(corpus_dir)
    return loaded[loaded[schema.CONCERTATION_ID].isin(CONCERTATIONS)].reset_index(drop=True)


def _run(documents, cache: Path):
    config = load_config(Path(__file__).parents[1] / "analysis.toml")
    config = config.replace("cache", dir=str(cache)).replace("themes", n_themes=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pipeline.run(config, documents=documents, progress=False)


def test_a_second_run_reads_cues_and_entities_from_the_cache(
    documents, tmp_path: Path, monkeypatch
) -> None:
    assert set(documents[schema.CONCERTATION_ID]) == set(CONCERTATIONS)
    first = _run(documents, tmp_path / "cache")
    written = pipeline.write(first, tmp_path / "first")
    entry = tmp_path / "cache" / "parsed" / first.parsed.key
    assert list(entry.glob("cues-*.json")) and list(entry.glob("entities-*.json"))
    assert len(list(entry.glob("tracing-*.pickle"))) == 1
    report = (tmp_path / "first" / "protection-noms.csv").read_text(encoding="utf-8")
    assert "Harambure" not in report and report.count("[personne]") >= 5

    def forbidden(*args, **kwargs):
        raise AssertionError("computed again although the cache holds the result")

    monkeypatch.setattr(functions, "find_cues_in", forbidden)
    monkeypatch.setattr(names, "_parse", forbidden)
    monkeypatch.setattr(pipeline, "trace", forbidden)  # same segments, same settings: read back
    second = _run(documents, tmp_path / "cache")
    again = pipeline.write(second, tmp_path / "second")
    assert sorted(again) == sorted(written)
    for name in (
        "segments.csv",
        "protection-noms.csv",
        "fiches.docx",
        "fiches.xlsx",
        "report.html",
    ):
        assert (tmp_path / "second" / name).read_bytes() == written[name].read_bytes(), name


def test_stored_tracing_tables_are_only_read_for_the_same_inputs(
    documents, tmp_path: Path, monkeypatch
) -> None:
    first = _run(documents, tmp_path / "cache")
    calls = []
    original = pipeline.trace

    def counted(segments, config):
        calls.append(config.tracing.similarity_threshold)
        return original(segments, config)

    monkeypatch.setattr(pipeline, "trace", counted)
    config = first.config.replace("tracing", similarity_threshold=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        changed = pipeline.run(config, documents=documents, progress=False)
        relabelled = first.segments.assign(function="constat")  # another classification
        pipeline._memo(first.parsed, "tracing", (relabelled, first.config.tracing), lambda: 1)
    assert calls == [0.3]  # a new setting: computed, not read
    assert not changed.tables["obstacles"].equals(first.tables["obstacles"])
    entry = tmp_path / "cache" / "parsed" / first.parsed.key
    assert len(list(entry.glob("tracing-*.pickle"))) == 3  # one per distinct input
