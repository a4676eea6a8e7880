"""Tests of analysis.corpus.markdown: Markdown and text files with their front matter."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from factories import (
    CONSTAT,
    FREIN,
    SEEDS,
    dijon_note,
    load_quietly,
    markdown_note,
    seed_note,
    seed_paragraphs,
    small_corpus,
    write_file,
)

from analysis import schema
from analysis.corpus import CorpusError, CorpusWarning, load_corpus


def test_folder_gives_the_documents_table(tmp_path: Path) -> None:
    documents = load_quietly(small_corpus(tmp_path))

    assert list(documents.columns) == [*schema.DOCUMENT_COLUMNS, schema.FILE, schema.ATELIER]
    assert documents[schema.DOC_ID].tolist() == ["dijon-2023-restitution", "lille-synthese"]
    assert str(documents[schema.DATE].dtype) == "datetime64[ns]"
    dijon, lille = documents.to_dict("records")
    assert dijon[schema.CONCERTATION_ID] == "C06-dijon-2023"
    assert dijon[schema.TITLE] == "Dijon : restitution de l'atelier polices municipales"
    assert dijon[schema.DATE] == pd.Timestamp("2023-04-28")
    assert dijon[schema.ATELIER] == "polices_municipales"
    assert dijon[schema.SOURCE] == "2023-04-28-dijon/dijon-2023-restitution.md"
    assert dijon[schema.FILE] == "2023-04-28-dijon/dijon-2023-restitution.md"
    assert dijon[schema.TEXT] == f"\n## Constats\n\n{CONSTAT}\n\n## Freins\n\n{FREIN}\n"
    assert lille[schema.SOURCE] == "Secrétariat de la commission"
    assert pd.isna(lille[schema.ATELIER])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Premier constat.\r\n\r\nSecond constat.\r\n", "Premier constat.\n\nSecond constat.\n"),
        ("Premier constat.\r\rSecond constat.", "Premier constat.\n\nSecond constat."),
        ("Premier constat.\r\n\nSecond constat.\n", "Premier constat.\n\nSecond constat.\n"),
    ],
    ids=["crlf", "cr", "mixed"],
)
def test_line_endings_become_newlines_and_nothing_else_changes(
    tmp_path: Path, raw: str, expected: str
) -> None:
    write_file(tmp_path / "2022-05-13-clermont-ferrand" / "note.txt", raw)
    documents = load_quietly(tmp_path)
    assert documents.loc[0, schema.TEXT] == expected


def test_front_matter_wins_over_folder_names(tmp_path: Path) -> None:
    write_file(tmp_path / "2023-04-28-dijon" / "a.md", markdown_note({"city": "Chenôve"}, CONSTAT))
    document = load_quietly(tmp_path).iloc[0]
    assert (document[schema.CITY], document[schema.DATE]) == ("Chenôve", pd.Timestamp("2023-04-28"))


def test_a_single_document_file_is_a_corpus(tmp_path: Path) -> None:
    path = write_file(tmp_path / "2023-04-28-dijon" / "note.md", dijon_note())
    documents = load_quietly(path)
    assert documents[schema.DOC_ID].tolist() == ["note"]
    assert documents.loc[0, schema.FILE] == "note.md"


def test_misspelt_front_matter_key_is_kept_with_a_hint(tmp_path: Path) -> None:
    write_file(
        tmp_path / "a.md",
        markdown_note({"city": "Metz", "date": "2025-09-26", "titel": "X"}, FREIN),
    )
    with pytest.warns(CorpusWarning, match="« titel ».*vouliez-vous dire « title »"):
        documents = load_corpus(tmp_path)
    assert documents.loc[0, "titel"] == "X"


def test_front_matter_keys_written_with_capitals_fill_the_fields(
    real_dir: Path, tmp_path: Path
) -> None:
    note = markdown_note(
        {"Title": "Restitution de Dijon", "Ville": "Dijon", "Date": "2023-04-28"},
        seed_note(real_dir),
    )
    documents = load_quietly(write_file(tmp_path / "dijon.md", note))
    assert documents.loc[0, [schema.TITLE, schema.CITY]].tolist() == [
        "Restitution de Dijon",
        "Dijon",
    ]
    assert documents.loc[0, schema.DATE] == pd.Timestamp("2023-04-28")


def test_a_list_of_cities_in_a_front_matter_is_refused_with_what_to_write(
    real_dir: Path, tmp_path: Path
) -> None:
    """It read « ['Dijon', 'Chenôve'] » as one city, in every table and map."""
    note = markdown_note({"city": "[Dijon, Chenôve]", "date": "2023-04-28"}, seed_note(real_dir))
    path = write_file(tmp_path / "dijon.md", note)
    with pytest.raises(CorpusError, match=r"dijon\.md.*« city » a plusieurs valeurs "):
        load_quietly(path)
    with pytest.raises(CorpusError, match=r"gardez-en une \(« city: Dijon »\)"):
        load_quietly(path)


def test_each_row_of_a_markdown_table_is_a_paragraph(decidim_export, tmp_path: Path) -> None:
    """A table of the Decidim export's proposals: read as running text, its segments were cut
    in the middle of cells and quoted « |---|---| »."""
    rows = decidim_export[["id", "title"]].head(6)
    table = ["| N° | Titre |", "|---|:---|"]
    table += [f"| {i} | {t} |" for i, t in zip(rows["id"], rows["title"], strict=True)]
    body = "## Tableau récapitulatif\n\n" + "\n".join(table) + "\n\n## Commentaire\n\n"
    body += decidim_export["body"].iloc[0].strip() + "\n"
    note = markdown_note({"city": "Lille", "date": "2019-03-15"}, body)
    documents = load_quietly(write_file(tmp_path / "synthese.md", note))
    paragraphs = [p.strip() for p in documents.loc[0, schema.TEXT].split("\n\n") if p.strip()]
    assert "|---" not in documents.loc[0, schema.TEXT]
    expected = [f"{i} | {t.strip()}" for i, t in zip(rows["id"], rows["title"], strict=True)]
    assert paragraphs[2:8] == expected  # after the heading and the table's own header
    assert paragraphs[1] == "N° | Titre"


def test_a_text_extracted_from_a_pdf_keeps_no_page_break_nor_page_number(
    real_dir: Path, tmp_path: Path
) -> None:
    """pdftotext ends each page with its number and a form feed: they became a segment « 2 »
    and a control character inside the next paragraph."""
    paragraphs = seed_paragraphs(real_dir, SEEDS[0])
    pages = [paragraphs[:3], paragraphs[3:6], paragraphs[6:]]
    text = "".join(
        "\n\n".join(page) + f"\n\n{number}\n\f" for number, page in enumerate(pages, start=1)
    )
    note = markdown_note({"city": "Dijon", "date": "2023-04-28"}, text)
    document = load_quietly(write_file(tmp_path / "note.txt", note)).iloc[0]
    read = [p.strip() for p in document[schema.TEXT].split("\n\n") if p.strip()]
    assert "\f" not in document[schema.TEXT]
    assert read == [p.strip() for p in paragraphs]  # no page number among them
