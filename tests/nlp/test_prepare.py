"""Tests of analysis.nlp.prepare: segment, parse, find expressions and lemmatise in one call."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from analysis import schema
from analysis.config import AnalysisConfig
from analysis.nlp import concordance, load_stopwords, prepare_segments, vocabulary
from analysis.nlp import prepare as prepare_module
from analysis.segmentation import SegmentationWarning


@pytest.mark.parametrize(("min_words", "expected"), [(10**9, 1), (0, 2)])
def test_prepare_segments_uses_processes_only_for_large_inputs(
    documents, tmp_path, monkeypatch, min_words, expected
) -> None:
    seen = {}
    real = prepare_module.parse_segments

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **{**kwargs, "n_process": 1})

    monkeypatch.setattr(prepare_module, "parse_segments", spy)
    config = AnalysisConfig(base_dir=str(tmp_path)).replace(
        "nlp", n_process=2, n_process_min_words=min_words
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments, parsed, expressions = prepare_segments(documents, config, progress=False)
    assert seen["n_process"] == expected
    assert seen["cache_dir"] == Path(tmp_path) / ".cache"
    assert (Path(tmp_path) / ".cache" / "parsed" / parsed.key / "manifest.json").is_file()
    assert {schema.LEMMAS, schema.LANGUAGE_OK} <= set(segments.columns)
    assert "police_municipale" in set(expressions[schema.EXPRESSION])


def test_sample_corpus_vocabulary_is_made_of_content_words(corpus_dir, tmp_path) -> None:
    if not any(corpus_dir.glob("*/*.md")):
        pytest.skip("the sample corpus is not there yet")
    from analysis.corpus import load_corpus

    config = AnalysisConfig(base_dir=str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments, _, _ = prepare_segments(load_corpus(corpus_dir), config, progress=False)
    table = vocabulary(segments)
    terms = set(table[schema.TERM])
    stopwords = load_stopwords()
    assert not terms & stopwords
    assert not [t for t in terms if re.search(r"[/@:.’]|^\W|^d'$", t)]
    assert not [t for t in terms if re.search(r"\d", t) and "_" not in t]  # "article_40" is fine
    assert {"police_municipale", "tigiste", "médiateur", "caméra", "rançongiciel"} <= terms
    assert segments[schema.LANGUAGE_OK].all()
    top = set(table[schema.TERM].head(30))
    assert not top & {"commission", "remercier", "accueil", "métropole", "participant"}


def test_a_corpus_without_any_segment_gives_empty_tables(documents, tmp_path) -> None:
    documents = documents.head(2).assign(**{schema.TEXT: ["", "## Constats"]})
    with pytest.warns(SegmentationWarning, match="aucune unité"):
        segments, parsed, expressions = prepare_segments(
            documents, AnalysisConfig(base_dir=str(tmp_path)), progress=False
        )
    assert segments.empty and len(parsed) == 0 and expressions.empty
    assert {schema.LEMMAS, schema.LANGUAGE_OK} <= set(segments.columns)
    assert concordance(segments, "police", parsed=parsed).empty
    assert vocabulary(segments).empty
