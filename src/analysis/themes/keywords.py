"""How a theme is described: keywords ranked by specificity, a short label, their coherence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import schema
from analysis.labels import fold
from analysis.vectorise import display_term

LABEL_SEPARATOR = " · "


def keyword_table(
    presence: sp.csr_matrix,
    labels: np.ndarray,
    vocabulary: np.ndarray,
    *,
    n_keywords: int = 10,
    theme_ids: np.ndarray | None = None,
) -> pd.DataFrame:
    """Rank the terms of each theme by their chi-square specificity (as IRaMuTeQ does).

    For each theme and term, the 2 × 2 table (in the theme / elsewhere × with / without the
    term) gives a chi-square; only over-represented terms found in at least two of the theme's
    segments (one for themes of fewer than five segments) are kept. A theme that holds every
    segment (a corpus too small to split) is over-represented in nothing: its terms are ranked
    by how many of its segments hold them.

    Parameters
    ----------
    presence
        Segments × terms presence matrix (the vocabulary already excludes stop words).
    labels
        Theme of every segment (any integers; negative values are "unclassified").
    vocabulary
        The term of every column.
    n_keywords
        Terms kept per theme.
    theme_ids
        The themes to describe (default: every non-negative label, sorted).

    Returns
    -------
    pandas.DataFrame
        Columns ``theme_id``, ``rank`` (from 1), ``term``, ``chi2``, ``n_segments`` (segments of
        the theme with the term), sorted by theme then rank.
    """
    labels = np.asarray(labels)
    if theme_ids is None:
        theme_ids = np.unique(labels[labels >= 0])
    n_total = presence.shape[0]
    term_df = np.asarray(presence.sum(axis=0)).ravel()
    rows = []
    for theme in theme_ids:
        in_theme = labels == theme
        size = int(in_theme.sum())
        a = np.asarray(presence[in_theme].sum(axis=0)).ravel()
        b, c = size - a, term_df - a
        d = n_total - size - c
        with np.errstate(divide="ignore", invalid="ignore"):
            chi2 = (
                n_total
                * (a * d - b * c) ** 2
                / (size * (n_total - size) * term_df * (n_total - term_df))
            )
        chi2 = np.nan_to_num(chi2)
        enough = a >= (2 if size >= 5 else 1)
        whole = size == n_total  # no elsewhere to compare with: chi2 is 0, rank by frequency
        over = enough if whole else (a * n_total > term_df * size) & enough
        key = a if whole else chi2
        candidates = np.flatnonzero(over)
        ranked = candidates[np.lexsort((vocabulary[candidates], -key[candidates]))][:n_keywords]
        for rank, column in enumerate(ranked, start=1):
            rows.append((int(theme), rank, vocabulary[column], float(chi2[column]), int(a[column])))
    columns = [schema.THEME_ID, "rank", "term", "chi2", schema.N_SEGMENTS]
    table = pd.DataFrame(rows, columns=columns)
    # typed even when empty: callers index with the theme ids
    return table.astype({schema.THEME_ID: np.int64, "rank": np.int64, schema.N_SEGMENTS: np.int64})


def terms_by_theme(keywords: pd.DataFrame | None, n: int | None = None) -> dict[int, list[str]]:
    """The lemma terms of each theme, best first, from a keywords table (``theme_id``,
    ``rank``, ``term``: what :func:`keyword_table` gives); the first ``n`` of each, or all."""
    if keywords is None or keywords.empty or "term" not in keywords:
        return {}
    ordered = keywords.sort_values([schema.THEME_ID, "rank"], kind="stable")
    return {
        int(theme): group["term"].astype(str).tolist()[:n]
        for theme, group in ordered.groupby(schema.THEME_ID, sort=True)
    }


def short_label(terms: list[str], *, n_terms: int = 3, pool: int = 6) -> str:
    """Build a theme label from its ranked keywords: expressions first, then single words.

    Among the ``pool`` best keywords, expressions (``police_municipale``) come first, in their
    rank order; single words already inside a chosen expression, or already chosen but for
    their accents ("retraité" after "retraite"), are skipped.

    Example
    -------
    >>> short_label(["recrutement", "police_municipale", "policier", "formation"])
    'police municipale · recrutement · policier'
    """
    best = list(terms[:pool])
    expressions = [t for t in best if "_" in t]
    words = [t for t in best if "_" not in t]
    chosen: list[str] = []
    for term in expressions + words:
        inside_expression = any(term in e.split("_") for e in chosen if "_" in e)
        repeated = fold(term) in {fold(c) for c in chosen}  # "retraité" after "retraite"
        if not inside_expression and not repeated:
            chosen.append(term)
        if len(chosen) == n_terms:
            break
    return LABEL_SEPARATOR.join(display_term(t) for t in chosen)


def npmi_coherence(presence: sp.csr_matrix, term_columns: list[np.ndarray]) -> float:
    """Mean normalised pointwise mutual information of each theme's top-term pairs.

    Co-occurrence is counted in segments; a pair that never co-occurs scores -1. Returns the
    mean over themes (themes with fewer than two terms are skipped), NaN when none is left.
    """
    n_rows = presence.shape[0]
    scores = []
    for columns in term_columns:
        if len(columns) < 2:
            continue
        sub = presence[:, columns]
        joint = np.asarray((sub.T @ sub).todense()) / n_rows
        single = np.diag(joint)
        upper = np.triu_indices(len(columns), k=1)
        p_xy, p_x, p_y = joint[upper], single[upper[0]], single[upper[1]]
        with np.errstate(divide="ignore", invalid="ignore"):
            npmi = np.log(p_xy / (p_x * p_y)) / -np.log(p_xy)
        npmi[p_xy == 0] = -1.0
        npmi[p_xy == 1] = 1.0
        scores.append(float(np.nanmean(npmi)))
    return float(np.mean(scores)) if scores else float("nan")
