"""Tests of analysis.corpus.readers: one reader per format, found by the file's extension."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import CONSTAT, EXPORT_ROWS, TABLE_WRITERS, make_docx, make_pdf, write_file

from analysis import schema
from analysis.corpus import (
    DOCUMENT_EXTENSIONS,
    TABLE_EXTENSIONS,
    CorpusError,
    markdown,
    odt,
    pdf,
    tables,
    word,
)
from analysis.corpus.readers import file_reader
from analysis.corpus.records import ReadOptions


def test_every_extension_has_the_reader_of_its_format() -> None:
    assert DOCUMENT_EXTENSIONS == (".md", ".markdown", ".txt", ".docx", ".odt", ".pdf")
    assert TABLE_EXTENSIONS == (".csv", ".tsv", ".xlsx", ".xls", ".ods", ".json", ".jsonl")
    for module in (markdown, word, odt, pdf, tables):
        for extension in module.EXTENSIONS:
            assert file_reader(Path(f"corpus{extension.upper()}")) is module.read


WRITERS = {
    "note.md": lambda path: write_file(path, CONSTAT),
    "note.docx": make_docx,
    "note.pdf": lambda path: make_pdf(path, [CONSTAT.replace("’", "'")]),
    "export.csv": lambda path: TABLE_WRITERS["semicolon.csv"](path, EXPORT_ROWS),
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_reader_gives_document_records(tmp_path: Path, name: str) -> None:
    path = WRITERS[name](tmp_path / name)
    options = ReadOptions(text_column="corps", id_column="id")
    records = file_reader(path)(path, name, options)
    assert records
    for record in records:
        assert set(schema.DOCUMENT_COLUMNS) | {schema.FILE, "_origin"} <= set(record)
        assert record[schema.FILE] == name
        assert record[schema.TEXT].strip()


def test_a_file_of_no_known_format_is_refused_with_a_hint() -> None:
    with pytest.raises(CorpusError, match="« .rtf » non pris en charge.*enregistrez-le en .docx"):
        file_reader(Path("compte-rendu.rtf"))
