"""Tests of analysis.tracing.links: proposals linked to the freins they answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from factories import quiet

from analysis import schema
from analysis.config import TracingConfig
from analysis.tracing.groups import canonical_groups
from analysis.tracing.links import _centroids, link_proposals, unanswered_obstacles


def test_links_and_unanswered_obstacles(segments: pd.DataFrame) -> None:
    config = TracingConfig()
    obstacles = quiet(canonical_groups, segments, "frein", config=config)
    proposals = quiet(canonical_groups, segments, "proposition", config=config)
    links = link_proposals(obstacles, proposals, segments, config=config)
    assert len(links) == 1
    link = links.iloc[0]
    recruitment = obstacles[obstacles[schema.THEME_ID] == "pm"][schema.GROUP_ID].item()
    assert link[schema.OBSTACLE_GROUP_ID] == recruitment
    assert {"formation", "former", "rembourser"} & set(link[schema.SHARED_TERMS]) or (
        "recruter" in link[schema.SHARED_TERMS]
    )
    alone = unanswered_obstacles(obstacles, links)
    assert sorted(alone[schema.THEME_ID]) == ["cyber", "radicalites"]


def test_links_respect_themes(segments: pd.DataFrame) -> None:
    config = TracingConfig()
    obstacles = quiet(canonical_groups, segments, "frein", config=config)
    proposals = quiet(canonical_groups, segments, "proposition", config=config)
    elsewhere = segments.assign(
        **{
            schema.THEME_ID: segments[schema.THEME_ID].where(
                segments[schema.FUNCTION] != "proposition", "autre_theme"
            )
        }
    )
    proposals = proposals.assign(**{schema.THEME_ID: "autre_theme"})
    assert link_proposals(obstacles, proposals, elsewhere, config=config).empty


def test_links_of_empty_groups_are_empty(segments: pd.DataFrame) -> None:
    obstacles = quiet(canonical_groups, segments, "frein", config=TracingConfig())
    empty = obstacles.iloc[0:0]
    links = link_proposals(obstacles, empty, segments, config=TracingConfig())
    assert links.empty
    assert len(unanswered_obstacles(obstacles, links)) == len(obstacles)


def test_centroids_are_the_normalised_means_of_the_groups_segments() -> None:
    vectors = sp.random(40, 300, density=0.05, format="csr", random_state=0)
    groups = pd.DataFrame({schema.SEGMENT_IDS: [["s03", "s07", "s21"], ["s10"], ["absent"]]})
    position = {f"s{i:02d}": i for i in range(40)}
    expected = []
    for rows in ([3, 7, 21], [10]):
        mean = np.asarray(vectors[rows].mean(axis=0)).ravel()
        expected.append(mean / np.linalg.norm(mean))
    centroids = _centroids(groups, position, vectors)
    assert np.array_equal(centroids[:2], np.vstack(expected))  # the same sums, bit for bit
    assert not centroids[2].any()
