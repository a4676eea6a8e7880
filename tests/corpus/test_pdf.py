"""Tests of analysis.corpus.pdf: the text layer of PDF files, rebuilt into paragraphs."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from factories import CONSTAT, SEEDS, load_quietly, make_pdf, numbered_pdf, seed_paragraphs

from analysis import schema
from analysis.corpus import CorpusWarning, load_corpus
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


def _headed_pdf(paragraphs: list[str], *, header: str, footer: str) -> Any:
    """A PDF whose pages carry a running header, and a footer with the page count, as a web
    page printed from a browser or a report does."""
    fpdf = pytest.importorskip("fpdf")

    class Headed(fpdf.FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, header)
            self.ln(14)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 10, footer.format(page=self.page_no()), align="C")

    pdf = Headed()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(4)
    return pdf


def test_running_headers_and_footers_are_left_out_and_named(tmp_path: Path, real_dir: Path) -> None:
    """A real article printed with a running header (its site and date) and a footer (its
    address and "page 2/3"): neither comes into the text, where it would make a theme of its
    own words; a warning names them. The article's paragraphs are all there."""
    paragraphs = seed_paragraphs(real_dir, SEEDS[0], latin1=True)
    header = "06/12/2026 09:41 France urbaine - Commission Securite et prevention"
    pdf = _headed_pdf(
        paragraphs * 2, header=header, footer="https://franceurbaine.org/dijon {page}/{{nb}}"
    )
    assert pdf.page_no() >= 2
    pdf.output(str(tmp_path / "article.pdf"))
    with pytest.warns(CorpusWarning, match="en-têtes ou pieds de page répétés") as caught:
        text = load_corpus(tmp_path / "article.pdf").loc[0, schema.TEXT]
    assert "France urbaine - Commission" not in text and "franceurbaine.org" not in text
    assert text.split("\n\n") == paragraphs * 2
    named = " ".join(str(w.message) for w in caught)
    assert header in named and "article.pdf" in named


def test_a_body_line_that_opens_pages_is_no_running_header(tmp_path: Path, real_dir: Path) -> None:
    """The same paragraph on every page puts the same lines at the top of several pages, but
    they run on into the body (no gap): they stay, and nothing is said."""
    paragraphs = seed_paragraphs(real_dir, SEEDS[0], latin1=True)
    pdf = numbered_pdf(paragraphs * 3, gap=4, title=None)
    pdf.output(str(tmp_path / "article.pdf"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CorpusWarning)
        text = load_corpus(tmp_path / "article.pdf").loc[0, schema.TEXT]
    assert text.split("\n\n") == paragraphs * 3
    assert not [w for w in caught if "pieds de page" in str(w.message)]
