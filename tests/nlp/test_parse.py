"""Tests of analysis.nlp.parse: the parse, kept in the cache's store."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

from analysis import schema
from analysis.cache import CacheError, RunKey
from analysis.config import AnalysisConfig
from analysis.nlp import CacheWarning, parse_segments
from analysis.nlp import parse as parse_module
from analysis.schema import SchemaError
from analysis.segmentation import normalise


def test_parse_keeps_normalised_docs_with_sentences(segments, parsed) -> None:
    docs = list(parsed.docs())
    assert len(docs) == len(segments) == len(parsed)
    for doc, text in zip(docs, segments[schema.TEXT], strict=True):
        assert doc.text == normalise(text)
    first = docs[parsed.segment_ids.index("nimes-2021-note#p000")]
    assert len(list(first.sents)) == 2
    assert not first.has_annotation("DEP") and not first.ents
    elided = [t for t in first if t.text == "l'"]
    assert elided and all(t.lemma_ == "le" for t in elided)
    artefact = segments[schema.TEXT].tolist().index("Partager")
    assert len(docs[artefact]) == 0


def test_the_cache_is_read_instead_of_parsing(segments, nlp, tmp_path, monkeypatch) -> None:
    first = parse_segments(segments, nlp, cache_dir=tmp_path, progress=False)

    def no_parse(*args, **kwargs):
        raise AssertionError("spaCy was run although the cache holds the result")

    monkeypatch.setattr(parse_module, "_parse", no_parse)
    second = parse_segments(segments, nlp, cache_dir=tmp_path, progress=False)
    assert second.key == first.key
    assert np.array_equal(second.tokens.lemma, first.tokens.lemma)
    assert [d.text for d in second.docs()] == [d.text for d in first.docs()]


@pytest.mark.parametrize("change", ["text", "normalisation", "model_version"])
def test_a_stale_cache_is_never_used(segments, nlp, tmp_path, monkeypatch, change) -> None:
    first = parse_segments(segments, nlp, cache_dir=tmp_path, progress=False)
    changed = segments.copy()
    if change == "text":
        changed.loc[0, schema.TEXT] = "Les médiateurs de nuit manquent de moyens."
    elif change == "normalisation":
        monkeypatch.setattr(parse_module, "NORMALISATION_VERSION", "test")
    else:
        monkeypatch.setitem(nlp.meta, "version", "0.0.0-test")
    second = parse_segments(changed, nlp, cache_dir=tmp_path, progress=False)
    assert second.key != first.key
    assert len(list((tmp_path / "parsed").iterdir())) == 2
    if change == "text":
        assert next(second.docs()).text == "Les médiateurs de nuit manquent de moyens."


@pytest.mark.parametrize("victim", ["tokens.npz", "docs-0000.spacy", "manifest.json"])
def test_a_corrupt_cache_is_detected_and_rebuilt(segments, nlp, tmp_path, victim) -> None:
    first = parse_segments(segments, nlp, cache_dir=tmp_path, progress=False)
    entry = tmp_path / "parsed" / first.key
    data = (entry / victim).read_bytes()
    (entry / victim).write_bytes(data[: len(data) // 2])
    with pytest.warns(CacheWarning, match="abîmée.*recalculée"):
        second = parse_segments(segments, nlp, cache_dir=tmp_path, progress=False)
    assert np.array_equal(second.tokens.orth, first.tokens.orth)
    assert [d.text for d in second.docs()] == [d.text for d in first.docs()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_segments(segments, nlp, cache_dir=tmp_path, progress=False)


def test_the_cache_keeps_only_the_most_recently_used_entries(segments, nlp, tmp_path) -> None:
    versions = []
    for k in range(3):  # three versions of the corpus: one sentence edited each time
        changed = segments.head(6).copy()
        changed.loc[0, schema.TEXT] = f"Les médiateurs de nuit sont {k + 2} par quartier."
        versions.append(changed)
    first = parse_segments(versions[0], nlp, cache_dir=tmp_path, progress=False, keep_entries=2)
    second = parse_segments(versions[1], nlp, cache_dir=tmp_path, progress=False, keep_entries=2)
    os.utime(tmp_path / "parsed" / first.key / "manifest.json", (1, 1))  # long unused
    os.utime(tmp_path / "parsed" / second.key / "manifest.json", (2, 2))
    parse_segments(versions[0], nlp, cache_dir=tmp_path, progress=False, keep_entries=2)  # a hit
    third = parse_segments(versions[2], nlp, cache_dir=tmp_path, progress=False, keep_entries=2)
    # the hit made the first version recently used again: the second one goes
    assert sorted(p.name for p in (tmp_path / "parsed").iterdir()) == sorted([first.key, third.key])
    assert next(third.docs()).text == "Les médiateurs de nuit sont 4 par quartier."
    stale = tmp_path / "parsed" / ".tmp-interrupted"
    stale.mkdir()
    os.utime(stale, (1, 1))
    parse_segments(versions[2], nlp, cache_dir=tmp_path, progress=False, keep_entries=1)
    assert [p.name for p in (tmp_path / "parsed").iterdir()] == [third.key]
    with pytest.raises(CacheError, match="keep_entries"):
        parse_segments(versions[2], nlp, cache_dir=tmp_path, progress=False, keep_entries=0)


def test_without_cache_the_docs_stay_in_memory(segments, nlp) -> None:
    parsed = parse_segments(segments.head(3), nlp, cache_dir=None, progress=False)
    assert all(isinstance(shard, bytes) for shard in parsed.shards)
    assert len(list(parsed.docs())) == 3


def test_parsing_shows_a_progress_bar(segments, nlp, capsys) -> None:
    parse_segments(segments.head(4), nlp, progress=True)
    assert "4/4" in capsys.readouterr().err
    parse_segments(segments.head(4), nlp, progress=False)
    assert capsys.readouterr().err == ""


def test_repeated_segment_ids_are_refused(segments, nlp) -> None:
    repeated = segments.head(3).assign(**{schema.SEGMENT_ID: "nimes-2021-note#p000"})
    with pytest.raises(SchemaError, match="« segment_id »"):
        parse_segments(repeated, nlp, progress=False)


def test_the_run_key_gives_the_same_parse_key(segments, nlp, tmp_path) -> None:
    config = AnalysisConfig(base_dir=str(tmp_path))
    alone = parse_segments(segments, nlp, progress=False)
    given = parse_segments(segments, nlp, progress=False, run=RunKey.of(segments, config))
    assert given.key == alone.key
    assert given.matches(segments.iloc[::-1])
    assert not given.matches(segments.assign(**{schema.TEXT: "Un autre texte."}))


class _Forked:
    """The segments from ``start`` on, parsed by a forked process (as the pipeline's second
    core does once it has found the names)."""

    def __init__(self, start: int, texts: list[str], nlp, *, fail: bool = False) -> None:
        from analysis.workers import Background

        self.start = start
        self.job = Background(parse_module.parse_part, texts[start:], nlp, 64)
        self.fail = fail

    def part(self):
        part = self.job.result()
        return None if self.fail else part


def _decoded(parsed) -> tuple[list, list, list]:
    table = parsed.tokens
    return (
        table.strings[table.orth].tolist(),
        table.strings[table.lemma].tolist(),
        [d.to_json()["tokens"] for d in parsed.docs()],
    )


@pytest.mark.parametrize("fail", [False, True])
def test_the_last_segments_parsed_elsewhere_give_the_same_parse(real_dir, nlp, fail: bool) -> None:
    """The real Decidim bodies, the last third parsed in another process (whose vocabulary
    holds strings this one never saw): the same tokens, lemmas and Docs as one parse; when
    that process fails, its segments are parsed here."""
    from analysis.corpus import load_corpus
    from analysis.segmentation import segment_documents

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(
            real_dir / "lille-propositions-decidim.csv", text_column="body", id_column="id"
        )
    segments = segment_documents(documents)
    texts = segments[schema.TEXT].tolist()
    start = 2 * len(texts) // 3
    elsewhere = _Forked(start, texts, nlp, fail=fail)
    split = parse_segments(segments, nlp, progress=False, batch_size=64, elsewhere=elsewhere)
    alone = parse_segments(segments, nlp, progress=False, batch_size=64)
    assert len(split) == len(alone) == len(texts)
    assert _decoded(split) == _decoded(alone)
