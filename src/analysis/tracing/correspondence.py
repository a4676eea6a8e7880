"""Correspondence analysis (AFC) of themes x a variable (city, concertation, period, a platform's
category), with the themes' keywords projected on the same plane, as IRaMuTeQ draws it.

The contingency table counts the classified segments of each theme in each value of the
variable. Its chi-square distances are decomposed (singular value decomposition of the
standardised residuals): each axis carries a share of the total inertia (how far the table is
from independence); themes and values are placed in principal coordinates, so that a theme
lies near the values where it is over-represented. Each theme keyword is a supplementary row
(it does not shape the axes): its profile over the values (segments holding it) is projected
by the transition formula, so a word sits among the themes and values it goes with.

Every point carries its mass, its coordinates, its contribution to each axis (what made the
axis: read these first) and its quality on the plane (cos², how well the plane shows it).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis import labels, schema
from analysis.config import TracingConfig
from analysis.themes.keywords import terms_by_theme
from analysis.tracing.crosstabs import theme_labels
from analysis.tracing.dates import NO_DATE, check_dates, period_labels
from analysis.tracing.errors import MissingDateWarning, TracingError
from analysis.vectorise import display_term

THEME_POINT = "thème"
VALUE_POINT = "modalité"
WORD_POINT = "mot"
AXIS = ("axis_1", "axis_2")
CONTRIBUTION = ("contribution_1", "contribution_2")
KIND, MASS, QUALITY, VARIABLE = "kind", "mass", "quality", "variable"
POINT_COLUMNS = (
    VARIABLE,
    KIND,
    schema.LABEL,
    schema.THEME_ID,
    MASS,
    *AXIS,
    *CONTRIBUTION,
    QUALITY,
)
MIN_CATEGORIES = 3  # a plane needs three themes and three values
_N_PROJECTED = 10  # keywords of each theme projected on the maps


class NotEnoughForAMap(TracingError):
    """The table has too few themes or values for a plane (the message says which)."""


@dataclasses.dataclass(frozen=True)
class Correspondence:
    """A correspondence analysis: the points of the plane and the inertia of each axis."""

    variable: str
    points: pd.DataFrame  # POINT_COLUMNS, themes then values then words
    inertia: np.ndarray  # eigenvalue of every axis, decreasing

    @property
    def inertia_shares(self) -> np.ndarray:
        """Share of the total inertia on each axis."""
        total = self.inertia.sum()
        return self.inertia / total if total > 0 else self.inertia

    def table(self) -> pd.DataFrame:
        """The points, with the inertia share of the two axes in each row (for the export)."""
        shares = self.inertia_shares
        return self.points.assign(
            inertia_1=round(float(shares[0]), 4), inertia_2=round(float(shares[1]), 4)
        )


def contingency(segments: pd.DataFrame, variable: str) -> pd.DataFrame:
    """Classified segments by theme (rows) and value of ``variable`` (columns), sorted; missing
    values and unclassified segments are left out."""
    schema.require_columns(segments, schema.THEME_ID, variable, table="segments")
    values = _values(segments, variable)
    themes = segments[schema.THEME_ID]
    classified = themes.notna() & (themes.astype(str) != str(schema.UNCLASSIFIED))
    kept = classified & (values != "") & (values != "NaT")
    frame = pd.DataFrame(
        {schema.THEME_ID: segments.loc[kept, schema.THEME_ID], variable: values[kept]}
    )
    return pd.crosstab(frame[schema.THEME_ID], frame[variable]).sort_index().sort_index(axis=1)


def _values(segments: pd.DataFrame, variable: str) -> pd.Series:
    """The values of ``variable`` as the map shows them: strings, ``""`` when missing."""
    return segments[variable].astype("string").fillna("").str.strip()


def correspondence_analysis(
    segments: pd.DataFrame,
    variable: str,
    *,
    keywords: Mapping[int, Sequence[str]] | None = None,
) -> Correspondence:
    """Correspondence analysis of themes x ``variable``, keywords projected.

    Parameters
    ----------
    segments
        Needs ``theme_id`` and ``variable``; ``theme_label`` names the themes, ``lemmas`` is
        read for the keywords.
    variable
        The column crossed with the themes (``city``, ``concertation_id``, ``period``...).
    keywords
        Keywords of each theme, as lemma terms (``term`` of the keywords table:
        ``formation_initiale``); each distinct keyword held by some segments becomes a
        supplementary point, shown as the reports show terms ("formation initiale").

    Returns
    -------
    Correspondence

    Raises
    ------
    NotEnoughForAMap
        With fewer than three themes or three values (said in French: the report prints it
        where the map would be).
    """
    counts = contingency(segments, variable)
    n_themes, n_values = counts.shape
    if n_values == 0:
        raise NotEnoughForAMap(
            f"« {labels.variable_label(variable)} » n'est renseignée pour aucun segment classé : "
            "rien à croiser avec les thèmes (pour un tableau, --meta-columns donne la colonne "
            "qui la porte)."
        )
    if n_themes < MIN_CATEGORIES or n_values < MIN_CATEGORIES:
        raise NotEnoughForAMap(
            f"il faut au moins {MIN_CATEGORIES} thèmes et {MIN_CATEGORIES} valeurs de "
            f"« {labels.variable_label(variable)} » pour une carte ; ce corpus a {n_themes} "
            f"thème(s) classé(s) et {n_values} valeur(s)."
        )
    table = counts.to_numpy(dtype=float)
    total = table.sum()
    proportions = table / total
    row_mass, column_mass = proportions.sum(axis=1), proportions.sum(axis=0)
    expected = np.outer(row_mass, column_mass)
    residuals = (proportions - expected) / np.sqrt(expected)
    left, singular, right = np.linalg.svd(residuals, full_matrices=False)
    n_axes = min(n_themes, n_values) - 1  # the last singular value is zero
    left, singular, right = left[:, :n_axes], singular[:n_axes], right[:n_axes].T
    # a deterministic sign: the largest coordinate of each axis on the themes is positive
    signs = np.sign(left[np.abs(left).argmax(axis=0), np.arange(n_axes)])
    signs[signs == 0] = 1
    left, right = left * signs, right * signs
    row_coordinates = left * singular / np.sqrt(row_mass)[:, None]
    column_coordinates = right * singular / np.sqrt(column_mass)[:, None]
    inertia = singular**2
    names = theme_labels(segments[segments[schema.THEME_ID].isin(counts.index)])
    themes = _points(
        THEME_POINT,
        [names.get(t, str(t)) for t in counts.index],
        list(counts.index),
        row_mass,
        row_coordinates,
        inertia,
    )
    values = _points(
        VALUE_POINT,
        [str(v) for v in counts.columns],
        [None] * n_values,
        column_mass,
        column_coordinates,
        inertia,
    )
    words = _keyword_points(
        segments, variable, counts, keywords or {}, column_coordinates, singular
    )
    points = pd.concat([p for p in (themes, values, words) if len(p)], ignore_index=True)
    points.insert(0, VARIABLE, variable)
    if pd.api.types.is_integer_dtype(counts.index):  # the pipeline's ids; a value has none
        points[schema.THEME_ID] = points[schema.THEME_ID].astype("Int64")
    return Correspondence(variable, points[list(POINT_COLUMNS)], inertia)


def _points(
    kind: str,
    names: list[str],
    theme_ids: list[object],
    mass: np.ndarray,
    coordinates: np.ndarray,
    inertia: np.ndarray | None,
) -> pd.DataFrame:
    """Points of one kind: coordinates on the first two axes, contributions (active points
    only) and quality on the plane."""
    plane = np.zeros((len(names), 2))
    plane[:, : min(2, coordinates.shape[1])] = coordinates[:, :2]
    squared = (coordinates**2).sum(axis=1)
    quality = np.divide(
        (plane**2).sum(axis=1), squared, out=np.zeros(len(names)), where=squared > 0
    )
    frame = pd.DataFrame(
        {
            KIND: kind,
            schema.LABEL: names,
            schema.THEME_ID: theme_ids,
            MASS: mass.round(4),
            AXIS[0]: plane[:, 0].round(4),
            AXIS[1]: plane[:, 1].round(4),
            QUALITY: quality.round(3),
        }
    )
    for axis, column in enumerate(CONTRIBUTION):
        if inertia is None or axis >= len(inertia) or inertia[axis] <= 0:
            frame[column] = np.nan
        else:
            frame[column] = (mass * plane[:, axis] ** 2 / inertia[axis]).round(4)
    return frame


def _keyword_points(
    segments: pd.DataFrame,
    variable: str,
    counts: pd.DataFrame,
    keywords: Mapping[int, Sequence[str]],
    column_coordinates: np.ndarray,
    singular: np.ndarray,
) -> pd.DataFrame:
    """Each keyword as a supplementary row: its profile over the values, projected."""
    owner: dict[str, int] = {}
    for theme in sorted(keywords):
        if theme in counts.index:
            for word in keywords[theme]:
                owner.setdefault(str(word).replace(" ", "_"), theme)
    if not owner or schema.LEMMAS not in segments:
        return pd.DataFrame(columns=[KIND, schema.LABEL, schema.THEME_ID, MASS, *AXIS, QUALITY])
    values = _values(segments, variable)
    tokens = segments[schema.LEMMAS].fillna("").astype(str).str.split()
    column_index = {v: i for i, v in enumerate(counts.columns)}
    profiles = np.zeros((len(owner), len(counts.columns)))
    row_of = {word: i for i, word in enumerate(owner)}
    for words, value in zip(tokens, values, strict=True):
        column = column_index.get(value)
        if column is None:
            continue
        for word in set(words) & owner.keys():
            profiles[row_of[word], column] += 1
    held = profiles.sum(axis=1) > 0
    profiles = profiles[held] / profiles[held].sum(axis=1, keepdims=True)
    words = [w for w, keep in zip(owner, held, strict=True) if keep]
    coordinates = profiles @ column_coordinates / singular
    return _points(
        WORD_POINT,
        [display_term(w) for w in words],
        [owner[w] for w in words],
        np.zeros(len(words)),
        coordinates,
        None,
    )


def correspondences(
    segments: pd.DataFrame,
    documents: pd.DataFrame | None,
    keywords: pd.DataFrame | None,
    config: TracingConfig,
) -> tuple[dict[str, Correspondence], dict[str, str]]:
    """The maps of ``[tracing] correspondence``: one per variable that has enough values.

    Parameters
    ----------
    segments
        Classified segments (``theme_id``, ``theme_label``, ``lemmas``, metadata).
    documents
        Read for a variable the segments do not carry (a platform's category kept with
        ``--meta-columns``), joined by ``doc_id``.
    keywords
        The keywords table of the theme step (``theme_id``, ``rank``, ``term``): the ten first
        of each theme are projected.
    config
        ``correspondence`` (the variables) and ``period``.

    Returns
    -------
    maps : dict
        By variable.
    absent : dict
        By variable, why it has no map (in French: too few values, no such column).
    """
    theme_keywords = terms_by_theme(keywords, _N_PROJECTED)
    maps: dict[str, Correspondence] = {}
    absent: dict[str, str] = {}
    for variable in config.correspondence:
        frame = _with_variable(segments, documents, variable, config)
        if frame is None:
            absent[variable] = (
                f"la colonne « {variable} » n'est ni dans les segments ni dans les documents ; "
                "gardez-la avec --meta-columns, ou retirez-la de [tracing] correspondence."
            )
            continue
        try:
            maps[variable] = correspondence_analysis(frame, variable, keywords=theme_keywords)
        except NotEnoughForAMap as reason:
            absent[variable] = str(reason)
    return maps, absent


def _with_variable(
    segments: pd.DataFrame,
    documents: pd.DataFrame | None,
    variable: str,
    config: TracingConfig,
) -> pd.DataFrame | None:
    """``segments`` with the column ``variable`` (periods from the dates; undated left out)."""
    if variable == schema.PERIOD and schema.DATE in segments:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MissingDateWarning)  # said by the period table
            periods = period_labels(check_dates(segments), config.period)
        return segments.assign(**{variable: periods.where(periods != NO_DATE, "")})
    if variable in segments:
        return segments
    if documents is None or variable not in documents or schema.DOC_ID not in documents:
        return None
    values = documents.drop_duplicates(schema.DOC_ID).set_index(schema.DOC_ID)[variable]
    return segments.assign(**{variable: segments[schema.DOC_ID].map(values)})
