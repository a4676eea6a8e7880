"""Tests of analysis.roles.docs: the Docs given must be those of the segments."""

from __future__ import annotations

import pytest
from factories import CUES_ONLY, role_segments
from spacy.language import Language

from analysis import schema
from analysis.roles import DocsAlignmentError, classify_functions
from analysis.segmentation import normalise


def test_docs_of_the_normalised_text_are_accepted(french_nlp: Language) -> None:
    text = "Il faut que l’État s’engage : « pérenniser les postes » dès 2025…"
    docs = [french_nlp(normalise(text))]
    result = classify_functions(role_segments([text]), docs, config=CUES_ONLY)
    assert result[schema.TEXT].item() == text  # the source text is kept as it is


@pytest.mark.parametrize(
    "docs_for",
    [
        lambda nlp: [nlp("Un autre texte."), nlp("Et encore un.")],
        lambda nlp: [nlp("Un texte qui n'est pas celui du segment.")],
        lambda nlp: {"autre#p000s00": nlp("Il faut agir.")},
    ],
)
def test_docs_that_do_not_match_the_segments_are_refused(french_nlp: Language, docs_for) -> None:
    with pytest.raises(DocsAlignmentError):
        classify_functions(role_segments(["Il faut agir."]), docs_for(french_nlp), config=CUES_ONLY)
