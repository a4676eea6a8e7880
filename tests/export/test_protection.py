"""Names protection applied to every export."""

from __future__ import annotations

from dataclasses import replace

import docx
import openpyxl
import pandas as pd
import pytest
from factories import FICHE_THEMES, fiche_report

from analysis import schema
from analysis.config import ExportConfig
from analysis.export import ReportInput, write_report
from analysis.export.protection import Protection, names_protection, protect_table
from analysis.privacy import ner as privacy_ner
from analysis.summaries import build_fiches


def _named_report() -> ReportInput:
    report = fiche_report()
    segments = report.segments
    first = segments.index[segments[schema.THEME_ID] == 0][0]
    segments.loc[first, schema.TEXT] = (
        "M. Jean Dupuis, adjoint au maire de Nîmes, rappelle que les communes se livrent une "
        "concurrence sévère pour recruter des policiers municipaux formés."
    )
    fiches = build_fiches(segments, FICHE_THEMES, documents=report.documents)
    return replace(report, fiches=fiches)


@pytest.mark.parametrize("protect", [True, False])
def test_names_are_protected_in_every_export(tmp_path, french_nlp, protect) -> None:
    config = ExportConfig(protect_names=protect)
    written = write_report(tmp_path, replace(_named_report(), config=config), nlp=french_nlp)
    segments = pd.read_csv(written["segments.csv"], keep_default_na=False)
    texts = " ".join(segments[schema.TEXT])
    workbook = openpyxl.load_workbook(written["fiches.xlsx"])
    cells = " ".join(
        str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value
    )
    document = docx.Document(written["fiches.docx"])
    paragraphs = " ".join(p.text for p in document.paragraphs)
    page = written["report.html"].read_text(encoding="utf-8")
    everything = " ".join([texts, cells, paragraphs, page])
    if protect:
        assert "M. [personne], adjoint au maire de Nîmes" in texts
        assert "Dupuis" not in everything and "dupuis" not in everything
        report = pd.read_csv(written["protection-noms.csv"], keep_default_na=False)
        assert list(report.columns) == ["item", "doc_id", "field", "rule", "context"]
        assert "[personne]" in report["context"].iloc[0]
        assert "remplacés par « [personne] »" in page
        n_names = len(report)
        assert f"({n_names} remplacement{'s' if n_names > 1 else ''} ;" in page
    else:
        assert "M. Jean Dupuis" in texts and "protection-noms.csv" not in written
        assert "Protection des noms désactivée" in page


def _macron_protection(
    decidim_export, french_nlp, *, line_break: bool = False
) -> tuple[str, Protection]:
    """A real Decidim paragraph naming a person, protected as a segment of the corpus (its
    first line broken after the comma, as a platform's text may be)."""
    body = decidim_export.loc[decidim_export["body"].str.contains("Macron", na=False), "body"]
    text = " ".join(body.iloc[0].split("\r\n")[1].split(". ")[0].split()) + "."
    if line_break:
        text = text.replace("2017, ", "2017,\n", 1)
    segments = pd.DataFrame(
        {schema.DOC_ID: ["d1"], schema.SEGMENT_ID: ["d1-s1"], schema.TEXT: [text]}
    )
    documents = pd.DataFrame({schema.DOC_ID: ["d1"], schema.TEXT: [text]})
    protection = names_protection(segments, documents, ExportConfig(), french_nlp, None)
    protection.frame(segments)
    return text, protection


def test_a_group_quote_is_protected_as_its_segment_and_keeps_where_it_was_said(
    decidim_export, french_nlp
) -> None:
    text, protection = _macron_protection(decidim_export, french_nlp)
    protected_text = protection.text(text)
    assert "Emmanuel Macron" in text and "[personne]" in protected_text
    quotes = [f"« {text} » (Saint-Martin-d'Hères, 6 janvier 2017)", f"« {text} »", text]
    groups = pd.DataFrame({schema.LABEL: ["Santé"], schema.QUOTES: [quotes]})
    [protected] = protect_table(groups, protection)[schema.QUOTES]
    assert protected == [
        f"« {protected_text} » (Saint-Martin-d'Hères, 6 janvier 2017)",  # the city as it is
        f"« {protected_text} »",
        protected_text,  # not a quote's shape: protected as a whole
    ]


def test_a_quote_of_a_segment_written_on_two_lines_is_not_read_again(
    decidim_export, french_nlp, monkeypatch
) -> None:
    text, protection = _macron_protection(decidim_export, french_nlp, line_break=True)
    one_line = " ".join(text.split())
    assert "\n" in text and one_line != text  # the quote shows the segment on one line
    parsed: list[str] = []
    original = privacy_ner._parse

    def recorded(texts, nlp, batch_size):
        parsed.extend(texts)
        return original(texts, nlp, batch_size)

    monkeypatch.setattr(privacy_ner, "_parse", recorded)
    groups = pd.DataFrame({schema.QUOTES: [[f"« {one_line} » (Lille, 6 janvier 2017)"]]})
    [[protected]] = protect_table(groups, protection)[schema.QUOTES]
    assert protected == f"« {' '.join(protection.text(text).split())} » (Lille, 6 janvier 2017)"
    assert "[personne]" in protected and "Macron" not in protected
    assert not parsed  # its names are the segment's: spaCy read nothing again
