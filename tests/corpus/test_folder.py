"""Tests of analysis.corpus.folder: what a corpus folder holds and what is left aside."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from factories import (
    CONSTAT,
    FREIN,
    PROPOSITION,
    dijon_note,
    lille_summary,
    load_quietly,
    seed_note,
    small_corpus,
    warnings_about,
    write_file,
)

from analysis import schema
from analysis.corpus import OUTPUT_MARKERS, CorpusError, CorpusWarning, load_corpus


def test_folder_skips_readme_hidden_private_and_annotations(tmp_path: Path) -> None:
    small_corpus(tmp_path)
    write_file(tmp_path / "ReadMe.md", "# Le corpus\n\nCe fichier décrit le corpus.\n")
    write_file(tmp_path / ".brouillon.md", FREIN)
    write_file(tmp_path / "_archives" / "ancien.md", FREIN)
    write_file(tmp_path / ".git" / "HEAD.txt", "ref")
    write_file(tmp_path / "annotations.csv", "doc_id,paragraph\n")
    documents = load_quietly(tmp_path)
    assert len(documents) == 2


def test_unknown_files_in_a_folder_get_one_warning_naming_them(tmp_path: Path) -> None:
    small_corpus(tmp_path)
    write_file(tmp_path / "2023-04-28-dijon" / "photo.jpg", b"\xff\xd8\xff")
    write_file(tmp_path / "2023-04-28-dijon" / "ancien.doc", b"\xd0\xcf\x11\xe0")
    with pytest.warns(CorpusWarning, match=r"photo\.jpg.*") as caught:
        documents = load_corpus(tmp_path)
    message = next(str(w.message) for w in caught if "photo.jpg" in str(w.message))
    assert "ancien.doc (enregistrez-le en .docx)" in message
    assert len(documents) == 2


def test_result_does_not_depend_on_file_order(tmp_path: Path) -> None:
    files = {
        "2023-09-22-lille/synthese.md": lille_summary(),
        "2023-04-28-dijon/dijon-2023-restitution.md": dijon_note(),
        "2023-04-28-dijon/zeta.txt": FREIN,
        "2023-04-28-dijon/alpha.txt": PROPOSITION,
    }
    for name, order in (("forward", list(files)), ("backward", list(reversed(files)))):
        for relative in order:
            write_file(tmp_path / name / relative, files[relative])
    forward = load_quietly(tmp_path / "forward")
    backward = load_quietly(tmp_path / "backward")
    pd.testing.assert_frame_equal(forward, backward)
    assert forward[schema.DOC_ID].tolist() == sorted(forward[schema.DOC_ID])


def test_a_report_inside_the_corpus_folder_is_not_read_back(tmp_path: Path, real_dir: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    before = load_quietly(corpus)
    report = corpus / "reports"
    write_file(report / "run.json", '{"corpus": {"path": "corpus"}}\n')
    write_file(report / "theme_memory.json", "{}\n")
    write_file(report / "fiches" / "01-polices-municipales.md", "# Polices municipales\n\n" + FREIN)
    write_file(report / "documents.csv", "doc_id,text\nlille-synthese,x\n")
    write_file(corpus / "archives" / "rapport-2023" / "theme_memory.json", "{}\n")
    write_file(corpus / "archives" / "rapport-2023" / "fiches" / "a.md", seed_note(real_dir))
    write_file(corpus / ".cache" / "parsed.txt", CONSTAT)
    with pytest.warns(CorpusWarning) as caught:
        after = load_corpus(corpus)
    pd.testing.assert_frame_equal(after, before)
    (message,) = warnings_about(caught, "dossier(s) de résultats")
    assert "2 dossier(s)" in message and "archives/rapport-2023, reports" in message
    assert len(caught) == 1  # said once, nothing else to say


def test_output_markers_are_the_files_the_workbook_writes() -> None:
    from analysis import curation, pipeline

    assert set(OUTPUT_MARKERS) == {pipeline.RUN_FILE, curation.MEMORY_FILE}


def test_a_folder_where_nothing_loads_is_an_error(tmp_path: Path) -> None:
    write_file(tmp_path / "vide.md", "\n")
    with (
        pytest.warns(CorpusWarning, match="fichier vide"),
        pytest.raises(CorpusError, match="aucun des 1 fichiers"),
    ):
        load_corpus(tmp_path)
