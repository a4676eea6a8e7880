"""Themes, obstacles and proposals traced across concertations, cities and time.

Pure functions: each takes DataFrames and returns a new DataFrame, sorted deterministically, in
which every number can be traced back to the ``segment_ids`` it was computed from.

* :func:`theme_by`, :func:`theme_by_period`: theme x concertation / city / period tables
  (:mod:`~analysis.tracing.crosstabs`; dates and periods in :mod:`~analysis.tracing.dates`);
* :func:`recurrence_unit`: what recurrence counts: concertations, or the contributions
  (documents) of a corpus that holds a single concertation (a platform export)
  (:mod:`~analysis.tracing.units`);
* :func:`recurrence`: for each theme and function (the freins of "polices municipales"...), in
  how many concertations and cities it appears, when first and last, and a status
  (persistent, new, fading, one-off) (:mod:`~analysis.tracing.spread`);
* :func:`canonical_groups`: freins (or proposals) from different concertations that say the
  same thing, grouped by the similarity of their lemmas and expressions
  (:mod:`~analysis.tracing.groups`, in the space of :mod:`~analysis.tracing.space`);
* :func:`link_proposals`, :func:`unanswered_obstacles`: which proposals answer which obstacles
  (:mod:`~analysis.tracing.links`);
* :func:`correspondence_analysis`: correspondence analysis (AFC) of themes x a variable, keywords
  projected, as IRaMuTeQ maps its classes (:mod:`~analysis.tracing.correspondence`);
* :func:`specificities`: over- and under-represented themes or words in a city, a concertation
  or a period (Lafon's hypergeometric specificities, as in Lexico and TXM, with a
  Benjamini-Hochberg correction) (:mod:`~analysis.tracing.specificity`).

Bad input is handled out loud: city spellings are unified (:mod:`analysis.cities`),
undated concertations are set apart with :class:`MissingDateWarning`, a corpus of a single
concertation gives :class:`SingleConcertationWarning` and counts recurrence over its
contributions instead: the tables it gives then hold ``n_documents`` and ``recurrence_unit``
(``"doc_id"``), which :mod:`analysis.summaries` and :mod:`analysis.plots` read (:func:`unit_of`)
rather than deciding again. Messages are in French: the user reads them
(:mod:`~analysis.tracing.errors`).

Example
-------
>>> from analysis.config import TracingConfig
>>> table = recurrence(segments, config=TracingConfig())
>>> obstacles = canonical_groups(segments, "frein", config=TracingConfig())
"""

from analysis.tracing.correspondence import (
    Correspondence,
    NotEnoughForAMap,
    correspondence_analysis,
    correspondences,
)
from analysis.tracing.crosstabs import theme_by, theme_by_period
from analysis.tracing.dates import NO_DATE, Period, period_labels, resolve_period
from analysis.tracing.errors import (
    EmptySelectionWarning,
    MissingDateWarning,
    SingleConcertationWarning,
    SmallCellsWarning,
    TracingError,
)
from analysis.tracing.groups import canonical_groups
from analysis.tracing.links import link_proposals, unanswered_obstacles
from analysis.tracing.space import lemma_terms
from analysis.tracing.specificity import SpecificityUnit, specificities
from analysis.tracing.spread import STATUS_ABSENT, recurrence
from analysis.tracing.tables import TracingTables, trace
from analysis.tracing.units import (
    RecurrenceUnit,
    n_units_column,
    recurrence_unit,
    single_concertation_message,
    single_document,
    unit_of,
)

__all__ = [
    "Correspondence",
    "NotEnoughForAMap",
    "correspondence_analysis",
    "correspondences",
    "TracingTables",
    "trace",
    "NO_DATE",
    "STATUS_ABSENT",
    "EmptySelectionWarning",
    "MissingDateWarning",
    "Period",
    "RecurrenceUnit",
    "SingleConcertationWarning",
    "SmallCellsWarning",
    "SpecificityUnit",
    "TracingError",
    "canonical_groups",
    "lemma_terms",
    "link_proposals",
    "n_units_column",
    "period_labels",
    "recurrence",
    "recurrence_unit",
    "resolve_period",
    "single_concertation_message",
    "single_document",
    "specificities",
    "theme_by",
    "theme_by_period",
    "unanswered_obstacles",
    "unit_of",
]
