"""The Excel writer: what Excel readers (openpyxl, pandas) read back from real exports."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest

from analysis.export import xlsx
from analysis.export.errors import ExportWarning
from analysis.export.workbook import workbook_bytes

STAMP = dt.datetime(2019, 3, 15)


@pytest.fixture(scope="module")
def proposals(decidim_export) -> pd.DataFrame:
    """The Lille Decidim export's texts as the workbook receives them: titles, bodies (with
    quotes, ampersands, line breaks), a number and a boolean per row."""
    table = decidim_export[["id", "title", "body"]].head(60).copy()
    # the export's Windows line ends, as the loader normalises them (XML reads "\r\n" as "\n")
    table["body"] = table["body"].str.replace("\r\n", "\n")
    table["id"] = table["id"].astype(int)
    table["long"] = table["body"].str.len() > 300
    table["share"] = table["body"].str.len() / table["body"].str.len().sum()
    return table


@pytest.fixture(scope="module")
def written(proposals) -> bytes:
    tricky = pd.DataFrame(
        {
            "Texte": [
                '=HYPERLINK("http://exemple.fr") & <b>gras</b>',
                "  Réduire la TVA  ",
                "",
                "Sécurité & prévention : « police municipale »",
            ],
            "Score": [0.5, None, 3, float("inf")],
        }
    )
    sheets = [("propositions", proposals), ("l'essentiel", tricky), ("vide", pd.DataFrame())]
    return workbook_bytes(sheets, stamp=STAMP, title="Concertation « Lille » & co")


def test_real_texts_numbers_and_booleans_read_back_unchanged(proposals, written) -> None:
    back = pd.read_excel(io.BytesIO(written), sheet_name="propositions")
    assert back["title"].tolist() == proposals["title"].tolist()
    assert back["body"].tolist() == proposals["body"].tolist()
    assert back["id"].tolist() == proposals["id"].tolist()
    assert back["long"].tolist() == proposals["long"].tolist()
    assert back["share"].tolist() == proposals["share"].tolist()  # floats to the last bit


def test_texts_stay_texts_with_their_spaces_and_empty_cells_stay_empty(written) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(written))["l'essentiel"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == '=HYPERLINK("http://exemple.fr") & <b>gras</b>'
    assert sheet["A2"].data_type == "s"  # a text, never a formula
    assert rows[1] == ("  Réduire la TVA  ", None)
    assert rows[2] == (None, 3)
    assert rows[3] == ("Sécurité & prévention : « police municipale »", "inf")
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        assert all(b"<f>" not in archive.read(n) for n in archive.namelist())


def test_header_is_bold_frozen_and_filtered_and_wide_columns_wrap(proposals, written) -> None:
    book = openpyxl.load_workbook(io.BytesIO(written))
    sheet = book["propositions"]
    assert [c.value for c in sheet[1]] == list(proposals.columns)
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:E{len(proposals) + 1}"
    assert sheet["C2"].alignment.wrap_text  # the bodies are longer than 60 characters
    assert not sheet["A2"].alignment.wrap_text
    assert sheet.column_dimensions["C"].width == 62
    assert sheet.column_dimensions["A"].width == 10  # at least 8 characters, and 2 more
    assert book.sheetnames == ["propositions", "l'essentiel", "vide"]
    assert book["vide"].max_row == 1 and book["vide"]["A1"].value is None
    assert book.properties.title == "Concertation « Lille » & co"
    assert book.properties.created == STAMP


def test_every_part_is_well_formed_xml_with_a_fixed_date(written) -> None:
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            ElementTree.fromstring(archive.read(info))  # raises on malformed XML
        workbook_xml = archive.read("xl/workbook.xml").decode()
    assert "'l''essentiel'!$A$1:$B$5" in workbook_xml  # the filter's range, quote doubled


def test_same_tables_give_the_same_bytes(proposals, written) -> None:
    again = workbook_bytes(
        [("propositions", proposals.copy()), ("l'essentiel", pd.DataFrame())],
        stamp=STAMP,
        title="t",
    )
    assert again == workbook_bytes(
        [("propositions", proposals.copy()), ("l'essentiel", pd.DataFrame())],
        stamp=STAMP,
        title="t",
    )


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ")])
def test_column_letters(index, letters) -> None:
    assert xlsx.column_letter(index) == letters


def test_a_table_longer_than_excel_allows_is_cut_with_a_warning(proposals, monkeypatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 11)  # Excel's 1,048,576 rows, header included
    with pytest.warns(ExportWarning, match="feuille « propositions » : 60 lignes") as caught:
        data = workbook_bytes([("propositions", proposals)], stamp=STAMP)
    assert "le fichier CSV les garde toutes" in str(caught[0].message)
    back = pd.read_excel(io.BytesIO(data))
    assert back["title"].tolist() == proposals["title"].head(10).tolist()
