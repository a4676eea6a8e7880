"""Tests of analysis.corpus.encoding: the encodings users' files come in."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import ACCENTED, load_quietly, markdown_note, write_file

from analysis import schema
from analysis.corpus import CorpusError, CorpusWarning, load_corpus


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_files_load_without_warning(tmp_path: Path, encoding: str) -> None:
    write_file(tmp_path / "2021-06-17-nimes" / "note.txt", ACCENTED, encoding=encoding)
    assert load_quietly(tmp_path).loc[0, schema.TEXT] == ACCENTED


def test_cp1252_file_loads_correctly_with_a_warning(tmp_path: Path) -> None:
    data = ACCENTED.encode("cp1252")  # œ is 0x9C and ’ is 0x92: cp1252 only, not latin-1
    write_file(tmp_path / "2021-06-17-nimes" / "note.txt", data)
    with pytest.warns(CorpusWarning, match=r"note\.txt : pas en UTF-8 ; lu comme Windows-1252"):
        text = load_corpus(tmp_path).loc[0, schema.TEXT]
    assert text == ACCENTED
    for word in ("élus", "l’œuvre", "cœur", "métier", "équipes", "«"):
        assert word in text


def test_latin1_file_loads_correctly_with_a_warning(tmp_path: Path) -> None:
    text = "Les médiateurs à Nîmes reçoivent une formation qualifiante.\n"
    write_file(tmp_path / "2021-06-17-nimes" / "note.txt", text.encode("latin-1"))
    with pytest.warns(CorpusWarning, match=r"note\.txt : pas en UTF-8"):
        assert load_corpus(tmp_path).loc[0, schema.TEXT] == text


def test_explicit_encoding_is_used_strictly(tmp_path: Path) -> None:
    content = markdown_note({"city": "Metz", "date": "2025-09-26"}, "Ligne un.\n" + ACCENTED)
    path = write_file(tmp_path / "note.txt", content.encode("cp1252"))
    assert load_quietly(path, encoding="cp1252").loc[0, schema.TEXT].endswith(ACCENTED)
    with pytest.raises(CorpusError, match=r"note\.txt, ligne 6 : pas du utf-8 valide"):
        load_corpus(path, encoding="utf-8")
    with pytest.raises(CorpusError, match="Encodage inconnu 'klingon'"):
        load_corpus(path, encoding="klingon")


def test_text_encoded_twice_is_flagged(tmp_path: Path) -> None:
    garbled = ACCENTED.encode("utf-8").decode("cp1252")  # "Ã©lus": what a bad re-save leaves
    write_file(tmp_path / "2021-06-17-nimes" / "note.txt", garbled)
    with pytest.warns(CorpusWarning, match=r"note\.txt : .*encodés deux fois"):
        load_corpus(tmp_path)
