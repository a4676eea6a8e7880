"""Tests of analysis.themes.keywords: keywords, labels and coherence of a theme."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from analysis import schema
from analysis.themes import keyword_table, npmi_coherence, short_label


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (
            ["recrutement", "police_municipale", "police", "formation"],
            "police municipale · recrutement · formation",
        ),
        (["caméra", "image", "opérateur", "nuit"], "caméra · image · opérateur"),
        (["agent_d_ambiance", "médiateur"], "agent d'ambiance · médiateur"),
        # the Decidim titles' pension theme: two lemmas, one word to a reader
        (["retraite", "retraité", "achat", "pension"], "retraite · achat · pension"),
        ([], ""),
    ],
)
def test_short_label_puts_expressions_first(terms: list[str], expected: str) -> None:
    assert short_label(terms) == expected


def test_keyword_table_ranks_the_over_represented_terms_of_each_theme() -> None:
    vocabulary = np.array(["caméra", "image", "médiateur", "quartier"], dtype=object)
    presence = sp.csr_matrix(
        [[1, 1, 0, 1], [1, 1, 0, 0], [1, 0, 0, 1], [0, 0, 1, 1], [0, 0, 1, 1], [0, 1, 1, 0]],
        dtype=float,
    )
    table = keyword_table(presence, np.array([0, 0, 0, 1, 1, 1]), vocabulary)
    first = table[table[schema.THEME_ID] == 0]
    assert list(first["term"]) == ["caméra", "image"]
    assert list(table.loc[table[schema.THEME_ID] == 1, "term"])[0] == "médiateur"
    assert (table["chi2"] > 0).all()


def test_npmi_coherence_is_one_for_terms_always_together() -> None:
    presence = sp.csr_matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1]], dtype=float)
    assert npmi_coherence(presence, [np.array([0, 1])]) == pytest.approx(1.0)
    assert npmi_coherence(presence, [np.array([0, 2])]) == -1.0
    assert np.isnan(npmi_coherence(presence, [np.array([0])]))
