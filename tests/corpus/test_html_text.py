"""Tests of analysis.corpus.html_text: HTML in table fields."""

from __future__ import annotations

import pytest

from analysis.corpus import html_to_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Un.</p><p>Deux.</p>", "Un.\n\nDeux."),
        ("Une ligne<br/>puis une autre", "Une ligne\npuis une autre"),
        ("<div>\n  Texte  <b>gras</b>\n</div>", "Texte gras"),
        ("<h2>Propositions</h2><p>Former.</p>", "## Propositions\n\nFormer."),
        ("l&#39;État &amp; les communes", "l'État & les communes"),
        ("<script>alert(1)</script><p>Visible</p>", "Visible"),
        ("Pas de balise : 3 < 5 et 7 > 2", "Pas de balise : 3 < 5 et 7 > 2"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text
