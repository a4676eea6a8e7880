"""Which proposal groups answer which obstacle groups, and the obstacles no proposal answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import schema
from analysis.config import TracingConfig
from analysis.tracing.space import LemmaSpace, lemma_column, lemma_space
from analysis.tracing.units import unit_of

_LINK_COLUMNS = [
    schema.OBSTACLE_GROUP_ID,
    schema.PROPOSAL_GROUP_ID,
    schema.THEME_ID,
    schema.SIMILARITY,
    schema.OBSTACLE_LABEL,
    schema.PROPOSAL_LABEL,
    schema.SHARED_TERMS,
]


def _centroids(
    groups: pd.DataFrame, vectors_by_id: dict[str, int], vectors: sp.csr_matrix
) -> np.ndarray:
    """L2-normalised mean vector of each group's segments.

    The means are one sparse product (each group's row holds 1/n on its n segments), summed
    in the order of the group's segments as a mean of the selected rows would be.
    """
    rows, columns, weights = [], [], []
    for row, ids in enumerate(groups[schema.SEGMENT_IDS]):
        positions = [vectors_by_id[str(i)] for i in ids if str(i) in vectors_by_id]
        if positions:  # a group none of whose segments is found keeps a centroid of zeros
            rows += [row] * len(positions)
            columns += positions
            weights += [1.0 / len(positions)] * len(positions)
    shape = (len(groups), vectors.shape[0])
    dtype = vectors.dtype if np.issubdtype(vectors.dtype, np.floating) else np.float64
    means = sp.csr_matrix((weights, (rows, columns)), shape=shape, dtype=dtype)
    centroids = (means @ vectors).toarray()
    for centroid in centroids:
        norm = np.linalg.norm(centroid)
        if norm > 0:
            centroid /= norm
    return centroids


def link_proposals(
    obstacle_groups: pd.DataFrame,
    proposal_groups: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    config: TracingConfig,
    per_proposal: int = 1,
) -> pd.DataFrame:
    """Link each proposal group to the obstacle group(s) it answers.

    A proposal answers an obstacle when the cosine between the mean vectors of the two groups
    (lemma terms and character n-grams, as in :func:`canonical_groups`) reaches
    ``config.link_threshold``. With ``config.link_within_theme``, only groups that share a
    theme (the theme of any of their segments) can be linked.
    Each proposal keeps its ``per_proposal`` best obstacles; an obstacle may be answered by
    several proposals.

    Parameters
    ----------
    obstacle_groups, proposal_groups
        Outputs of :func:`canonical_groups` for "frein" and "proposition".
    segments
        The segments the groups were built from (``segment_id``, ``lemmas``).

    Returns
    -------
    DataFrame
        One row per link, sorted by ``obstacle_group_id`` then decreasing similarity:
        ``obstacle_group_id``, ``proposal_group_id``, ``theme_id``, ``similarity`` (rounded to
        3 decimals), ``obstacle_label``, ``proposal_label``, ``shared_terms`` (the lemmas that
        weigh most in the similarity: why the two were linked).
    """
    needed = [schema.SEGMENT_ID, schema.LEMMAS] + (
        [schema.THEME_ID] if config.link_within_theme else []
    )
    schema.require_columns(segments, *needed, table="segments")
    if obstacle_groups.empty or proposal_groups.empty:
        return schema.empty_table(_LINK_COLUMNS)
    ordered = segments.sort_values(schema.SEGMENT_ID, kind="stable")
    space = lemma_space(lemma_column(ordered), char_ngrams=config.char_ngrams)
    # only the segments of the groups are compared
    members = {
        str(i)
        for ids in (*obstacle_groups[schema.SEGMENT_IDS], *proposal_groups[schema.SEGMENT_IDS])
        for i in ids
    }
    grouped = ordered[ordered[schema.SEGMENT_ID].astype(str).isin(members)]
    vectors = space.transform(lemma_column(grouped))
    position = {str(s): i for i, s in enumerate(grouped[schema.SEGMENT_ID])}
    obstacles = obstacle_groups.sort_values(schema.GROUP_ID).reset_index(drop=True)
    proposals = proposal_groups.sort_values(schema.GROUP_ID).reset_index(drop=True)
    obstacle_centroids = _centroids(obstacles, position, vectors)
    proposal_centroids = _centroids(proposals, position, vectors)
    similarity = proposal_centroids @ obstacle_centroids.T
    if config.link_within_theme:
        similarity = np.where(_share_a_theme(proposals, obstacles, grouped), similarity, -1.0)
    rows = []
    for p in range(len(proposals)):
        for o in np.argsort(-similarity[p], kind="stable")[:per_proposal]:
            if similarity[p, o] >= config.link_threshold:
                shared = _shared_terms(proposal_centroids[p], obstacle_centroids[o], space)
                rows.append(_link_row(obstacles.loc[o], proposals.loc[p], similarity[p, o], shared))
    links = pd.DataFrame(rows, columns=_LINK_COLUMNS)
    return links.sort_values(
        [schema.OBSTACLE_GROUP_ID, schema.SIMILARITY, schema.PROPOSAL_GROUP_ID],
        ascending=[True, False, True],
        kind="stable",
    ).reset_index(drop=True)


def _share_a_theme(
    proposals: pd.DataFrame, obstacles: pd.DataFrame, segments: pd.DataFrame
) -> np.ndarray:
    """(n_proposals, n_obstacles) mask: True when the two groups have a theme in common.

    A group's themes are those of its segments (not only its main theme), so that a theme
    model that splits a subject in two does not forbid the link.
    """
    theme_of = dict(
        zip(
            segments[schema.SEGMENT_ID].astype(str),
            segments[schema.THEME_ID].astype(str),
            strict=True,
        )
    )

    def themes(groups: pd.DataFrame) -> list[set[str]]:
        return [
            {theme_of[str(i)] for i in ids if str(i) in theme_of}
            for ids in groups[schema.SEGMENT_IDS]
        ]

    obstacle_themes = themes(obstacles)
    return np.array(
        [[bool(p & o) for o in obstacle_themes] for p in themes(proposals)], dtype=bool
    ).reshape(len(proposals), len(obstacles))


def _shared_terms(first: np.ndarray, second: np.ndarray, space: LemmaSpace) -> list[str]:
    """The lemma terms that weigh most in the similarity of two centroids."""
    weights = (first * second)[: len(space.terms)]
    top = np.argsort(-weights, kind="stable")[:5]
    return [str(space.terms[j]) for j in top if weights[j] > 0]


def _link_row(
    obstacle: pd.Series, proposal: pd.Series, similarity: float, shared: list[str]
) -> dict[str, object]:
    return {
        schema.OBSTACLE_GROUP_ID: obstacle[schema.GROUP_ID],
        schema.PROPOSAL_GROUP_ID: proposal[schema.GROUP_ID],
        schema.THEME_ID: obstacle[schema.THEME_ID],
        schema.SIMILARITY: round(float(similarity), 3),
        schema.OBSTACLE_LABEL: obstacle[schema.LABEL],
        schema.PROPOSAL_LABEL: proposal[schema.LABEL],
        schema.SHARED_TERMS: shared,
    }


def unanswered_obstacles(obstacle_groups: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Obstacle groups that no proposal answers, most widespread first.

    Parameters
    ----------
    obstacle_groups
        Output of :func:`canonical_groups` for "frein".
    links
        Output of :func:`link_proposals`.

    Returns
    -------
    DataFrame
        The rows of ``obstacle_groups`` with no link, sorted by decreasing ``n_cities`` (or
        ``n_documents``, with a single concertation: :func:`unit_of`) then ``group_id``.
    """
    answered = set(links[schema.OBSTACLE_GROUP_ID]) if len(links) else set()
    alone = obstacle_groups[~obstacle_groups[schema.GROUP_ID].isin(answered)]
    widest = schema.N_DOCUMENTS if unit_of(obstacle_groups) == schema.DOC_ID else schema.N_CITIES
    return alone.sort_values(
        [widest, schema.GROUP_ID], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
