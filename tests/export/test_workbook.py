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
    assert sheets["word_specificities"].iloc[:, 1].tolist() == ["vidéoprotection", "médiateur"]
    assert len(sheets["specificities"]) == 4  # the themes' specificities keep every row
