"""Tests of analysis.nlp.concordance: keyword in context."""

from __future__ import annotations

import pytest

from analysis import schema
from analysis.nlp import concordance


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


def test_each_theme_gets_its_keywords_in_context_from_several_contributions() -> None:
    from factories import platform_segments

    from analysis.nlp import theme_concordance

    segments = platform_segments()
    travail = segments[schema.THEME_ID] == segments.loc[0, schema.THEME_ID]
    terms = {segments.loc[0, schema.THEME_ID]: ["contrat", "cdd"]}
    lines = theme_concordance(segments, terms, n_lines=2)
    assert list(lines.columns[:3]) == [schema.THEME_ID, schema.THEME_LABEL, schema.TERM]
    assert set(lines[schema.TERM]) == {"contrat", "cdd"}
    assert set(lines[schema.SEGMENT_ID]) <= set(segments.loc[travail, schema.SEGMENT_ID])
    for _, rows in lines.groupby(schema.TERM):
        assert rows[schema.DOC_ID].is_unique  # two contributions before a second line of one
    assert lines[schema.KWIC_KEYWORD].str.lower().str.startswith(("contrat", "cdd")).all()


def test_a_concordance_filtered_on_metadata_keeps_only_those_segments(segments, parsed) -> None:
    every = concordance(segments, "police_municipale", parsed=parsed)
    cities = sorted(every[schema.CITY].unique())
    one = concordance(segments, "police_municipale", parsed=parsed, where={schema.CITY: cities[0]})
    assert 0 < len(one) < len(every)
    assert set(one[schema.CITY]) == {cities[0]}
    two = concordance(segments, "police_municipale", parsed=parsed, where={schema.CITY: cities[:2]})
    assert set(two[schema.CITY]) == set(cities[:2])
    assert len(two) == (every[schema.CITY].isin(cities[:2])).sum()


def test_a_filter_on_a_missing_column_names_the_columns_there_are(segments, parsed) -> None:
    with pytest.raises(KeyError, match="« ville » absente.*city"):
        concordance(segments, "police_municipale", parsed=parsed, where={"ville": "Dijon"})
