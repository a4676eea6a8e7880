"""Build the fiches: one :class:`Fiche` per theme, from the segments, themes and groups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis import labels, schema, tracing
from analysis.config import SummariesConfig
from analysis.summaries.changes import Terms, Timeline, period_note, theme_changes
from analysis.summaries.extracts import theme_extracts
from analysis.summaries.groups import group_items, listed_groups
from analysis.summaries.inputs import (
    Corpus,
    answered_ids,
    check_config,
    document_titles,
    n_concertations_total,
    prepare_segments,
    split_date,
    warn_unknown_themes,
)
from analysis.summaries.model import Fiche
from analysis.summaries.values import sorted_ids, theme_keywords, to_date
from analysis.summaries.wording import volume_sentence, weight_sentence
from analysis.workers import map_in_two


def _fiche(
    theme: dict[str, Any],
    corpus: Corpus,
    groups: pd.DataFrame | None,
    answered_ids: set[str] | None,
) -> Fiche:
    segments = corpus.segments
    theme_id = theme[schema.THEME_ID]
    rows = np.flatnonzero((segments[schema.THEME_ID] == theme_id).to_numpy())
    frame = segments.iloc[rows]
    items = []
    if groups is not None:
        items = group_items(groups[groups[schema.THEME_ID] == theme_id], corpus, answered_ids)
    cities = tuple(sorted(c for c in frame[schema.CITY].unique() if c))
    n_concertations = int(frame[schema.CONCERTATION_ID].nunique())
    n_documents = int(frame[schema.DOC_ID].nunique())
    share = len(frame) / corpus.n_classified if corpus.n_classified else 0.0
    first, last = frame[schema.DATE].min(), frame[schema.DATE].max()
    obstacles, proposals, practices = listed_groups(items, rows, corpus)
    quotes, summary = theme_extracts(frame, corpus)
    new, faded = theme_changes(rows, items, corpus)
    total = corpus.n_concertations_total
    by_contribution = corpus.unit == schema.DOC_ID
    volume = (
        volume_sentence(
            n_documents,
            corpus.n_documents_total,
            len(cities),
            first,
            last,
            unit=corpus.unit,
            dated=corpus.dates_known,
        )
        if by_contribution
        else volume_sentence(
            n_concertations, total, len(cities), first, last, dated=corpus.dates_known
        )
    )
    return Fiche(
        theme_id=theme_id,
        label=str(theme.get(schema.LABEL) or f"Thème {theme_id}"),
        keywords=theme_keywords(theme.get(schema.KEYWORDS)),
        volume=volume,
        weight=weight_sentence(len(frame), n_documents, share),
        n_segments=len(frame),
        n_documents=n_documents,
        n_concertations=n_concertations,
        n_concertations_total=total,
        n_cities=len(cities),
        cities=cities,
        first_date=to_date(first),
        last_date=to_date(last),
        share=round(share, 4),
        obstacles=obstacles,
        proposals=proposals,
        good_practices=practices,
        quotes=quotes,
        summary=summary,
        new_items=tuple(new),
        faded_items=tuple(faded),
        split_date=to_date(corpus.split),
        period_note=period_note(frame, corpus),
        segment_ids=sorted_ids(frame[schema.SEGMENT_ID]),
        recurrence_unit=corpus.unit,
        recurrence_note=_recurrence_note(corpus),
        cities_known=corpus.cities_known,
        dates_known=corpus.dates_known,
        recurrence_counted=not corpus.single_document,
        n_other=int((frame[schema.FUNCTION] == schema.AUTRE).sum())
        if schema.FUNCTION in frame
        else 0,
    )


def _recurrence_note(corpus: Corpus) -> str:
    """What the fiche's groups are counted over, in French ("" for concertations)."""
    if corpus.single_document:
        return labels.CONTRIBUTION_LABELS["single_note"]
    return labels.CONTRIBUTION_LABELS["mode_note"] if corpus.unit == schema.DOC_ID else ""


def build_fiches(
    segments: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    documents: pd.DataFrame,
    groups: pd.DataFrame | Sequence[pd.DataFrame] | None = None,
    links: pd.DataFrame | None = None,
    config: SummariesConfig | None = None,
    parallel: bool = False,
) -> list[Fiche]:
    """Build one fiche per theme of ``themes`` (unclassified segments get none).

    Parameters
    ----------
    segments
        Needs ``segment_id`` (unique), ``doc_id``, ``concertation_id``, ``city``, ``date``,
        ``text``, ``theme_id``; uses ``theme_score``, ``function``, ``lemmas``, ``paragraph``,
        ``position``, ``n_words`` and ``title`` when present.
    themes
        Needs ``theme_id`` and ``label``; ``keywords`` (a list or a "a, b" string) when present.
    documents
        Needs ``doc_id``; ``title`` (quoted sources) and ``concertation_id`` (the "sur 12").
    groups
        Canonical groups of freins, proposals (and good practices) from
        :func:`analysis.tracing.canonical_groups`, one table or several (obstacles, proposals):
        ``group_id``, ``theme_id``, ``label``, ``segment_ids``, and ``function`` (else the
        majority function of its segments). Counts are recomputed from ``segment_ids``; when a
        group has none, its own ``n_concertations``, ``cities``... are used. Their
        ``recurrence_unit`` column (a single concertation) makes the fiches count contributions
        (:func:`analysis.tracing.unit_of`). None: the fiches say "aucun frein récurrent
        identifié", and count contributions when the segments hold a single concertation.
    links
        :func:`analysis.tracing.link_proposals` (``obstacle_group_id``): the freins no
        proposal answers are marked. None: not marked.
    config
        The ``[summaries]`` settings.
    parallel
        Build every other fiche in a second process (:func:`analysis.workers.map_in_two`),
        on a machine with a spare core: for a large corpus (the same fiches).

    Returns
    -------
    list of Fiche
        Ordered by ``theme_id``.

    Raises
    ------
    SummariesError
        On bad settings, duplicated ``segment_id`` or an invalid ``compare_since``.
    schema.SchemaError
        When a table lacks a needed column.

    Warns
    -----
    SummariesWarning
        For segments whose theme is not in ``themes``, groups pointing at unknown segments,
        documents without titles.
    """
    config = config or SummariesConfig()
    check_config(config)
    schema.require_columns(themes, schema.THEME_ID, schema.LABEL, table="themes")
    if groups is not None and not isinstance(groups, pd.DataFrame):
        groups = pd.concat(list(groups), ignore_index=True) if len(groups) else None
    if groups is not None:
        schema.require_columns(groups, schema.THEME_ID, schema.LABEL, table="groups")
    frame = prepare_segments(segments)
    warn_unknown_themes(frame, themes)
    corpus = Corpus(
        segments=frame,
        by_id={v: i for i, v in enumerate(frame[schema.SEGMENT_ID])},
        titles=document_titles(documents),
        n_concertations_total=n_concertations_total(documents, frame),
        n_documents_total=int(documents[schema.DOC_ID].nunique()),
        # tracing decided it and stored it in the groups; decided here only without groups
        unit=tracing.unit_of(groups) if groups is not None else tracing.recurrence_unit(frame),
        n_classified=int((frame[schema.THEME_ID] != schema.UNCLASSIFIED).sum()),
        split=(split := split_date(frame, config.compare_since)),
        config=config,
        terms=(
            Terms.of(frame, Timeline.of(frame, split))
            if split is not None and schema.LEMMAS in frame.columns
            else None
        ),
        cities_known=bool(frame[schema.CITY].ne("").any()),
        dates_known=bool(frame[schema.DATE].notna().any()),
    )
    answered = answered_ids(links)
    ordered = themes[themes[schema.THEME_ID] != schema.UNCLASSIFIED].sort_values(schema.THEME_ID)
    return map_in_two(
        lambda theme: _fiche(theme, corpus, groups, answered),
        ordered.to_dict("records"),
        parallel=parallel,
    )
