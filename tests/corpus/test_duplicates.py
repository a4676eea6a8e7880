"""Tests of analysis.corpus.duplicates: copies counted once, ids kept unique."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from factories import (
    CONSTAT,
    DECIDIM_FILE,
    FREIN,
    SEEDS,
    load_quietly,
    make_seed_docx,
    markdown_note,
    numbered_pdf,
    seed_note,
    seed_paragraphs,
    warnings_about,
    write_file,
)

from analysis import schema
from analysis.corpus import CorpusWarning, load_corpus

INPUTS_DIR = Path(__file__).parents[1] / "data" / "inputs"


def test_a_note_as_md_and_docx_is_counted_once(tmp_path: Path, real_dir: Path) -> None:
    folder = tmp_path / "2023-04-28-dijon"
    write_file(
        folder / "dijon-commission.md", markdown_note({"date": "2023-04-28"}, seed_note(real_dir))
    )
    make_seed_docx(folder / "dijon-commission.docx", seed_paragraphs(real_dir, SEEDS[0]))
    write_file(folder / "toulouse.md", seed_note(real_dir, SEEDS[1]))
    with pytest.warns(CorpusWarning) as caught:
        documents = load_corpus(tmp_path)
    assert documents[schema.FILE].tolist() == [
        "2023-04-28-dijon/dijon-commission.md",  # the copy that carries the front matter
        "2023-04-28-dijon/toulouse.md",
    ]
    (message,) = warnings_about(caught, "en double")
    assert "1 document(s) en double" in message
    assert "2023-04-28-dijon/dijon-commission.docx (même texte que" in message
    assert "2023-04-28-dijon/dijon-commission.md)" in message


def test_copies_are_kept_on_request_and_still_named(tmp_path: Path, real_dir: Path) -> None:
    write_file(tmp_path / "2023-04-28-dijon" / "a.md", seed_note(real_dir))
    write_file(
        tmp_path / "2023-04-28-dijon" / "b.txt", seed_note(real_dir).replace("\n\n", "\n  \n")
    )
    with pytest.warns(CorpusWarning, match=r"b\.txt \(même texte que 2023-04-28-dijon/a\.md\)"):
        documents = load_corpus(tmp_path, drop_duplicates=False)
    assert documents[schema.DOC_ID].tolist() == ["a", "b"]


def test_only_exact_copies_are_merged(tmp_path: Path) -> None:
    write_file(tmp_path / "2023-04-28-dijon" / "a.md", CONSTAT)
    write_file(tmp_path / "2023-04-28-dijon" / "b.md", CONSTAT.lower())  # case counts
    write_file(tmp_path / "2023-04-28-dijon" / "c.md", CONSTAT.replace(".", " ;"))
    assert len(load_quietly(tmp_path)) == 3


def test_duplicated_rows_of_a_real_export_are_counted_once(tmp_path: Path, real_dir: Path) -> None:
    raw = (real_dir / DECIDIM_FILE).read_bytes()
    n_rows = len(pd.read_csv(real_dir / DECIDIM_FILE, sep=";", dtype=str))
    with pytest.warns(CorpusWarning) as caught:
        original = load_corpus(real_dir / DECIDIM_FILE, text_column="body", id_column="id")
    # the export as delivered holds one proposal posted twice, under two ids
    assert len(original) == n_rows - 1
    (message,) = warnings_about(caught, "en double")
    assert (
        "ligne 159 [id 773] (même texte que lille-propositions-decidim.csv, ligne 158 [id 772])"
        in (message)
    )
    doubled = write_file(tmp_path / DECIDIM_FILE, raw + raw.split(b"\n", 1)[1])  # every row twice
    with pytest.warns(CorpusWarning) as caught:
        documents = load_corpus(doubled, text_column="body")  # rows numbered, not by id
    (message,) = warnings_about(caught, "en double")
    assert f"{n_rows + 1} document(s) en double" in message
    assert (
        f"{DECIDIM_FILE}, ligne {n_rows + 2} [id row-{n_rows + 1:04d}] "
        f"(même texte que {DECIDIM_FILE}, ligne 2 [id row-0001])"
    ) in message
    assert documents[schema.DOC_ID].tolist() == [
        f"row-{n:04d}" for n in range(1, n_rows + 1) if n != 158
    ]
    assert sorted(documents[schema.TEXT]) == sorted(original[schema.TEXT])


def test_duplicated_rows_with_their_ids_are_counted_once() -> None:
    with pytest.warns(CorpusWarning) as caught:
        documents = load_corpus(INPUTS_DIR / "formules.csv", text_column="body", id_column="id")
    assert documents[schema.DOC_ID].tolist() == ["101", "102", "103", "104", "106"]
    (message,) = warnings_about(caught, "en double")
    assert "formules.csv, ligne 6 [id 105] (même texte que formules.csv, ligne 2 [id 101])" in (
        message
    )
    assert "ligne 8 [id 107]" in message
    assert documents[schema.TEXT].tolist()[0] == (
        "Les habitants demandent un meilleur éclairage des communes, la nuit surtout."
    )


def test_one_note_as_md_docx_and_pdf_loads(tmp_path: Path, real_dir: Path) -> None:
    paragraphs = seed_paragraphs(real_dir, SEEDS[0])
    write_file(tmp_path / "note.md", seed_note(real_dir))
    make_seed_docx(tmp_path / "note.docx", paragraphs)
    latin1 = seed_paragraphs(real_dir, SEEDS[0], latin1=True)
    numbered_pdf(latin1, gap=4, title=None).output(str(tmp_path / "note.pdf"))
    with pytest.warns(CorpusWarning) as caught:
        documents = load_corpus(tmp_path)
    assert documents[schema.DOC_ID].tolist() == ["note", "note-pdf"]  # the PDF lost its « œ »
    assert documents[schema.TEXT].str.strip().str.split("\n\n").tolist() == [paragraphs, latin1]
    assert warnings_about(caught, "note.docx (même texte que note.md)")
    (renamed,) = warnings_about(caught, "identifiant plus long")
    assert "note.pdf → « note-pdf »" in renamed


def test_same_file_names_in_two_folders_get_their_folder_in_the_id(tmp_path: Path) -> None:
    write_file(tmp_path / "2023-04-28-dijon" / "compte-rendu.md", CONSTAT)
    write_file(tmp_path / "2023-09-22-lille" / "compte-rendu.md", FREIN)
    with pytest.warns(CorpusWarning, match="2023-09-22-lille/compte-rendu.md → « 2023-09-22"):
        documents = load_corpus(tmp_path)
    assert documents[schema.DOC_ID].tolist() == ["2023-09-22-lille-compte-rendu", "compte-rendu"]
    assert documents[schema.CITY].tolist() == ["Lille", "Dijon"]


def test_the_original_is_kept_and_its_copy_left_out(real_dir: Path, tmp_path: Path) -> None:
    """A file manager's copy sorts first (« Copie de… », capital C): the quotes named it."""
    note = seed_note(real_dir)
    for name in ("note-dijon.txt", "Copie de note-dijon.txt", "note-dijon (2).txt"):
        write_file(tmp_path / "corpus" / name, note)
    with pytest.warns(CorpusWarning, match="en double") as caught:
        documents = load_corpus(tmp_path / "corpus")
    assert documents[schema.DOC_ID].tolist() == ["note-dijon"]
    said = " ".join(str(w.message) for w in caught)
    assert "Copie de note-dijon.txt (même texte que note-dijon.txt)" in said
