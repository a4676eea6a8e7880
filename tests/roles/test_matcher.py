"""Tests of analysis.roles.matcher: the cue patterns find what spaCy's Matcher finds."""

from __future__ import annotations

import pytest

from analysis import roles
from analysis.roles import CuePatterns, cue_matcher


def test_cue_patterns_find_what_spacy_matcher_finds(sample_docs: list) -> None:
    matcher = cue_matcher(sample_docs[0].vocab)
    patterns = CuePatterns([cue.pattern for cue in roles.CUES])
    found = patterns.match(sample_docs)
    n_matches = 0
    for doc, (same_doc, matches, sentence_starts) in zip(sample_docs, found, strict=True):
        expected = {
            (int(doc.vocab.strings[key][3:]), start, end) for key, start, end in matcher(doc)
        }
        assert same_doc is doc and len(matches) == len(set(matches))
        assert set(matches) == expected, doc.text
        assert [int(sentence_starts[t.i]) for t in doc] == [t.sent.start for t in doc]
        n_matches += len(matches)
    # real material: hundreds of matches, among them optional tokens and sentence starts
    assert n_matches > 1000
    names = {roles.CUES[index].name for _, matches, _ in found for index, _, _ in matches}
    assert {"ne ... pas", "a permis de", "une commune", "chiffre", "devrait"} <= names


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LEMMA": "faute", "OP": "+"}],
        [{"DEP": "nsubj"}],
        [{"LOWER": {"FUZZY": "manque"}}],
        [{"MORPH": {"IS_SUBSET": ["Mood=Cnd"]}}],
    ],
)
def test_cue_patterns_refuse_what_they_cannot_match_like_the_matcher(pattern: list) -> None:
    with pytest.raises(ValueError, match="Motif d'indice 0"):
        CuePatterns([pattern])
