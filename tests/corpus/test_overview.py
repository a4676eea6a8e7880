"""Tests of analysis.corpus.overview and the corpus plots: what a corpus holds."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from factories import CONSTAT, FREIN, PROPOSITION

from analysis import plots, schema
from analysis.corpus import (
    corpus_overview,
    count_written_words,
    documents_per_type,
    words_per_document,
)

matplotlib.use("Agg")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("L’adjointe au maire chargée de la sécurité", 7),
        ("## Constats\n\n- une hausse de 12 % des faits", 7),
        ("« Oui » — dit-elle.", 2),
        ("", 0),
    ],
)
def test_count_written_words(text: str, count: int) -> None:
    assert count_written_words(text) == count


def overview_documents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            schema.DOC_ID: ["l1", "d2", "d1", "d3"],
            schema.CONCERTATION_ID: ["C07", "C06", "C06", "C06"],
            schema.CITY: ["Lille", "Dijon", "Dijon", "Dijon"],
            schema.DATE: pd.to_datetime(["2023-09-22", "2023-04-28", "2023-04-28", "2023-04-28"]),
            schema.DOC_TYPE: ["synthese", "note_restitution", "note_restitution", "article"],
            schema.TEXT: [PROPOSITION, CONSTAT, FREIN, "Trois mots ici."],
        }
    )


def test_corpus_overview_has_one_row_per_concertation_by_date() -> None:
    overview = corpus_overview(overview_documents())
    assert overview.to_dict("records") == [
        {
            schema.CONCERTATION_ID: "C06",
            schema.CITY: "Dijon",
            schema.DATE: pd.Timestamp("2023-04-28"),
            schema.N_DOCUMENTS: 3,
            schema.N_WORDS: count_written_words(CONSTAT) + count_written_words(FREIN) + 3,
            schema.DOC_TYPES: "article, note_restitution (2)",
        },
        {
            schema.CONCERTATION_ID: "C07",
            schema.CITY: "Lille",
            schema.DATE: pd.Timestamp("2023-09-22"),
            schema.N_DOCUMENTS: 1,
            schema.N_WORDS: count_written_words(PROPOSITION),
            schema.DOC_TYPES: "synthese",
        },
    ]


def test_documents_per_type_and_words_per_document() -> None:
    documents = overview_documents()
    per_type = documents_per_type(documents)
    assert per_type[schema.DOC_TYPE].tolist() == ["note_restitution", "article", "synthese"]
    assert per_type[schema.N_DOCUMENTS].tolist() == [2, 1, 1]
    words = words_per_document(documents)
    assert words[schema.DOC_ID].tolist() == ["d1", "d2", "d3", "l1"]
    assert words[schema.N_WORDS].tolist()[2] == 3


def test_summaries_need_their_columns() -> None:
    with pytest.raises(schema.SchemaError, match="concertation_id"):
        corpus_overview(overview_documents().drop(columns=schema.CONCERTATION_ID))


def test_corpus_plots_draw_what_they_are_given() -> None:
    documents = overview_documents()
    ax = plots.plot_documents_per_concertation(documents)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Lille, septembre 2023",
        "Dijon, avril 2023",
    ]
    assert sum(p.get_width() for p in ax.patches) == len(documents)
    ax = plots.plot_corpus_timeline(corpus_overview(documents))
    assert sorted(t.get_text() for t in ax.texts) == ["Dijon", "Lille"]
    _, given = plt.subplots()
    ax = plots.plot_words_per_document(words_per_document(documents), ax=given)
    assert ax is given
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Article",
        "Note de restitution",
        "Synthèse",
    ]
    plt.close("all")
