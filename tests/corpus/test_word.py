"""Tests of analysis.corpus.word: Word files."""

from __future__ import annotations

from pathlib import Path

from factories import CONSTAT, FREIN, load_quietly, make_docx

from analysis import schema


def test_docx_headings_lists_and_tables_survive(tmp_path: Path) -> None:
    make_docx(tmp_path / "2023-09-22-lille" / "compte-rendu.docx")
    document = load_quietly(tmp_path).iloc[0]
    assert document[schema.TEXT] == (
        "# Compte rendu de la concertation\n\n## Constats\n\n"
        f"{CONSTAT}\n\n### Freins identifiés\n\n- {FREIN}\n\nAtelier | Polices municipales"
    )
    assert document[schema.TITLE] == "Compte rendu de la concertation de Lille"
    assert (document[schema.CITY], document[schema.DOC_ID]) == ("Lille", "compte-rendu")
