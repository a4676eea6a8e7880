"""Applying the curation on top of a fit: renames, merges, splits and moves, each logged."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.preprocessing import normalize

from analysis import schema
from analysis.curation.errors import CurationWarning
from analysis.curation.file import Curation, Merge, Move, Split
from analysis.curation.memory import (
    ThemeMemory,
    ThemeRecord,
    centroid_terms,
    decision_log,
    match_themes,
)


@dataclass
class CuratedThemes:
    """The result of :func:`apply_curation`."""

    theme_ids: np.ndarray  # theme of every segment after curation (-1: unclassified)
    names: dict[int, str]  # analyst's names, by theme id
    merged_into: dict[int, int]  # absorbed theme -> theme it joined
    parts: list[ThemeRecord]  # parts of split themes (with ``parent``), for the memory
    next_id: int
    log: pd.DataFrame


class _Curator:
    """Applies one curation to one run's theme ids; collects the decisions."""

    def __init__(self, theme_ids: np.ndarray, curation: Curation, next_id: int) -> None:
        self.ids = np.asarray(theme_ids, dtype=np.int64).copy()
        self.curation = curation
        self.next_id = next_id
        self.names: dict[int, str] = {}
        self.merged_into: dict[int, int] = {}
        self.split_into: dict[int, list[int]] = {}
        self.parts: list[ThemeRecord] = []
        self.rows: list[tuple[str, int, str, float]] = []

    def existing(self) -> list[int]:
        return sorted(int(t) for t in np.unique(self.ids) if t >= 0)

    def resolve(self, theme: int) -> int:
        """Follow merges: a theme merged into another is now that other theme."""
        seen = set()
        while theme in self.merged_into and theme not in seen:
            seen.add(theme)
            theme = self.merged_into[theme]
        return theme

    def missing(self, action: str, theme: int, hint: str = "") -> None:
        """Warn about (and log) a line that names a theme this run does not have."""
        if theme in self.split_into:
            hint = f"il a été découpé en {', '.join(map(str, self.split_into[theme]))} ; " + hint
        themes = ", ".join(map(str, self.existing()))
        message = (
            f"{self.curation.source} : la ligne {action} nomme le thème {theme}, absent de cette "
            f"analyse ({hint}thèmes actuels : {themes} ; voir themes.csv). Corrigez ou retirez "
            "cette ligne."
        )
        self.skip(theme, message, stacklevel=5)

    def merge(self, merge: Merge, known: set[int]) -> None:
        """Merge the themes of ``merge`` that this run has. When some of them are gone since
        the last run (``known``: its theme ids), the model has mostly gathered them into the
        others: the merge's name stays on what is left of it."""
        present, absent = [], []
        for theme in merge.themes:
            resolved = self.resolve(theme)
            if resolved not in self.existing():
                absent.append(theme)
            elif resolved not in present:
                present.append(resolved)
        gone = [t for t in absent if t in known]
        for theme in absent:
            hint = (
                f"il était dans l'analyse précédente ; le thème {present[0]} garde le nom de la "
                "fusion ; "
                if theme in gone and present and merge.name
                else ""
            )
            self.missing("merge", theme, hint)
        if not present or (len(present) < 2 and not gone):
            return
        kept = present[0]
        for other in present[1:]:
            self.ids[self.ids == other] = kept
            self.merged_into[other] = kept
            self.rows.append(("merge", kept, f"thème {other} fusionné dans {kept}", np.nan))
        if merge.name:
            self.names[kept] = merge.name
            if len(present) < 2:
                detail = (
                    f"le thème {kept} garde le nom « {merge.name} » de sa fusion avec "
                    f"{', '.join(map(str, gone))}, plus trouvé(s)"
                )
                self.rows.append(("rename", kept, detail, np.nan))

    def skip(self, theme: int, message: str, *, stacklevel: int = 4) -> None:
        """Leave a line of the curation file out: the analyst is warned, the log says why."""
        warnings.warn(message, CurationWarning, stacklevel=stacklevel)
        self.rows.append(("skipped", theme, message, np.nan))

    def move(self, move: Move, segment_ids: np.ndarray) -> None:
        where = np.flatnonzero(segment_ids == move.segment_id)
        if len(where) == 0:
            message = (
                f"{self.curation.source} : la ligne move nomme le segment « {move.segment_id} », "
                "absent de cette analyse (voir segments.csv) ; corrigez ou retirez cette ligne."
            )
            self.skip(move.theme, message)
            return
        target = move.theme if move.theme < 0 else self.resolve(move.theme)
        if target >= 0 and target not in self.existing():
            self.missing("move", move.theme)
            return
        self.ids[where] = target
        detail = f"segment {move.segment_id} déplacé vers le thème {target}"
        self.rows.append(("move", target, detail, np.nan))

    def rename(self, theme: int, name: str) -> None:
        resolved = self.resolve(theme)
        if resolved != theme:
            self.missing(
                "rename", theme, f"il a été fusionné dans {resolved} ; renommez {resolved} ; "
            )
            return
        if theme not in self.existing():
            self.missing("rename", theme)
            return
        self.names[theme] = name
        self.rows.append(("rename", theme, f"thème {theme} nommé « {name} »", np.nan))

    def split(
        self,
        split: Split,
        tfidf: sp.csr_matrix,
        vocabulary: np.ndarray,
        previous: ThemeMemory | None,
        *,
        random_state: int,
        threshold: float,
    ) -> None:
        """Re-cluster a theme's segments (k-means on TF-IDF rows) into ``split.parts`` themes.

        The parts are matched to the parts recorded last run for the same theme, so their ids
        (and the names given to them) survive a re-run.
        """
        theme = self.resolve(split.theme)
        if theme not in self.existing():
            self.missing("split", split.theme)
            return
        rows = np.flatnonzero(self.ids == theme)
        if len(rows) < 2 * split.parts:
            message = (
                f"{self.curation.source} : découper le thème {theme} en {split.parts} parties "
                f"demande au moins {2 * split.parts} segments ; il en a {len(rows)}. Retirez "
                "cette ligne ou demandez moins de parties."
            )
            self.skip(theme, message)
            return
        matrix = normalize(tfidf[rows])
        kmeans = KMeans(n_clusters=split.parts, n_init=10, random_state=random_state).fit(matrix)
        sizes = np.bincount(kmeans.labels_, minlength=split.parts)
        order = sorted(range(split.parts), key=lambda p: (-sizes[p], p))
        records = []
        for part in order:
            centroid = normalize(np.asarray(matrix[kmeans.labels_ == part].mean(axis=0)))[0]
            terms = centroid_terms(centroid, vocabulary)
            label = " · ".join(list(terms)[:3])
            records.append(ThemeRecord(0, label, list(terms)[:10], terms, int(sizes[part]), theme))
        old_parts = previous.parts_of(theme) if previous is not None else []
        ids, self.next_id, log = match_themes(
            records, old_parts, threshold=threshold, next_id=self.next_id
        )
        for part, record, new_id in zip(order, records, ids, strict=True):
            self.ids[rows[kmeans.labels_ == part]] = new_id
            record.theme_id = new_id
        self.parts.extend(records)
        self.split_into[theme] = sorted(ids)
        for name, new_id in zip(split.names, sorted(ids), strict=False):
            self.names[new_id] = name
        detail = f"thème {theme} découpé en {', '.join(map(str, sorted(ids)))}"
        self.rows.append(("split", theme, detail, np.nan))
        self.rows.extend(log[log[schema.ACTION] != "retired"].itertuples(index=False, name=None))


def apply_curation(
    theme_ids: np.ndarray,
    curation: Curation | None,
    *,
    segment_ids: np.ndarray,
    tfidf: sp.csr_matrix,
    vocabulary: np.ndarray,
    previous: ThemeMemory | None = None,
    next_id: int = 1,
    random_state: int = 0,
    match_threshold: float = 0.3,
) -> CuratedThemes:
    """Apply the analyst's corrections to one run's theme ids: merges, splits, moves, renames.

    Parameters
    ----------
    theme_ids
        Theme of every segment (stable ids; -1 unclassified).
    curation
        The corrections (:func:`load_curation`); None applies nothing.
    segment_ids
        ``segment_id`` of every segment (for moves).
    tfidf, vocabulary
        TF-IDF rows of the segments and their terms (to re-cluster a split theme).
    previous
        Last run's memory: the parts of a split theme keep their ids from run to run, and a
        merged theme that is gone since then leaves the merge's name to the others.
    next_id
        First unused theme id (new split parts are numbered from it).
    random_state
        Seed of the k-means that splits a theme.
    match_threshold
        Smallest similarity for a split part to keep last run's id.

    Returns
    -------
    CuratedThemes
        New theme ids, names, merges, split parts, next unused id, and the decision log.

    Warns
    -----
    CurationWarning
        For each line that names a theme or segment this run does not have (it is skipped).
    """
    curator = _Curator(theme_ids, curation or Curation(), next_id)
    known = {t.theme_id for t in previous.themes} if previous is not None else set()
    if curation is not None:
        for merge in curation.merges:
            curator.merge(merge, known)
        for split in curation.splits:
            curator.split(
                split,
                tfidf,
                vocabulary,
                previous,
                random_state=random_state,
                threshold=match_threshold,
            )
        for move in curation.moves:
            curator.move(move, np.asarray(segment_ids).astype(str))
        for theme, name in sorted(curation.renames.items()):
            curator.rename(theme, name)
    return CuratedThemes(
        theme_ids=curator.ids,
        names=curator.names,
        merged_into=curator.merged_into,
        parts=curator.parts,
        next_id=curator.next_id,
        log=decision_log(curator.rows),
    )
