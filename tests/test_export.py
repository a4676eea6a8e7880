"""Report exports: files written, re-read with their own libraries, safe and reproducible."""

from __future__ import annotations

import io
import multiprocessing
import os
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import matplotlib
import openpyxl
import pandas as pd
import pytest
from test_summaries import THEMES, french_corpus

from analysis import export, schema
from analysis.config import ExportConfig
from analysis.export import (
    ExportError,
    atomic_write,
    fiche_file_names,
    sheet_name,
    slugify,
    write_report,
)
from analysis.summaries import build_fiches

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SCRIPT = "<script>alert('piège')</script>"
FORMULA = '=HYPERLINK("http://example.org";"cliquez")'
NO_NAMES = ExportConfig(protect_names=False)


def _inputs(*, title_prefix: str = "") -> dict:
    documents, segments, groups = french_corpus()
    documents[schema.TITLE] = title_prefix + documents[schema.TITLE]
    segments[schema.THEME_LABEL] = segments[schema.THEME_ID].map(
        dict(zip(THEMES[schema.THEME_ID], THEMES[schema.LABEL], strict=True))
    )
    extra = segments.iloc[[4]].copy()  # a "hors thème" line a participant typed in a form
    extra[schema.SEGMENT_ID] = "C01-nimes-2021-synthese#p099s00"
    extra[schema.TEXT] = FORMULA + "\x07"
    segments = pd.concat([segments, extra], ignore_index=True)
    fiches = build_fiches(segments, THEMES, documents=documents, groups=groups)
    recurrence = pd.DataFrame(
        {schema.THEME_ID: [0, 1], schema.FUNCTION: ["frein", "frein"], "n_concertations": [4, 2]}
    )
    obstacles = groups[groups[schema.FUNCTION] == "frein"].assign(label=SCRIPT)
    specificities = pd.DataFrame({"part": ["Nîmes"], "form": ["armement"], "specificity": [2.5]})
    figure, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["Nîmes", "Rennes"], [3, 2])
    ax.set_title("Freins par ville")
    return {
        "documents": documents,
        "segments": segments,
        "themes": THEMES,
        "fiches": fiches,
        "tables": {
            "recurrence": recurrence,
            "obstacles": obstacles,
            "specificities": specificities,
        },
        "figures": {"Freins par ville": figure},
    }


@pytest.fixture(scope="module")
def inputs() -> dict:
    return _inputs(title_prefix=SCRIPT + " ")


@pytest.fixture(scope="module")
def written(inputs, tmp_path_factory) -> dict[str, Path]:
    return write_report(tmp_path_factory.mktemp("report"), **inputs, config=NO_NAMES)


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
    assert len(table) == len(inputs["segments"])
    given = inputs["segments"]
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
    assert any(inputs["fiches"][0].quotes[0].text in q for q in quotes)
    assert document.core_properties.created.year == 2024


def test_excel_workbook_is_safe(written) -> None:
    workbook = openpyxl.load_workbook(written["fiches.xlsx"])
    names = workbook.sheetnames
    assert names[:5] == ["fiches", "themes", "segments", "recurrences", "specificities"]
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
    assert formula_cells[0].value == FORMULA  # the bell character (illegal in XML) is gone
    with zipfile.ZipFile(written["fiches.xlsx"]) as archive:
        sheet_xml = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets")
        )
    assert "<f>" not in sheet_xml


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


def test_html_report_is_self_contained_and_escaped(written) -> None:
    page = written["report.html"].read_text(encoding="utf-8")
    parser = _Page()
    parser.feed(page)
    assert "script" not in parser.tags
    text = "".join(parser.data)
    assert SCRIPT in text  # shown as text, in a quote's source and in the obstacles table
    assert "Cité dans 5 concertations sur 5, 5 villes" in text
    assert "Freins par ville" in text  # the figure's caption
    assert parser.tags.count("img") == 1
    assert "Freins récurrents (" in text and parser.tags.count("details") >= 2  # tables folded
    assert parser.sources
    assert all(s.startswith(("data:image/png;base64,", "#")) for s in parser.sources)
    assert '<html lang="fr">' in page and "Content-Security-Policy" in page


def test_same_inputs_give_byte_identical_files(tmp_path) -> None:
    first = write_report(tmp_path / "a", **_inputs(), config=NO_NAMES)
    shuffled = _inputs()
    shuffled["segments"] = shuffled["segments"].sample(frac=1.0, random_state=5)
    shuffled["documents"] = shuffled["documents"].iloc[::-1]
    second = write_report(tmp_path / "b", **shuffled, config=NO_NAMES)
    assert set(first) == set(second)
    different = [k for k in first if first[k].read_bytes() != second[k].read_bytes()]
    assert different == []


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform"
)
def test_the_workbook_rendered_in_another_process_is_the_same(tmp_path, monkeypatch) -> None:
    here = write_report(tmp_path / "here", **_inputs(), config=NO_NAMES)
    where = tmp_path / "rendered-in.txt"
    original = export.workbook_bytes

    def recorded(*args, **kwargs):
        where.write_text(str(os.getpid()))
        return original(*args, **kwargs)

    monkeypatch.setattr(export, "workbook_bytes", recorded)
    beside = write_report(tmp_path / "beside", **_inputs(), config=NO_NAMES, parallel=True)
    assert int(where.read_text()) != os.getpid()
    assert set(beside) == set(here)
    assert all(beside[k].read_bytes() == here[k].read_bytes() for k in here)


def test_interrupted_write_leaves_the_old_file_whole(tmp_path, monkeypatch) -> None:
    target = tmp_path / "report.html"
    target.write_text("ancienne version", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(export.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"nouvelle version")
    assert target.read_text(encoding="utf-8") == "ancienne version"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_interrupted_report_leaves_no_half_written_file(tmp_path, monkeypatch) -> None:
    old_inputs, new_inputs = _inputs(), _inputs(title_prefix="Nouveau titre : ")
    complete = write_report(tmp_path / "complete", **new_inputs, config=NO_NAMES)
    out = tmp_path / "out"
    write_report(out, **old_inputs, config=NO_NAMES)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    calls = {"n": 0}
    real_replace = os.replace

    def replace_then_fail(source, destination):
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt
        real_replace(source, destination)

    monkeypatch.setattr(export.os, "replace", replace_then_fail)
    with pytest.raises(KeyboardInterrupt):
        write_report(out, **new_inputs, config=NO_NAMES)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert set(after) == set(before)  # no temporary file left behind
    new = {Path(k): complete[k].read_bytes() for k in complete}
    assert all(data in (before[name], new[name]) for name, data in after.items())
    assert any(after[n] == new[n] != before[n] for n in after)  # replaced whole...
    assert any(after[n] == before[n] != new[n] for n in after)  # ... or not touched yet


def test_a_report_without_fiches_tables_or_figures(tmp_path) -> None:
    inputs = {**_inputs(), "fiches": [], "tables": {}, "figures": {}}
    written = write_report(tmp_path, **inputs, config=NO_NAMES)
    assert "report.html" in written and not any(k.startswith("fiches/") for k in written)
    assert openpyxl.load_workbook(written["fiches.xlsx"]).sheetnames[:5] == [
        "fiches",
        "themes",
        "segments",
        "recurrences",
        "specificities",
    ]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Polices municipales", "polices-municipales"),
        ("Vidéoprotection / CSU : « coûts » ?", "videoprotection-csu-couts"),
        ("../../etc/passwd", "etc-passwd"),
        ("CON", "con"),
        ("!!!", "sans-titre"),
        ("Très " * 30, "tres-tres-tres-tres-tres-tres-tres-tres-tres-tres-tres-tres"),
    ],
)
def test_slugify(title, slug) -> None:
    assert slugify(title) == slug


def test_fiche_file_names_are_numbered_and_safe(inputs) -> None:
    fiche = inputs["fiches"][0]
    renamed = [fiche.__class__(**{**fiche.__dict__, "label": "<b>Sécurité</b> : nuit/jour"})]
    assert fiche_file_names(renamed) == ["01-b-securite-b-nuit-jour.md"]


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("recurrences", [], "recurrences"),
        ("freins: [récurrents]?", [], "freins   récurrents"),
        ("x" * 40, [], "x" * 31),
        ("themes", ["themes"], "themes (2)"),
        ("y" * 40, ["y" * 31], "y" * 27 + " (2)"),
    ],
)
def test_sheet_names_are_excel_safe(name, taken, expected) -> None:
    assert sheet_name(name, taken) == expected


def test_stale_fiches_of_an_earlier_run_are_removed(tmp_path) -> None:
    inputs = _inputs()
    write_report(tmp_path, **inputs, config=NO_NAMES)
    inputs["fiches"] = inputs["fiches"][:2]
    written = write_report(tmp_path, **inputs, config=NO_NAMES)
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
    arguments = {**_inputs(), "config": NO_NAMES, **change}
    with pytest.raises(ExportError, match=message):
        write_report(tmp_path, **arguments)


def test_output_path_that_is_a_file_is_an_error(tmp_path) -> None:
    target = tmp_path / "rapport"
    target.write_text("", encoding="utf-8")
    with pytest.raises(ExportError, match="est un fichier"):
        write_report(target, **_inputs(), config=NO_NAMES)


def test_only_the_chosen_formats_are_written(tmp_path) -> None:
    config = ExportConfig(formats=("md",), protect_names=False)
    written = write_report(tmp_path, **_inputs(), config=config)
    assert {k for k in written if "/" not in k} == {"segments.csv", "themes.csv"}
    assert any(k.startswith("fiches/") for k in written)


def _named_inputs() -> dict:
    inputs = _inputs()
    segments = inputs["segments"]
    first = segments.index[segments[schema.THEME_ID] == 0][0]
    segments.loc[first, schema.TEXT] = (
        "M. Jean Dupuis, adjoint au maire de Nîmes, rappelle que les communes se livrent une "
        "concurrence sévère pour recruter des policiers municipaux formés."
    )
    inputs["fiches"] = build_fiches(segments, THEMES, documents=inputs["documents"])
    return inputs


@pytest.mark.parametrize("protect", [True, False])
def test_names_are_protected_in_every_export(tmp_path, french_nlp, protect) -> None:
    config = ExportConfig(protect_names=protect)
    written = write_report(tmp_path, **_named_inputs(), config=config, nlp=french_nlp)
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


def test_png_figures_carry_no_software_stamp(written) -> None:
    data = written["figures/freins-par-ville.png"].read_bytes()
    assert data.startswith(b"\x89PNG") and b"matplotlib" not in data


def test_docx_and_xlsx_zip_entries_have_a_fixed_date(written) -> None:
    for name in ("fiches.docx", "fiches.xlsx"):
        with zipfile.ZipFile(io.BytesIO(written[name].read_bytes())) as archive:
            assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(
    ("columns", "label", "headers"),
    [
        ([schema.THEME_ID, schema.LABEL], "Thème", ["Thème (n°)", "Thème"]),
        ([schema.THEME_LABEL, schema.LABEL], "Libellé", ["Thème", "Libellé"]),
        ([schema.THEME_LABEL, schema.LABEL], "Thème", ["Thème", "Thème (2)"]),
        (["status", "inconnue"], "Libellé", ["Statut", "inconnue"]),
    ],
)
def test_readable_tables_have_unique_french_headers(columns, label, headers) -> None:
    table = pd.DataFrame([["new"] * len(columns)], columns=columns)
    shown = export.readable(table, label=label)
    assert list(shown.columns) == headers
    if "status" in columns:
        assert shown["Statut"].iloc[0] == "nouveau"


def test_fiche_share_header_says_of_what(written) -> None:
    workbook = openpyxl.load_workbook(written["fiches.xlsx"])
    headers = [c.value for c in next(workbook["fiches"].iter_rows())]
    assert "Part des segments classés" in headers


def test_sources_sheet_lists_the_counted_segments(inputs, written) -> None:
    workbook = openpyxl.load_workbook(written["fiches.xlsx"])
    rows = list(workbook["sources des fiches"].iter_rows(min_row=2, values_only=True))
    volume = [r for r in rows if r[1] == "volume"]
    assert len(volume) == sum(f.n_segments for f in inputs["fiches"])
    assert {r[3] for r in volume} <= set(inputs["segments"][schema.SEGMENT_ID])


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),
        ("- Plus de médiateurs la nuit", "'- Plus de médiateurs la nuit"),
        ("@maire voir la délibération", "'@maire voir la délibération"),
        ("\tLes élus demandent un bilan.", "'\tLes élus demandent un bilan."),
        ("Les élus demandent un bilan = 3 réunions.", "Les élus demandent un bilan = 3 réunions."),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(text, written) -> None:
    table = pd.DataFrame(
        {
            schema.DOC_ID: ["row-0001", "row-0002"],
            schema.TEXT: [text, "Un texte sans danger."],
            "difference": [-5, 3],
            "share": [-0.25, 0.5],
        }
    )
    back = pd.read_csv(
        io.BytesIO(export._csv_bytes(table)), dtype={schema.TEXT: str}, keep_default_na=False
    )
    assert back[schema.TEXT].tolist() == [written, "Un texte sans danger."]
    assert back["difference"].tolist() == [-5, 3]  # numbers stay numbers
    assert back["share"].tolist() == [-0.25, 0.5]
    assert back[schema.DOC_ID].tolist() == ["row-0001", "row-0002"]


def test_documents_of_an_export_with_formulas_are_neutralised_in_csv(project_root) -> None:
    from analysis.corpus import CorpusWarning, load_corpus

    path = project_root / "tests" / "data" / "inputs" / "formules.csv"
    with pytest.warns(CorpusWarning):  # two rows repeated, no city nor date
        documents = load_corpus(path, text_column="body", id_column="id")
    back = pd.read_csv(io.BytesIO(export._csv_bytes(documents)), dtype=str, keep_default_na=False)
    assert back[schema.TEXT].str[:2].tolist() == ["Le", "'=", "'=", "'-", "'+"]
    assert back.loc[1, schema.TEXT] == '\'=HYPERLINK("http://x","click")'
    assert back.loc[2, schema.TEXT] == "'=cmd|' /C calc'!A0"
