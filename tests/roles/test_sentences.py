"""Tests of analysis.roles.sentences: the function of each sentence, at its offsets."""

from __future__ import annotations

from factories import CUES_ONLY, role_segments
from spacy.language import Language

from analysis import schema
from analysis.roles import sentence_functions
from analysis.segmentation import normalise


def test_sentence_functions_keep_document_offsets(french_nlp: Language) -> None:
    document = (
        "## Freins identifiés\n\nLe manque de tuteurs pèse sur l’offre. Il faudrait "
        "former davantage d’agents. On observe une hausse de 12 % des mesures."
    )
    start = document.index("Le manque")
    segments = role_segments([document[start:]], ["Freins identifiés"]).assign(
        **{schema.START: start, schema.END: len(document)}
    )
    docs = [french_nlp(normalise(document[start:]))]
    sentences = sentence_functions(segments, docs, config=CUES_ONLY)
    assert sentences[schema.SENTENCE].tolist() == [0, 1, 2]
    for row in sentences.itertuples():
        assert document[row.start : row.end] == row.text
    assert sentences[schema.FUNCTION].tolist() == ["frein", "proposition", "constat"]


def test_a_sentence_ending_in_an_ellipsis_and_a_stop_keeps_its_offsets(
    french_nlp: Language,
) -> None:
    # a real Decidim proposal (id 771) ends with "…." that the normalisation writes "....":
    # the last sentence used to map one character past the text
    text = (
        "Il faut que ces aides soient calculées à partir des revenus du foyer, et non d’aide "
        "sociale individualisée…."
    )
    segments = role_segments([text], [""]).assign(**{schema.START: 0, schema.END: len(text)})
    sentences = sentence_functions(segments, [french_nlp(normalise(text))], config=CUES_ONLY)
    assert sentences[schema.END].max() <= len(text)
    for row in sentences.itertuples():
        assert text[row.start : row.end] == row.text
    assert sentences[schema.FUNCTION].iloc[0] == "proposition"
