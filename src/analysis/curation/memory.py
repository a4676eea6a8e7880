"""The theme memory (``theme_memory.json``): what the next run needs to keep ids and names."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from analysis import schema
from analysis.curation.errors import CurationError
from analysis.curation.file import Merge

MEMORY_FILE = "theme_memory.json"
MEMORY_VERSION = 1
N_CENTROID_TERMS = 50  # centroid terms kept per theme in the memory
LOG_COLUMNS = (schema.ACTION, schema.THEME_ID, schema.DETAIL, schema.SIMILARITY)


@dataclass
class ThemeRecord:
    """What the next run needs to recognise a theme: id, label, keywords, centroid terms."""

    theme_id: int
    label: str
    keywords: list[str]
    centroid: dict[str, float]
    n_segments: int
    parent: int | None = None  # for the parts of a split: the theme they came from


@dataclass
class ThemeMemory:
    """The themes of one run, saved as JSON in the output folder and read by the next run.

    ``themes`` holds the model's themes (before curation, with their stable ids) and the parts
    of split themes (``parent`` set); ``next_id`` is the first id never used, so that a
    retired id is never given to a different theme.
    """

    themes: list[ThemeRecord] = field(default_factory=list)
    next_id: int = 1
    method: str = ""

    def base_themes(self) -> list[ThemeRecord]:
        """The model's themes (not the parts of a split)."""
        return [t for t in self.themes if t.parent is None]

    def parts_of(self, parent: int) -> list[ThemeRecord]:
        """The recorded parts of a split theme."""
        return [t for t in self.themes if t.parent == parent]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (sorted, rounded: the file is identical run after run)."""
        themes = sorted(self.themes, key=lambda t: t.theme_id)
        records = []
        for record in themes:
            item = asdict(record)
            item["centroid"] = {k: round(float(v), 6) for k, v in sorted(record.centroid.items())}
            records.append(item)
        return {
            "version": MEMORY_VERSION,
            "method": self.method,
            "next_id": self.next_id,
            "themes": records,
        }

    def to_json(self) -> bytes:
        """The memory as ``theme_memory.json`` holds it (UTF-8 JSON, the same bytes every run)."""
        return (json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def save(self, path: str | Path) -> Path:
        """Write :meth:`to_json` to ``path`` and return the path."""
        path = Path(path)
        path.write_bytes(self.to_json())
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "<memory>") -> ThemeMemory:
        """Rebuild a memory from :meth:`to_dict`'s output.

        Raises
        ------
        CurationError
            When the dict is not a theme memory of a known version.
        """
        if not isinstance(data, dict) or data.get("version") != MEMORY_VERSION:
            raise CurationError(
                f"{source} : ce n'est pas une mémoire des thèmes de version {MEMORY_VERSION} ; "
                "supprimez ce fichier pour renuméroter les thèmes (vérifiez ensuite les noms du "
                "fichier de curation)."
            )
        try:
            themes = [ThemeRecord(**item) for item in data["themes"]]
            return cls(themes=themes, next_id=int(data["next_id"]), method=data.get("method", ""))
        except (KeyError, TypeError, ValueError) as error:
            raise CurationError(
                f"{source} : mémoire des thèmes abîmée ({error}) ; supprimez ce fichier pour "
                "renuméroter les thèmes (vérifiez ensuite les noms du fichier de curation)."
            ) from error

    @classmethod
    def load(cls, path: str | Path) -> ThemeMemory:
        """Read a memory saved by :meth:`save`.

        Raises
        ------
        CurationError
            When the file is missing, not JSON, or not a theme memory.
        """
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CurationError(
                f"Mémoire des thèmes introuvable : {path}. Elle est écrite par chaque analyse "
                "dans son dossier de sortie : relancez l'analyse complète."
            ) from error
        except json.JSONDecodeError as error:
            raise CurationError(
                f"{path} : JSON illisible ({error}) ; supprimez ce fichier pour renuméroter les "
                "thèmes (vérifiez ensuite les noms du fichier de curation)."
            ) from error
        return cls.from_dict(data, source=str(path))


def centroid_terms(
    centroid: np.ndarray, vocabulary: np.ndarray, n_terms: int = N_CENTROID_TERMS
) -> dict[str, float]:
    """The ``n_terms`` heaviest terms of a centroid row, as {term: weight}."""
    order = np.lexsort((vocabulary, -centroid))[:n_terms]
    return {str(vocabulary[i]): float(centroid[i]) for i in order if centroid[i] > 0}


def record_similarity(first: ThemeRecord, second: ThemeRecord) -> float:
    """Similarity of two themes: mean of the centroid cosine and the keyword Jaccard index."""
    terms = sorted(set(first.centroid) | set(second.centroid))
    a = np.array([first.centroid.get(t, 0.0) for t in terms])
    b = np.array([second.centroid.get(t, 0.0) for t in terms])
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    cosine = float(a @ b / norm) if norm > 0 else 0.0
    words_a, words_b = set(first.keywords), set(second.keywords)
    union = words_a | words_b
    jaccard = len(words_a & words_b) / len(union) if union else 0.0
    return 0.5 * cosine + 0.5 * jaccard


def match_themes(
    current: list[ThemeRecord],
    previous: list[ThemeRecord],
    *,
    threshold: float = 0.3,
    next_id: int = 1,
    merges: Sequence[Merge] = (),
) -> tuple[list[int], int, pd.DataFrame]:
    """Give the themes of this run the ids of the previous run's themes they resemble.

    The pairing maximises the total similarity (:func:`record_similarity`), one to one; a
    pair below ``threshold`` is not a match. Then each curated merge (``merges``) none of
    whose themes was matched is compared as one theme (their union) with the themes left: the
    closest, above ``threshold``, takes the merge's first id, so that the merge and its name
    go on applying to it. Unmatched themes get new ids from ``next_id``, in the order of
    ``current`` (largest first).

    Returns
    -------
    ids, next_id, log
        The id of each current theme, the next unused id, and the decisions (``action`` is
        ``kept``, ``new`` or ``retired``).
    """
    similarity = np.array([[record_similarity(c, p) for p in previous] for c in current])
    ids: list[int | None] = [None] * len(current)
    log = []
    if len(current) and len(previous):
        rows, cols = linear_sum_assignment(-similarity)
        for row, col in zip(rows, cols, strict=True):
            if similarity[row, col] >= threshold:
                ids[row] = previous[col].theme_id
                detail = (
                    f"reprend le thème {previous[col].theme_id} « {previous[col].label} » de "
                    "l'analyse précédente"
                )
                log.append(("kept", previous[col].theme_id, detail, similarity[row, col]))
    log += _match_merges(current, ids, previous, merges, threshold)
    for row, record in enumerate(current):
        if ids[row] is None:
            ids[row], next_id = next_id, next_id + 1
            best = float(similarity[row].max()) if len(previous) else float("nan")
            log.append(("new", ids[row], f"nouveau thème « {record.label} »", best))
    for record in previous:
        if record.theme_id not in ids:
            detail = f"plus trouvé : « {record.label} »"
            log.append(("retired", record.theme_id, detail, np.nan))
    return [int(i) for i in ids], next_id, decision_log(log)


def _match_merges(
    current: list[ThemeRecord],
    ids: list[int | None],
    previous: list[ThemeRecord],
    merges: Sequence[Merge],
    threshold: float,
) -> list[tuple[str, int, str, float]]:
    """Give an unmatched current theme the id of a curated merge it resembles as a whole (in
    place in ``ids``); return the log rows."""
    by_id = {record.theme_id: record for record in previous}
    rows = []
    for merge in merges:
        members = [by_id[t] for t in dict.fromkeys(merge.themes) if t in by_id]
        if len(members) < 2 or any(m.theme_id in ids for m in members):
            continue
        union = _union(members)
        free = [row for row, theme_id in enumerate(ids) if theme_id is None]
        scores = [record_similarity(current[row], union) for row in free]
        if not scores or max(scores) < threshold:
            continue
        row = free[int(np.argmax(scores))]
        ids[row] = members[0].theme_id
        together = ", ".join(str(m.theme_id) for m in members)
        detail = f"reprend ensemble les thèmes {together}, fusionnés dans le fichier de curation"
        rows.append(("kept", members[0].theme_id, detail, max(scores)))
    return rows


def _union(members: list[ThemeRecord]) -> ThemeRecord:
    """One record for several themes: centroid weighted by their sizes; keywords taken in
    turn by rank (the first of each, then the second...), as many as one theme has."""
    total = sum(m.n_segments for m in members) or 1
    centroid: dict[str, float] = {}
    for member in members:
        for term, weight in member.centroid.items():
            centroid[term] = centroid.get(term, 0.0) + weight * member.n_segments / total
    by_rank = zip_longest(*(m.keywords for m in members))
    pooled = dict.fromkeys(k for rank in by_rank for k in rank if k is not None)
    keywords = list(pooled)[: max(len(m.keywords) for m in members)]
    return ThemeRecord(members[0].theme_id, members[0].label, keywords, centroid, total)


def decision_log(rows: list[tuple[str, int, str, float]]) -> pd.DataFrame:
    """The decision log as a table: ``action``, ``theme_id``, ``detail``, ``similarity``."""
    table = pd.DataFrame(rows, columns=list(LOG_COLUMNS))
    table[schema.THEME_ID] = table[schema.THEME_ID].astype("Int64")
    table[schema.SIMILARITY] = table[schema.SIMILARITY].astype(float).round(3)
    return table
