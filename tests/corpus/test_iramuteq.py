"""Tests of analysis.corpus.iramuteq: IRaMuTeQ corpora read and written."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from factories import CONSTAT, FREIN, PROPOSITION, load_quietly, small_corpus, write_file

from analysis import schema
from analysis.corpus import CorpusError, CorpusWarning, load_corpus, to_iramuteq

IRAMUTEQ = (
    "**** *id_dijon-01 *ville_Dijon *date_2023-04-28 *atelier_polices_municipales\n"
    "-*constats\n"
    f"{CONSTAT}\n"
    "\n"
    "Les agents travaillent désormais la nuit.\n"
    "-*freins\n"
    f"{FREIN}\n"
    "\n"
    "**** *id_lille-01 *ville_Lille *date_2023-09-22\n"
    f"{PROPOSITION}\n"
)


IRAMUTEQ_VARIABLES = {
    schema.DOC_ID: "id",
    schema.CITY: "ville",
    schema.DATE: "date",
    schema.ATELIER: "atelier",
}


def test_iramuteq_file_loads_with_thematics_as_headings(tmp_path: Path) -> None:
    path = write_file(tmp_path / "corpus.txt", IRAMUTEQ)
    documents = load_quietly(path)
    assert documents[schema.DOC_ID].tolist() == ["dijon-01", "lille-01"]
    assert documents.loc[0, schema.TEXT] == (
        f"## constats\n\n{CONSTAT}\n\nLes agents travaillent désormais la nuit.\n\n"
        f"## freins\n\n{FREIN}"
    )
    assert documents.loc[0, schema.ATELIER] == "polices_municipales"
    assert documents.loc[1, schema.SOURCE] == "corpus.txt, ligne 9"
    assert documents[schema.DATE].tolist() == [
        pd.Timestamp("2023-04-28"),
        pd.Timestamp("2023-09-22"),
    ]


def test_iramuteq_round_trip_from_the_file(tmp_path: Path) -> None:
    path = write_file(tmp_path / "corpus.txt", IRAMUTEQ)
    assert to_iramuteq(load_quietly(path), variables=IRAMUTEQ_VARIABLES) == IRAMUTEQ


def test_iramuteq_round_trip_from_documents(tmp_path: Path) -> None:
    original = load_quietly(small_corpus(tmp_path / "md"))
    variables = {
        schema.DOC_ID: "id",
        schema.CONCERTATION_ID: "concertation",
        schema.CITY: "ville",
        schema.DATE: "date",
        schema.DOC_TYPE: "type",
        schema.ATELIER: "atelier",
    }
    exported = to_iramuteq(original.iloc[::-1], variables=variables)  # row order must not matter
    back = load_quietly(write_file(tmp_path / "export.txt", exported))
    columns = [schema.DOC_ID, schema.CONCERTATION_ID, schema.CITY, schema.DATE, schema.DOC_TYPE]
    pd.testing.assert_frame_equal(back[columns], original[columns])
    assert back[schema.ATELIER].fillna("").tolist() == original[schema.ATELIER].fillna("").tolist()
    assert back[schema.TEXT].tolist() == original[schema.TEXT].str.strip().tolist()


def test_to_iramuteq_makes_values_and_headings_valid() -> None:
    documents = pd.DataFrame(
        {
            schema.DOC_ID: ["a"],
            schema.CITY: ["Saint Denis"],
            schema.TEXT: ["## Freins identifiés\n\nLes délais de réponse pénale s'allongent."],
        }
    )
    assert to_iramuteq(documents, variables=[schema.CITY]) == (
        "**** *city_Saint-Denis\n-*Freins_identifiés\nLes délais de réponse pénale s'allongent.\n"
    )
    with pytest.raises(CorpusError, match="'doc_type'.*ne doit contenir"):
        to_iramuteq(documents, variables={schema.CITY: "doc_type"})
    with pytest.raises(schema.SchemaError, match="date"):
        to_iramuteq(documents, variables=[schema.DATE])


def test_flag_variables_become_one_starred_variable(real_dir: Path) -> None:
    # analysts wrote one variable per theme ("*Democratie_Citoyennete", "*Transition_Ecologique"):
    # IRaMuTeQ reads four variables of one modality each, never two in a text
    with pytest.warns(CorpusWarning, match="sans ville ou sans date"):
        documents = load_corpus(real_dir / "lille-propositions-iramuteq.txt")
    counts = documents[schema.STARRED].value_counts()
    assert counts.to_dict() == {
        "Impots_Depenses_Action_Publique": 67,
        "Transition_Ecologique": 30,
        "Organisation_Etat_Collectivite": 26,
        "Democratie_Citoyennete": 17,
    }


def test_ordinary_variables_give_no_starred_variable(tmp_path: Path) -> None:
    documents = load_quietly(write_file(tmp_path / "corpus.txt", IRAMUTEQ))
    assert schema.STARRED not in documents


def test_a_note_opening_on_stars_is_said_to_be_read_as_iramuteq(real_dir: Path, tmp_path) -> None:
    """ "****" lines are an IRaMuTeQ corpus's headers, and an ornament in some notes: a file
    whose "****" lines carry no variable is read as IRaMuTeQ, and the warning says how to have
    it read as a note."""
    article = (real_dir / "seeds" / "000_2cd2bd4c25204821.txt").read_text(encoding="utf-8")
    path = write_file(tmp_path / "note.txt", "****\n" + article)
    with pytest.warns(CorpusWarning, match="sans aucune variable étoilée") as said:
        documents = load_corpus(path)
    assert len(documents) == 1
    assert "retirez les lignes « **** »" in str(said[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)
        warnings.filterwarnings("ignore", message=".*sans ville ou sans date")
        load_corpus(real_dir / "lille-propositions-iramuteq.txt")  # variables: nothing said
