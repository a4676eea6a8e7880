"""Table cells as reports show them: French headers, CSV cells a spreadsheet cannot run."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from analysis import schema
from analysis.export import readable
from analysis.export.tables import csv_bytes


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
    shown = readable(table, label=label)
    assert list(shown.columns) == headers
    if "status" in columns:
        assert shown["Statut"].iloc[0] == "nouveau"


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
        io.BytesIO(csv_bytes(table)), dtype={schema.TEXT: str}, keep_default_na=False
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
    back = pd.read_csv(io.BytesIO(csv_bytes(documents)), dtype=str, keep_default_na=False)
    assert back[schema.TEXT].str[:2].tolist() == ["Le", "'=", "'=", "'-", "'+"]
    assert back.loc[1, schema.TEXT] == '\'=HYPERLINK("http://x","click")'
    assert back.loc[2, schema.TEXT] == "'=cmd|' /C calc'!A0"
