"""Tests of analysis.nlp.lemmatise: the lemmas the theme model reads, the language flag."""

from __future__ import annotations

import dataclasses
import re
import warnings

import pandas as pd
import pytest

from analysis import schema
from analysis.config import NlpConfig
from analysis.nlp import (
    EmptyLemmasWarning,
    NotFrenchWarning,
    ParsedMismatchError,
    WordListError,
    lemmatise,
    load_stopwords,
)


def _lemmas(lemmatised: pd.DataFrame, segment_id: str) -> list[str]:
    return lemmatised.loc[segment_id, schema.LEMMAS].split()


def test_lemmas_are_content_words_lower_cased(lemmatised) -> None:
    stopwords = load_stopwords()
    for lemmas in lemmatised[schema.LEMMAS]:
        for token in lemmas.split():
            assert token == token.lower()
            assert token not in stopwords
            assert re.fullmatch(r"[^\W\d]+(?:[-'][^\W\d]+)*|[\w'-]+_[\w'_-]+", token), token
            assert "http" not in token and "@" not in token


def test_acronyms_expressions_and_lemmas(lemmatised) -> None:
    freins = _lemmas(lemmatised, "nimes-2021-note#p002")
    assert "clspd" in freins and "recruter" in freins and "policier_municipal" in freins
    bilan = _lemmas(lemmatised, "metz-2025-article#p000")
    assert {"jo", "police_municipale", "caméra", "médiateur"} <= set(bilan)
    assert "centre_de_supervision_urbain" in bilan
    tig = _lemmas(lemmatised, "lille-2023-note#p000")
    assert {"travail_d_intérêt_général", "tigiste", "tuteur"} <= set(tig)
    assert "rançongiciel" in _lemmas(lemmatised, "lille-2023-note#p002")
    assert _lemmas(lemmatised, "lille-2023-note#p001").count("point_de_deal") == 2


def test_city_names_are_not_theme_words(lemmatised) -> None:
    all_tokens = set(" ".join(lemmatised[schema.LEMMAS]).split())
    assert not {"nîmes", "metz", "lille"} & all_tokens


@pytest.mark.parametrize(
    ("settings", "present", "absent"),
    [
        ({"keep_pos": ("NOUN",)}, {"agent", "clspd"}, {"recruter", "partir"}),
        ({"min_length": 7}, {"effectif", "clspd"}, {"agent", "poste"}),
    ],
)
def test_part_of_speech_and_length_come_from_the_config(
    segments, parsed, settings, present, absent
) -> None:
    config = dataclasses.replace(NlpConfig(), **settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = lemmatise(segments, parsed, config=config)
    tokens = set(" ".join(result[schema.LEMMAS]).split())
    assert present <= tokens
    assert not absent & tokens


def test_a_user_stop_list_replaces_the_packaged_one(segments, parsed, tmp_path) -> None:
    stop_file = tmp_path / "mots-vides.txt"
    stop_file.write_text("# mes mots vides\nmédiateur\ncaméra  # trop fréquent\n", encoding="utf-8")
    config = dataclasses.replace(NlpConfig(), stopwords_file=str(stop_file))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = lemmatise(segments, parsed, config=config)
    tokens = set(" ".join(result[schema.LEMMAS]).split())
    assert not {"médiateur", "caméra"} & tokens
    assert "participant" in load_stopwords() and "concertation" in tokens


def test_a_missing_stop_list_is_an_error(segments, parsed, tmp_path) -> None:
    config = dataclasses.replace(NlpConfig(), stopwords_file=str(tmp_path / "absent.txt"))
    with pytest.raises(WordListError, match="absent.txt"):
        lemmatise(segments, parsed, config=config)


@pytest.mark.filterwarnings("ignore::analysis.nlp.EmptyLemmasWarning")
def test_texts_that_are_not_french_are_flagged(segments, parsed) -> None:
    with pytest.warns(NotFrenchWarning, match="« lille-2023-english ».*« nimes-2021-note »"):
        result = lemmatise(segments, parsed, config=NlpConfig()).set_index(schema.SEGMENT_ID)
    flagged = set(result.index[~result[schema.LANGUAGE_OK]])
    assert flagged == {"lille-2023-english#p000", "nimes-2021-note#p003"}
    assert (result.loc[list(flagged), schema.LEMMAS] == "").all()
    assert result.loc["nimes-2021-note#p002", schema.LANGUAGE_OK]


def test_empty_units_are_kept_and_reported(segments, parsed) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = lemmatise(segments, parsed, config=NlpConfig())
    messages = [str(w.message) for w in caught if w.category is EmptyLemmasWarning]
    assert any("« metz-2025-links »" in m and "vide(s) après normalisation" in m for m in messages)
    assert any("« lille-2023-note#p003 »" in m for m in messages)  # thanks only
    assert len(result) == len(segments)
    assert result.set_index(schema.SEGMENT_ID).loc["lille-2023-note#p003", schema.LEMMAS] == ""


def test_lemmas_do_not_depend_on_row_order(segments, parsed, expressions, lemmatised) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shuffled = lemmatise(
            segments.sample(frac=1, random_state=3),
            parsed,
            config=NlpConfig(),
            expressions=expressions,
        )
    got = shuffled.set_index(schema.SEGMENT_ID)[schema.LEMMAS].sort_index()
    pd.testing.assert_series_equal(got, lemmatised[schema.LEMMAS].sort_index())


def test_curated_expressions_win_over_overlapping_corpus_ones(segments, parsed) -> None:
    expressions = pd.DataFrame(
        {
            schema.EXPRESSION: ["agent_de_police", "police_municipale"],
            schema.EXPRESSION_TOKENS: ["agent de police", "police municipal"],
            schema.EXPRESSION_SOURCE: ["corpus", "domain"],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = lemmatise(segments, parsed, config=NlpConfig(), expressions=expressions)
    lemmas = result.set_index(schema.SEGMENT_ID).loc["nimes-2021-note#p004", schema.LEMMAS]
    # "des agents de police municipale": the curated expression takes "police"
    assert lemmas.split()[:3] == ["mutualiser", "formation", "agent"]
    assert "police_municipale" in lemmas.split() and "agent_de_police" not in lemmas


@pytest.mark.parametrize("change", ["text", "unknown_id"])
def test_segments_that_were_not_parsed_are_refused(segments, parsed, change) -> None:
    changed = segments.copy()
    if change == "text":
        changed.loc[1, schema.TEXT] = "Un tout autre texte."
    else:
        changed.loc[1, schema.SEGMENT_ID] = "inconnu#p000"
    with pytest.raises(ParsedMismatchError, match="parse_segments"):
        lemmatise(changed, parsed, config=NlpConfig())
