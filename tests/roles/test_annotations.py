"""Tests of analysis.roles.annotations: labelled files read, normalised and joined."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from factories import write_ods

from analysis import schema
from analysis.roles import (
    FunctionLabelError,
    UnknownFunctionWarning,
    UnlabelledSegmentsWarning,
    join_labels,
    load_labelled_file,
    normalise_function_label,
)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Frein", "frein"),
        ("Bonnes_pratiques", "bonne pratique"),
        ("bonne-pratique", "bonne pratique"),
        ("PROPOSITIONS", "proposition"),
        ("Demandes", "demande"),
        ("question", None),
        ("", None),
        (float("nan"), None),
    ],
)
def test_normalise_function_label(label: object, expected: str | None) -> None:
    assert normalise_function_label(label) == expected


def test_load_labelled_file_sets_unknown_labels_aside(tmp_path: Path) -> None:
    path = tmp_path / "mes_labels.csv"
    path.write_text(
        "doc_id,paragraph,function\n"
        "doc,0,Proposition\ndoc,1,Freins\ndoc,2,question\ndoc,3,\ndoc,4,bonnes pratiques\n",
        encoding="utf-8",
    )
    with pytest.warns(UnknownFunctionWarning, match=r"2 ligne\(s\).*'question' x1") as caught:
        table = load_labelled_file(path)
    message = str(caught[0].message)
    assert "mes_labels.csv" in message
    assert "colonne « function », ligne(s) 4, 5" in message  # lines of the file, header is 1
    assert table[schema.GOLD_FUNCTION].tolist() == ["proposition", "frein", "bonne pratique"]
    assert table[schema.PARAGRAPH].tolist() == [0, 1, 4]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("doc_id,paragraph,label\ndoc,0,frein\n", "pas de colonne « function »"),
        ("doc_id,function\ndoc,frein\n", "« doc_id » et « paragraph »"),
        ("doc_id,paragraph,function\ndoc,0,question\n", "aucune ligne ne porte"),
        (
            "doc_id,paragraph,function\ndoc,0,frein\ndoc,un,frein\n",
            "ligne 3, colonne « paragraph » : 'un'",
        ),
    ],
)
def test_load_labelled_file_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FunctionLabelError, match=message), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_labelled_file(path)


def test_a_labelled_file_is_read_as_the_corpus_tables_are(tmp_path: Path) -> None:
    """Any encoding and the corpus's table formats: an analyst's Excel or LibreOffice
    corrections (the paragraph a number cell), a CSV saved by a French spreadsheet in cp1252
    with ";" between fields."""
    rows = {"doc_id": ["n-1", "n-1"], "paragraph": ["0", "2"], "function": ["Difficulté", "Frein"]}
    pd.DataFrame(rows).to_excel(tmp_path / "corrections.xlsx", index=False)
    table = [list(rows), *zip(*rows.values(), strict=True)]
    write_ods(tmp_path / "corrections.ods", {"Feuille1": table}, numbers=("paragraph",))
    (tmp_path / "corrections.csv").write_bytes(
        "doc_id;paragraph;function\nn-1;0;difficulté\nn-1;2;frein\n".encode("cp1252")
    )
    for name in ("corrections.xlsx", "corrections.ods", "corrections.csv"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the cp1252 fallback is said to the user
            table = load_labelled_file(tmp_path / name)
        assert table[schema.DOC_ID].tolist() == ["n-1", "n-1"], name
        assert table[schema.PARAGRAPH].tolist() == [0, 2], name
        assert table[schema.GOLD_FUNCTION].tolist() == ["frein", "frein"], name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("labels.csv", 'doc_id,paragraph,function\ndoc,0,"frein\n', r"labels\.csv : illisible"),
        (
            "labels.numbers",
            "doc_id,paragraph,function\n",
            r"labels\.numbers : format non lu \(\.numbers\)",
        ),
        ("labels.csv", " \n", r"labels\.csv : fichier vide"),
    ],
)
def test_an_unreadable_labelled_file_is_named(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FunctionLabelError, match=message):
        load_labelled_file(path)


def test_load_labelled_file_missing(tmp_path: Path) -> None:
    with pytest.raises(FunctionLabelError, match="introuvable"):
        load_labelled_file(tmp_path / "absent.csv")


def test_join_labels_warns_about_labels_matching_no_segment(labelled: pd.DataFrame) -> None:
    labels = pd.DataFrame({schema.DOC_ID: ["doc", "autre-doc"], schema.PARAGRAPH: [0, 3],
                           schema.GOLD_FUNCTION: ["proposition", "frein"]})  # fmt: skip
    with pytest.warns(UnlabelledSegmentsWarning, match="doc_id autre-doc paragraph 3"):
        joined = join_labels(labelled, labels)
    assert joined[schema.SEGMENT_ID].tolist() == ["doc#p000s00"]
