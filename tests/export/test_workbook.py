"""The Excel workbook: safe sheet names, what its sheets keep."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import schema
from analysis.export import sheet_name
from analysis.export.workbook import report_sheets


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


def test_the_word_specificities_sheet_keeps_the_significant_words() -> None:
    words = pd.DataFrame(
        {
            schema.PART: ["Dijon", "Dijon", "Nîmes", "Nîmes"],
            schema.FORM: ["vidéoprotection", "commune", "médiateur", "ville"],
            schema.SPECIFICITY: [6.2, 0.4, 4.8, -0.3],
            schema.SIGNIFICANT: [True, False, True, False],
        }
    )
    sheets = dict(
        report_sheets(
            [],
            pd.DataFrame(),
            pd.DataFrame(),
            pd.DataFrame(),
            {"word_specificities": words, "specificities": words},
            None,
        )
    )
    assert sheets["spécificités des mots"].iloc[:, 1].tolist() == ["vidéoprotection", "médiateur"]
    assert len(sheets["spécificités"]) == 4  # the themes' specificities keep every row


def test_sheets_and_their_coded_columns_read_in_french() -> None:
    """A commission secretary opens the workbook: no sheet named "obstacles", no column
    "recurrence_unit" holding "doc_id", no theme log saying "kept"."""
    groups = pd.DataFrame({schema.LABEL: ["Taxer le kérosène"], schema.RECURRENCE_UNIT: ["doc_id"]})
    log = pd.DataFrame(
        {schema.ACTION: ["kept"], schema.THEME_ID: [2], schema.DETAIL: ["reprend le thème 2"]}
    )
    afc = pd.DataFrame({"variable": ["city"]})
    tables = {"obstacles": groups, "theme_log": log, "afc_period": afc, "afc_atelier": afc}
    sheets = dict(report_sheets([], pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), tables, None))
    assert list(sheets)[3:] == [
        "récurrences",
        "spécificités",
        "freins",
        "journal des thèmes",
        "AFC période",
        "AFC atelier",
        "sources des fiches",
        "documents",
    ]
    assert sheets["freins"].to_dict("records") == [
        {"Libellé": "Taxer le kérosène", "Récurrence comptée sur": "contributions"}
    ]
    assert sheets["journal des thèmes"].iloc[0].tolist() == [
        "identifiant conservé",
        2,
        "reprend le thème 2",
    ]
    assert list(sheets["journal des thèmes"].columns) == ["Action", "Thème (n°)", "Détail"]
