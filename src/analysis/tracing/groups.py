"""Canonical groups: the freins (or proposals...) of different concertations that say the
same thing, clustered in the lemma space, each with a label, keywords, quotes and its spread."""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster

from analysis import labels, schema
from analysis.config import TracingConfig
from analysis.segmentation import (
    CUT_BEFORE,
    cut_mid_sentence,
    first_whole,
    sentence_from_its_start,
    split_sentences,
)
from analysis.tracing.crosstabs import theme_labels
from analysis.tracing.distances import average_linkage, condensed_distances
from analysis.tracing.errors import EmptySelectionWarning, TracingError
from analysis.tracing.space import LemmaSpace, lemma_column, lemma_space
from analysis.tracing.spread import MEMBERS, Timeline, prepared, spread
from analysis.tracing.units import (
    n_units_column,
    recurrence_unit,
    single_document,
    warn_if_single,
    with_unit_columns,
)
from analysis.workers import map_in_two

_MAX_CONTRIBUTION_QUOTES = 5  # a group raised by 40 contributions is quoted by its 5 closest
# from this many groups, a second process describes half of them (569 proposals' groups of a
# 500,000-word corpus: 2.8 s in one process)
PARALLEL_GROUPS = 200


def _statements(selected: pd.DataFrame, *, by_paragraph: bool) -> pd.DataFrame:
    """One row per statement: the segments of one paragraph that share a function and theme.

    A paragraph cut into 40-word segments says one thing; comparing its pieces separately
    would miss what one piece says and the other completes. Without ``doc_id`` and
    ``paragraph`` (or with ``by_paragraph=False``), each segment is its own statement.
    """
    if not by_paragraph or not {schema.DOC_ID, schema.PARAGRAPH} <= set(selected.columns):
        return selected.assign(**{MEMBERS: [[str(i)] for i in selected[schema.SEGMENT_ID]]})
    keys = [schema.THEME_ID, schema.DOC_ID, schema.PARAGRAPH]
    ordered = selected.sort_values([*keys, schema.SEGMENT_ID], kind="stable")
    deciding = schema.FUNCTION_SENTENCE in selected
    if deciding:  # missing, so that "first" takes the first segment that has one
        sentences = ordered[schema.FUNCTION_SENTENCE]
        ordered[schema.FUNCTION_SENTENCE] = sentences.mask(sentences == "")
    # how the segments of a paragraph make its statement
    how: dict[str, Any] = {
        schema.SEGMENT_ID: "first",
        schema.CONCERTATION_ID: "first",
        schema.CITY: "first",
        schema.DATE: "first",
        schema.TEXT: " ".join,
        schema.LEMMAS: " ".join,
        **({schema.FUNCTION_SENTENCE: "first"} if deciding else {}),
        **({schema.FUNCTION_SCORE: "mean"} if schema.FUNCTION_SCORE in selected else {}),
        **({CUT_BEFORE: "first"} if CUT_BEFORE in selected else {}),
    }
    # most paragraphs are one segment: only the others are joined (row by row in Python)
    size = ordered.groupby(keys, sort=False, dropna=False)[schema.SEGMENT_ID].transform("size")
    alone = ordered.loc[size == 1, [*keys, *how]]
    alone = alone.assign(**{MEMBERS: [[str(i)] for i in alone[schema.SEGMENT_ID]]})
    joined = (
        ordered[size > 1]
        .groupby(keys, sort=True, dropna=False)
        .agg(
            **{column: (column, agg) for column, agg in how.items()},
            **{MEMBERS: (schema.SEGMENT_ID, _sorted_ids)},
        )
        .reset_index()
    )
    parts = [part for part in (alone, joined[alone.columns]) if len(part)]
    statements = pd.concat(parts, ignore_index=True) if parts else alone
    if deciding:
        statements[schema.FUNCTION_SENTENCE] = statements[schema.FUNCTION_SENTENCE].fillna("")
    return statements.sort_values(schema.SEGMENT_ID, kind="stable")


def _sorted_ids(ids: pd.Series) -> list[str]:
    return sorted(map(str, ids))


def _cluster(vectors: sp.csr_matrix, threshold: float) -> np.ndarray:
    """Average-linkage clusters whose mean cosine similarity is at least ``threshold``."""
    n_rows = vectors.shape[0]
    if n_rows == 1:
        return np.zeros(1, dtype=int)
    tree = average_linkage(condensed_distances(vectors))  # in place: no copy of the pairs
    return fcluster(tree, t=1.0 - threshold, criterion="distance") - 1


def _n_units(part: pd.DataFrame, clusters: np.ndarray, unit: str) -> np.ndarray:
    """For each cluster label (0 to the largest), how many units it spans, counted as
    :func:`spread` counts them (distinct concertations as text, or distinct documents)."""
    if unit == schema.DOC_ID:
        values = part[schema.DOC_ID]
    else:
        values = part[schema.CONCERTATION_ID].where(
            part[schema.CONCERTATION_ID].isna(), part[schema.CONCERTATION_ID].astype(str)
        )
    counts = pd.Series(values.to_numpy(), dtype=object).groupby(clusters).nunique()
    return counts.reindex(np.arange(clusters.max() + 1), fill_value=0).to_numpy()


def _representative(
    members: pd.DataFrame, vectors: sp.csr_matrix, space: LemmaSpace
) -> tuple[str, list[str], np.ndarray]:
    """The group's label sentence, its keywords and each member's similarity to the centroid.

    The label is a sentence of the member closest to the centroid that says what the group
    does: the sentence whose cue decided its function (from its start when the parser started
    it inside a phrase, see :func:`~analysis.segmentation.sentence_from_its_start`), or the
    member itself when it is one sentence. Closeness is weighed by how sure the classifier is
    of the member's function (``function_score``, when present): a member it doubts names the
    group only when it is much closer than the others, since a wrong reading there heads a
    fiche. A member that is a later piece of a long sentence cut by the segmentation
    (:func:`~analysis.segmentation.cut_mid_sentence`), whose label opens on a small letter
    ("le Premier ministre, le Gouvernement…"), names the group only when no other member gives
    a label (:func:`~analysis.segmentation.first_whole`). When no member gives one, the
    medoid's sentence that holds most of the group's keywords.
    """
    closeness = np.asarray(vectors @ np.asarray(vectors.mean(axis=0)).ravel()).ravel()
    rank = closeness
    if schema.FUNCTION_SCORE in members:
        sure = pd.to_numeric(members[schema.FUNCTION_SCORE], errors="coerce").fillna(1.0)
        rank = closeness * sure.to_numpy(dtype=float)
    centroid = np.asarray(space.term_weights(vectors).mean(axis=0)).ravel()
    terms = space.terms
    top = np.argsort(-centroid, kind="stable")[:8]
    keywords = [str(terms[j]) for j in top if centroid[j] > 0][:5]

    def labels_by_rank() -> Iterator[tuple[str, bool]]:
        for position in np.argsort(-rank, kind="stable"):
            member = members.iloc[int(position)]
            deciding = member.get(schema.FUNCTION_SENTENCE)
            text = str(member[schema.TEXT])
            piece = bool(member.get(CUT_BEFORE, False))
            if isinstance(deciding, str) and deciding:
                # the sentence that made the segment a proposal (a frein...), not its preamble
                yield sentence_from_its_start(text, deciding), piece
            elif len(split_sentences(text)) == 1:
                yield text.strip(), piece

    label = first_whole(labels_by_rank())
    if label is not None:
        return label, keywords, closeness
    text = str(members.iloc[int(np.argmax(closeness))][schema.TEXT])
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
    parallel: bool = True,
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
        (:func:`recurrence_unit`), in at least this many contributions (documents). A corpus
        of one document keeps every group (:func:`single_document`).
    parallel
        From ``PARALLEL_GROUPS`` groups, describe half of them in a second process (on a
        machine with a spare core); False in a process that may not fork.

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
    segments = prepared(segments, schema.THEME_ID, schema.FUNCTION, schema.LEMMAS, schema.TEXT)
    minimum = config.min_concertations if min_concertations is None else min_concertations
    if single_document(segments):  # nothing recurs in one note: every group is listed
        minimum = 1
    unit = recurrence_unit(segments)
    columns = with_unit_columns(_GROUP_COLUMNS, unit)
    chosen = (segments[schema.FUNCTION] == function).to_numpy()
    selected = segments[chosen]
    if selected.empty:
        warnings.warn(
            f"Aucun segment n'a la fonction « {function} » : aucun groupe à former. Si le "
            "corpus en contient, vérifiez la fonction de ses segments (colonne « function » "
            "de segments.csv).",
            EmptySelectionWarning,
            stacklevel=2,
        )
        return schema.empty_table(columns)
    warn_if_single(segments)
    space = lemma_space(lemma_column(segments), char_ngrams=config.char_ngrams)
    timeline = Timeline(segments[schema.DATE], config)
    names = theme_labels(segments)
    rows = []
    cut_before, _ = cut_mid_sentence(segments)  # read on every segment: a piece's neighbour
    selected = _statements(
        selected.assign(
            **{
                schema.LEMMAS: lemma_column(selected),
                schema.TEXT: selected[schema.TEXT].fillna("").astype(str),
                CUT_BEFORE: cut_before.to_numpy()[chosen],
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
        vectors = space.transform(lemma_column(part))
        clusters = _cluster(vectors, config.similarity_threshold)
        # only groups found in enough units are described: on real text most are one-offs
        kept = np.flatnonzero(_n_units(part, clusters, unit) >= minimum)
        order = np.argsort(clusters, kind="stable")
        bounds = np.searchsorted(clusters[order], kept, side="left")
        ends = np.searchsorted(clusters[order], kept, side="right")
        groups = [np.sort(order[start:end]) for start, end in zip(bounds, ends, strict=True)]
        # each group described alone: many groups are shared with a second process
        rows += map_in_two(
            lambda inside, part=part, vectors=vectors: _group_row(
                part.iloc[inside], vectors[inside], space, timeline, names, function, unit
            ),
            groups,
            parallel=parallel and len(groups) >= PARALLEL_GROUPS,
        )
    table = pd.DataFrame(rows, columns=[c for c in columns if c != schema.GROUP_ID])
    table = table[table[n_units_column(unit)] >= minimum]
    return _number_groups(table, function, columns)


def _group_row(
    members: pd.DataFrame,
    vectors: sp.csr_matrix,
    space: LemmaSpace,
    timeline: Timeline,
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
        **spread(members, timeline, unit),
    }


def _number_groups(table: pd.DataFrame, function: str, columns: list[str]) -> pd.DataFrame:
    """Number the groups, most widespread first: in most cities (several concertations) or
    raised by most contributions (a single concertation)."""
    first_ids = table[schema.SEGMENT_IDS].str[0]
    widest = schema.N_DOCUMENTS if schema.RECURRENCE_UNIT in columns else schema.N_CITIES
    order = table.assign(_first=first_ids).sort_values(
        [widest, schema.N_SEGMENTS, "_first"],
        ascending=[False, False, True],
        kind="stable",
    )
    prefix = function.replace(" ", "_")
    width = max(2, len(str(len(order))))
    order.insert(0, schema.GROUP_ID, [f"{prefix}-{i + 1:0{width}d}" for i in range(len(order))])
    return order[columns].reset_index(drop=True)
