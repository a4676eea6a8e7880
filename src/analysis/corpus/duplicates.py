"""One document, one id: copies of the same text counted once, ids made from file names kept
apart, ids repeated by the user refused.

The choices never depend on the order of the files on disk: records are ranked by id, then by
format (:data:`FORMAT_PREFERENCE`), then by file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from analysis import schema
from analysis.corpus.errors import CorpusError, shorten, warn
from analysis.corpus.records import Record
from analysis.corpus.tables import EXTENSIONS as TABLE_EXTENSIONS

# When the same text comes in several formats, the copy kept is the one that can carry the
# most metadata (front matter), then the richest layout.
FORMAT_PREFERENCE = (".md", ".markdown", ".txt", ".docx", ".odt", ".pdf")


def handle_duplicate_texts(records: list[Record], *, drop: bool) -> list[Record]:
    """Count once the documents that have the same text; one warning names every copy.

    Parameters
    ----------
    records
        The records of the whole corpus.
    drop
        Leave the copies out (``True``) or keep them, still named in the warning.

    Returns
    -------
    list of dict
        ``records`` without the copies (when ``drop``), in their order.

    Notes
    -----
    "Same" means equal once white space is collapsed (case and punctuation count). The kept
    document is the first by ``doc_id`` whose name does not say it is a copy (« Copie de
    note », « note - Copie », « note (2) », « Copy of note »), then by format, then by file
    and line.
    """

    def rank(record: Record) -> tuple[Any, ...]:
        named_as_copy = bool(_COPY_NAME.search(str(record[schema.DOC_ID])))
        return (
            named_as_copy,
            record[schema.DOC_ID],
            _format_rank(record),
            _natural_key(record["_origin"]),
        )

    kept: dict[str, Record] = {}
    copies: list[tuple[Record, Record]] = []
    for record in sorted(records, key=rank):
        key = " ".join(record[schema.TEXT].split())
        if key in kept:
            copies.append((record, kept[key]))
        else:
            kept[key] = record
    if not copies:
        return records
    listed = shorten(
        [f"{_describe(copy)} (même texte que {_describe(first)})" for copy, first in copies],
        30,
        sep=" ; ",
    )
    if drop:
        warn(
            f"{len(copies)} document(s) en double, au même texte qu’un autre document : chacun "
            f"est compté une fois, ces copies sont laissées de côté : {listed}. Retirez les "
            "copies du corpus pour faire taire cet avertissement."
        )
        dropped = {id(copy) for copy, _ in copies}
        return [record for record in records if id(record) not in dropped]
    warn(
        f"{len(copies)} document(s) en double, au même texte qu’un autre document, gardés "
        f"(drop_duplicates=False) : {listed}. Leurs mots comptent deux fois."
    )
    return records


def rename_clashing_file_ids(records: list[Record]) -> None:
    """Give a longer id to documents whose id, taken from their file name, is already used.

    ``lille/compte-rendu.md`` beside ``dijon/compte-rendu.md`` becomes
    ``lille-compte-rendu``; ``note.pdf`` beside ``note.md`` (not the same text) ``note-pdf``.
    Ids written in a front matter, a table or an IRaMuTeQ file are never changed. The records
    are changed in place; one warning names the new ids.
    """

    def rank(record: Record) -> tuple[Any, ...]:
        from_name = record.get("_id_from_name", False)
        return from_name, _format_rank(record), _natural_key(record["_origin"])

    taken: set[str] = set()
    renamed = []
    for record in sorted(records, key=rank):
        doc_id = record[schema.DOC_ID]
        if doc_id in taken and record.get("_id_from_name"):
            path = Path(record[schema.FILE])
            candidates = [
                path.with_suffix("").as_posix().replace("/", "-"),
                path.as_posix().replace("/", "-").replace(".", "-"),
            ]
            new_id = next((c for c in candidates if c not in taken), None)
            if new_id is not None:
                renamed.append(f"{record['_origin']} → « {new_id} »")
                record[schema.DOC_ID] = doc_id = new_id
        taken.add(doc_id)
    if renamed:
        warn(
            f"{len(renamed)} document(s) dont le nom de fichier est déjà pris par un autre "
            f"document reçoivent un identifiant plus long : {shorten(renamed, 30, sep=' ; ')}. "
            "Si l’un est une copie d’un autre (même note en .md et en .pdf), retirez la copie ; "
            "sinon donnez-leur un « id: » dans l’en-tête pour faire taire cet avertissement."
        )


def check_unique_ids(records: Iterable[Record]) -> None:
    """Raise :class:`CorpusError` when two documents have the same id, naming where each is.

    (:func:`analysis.schema.require_unique` checks a table; this check names the files and
    lines the user must correct, which the documents table no longer holds.)
    """
    seen: dict[str, str] = {}
    clashes, suffixes = [], set()
    for record in records:
        doc_id = record[schema.DOC_ID]
        if doc_id in seen:
            clashes.append(f"'{doc_id}' dans {seen[doc_id]} et dans {record['_origin']}")
            suffixes.add(Path(record[schema.FILE]).suffix.lower())
        else:
            seen[doc_id] = record["_origin"]
    if clashes:
        advice = (
            "Chaque ligne du tableau doit avoir son propre identifiant : corrigez la colonne "
            "d’identifiant, ou choisissez-en une autre avec --id-column (sans --id-column, les "
            "lignes sont numérotées)."
            if suffixes <= set(TABLE_EXTENSIONS)
            else "Donnez à chaque document son propre « id: » dans l’en-tête (ou renommez un "
            "fichier, ou choisissez une autre colonne avec --id-column)."
        )
        listed = " ; ".join(clashes[:_CLASHES_LISTED])
        if len(clashes) > _CLASHES_LISTED:
            listed += f" ; et {len(clashes) - _CLASHES_LISTED} autre(s)"
        n_documents = len(seen) + len(clashes)
        raise CorpusError(
            f"Identifiants de documents en double ({len(clashes)} document(s) sur {n_documents} "
            f"reprennent l’identifiant d’un autre) : {listed}. {advice}"
        )


_CLASHES_LISTED = 5  # repeated ids a message names (a column of votes repeats hundreds)


# how file managers name a copy: « Copie de note », « note - Copie », « note (2) », « note copy »
_COPY_NAME = re.compile(
    r"^(?:copie de|copy of) |[ _-]+(?:copie|copy)(?: ?\(?\d+\)?)?$| \(\d+\)$", re.IGNORECASE
)


def _format_rank(record: Record) -> int:
    suffix = Path(record[schema.FILE]).suffix.lower()
    return FORMAT_PREFERENCE.index(suffix) if suffix in FORMAT_PREFERENCE else 0


def _describe(record: Record) -> str:
    """How a warning names a document: its file (and line), and its id when not the file's."""
    origin = record["_origin"]
    if record[schema.DOC_ID] == Path(record[schema.FILE]).stem:
        return origin
    return f"{origin} [id {record[schema.DOC_ID]}]"


def _natural_key(text: str) -> tuple[Any, ...]:
    """Sort "ligne 10" after "ligne 9"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))
