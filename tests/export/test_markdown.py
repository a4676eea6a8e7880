"""The fiche in Markdown: French, sourced, corpus text escaped."""

from __future__ import annotations

import pytest
from factories import FICHE_THEMES, french_corpus

from analysis.export import fiche_to_markdown, markdown_escape
from analysis.summaries import Fiche, build_fiches


@pytest.fixture(scope="module")
def fiches() -> list[Fiche]:
    documents, segments, groups = french_corpus()
    return build_fiches(segments, FICHE_THEMES, documents=documents, groups=groups)


def test_markdown_is_french_and_cites_its_sources(fiches) -> None:
    markdown = fiche_to_markdown(fiches[0])
    assert markdown.startswith("# Polices municipales\n")
    for heading in (
        "## Freins récurrents",
        "## Propositions récurrentes",
        "## Citations",
        "## Résumé extractif",
        "## Ce qui change",
        "## Bonnes pratiques",
    ):
        assert heading in markdown
    assert "Montpellier, 9 février 2024, paragraphe" in markdown
    assert "**groupe F01**\u00a0: 4 concertations, 4 villes (Montpellier, Nîmes, Rennes" in markdown


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("un *vrai* problème", "un \\*vrai\\* problème"),
        ("ligne\nsuivante", "ligne suivante"),
    ],
)
def test_markdown_escapes_corpus_text(text, escaped) -> None:
    assert markdown_escape(text) == escaped
