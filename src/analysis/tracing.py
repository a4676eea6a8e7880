"""Themes, obstacles and proposals traced across concertations, cities and time.

Pure functions: each takes DataFrames and returns a new DataFrame, sorted deterministically, in
which every number can be traced back to the ``segment_ids`` it was computed from.

* :func:`theme_by`, :func:`theme_by_period`: theme x concertation / city / period tables;
* :func:`recurrence_unit`: what recurrence counts: concertations, or the contributions
  (documents) of a corpus that holds a single concertation (a platform export);
* :func:`recurrence`: for each theme and function (the freins of "polices municipales"...), in
  how many concertations and cities it appears, when first and last, and a status
  (persistent, new, fading, one-off);
* :func:`canonical_groups`: freins (or proposals) from different concertations that say the
  same thing, grouped by the similarity of their lemmas and expressions;
* :func:`link_proposals`, :func:`unanswered_obstacles`: which proposals answer which obstacles;
* :func:`specificities`: over- and under-represented themes or words in a city, a concertation
  or a period (Lafon's hypergeometric specificities, as in Lexico and TXM, with a
  Benjamini-Hochberg correction).

Bad input is handled out loud: city spellings are unified (:mod:`analysis.cities`),
undated concertations are set apart with :class:`MissingDateWarning`, a corpus of a single
concertation gives :class:`SingleConcertationWarning` and counts recurrence over its
contributions instead: the tables it gives then hold ``n_documents`` and ``recurrence_unit``
(``"doc_id"``), which :mod:`analysis.summaries` and :mod:`analysis.plots` read (:func:`unit_of`)
rather than deciding again. Messages are in French: the user reads them.

Example
-------
>>> from analysis.config import TracingConfig
>>> table = recurrence(segments, config=TracingConfig())
>>> obstacles = canonical_groups(segments, "frein", config=TracingConfig())
"""

from __future__ import annotations

import hashlib
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.special import betaln
from scipy.stats import false_discovery_control
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from analysis import cities, labels, schema
from analysis.config import TracingConfig

Period = Literal["year", "semester", "quarter"]
SpecificityUnit = Literal["theme", "lemma"]
RecurrenceUnit = Literal["concertation_id", "doc_id"]

# column of the group and recurrence tables of a single concertation: the unit counted
# ("doc_id"); absent when recurrence counts concertations (so those tables are unchanged)
RECURRENCE_UNIT = "recurrence_unit"

NO_DATE = labels.TRACING_LABELS["no_date"]
STATUS_ABSENT = "absent"  # recurrence rows of a theme with no segment of that function
_MAX_CONTRIBUTION_QUOTES = 5  # a group raised by 40 contributions is quoted by its 5 closest


class TracingError(ValueError):
    """A table cannot be traced (bad ``by`` column, unknown period or unit...)."""


class MissingDateWarning(UserWarning):
    """Some concertations have no date; they are left out of dates, periods and statuses."""


class SingleConcertationWarning(UserWarning):
    """Only one concertation (or part): recurrence is counted over contributions instead.

    Every step that meets the situation gives the same text, so that it is said once.
    """


class EmptySelectionWarning(UserWarning):
    """No segment has the requested function: no group can be formed."""


class SmallCellsWarning(UserWarning):
    """Specificity cells too small to test (they could never be significant)."""


# --- cities, dates, periods -------------------------------------------------------------------


def _check_dates(segments: pd.DataFrame) -> pd.Series:
    """Return ``date`` as datetime64, warning once about the concertations that have none."""
    schema.require_columns(segments, schema.DATE, table="segments")
    dates = pd.to_datetime(segments[schema.DATE], errors="coerce")
    if dates.isna().any():
        column = recurrence_unit(segments)  # the undated documents of a single concertation
        undated = sorted(segments.loc[dates.isna(), column].fillna("").astype(str).unique())
        what = "concertation" if column == schema.CONCERTATION_ID else "document"
        names = ", ".join(f"« {u} »" if u else _UNNAMED[column] for u in undated[:8])
        more = f" (et {len(undated) - 8} autres)" if len(undated) > 8 else ""
        warnings.warn(
            f"Pas de date pour {labels.french_plural(len(undated), what)} : {names}{more}. "
            f"Leurs segments sont comptés, mais laissés hors des dates, des périodes "
            f"(« {NO_DATE} ») et des statuts ; ajoutez une date aux documents sources (pour "
            "un tableau : --meta-columns date=<colonne>).",
            MissingDateWarning,
            stacklevel=3,
        )
    return dates


def period_labels(dates: pd.Series, period: Period = "year") -> pd.Series:
    """Label dates by period: "2023" (year), "2023-S2" (semester), "2023-T4" (quarter).

    Missing dates get ``"sans date"``.
    """
    if period not in ("year", "semester", "quarter"):
        raise TracingError(f"period={period!r} : choisissez 'year', 'semester' ou 'quarter'.")
    dates = pd.to_datetime(dates, errors="coerce")
    years = dates.dt.year.astype("Int64").astype(str)
    if period == "semester":
        years = years + "-S" + ((dates.dt.month - 1) // 6 + 1).astype("Int64").astype(str)
    elif period == "quarter":
        years = years + "-T" + dates.dt.quarter.astype("Int64").astype(str)
    return years.where(dates.notna(), NO_DATE)


def _iso(value: object) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


_UNNAMED = {
    schema.CONCERTATION_ID: "aucune concertation nommée",
    schema.DOC_ID: "document sans identifiant",
}


def recurrence_unit(segments: pd.DataFrame) -> RecurrenceUnit:
    """What recurrence counts: concertations, or contributions (documents) when there is one.

    A platform export (Decidim, a consultation's CSV) holds a single concertation: counting
    how many concertations raise a frein would find each frein in one, and none recurrent.
    What recurs there is what many contributions raise.

    Parameters
    ----------
    segments
        Segments (or documents) with ``concertation_id`` (missing values do not count) and
        ``doc_id``.

    Returns
    -------
    str
        ``"concertation_id"`` when the table holds two concertations or more (or has no
        ``doc_id``), else ``"doc_id"``.

    Example
    -------
    >>> recurrence_unit(pd.DataFrame({"concertation_id": ["", ""], "doc_id": ["1", "2"]}))
    'doc_id'
    """
    if schema.CONCERTATION_ID in segments:
        if segments[schema.CONCERTATION_ID].dropna().nunique() >= 2:
            return schema.CONCERTATION_ID
    return schema.DOC_ID if schema.DOC_ID in segments else schema.CONCERTATION_ID


def unit_of(table: pd.DataFrame) -> RecurrenceUnit:
    """The unit a group or recurrence table was counted in (its ``recurrence_unit`` column;
    concertations when the column is absent, as in every table of several concertations)."""
    if RECURRENCE_UNIT not in table.columns:
        return schema.CONCERTATION_ID
    stored = table[RECURRENCE_UNIT].dropna()
    return str(stored.iloc[0]) if len(stored) else schema.DOC_ID  # type: ignore[return-value]


def n_units_column(unit: str) -> str:
    """The column that counts ``unit``: ``n_concertations`` or ``n_documents``."""
    return schema.N_DOCUMENTS if unit == schema.DOC_ID else schema.N_CONCERTATIONS


def _with_unit_columns(columns: Sequence[str], unit: str) -> list[str]:
    """``columns``, with ``n_documents`` (after ``concertations``) and ``recurrence_unit``
    (last) when recurrence counts contributions."""
    if unit != schema.DOC_ID:
        return list(columns)
    place = columns.index(schema.CONCERTATIONS) + 1
    return [*columns[:place], schema.N_DOCUMENTS, *columns[place:], RECURRENCE_UNIT]


def single_concertation_message(segments: pd.DataFrame) -> str:
    """The French text of :class:`SingleConcertationWarning`: which concertation, what is
    counted instead, and how to name the concertations of a corpus."""
    values = (
        segments[schema.CONCERTATION_ID].dropna().astype(str).unique()
        if schema.CONCERTATION_ID in segments
        else []
    )
    named = len(values) and values[0].strip()
    name = f"« {values[0]} »" if named else _UNNAMED[schema.CONCERTATION_ID]
    counted = (
        "la récurrence des freins et des propositions est comptée sur les contributions "
        "(documents), et non sur les concertations"
        if recurrence_unit(segments) == schema.DOC_ID
        else "il n'y a pas de récurrence entre concertations à compter"
    )
    return (
        f"Une seule concertation ({name}) : {counted}. Pour comparer plusieurs concertations, "
        "nommez celle de chaque document : --meta-columns concertation_id=<colonne> pour un "
        "tableau, « concertation: » dans l'en-tête d'un fichier Markdown, ou un dossier par "
        "concertation."
    )


def _warn_if_single(segments: pd.DataFrame) -> bool:
    """Warn and return True when the segments come from a single concertation (the same
    text from every step: it is said once)."""
    if (
        schema.CONCERTATION_ID in segments
        and segments[schema.CONCERTATION_ID].dropna().nunique() >= 2
    ):
        return False
    warnings.warn(single_concertation_message(segments), SingleConcertationWarning, stacklevel=3)
    return True


# --- theme tables -----------------------------------------------------------------------------


def _theme_labels(segments: pd.DataFrame) -> dict[object, str]:
    if schema.THEME_LABEL not in segments:
        return {}
    pairs = segments[[schema.THEME_ID, schema.THEME_LABEL]].dropna().drop_duplicates()
    return dict(sorted(zip(pairs[schema.THEME_ID], pairs[schema.THEME_LABEL], strict=True)))


def _cross_table(segments: pd.DataFrame, column: str, order: Sequence[object]) -> pd.DataFrame:
    """Complete theme x column grid with counts, both shares and the segment ids of each cell."""
    themes = sorted(segments[schema.THEME_ID].dropna().unique())
    grid = pd.MultiIndex.from_product([themes, list(order)], names=[schema.THEME_ID, column])
    ordered = segments.sort_values(schema.SEGMENT_ID, kind="stable")
    cells = ordered.groupby([schema.THEME_ID, column], sort=True)[schema.SEGMENT_ID].agg(list)
    table = cells.reindex(grid).to_frame(schema.SEGMENT_IDS).reset_index()
    table[schema.SEGMENT_IDS] = [
        v if isinstance(v, list) else [] for v in table[schema.SEGMENT_IDS]
    ]
    table[schema.N_SEGMENTS] = table[schema.SEGMENT_IDS].str.len().astype(int)
    column_totals = table.groupby(column, sort=False)[schema.N_SEGMENTS].transform("sum")
    theme_totals = table.groupby(schema.THEME_ID, sort=False)[schema.N_SEGMENTS].transform("sum")
    table[schema.SHARE] = (
        (table[schema.N_SEGMENTS] / column_totals.where(column_totals > 0)).fillna(0.0).round(4)
    )
    table[schema.THEME_SHARE] = (
        (table[schema.N_SEGMENTS] / theme_totals.where(theme_totals > 0)).fillna(0.0).round(4)
    )
    names = _theme_labels(segments)
    table.insert(1, schema.THEME_LABEL, table[schema.THEME_ID].map(names).fillna("").astype(str))
    columns = [
        schema.THEME_ID,
        schema.THEME_LABEL,
        column,
        schema.N_SEGMENTS,
        schema.SHARE,
        schema.THEME_SHARE,
        schema.SEGMENT_IDS,
    ]
    return table[columns]


def theme_by(segments: pd.DataFrame, by: str = schema.CONCERTATION_ID) -> pd.DataFrame:
    """Theme x concertation (or city, document type...) table, counts and shares.

    Parameters
    ----------
    segments
        Needs ``segment_id``, ``theme_id`` and the ``by`` column; ``theme_label`` is used
        when present. With ``by="city"`` the spellings are unified
        (:func:`analysis.cities.normalise_cities`).
    by
        The column to cross with themes.

    Returns
    -------
    DataFrame
        One row per theme and ``by`` value (every combination, zeros included), sorted by
        ``theme_id`` then ``by``: ``theme_id``, ``theme_label``, ``by``, ``n_segments``,
        ``share`` (of the ``by`` group's segments), ``theme_share`` (of the theme's
        segments), ``segment_ids``.
    """
    schema.require_columns(segments, schema.SEGMENT_ID, schema.THEME_ID, by, table="segments")
    if by == schema.CITY:
        segments = cities.normalise_cities(segments)
    if by == schema.CONCERTATION_ID:
        _warn_if_single(segments)
    values = segments[by].fillna("").astype(str)
    segments = segments.assign(**{by: values})
    return _cross_table(segments, by, sorted(values.unique()))


def theme_by_period(segments: pd.DataFrame, period: Period = "year") -> pd.DataFrame:
    """Theme x period table (year, semester or quarter), counts and shares.

    Segments without a date go to the period ``"sans date"`` (last), with a
    :class:`MissingDateWarning`.

    Returns
    -------
    DataFrame
        As :func:`theme_by`, with a ``period`` column in chronological order.
    """
    schema.require_columns(segments, schema.SEGMENT_ID, schema.THEME_ID, table="segments")
    dates = _check_dates(segments)
    periods = period_labels(dates, period)
    order = sorted(p for p in periods.unique() if p != NO_DATE)
    order += [NO_DATE] if (periods == NO_DATE).any() else []
    return _cross_table(segments.assign(**{schema.PERIOD: periods}), schema.PERIOD, order)


# --- recurrence and status ----------------------------------------------------------------------


class _Timeline:
    """The corpus's time span and the cut-off dates of the statuses."""

    def __init__(self, dates: pd.Series, config: TracingConfig) -> None:
        dated = dates.dropna()
        self.start = dated.min() if len(dated) else None
        self.end = dated.max() if len(dated) else None
        span = (self.end - self.start) if len(dated) else pd.Timedelta(0)
        self.fading_after = (
            pd.Timestamp(config.fading_after)
            if config.fading_after
            else (self.start + span * (1 - config.recent_share) if len(dated) else None)
        )
        self.new_after = (
            pd.Timestamp(config.new_after)
            if config.new_after
            else (self.start + span * config.new_share if len(dated) else None)
        )

    def status(self, n_concertations: int, first: object, last: object) -> str:
        """persistent | new | fading | one-off | undated | absent."""
        if n_concertations == 0:
            return STATUS_ABSENT
        if n_concertations == 1:
            return schema.STATUS_ONE_OFF
        if pd.isna(first) or self.start is None:
            return schema.STATUS_UNDATED
        if pd.Timestamp(last) < self.fading_after:
            return schema.STATUS_FADING
        if pd.Timestamp(first) > self.new_after:
            return schema.STATUS_NEW
        return schema.STATUS_PERSISTENT


def _spread(
    members: pd.DataFrame, timeline: _Timeline, unit: str = schema.CONCERTATION_ID
) -> dict[str, object]:
    """Where and when a set of segments appears: concertations, contributions (documents),
    cities, dates, and the status of the count of ``unit``."""
    concertations = sorted(members[schema.CONCERTATION_ID].dropna().astype(str).unique())
    documents = members[schema.DOC_ID].nunique() if schema.DOC_ID in members else 0
    cities = sorted(c for c in members[schema.CITY].dropna().astype(str).unique() if c.strip())
    dates = members[schema.DATE].dropna()
    first = dates.min() if len(dates) else pd.NaT
    last = dates.max() if len(dates) else pd.NaT
    if _MEMBERS in members:  # statements: each row stands for one or more segments
        segment_ids = sorted(i for ids in members[_MEMBERS] for i in ids)
    else:
        segment_ids = sorted(members[schema.SEGMENT_ID].astype(str))
    return {
        schema.N_SEGMENTS: len(segment_ids),
        schema.N_CONCERTATIONS: len(concertations),
        schema.N_CITIES: len(cities),
        schema.CONCERTATIONS: concertations,
        schema.N_DOCUMENTS: int(documents),
        schema.CITIES: cities,
        schema.DATES: sorted({_iso(d) for d in dates}),
        schema.FIRST_DATE: first,
        schema.LAST_DATE: last,
        schema.STATUS: timeline.status(
            len(concertations) if unit == schema.CONCERTATION_ID else int(documents), first, last
        ),
        schema.SEGMENT_IDS: segment_ids,
        RECURRENCE_UNIT: unit,
    }


_MEMBERS = "_members"


def _sorted_ids(ids: pd.Series) -> list[str]:
    return sorted(map(str, ids))


def _statements(selected: pd.DataFrame, *, by_paragraph: bool) -> pd.DataFrame:
    """One row per statement: the segments of one paragraph that share a function and theme.

    A paragraph cut into 40-word segments says one thing; comparing its pieces separately
    would miss what one piece says and the other completes. Without ``doc_id`` and
    ``paragraph`` (or with ``by_paragraph=False``), each segment is its own statement.
    """
    if not by_paragraph or not {schema.DOC_ID, schema.PARAGRAPH} <= set(selected.columns):
        return selected.assign(**{_MEMBERS: [[str(i)] for i in selected[schema.SEGMENT_ID]]})
    keys = [schema.THEME_ID, schema.DOC_ID, schema.PARAGRAPH]
    ordered = selected.sort_values([*keys, schema.SEGMENT_ID], kind="stable")
    statements = ordered.groupby(keys, sort=True, dropna=False).agg(
        **{
            schema.SEGMENT_ID: (schema.SEGMENT_ID, "first"),
            schema.CONCERTATION_ID: (schema.CONCERTATION_ID, "first"),
            schema.CITY: (schema.CITY, "first"),
            schema.DATE: (schema.DATE, "first"),
            schema.TEXT: (schema.TEXT, " ".join),
            schema.LEMMAS: (schema.LEMMAS, " ".join),
            _MEMBERS: (schema.SEGMENT_ID, _sorted_ids),
        }
    )
    return statements.reset_index().sort_values(schema.SEGMENT_ID, kind="stable")


def _prepared(segments: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Check columns, unify cities, coerce dates (warning once), sort by segment id."""
    schema.require_columns(
        segments,
        schema.SEGMENT_ID,
        schema.CONCERTATION_ID,
        schema.CITY,
        schema.DATE,
        *columns,
        table="segments",
    )
    segments = cities.normalise_cities(segments)
    segments = segments.assign(**{schema.DATE: _check_dates(segments)})
    return segments.sort_values(schema.SEGMENT_ID, kind="stable").reset_index(drop=True)


def recurrence(
    segments: pd.DataFrame, *, config: TracingConfig, functions: Sequence[str] = schema.FUNCTIONS
) -> pd.DataFrame:
    """For each theme and function, where and when it appears, and its status.

    Status (dates of the concertations; see ``[tracing]`` in ``analysis.toml``):

    * ``one-off``: a single concertation;
    * ``fading``: last seen before ``fading_after`` (default: the last ``recent_share`` of the
      corpus's time span);
    * ``new``: first seen after ``new_after`` (default: ``new_share`` of the span);
    * ``persistent``: seen before and after those dates;
    * ``undated``: seen only in undated concertations; ``absent``: the theme has no segment of
      that function (the row is kept so that "no frein on this theme" is said, not hidden).

    With a single concertation (:func:`recurrence_unit`), the statuses count contributions
    (documents) and their dates instead, and the table gains ``n_documents`` and
    ``recurrence_unit``.

    Parameters
    ----------
    segments
        Needs ``segment_id``, ``concertation_id``, ``city``, ``date``, ``theme_id`` and
        ``function``; ``theme_label`` when present.
    config
        ``[tracing]`` settings.
    functions
        The functions to report (all six by default).

    Returns
    -------
    DataFrame
        One row per theme and function, sorted by ``theme_id`` then function order:
        ``theme_id``, ``theme_label``, ``function``, ``n_segments``, ``n_concertations``,
        ``n_cities``, ``concertations``, ``cities``, ``dates``, ``first_date``, ``last_date``,
        ``status``, ``segment_ids`` (and ``n_documents``, ``recurrence_unit`` with a single
        concertation).
    """
    segments = _prepared(segments, schema.THEME_ID, schema.FUNCTION)
    unit = recurrence_unit(segments)
    _warn_if_single(segments)
    timeline = _Timeline(segments[schema.DATE], config)
    names = _theme_labels(segments)
    rows = []
    for theme in sorted(segments[schema.THEME_ID].dropna().unique()):
        of_theme = segments[segments[schema.THEME_ID] == theme]
        for function in functions:
            members = of_theme[of_theme[schema.FUNCTION] == function]
            rows.append(
                {
                    schema.THEME_ID: theme,
                    schema.THEME_LABEL: names.get(theme, ""),
                    schema.FUNCTION: function,
                    **_spread(members, timeline, unit),
                }
            )
    return pd.DataFrame(rows, columns=_with_unit_columns(_RECURRENCE_COLUMNS, unit))


_RECURRENCE_COLUMNS = [
    schema.THEME_ID,
    schema.THEME_LABEL,
    schema.FUNCTION,
    schema.N_SEGMENTS,
    schema.N_CONCERTATIONS,
    schema.N_CITIES,
    schema.CONCERTATIONS,
    schema.CITIES,
    schema.DATES,
    schema.FIRST_DATE,
    schema.LAST_DATE,
    schema.STATUS,
    schema.SEGMENT_IDS,
]


# --- similarity of segments ---------------------------------------------------------------------


# the small words inside expressions ("groupe_de_travail") are not terms of their own
_FUNCTION_WORDS = frozenset("les des aux une pour par sur dans avec sans entre".split())


def lemma_terms(lemmas: str) -> list[str]:
    """Terms compared between segments: each lemma, and the words of each expression.

    ``"police_municipale recruter"`` gives ``["police_municipale", "recruter", "police",
    "municipale"]``, so that an expression found in one concertation still meets its words
    written apart in another.
    """
    tokens = str(lemmas).split()
    parts = [part for token in tokens if "_" in token for part in token.split("_")]
    return tokens + [part for part in parts if len(part) > 2 and part not in _FUNCTION_WORDS]


def _spaced(lemmas: str) -> str:
    return str(lemmas).replace("_", " ")


class _TokenTerms:
    """Term counts of an analyzer that reads each whitespace-separated token on its own
    (:func:`lemma_terms`, the character n-grams of words), worked out once per distinct token.

    A text's counts are then the sum of its tokens' counts: 100,000 segments of 3.6 million
    tokens hold about 20,000 distinct lemmas, and the analyzer runs on those alone. The counts
    (floats, like those of :class:`~sklearn.feature_extraction.text.TfidfVectorizer`) and the
    vocabulary (sorted terms) are those of scikit-learn's vectorisers with the same analyzer.
    """

    def __init__(self, analyzer: Callable[[str], list[str]]) -> None:
        self.analyzer = analyzer
        self.vocabulary: dict[str, int] = {}
        self._rows: dict[str, Counter[int]] = {}  # token -> counts of its terms' columns

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Learn the terms of ``texts`` (sorted) and return their counts."""
        tokens, by_token = self._tokens(texts)
        terms = sorted({term for token in tokens for term in self.analyzer(token)})
        self.vocabulary = {term: column for column, term in enumerate(terms)}
        self._rows = {}
        return self._counts(tokens, by_token)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Counts of the learnt terms in ``texts`` (other terms are left out)."""
        return self._counts(*self._tokens(texts))

    @staticmethod
    def _tokens(texts: Sequence[str]) -> tuple[list[str], sp.csr_matrix]:
        """The distinct tokens, and how often each text has each."""
        index: dict[str, int] = {}
        columns: list[int] = []
        starts = [0]
        for text in texts:
            columns.extend(index.setdefault(token, len(index)) for token in str(text).split())
            starts.append(len(columns))
        by_token = sp.csr_matrix(
            (np.ones(len(columns)), columns, starts), shape=(len(starts) - 1, len(index))
        )
        by_token.sum_duplicates()
        return list(index), by_token

    def _counts(self, tokens: list[str], by_token: sp.csr_matrix) -> sp.csr_matrix:
        rows = [self._row(token) for token in tokens]
        terms = sp.csr_matrix(
            (
                np.fromiter((n for row in rows for n in row.values()), dtype=np.float64),
                np.fromiter((c for row in rows for c in row), dtype=np.int64),
                np.cumsum([0, *map(len, rows)]),
            ),
            shape=(len(tokens), len(self.vocabulary)),
        )
        counts = (by_token @ terms).tocsr()
        counts.sort_indices()
        return counts

    def _row(self, token: str) -> Counter[int]:
        if token not in self._rows:
            columns = (self.vocabulary.get(term) for term in self.analyzer(token))
            self._rows[token] = Counter(c for c in columns if c is not None)
        return self._rows[token]


_CHAR_NGRAMS = CountVectorizer(analyzer="char_wb", ngram_range=(4, 5)).build_analyzer()


def _char_ngrams(token: str) -> list[str]:
    """The 4- and 5-character n-grams of a token's words (an expression's words apart)."""
    return _CHAR_NGRAMS(_spaced(token))


class _LemmaSpace:
    """Vectors of segments compared by cosine: lemma terms, and optionally character n-grams.

    Word rarity (IDF) is measured on all segments of the corpus. With ``char_ngrams``, each
    segment's vector joins its lemma-term TF-IDF and the TF-IDF of the 4- and 5-character
    n-grams of its lemmas, each half-weighted, so that the dot product of two vectors is the
    mean of the two cosines: n-grams meet words of one family written apart ("recruter" and
    "recrutement", "signaler" and "signalement").
    """

    def __init__(self, all_lemmas: Sequence[str], *, char_ngrams: bool = True) -> None:
        texts = list(all_lemmas)
        self._words = _TokenTerms(lemma_terms)
        self.words = TfidfTransformer(sublinear_tf=True).fit(self._words.fit_transform(texts))
        self._chars = self.chars = None
        if char_ngrams:
            self._chars = _TokenTerms(_char_ngrams)
            self.chars = TfidfTransformer(sublinear_tf=True).fit(self._chars.fit_transform(texts))
        self.terms = np.array(list(self._words.vocabulary), dtype=object)

    def transform(self, lemmas: Sequence[str]) -> sp.csr_matrix:
        """Rows whose dot products are the similarities of the segments."""
        lemmas = list(lemmas)
        words = self.words.transform(self._words.transform(lemmas)).tocsr()
        if self._chars is None or self.chars is None:
            return words
        chars = self.chars.transform(self._chars.transform(lemmas))
        return sp.hstack([words * np.sqrt(0.5), chars * np.sqrt(0.5)], format="csr")

    def term_weights(self, vectors: sp.csr_matrix) -> sp.csr_matrix:
        """The lemma-term part of ``vectors`` (for keywords and shared terms)."""
        return vectors[:, : len(self.terms)]


_SPACES: dict[tuple[str, bool], _LemmaSpace] = {}  # the last space built, by its input


def _lemma_space(lemmas: pd.Series, *, char_ngrams: bool) -> _LemmaSpace:
    """The :class:`_LemmaSpace` of these lemmas, built once for the obstacles, the proposals,
    the good practices and their links (the same corpus, whatever the order of its rows)."""
    digest = hashlib.blake2b(digest_size=16)
    for text in sorted(lemmas):
        digest.update(text.encode("utf-8") + b"\x1f")
    key = (digest.hexdigest(), char_ngrams)
    if key not in _SPACES:
        _SPACES.clear()
        _SPACES[key] = _LemmaSpace(lemmas, char_ngrams=char_ngrams)
    return _SPACES[key]


def _lemma_column(segments: pd.DataFrame) -> pd.Series:
    return segments[schema.LEMMAS].fillna("").astype(str)


def _cluster(vectors: sp.csr_matrix, threshold: float) -> np.ndarray:
    """Average-linkage clusters whose mean cosine similarity is at least ``threshold``."""
    n_rows = vectors.shape[0]
    if n_rows == 1:
        return np.zeros(1, dtype=int)
    tree = linkage(_condensed_distances(vectors), method="average")
    return fcluster(tree, t=1.0 - threshold, criterion="distance") - 1


def _condensed_distances(vectors: sp.csr_matrix, block: int = 1024) -> np.ndarray:
    """Cosine distances of every pair of rows, in scipy's condensed order.

    Computed block by block, straight into the condensed vector: memory is the n(n-1)/2
    distances plus one block, not several dense n-by-n copies (1.9 GB each for 15,000
    statements).
    """
    n_rows = vectors.shape[0]
    distances = np.empty(n_rows * (n_rows - 1) // 2, dtype=np.float64)
    transposed = vectors.T.tocsc()
    cursor = 0
    for start in range(0, n_rows, block):
        stop = min(n_rows, start + block)
        # only the columns from ``start`` on: the pairs below the diagonal are known already
        similarity = (vectors[start:stop] @ transposed[:, start:]).toarray()
        for offset in range(stop - start):
            width = n_rows - start - offset - 1
            distances[cursor : cursor + width] = similarity[offset, offset + 1 :]
            cursor += width
    np.subtract(1.0, distances, out=distances)
    return np.clip(distances, 0.0, 2.0, out=distances)


def _representative(
    members: pd.DataFrame, vectors: sp.csr_matrix, space: _LemmaSpace
) -> tuple[str, list[str], np.ndarray]:
    """The group's label sentence, its keywords and each member's similarity to the centroid."""
    from analysis.segmentation import split_sentences  # noqa: PLC0415 - avoids an import cycle

    closeness = np.asarray(vectors @ np.asarray(vectors.mean(axis=0)).ravel()).ravel()
    centroid = np.asarray(space.term_weights(vectors).mean(axis=0)).ravel()
    terms = space.terms
    top = np.argsort(-centroid, kind="stable")[:8]
    keywords = [str(terms[j]) for j in top if centroid[j] > 0][:5]
    medoid = members.iloc[int(np.argmax(closeness))]
    text = str(medoid[schema.TEXT])
    stems = {str(terms[j]).replace("_", " ")[:6]: centroid[j] for j in top if centroid[j] > 0}
    best, best_score = text, -1.0
    for start, end in split_sentences(text):
        sentence = text[start:end]
        folded = sentence.lower()
        score = sum(weight for stem, weight in stems.items() if stem in folded)
        if score > best_score:
            best, best_score = sentence, score
    return best, keywords, closeness


def _quotes(
    members: pd.DataFrame, closeness: np.ndarray, unit: str = schema.CONCERTATION_ID
) -> list[str]:
    """One quote per concertation (its member closest to the group), in date order; with
    contributions as the unit, the ``_MAX_CONTRIBUTION_QUOTES`` contributions closest to the
    group, one quote each."""
    ranked = members.assign(_closeness=closeness).sort_values(
        [schema.DATE, unit, "_closeness", schema.SEGMENT_ID],
        ascending=[True, True, False, True],
        kind="stable",
        na_position="last",
    )
    bests = [best.iloc[0] for _, best in ranked.groupby(unit, sort=False, dropna=False)]
    if unit == schema.DOC_ID:
        bests = sorted(bests, key=lambda row: (-row["_closeness"], str(row[schema.SEGMENT_ID])))
        bests = bests[:_MAX_CONTRIBUTION_QUOTES]
    quotes = []
    for row in bests:
        where = ", ".join(
            x for x in (str(row[schema.CITY]), labels.french_date(row[schema.DATE])) if x
        )
        text = f"« {' '.join(str(row[schema.TEXT]).split())} »"
        quotes.append(f"{text} ({where})" if where else text)
    return quotes


# --- canonical groups ---------------------------------------------------------------------------

_GROUP_COLUMNS = [
    schema.GROUP_ID,
    schema.THEME_ID,
    schema.THEME_LABEL,
    schema.FUNCTION,
    schema.LABEL,
    schema.KEYWORDS,
    schema.N_CITIES,
    schema.CITIES,
    schema.N_CONCERTATIONS,
    schema.CONCERTATIONS,
    schema.DATES,
    schema.FIRST_DATE,
    schema.LAST_DATE,
    schema.N_SEGMENTS,
    schema.SEGMENT_IDS,
    schema.QUOTES,
    schema.STATUS,
]


def canonical_groups(
    segments: pd.DataFrame,
    function: str = schema.FREIN,
    *,
    config: TracingConfig,
    min_concertations: int | None = None,
) -> pd.DataFrame:
    """Group the segments of one function (freins, proposals...) that say the same thing.

    The segments of ``function`` are first gathered into *statements* (the segments of one
    paragraph, when ``config.by_paragraph``), then compared by cosine: half lemma terms
    (TF-IDF; an expression counts as itself and as its words; word rarity measured on the
    whole corpus), half 4-5 letter n-grams of the lemmas (``config.char_ngrams``), and
    grouped by average-linkage clustering: a group holds statements whose mean similarity is
    at least ``config.similarity_threshold``. Statements of different themes may be grouped
    (the theme model can split one subject), unless ``config.group_within_theme``.

    Parameters
    ----------
    segments
        Needs ``segment_id``, ``concertation_id``, ``city``, ``date``, ``text``, ``lemmas``,
        ``theme_id`` and ``function``; ``theme_label`` when present.
    function
        The function whose segments are grouped: ``"frein"`` or ``"proposition"`` mostly.
    config
        ``[tracing]`` settings.
    min_concertations
        Keep groups found in at least this many concertations (default
        ``config.min_concertations``; 1 keeps one-off items too); with a single concertation
        (:func:`recurrence_unit`), in at least this many contributions (documents).

    Returns
    -------
    DataFrame
        One row per group, sorted by decreasing number of cities, then of segments, then
        ``group_id``: ``group_id`` ("frein-01"...), ``theme_id``, ``theme_label``, ``function``,
        ``label`` (a representative sentence), ``keywords``, ``n_cities``, ``cities``,
        ``n_concertations``, ``concertations``, ``dates``, ``first_date``, ``last_date``,
        ``n_segments``, ``segment_ids``, ``quotes`` (one per concertation), ``status``.
        With a single concertation, groups are counted and ranked by contributions: the table
        gains ``n_documents`` (after ``concertations``) and ``recurrence_unit`` (``"doc_id"``,
        last), ``quotes`` holds the contributions closest to the group (five at most) and
        ``status`` counts contributions. Empty (same columns) when no segment has the
        function, with :class:`EmptySelectionWarning`. A theme with no such segment simply
        has no group (:func:`recurrence` reports it as ``absent``).
    """
    if function not in schema.FUNCTIONS:
        raise TracingError(
            f"function={function!r} : choisissez parmi {', '.join(schema.FUNCTIONS)}."
        )
    segments = _prepared(segments, schema.THEME_ID, schema.FUNCTION, schema.LEMMAS, schema.TEXT)
    minimum = config.min_concertations if min_concertations is None else min_concertations
    unit = recurrence_unit(segments)
    columns = _with_unit_columns(_GROUP_COLUMNS, unit)
    selected = segments[segments[schema.FUNCTION] == function]
    if selected.empty:
        warnings.warn(
            f"Aucun segment n'a la fonction « {function} » : aucun groupe à former. Vérifiez "
            "le repérage des fonctions (classify_functions) avant le traçage.",
            EmptySelectionWarning,
            stacklevel=2,
        )
        return schema.empty_table(columns)
    _warn_if_single(segments)
    space = _lemma_space(_lemma_column(segments), char_ngrams=config.char_ngrams)
    timeline = _Timeline(segments[schema.DATE], config)
    names = _theme_labels(segments)
    rows = []
    selected = _statements(
        selected.assign(
            **{
                schema.LEMMAS: _lemma_column(selected),
                schema.TEXT: selected[schema.TEXT].fillna("").astype(str),
            }
        ),
        by_paragraph=config.by_paragraph,
    )
    partitions = (
        selected.groupby(schema.THEME_ID, sort=True)
        if config.group_within_theme
        else [(None, selected)]
    )
    for _, part in partitions:
        vectors = space.transform(_lemma_column(part))
        clusters = _cluster(vectors, config.similarity_threshold)
        for cluster in np.unique(clusters):
            inside = np.flatnonzero(clusters == cluster)
            members = part.iloc[inside]
            rows.append(
                _group_row(members, vectors[inside], space, timeline, names, function, unit)
            )
    table = pd.DataFrame(rows, columns=[c for c in columns if c != schema.GROUP_ID])
    table = table[table[n_units_column(unit)] >= minimum]
    return _number_groups(table, function, columns)


def _group_row(
    members: pd.DataFrame,
    vectors: sp.csr_matrix,
    space: _LemmaSpace,
    timeline: _Timeline,
    names: dict[object, str],
    function: str,
    unit: str,
) -> dict[str, object]:
    label, keywords, closeness = _representative(members, vectors, space)
    theme = Counter(members[schema.THEME_ID]).most_common()
    theme_id = sorted(theme, key=lambda item: (-item[1], str(item[0])))[0][0]
    return {
        schema.THEME_ID: theme_id,
        schema.THEME_LABEL: names.get(theme_id, ""),
        schema.FUNCTION: function,
        schema.LABEL: label,
        schema.KEYWORDS: keywords,
        schema.QUOTES: _quotes(members, closeness, unit),
        **_spread(members, timeline, unit),
    }


def _number_groups(table: pd.DataFrame, function: str, columns: list[str]) -> pd.DataFrame:
    """Number the groups, most widespread first: in most cities (several concertations) or
    raised by most contributions (a single concertation)."""
    first_ids = table[schema.SEGMENT_IDS].str[0]
    widest = schema.N_DOCUMENTS if RECURRENCE_UNIT in columns else schema.N_CITIES
    order = table.assign(_first=first_ids).sort_values(
        [widest, schema.N_SEGMENTS, "_first"],
        ascending=[False, False, True],
        kind="stable",
    )
    prefix = function.replace(" ", "_")
    width = max(2, len(str(len(order))))
    order.insert(0, schema.GROUP_ID, [f"{prefix}-{i + 1:0{width}d}" for i in range(len(order))])
    return order[columns].reset_index(drop=True)


# --- links between proposals and obstacles -----------------------------------------------------

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
    """L2-normalised mean vector of each group's segments."""
    rows = []
    for ids in groups[schema.SEGMENT_IDS]:
        positions = [vectors_by_id[str(i)] for i in ids if str(i) in vectors_by_id]
        mean = (
            np.asarray(vectors[positions].mean(axis=0)).ravel()
            if positions
            else np.zeros(vectors.shape[1])
        )
        norm = np.linalg.norm(mean)
        rows.append(mean / norm if norm > 0 else mean)
    return np.vstack(rows) if rows else np.zeros((0, vectors.shape[1]))


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
    space = _lemma_space(_lemma_column(ordered), char_ngrams=config.char_ngrams)
    # only the segments of the groups are compared
    members = {
        str(i)
        for ids in (*obstacle_groups[schema.SEGMENT_IDS], *proposal_groups[schema.SEGMENT_IDS])
        for i in ids
    }
    grouped = ordered[ordered[schema.SEGMENT_ID].astype(str).isin(members)]
    vectors = space.transform(_lemma_column(grouped))
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


def _shared_terms(first: np.ndarray, second: np.ndarray, space: _LemmaSpace) -> list[str]:
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


# --- specificities ----------------------------------------------------------------------------

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
        return period_labels(_check_dates(segments), config.period)
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
    tokens = _lemma_column(segments).str.split()
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
    if segments[schema.PART].nunique() < 2:
        value = str(segments[schema.PART].iloc[0]) if len(segments) else ""
        warnings.warn(
            f"Une seule valeur de « {by} » ({f'« {value} »' if value.strip() else 'non renseignée'}"
            ") : les spécificités comparent les parties entre elles, il n'y a rien à comparer "
            f"(pour un tableau, --meta-columns {by}=<colonne> donne la colonne qui la porte).",
            SingleConcertationWarning,
            stacklevel=2,
        )
        return schema.empty_table(_SPECIFICITY_COLUMNS)
    table = _specificity_table(_occurrences(segments, unit), config)
    if unit == "theme":
        names = _theme_labels(segments)
        table[schema.THEME_LABEL] = table[schema.FORM].map(names).fillna("").astype(str)
    else:
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
    _warn_small_cells(table)
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


def _warn_small_cells(table: pd.DataFrame) -> None:
    small = table[~table[schema.TESTABLE]]
    if small.empty:
        return
    examples = ", ".join(
        f"{f} à {p}" for p, f in small[[schema.PART, schema.FORM]].head(3).itertuples(index=False)
    )
    warnings.warn(
        f"{len(small)} cases sur {len(table)} sont trop petites pour être testées (une forme vue "
        "moins de min_frequency fois en tout, ou une case dont même le compte le plus extrême "
        f"ne serait pas significatif), par exemple {examples}. Elles n'ont pas de q-value ; "
        "regroupez les petites parties (une période plutôt qu'une concertation) ou baissez "
        "[tracing] min_frequency pour en tester davantage.",
        SmallCellsWarning,
        stacklevel=3,
    )
