"""What is new, or has faded, in a theme between the concertations before and since a date."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis import labels, schema
from analysis.summaries.inputs import Corpus
from analysis.summaries.model import ChangeItem, ChangeStatus, GroupItem
from analysis.summaries.values import sorted_ids
from analysis.vectorise import content_terms, display_term


@dataclass(frozen=True)
class Timeline:
    """Per-segment arrays of a table, for counting concertations before and since the split."""

    concertations: np.ndarray
    dated: np.ndarray
    recent: np.ndarray
    ids: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame, split: pd.Timestamp) -> Timeline:
        dates = frame[schema.DATE]
        return cls(
            concertations=frame[schema.CONCERTATION_ID].to_numpy(dtype=object),
            dated=dates.notna().to_numpy(),
            recent=(dates >= split).to_numpy(),
            ids=frame[schema.SEGMENT_ID].to_numpy(dtype=object),
        )


def _change(
    kind: str, label: str, rows: np.ndarray, timeline: Timeline, min_concertations: int
) -> ChangeItem | None:
    """A :class:`ChangeItem` when the segments at ``rows`` are new or have faded."""
    rows = rows[timeline.dated[rows]]
    recent = timeline.recent[rows]
    n_recent = len(set(timeline.concertations[rows[recent]]))
    n_before = len(set(timeline.concertations[rows[~recent]]))
    if n_before == 0 and n_recent >= min_concertations:
        status: ChangeStatus = "new"
    elif n_recent == 0 and n_before >= min_concertations:
        status = "faded"
    else:
        return None
    return ChangeItem(kind, label, status, n_before, n_recent, sorted_ids(timeline.ids[rows]))


# A term is listed as new (or faded) in a theme only when it says something about that change:
# keyness = (share of the term's segments of the period that are in this theme) x (share of the
# term's corpus-wide segments that are in that period). "rançongiciel", found nowhere before and
# only in the cyber theme since, scores 1; a word of every theme and every year scores near 0.
_MIN_TERM_KEYNESS = 0.2


@dataclass(frozen=True)
class Terms:
    """Which segments of the corpus hold which content terms, counted once for all fiches."""

    names: list[str]  # sorted
    presence: sp.csc_matrix  # segments x terms, 1 where the segment holds the term
    before: np.ndarray  # per term: dated segments of the corpus holding it before the split
    since: np.ndarray  # ... and since

    @classmethod
    def of(cls, segments: pd.DataFrame, timeline: Timeline) -> Terms:
        held = [set(content_terms(lemmas)) for lemmas in segments[schema.LEMMAS]]
        names = sorted(set().union(*held))
        column = {name: j for j, name in enumerate(names)}
        indices = [column[t] for terms in held for t in terms]
        starts = np.cumsum([0, *map(len, held)])
        presence = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.int64), indices, starts),
            shape=(len(held), len(names)),
        )
        before = timeline.dated & ~timeline.recent
        since = timeline.dated & timeline.recent
        return cls(
            names=names,
            presence=presence.tocsc(),
            before=np.asarray(presence[before].sum(axis=0)).ravel(),
            since=np.asarray(presence[since].sum(axis=0)).ravel(),
        )


def _term_changes(
    rows: np.ndarray, timeline: Timeline, corpus: Corpus
) -> list[tuple[float, ChangeItem]]:
    """The new and faded terms of the segments at ``rows`` (one theme), with their keyness
    (those above ``_MIN_TERM_KEYNESS``)."""
    terms = corpus.terms
    if terms is None:
        return []
    in_theme = terms.presence[rows]  # still by column: the theme's segments holding each term
    changes = []
    for j in np.flatnonzero(np.diff(in_theme.indptr)):
        held = rows[in_theme.indices[in_theme.indptr[j] : in_theme.indptr[j + 1]]]
        name = display_term(terms.names[j])
        item = _change("term", name, held, timeline, corpus.config.min_concertations)
        if item is None:
            continue
        # the period the term belongs to, and the corpus's segments holding it then
        in_period = terms.since[j] if item.status == "new" else terms.before[j]
        here = len(item.segment_ids)
        keyness = (here / max(in_period, here)) * (
            in_period / max(terms.before[j] + terms.since[j], 1)
        )
        if keyness >= _MIN_TERM_KEYNESS:
            changes.append((keyness, item))
    return changes


def theme_changes(
    theme_rows: np.ndarray, groups: list[GroupItem], corpus: Corpus
) -> tuple[list[ChangeItem], list[ChangeItem]]:
    """New and faded groups, then terms, of one theme (its segments at ``theme_rows``); the
    most widespread first."""
    if corpus.split is None or len(theme_rows) == 0:
        return [], []
    config = corpus.config
    timeline = Timeline.of(corpus.segments, corpus.split)
    items = []
    for group in groups:
        rows = np.array([corpus.by_id[i] for i in group.segment_ids if i in corpus.by_id], int)
        kind = group.function or "group"
        change = _change(kind, group.label, rows, timeline, config.min_concertations)
        if change is not None:
            items.append(change)
    terms = _term_changes(theme_rows, timeline, corpus)

    def top(pool: list[ChangeItem], status: str) -> list[ChangeItem]:
        chosen = [c for c in pool if c.status == status]
        chosen.sort(key=lambda c: (-(c.n_before + c.n_recent), -len(c.segment_ids), c.label))
        return chosen[: config.n_changes]

    def top_terms(status: str) -> list[ChangeItem]:  # the most widespread, then most telling
        chosen = [(k, c) for k, c in terms if c.status == status]
        chosen.sort(
            key=lambda kc: (-(kc[1].n_before + kc[1].n_recent), -round(kc[0], 6), kc[1].label)
        )
        return [c for _, c in chosen[: config.n_changes]]

    new = top(items, "new") + top_terms("new")
    faded = top(items, "faded") + top_terms("faded")
    return new, faded


def period_note(theme_frame: pd.DataFrame, corpus: Corpus) -> str:
    """ "Avant mai 2023 (6 concertations) : 9 % des segments ; depuis (6 concertations) : 14 %",
    or, for a corpus of one period (one consultation, no dates), the sentence that says so."""
    if corpus.split is None:
        return labels.FICHE_LABELS["single_period"].capitalize() + "."
    frame = corpus.segments.dropna(subset=[schema.DATE])
    frame = frame[frame[schema.THEME_ID] != schema.UNCLASSIFIED]
    recent = frame[schema.DATE] >= corpus.split
    month = labels.french_month(corpus.split.month, corpus.split.year)
    parts = []
    for name, mask in ((f"Avant {month}", ~recent), (f"depuis {month}", recent)):
        period = frame[mask]
        in_theme = period[schema.SEGMENT_ID].isin(theme_frame[schema.SEGMENT_ID]).sum()
        share = labels.french_percent(in_theme / len(period) if len(period) else 0.0)
        n_conc = int(period[schema.CONCERTATION_ID].nunique())
        concertations = labels.french_plural(n_conc, "concertation")
        parts.append(f"{name} ({concertations}){labels.NBSP}: {share} des segments classés")
    return f"{labels.NBSP}; ".join(parts) + "."
