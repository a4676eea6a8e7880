"""Tests of analysis.roles.headings: the function a heading announces."""

from __future__ import annotations

import pytest
from factories import CUES_ONLY, role_segments
from spacy.language import Language

from analysis import schema
from analysis.roles import classify_functions, heading_function


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Freins identifiés", "frein"),
        ("## Points de vigilance", "frein"),
        ("Propositions", "proposition"),
        ("Nos recommandations", "proposition"),
        ("Bonnes pratiques", "bonne pratique"),
        ("Demandes à l’État", "demande"),
        ("Constats", "constat"),
        ("Polices municipales", None),
        ("", None),
        (None, None),
    ],
)
def test_heading_function(heading: str | None, expected: str | None) -> None:
    assert heading_function(heading) == expected


@pytest.mark.parametrize(
    ("heading", "expected"),
    [("Freins identifiés", "frein"), ("Propositions", "proposition"), ("", "constat")],
)
def test_the_heading_decides_when_the_text_has_no_cue(
    french_nlp: Language, heading: str, expected: str
) -> None:
    text = "Les échanges ont porté sur les horaires des équipes de soirée."
    result = classify_functions(role_segments([text], [heading]), french_nlp, config=CUES_ONLY)
    assert result[schema.FUNCTION].item() == expected
