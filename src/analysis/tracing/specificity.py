"""Specificities: themes or words over- or under-represented in a city, a concertation or a
period (Lafon's hypergeometric specificities, as in Lexico and TXM, with a Benjamini-Hochberg
correction over the cells that can be tested)."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import betaln
from scipy.stats import false_discovery_control

from analysis import cities, labels, schema
from analysis.config import TracingConfig
from analysis.tracing.crosstabs import theme_labels
from analysis.tracing.dates import check_dates, period_labels
from analysis.tracing.errors import SingleConcertationWarning, SmallCellsWarning, TracingError
from analysis.tracing.space import lemma_column

SpecificityUnit = Literal["theme", "lemma"]

_SPECIFICITY_COLUMNS = [
    schema.PART,
    schema.FORM,
    schema.THEME_LABEL,
    schema.OBSERVED,
    schema.EXPECTED,
    schema.PART_SIZE,
    schema.FORM_TOTAL,
    schema.SPECIFICITY,
    schema.P_VALUE,
    schema.Q_VALUE,
    schema.TESTABLE,
    schema.SIGNIFICANT,
    schema.DIRECTION,
    schema.SEGMENT_IDS,
]
_LOG10 = np.log(10.0)


def _part_column(segments: pd.DataFrame, by: str, config: TracingConfig) -> pd.Series:
    if by == schema.PERIOD and schema.PERIOD not in segments:
        return period_labels(check_dates(segments), config.period)
    schema.require_columns(segments, by, table="segments")
    return segments[by].fillna("").astype(str)


def _occurrences(segments: pd.DataFrame, unit: SpecificityUnit) -> pd.DataFrame:
    """Long table (segment_id, part, form): one row per occurrence of a theme or a lemma."""
    if unit == "theme":
        schema.require_columns(segments, schema.THEME_ID, table="segments")
        return (
            segments[[schema.SEGMENT_ID, schema.PART, schema.THEME_ID]]
            .rename(columns={schema.THEME_ID: schema.FORM})
            .dropna(subset=[schema.FORM])
        )
    schema.require_columns(segments, schema.LEMMAS, table="segments")
    tokens = lemma_column(segments).str.split()
    long = (
        segments[[schema.SEGMENT_ID, schema.PART]]
        .assign(**{schema.FORM: tokens})
        .explode(schema.FORM)
    )
    return long.dropna(subset=[schema.FORM])


_MAX_TAIL_TERMS = 100_000  # a safety bound: the sums stop long before (see _tail_sum)


def _log_pmf(k: np.ndarray, total: int, big_k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """log P(X = k) for X ~ H(total, big_k, n), in closed form (log-gamma)."""

    def log_choose(a: np.ndarray | int, b: np.ndarray) -> np.ndarray:
        # through the beta function: no cancellation between huge log-gammas
        return -np.log1p(a) - betaln(np.subtract(a, b) + 1, b + 1)

    return log_choose(big_k, k) + log_choose(total - big_k, n - k) - log_choose(total, n)


def _tail_sum(
    k: np.ndarray, total: int, big_k: np.ndarray, n: np.ndarray, upper: bool
) -> np.ndarray:
    """sum of pmf(x) / pmf(k) for x from k outwards (upwards when ``upper``), to the support's
    end or until the terms no longer count (they fall at least geometrically past the mode)."""
    x = k.copy()
    sums, term = np.ones_like(k), np.ones_like(k)
    bound = np.minimum(big_k, n) if upper else np.maximum(0, big_k + n - total)
    rest = total - big_k - n
    active = np.flatnonzero(x < bound if upper else x > bound)
    for _ in range(_MAX_TAIL_TERMS):
        if not active.size:
            break
        xa, ka, na = x[active], big_k[active], n[active]
        if upper:  # pmf(x + 1) / pmf(x)
            ratio = (ka - xa) * (na - xa) / ((xa + 1) * (rest[active] + xa + 1))
        else:  # pmf(x - 1) / pmf(x)
            ratio = xa * (rest[active] + xa) / ((ka - xa + 1) * (na - xa + 1))
        term[active] *= ratio
        sums[active] += term[active]
        x[active] += 1 if upper else -1
        still = (x[active] < bound[active]) if upper else (x[active] > bound[active])
        active = active[still & (term[active] > 1e-17 * sums[active])]
    return sums


def _log_tails(
    k: np.ndarray, total: int, form_total: np.ndarray, part_size: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """log P(X >= k) and log P(X <= k) for X ~ H(total, form_total, part_size), per cell.

    Each cell sums its *short* tail only, from k away from the mean, in units of P(X = k)
    (so that nothing underflows, even at p = 1e-3000), and takes the other tail as its
    complement. scipy's ``logsf``/``logcdf`` took minutes on a large corpus; this takes
    well under a second, and agrees with them to 1e-8 (relative, on the log).
    """
    k, big_k, n = (
        np.asarray(a, dtype=float) for a in np.broadcast_arrays(k, form_total, part_size)
    )
    log_pk = _log_pmf(k, total, big_k, n)
    above = k >= big_k * n / total
    log_upper, log_lower = np.empty_like(k), np.empty_like(k)
    for side, upper in ((above, True), (~above, False)):
        if not side.any():
            continue
        sums = _tail_sum(k[side], total, big_k[side], n[side], upper)
        short = log_pk[side] + np.log(sums)
        # the other tail: 1 - (short tail without k itself)
        with np.errstate(divide="ignore"):
            other = np.log1p(-np.minimum(1.0, np.exp(log_pk[side]) * (sums - 1.0)))
        (log_upper if upper else log_lower)[side] = short
        (log_lower if upper else log_upper)[side] = other
    return np.minimum(log_upper, 0.0), np.minimum(log_lower, 0.0)


def _hypergeometric(
    observed: np.ndarray, total: int, form_total: np.ndarray, part_size: np.ndarray, alpha: float
) -> dict[str, np.ndarray]:
    """Lafon's specificity: tails of the hypergeometric law, signed score, testability."""
    log_over, log_under = _log_tails(observed, total, form_total, part_size)
    expected = form_total * part_size / total
    above = observed >= expected
    score = np.where(above, -log_over / _LOG10, log_under / _LOG10)
    p_value = np.minimum(1.0, 2.0 * np.exp(np.minimum(log_over, log_under)))
    # Tarone: the smallest p-value this cell could ever give, whatever its count
    big_k, n = np.asarray(form_total, float), np.asarray(part_size, float)
    highest, lowest = np.minimum(big_k, n), np.maximum(0.0, big_k + n - total)
    best_possible = np.exp(
        np.minimum(_log_pmf(highest, total, big_k, n), _log_pmf(lowest, total, big_k, n))
    )
    testable = np.minimum(1.0, 2.0 * best_possible) <= alpha
    return {
        schema.EXPECTED: expected,
        schema.SPECIFICITY: score,
        schema.P_VALUE: p_value,
        schema.TESTABLE: testable,
    }


def specificities(
    segments: pd.DataFrame,
    by: str = schema.CITY,
    *,
    unit: SpecificityUnit = "theme",
    config: TracingConfig,
) -> pd.DataFrame:
    """Themes or words over- or under-represented in a city, a concertation or a period.

    For each part P (a value of ``by``) and form F (a theme, or a lemma), with N the total
    count (segments for themes, lemma occurrences for words), n the count of P, K the count of
    F and k the count of F in P, the count k is compared with the hypergeometric law
    H(N, K, n), as Lafon's specificities in Lexico and TXM: ``specificity`` is
    ``-log10 P(X >= k)`` when k is above its expectation and ``+log10 P(X <= k)`` (negative)
    below. ``p_value`` is two-sided (twice the smaller tail); ``q_value`` is its
    Benjamini-Hochberg adjustment over all *testable* cells of the table.

    A cell is **too small to test** when its form occurs fewer than ``config.min_frequency``
    times in all (the frequency threshold of Lexico and TXM), or when even the most extreme
    count it could take would not reach significance at ``config.alpha`` (Tarone's criterion:
    a theme or word too rare, or a part too small). Such cells have ``testable=False``, no
    ``q_value``, and are counted in a :class:`SmallCellsWarning`; they are kept in the theme
    table and left out of the lemma table. Leaving them out of the correction gives the
    other cells more power.

    Parameters
    ----------
    segments
        Needs ``segment_id``, the ``by`` column (``"period"`` is computed from ``date`` with
        ``config.period``), and ``theme_id`` (unit "theme") or ``lemmas`` (unit "lemma").
    by
        ``"city"``, ``"concertation_id"``, ``"period"`` or any other column.
    unit
        ``"theme"`` or ``"lemma"``.

    Returns
    -------
    DataFrame
        One row per part and form, sorted by part then decreasing specificity: ``part``,
        ``form``, ``theme_label`` (themes), ``observed``, ``expected``, ``part_size``,
        ``form_total``, ``specificity``, ``p_value``, ``q_value``, ``testable``,
        ``significant`` (q_value <= alpha), ``direction`` ("over", "under" or ""),
        ``segment_ids`` (segments of the part holding the form).

    Raises
    ------
    TracingError
        On an unknown ``unit``.
    """
    if unit not in ("theme", "lemma"):
        raise TracingError(f"unit={unit!r} : choisissez 'theme' ou 'lemma'.")
    schema.require_columns(segments, schema.SEGMENT_ID, table="segments")
    if by == schema.CITY:
        segments = cities.normalise_cities(segments)
    segments = segments.sort_values(schema.SEGMENT_ID, kind="stable")
    segments = segments.assign(**{schema.PART: _part_column(segments, by, config)})
    # a segment of no city (no concertation...) is in no part: "unknown" is not a place
    segments = segments[segments[schema.PART].str.strip() != ""]
    if segments[schema.PART].nunique() < 2:
        value = str(segments[schema.PART].iloc[0]) if len(segments) else ""
        which = f"« {value} »" if value.strip() else "non renseignée"
        warnings.warn(
            f"Une seule valeur de « {labels.variable_label(by)} » ({which}"
            ") : les spécificités comparent les parties entre elles, il n'y a rien à comparer "
            f"(pour un tableau, --meta-columns {by}=<colonne> donne la colonne qui la porte).",
            SingleConcertationWarning,
            stacklevel=2,
        )
        return schema.empty_table(_SPECIFICITY_COLUMNS)
    table = _specificity_table(_occurrences(segments, unit), config)
    if unit == "theme":
        names = theme_labels(segments)
        table[schema.THEME_LABEL] = table[schema.FORM].map(names).fillna("").astype(str)
        labelled = table[schema.THEME_LABEL] != ""
        _warn_small_cells(table, table[schema.THEME_LABEL].where(labelled, table[schema.FORM]))
    else:
        _warn_small_cells(table, table[schema.FORM])
        table = table[table[schema.TESTABLE]].reset_index(drop=True)
        table[schema.THEME_LABEL] = ""
    return table[_SPECIFICITY_COLUMNS]


def _specificity_table(occurrences: pd.DataFrame, config: TracingConfig) -> pd.DataFrame:
    counts = occurrences.groupby([schema.PART, schema.FORM], sort=True).size()
    grid = counts.unstack(fill_value=0)
    observed = grid.to_numpy(dtype=np.int64)
    part_size = observed.sum(axis=1, keepdims=True)
    form_total = observed.sum(axis=0, keepdims=True)
    total = int(observed.sum())
    stats = _hypergeometric(observed, total, form_total, part_size, config.alpha)
    # rare forms are not examined (Lexico's and TXM's frequency threshold): fewer tests, more power
    stats[schema.TESTABLE] &= np.broadcast_to(form_total >= config.min_frequency, observed.shape)
    table = pd.DataFrame(
        {
            schema.PART: np.repeat(grid.index.to_numpy(), grid.shape[1]),
            schema.FORM: np.tile(grid.columns.to_numpy(), grid.shape[0]),
            schema.OBSERVED: observed.ravel(),
            schema.EXPECTED: np.round(stats[schema.EXPECTED].ravel(), 3),
            schema.PART_SIZE: np.broadcast_to(part_size, observed.shape).ravel(),
            schema.FORM_TOTAL: np.broadcast_to(form_total, observed.shape).ravel(),
            schema.SPECIFICITY: np.round(stats[schema.SPECIFICITY].ravel(), 3),
            schema.P_VALUE: stats[schema.P_VALUE].ravel(),
            schema.TESTABLE: stats[schema.TESTABLE].ravel(),
        }
    )
    table[schema.Q_VALUE] = np.nan
    testable = table[schema.TESTABLE].to_numpy()
    if testable.any():
        table.loc[testable, schema.Q_VALUE] = false_discovery_control(
            table.loc[testable, schema.P_VALUE].to_numpy(), method="bh"
        )
    table[schema.SIGNIFICANT] = table[schema.Q_VALUE].le(config.alpha)
    over = table[schema.OBSERVED] > table[schema.EXPECTED]
    table[schema.DIRECTION] = np.where(
        table[schema.SIGNIFICANT], np.where(over, "over", "under"), ""
    )
    ids = (
        occurrences.drop_duplicates()
        .groupby([schema.PART, schema.FORM], sort=True)[schema.SEGMENT_ID]
        .agg(list)
    )
    keyed = pd.MultiIndex.from_frame(table[[schema.PART, schema.FORM]])
    table[schema.SEGMENT_IDS] = [v if isinstance(v, list) else [] for v in ids.reindex(keyed)]
    return table.sort_values(
        [schema.PART, schema.SPECIFICITY, schema.FORM], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)


def _warn_small_cells(table: pd.DataFrame, forms: pd.Series) -> None:
    """Count the cells too small to test, with three examples: a form (a word, or a theme by
    its label: ``forms``, row by row) in a part."""
    small = ~table[schema.TESTABLE]
    if not small.any():
        return
    first = table.index[small][:3]
    examples = ", ".join(
        f"« {form} » à « {part} »"
        for part, form in zip(table.loc[first, schema.PART], forms[first], strict=True)
    )
    warnings.warn(
        f"{int(small.sum())} cases sur {len(table)} sont trop petites pour être testées (une "
        "forme vue moins de [tracing] min_frequency fois en tout, ou une case dont même le "
        f"compte le plus extrême ne serait pas significatif), par exemple {examples}. Elles "
        "restent sans test (testable = False) ; regroupez les petites parties (une période "
        "plutôt qu'une concertation) ou baissez [tracing] min_frequency pour en tester davantage.",
        SmallCellsWarning,
        stacklevel=3,
    )
