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


def test_a_note_titled_in_heading_1_is_titled_by_it(real_dir: Path, tmp_path: Path) -> None:
    """A real article saved from Word with its title in the "Heading 1" style and no title in
    the file's properties: the heading titles the document, not the file name."""
    import docx

    lines = (real_dir / "seeds" / "000_2cd2bd4c25204821.txt").read_text(encoding="utf-8")
    heading, *paragraphs = [line for line in lines.split("\n") if line.strip()]
    document = docx.Document()
    document.add_heading(heading, level=1)
    for paragraph in paragraphs[:5]:
        document.add_paragraph(paragraph)
    document.save(str(tmp_path / "2019-03-12-dijon-article.docx"))
    loaded = load_quietly(tmp_path).iloc[0]
    assert loaded[schema.TITLE] == heading.strip()
    assert loaded[schema.TEXT].startswith(f"## {heading.strip()}\n\n")


def test_a_title_property_that_says_nothing_is_not_the_title(
    real_dir: Path, tmp_path: Path
) -> None:
    """Word writes "Document1" in the title property of a file nobody titled: the real
    article's "Heading 1" titles it (the fiches quoted "— Document1, paragraphe 7")."""
    import docx

    lines = (real_dir / "seeds" / "000_2cd2bd4c25204821.txt").read_text(encoding="utf-8")
    heading, *paragraphs = [line for line in lines.split("\n") if line.strip()]
    document = docx.Document()
    document.core_properties.title = "Document1"
    document.add_heading(heading, level=1)
    for paragraph in paragraphs[:3]:
        document.add_paragraph(paragraph)
    document.save(str(tmp_path / "2019-03-12-dijon-article.docx"))
    assert load_quietly(tmp_path).iloc[0][schema.TITLE] == heading.strip()
