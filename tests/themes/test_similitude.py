"""Tests of analysis.themes.similitude: a theme's terms, linked by co-occurrence, as a tree."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from factories import theme_segments  # noqa: E402

from analysis import plots, schema  # noqa: E402
from analysis.themes.similitude import (  # noqa: E402
    SOURCE,
    TARGET,
    similitude,
    theme_graphs,
    theme_terms,
)
from analysis.vectorise import display_term  # noqa: E402


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    frame = theme_segments()
    codes = {truth: i for i, truth in enumerate(sorted(frame["truth"].unique()))}
    return frame.assign(**{schema.THEME_ID: frame["truth"].map(codes)})


def _together(segments: pd.DataFrame, theme: int, first: str, second: str) -> int:
    rows = segments[segments[schema.THEME_ID] == theme][schema.LEMMAS].str.split()
    return int(sum(first in words and second in words for words in rows))


def test_the_tree_joins_the_terms_by_their_strongest_links(segments: pd.DataFrame) -> None:
    theme = int(segments.loc[segments["truth"] == "recrutement", schema.THEME_ID].iloc[0])
    terms = theme_terms(segments, theme, ["policier_municipal", "commune"], n_terms=15)
    assert terms[:2] == ["policier_municipal", "commune"]  # the keywords first
    graph = similitude(segments, theme, terms, label="recrutement")
    nodes = set(graph.edges[SOURCE]) | set(graph.edges[TARGET])
    assert len(graph.edges) == len(nodes) - 1  # these terms meet: one tree, no cycle
    shown = {display_term(t): t for t in terms}
    for source, target, weight in graph.edges.itertuples(index=False):
        assert weight == _together(segments, theme, shown[source], shown[target]) > 0
    # the strongest link of all is in the tree
    pairs = itertools.combinations(terms, 2)
    best = max(pairs, key=lambda pair: _together(segments, theme, *pair))
    links = zip(graph.edges[SOURCE], graph.edges[TARGET], strict=True)
    edges = {frozenset(pair) for pair in links}
    assert frozenset(map(display_term, best)) in edges
    assert graph.terms[schema.N_SEGMENTS].is_monotonic_decreasing


def test_the_graph_does_not_depend_on_the_row_order(segments: pd.DataFrame) -> None:
    themes = pd.DataFrame(
        {schema.THEME_ID: sorted(segments[schema.THEME_ID].unique()), schema.LABEL: "t"}
    )
    keywords = pd.DataFrame(columns=[schema.THEME_ID, "rank", "term"])
    first = theme_graphs(segments, themes, keywords)
    again = theme_graphs(segments.sample(frac=1, random_state=3), themes, keywords)
    assert first.keys() == again.keys() and len(first) >= 4
    for theme in first:
        pd.testing.assert_frame_equal(first[theme].edges, again[theme].edges)


def test_terms_that_never_meet_leave_no_graph_to_draw(segments: pd.DataFrame) -> None:
    lonely = pd.DataFrame(
        {schema.THEME_ID: [0, 0], schema.LEMMAS: ["caméra opérateur", "tigiste tuteur"]}
    )
    graph = similitude(lonely, 0, ["caméra", "tigiste"])
    assert graph.edges.empty and len(graph.terms) == 2
    with pytest.raises(plots.NothingToPlot, match="jamais employés ensemble"):
        plots.plot_similitude(graph)
    theme = int(segments[schema.THEME_ID].iloc[0])
    ax = plots.plot_similitude(similitude(segments, theme, theme_terms(segments, theme, [])))
    assert ax.get_title().startswith("Graphe de similitude")
