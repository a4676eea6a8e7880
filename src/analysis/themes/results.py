"""What a theme step produces: stable ids, curation, the tables the pipeline writes, and views.

:func:`run_themes` fits a :class:`ThemeModel` (when needed), gives its themes the ids of last
run's themes, applies the analyst's curation and builds the tables; :func:`typical_segments`,
:func:`theme_similarity`, :func:`theme_linkage` and :func:`segment_map` read a run.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import squareform
from sklearn.decomposition import PCA
from sklearn.preprocessing import normalize

from analysis import schema
from analysis.curation import (
    CuratedThemes,
    Curation,
    ThemeMemory,
    ThemeRecord,
    apply_curation,
    centroid_terms,
    load_curation,
    match_themes,
)
from analysis.labels import UNCLASSIFIED_LABEL
from analysis.themes.base import NO_THEME, ThemeWarning, theme_centroids
from analysis.themes.data import canonical_order, corpus_fingerprint
from analysis.themes.keywords import keyword_table, short_label
from analysis.themes.model import ThemeModel
from analysis.vectorise import display_term

MATCH_THRESHOLD = 0.3  # smallest similarity for a theme to keep the id of last run's theme


@dataclass
class ThemeRun:
    """Everything one theme step produces (see :func:`run_themes`).

    Attributes
    ----------
    segments
        The input segments plus ``theme_id``, ``theme_label``, ``theme_score``,
        ``second_theme_id``.
    themes
        One row per theme (``schema.THEME_COLUMNS`` plus ``share``, ``auto_label``,
        ``curated``, ``parent_theme_id``), sorted by id.
    keywords
        ``theme_id``, ``rank``, ``term``, ``chi2``, ``n_segments``: ranked keywords.
    centroids
        Themes × vocabulary unit-length centroids, rows in the order of ``themes``.
    vocabulary
        The terms of the centroid columns.
    memory
        What the next run needs to keep the ids (save it with ``memory.save(path)``).
    log
        Every decision: ids kept, new or retired themes, merges, splits, moves, renames,
        skipped curation lines.
    model
        The fitted :class:`ThemeModel`.
    tfidf
        The TF-IDF rows of ``segments`` (same order), as the model saw them.
    """

    segments: pd.DataFrame
    themes: pd.DataFrame
    keywords: pd.DataFrame
    centroids: np.ndarray
    vocabulary: np.ndarray
    memory: ThemeMemory
    log: pd.DataFrame
    model: ThemeModel
    tfidf: sp.csr_matrix

    @property
    def unclassified_share(self) -> float:
        """Share of segments without a theme after curation."""
        return float(np.mean(self.segments[schema.THEME_ID].to_numpy() == schema.UNCLASSIFIED))


def _model_records(model: ThemeModel) -> list[ThemeRecord]:
    return [
        ThemeRecord(
            theme_id=theme,
            label=model.theme_labels_[theme],
            keywords=list(model.keywords_[theme]),
            centroid=centroid_terms(model.centroids_[theme], model.vocabulary_),
            n_segments=int(model.sizes_[theme]),
        )
        for theme in range(model.n_themes_)
    ]


def run_themes(
    segments: pd.DataFrame,
    model: ThemeModel,
    *,
    curation: Curation | str | Path | None = None,
    previous: ThemeMemory | str | Path | None = None,
    match_threshold: float = MATCH_THRESHOLD,
) -> ThemeRun:
    """Fit (if needed), give themes stable ids, apply the curation, and build the tables.

    Parameters
    ----------
    segments
        The segments table; needs ``segment_id``, ``doc_id``, ``concertation_id``, ``lemmas``.
    model
        A :class:`ThemeModel`; fitted on these segments, or it is fitted here.
    curation
        A :class:`analysis.curation.Curation`, a path to a curation file, or None.
    previous
        Last run's :class:`analysis.curation.ThemeMemory` (or the path of its JSON file; a
        missing file means a first run), or None.
    match_threshold
        Smallest similarity for a theme to keep the id of last run's theme.

    Returns
    -------
    ThemeRun

    Raises
    ------
    schema.SchemaError
        When a needed column is missing.
    ThemeError, analysis.curation.CurationError
        On unusable segments or an unreadable curation file or memory.
    """
    schema.require_columns(
        segments,
        schema.SEGMENT_ID,
        schema.DOC_ID,
        schema.CONCERTATION_ID,
        schema.LEMMAS,
        table="segments",
    )
    if isinstance(curation, str | Path):
        curation = load_curation(curation)
    if isinstance(previous, str | Path):
        previous = ThemeMemory.load(previous) if Path(previous).is_file() else None
    if not hasattr(model, "fingerprint_") or model.fingerprint_ != corpus_fingerprint(segments):
        prefer = len(previous.base_themes()) if previous is not None else None
        model.fit(segments, prefer_n_themes=prefer)
    # The model may have been fitted on the same segments in another row order.
    rows = np.empty(len(segments), dtype=np.int64)
    rows[canonical_order(segments)] = model.canonical_order_
    records = _model_records(model)
    old = previous.base_themes() if previous is not None else []
    start = previous.next_id if previous is not None else 1
    merges = curation.merges if curation is not None else ()
    ids, next_id, match_log = match_themes(
        records, old, threshold=match_threshold, next_id=start, merges=merges
    )
    id_of = np.append(np.array(ids, dtype=np.int64), schema.UNCLASSIFIED)  # [-1] -> -1
    curated = apply_curation(
        id_of[model.labels_[rows]],
        curation,
        segment_ids=segments[schema.SEGMENT_ID].astype(str).to_numpy(),
        tfidf=model.tfidf_[rows],
        vocabulary=model.vocabulary_,
        previous=previous,
        next_id=next_id,
        random_state=model.random_state,
        match_threshold=match_threshold,
    )
    for record, theme_id in zip(records, ids, strict=True):
        record.theme_id = theme_id
    memory = ThemeMemory(records + curated.parts, next_id=curated.next_id, method=model.method)
    second = np.array([curated.merged_into.get(t, t) for t in id_of[model.second_labels_[rows]]])
    matrices = (model.tfidf_[rows], model.presence_[rows])
    tables = _theme_tables(segments, model, curated, second, matrices)
    _warn_unclassified(tables[0], model.unclassified_threshold)
    log = pd.concat([match_log, curated.log], ignore_index=True)
    return ThemeRun(*tables, memory=memory, log=log, model=model, tfidf=matrices[0])


UNCLASSIFIED_SHARE = 0.1  # from this share of unclassified segments, the user is told


def _warn_unclassified(segments: pd.DataFrame, threshold: float) -> None:
    """Say how many segments with content words no theme took, from a tenth of them: they
    are in no fiche (those with no content word at all are said by the nlp step)."""
    worded = segments[schema.LEMMAS].fillna("").astype(str).str.strip() != ""
    left = worded & (segments[schema.THEME_ID] == schema.UNCLASSIFIED)
    n_left, n_worded = int(left.sum()), int(worded.sum())
    if not n_left or n_left < UNCLASSIFIED_SHARE * n_worded:
        return
    ids = sorted(segments.loc[left, schema.SEGMENT_ID].astype(str))
    examples = ", ".join(f"« {i} »" for i in ids[:5]) + (" …" if len(ids) > 5 else "")
    warnings.warn(
        f"{n_left} segments sur {n_worded} ({round(100 * n_left / n_worded)} %) ne sont "
        f"rattachés à aucun thème (« {UNCLASSIFIED_LABEL} ») et ne figurent dans aucune fiche, "
        f"par exemple {examples} : leurs mots sont trop peu partagés avec ceux des thèmes. "
        "Lisez-les dans segments.csv (theme_id = -1) ; pour en rattacher davantage, baissez "
        f"[themes] unclassified_threshold ({threshold} aujourd'hui) ou ajoutez des documents "
        "si le corpus est petit.",
        ThemeWarning,
        stacklevel=3,
    )


def assign_themes(
    segments: pd.DataFrame,
    model: ThemeModel,
    *,
    curation: Curation | str | Path | None = None,
    previous: ThemeMemory | str | Path | None = None,
    match_threshold: float = MATCH_THRESHOLD,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(segments, themes)``: :func:`run_themes` for callers that need only the tables.

    ``segments`` gains ``theme_id`` (``-1`` unclassified), ``theme_label``, ``theme_score``
    and ``second_theme_id`` (nullable); ``themes`` has ``schema.THEME_COLUMNS`` and more.
    """
    run = run_themes(
        segments, model, curation=curation, previous=previous, match_threshold=match_threshold
    )
    return run.segments, run.themes


def _theme_tables(
    segments: pd.DataFrame,
    model: ThemeModel,
    curated: CuratedThemes,
    second: np.ndarray,
    matrices: tuple[sp.csr_matrix, sp.csr_matrix],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """Segments with their themes, the themes table, keywords and centroids after curation."""
    tfidf, presence = matrices
    final = curated.theme_ids
    theme_ids = np.array(sorted(int(t) for t in np.unique(final) if t >= 0), dtype=np.int64)
    position = np.searchsorted(theme_ids, final).clip(0, max(len(theme_ids) - 1, 0))
    index = np.where(final >= 0, position, NO_THEME)
    centroids = theme_centroids(tfidf, index, len(theme_ids))
    # each row's cosine to its own theme's centroid, from the rows x themes products (a dense
    # rows x terms copy of the centroids took 1.6 GB and two seconds at 500,000 words)
    scores = np.zeros(len(final))
    if len(theme_ids):
        by_theme = np.asarray(tfidf @ centroids.T)
        classed = np.flatnonzero(final >= 0)
        scores[classed] = by_theme[classed, index[classed]]
    keywords = keyword_table(
        presence, final, model.vocabulary_, n_keywords=model.n_keywords, theme_ids=theme_ids
    )
    terms = {t: g["term"].tolist() for t, g in keywords.groupby(schema.THEME_ID)}
    auto = {t: short_label(terms.get(t, [])) or f"thème {t}" for t in theme_ids}
    names = {t: curated.names.get(t, auto[t]) for t in theme_ids}
    second = np.where((second >= 0) & (second != final) & np.isin(second, theme_ids), second, -1)
    out = segments.copy()
    out[schema.THEME_ID] = final.astype(np.int64)
    out[schema.THEME_LABEL] = [names.get(t, UNCLASSIFIED_LABEL) for t in final]
    out[schema.THEME_SCORE] = np.round(scores, 4)
    out[schema.SECOND_THEME_ID] = pd.array(np.where(second >= 0, second, 0), dtype="Int64")
    out.loc[second < 0, schema.SECOND_THEME_ID] = pd.NA
    parents = {p.theme_id: p.parent for p in curated.parts}
    rows = []
    for theme in theme_ids:
        members = out[final == theme]
        rows.append(
            {
                schema.THEME_ID: int(theme),
                schema.LABEL: names[theme],
                schema.KEYWORDS: ", ".join(display_term(t) for t in terms.get(theme, [])),
                schema.N_SEGMENTS: len(members),
                schema.N_DOCUMENTS: members[schema.DOC_ID].nunique(),
                schema.N_CONCERTATIONS: members[schema.CONCERTATION_ID].nunique(),
                schema.SHARE: round(len(members) / max(len(out), 1), 4),
                schema.AUTO_LABEL: auto[theme],
                schema.CURATED: theme in curated.names
                or theme in set(curated.merged_into.values())
                or theme in parents,
                schema.PARENT_THEME_ID: parents.get(theme),
            }
        )
    themes = pd.DataFrame(rows, columns=_THEME_TABLE_COLUMNS)
    themes[schema.PARENT_THEME_ID] = themes[schema.PARENT_THEME_ID].astype("Int64")
    return out, themes, keywords, centroids, model.vocabulary_


_THEME_TABLE_COLUMNS = [
    *schema.THEME_COLUMNS,
    schema.SHARE,
    schema.AUTO_LABEL,
    schema.CURATED,
    schema.PARENT_THEME_ID,
]


def typical_segments(
    segments: pd.DataFrame, model_or_themes: ThemeModel | pd.DataFrame | None = None, n: int = 5
) -> pd.DataFrame:
    """The ``n`` most typical segments of each theme: highest ``theme_score`` first.

    Parameters
    ----------
    segments
        Segments after :func:`assign_themes` (needs ``segment_id``, ``theme_id``,
        ``theme_score``, ``text``), or the segments a :class:`ThemeModel` was fitted on.
    model_or_themes
        The themes table (for labels), or a fitted model whose ``labels_`` and ``scores_``
        are used when ``segments`` has no ``theme_id``.
    n
        Segments per theme.

    Returns
    -------
    pandas.DataFrame
        ``theme_id``, ``label``, ``rank`` (from 1), ``segment_id``, ``doc_id`` (when known),
        ``theme_score``, ``text``; sorted by theme then rank (ties by segment id).
    """
    frame = segments.copy()
    labels: dict[int, str] = {}
    if isinstance(model_or_themes, ThemeModel) and schema.THEME_ID not in frame.columns:
        frame[schema.THEME_ID] = model_or_themes.labels_
        frame[schema.THEME_SCORE] = np.round(model_or_themes.scores_, 4)
        labels = dict(enumerate(model_or_themes.theme_labels_))
    elif isinstance(model_or_themes, pd.DataFrame):
        labels = dict(
            zip(model_or_themes[schema.THEME_ID], model_or_themes[schema.LABEL], strict=True)
        )
    schema.require_columns(
        frame, schema.SEGMENT_ID, schema.THEME_ID, schema.THEME_SCORE, schema.TEXT, table="segments"
    )
    frame = frame[frame[schema.THEME_ID] >= 0]
    frame = frame.sort_values(
        [schema.THEME_ID, schema.THEME_SCORE, schema.SEGMENT_ID],
        ascending=[True, False, True],
        kind="mergesort",
    )
    top = frame.groupby(schema.THEME_ID, sort=True).head(n).copy()
    top["rank"] = top.groupby(schema.THEME_ID).cumcount() + 1
    if labels:
        top[schema.LABEL] = top[schema.THEME_ID].map(labels)
    elif schema.THEME_LABEL in top.columns:
        top[schema.LABEL] = top[schema.THEME_LABEL]
    else:
        top[schema.LABEL] = top[schema.THEME_ID].astype(str)
    columns = [schema.THEME_ID, schema.LABEL, "rank", schema.SEGMENT_ID, schema.DOC_ID]
    columns = [c for c in columns if c in top.columns] + [schema.THEME_SCORE, schema.TEXT]
    return top[columns].reset_index(drop=True)


def theme_similarity(themes: ThemeRun | ThemeModel) -> pd.DataFrame:
    """Cosine similarity between theme centroids (1 on the diagonal).

    Parameters
    ----------
    themes
        A :class:`ThemeRun` (indexed by theme id) or a fitted :class:`ThemeModel` (by 0..k-1).

    Returns
    -------
    pandas.DataFrame
        Square table, rounded to 4 decimals, with the theme labels in ``attrs["labels"]``.
    """
    if isinstance(themes, ThemeRun):
        centroids, ids = themes.centroids, themes.themes[schema.THEME_ID].to_numpy()
        names = themes.themes[schema.LABEL].tolist()
    else:
        themes._check_fitted()
        centroids, ids = themes.centroids_, np.arange(themes.n_themes_)
        names = list(themes.theme_labels_)
    table = pd.DataFrame(np.round(centroids @ centroids.T, 4), index=ids, columns=ids)
    table.index.name = schema.THEME_ID
    table.attrs["labels"] = names
    return table


def theme_linkage(similarity: pd.DataFrame) -> np.ndarray:
    """Average-linkage hierarchy of the themes from :func:`theme_similarity` (for a dendrogram)."""
    distance = np.clip(1.0 - similarity.to_numpy(dtype=float), 0.0, None)
    np.fill_diagonal(distance, 0.0)
    return linkage(squareform((distance + distance.T) / 2, checks=False), method="average")


def segment_map(run: ThemeRun, *, max_points: int = 3000, random_state: int = 0) -> pd.DataFrame:
    """2-D coordinates of the segments for a map of the themes.

    Each segment's similarities to the theme centroids are projected on their first two
    principal axes, so that themes sharing vocabulary lie close together.

    Parameters
    ----------
    run
        A :class:`ThemeRun`.
    max_points
        Above this many segments, a seeded subsample is drawn (a map of 100,000 points reads
        no better than one of 3,000).
    random_state
        Seed of the subsample.

    Returns
    -------
    pandas.DataFrame
        ``segment_id``, ``theme_id``, ``x``, ``y`` (rounded to 4 decimals).
    """
    segments = run.segments
    rows = np.arange(len(segments))
    if len(rows) > max_points:
        rows = np.sort(np.random.default_rng(random_state).choice(rows, max_points, replace=False))
    membership = normalize(np.asarray(run.tfidf[rows] @ run.centroids.T))
    n_axes = min(2, membership.shape[1], len(rows))
    coordinates = PCA(n_components=n_axes, svd_solver="full").fit_transform(membership)
    coordinates = np.pad(coordinates, ((0, 0), (0, 2 - n_axes)))
    signs = np.sign(coordinates[np.abs(coordinates).argmax(axis=0), [0, 1]])
    coordinates = coordinates * np.where(signs == 0, 1, signs)
    return pd.DataFrame(
        {
            schema.SEGMENT_ID: segments[schema.SEGMENT_ID].to_numpy()[rows],
            schema.THEME_ID: segments[schema.THEME_ID].to_numpy()[rows],
            "x": np.round(coordinates[:, 0], 4),
            "y": np.round(coordinates[:, 1], 4),
        }
    )
