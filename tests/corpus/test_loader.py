"""Tests of analysis.corpus.loader: load_corpus and load_corpus_from_config end to end."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from factories import (
    ACCENTED,
    CONSTAT,
    EXPORT_ROWS,
    FREIN,
    TABLE_WRITERS,
    csv_text,
    load_quietly,
    make_docx,
    make_pdf,
    markdown_note,
    small_corpus,
    write_file,
)

from analysis import schema
from analysis.config import config_from_dict
from analysis.corpus import CorpusWarning, load_corpus, load_corpus_from_config


def test_documents_without_city_or_date_get_one_warning_listing_them(tmp_path: Path) -> None:
    write_file(tmp_path / "notes" / "premiere.md", CONSTAT)
    write_file(tmp_path / "notes" / "seconde.md", markdown_note({"date": "2024-02-09"}, FREIN))
    with pytest.warns(CorpusWarning) as caught:
        documents = load_corpus(tmp_path)
    messages = [str(w.message) for w in caught if "sans ville ou sans date" in str(w.message)]
    assert len(messages) == 1
    assert "notes/premiere.md" in messages[0] and "notes/seconde.md" in messages[0]
    assert documents[schema.CITY].tolist() == ["", ""]
    assert documents[schema.DATE].isna().tolist() == [True, False]


def test_user_files_are_never_modified(tmp_path: Path) -> None:
    small_corpus(tmp_path)
    write_file(tmp_path / "2023-04-28-dijon" / "windows.txt", ACCENTED.encode("cp1252"))
    write_file(tmp_path / "2023-04-28-dijon" / "crlf.md", "Premier.\r\n\r\nSecond.\r\n")
    make_docx(tmp_path / "2023-09-22-lille" / "compte-rendu.docx")
    make_pdf(tmp_path / "2023-09-22-lille" / "note.pdf", ["Les tigistes sont accueillis."])
    table = write_file(tmp_path / "tables" / "export.csv", csv_text(EXPORT_ROWS, ";"))
    sheet = TABLE_WRITERS["sheet.xlsx"](tmp_path / "tables" / "sheet.xlsx", EXPORT_ROWS)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        load_corpus(tmp_path)
        load_corpus(table, text_column="corps")
        load_corpus(sheet, text_column="corps")

    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == files
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


def test_load_corpus_from_config_resolves_the_path(tmp_path: Path) -> None:
    write_file(tmp_path / "donnees" / "export.csv", csv_text(EXPORT_ROWS, ";"))
    config = config_from_dict(
        {
            "corpus": {
                "path": "donnees/export.csv",
                "text_column": "corps",
                "id_column": "id",
                "meta_columns": ["city=ville", "date=publication"],
            }
        },
        base_dir=str(tmp_path),
    )
    documents = load_corpus_from_config(config)
    assert documents[schema.DOC_ID].tolist() == ["P-12", "P-13", "P-14"]


def test_sample_corpus_loads_cleanly(corpus_dir: Path) -> None:
    files = sorted(corpus_dir.glob("*/*.md"))
    if not files:
        pytest.skip("the sample corpus is not there yet")
    documents = load_quietly(corpus_dir)
    assert sorted(documents[schema.DOC_ID]) == sorted(p.stem for p in files)
    for column in (schema.CONCERTATION_ID, schema.CITY, schema.DOC_TYPE, schema.TITLE):
        assert (documents[column] != "").all(), column
    assert documents[schema.DATE].notna().all()
    notes = documents[documents[schema.DOC_TYPE] == "note_restitution"]
    assert notes[schema.ATELIER].notna().all()
