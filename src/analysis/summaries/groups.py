"""The recurring freins and proposals of a theme, and its good practices, as :class:`GroupItem`."""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from analysis import labels, schema
from analysis.segmentation import CUT_BEFORE, first_whole, sentence_from_its_start
from analysis.summaries.inputs import Corpus
from analysis.summaries.model import GroupItem, SummariesWarning
from analysis.summaries.values import as_list, clean_label, excerpt, sorted_ids, to_date


def _item_from_segments(
    corpus: Corpus, rows: np.ndarray, label: str, function: str, **extra: Any
) -> GroupItem:
    """A :class:`GroupItem` whose every count is recomputed from its segments."""
    frame = corpus.segments.iloc[rows]
    cities = tuple(sorted(c for c in frame[schema.CITY].unique() if c))
    return GroupItem(
        label=label,
        function=function,
        cities=cities,
        n_cities=len(cities),
        n_concertations=int(frame[schema.CONCERTATION_ID].nunique()),
        n_segments=len(frame),
        first_date=to_date(frame[schema.DATE].min()),
        last_date=to_date(frame[schema.DATE].max()),
        segment_ids=sorted_ids(frame[schema.SEGMENT_ID]),
        n_documents=int(frame[schema.DOC_ID].nunique()),
        recurrence_unit=corpus.unit,
        **extra,
    )


def _group_function(row: dict[str, Any], corpus: Corpus, rows: np.ndarray) -> str | None:
    """The function of a group: its own column, else the majority of its segments'."""
    if isinstance(row.get(schema.FUNCTION), str) and row[schema.FUNCTION]:
        return row[schema.FUNCTION]
    if len(rows) and schema.FUNCTION in corpus.segments.columns:
        counts = Counter(corpus.segments[schema.FUNCTION].iloc[rows].dropna())
        if counts:
            return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return None


# the functions a fiche quotes only when the classifier is confident (``function_check``)
QUOTED_FUNCTIONS = frozenset({schema.FREIN, schema.PROPOSITION, schema.BONNE_PRATIQUE})


def confident(rows: np.ndarray, corpus: Corpus) -> np.ndarray:
    """The rows not marked "à vérifier" (all of them when the column is absent)."""
    if schema.FUNCTION_CHECK not in corpus.segments.columns or not len(rows):
        return rows
    check = corpus.segments[schema.FUNCTION_CHECK].iloc[rows].to_numpy()
    return rows[check != schema.TO_CHECK]


def group_items(
    groups: pd.DataFrame, corpus: Corpus, answered_ids: set[str] | None
) -> list[GroupItem]:
    """Every group of ``groups`` as a :class:`GroupItem`, counted on its segments.

    A frein, proposal or good practice counts only its segments that are not "à vérifier"
    (``function_check``); a group left with none is not listed, and one that lost the
    segment its label quoted is named after its most typical remaining segment.
    """
    items, missing = [], []
    for row in groups.to_dict("records"):
        ids = as_list(row.get(schema.SEGMENT_IDS))
        rows = np.array([corpus.by_id[i] for i in ids if i in corpus.by_id], dtype=int)
        missing.extend(i for i in ids if i not in corpus.by_id)
        function = _group_function(row, corpus, rows)
        group_id = str(row.get(schema.GROUP_ID, ""))
        answered = None if answered_ids is None else group_id in answered_ids
        label = clean_label(row.get(schema.LABEL)) or group_id
        if function in QUOTED_FUNCTIONS and len(rows):
            kept = confident(rows, corpus)
            if not len(kept):
                continue
            if len(kept) < len(rows):
                rows, label = kept, _label_of(kept, corpus)
        if len(rows):
            items.append(
                _item_from_segments(
                    corpus, rows, label, function or "", group_id=group_id, answered=answered
                )
            )
            continue
        cities = tuple(sorted(map(str, as_list(row.get(schema.CITIES)))))
        items.append(
            GroupItem(
                label=label,
                function=function or "",
                cities=cities,
                n_cities=int(row.get(schema.N_CITIES, len(cities)) or 0),
                n_concertations=int(row.get(schema.N_CONCERTATIONS, 0) or 0),
                n_segments=int(row.get(schema.N_SEGMENTS, 0) or 0),
                first_date=to_date(row.get(schema.FIRST_DATE)),
                last_date=to_date(row.get(schema.LAST_DATE)),
                segment_ids=(),
                group_id=group_id,
                answered=answered,
                n_documents=int(row.get(schema.N_DOCUMENTS, 0) or 0),
                recurrence_unit=corpus.unit,
            )
        )
    if missing:
        warnings.warn(
            f"Des groupes renvoient à {labels.french_plural(len(missing), 'segment')} absent(s) "
            f"de la table des segments (par exemple {missing[0]}) : leurs comptes viennent de "
            "la table des groupes et ne peuvent pas être retracés.",
            SummariesWarning,
            stacklevel=3,
        )
    return items


def _label_of(rows: np.ndarray, corpus: Corpus) -> str:
    """The excerpt of the most typical of ``rows`` (first segment id on a tie): the sentence
    that decided its function when it has one (from its start, see
    :func:`~analysis.segmentation.sentence_from_its_start`). As for the groups' own labels, a
    later piece of a long sentence the segmentation cut, whose label opens on a small letter,
    names the group only when no other segment does (:func:`~analysis.segmentation.first_whole`)."""
    frame = corpus.segments.iloc[rows]
    best = frame.assign(_key=frame[schema.SEGMENT_ID].astype(str)).sort_values(
        ["_typicality", "_key"], ascending=[False, True], kind="stable"
    )
    texts = best[schema.TEXT].astype(str)
    deciding = best[schema.FUNCTION_SENTENCE] if schema.FUNCTION_SENTENCE in best else texts
    pieces = best[CUT_BEFORE] if CUT_BEFORE in best else [False] * len(best)
    candidates = (
        (
            sentence_from_its_start(text, sentence)
            if isinstance(sentence, str) and sentence and sentence != text
            else text,
            bool(piece),
        )
        for text, sentence, piece in zip(texts, deciding, pieces, strict=True)
    )
    return excerpt(first_whole(candidates) or "")


def _rank_groups(items: Iterable[GroupItem], *, min_concertations: int, n: int) -> list[GroupItem]:
    """The ``n`` items raised by most concertations (or contributions: ``n_units``), kept
    from ``min_concertations`` of them."""
    kept = [i for i in items if i.n_units >= min_concertations]
    kept.sort(key=lambda i: (-i.n_units, -i.n_segments, i.label, i.group_id))
    return kept[:n]


def _good_practices(theme_rows: np.ndarray, corpus: Corpus) -> list[GroupItem]:
    """Good practices from segments: one item per source paragraph, most typical first."""
    if schema.FUNCTION not in corpus.segments.columns:
        return []
    frame = corpus.segments.iloc[confident(theme_rows, corpus)]
    frame = frame[frame[schema.FUNCTION] == schema.BONNE_PRATIQUE]
    if frame.empty:
        return []
    where = [schema.DOC_ID, schema.PARAGRAPH] if schema.PARAGRAPH in frame.columns else []
    keys = frame[where].astype(str).agg("|".join, axis=1) if where else frame[schema.SEGMENT_ID]
    items = []
    for _, part in frame.groupby(keys, sort=True):
        part = part.sort_values([schema.POSITION] if schema.POSITION in part else [])
        rows = np.array([corpus.by_id[i] for i in part[schema.SEGMENT_ID]], dtype=int)
        item = _item_from_segments(
            corpus, rows, excerpt(part[schema.TEXT].iloc[0]), schema.BONNE_PRATIQUE
        )
        items.append((-float(part["_typicality"].max()), item.label, item))
    return [item for *_, item in sorted(items, key=lambda t: (t[0], t[1]))]


def listed_groups(
    items: list[GroupItem], theme_rows: np.ndarray, corpus: Corpus
) -> tuple[tuple[GroupItem, ...], tuple[GroupItem, ...], tuple[GroupItem, ...]]:
    """The recurring freins and proposals, and the good practices, of one theme."""
    config = corpus.config
    minimum = 1 if corpus.single_document else config.min_concertations
    rank = {"min_concertations": minimum, "n": config.n_groups}
    obstacles = _rank_groups((i for i in items if i.function == schema.FREIN), **rank)
    proposals = _rank_groups((i for i in items if i.function == schema.PROPOSITION), **rank)
    practices = [i for i in items if i.function == schema.BONNE_PRATIQUE]
    if practices:  # tracing grouped them: local by nature, so one concertation is enough
        practices = _rank_groups(practices, min_concertations=1, n=config.n_groups)
    else:
        practices = _good_practices(theme_rows, corpus)[: config.n_groups]
    return tuple(obstacles), tuple(proposals), tuple(practices)
