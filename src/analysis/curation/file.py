"""The curation file (``curation.yml`` or a CSV): the analyst's corrections, read and checked."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis import schema
from analysis.curation.errors import CurationError

CSV_COLUMNS = ("action", "theme", "into", "segment", "name")
ACTIONS = ("rename", "merge", "split", "move")


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


def curation_to_yaml(curation: Curation) -> str:
    """The curation as a ``curation.yml`` that :func:`load_curation` reads back the same."""
    data: dict[str, Any] = {}
    if curation.renames:
        data["rename"] = {int(t): name for t, name in sorted(curation.renames.items())}
    if curation.merges:
        data["merge"] = [
            {"themes": list(m.themes), **({"name": m.name} if m.name else {})}
            for m in curation.merges
        ]
    if curation.splits:
        data["split"] = [
            {"theme": s.theme, "parts": s.parts, **({"names": list(s.names)} if s.names else {})}
            for s in curation.splits
        ]
    if curation.moves:
        data["move"] = [{"segment": m.segment_id, "theme": m.theme} for m in curation.moves]
    header = "# Corrections of the themes, applied on top of every run (see analysis.curation).\n"
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False) if data else ""
    return header + body


def save_curation(curation: Curation, path: str | Path) -> Path:
    """Write ``curation`` to a YAML file; the file it replaces is kept as ``<name>.bak`` (its
    comments included), so that nothing the analyst wrote is lost.

    Raises
    ------
    CurationError
        When ``path`` is a CSV file (write the corrections to a ``.yml`` instead).
    """
    path = Path(path)
    if path.suffix.lower() not in (".yml", ".yaml"):
        raise CurationError(
            f"{path} : les corrections s'écrivent dans un fichier YAML ; indiquez un fichier "
            "« curation.yml » dans [themes] curation_file."
        )
    text = curation_to_yaml(curation)
    if path.is_file():
        previous = path.read_text(encoding="utf-8")
        if previous == text:
            return path
        path.with_name(path.name + ".bak").write_text(previous, encoding="utf-8")
    from analysis.export import atomic_write  # imported late: curation needs no exporter

    return atomic_write(path, text.encode("utf-8"))
