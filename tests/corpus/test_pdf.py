"""Tests of analysis.corpus.pdf: the text layer of PDF files, rebuilt into paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from factories import CONSTAT, SEEDS, load_quietly, make_pdf, numbered_pdf, seed_paragraphs

from analysis import schema
from analysis.corpus import load_corpus
from analysis.segmentation import split_paragraphs


def test_pdf_text_layer_is_read(tmp_path: Path) -> None:
    make_pdf(tmp_path / "2024-02-09-montpellier" / "note.pdf", [CONSTAT.replace("’", "'")])
    text = load_quietly(tmp_path).loc[0, schema.TEXT]
    assert re.sub(r"\s+", " ", text).strip() == CONSTAT


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("gap", [4, 0], ids=["spaced", "tight"])
def test_pdf_keeps_its_paragraphs(tmp_path: Path, real_dir: Path, seed: str, gap: float) -> None:
    paragraphs = seed_paragraphs(real_dir, seed, latin1=True)
    pdf = numbered_pdf(paragraphs * 2, gap=gap, title=None)  # two pages or more
    assert pdf.page_no() >= 2
    pdf.output(str(tmp_path / "article.pdf"))
    text = load_corpus(tmp_path / "article.pdf").loc[0, schema.TEXT]
    found = text.split("\n\n")
    if gap:  # blank space between paragraphs: every paragraph comes back as it was
        assert found == paragraphs * 2
    else:  # no space: the short last lines still end most paragraphs
        assert len(found) >= len(paragraphs)
        assert set(found) & set(paragraphs)
    assert len(split_paragraphs(text)) > 1
    assert not re.search(r"(^|\n)\d+(\n|$)", text)  # page numbers left out


def test_pdf_paragraphs_go_on_over_a_page_break(tmp_path: Path, real_dir: Path) -> None:
    long = " ".join(seed_paragraphs(real_dir, SEEDS[0], latin1=True)[1:])
    pdf = numbered_pdf([long] * 3, gap=4, title=None)
    assert pdf.page_no() >= 2
    pdf.output(str(tmp_path / "long.pdf"))
    assert load_corpus(tmp_path / "long.pdf").loc[0, schema.TEXT].split("\n\n") == [long] * 3


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        (
            "Dijon : la commission Sécurité et prévention",
            "Dijon : la commission Sécurité et prévention",
        ),
        ("Microsoft Word - note-dijon.docx", "first"),
        ("Document1", "first"),
        (None, "first"),
    ],
)
def test_pdf_title_is_its_metadata_or_its_first_lines(
    tmp_path: Path, real_dir: Path, metadata: str | None, expected: str
) -> None:
    paragraphs = seed_paragraphs(real_dir, SEEDS[0], latin1=True)
    numbered_pdf(paragraphs, gap=4, title=metadata).output(str(tmp_path / "note.pdf"))
    title = load_corpus(tmp_path / "note.pdf").loc[0, schema.TITLE]
    assert title == (paragraphs[0] if expected == "first" else expected)


def test_pdf_words_cut_at_a_line_end_are_joined(tmp_path: Path) -> None:
    lines = [
        "Les élus veulent renforcer les actions de préven-",
        "tion de la délinquance, co-",
        "présidées par la commune et l'État, avec Creusot-",
        "Montceau ; peut-",
        "être aussi avec les bailleurs.",
    ]
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "\n".join(lines))
    pdf.output(str(tmp_path / "note.pdf"))
    assert load_corpus(tmp_path / "note.pdf").loc[0, schema.TEXT] == (
        "Les élus veulent renforcer les actions de prévention de la délinquance, co-présidées "
        "par la commune et l'État, avec Creusot-Montceau ; peut-être aussi avec les bailleurs."
    )
