"""Choosing the number of themes: stability, coherence and separation for each k.

With ``n_themes="auto"`` the model fits each k of a range on a seeded sample of the segments and
scores it (:func:`k_search_table`). :func:`choose_k` takes the best combined score, then the
smallest k that scores nearly as well and whose stability is within the noise of the steadiest
k's (one standard error of the pairwise ARIs: with few or loosely themed segments, the criteria
cannot tell 5 themes from 12, and the simpler answer is kept), unless the previous run's k is
close enough, so that adding a few documents does not reshuffle the themes. The table says how
sure the choice is (columns ``margin`` and ``certainty``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score, pairwise_distances_chunked, silhouette_samples
from sklearn.utils import check_array

from analysis import labels, schema
from analysis.themes.base import ThemeError, ThemeEstimator, ThemeWarning
from analysis.themes.keywords import keyword_table, npmi_coherence

# diagnostics table columns (auto k)
K = "k"
STABILITY = "stability"
STABILITY_SE = "stability_se"  # standard error of the pairwise ARIs behind ``stability``
COHERENCE = "coherence"
SEPARATION = "separation"
UNCLASSIFIED_SHARE = "unclassified_share"
COMBINED = "score"
CHOSEN = "chosen"
PREVIOUS = "previous"  # the previous run's number of themes
MARGIN = "margin"  # the chosen k's score minus the best score of the other k (on its row)
CERTAINTY = "certainty"  # "sûr" or "incertain" (on the chosen k's row)
K_TOLERANCE = 0.1  # the previous k is kept when its score is this close to the best
NOISE_SE = 1.0  # a smaller k whose stability is within this many standard errors is preferred
SCORE_TOLERANCE = 0.3  # ...when its combined score (0 to 1) is this close to the best
SURE_MARGIN = 0.1  # a choice is "sûr" when its score leads the others by this much...
SURE_STABILITY = 0.5  # ...and its partitions agree across subsamples at least this much (ARI)
SURE, UNSURE = "sûr", "incertain"
SILHOUETTE_SAMPLE = 2000  # rows of the separation's silhouette


def choose_k(diagnostics: pd.DataFrame, prefer_n_themes: int | None = None) -> pd.DataFrame:
    """Mark the chosen number of themes in an auto-k diagnostics table.

    The best combined score wins, or a smaller k as well supported
    (:func:`simplest_within_noise`), unless ``prefer_n_themes`` (the previous run's k) scores
    within ``K_TOLERANCE`` of that choice.
    Returns a copy with the columns ``chosen``, ``previous``, ``margin`` and ``certainty`` set
    again (a table of an earlier fit may carry another run's marks); :func:`chosen_k` reads it.
    """
    table = diagnostics.drop(
        columns=[CHOSEN, PREVIOUS, MARGIN, CERTAINTY], errors="ignore"
    ).reset_index(drop=True)
    table[CHOSEN] = False
    best = simplest_within_noise(table)
    table[PREVIOUS] = table[K] == prefer_n_themes
    previous = np.flatnonzero(table[PREVIOUS].to_numpy())
    if (
        len(previous)
        and table[COMBINED].iloc[previous[0]] >= table[COMBINED].iloc[best] - K_TOLERANCE
    ):
        best = int(previous[0])
    table.loc[best, CHOSEN] = True
    return _mark_certainty(table, best)


def simplest_within_noise(table: pd.DataFrame) -> int:
    """Row of the best combined score, or of the smallest k below it that is as stable.

    The one-standard-error rule of model selection: among the k up to the best-scoring one,
    the steadiest (highest stability) is found; the smallest k whose stability is within
    ``NOISE_SE`` standard errors of it (column ``stability_se``; absent: no noise, the best
    score wins) and whose combined score is within ``SCORE_TOLERANCE`` of the best is as well
    supported, and simpler to read.
    """
    scores = table[COMBINED].to_numpy(dtype=float)
    best = int(np.argmax(scores))
    if STABILITY_SE not in table.columns or not np.isfinite(table[STABILITY].iloc[best]):
        return best
    stability = np.nan_to_num(table[STABILITY].to_numpy(dtype=float), nan=-1.0)
    ks = table[K].to_numpy()
    up_to_best = ks <= ks[best]
    steadiest = int(np.argmax(np.where(up_to_best, stability, -np.inf)))
    noise = NOISE_SE * np.nan_to_num(table[STABILITY_SE].iloc[steadiest])
    close = scores >= scores[best] - SCORE_TOLERANCE
    steady = stability >= stability[steadiest] - noise
    candidates = np.flatnonzero(up_to_best & ((close & steady) | (ks == ks[best])))
    return int(candidates[np.argmin(ks[candidates])])


def _mark_certainty(table: pd.DataFrame, chosen: int) -> pd.DataFrame:
    """Fill ``margin`` and ``certainty`` on the chosen row (empty elsewhere)."""
    scores = table[COMBINED].to_numpy(dtype=float)
    others = np.delete(scores, chosen)
    margin = float(scores[chosen] - others.max()) if len(others) else 1.0
    stability = float(table[STABILITY].iloc[chosen]) if STABILITY in table.columns else 1.0
    sure = margin >= SURE_MARGIN and stability >= SURE_STABILITY
    table[MARGIN] = np.nan
    table[CERTAINTY] = ""
    table.loc[chosen, MARGIN] = round(margin, 6)
    table.loc[chosen, CERTAINTY] = SURE if sure else UNSURE
    return table


def k_certainty(diagnostics: pd.DataFrame) -> str:
    """A French sentence saying which k was chosen and how sure the choice is."""
    row = diagnostics.loc[diagnostics[CHOSEN]].iloc[0]
    k, stability = int(row[K]), float(row.get(STABILITY, np.nan))
    if row.get(CERTAINTY) == SURE:
        return (
            f"{k} thèmes : choix sûr (score en tête de {row[MARGIN]:.2f}, stabilité "
            f"{stability:.2f} entre sous-échantillons)."
        )
    return (
        f"{k} thèmes : choix incertain (écart de score {row[MARGIN]:+.2f} avec le meilleur autre "
        f"k, stabilité {stability:.2f}) : d'autres nombres de thèmes se défendent ; comparez-les "
        "dans le tableau, ou fixez themes.n_themes."
    )


def chosen_k(diagnostics: pd.DataFrame) -> int:
    """The k marked ``chosen`` in a table of :func:`choose_k`."""
    return int(diagnostics.loc[diagnostics[CHOSEN], K].iloc[0])


def fixed_n_themes(n_themes: int, n_distinct: int) -> int:
    """Check a number of themes asked for against the distinct segments; warn when thin.

    Raises
    ------
    ThemeError
        When there are fewer distinct segments than themes.
    """
    if n_themes > n_distinct:
        raise ThemeError(
            f"n_themes={n_themes}, mais seuls {n_distinct} segments distincts "
            f"ont des lemmes : choisissez n_themes <= {max(2, n_distinct // 3)}, "
            "ou 'auto'."
        )
    if n_themes * 3 > n_distinct:
        warnings.warn(
            f"n_themes={n_themes} pour {n_distinct} segments distincts laisse "
            "environ deux segments par thème : de tels thèmes ne sont pas fiables ; "
            "demandez-en moins.",
            ThemeWarning,
            stacklevel=4,
        )
    return int(n_themes)


def search_range(n_distinct: int, n_terms: int, k_min: int, k_max: int) -> list[int]:
    """The values of k to try: ``k_min..k_max`` narrowed to about five segments per theme.

    Returns an empty list when fewer than two themes could be searched; warns when the range
    is narrowed.
    """
    k_high = min(k_max, n_distinct // 5, n_terms)  # NMF cannot find more themes than terms
    k_low = min(k_min, k_high)
    if k_high < 2:
        return []
    if (k_low, k_high) != (k_min, k_max):
        warnings.warn(
            f"Avec {n_distinct} segments distincts, le nombre de thèmes est cherché "
            f"entre {k_low} et {k_high} au lieu de {k_min} et {k_max} "
            "(au moins cinq segments par thème environ).",
            ThemeWarning,
            stacklevel=4,
        )
    return list(range(k_low, k_high + 1))


def too_few_to_search(n_distinct: int, n_terms: int) -> int:
    """The number of themes of a note or two, where no search is meaningful (with a warning):
    the report still runs to the end."""
    n_themes = 2 if min(n_distinct, n_terms) >= 4 else 1
    warnings.warn(
        f"Seulement {labels.french_plural(n_distinct, 'segment distinct', 'segments distincts')}"
        " : trop peu pour choisir le nombre de thèmes (il en faut au moins 10) ; "
        f"{labels.french_plural(n_themes, 'thème retenu', 'thèmes retenus')}. "
        "Lisez ces thèmes comme une simple indication, ou ajoutez des documents.",
        ThemeWarning,
        stacklevel=4,
    )
    return n_themes


def finds_every_k(partitions: dict[int, np.ndarray], ks: list[int]) -> bool:
    """Whether the partition at ``max(ks)`` (of :func:`search_partitions`) has that many
    themes (Reinert's tree stops splitting classes smaller than ``min_class_size``: a small
    corpus cannot be cut at every k)."""
    k_high = max(ks)
    labels = partitions[k_high]
    return len(np.unique(labels[labels >= 0])) == k_high


def sample_rows(n_rows: int, size: int, random_state: int) -> np.ndarray:
    """All rows, or a seeded sorted sample of ``size`` rows when there are more."""
    if n_rows <= size:
        return np.arange(n_rows)
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n_rows, size, replace=False))


def k_search_table(
    estimator: ThemeEstimator,
    tfidf: sp.csr_matrix,
    presence: sp.csr_matrix,
    ks: list[int],
    *,
    random_state: int,
    n_resamples: int,
    full: dict[int, np.ndarray] | None = None,
) -> pd.DataFrame:
    """The auto-k table: stability, coherence and separation for each k.

    ``full``: the partitions of all the rows, when the caller has them
    (:func:`search_partitions` with ``random_state``).

    - stability: mean adjusted Rand index between the partitions of ``n_resamples`` seeded
      80 % subsamples (each with its own random start), on the segments they share, and its
      standard error (``stability_se``), which :func:`choose_k` reads as the noise;
    - coherence: mean NPMI of the ten best keywords' pairs, per theme;
    - separation: cosine silhouette of the segments in TF-IDF space.
    The three are rescaled to [0, 1] over the k tried and averaged into ``score``; the
    best score wins, the smaller k on a tie, except that the previous run's k (column
    ``previous``) is kept when its score is within ``K_TOLERANCE`` of the best.
    """
    n_rows = tfidf.shape[0]
    if full is None:
        full = search_partitions(estimator, tfidf, presence, ks, random_state)
    subsets, parts = [], []
    for resample in range(n_resamples):
        seed = random_state + 1 + resample
        rows = np.sort(np.random.default_rng(seed).choice(n_rows, int(0.8 * n_rows), replace=False))
        subsets.append(rows)
        parts.append(search_partitions(estimator, tfidf[rows], presence[rows], ks, seed))
    records = []
    distances: dict[bytes, np.ndarray] = {}  # the sample's distances, once for all k
    for k in ks:
        labels = full[k]
        stability, stability_se = _mean_pairwise_ari(subsets, [p[k] for p in parts])
        records.append(
            {
                K: k,
                STABILITY: stability,
                STABILITY_SE: stability_se,
                COHERENCE: _coherence(presence, labels),
                SEPARATION: _separation(tfidf, labels, random_state, distances),
                UNCLASSIFIED_SHARE: float(np.mean(labels < 0)),
            }
        )
    table = pd.DataFrame(records)
    scaled = [_rescale(table[c]) for c in (STABILITY, COHERENCE, SEPARATION)]
    table[COMBINED] = np.mean(scaled, axis=0)
    return table


def search_partitions(
    estimator: ThemeEstimator,
    tfidf: sp.csr_matrix,
    presence: sp.csr_matrix,
    ks: list[int],
    seed: int,
) -> dict[int, np.ndarray]:
    """The labels of the rows at each k in ``ks``, by ``estimator`` seeded with ``seed``."""
    seeded = clone(estimator).set_params(random_state=seed)
    return seeded.partitions(tfidf, ks, presence=presence)


def _mean_pairwise_ari(
    subsets: list[np.ndarray], partitions: list[np.ndarray]
) -> tuple[float, float]:
    """Mean ARI between partitions of overlapping subsets, on their shared classified rows,
    and its standard error (NaN with fewer than two pairs)."""
    values = []
    for first in range(len(subsets)):
        for second in range(first + 1, len(subsets)):
            shared = np.intersect1d(subsets[first], subsets[second])
            a = partitions[first][np.searchsorted(subsets[first], shared)]
            b = partitions[second][np.searchsorted(subsets[second], shared)]
            both = (a >= 0) & (b >= 0)
            if both.sum() > 1:
                values.append(adjusted_rand_score(a[both], b[both]))
    if not values:
        return float("nan"), float("nan")
    spread = np.std(values, ddof=1) / np.sqrt(len(values)) if len(values) > 1 else np.nan
    return float(np.mean(values)), float(spread)


def _coherence(presence: sp.csr_matrix, labels: np.ndarray) -> float:
    columns = np.arange(presence.shape[1])
    table = keyword_table(presence, labels, columns, n_keywords=10)
    groups = [g["term"].to_numpy(dtype=np.int64) for _, g in table.groupby(schema.THEME_ID)]
    return npmi_coherence(presence, groups)


def _separation(
    tfidf: sp.csr_matrix,
    labels: np.ndarray,
    seed: int,
    distances: dict[bytes, np.ndarray] | None = None,
) -> float:
    """Cosine silhouette of the classified rows, on a seeded sample of at most
    ``SILHOUETTE_SAMPLE`` of them (scikit-learn's ``silhouette_score`` with ``sample_size``
    and ``random_state``, the same draw and the same figures).

    ``distances`` keeps the sample's distance matrix by classified rows: the k of a search
    that classify the same rows share one sample, whose distances are computed once.
    """
    kept = np.flatnonzero(labels >= 0)
    if len(np.unique(labels[kept])) < 2 or len(kept) < 3:
        return float("nan")
    sample = np.random.RandomState(seed).permutation(len(kept))[:SILHOUETTE_SAMPLE]
    distances = {} if distances is None else distances
    key = kept.tobytes()
    if key not in distances:
        rows = check_array(tfidf[kept], accept_sparse=["csr"])[sample]
        distances[key] = np.vstack(list(pairwise_distances_chunked(rows, metric="cosine")))
    found = silhouette_samples(distances[key], labels[kept][sample], metric="precomputed")
    return float(np.mean(found))


def _rescale(values: pd.Series) -> np.ndarray:
    """Min-max rescaling to [0, 1]; a constant (or all-NaN) criterion counts 0.5 everywhere."""
    array = values.to_numpy(dtype=float)
    if np.all(np.isnan(array)):
        return np.full(len(array), 0.5)
    low, high = np.nanmin(array), np.nanmax(array)
    if high - low < 1e-12:
        return np.full(len(array), 0.5)
    return np.nan_to_num((array - low) / (high - low), nan=0.0)
