"""Every tracing table of a run, computed in one call (:func:`trace`) and named as exported."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis import schema
from analysis.config import TracingConfig
from analysis.tracing.crosstabs import theme_by, theme_by_period
from analysis.tracing.groups import canonical_groups
from analysis.tracing.links import link_proposals, unanswered_obstacles
from analysis.tracing.space import lemma_column, lemma_space
from analysis.tracing.specificity import specificities
from analysis.tracing.spread import recurrence
from analysis.workers import Background, closing_on_error

# the functions whose segments are grouped (:func:`canonical_groups`)
GROUPED = (schema.FREIN, schema.PROPOSITION, schema.BONNE_PRATIQUE)
# with a second process, the functions but the most frequent are grouped there when they have
# this many segments at most in all (their pairs' distances then take 100 MB at most beside
# the largest function's here), in a corpus of this many segments at most: the second process
# copies the segments as it works. At 98,120 segments (the sample corpus repeated,
# benchmarks/bench_pipeline.py), when SciPy's linkage still copied the distances, the run
# peaked at 4.9 GiB with the groups made there, 4.5 without (4.8 before either), over the
# 4 GiB budget; not measured again since the linkage is made in place
GROUPED_BESIDE = 5_000
SEGMENTS_BESIDE = 50_000


@dataclasses.dataclass(frozen=True)
class TracingTables:
    """The tracing tables of a run; :meth:`named` gives them by the name they are exported
    under (``obstacles`` -> ``obstacles.csv`` and a sheet of ``fiches.xlsx``)."""

    recurrence: pd.DataFrame
    obstacles: pd.DataFrame
    proposals: pd.DataFrame
    good_practices: pd.DataFrame
    links: pd.DataFrame
    unanswered: pd.DataFrame
    themes_by_concertation: pd.DataFrame
    themes_by_city: pd.DataFrame
    themes_by_period: pd.DataFrame
    specificities: pd.DataFrame
    word_specificities: pd.DataFrame

    def named(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in a fixed order (the order of the report)."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}

    @property
    def groups(self) -> list[pd.DataFrame]:
        """The canonical groups of freins, proposals and good practices, in that order."""
        return [self.obstacles, self.proposals, self.good_practices]


def trace(
    segments: pd.DataFrame, config: TracingConfig, *, parallel: bool = False
) -> TracingTables:
    """Compute every tracing table of ``segments``.

    Parameters
    ----------
    segments
        Segments with ``theme_id``, ``theme_label``, ``function``, ``lemmas`` and metadata.
    config
        The ``[tracing]`` settings.
    parallel
        Count the segments (recurrence, themes by concertation, city and period,
        specificities) in a second process while the groups are made here, on a machine with
        a spare core: for a large corpus (the same tables). That process then groups the
        functions but the most frequent too, when they are few (:data:`GROUPED_BESIDE`,
        :data:`SEGMENTS_BESIDE`).
    """
    beside = _grouped_beside(segments) if parallel else []
    if beside:  # the lemma space of the groups, built once and forked with the other process
        lemma_space(lemma_column(segments), char_ngrams=config.char_ngrams)
    counted = Background(_counts, segments, config, grouped=beside, parallel=parallel)
    with closing_on_error(lambda: counted):
        # one function after the other here: grouping holds n² / 2 distances (two large
        # groupings at once took 5.4 GiB at 100,000 segments, when SciPy's linkage copied them)
        groups = {
            function: canonical_groups(segments, function, config=config)
            for function in GROUPED
            if function not in beside
        }
        counts = counted.result()
    groups.update(counts.pop(_GROUPS, {}))
    obstacles, proposals = groups[schema.FREIN], groups[schema.PROPOSITION]
    links = link_proposals(obstacles, proposals, segments, config=config)
    return TracingTables(
        recurrence=counts["recurrence"],
        obstacles=obstacles,
        proposals=proposals,
        good_practices=groups[schema.BONNE_PRATIQUE],
        links=links,
        unanswered=unanswered_obstacles(obstacles, links),
        themes_by_concertation=counts["themes_by_concertation"],
        themes_by_city=counts["themes_by_city"],
        themes_by_period=counts["themes_by_period"],
        specificities=counts["specificities"],
        word_specificities=counts["word_specificities"],
    )


def _grouped_beside(segments: pd.DataFrame) -> list[str]:
    """The functions grouped in the other process: all but the most frequent (the first of
    :data:`GROUPED` on a tie), when they have ``GROUPED_BESIDE`` segments at most in all and
    the corpus ``SEGMENTS_BESIDE``."""
    if len(segments) > SEGMENTS_BESIDE:
        return []
    sizes = segments[schema.FUNCTION].value_counts()
    counted = [int(sizes.get(function, 0)) for function in GROUPED]
    largest = GROUPED[counted.index(max(counted))]
    others = [function for function in GROUPED if function != largest]
    return others if sum(counted) - max(counted) <= GROUPED_BESIDE else []


_GROUPS = "groups"


def _counts(
    segments: pd.DataFrame, config: TracingConfig, *, grouped: Sequence[str] = ()
) -> dict[str, Any]:
    """The tables of :func:`trace` that count segments, not groups; with ``grouped``, the
    canonical groups of those functions too, by function."""
    counts: dict[str, Any] = {
        "recurrence": recurrence(segments, config=config),
        "themes_by_concertation": theme_by(segments, schema.CONCERTATION_ID),
        "themes_by_city": theme_by(segments, schema.CITY),
        "themes_by_period": theme_by_period(segments, config.period),
        "specificities": specificities(segments, schema.CITY, config=config),
        "word_specificities": specificities(segments, schema.CITY, unit="lemma", config=config),
    }
    if grouped:  # in a forked process, which may not fork again: described here alone
        counts[_GROUPS] = {
            function: canonical_groups(segments, function, config=config, parallel=False)
            for function in grouped
        }
    return counts
