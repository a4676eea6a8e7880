"""The analyst's corrections to the themes, and the memory that keeps them across re-runs.

An analyst corrects the machine in a plain file, ``curation.yml`` (or a CSV), that names themes
by the ``theme_id`` of ``themes.csv``::

    rename:
      3: Polices municipales : recrutement et formation
    merge:
      - themes: [4, 7]              # 7 joins 4; the merged theme keeps id 4
        name: Médiation sociale     # optional
    split:
      - theme: 5                    # its segments are re-clustered into two parts
        parts: 2
        names: [Caméras et CSU, Vidéo algorithmique]   # optional, by increasing new id
    move:
      - segment: dijon-2023-article-p004
        theme: 3                    # -1: mark the segment unclassified

The same corrections as a CSV (one line per action; ``into`` is the kept theme of a merge, the
number of parts of a split, or the destination of a move)::

    action,theme,into,segment,name
    rename,3,,,Polices municipales : recrutement et formation
    merge,7,4,,Médiation sociale
    split,5,2,,
    move,,3,dijon-2023-article-p004,

The file is applied on top of every fit. Ids stay valid when the corpus grows because each run
stores a :class:`ThemeMemory` (``theme_memory.json`` in the output folder: ids, labels, keywords
and centroid terms) and the next run matches its new themes to the stored ones by centroid and
keyword similarity (:func:`match_themes`): a matched theme keeps its id, hence its curated name
and merges (themes the analyst merged are also matched as one, when the model now finds them as
one); a new theme gets a new id, never a retired one. Every decision goes to a log table.
"""

from __future__ import annotations

import csv
import json
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import yaml
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.preprocessing import normalize

from analysis import schema

MEMORY_FILE = "theme_memory.json"
MEMORY_VERSION = 1
N_CENTROID_TERMS = 50  # centroid terms kept per theme in the memory
LOG_COLUMNS = (schema.ACTION, schema.THEME_ID, schema.DETAIL, schema.SIMILARITY)
CSV_COLUMNS = ("action", "theme", "into", "segment", "name")
ACTIONS = ("rename", "merge", "split", "move")


class CurationError(ValueError):
    """The curation file or the theme memory cannot be read; the message says what to fix."""


class CurationWarning(UserWarning):
    """A curation line was skipped (it names a theme or a segment this run does not have)."""


# --- the curation file -------------------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    """Merge ``themes`` into the first of them, optionally naming the result."""

    themes: tuple[int, ...]
    name: str | None = None


@dataclass(frozen=True)
class Split:
    """Re-cluster the segments of ``theme`` into ``parts`` new themes."""

    theme: int
    parts: int = 2
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Move:
    """Put one segment in ``theme`` (``-1``: unclassified)."""

    segment_id: str
    theme: int


@dataclass(frozen=True)
class Curation:
    """The analyst's corrections, as read from a curation file."""

    renames: dict[int, str] = field(default_factory=dict)
    merges: tuple[Merge, ...] = ()
    splits: tuple[Split, ...] = ()
    moves: tuple[Move, ...] = ()
    source: str = "<curation>"

    def is_empty(self) -> bool:
        """True when the file asks for nothing."""
        return not (self.renames or self.merges or self.splits or self.moves)


def load_curation(path: str | Path, *, missing_ok: bool = True) -> Curation:
    """Read a curation file (``.yml``/``.yaml`` or ``.csv``).

    Parameters
    ----------
    path
        The file; see the module docstring for both formats.
    missing_ok
        Return an empty :class:`Curation` when the file does not exist (the first run).

    Returns
    -------
    Curation

    Raises
    ------
    CurationError
        When the file is missing (and ``missing_ok`` is False), is not valid YAML/CSV, or
        holds an unknown section, action or a value of the wrong kind; the message names the
        file, the entry and the expected shape.
    """
    path = Path(path)
    if not path.is_file():
        if missing_ok:
            return Curation(source=str(path))
        raise CurationError(
            f"Fichier de curation introuvable : {path}. Vérifiez [themes] curation_file dans "
            "analysis.toml (un chemin relatif part du dossier de ce fichier)."
        )
    if path.suffix.lower() == ".csv":
        return _curation_from_csv(path)
    if path.suffix.lower() not in (".yml", ".yaml"):
        raise CurationError(
            f"{path} : un fichier de curation se termine par .yml, .yaml ou .csv ; renommez-le."
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise CurationError(
            f"{path} : YAML illisible ({error}). Corrigez la ligne indiquée (indentation, « : » "
            "après chaque clé, « - » devant chaque entrée)."
        ) from error
    return curation_from_dict(data, source=str(path))


def curation_from_dict(data: Any, *, source: str = "<curation>") -> Curation:
    """Build a :class:`Curation` from the parsed YAML mapping (see :func:`load_curation`)."""
    if not isinstance(data, dict):
        raise CurationError(
            f"{source} : le fichier doit contenir les sections rename:, merge:, split:, move: "
            f"(trouvé : {type(data).__name__}) ; partez du modèle du carnet 03-themes.ipynb "
            "(curation_template)."
        )
    unknown = sorted(set(map(str, data)) - set(ACTIONS))
    if unknown:
        raise CurationError(
            f"{source} : section(s) inconnue(s) {', '.join(unknown)} ; sections possibles : "
            f"{', '.join(ACTIONS)}."
        )
    renames = data.get("rename") or {}
    if not isinstance(renames, dict):
        raise CurationError(
            f"{source} : « rename » associe des numéros de thème à des noms, une ligne par "
            "thème (3: Nouveau nom)."
        )
    return Curation(
        renames={_theme_id(k, source, "rename"): _name(v, source) for k, v in renames.items()},
        merges=tuple(_merge(entry, source) for entry in _entries(data, "merge", source)),
        splits=tuple(_split(entry, source) for entry in _entries(data, "split", source)),
        moves=tuple(_move(entry, source) for entry in _entries(data, "move", source)),
        source=source,
    )


def _entries(data: dict, section: str, source: str) -> list[Any]:
    entries = data.get(section) or []
    if not isinstance(entries, list):
        raise CurationError(
            f"{source} : « {section} » doit être une liste d'entrées (lignes commençant par « - »)."
        )
    return entries


def _theme_id(value: Any, source: str, where: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise CurationError(
            f"{source} : dans « {where} », {value!r} n'est pas un numéro de thème ; utilisez "
            "les numéros de la colonne theme_id de themes.csv."
        ) from None
    return number


def _name(value: Any, source: str) -> str:
    if not isinstance(value, str | int | float) or not str(value).strip():
        raise CurationError(
            f"{source} : un nom de thème doit être un texte non vide (trouvé : {value!r})."
        )
    return str(value).strip()


def _merge(entry: Any, source: str) -> Merge:
    if isinstance(entry, list):
        entry = {"themes": entry}
    if not isinstance(entry, dict) or not isinstance(entry.get("themes"), list):
        raise CurationError(
            f"{source} : chaque fusion (merge) demande « themes: [4, 7] » (et, si besoin, "
            f"« name: ») ; trouvé : {entry!r}."
        )
    themes = tuple(_theme_id(t, source, "merge") for t in entry["themes"])
    if len(set(themes)) < 2:
        raise CurationError(
            f"{source} : une fusion (merge) demande au moins deux thèmes différents : {entry!r}."
        )
    name = entry.get("name")
    return Merge(themes=themes, name=None if name is None else _name(name, source))


def _split(entry: Any, source: str) -> Split:
    if not isinstance(entry, dict) or "theme" not in entry:
        raise CurationError(
            f"{source} : chaque découpage (split) demande « theme: 5 » et « parts: 2 » ; "
            f"trouvé : {entry!r}."
        )
    parts = _theme_id(entry.get("parts", 2), source, "split parts")
    names = entry.get("names") or []
    if parts < 2 or not isinstance(names, list):
        raise CurationError(
            f"{source} : découpage du thème {entry['theme']} : « parts » vaut au moins 2 et "
            "« names » est une liste ([Nom 1, Nom 2])."
        )
    return Split(
        theme=_theme_id(entry["theme"], source, "split"),
        parts=parts,
        names=tuple(_name(n, source) for n in names),
    )


def _move(entry: Any, source: str) -> Move:
    if not isinstance(entry, dict) or "segment" not in entry or "theme" not in entry:
        raise CurationError(
            f"{source} : chaque déplacement (move) demande « segment: <segment_id> » et "
            f"« theme: <numéro> » ; trouvé : {entry!r}."
        )
    return Move(segment_id=str(entry["segment"]), theme=_theme_id(entry["theme"], source, "move"))


def _curation_from_csv(path: Path) -> Curation:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and set(CSV_COLUMNS) - set(rows[0]):
        raise CurationError(
            f"{path} : un fichier de curation CSV a besoin des colonnes "
            f"{', '.join(CSV_COLUMNS)} ; il a {', '.join(rows[0])}."
        )
    data: dict[str, Any] = {"rename": {}, "merge": [], "split": [], "move": []}
    for line, row in enumerate(rows, start=2):
        action = (row["action"] or "").strip().lower()
        where = f"{path}, ligne {line}"
        if action == "rename":
            data["rename"][_theme_id(row["theme"], where, "rename")] = row["name"]
        elif action == "merge":
            entry = {"themes": [row["into"], row["theme"]]}
            data["merge"].append({**entry, "name": row["name"]} if row["name"] else entry)
        elif action == "split":
            data["split"].append({"theme": row["theme"], "parts": row["into"] or 2})
        elif action == "move":
            data["move"].append({"segment": row["segment"], "theme": row["into"]})
        else:
            raise CurationError(
                f"{where} : action inconnue {action!r} ; actions possibles : {', '.join(ACTIONS)}."
            )
    return curation_from_dict(data, source=str(path))


def curation_template(themes: pd.DataFrame) -> str:
    """Return a commented ``curation.yml`` listing the themes, for the analyst to edit.

    Parameters
    ----------
    themes
        The themes table (needs ``theme_id`` and ``label``).
    """
    schema.require_columns(themes, schema.THEME_ID, schema.LABEL, table="themes")
    lines = [
        "# Corrections of the themes, applied on top of every run (see analysis.curation).",
        "# Themes of this run:",
    ]
    for row in themes.sort_values(schema.THEME_ID).itertuples(index=False):
        lines.append(f"#   {getattr(row, schema.THEME_ID)}: {getattr(row, schema.LABEL)}")
    lines += [
        "rename: {}",
        "#  3: Nouveau nom du thème",
        "merge: []",
        "#  - themes: [4, 7]",
        "#    name: Nom du thème fusionné",
        "split: []",
        "#  - theme: 5",
        "#    parts: 2",
        "move: []",
        "#  - segment: identifiant-du-segment",
        "#    theme: 3",
        "",
    ]
    return "\n".join(lines)


# --- the theme memory --------------------------------------------------------------------------


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

    def save(self, path: str | Path) -> Path:
        """Write the memory as JSON (UTF-8, sorted keys) and return the path."""
        path = Path(path)
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=True)
        path.write_text(text + "\n", encoding="utf-8")
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
                detail = f"matches previous theme {previous[col].theme_id} '{previous[col].label}'"
                log.append(("kept", previous[col].theme_id, detail, similarity[row, col]))
    log += _match_merges(current, ids, previous, merges, threshold)
    for row, record in enumerate(current):
        if ids[row] is None:
            ids[row], next_id = next_id, next_id + 1
            best = float(similarity[row].max()) if len(previous) else float("nan")
            log.append(("new", ids[row], f"new theme '{record.label}'", best))
    for record in previous:
        if record.theme_id not in ids:
            log.append(("retired", record.theme_id, f"no longer found: '{record.label}'", np.nan))
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
        detail = f"matches the themes {together} merged in the curation file, taken together"
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


# --- applying the curation ---------------------------------------------------------------------


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
        warnings.warn(message, CurationWarning, stacklevel=4)
        self.rows.append(("skipped", theme, message, np.nan))

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
            self.rows.append(("merge", kept, f"theme {other} merged into {kept}", np.nan))
        if merge.name:
            self.names[kept] = merge.name
            if len(present) < 2:
                detail = (
                    f"theme {kept} keeps the name '{merge.name}' of its merge with theme(s) "
                    f"{', '.join(map(str, gone))}, no longer found"
                )
                self.rows.append(("rename", kept, detail, np.nan))

    def move(self, move: Move, segment_ids: np.ndarray) -> None:
        where = np.flatnonzero(segment_ids == move.segment_id)
        if len(where) == 0:
            message = (
                f"{self.curation.source} : la ligne move nomme le segment « {move.segment_id} », "
                "absent de cette analyse (voir segments.csv) ; corrigez ou retirez cette ligne."
            )
            warnings.warn(message, CurationWarning, stacklevel=3)
            self.rows.append(("skipped", move.theme, message, np.nan))
            return
        target = move.theme if move.theme < 0 else self.resolve(move.theme)
        if target >= 0 and target not in self.existing():
            self.missing("move", move.theme)
            return
        self.ids[where] = target
        detail = f"segment {move.segment_id} moved to theme {target}"
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
        self.rows.append(("rename", theme, f"theme {theme} named '{name}'", np.nan))

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
            warnings.warn(message, CurationWarning, stacklevel=3)
            self.rows.append(("skipped", theme, message, np.nan))
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
        detail = f"theme {theme} split into {', '.join(map(str, sorted(ids)))}"
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
