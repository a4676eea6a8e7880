"""Tests of analysis.tracing.correspondence: the AFC map of themes x a variable."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from factories import tracing_segments  # noqa: E402

from analysis import plots, schema  # noqa: E402
from analysis.config import TracingConfig  # noqa: E402
from analysis.tracing import NotEnoughForAMap, correspondence_analysis, correspondences  # noqa: E402
from analysis.tracing import correspondence as ca  # noqa: E402
from analysis.tracing.correspondence import contingency  # noqa: E402


def _segments() -> pd.DataFrame:
    """Three themes of four concertations, one theme unclassified segment added."""
    segments = tracing_segments()
    extra = segments.iloc[[0]].assign(
        **{schema.THEME_ID: schema.UNCLASSIFIED, schema.SEGMENT_ID: "x", schema.CITY: "Metz"}
    )
    return pd.concat([segments, extra], ignore_index=True)


def test_the_inertia_is_the_chi_square_of_the_table_over_its_total() -> None:
    segments = _segments()
    result = correspondence_analysis(segments, schema.CITY)
    table = contingency(segments, schema.CITY).to_numpy(dtype=float)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    chi2 = ((table - expected) ** 2 / expected).sum()
    assert result.inertia.sum() == pytest.approx(chi2 / table.sum())
    assert table.sum() == len(segments) - 1  # the unclassified segment is left out
    assert result.inertia_shares.sum() == pytest.approx(1.0)
    assert list(result.inertia) == sorted(result.inertia, reverse=True)


def test_points_carry_contributions_that_sum_to_one_per_axis() -> None:
    result = correspondence_analysis(_segments(), schema.CITY)
    points = result.points
    for kind in (ca.THEME_POINT, ca.VALUE_POINT):
        rows = points[points[ca.KIND] == kind]
        for column in ca.CONTRIBUTION:
            assert rows[column].sum() == pytest.approx(1.0, abs=1e-3), (kind, column)
    assert set(points[points[ca.KIND] == ca.VALUE_POINT][schema.LABEL]) == {
        "Lille",
        "Metz",
        "Nîmes",
        "Rennes",
    }
    # three themes: a plane holds all of their inertia
    themes = points[points[ca.KIND] == ca.THEME_POINT]
    assert (themes[ca.QUALITY] > 0.999).all()


def test_a_keyword_of_one_theme_only_sits_on_its_theme() -> None:
    """The transition formula: a word held by exactly the segments of one theme has that
    theme's profile, hence its place."""
    segments = _segments()
    cyber = segments[schema.THEME_ID] == "cyber"
    segments.loc[cyber, schema.LEMMAS] += " rançongiciel"
    result = correspondence_analysis(segments, schema.CITY, keywords={"cyber": ["rançongiciel"]})
    points = result.points.set_index(schema.LABEL)
    word = points.loc["rançongiciel"]
    theme = points[points[ca.KIND] == ca.THEME_POINT]
    theme = theme[theme[schema.THEME_ID].astype(str) == "cyber"].iloc[0]
    assert word[ca.KIND] == ca.WORD_POINT and np.isnan(word[ca.CONTRIBUTION[0]])
    assert [word[a] for a in ca.AXIS] == pytest.approx([theme[a] for a in ca.AXIS], abs=1e-3)


def test_too_few_values_give_a_reason_not_a_map() -> None:
    segments = _segments()
    two_cities = segments.assign(**{schema.CITY: np.where(segments.index % 2, "Lille", "Metz")})
    with pytest.raises(NotEnoughForAMap, match="au moins 3 thèmes et 3 valeurs de « ville »"):
        correspondence_analysis(two_cities, schema.CITY)
    config = TracingConfig(correspondence=("city", "period", "category/name/fr"))
    maps, absent = correspondences(two_cities, None, None, config)
    assert set(maps) == {"period"}  # four years
    assert "2 valeur(s)" in absent["city"]
    assert "--meta-columns" in absent["category/name/fr"]
    no_city = segments.assign(**{schema.CITY: ""})
    with pytest.raises(NotEnoughForAMap, match="« ville » n.est renseignée pour aucun segment"):
        correspondence_analysis(no_city, schema.CITY)


def test_a_document_column_is_read_through_doc_id_and_the_map_is_drawn() -> None:
    segments = _segments()
    documents = segments[[schema.DOC_ID]].drop_duplicates()
    documents["category/name/fr"] = [f"catégorie {i % 3}" for i in range(len(documents))]
    config = TracingConfig(correspondence=("category/name/fr",))
    maps, absent = correspondences(segments, documents, None, config)
    assert not absent
    ax = plots.plot_correspondence(maps["category/name/fr"])
    assert "de l'inertie" in ax.get_xlabel() and "Axe 2" in ax.get_ylabel()
    assert "%" in ax.get_xlabel() and "," in ax.get_xlabel()  # French decimals


def test_the_map_tables_have_french_titles() -> None:
    from analysis import labels

    assert labels.table_label("afc_city") == "AFC thèmes × ville : coordonnées et contributions"
