"""Tests of analysis.nlp.expressions: collocations and curated expressions."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from analysis import schema
from analysis.config import ExpressionsConfig
from analysis.nlp import (
    NlpError,
    WordListError,
    expression_heads,
    find_expressions,
    load_domain_expressions,
)


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


def test_an_expression_s_head_is_its_first_word_or_the_noun_after_an_adjective(parsed) -> None:
    heads = expression_heads(find_expressions(parsed, config=ExpressionsConfig()))
    assert heads["police_municipale"] == "police"
    assert heads["convention_de_coordination"] == "convention"
    # expressions of the Decidim export, as find_expressions writes them
    found = pd.DataFrame(
        {
            schema.EXPRESSION: [
                "grandes_entreprises",
                "second_tour",
                "politique_de_la_ville",  # spaCy tags "politique" ADJ here: no noun follows
                "évasion_fiscale",
                "force_de_l'ordre",  # four tags for three words: left out
            ],
            schema.EXPRESSION_TOKENS: [
                "grand entreprise",
                "second tour",
                "politique de le ville",
                "évasion fiscal",
                "force de l'ordre",
            ],
            schema.EXPRESSION_PATTERN: [
                "ADJ NOUN",
                "ADJ NOUN",
                "ADJ ADP DET NOUN",
                "NOUN ADJ",
                "NOUN ADP DET NOUN",
            ],
        }
    )
    assert expression_heads(found) == {
        "grandes_entreprises": "entreprise",
        "second_tour": "tour",
        "politique_de_la_ville": "politique",
        "évasion_fiscale": "évasion",
    }
    assert expression_heads(found.iloc[:0]) == {}
