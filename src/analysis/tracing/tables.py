"""Every tracing table of a run, computed in one call (:func:`trace`) and named as exported."""

from __future__ import annotations

import dataclasses

import pandas as pd

from analysis import schema
from analysis.config import TracingConfig
from analysis.tracing.crosstabs import theme_by, theme_by_period
from analysis.tracing.groups import canonical_groups
from analysis.tracing.links import link_proposals, unanswered_obstacles
from analysis.tracing.specificity import specificities
from analysis.tracing.spread import recurrence
from analysis.workers import Background, closing_on_error


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
        a spare core: for a large corpus (the same tables).
    """
    counted = Background(_counts, segments, config, parallel=parallel)
    with closing_on_error(lambda: counted):
        # one function after the other: grouping holds n² distances (two copies while
        # linking); two groupings at once on two cores took 5.4 GiB at 100,000 segments
        obstacles = canonical_groups(segments, schema.FREIN, config=config)
        proposals = canonical_groups(segments, schema.PROPOSITION, config=config)
        practices = canonical_groups(segments, schema.BONNE_PRATIQUE, config=config)
        links = link_proposals(obstacles, proposals, segments, config=config)
    counts = counted.result()
    return TracingTables(
        recurrence=counts["recurrence"],
        obstacles=obstacles,
        proposals=proposals,
        good_practices=practices,
        links=links,
        unanswered=unanswered_obstacles(obstacles, links),
        themes_by_concertation=counts["themes_by_concertation"],
        themes_by_city=counts["themes_by_city"],
        themes_by_period=counts["themes_by_period"],
        specificities=counts["specificities"],
        word_specificities=counts["word_specificities"],
    )


def _counts(segments: pd.DataFrame, config: TracingConfig) -> dict[str, pd.DataFrame]:
    """The tables of :func:`trace` that count segments, not groups."""
    return {
        "recurrence": recurrence(segments, config=config),
        "themes_by_concertation": theme_by(segments, schema.CONCERTATION_ID),
        "themes_by_city": theme_by(segments, schema.CITY),
        "themes_by_period": theme_by_period(segments, config.period),
        "specificities": specificities(segments, schema.CITY, config=config),
        "word_specificities": specificities(segments, schema.CITY, unit="lemma", config=config),
    }
