"""The Excel workbook: safe sheet names."""

from __future__ import annotations

import pytest

from analysis.export import sheet_name


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
