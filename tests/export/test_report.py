"""Report exports: files written, re-read with their own libraries, safe and reproducible."""

from __future__ import annotations

import io
import multiprocessing
import os
import zipfile
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest
from factories import SCRIPT_TAG, SPREADSHEET_FORMULA, fiche_report

from analysis import schema
from analysis.config import ExportConfig
from analysis.export import ExportError, ReportInput, workbook, write_report


@pytest.fixture(scope="module")
def inputs() -> ReportInput:
    return fiche_report(title_prefix=SCRIPT_TAG + " ")


@pytest.fixture(scope="module")
def written(inputs, tmp_path_factory) -> dict[str, Path]:
    return write_report(tmp_path_factory.mktemp("report"), inputs)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.data: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        self.sources += [v for k, v in attrs if k in ("src", "href")]

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def test_every_report_is_written(written) -> None:
    expected = {
        "segments.csv",
        "themes.csv",
        "documents.csv",
        "fiches.csv",
        "fiches-sources.csv",
        "recurrence.csv",
        "obstacles.csv",
        "specificities.csv",
        "fiches.docx",
        "fiches.xlsx",
        "report.html",
        "figures/freins-par-ville.png",
        "fiches/01-polices-municipales.md",
        "fiches/02-mediation-sociale.md",
        "fiches/03-travail-d-interet-general.md",
    }
    assert set(written) == expected
    assert all(path.is_file() and path.stat().st_size > 0 for path in written.values())
    folder = written["segments.csv"].parent
    assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_segments_csv_has_one_row_per_segment_with_text_and_lemmas(inputs, written) -> None:
    table = pd.read_csv(written["segments.csv"], keep_default_na=False)
    assert list(table.columns[:5]) == [
        schema.DOC_ID,
        schema.SEGMENT_ID,
        schema.THEME_ID,
        schema.THEME_LABEL,
        schema.FUNCTION,
    ]
    assert list(table.columns[-2:]) == [schema.TEXT, schema.LEMMAS]
    assert schema.DOC_TYPE in table.columns  # document metadata joined
    assert len(table) == len(inputs.segments)
    given = inputs.segments
    texts = dict(zip(given[schema.SEGMENT_ID], given[schema.TEXT], strict=True))
    for segment_id, text in zip(table[schema.SEGMENT_ID], table[schema.TEXT], strict=True):
        expected = texts[segment_id]
        if expected.startswith(("=", "+", "-", "@", "\t", "\r")):
            expected = "'" + expected  # "=HYPERLINK(...)": a spreadsheet would run it
        assert text == expected  # exact text otherwise


def test_markdown_fiche_is_the_paste_ready_french_text(written) -> None:
    text = written["fiches/01-polices-municipales.md"].read_text(encoding="utf-8")
    assert text.startswith("# Polices municipales\n")
    assert "Cité dans 5 concertations sur 5, 5 villes" in text
    assert "\\<script\\>" in text and "<script>" not in text


def test_word_document_has_headings_and_tables(inputs, written) -> None:
    document = docx.Document(written["fiches.docx"])
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Thèmes",
        "Polices municipales",
        "Médiation sociale",
        "Travail d'intérêt général",
    ]
    first_row = [c.text for c in document.tables[0].rows[0].cells]
    assert first_row[:3] == ["Thème (n°)", "Thème", "Mots-clés"]
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert any(inputs.fiches[0].quotes[0].text in q for q in quotes)
    assert document.core_properties.created.year == 2024


def test_excel_workbook_is_safe(written) -> None:
    workbook = openpyxl.load_workbook(written["fiches.xlsx"])
    names = workbook.sheetnames
    assert names[:5] == ["fiches", "thèmes", "segments", "récurrences", "spécificités"]
    assert all(len(n) <= 31 for n in names)
    segments = workbook["segments"]
    header = [c.value for c in segments[1]]
    assert {"Segment", "Thème", "Fonction", "Texte"} <= set(header)
    assert "Lemmes" not in header  # for reading: lemmas and offsets stay in segments.csv
    assert "lemmas" in pd.read_csv(written["segments.csv"]).columns
    text_column = header.index("Texte") + 1
    cells = [segments.cell(row=r, column=text_column) for r in range(2, segments.max_row + 1)]
    formula_cells = [c for c in cells if str(c.value).startswith("=")]
    assert len(formula_cells) == 1
    assert formula_cells[0].data_type == "s"  # a text, never a formula
    assert (
        formula_cells[0].value == SPREADSHEET_FORMULA
    )  # the bell character (illegal in XML) is gone
    with zipfile.ZipFile(written["fiches.xlsx"]) as archive:
        sheet_xml = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets")
        )
    assert "<f>" not in sheet_xml


def test_html_report_is_self_contained_and_escaped(written) -> None:
    page = written["report.html"].read_text(encoding="utf-8")
    parser = _Page()
    parser.feed(page)
    assert "script" not in parser.tags
    text = "".join(parser.data)
    assert SCRIPT_TAG in text  # shown as text, in a quote's source and in the obstacles table
    assert "Cité dans 5 concertations sur 5, 5 villes" in text
    assert "Freins par ville" in text  # the figure's caption
    assert parser.tags.count("img") == 1
    assert "Freins récurrents (" in text and parser.tags.count("details") >= 2  # tables folded
    assert parser.sources
    assert all(s.startswith(("data:image/png;base64,", "#")) for s in parser.sources)
    assert '<html lang="fr">' in page and "Content-Security-Policy" in page


def test_the_html_page_says_oui_and_non_not_true_and_false(tmp_path) -> None:
    choice = pd.DataFrame({"k": [4, 5], "score": [0.4, 0.9], "chosen": [False, True]})
    report = fiche_report()
    config = ExportConfig(formats=("html",), protect_names=False)
    tables = {**report.tables, "theme_diagnostics": choice}
    written = write_report(tmp_path, replace(report, tables=tables, config=config))
    parser = _Page()
    parser.feed(written["report.html"].read_text(encoding="utf-8"))
    cells = [d.strip() for d in parser.data]
    assert "k retenu" in cells and cells.count("oui") == 1 and cells.count("non") >= 1
    assert "True" not in cells and "False" not in cells


def test_same_inputs_give_byte_identical_files(tmp_path) -> None:
    first = write_report(tmp_path / "a", fiche_report())
    report = fiche_report()
    shuffled = replace(
        report,
        segments=report.segments.sample(frac=1.0, random_state=5),
        documents=report.documents.iloc[::-1],
    )
    second = write_report(tmp_path / "b", shuffled)
    assert set(first) == set(second)
    different = [k for k in first if first[k].read_bytes() != second[k].read_bytes()]
    assert different == []


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform"
)
def test_the_workbook_rendered_in_another_process_is_the_same(tmp_path, monkeypatch) -> None:
    here = write_report(tmp_path / "here", fiche_report())
    where = tmp_path / "rendered-in.txt"
    original = workbook.workbook_bytes

    def recorded(*args, **kwargs):
        where.write_text(str(os.getpid()))
        return original(*args, **kwargs)

    monkeypatch.setattr(workbook, "workbook_bytes", recorded)
    beside = write_report(tmp_path / "beside", fiche_report(), parallel=True)
    assert int(where.read_text()) != os.getpid()
    assert set(beside) == set(here)
    assert all(beside[k].read_bytes() == here[k].read_bytes() for k in here)


def test_interrupted_report_leaves_no_half_written_file(tmp_path, monkeypatch) -> None:
    old_inputs, new_inputs = fiche_report(), fiche_report(title_prefix="Nouveau titre : ")
    complete = write_report(tmp_path / "complete", new_inputs)
    out = tmp_path / "out"
    write_report(out, old_inputs)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    calls = {"n": 0}
    real_replace = os.replace

    def replace_then_fail(source, destination):
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace_then_fail)
    with pytest.raises(KeyboardInterrupt):
        write_report(out, new_inputs)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert set(after) == set(before)  # no temporary file left behind
    new = {Path(k): complete[k].read_bytes() for k in complete}
    assert all(data in (before[name], new[name]) for name, data in after.items())
    assert any(after[n] == new[n] != before[n] for n in after)  # replaced whole...
    assert any(after[n] == before[n] != new[n] for n in after)  # ... or not touched yet


def test_a_report_without_fiches_tables_or_figures(tmp_path) -> None:
    inputs = replace(fiche_report(), fiches=[], tables={}, figures={})
    written = write_report(tmp_path, inputs)
    assert "report.html" in written and not any(k.startswith("fiches/") for k in written)
    assert openpyxl.load_workbook(written["fiches.xlsx"]).sheetnames[:5] == [
        "fiches",
        "thèmes",
        "segments",
        "récurrences",
        "spécificités",
    ]


def test_stale_fiches_of_an_earlier_run_are_removed(tmp_path) -> None:
    inputs = fiche_report()
    write_report(tmp_path, inputs)
    written = write_report(tmp_path, replace(inputs, fiches=inputs.fiches[:2]))
    on_disk = sorted(p.name for p in (tmp_path / "fiches").iterdir())
    assert on_disk == sorted(Path(k).name for k in written if k.startswith("fiches/"))
    assert len(on_disk) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"config": ExportConfig(formats=("md", "pdf"), protect_names=False)}, "pdf"),
        ({"figures": {"carte": "pas une figure"}}, "Figure de matplotlib"),
        ({"tables": {"recurrence": [1, 2]}}, "pas un DataFrame"),
    ],
)
def test_bad_inputs_are_clear_errors(tmp_path, change, message) -> None:
    with pytest.raises(ExportError, match=message):
        write_report(tmp_path, replace(fiche_report(), **change))


def test_output_path_that_is_a_file_is_an_error(tmp_path) -> None:
    target = tmp_path / "rapport"
    target.write_text("", encoding="utf-8")
    with pytest.raises(ExportError, match="est un fichier"):
        write_report(target, fiche_report())


def test_only_the_chosen_formats_are_written(tmp_path) -> None:
    config = ExportConfig(formats=("md",), protect_names=False)
    written = write_report(tmp_path, replace(fiche_report(), config=config))
    assert {k for k in written if "/" not in k} == {"segments.csv", "themes.csv"}
    assert any(k.startswith("fiches/") for k in written)


def test_png_figures_carry_no_software_stamp(written) -> None:
    data = written["figures/freins-par-ville.png"].read_bytes()
    assert data.startswith(b"\x89PNG") and b"matplotlib" not in data


def test_docx_and_xlsx_zip_entries_have_a_fixed_date(written) -> None:
    for name in ("fiches.docx", "fiches.xlsx"):
        with zipfile.ZipFile(io.BytesIO(written[name].read_bytes())) as archive:
            assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_fiche_share_header_says_of_what(written) -> None:
    workbook = openpyxl.load_workbook(written["fiches.xlsx"])
    headers = [c.value for c in next(workbook["fiches"].iter_rows())]
    assert "Part des segments classés" in headers


def test_sources_sheet_lists_the_counted_segments(inputs, written) -> None:
    workbook = openpyxl.load_workbook(written["fiches.xlsx"])
    rows = list(workbook["sources des fiches"].iter_rows(min_row=2, values_only=True))
    volume = [r for r in rows if r[1] == "volume"]
    assert len(volume) == sum(f.n_segments for f in inputs.fiches)
    assert {r[3] for r in volume} <= set(inputs.segments[schema.SEGMENT_ID])
