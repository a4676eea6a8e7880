"""Tests of analysis.privacy.people: the people of an export's metadata get stable pseudonyms."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis import schema
from analysis.cli import main
from analysis.privacy.people import (
    PEOPLE_RULE,
    holds_people,
    named_for_people,
    people_columns,
    pseudonymise_people,
)

# Invented contributors, as a platform export lists its authors (the real export has none)
AUTHORS = [
    "Claire Vasseur",
    "Karim Belhadj",
    "VASSEUR Claire",  # the same person, written by another export
    "Sandrine Ponsard",
    "Hélène Lagache",
    "Karim Belhadj",
    "",
    "Helene Lagache",  # the same person, without the accent
]


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("author/name", True),
        ("user/nickname", True),
        ("Nom", True),
        ("nom_prenom", True),
        ("Auteur de la contribution", True),
        ("user/id", True),
        ("e-mail", True),
        ("category/name/fr", False),  # Decidim's category: a name, not a person's
        ("scope/name/fr", False),
        ("title", False),
        ("comments", False),
        ("votes", False),
    ],
)
def test_a_column_of_people_is_known_by_its_name(column: str, expected: bool) -> None:
    assert named_for_people(column) is expected


def test_a_column_of_people_is_known_by_its_content(decidim_export: pd.DataFrame) -> None:
    decidim = decidim_export
    names = pd.Series(["Claire Vasseur", "Karim Belhadj", "J. Dupuis", "Léa Thorel"], name="c7")
    assert holds_people(names)  # named nothing, holds names
    assert holds_people(pd.Series(["c.vasseur@example.org", "kbelhadj@example.fr"], name="x"))
    for column in ("category/name/fr", "title", "body", "created_at", "url"):
        assert not holds_people(decidim[column]), column
    # texts under a column name that says "people" are texts
    assert not holds_people(decidim["body"].rename("avis du participant"))


def test_the_workbook_columns_and_public_columns_are_never_people() -> None:
    documents = pd.DataFrame(
        {
            schema.DOC_ID: ["1", "2"],
            schema.TITLE: ["Claire Vasseur", "Karim Belhadj"],
            "author/name": ["Claire Vasseur", "Karim Belhadj"],
            "rapporteur": ["Sandrine Ponsard", "Hélène Lagache"],
            "commentaire": ["x", "y"],
        }
    )
    assert people_columns(documents) == ["author/name", "rapporteur"]
    assert people_columns(documents, public=["rapporteur"], add=["commentaire"]) == [
        "author/name",
        "commentaire",
    ]


def test_the_same_person_has_the_same_pseudonym_everywhere() -> None:
    documents = pd.DataFrame(
        {
            schema.DOC_ID: [f"d{i}" for i in (8, 2, 5, 1, 3, 7, 4, 6)],
            "author/name": AUTHORS,
            "relu par": ["Karim Belhadj"] * 8,
        }
    )
    people = pseudonymise_people(documents)
    assert people.columns == ("author/name", "relu par")
    by_doc = people.documents.set_index(schema.DOC_ID)["author/name"]
    # numbered in the order of doc_id: d1 (Sandrine Ponsard) is the first person met
    assert by_doc["d1"] == "contributeur 1"
    assert by_doc["d8"] == by_doc["d5"]  # Claire Vasseur and VASSEUR Claire
    assert by_doc["d4"] == "" and people.n_people == 4
    assert by_doc["d3"] == by_doc["d6"]  # Hélène Lagache with and without the accent
    assert set(people.documents["relu par"]) == {by_doc["d2"]}  # Karim Belhadj, both columns
    assert len(people.replaced) == 7 + 8
    assert set(people.replaced[schema.NAME_RULE]) == {PEOPLE_RULE}
    assert not people.documents.isin(AUTHORS[:6]).any().any()
    assert pseudonymise_people(documents).documents.equals(people.documents)  # every run


def _export_with_authors(real_dir: Path, folder: Path) -> Path:
    """Thirty rows of the real Decidim export, with the author columns other exports have."""
    table = pd.read_csv(real_dir / "lille-propositions-decidim.csv", sep=";", dtype=str).head(30)
    table["author/name"] = [AUTHORS[i % 6] for i in range(len(table))]
    table["contact"] = [f"contributeur{i % 6}@example.org" for i in range(len(table))]
    folder.mkdir()
    path = folder / "decidim-auteurs.csv"
    table.to_csv(path, sep=";", index=False)
    return path


@pytest.mark.parametrize("keep_names", [False, True])
def test_no_export_holds_the_authors_unless_names_are_kept(
    real_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], keep_names: bool
) -> None:
    export = _export_with_authors(real_dir, tmp_path / "corpus")
    out = tmp_path / "out"
    arguments = ["report", str(export), "--out", str(out), "--text-column", "body"]
    arguments += ["--id-column", "id", "--meta-columns", "author/name,contact,category/name/fr"]
    arguments += ["--keep-names"] if keep_names else []
    assert main(arguments) == 0
    stderr = capsys.readouterr().err
    files = {name: (out / name).read_bytes() for name in ("documents.csv", "segments.csv")}
    with zipfile.ZipFile(out / "fiches.xlsx") as workbook:  # the sheets' shared strings
        files["fiches.xlsx"] = b"".join(workbook.read(n) for n in workbook.namelist())
    for name, data in files.items():
        text = data.decode("utf-8")
        assert ("Karim Belhadj" in text) is keep_names, name
        assert ("@example.org" in text) is keep_names, name
        assert ("contributeur 1" in text) is not keep_names, name
        assert "Autre sujet" in text, name  # the category is no person
    if keep_names:
        assert not (out / "protection-noms.csv").exists() and "pseudonym" not in stderr
        return
    assert "note : 10 personne(s) des colonnes « author/name », « contact »" in stderr
    names = pd.read_csv(io.StringIO((out / "protection-noms.csv").read_text("utf-8")), dtype=str)
    rows = names[names[schema.NAME_RULE] == PEOPLE_RULE]
    assert len(rows) == 60 and set(rows[schema.NAME_FIELD]) == {"author/name", "contact"}
    documents = pd.read_csv(out / "documents.csv", dtype=str)
    assert documents["author/name"].nunique() == 4  # VASSEUR Claire is Claire Vasseur


def test_the_iramuteq_corpus_holds_pseudonyms(real_dir: Path, tmp_path: Path) -> None:
    export = _export_with_authors(real_dir, tmp_path / "corpus")
    output = tmp_path / "corpus.txt"
    arguments = ["iramuteq", str(export), str(output), "--text-column", "body"]
    arguments += ["--id-column", "id", "--meta-columns", "author/name"]
    assert main(arguments) == 0
    text = output.read_text(encoding="utf-8")
    assert "Karim" not in text and "*author-name_contributeur-2" in text
