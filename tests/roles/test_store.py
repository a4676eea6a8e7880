"""Tests of analysis.roles.store: the cues of a cached parse are read back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from factories import CUES_ONLY
from spacy.language import Language

from analysis import schema
from analysis.roles import DocsAlignmentError, classify_functions, cues


def test_cues_of_a_cached_parse_are_stored_and_read_back(
    labelled: pd.DataFrame, french_nlp: Language, tmp_path: Path, monkeypatch
) -> None:
    from analysis.nlp import parse_segments

    segments = labelled.drop(columns="label")
    expected = classify_functions(segments, french_nlp, config=CUES_ONLY)
    parsed = parse_segments(segments, french_nlp, cache_dir=tmp_path, progress=False)
    first = classify_functions(segments, parsed, config=CUES_ONLY)  # finds and stores the cues
    assert (tmp_path / "cues" / parsed.key / "manifest.json").is_file()

    def no_matching(*args, **kwargs):
        raise AssertionError("the cues were matched again although the cache holds them")

    monkeypatch.setattr(cues, "find_cues_in", no_matching)
    again = parse_segments(segments, french_nlp, cache_dir=tmp_path, progress=False)
    second = classify_functions(segments.iloc[::-1], again, config=CUES_ONLY)  # any row order
    for result in (first, second.sort_index()):
        pd.testing.assert_frame_equal(result, expected)
    # a table whose text differs from the parse is never read from the store: refused
    changed = segments.assign(text=segments[schema.TEXT].str.replace("manque", "absence"))
    with pytest.raises(DocsAlignmentError):
        classify_functions(changed, again, config=CUES_ONLY)
