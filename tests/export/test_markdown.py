"""The fiche in Markdown: French, sourced, corpus text escaped."""

from __future__ import annotations

import pytest
from factories import FICHE_THEMES, french_corpus

from analysis import schema
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


@pytest.mark.parametrize(("n_other", "said"), [(3, "ses 3 segments sont tous"), (1, "son seul")])
def test_a_theme_of_segments_about_the_meeting_says_why_nothing_is_quoted(n_other, said) -> None:
    """A theme whose segments all speak of the day itself (« autre »): the fiche said
    « Aucune citation retenue. » without a reason (19 % of a real two-document corpus)."""
    documents, segments, groups = french_corpus()
    theme = segments[segments[schema.THEME_ID] == 0].index[:n_other]
    segments = segments[(segments[schema.THEME_ID] != 0) | segments.index.isin(theme)].copy()
    segments.loc[theme, schema.FUNCTION] = schema.AUTRE
    [fiche, *_] = build_fiches(segments, FICHE_THEMES, documents=documents)
    markdown = fiche_to_markdown(fiche)
    assert f"*Aucune citation retenue : {said}" in markdown
    assert "que les fiches ne citent pas ; on l" in markdown
    assert f"*Aucune phrase retenue : {said}" in markdown
