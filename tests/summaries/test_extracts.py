"""Tests of analysis.summaries.extracts: what a fiche quotes."""

from __future__ import annotations

import re
import warnings

import pandas as pd
from factories import DECIDIM_ROWS

from analysis import schema
from analysis.config import AnalysisConfig
from analysis.corpus import load_corpus
from analysis.segmentation import split_documents
from analysis.summaries.extracts import _candidate_sentences, select_quotes
from analysis.summaries.inputs import prepare_segments


def _theme_segments(typicality: dict[str, list[float]]) -> pd.DataFrame:
    """The real Decidim sentences of the "travail" theme, one consultation; each document's
    segments get the typicality given for it, in order."""
    rows = []
    texts = [text for _, _, theme, _, text, _ in DECIDIM_ROWS if theme == "travail"]
    for doc_id, scores in typicality.items():
        for position, score in enumerate(scores):
            text = texts[(len(rows)) % len(texts)] + f" ({doc_id}, {position})"
            rows.append(
                {
                    schema.SEGMENT_ID: f"{doc_id}#p{position:03d}s00",
                    schema.DOC_ID: doc_id,
                    schema.CONCERTATION_ID: "grand-debat-lille",
                    schema.CITY: "",
                    schema.DATE: pd.NaT,
                    schema.TEXT: text,
                    "_words": len(text.split()),
                    "_typicality": score,
                }
            )
    return pd.DataFrame(rows)


def test_quotes_come_from_different_contributions_while_there_are_others() -> None:
    """One long contribution holds the four most typical segments: the fiche still quotes the
    other contributions before a second segment of it."""
    segments = _theme_segments({"590": [0.9, 0.89, 0.88, 0.87], "436": [0.5], "449": [0.4]})
    quotes = select_quotes(segments, {}, n_quotes=4, min_words=1, max_words=100)
    assert [q.doc_id for q in quotes] == ["590", "436", "449", "590"]


def test_a_single_document_is_quoted_as_often_as_asked() -> None:
    segments = _theme_segments({"590": [0.9, 0.8, 0.7]})
    quotes = select_quotes(segments, {}, n_quotes=4, min_words=1, max_words=100)
    assert [q.doc_id for q in quotes] == ["590", "590", "590"]


def test_segments_of_unsure_function_are_quoted_after_the_others() -> None:
    """The most typical segment's function is "à vérifier" (a heading glued to a sentence, a
    sentence about the meeting): the fiche quotes it only when nothing surer is left."""
    segments = _theme_segments({"590": [0.9], "436": [0.5], "449": [0.4]})
    segments[schema.FUNCTION_CHECK] = [schema.TO_CHECK, "", ""]
    quotes = select_quotes(segments, {}, n_quotes=2, min_words=1, max_words=100)
    assert [q.doc_id for q in quotes] == ["436", "449"]
    quotes = select_quotes(segments, {}, n_quotes=3, min_words=1, max_words=100)
    assert [q.doc_id for q in quotes] == ["436", "449", "590"]


def test_the_summary_takes_no_piece_of_a_sentence_the_segmentation_cut(project_root) -> None:
    """A real proposal's long sentence ("…mais bien de Paris, qui via le président de la
    République, […] décide de tout pour le pays…") is cut by the 40-word segmentation:
    the piece after the cut ("qui via le président…") is no sentence of the summary, the
    proposal's whole sentences are."""
    path = project_root / "tests" / "data" / "real" / "lille-propositions-iramuteq.txt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(path)
    document = documents[documents[schema.TEXT].str.contains("qui via le président")]
    segments = split_documents(document, AnalysisConfig()).assign(**{schema.THEME_ID: 0})
    assert segments[schema.TEXT].str.startswith("qui via le président").any()  # the cut
    prepared = prepare_segments(segments)
    sentences = _candidate_sentences(prepared, min_words=1, max_words=1000)["sentence"]
    assert len(sentences) >= 2
    whole = " ".join(document[schema.TEXT].iat[0].split())
    for sentence in sentences:
        assert re.search(r"(^|[.!?…:;][\"»”’)\]]*\s)" + re.escape(sentence[:40]), whole), sentence
    unmarked = prepared.drop(columns=["_cut_before", "_cut_after"])
    pieces = _candidate_sentences(unmarked, min_words=1, max_words=1000)["sentence"]
    assert pieces.str.startswith("qui via le président").any()  # what the marks take out
