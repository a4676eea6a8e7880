"""Tests of analysis.corpus.records: the spaces every document text is tidied of."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from factories import DECIDIM_FILE, load_quietly, markdown_note, write_file

from analysis import schema
from analysis.corpus import CorpusWarning, load_corpus, tidy_spaces


def test_text_keeps_typography_but_not_runs_of_spaces(tmp_path: Path) -> None:
    body = "\nL’adjointe a cité « une hausse de 12 % » ;  deux espaces   ici.\t\n\n- Un item\n"
    write_file(
        tmp_path / "2024-06-14-bordeaux" / "article.md", markdown_note({"city": "Bordeaux"}, body)
    )
    assert load_quietly(tmp_path).loc[0, schema.TEXT] == (
        "\nL’adjointe a cité « une hausse de 12 % » ; deux espaces ici.\n\n- Un item\n"
    )


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("des communes , la métropole", "des communes, la métropole"),
        ("deux  espaces   ici", "deux espaces ici"),
        ("une\ttabulation", "une tabulation"),
        ("les retraites ,hormis", "les retraites, hormis"),
        ("(terre agricole) , mais", "(terre agricole), mais"),
        ("la fin .", "la fin."),
        ("la commune\u00a0: oui", "la commune\u00a0: oui"),
        ("la commune \u00a0 : oui", "la commune\u00a0: oui"),
        ("« une hausse de 12 % »", "« une hausse de 12 % »"),
        ("   1/ Option retenue  ", "1/ Option retenue"),
        ("Premier.\n   \nSecond.", "Premier.\n\nSecond."),
        ("2,5 et 3 , 4", "2,5 et 3, 4"),
    ],
)
def test_tidy_spaces(raw: str, tidy: str) -> None:
    assert tidy_spaces(raw) == tidy


def test_real_exports_have_no_runs_of_spaces_left(real_dir: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        decidim = load_corpus(real_dir / DECIDIM_FILE, text_column="body", id_column="id")
    raw = pd.read_csv(real_dir / DECIDIM_FILE, sep=";", dtype=str, keep_default_na=False)["body"]
    assert raw.str.contains("  ").sum() > 50  # the export as delivered
    assert not decidim[schema.TEXT].str.contains(r"\S {2,}\S|\w ,|^ | $", regex=True).any()
    assert not decidim[schema.TITLE].str.contains("  ").any()
