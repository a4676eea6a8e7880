"""Tests of analysis.corpus.annotations: the gold labels of the sample corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import write_file

from analysis import schema
from analysis.corpus import CorpusError, load_annotations

ANNOTATIONS = (
    "doc_id,paragraph,theme,function,canonical,text_start\n"
    "dijon-2023-article,1,polices_municipales,frein,F01,Les communes voisines\n"
    "dijon-2023-article,0,hors_theme,autre,,Sixième étape du cycle\n"
    'dijon-2023-article,2,polices_municipales,bonne pratique,,"Une commune, au nord"\n'
)


def test_load_annotations(tmp_path: Path) -> None:
    write_file(tmp_path / "annotations.csv", ANNOTATIONS)
    annotations = load_annotations(tmp_path)
    assert list(annotations.columns) == list(schema.ANNOTATION_COLUMNS)
    assert annotations[schema.PARAGRAPH].tolist() == [0, 1, 2]
    assert annotations[schema.GOLD_CANONICAL].tolist() == ["", "F01", ""]
    assert annotations.loc[2, schema.TEXT_START] == "Une commune, au nord"


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (
            ("bonne pratique", "bonne_pratique"),
            ["ligne 4", "'bonne_pratique'", "« bonne pratique »"],
        ),
        (("0,hors_theme", "zéro,hors_theme"), ["ligne 3", "'zéro'", "nombre entier"]),
        (("2,polices", "1,polices"), ["lignes 2 et 4", "annoté deux fois"]),
        (("function,", "fonction,"), ["pas de colonne « function »", "dire « fonction »"]),
    ],
)
def test_bad_annotations_name_the_line(
    tmp_path: Path, change: tuple[str, str], fragments: list[str]
) -> None:
    write_file(tmp_path / "annotations.csv", ANNOTATIONS.replace(*change))
    with pytest.raises(CorpusError) as error:
        load_annotations(tmp_path / "annotations.csv")
    for fragment in fragments:
        assert fragment in str(error.value)
