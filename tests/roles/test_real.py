"""The shipped function model on real text it never saw (``split = eval`` of the labelled file)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from factories import role_segments
from sklearn.metrics import precision_recall_fscore_support
from spacy.language import Language

from analysis import schema
from analysis.config import FunctionsConfig
from analysis.roles import classify_functions, default_classifier, doc_lemmas, training
from analysis.roles.annotations import GOLD_FUNCTION_COLUMN
from analysis.summaries.extracts import select_quotes


@pytest.fixture(scope="module")
def held_out() -> pd.DataFrame:
    """The real eval rows, classed by the shipped model (trained on the train rows only)."""
    rows = training.real_rows(split="eval")
    explained = default_classifier().explain(rows.segments, hits=rows.hits)
    return rows.segments.assign(
        predicted=explained[schema.FUNCTION].to_numpy(),
        score=explained[schema.FUNCTION_SCORE].to_numpy(),
    )


def test_the_shipped_model_never_saw_the_eval_rows() -> None:
    model = default_classifier()
    real = pd.read_csv(training.REAL_LABELLED, dtype=str)
    assert model.training_["real_split"] == "train"
    assert model.training_["rows_by_source"]["decidim"] == (real["split"] == "train").sum()


def test_held_out_imperative_and_infinitive_proposals_are_proposals(held_out) -> None:
    proposals = held_out[held_out[GOLD_FUNCTION_COLUMN] == schema.PROPOSITION]
    first = proposals[schema.TEXT].str.extract(r"^\W*(\w+)", flags=re.UNICODE)[0].str.lower()
    opening = proposals[first.str.match(r"^\w{3,}(er|ir|re)$") & ~first.isin(["entre", "notre"])]
    assert len(opening) >= 30  # "Rétablir l'ISF.", "Supprimer les chaînes…", "Rendre…"
    assert (opening["predicted"] == schema.PROPOSITION).mean() >= 0.85


def test_proposals_and_freins_of_real_proposals_are_found(held_out) -> None:
    decidim = held_out[held_out[training.SOURCE] == "decidim"]
    precision, recall, _, _ = precision_recall_fscore_support(
        decidim[GOLD_FUNCTION_COLUMN],
        decidim["predicted"],
        labels=[schema.PROPOSITION, schema.FREIN],
        zero_division=0,
    )
    # before these rows were learnt from: proposition 0.873 / 0.404, frein 0.283 / 0.448
    assert precision[0] >= 0.80 and recall[0] >= 0.75
    assert precision[1] >= 0.45 and recall[1] >= 0.5


def test_above_the_threshold_real_freins_and_proposals_are_mostly_right(held_out) -> None:
    quoted = held_out[held_out["predicted"].isin([schema.FREIN, schema.PROPOSITION])]
    kept = quoted[quoted["score"] >= FunctionsConfig().min_score]
    assert len(kept) >= 0.6 * len(quoted)
    right_kept = (kept["predicted"] == kept[GOLD_FUNCTION_COLUMN]).mean()
    right_all = (quoted["predicted"] == quoted[GOLD_FUNCTION_COLUMN]).mean()
    assert right_kept > right_all


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Taxer les billets d'avion court-courrier.", schema.PROPOSITION),
        ("Supprimons la taxe sur les petits terrains.", schema.PROPOSITION),
        ("Rendre obligatoire le tri des biodéchets dans les cantines.", schema.PROPOSITION),
        ("Il faudrait ouvrir les piscines le dimanche soir.", schema.PROPOSITION),
        ("Je propose qu'on ouvre les cours d'école l'été.", schema.PROPOSITION),
        ("Suppression du second tour des élections municipales.", schema.PROPOSITION),
        ("Nous demandons au préfet de réunir le comité avant l'été.", schema.DEMANDE),
        # the request governs: the complaint in it does not make it a frein
        (
            "Que l'État reconnaisse enfin ce métier, sans aucun statut ni formation !",
            schema.DEMANDE,
        ),
        ("Transports et mobilité", schema.AUTRE),
        ("Aucun suivi n'est fait après la sortie de prison.", schema.FREIN),
        ("Les participants ont regretté l'absence de retour du parquet.", schema.FREIN),
    ],
)
def test_the_shipped_model_reads_how_citizens_write(
    text: str, expected: str, french_nlp: Language
) -> None:
    segments = role_segments([text])
    segments[schema.LEMMAS] = doc_lemmas(french_nlp(text))
    classed = classify_functions(segments, french_nlp, config=FunctionsConfig())
    assert classed[schema.FUNCTION].tolist() == [expected], classed[schema.FUNCTION_REASON][0]


def test_a_heading_is_not_quoted(french_nlp: Language) -> None:
    texts = [
        "Transports et mobilité",
        "Les bus de nuit s'arrêtent à minuit, bien avant la fin du service des bars du centre.",
        "Prolonger les bus de nuit jusqu'à deux heures le week-end, comme à Rennes et Nantes.",
    ]
    segments = role_segments(texts)
    segments[schema.LEMMAS] = ["transport mobilité", "bus nuit arrêter minuit", "bus nuit"]
    classed = classify_functions(segments, french_nlp, config=FunctionsConfig())
    assert classed[schema.FUNCTION].tolist()[0] == schema.AUTRE
    frame = classed.assign(
        **{
            schema.CONCERTATION_ID: ["c1", "c2", "c3"],
            schema.CITY: "",
            schema.DATE: pd.NaT,
            "_words": [3, 16, 16],
            "_typicality": [0.9, 0.5, 0.4],  # the heading is the most typical
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quotes = select_quotes(frame, {}, n_quotes=3, min_words=1, max_words=90)
    assert texts[0] not in [q.text for q in quotes]
    assert len(quotes) == 2


def test_scores_are_probabilities_and_the_same_each_run(held_out) -> None:
    rows = training.real_rows(split="eval")
    again = default_classifier().explain(rows.segments, hits=rows.hits)
    assert np.array_equal(again[schema.FUNCTION_SCORE].to_numpy(), held_out["score"].to_numpy())
    assert held_out["score"].between(0, 1).all()
