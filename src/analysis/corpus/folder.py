"""A folder as corpus: every document file under it, what is left aside and why.

README files, names starting with ``.`` or ``_``, ``annotations.csv`` and the output folders
of the workbook (holding ``run.json`` or ``theme_memory.json``) are never read as corpus. Files
of other types are named in one warning; files that cannot be read are skipped with a warning.
"""

from __future__ import annotations

import os
from pathlib import Path

from analysis.corpus.annotations import ANNOTATIONS_FILE
from analysis.corpus.errors import CorpusError, SkippedFile, shorten, warn
from analysis.corpus.readers import (
    DOCUMENT_EXTENSIONS,
    DOCUMENT_READERS,
    FORMAT_HINTS,
    TABLE_EXTENSIONS,
)
from analysis.corpus.records import ReadOptions, Record

# Files that the workbook writes in its output folder (pipeline.RUN_FILE and
# curation.MEMORY_FILE; tests check they agree): a folder holding one is a report, not corpus.
OUTPUT_MARKERS = ("run.json", "theme_memory.json")
_READMES = ("readme.md", "readme.txt", "readme")


def read_folder(root: Path, options: ReadOptions) -> list[Record]:
    """Read every document file under ``root``; warn about and skip what cannot be read.

    Parameters
    ----------
    root
        The corpus folder, searched recursively.
    options
        Uses ``encoding``.

    Returns
    -------
    list of dict
        The records of every document read, in path order.

    Raises
    ------
    CorpusError
        When the folder holds no document file, or none could be read.
    """
    documents, unknown, outputs = _list_folder(root)
    if outputs:
        warn(
            f"{root} : {len(outputs)} dossier(s) de résultats du classeur laissé(s) de côté "
            f"({shorten(outputs)}) : ils contiennent {' ou '.join(OUTPUT_MARKERS)}, écrits par "
            "« analysis report », et ne sont pas des documents du corpus. Écrivez les résultats "
            "hors du dossier du corpus (--out) pour faire taire cet avertissement."
        )
    if unknown:
        _warn_unknown_files(unknown)
    if not documents:
        raise CorpusError(
            f"{root} : aucun document trouvé (fichiers {', '.join(DOCUMENT_EXTENSIONS)} ; "
            "README.md, noms commençant par « . » ou « _ » et dossiers de résultats mis à part). "
            "Mettez les documents dans ce dossier, ou donnez un fichier tableau (.csv, .xlsx, "
            ".ods, .json) comme corpus."
        )
    records: list[Record] = []
    skipped: list[str] = []
    for relative in documents:
        read = DOCUMENT_READERS[Path(relative).suffix.lower()]
        try:
            records.extend(read(root / relative, relative, options))
        except SkippedFile as reason:
            warn(f"{reason} Ce fichier est laissé de côté ; les autres sont chargés.")
            skipped.append(relative)
    if not records:
        raise CorpusError(
            f"{root} : aucun des {len(documents)} fichiers de documents n’a pu être chargé "
            f"({', '.join(skipped)}) ; voyez les avertissements ci-dessus."
        )
    return records


def _list_folder(root: Path) -> tuple[list[str], list[str], list[str]]:
    """Return the document files, the unknown files and the output folders under ``root``.

    All three are sorted POSIX paths relative to ``root``. Hidden or private folders
    (``.git``, ``.cache``, ``_drafts``) are left aside silently, output folders of the
    workbook (:data:`OUTPUT_MARKERS`) with their subfolders are listed apart.
    """
    documents: list[str] = []
    unknown: list[str] = []
    outputs: list[str] = []
    for folder, subfolders, files in os.walk(root):
        kept = []
        for name in sorted(subfolders):
            if name.startswith((".", "_")):
                continue
            if any((Path(folder) / name / marker).is_file() for marker in OUTPUT_MARKERS):
                outputs.append((Path(folder) / name).relative_to(root).as_posix())
                continue
            kept.append(name)
        subfolders[:] = kept  # os.walk descends only into these
        for name in sorted(files):
            if name.startswith((".", "_")) or _is_ignored(name):
                continue
            relative = (Path(folder) / name).relative_to(root).as_posix()
            if Path(name).suffix.lower() in DOCUMENT_EXTENSIONS:
                documents.append(relative)
            else:
                unknown.append(relative)
    return sorted(documents), sorted(unknown), sorted(outputs)


def _is_ignored(name: str) -> bool:
    return name.lower() in (ANNOTATIONS_FILE, *OUTPUT_MARKERS, *_READMES)


def _warn_unknown_files(unknown: list[str]) -> None:
    described = []
    for relative in unknown:
        suffix = Path(relative).suffix.lower()
        if suffix in TABLE_EXTENSIONS:
            hint = "un tableau : donnez-le seul comme CORPUS"
        else:
            hint = FORMAT_HINTS.get(suffix, "type inconnu")
        described.append(f"{relative} ({hint})")
    warn(
        f"{len(unknown)} fichier(s) laissé(s) de côté, d’un type de document non pris en charge "
        f"({', '.join(DOCUMENT_EXTENSIONS)}) : {' ; '.join(described)}."
    )
