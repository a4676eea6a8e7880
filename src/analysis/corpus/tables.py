"""Reader of platform exports: one row per document, in a table file.

The options say which column holds the text (``text_column``, else a column named ``text`` or,
with a warning, the one with the longest texts), which one the id (``id_column``, else rows are
numbered ``row-0001``...) and which other columns to keep (``meta_columns``; ``"city=Ville"``
keeps column ``Ville`` as ``city``). Columns already named like the documents table (``city``,
``date``...), or by the French names a front matter accepts (``Ville``, ``Titre``, ``Type``), are
used as they are. HTML in fields becomes plain text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import schema
from analysis.corpus.dates import MISSING_MARKS, parse_date
from analysis.corpus.errors import CorpusError, SkippedFile, shorten, warn
from analysis.corpus.html_text import html_to_text
from analysis.corpus.records import KEY_ALIASES, ReadOptions, Record, empty_record
from analysis.corpus.table_files import TABLE_READERS, UNNAMED, read_table

EXTENSIONS = tuple(TABLE_READERS)


def read(path: Path, relative: str, options: ReadOptions) -> list[Record]:
    """Read a platform export (one row per document) as document records.

    Parameters
    ----------
    path
        The table file.
    relative
        The file as messages and the ``file`` column name it.
    options
        ``encoding``, ``text_column``, ``id_column``, ``meta_columns``.

    Returns
    -------
    list of dict
        One record per row with a text; rows with an empty text are left out with a warning.

    Raises
    ------
    CorpusError
        When the file cannot be read as a table, is empty, lacks a column asked for, has an
        empty id or an unreadable date, or holds no text at all.
    """
    try:
        frame, row_labels = read_table(
            path, relative, encoding=options.encoding, wanted=_asked_columns(options)
        )
    except SkippedFile as skipped:  # a table is the whole corpus: nothing is left to load
        raise CorpusError(str(skipped)) from None
    if frame.empty:
        raise CorpusError(
            f"{relative} : le tableau n’a aucune ligne. Vérifiez que c’est le bon export."
        )
    columns = _TableColumns.resolve(frame, relative, options)
    records, empty_rows, placeholders, totals = [], [], {}, []
    for position, row in enumerate(frame.to_dict("records")):
        label = row_labels[position]
        text = _field_text(row[columns.text])
        stripped = text.strip()
        if not stripped:
            empty_rows.append(label)
            continue
        if stripped.casefold() in NO_TEXT:  # "N/A": a form's way of leaving it empty
            placeholders[label] = stripped
            continue
        if _is_total(row, columns.text):  # "Total | 30 contributions": the sheet's count
            totals.append((position, row, text, label))
            continue
        records.append(_table_record(row, text, columns, relative, label, position, len(frame)))
    if totals and records:
        warn(
            f"{relative} : {len(totals)} ligne(s) de total laissée(s) de côté "
            f"({shorten([label for *_, label in totals])}) : une case y dit « Total » ; le "
            "tableur y compte les autres lignes, ce n’est pas une contribution."
        )
    elif totals:  # nothing but totals: read as they are (there is nothing else)
        records = [
            _table_record(row, text, columns, relative, label, position, len(frame))
            for position, row, text, label in totals
        ]
    if not records:
        raise CorpusError(
            f"{relative} : tous les textes de la colonne « {columns.text} » sont vides. "
            f"Choisissez la colonne des textes avec --text-column (colonnes : "
            f"{', '.join(map(str, frame.columns))})."
        )
    if not any(_LETTER.search(record[schema.TEXT]) for record in records):
        raise CorpusError(
            f"{relative} : la colonne « {columns.text} » ne contient aucun mot (des nombres, des "
            f"signes) : ce n’est pas la colonne des textes. Choisissez-la avec --text-column "
            f"(colonnes : {', '.join(map(str, frame.columns))})."
        )
    if empty_rows:
        warn(
            f"{relative} : {len(empty_rows)} ligne(s) à la colonne « {columns.text} » vide "
            f"laissée(s) de côté ({shorten(empty_rows)})."
        )
    if placeholders:
        said = ", ".join(f"« {t} »" for t in dict.fromkeys(placeholders.values()))
        warn(
            f"{relative} : {len(placeholders)} ligne(s) dont la colonne « {columns.text} » ne "
            f"dit que {said} (un texte absent) laissée(s) de côté ({shorten(list(placeholders))})."
        )
    if schema.DATE not in columns.targets and (dates := date_column(frame)):
        for record in records:
            record["_date_column"] = dates
    return records


_LETTER = re.compile(r"[^\W\d_]")
# what a spreadsheet writes in a cell of the row that totals the others
_TOTAL = re.compile(r"(?:sous[- ]?)?(?:total|totaux)(?: g[ée]n[ée]ral)?|somme", re.IGNORECASE)


def _is_total(row: dict[str, Any], text_column: str) -> bool:
    """True for a row whose cell outside the text column says "Total" (or "Sous-total",
    "Total général", "Somme", with or without a colon)."""
    return any(
        isinstance(value, str) and _TOTAL.fullmatch(value.strip().rstrip(":").strip())
        for column, value in row.items()
        if column != text_column
    )


# a platform's field in French, its translations flattened ("title.fr", "title/fr")
_FRENCH_FIELD = re.compile(r"(?P<key>[^./]+)[./]fr")
# what forms and exports write in a text cell left empty: read as no text, as an empty cell is
NO_TEXT = MISSING_MARKS | {"/", "x", "xx", "xxx", "néant", "sans objet", "null", "none", "nan"}


def _plain_key(column: str) -> str:
    return column.strip().lower()


def _french_key(column: str) -> str | None:
    """``title`` for a field's French translation flattened (``title.fr``, ``title/fr``)."""
    field = _FRENCH_FIELD.fullmatch(column.strip().lower())
    return field.group("key") if field else None


# names of the columns where platforms put a contribution's date, the likeliest first
_DATE_NAMES = (
    re.compile(r"publi", re.IGNORECASE),
    re.compile(r"cr[eé]{1,2}", re.IGNORECASE),
    re.compile(r"date|jour|(^|_)at$|time", re.IGNORECASE),
)
_DATE_SAMPLE = 50  # the first non-empty values of a column that must all read as dates


def date_column(frame: pd.DataFrame) -> str | None:
    """A column of dates under a name platforms give them (``published_at``, ``created_at``,
    ``Date de dépôt``...), to suggest when no option names the date: the first whose first
    non-empty values all read as dates; None when there is none."""
    ranked = sorted(
        (rank, position, column)
        for position, column in enumerate(map(str, frame.columns))
        if (rank := _date_name_rank(column)) is not None
    )
    return next((column for _, _, column in ranked if _holds_dates(frame[column])), None)


def _date_name_rank(column: str) -> int | None:
    """Where ``column``'s name comes in :data:`_DATE_NAMES` (None: not a date's name)."""
    return next((rank for rank, name in enumerate(_DATE_NAMES) if name.search(column)), None)


def _holds_dates(values: pd.Series) -> bool:
    texts = [t for t in values.dropna().astype(str).str.strip() if t]
    if not texts:
        return False
    try:
        parsed = [parse_date(text, "") for text in texts[:_DATE_SAMPLE]]
    except CorpusError:
        return False
    return not any(pd.isna(p) for p in parsed)


def _asked_columns(options: ReadOptions) -> list[str]:
    """The table's columns the options name: text, id and metadata (``target=column``)."""
    metadata = [_meta_entry(entry)[1] for entry in options.meta_columns]
    given = [options.text_column, options.id_column, *metadata]
    return [column.strip() for column in given if column]


def _meta_entry(entry: str) -> tuple[str, str]:
    """The document column and the table column of a ``meta_columns`` entry: ``target=column``,
    or a column kept under its own name."""
    target, _, column = entry.partition("=") if "=" in entry else (entry, "", entry)
    return target.strip(), column.strip()


@dataclass(frozen=True)
class _TableColumns:
    """Which table column fills which document column."""

    text: str
    doc_id: str | None
    targets: dict[str, str]  # document column -> table column

    @classmethod
    def resolve(cls, frame: pd.DataFrame, name: str, options: ReadOptions) -> _TableColumns:
        available = [str(c) for c in frame.columns]
        targets: dict[str, str] = {}
        # columns named like the documents table, else their French translation ("title.fr")
        for key_of in (_plain_key, _french_key):
            for column in available:
                standard = KEY_ALIASES.get(key_of(column))
                if standard and standard != schema.DOC_ID and standard not in targets:
                    targets[standard] = column
        for entry in options.meta_columns:
            target, column = _meta_entry(entry)
            if column not in available:
                _check_mapping_syntax(entry, available, name)
            targets[target] = require_column(frame, column, name, "colonne de métadonnée")
        id_column = options.id_column
        if id_column is not None:
            id_column = require_column(frame, id_column, name, "colonne d’identifiant")
        if options.text_column is None:
            text_column = _guess_text_column(frame, name, exclude={id_column, *targets.values()})
        else:
            text_column = require_column(frame, options.text_column, name, "colonne de texte")
        for reserved in (schema.TEXT, schema.DOC_ID, schema.FILE):
            targets.pop(reserved, None)
        return cls(text_column, id_column, targets)


_OTHER_ARROWS = re.compile(r"\s*(?::|->|=>|→)\s*")  # what users type instead of "="


def _check_mapping_syntax(entry: str, available: list[str], name: str) -> None:
    """Raise :class:`CorpusError` for a ``meta_columns`` entry that maps a column with
    another sign than "=" ("date:created_at", "city -> Ville"): the closest column would not
    be the one meant."""
    if "=" in entry:
        return
    parts = _OTHER_ARROWS.split(entry.strip(), maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1] in available:
        target, column = parts
        raise CorpusError(
            f"{name} : --meta-columns « {entry} » : pour lire la colonne « {column} » sous le "
            f"nom « {target} », écrivez « {target}={column} » (avec le signe =)."
        )


def require_column(frame: pd.DataFrame, column: str, name: str, role: str) -> str:
    """Return ``column`` if the table has it; raise :class:`CorpusError` with a guess if not.

    Parameters
    ----------
    frame
        The table.
    column
        The column asked for.
    name
        The file as messages name it.
    role
        What the column is for, in French (``"colonne de texte"``).

    Returns
    -------
    str
        ``column``.

    Raises
    ------
    CorpusError
        Naming the closest column and every column of the table.
    """
    available = [str(c) for c in frame.columns]
    if column in available:
        return column
    named = [c for c in available if not UNNAMED.fullmatch(c)]
    guess = schema.closest_name(column, named)
    hint = f" Vouliez-vous dire « {guess} » ?" if guess else ""
    raise CorpusError(
        f"{name} : pas de {role} « {column} ».{hint} Les colonnes du tableau sont : "
        f"{', '.join(map(column_label, available))}. Donnez le nom exact (--text-column, "
        "--id-column, --meta-columns)."
    )


def column_label(column: object) -> str:
    """A column as messages name it: « colonne 4 (sans nom) » for pandas' « Unnamed: 3 »."""
    unnamed = UNNAMED.fullmatch(str(column))
    return f"colonne {int(unnamed[1]) + 1} (sans nom)" if unnamed else str(column)


def _guess_text_column(frame: pd.DataFrame, name: str, *, exclude: set[Any]) -> str:
    candidates = [str(c) for c in frame.columns if c not in exclude]
    if not candidates:
        raise CorpusError(
            f"{name} : il ne reste aucune colonne pour les textes ; donnez --text-column."
        )
    lengths = {c: frame[c].astype(str).str.len().mean() for c in candidates}
    best = max(candidates, key=lambda c: (lengths[c], -candidates.index(c)))
    named_text = [c for c in candidates if _plain_key(c) == schema.TEXT]
    if named_text:
        ratio = lengths[best] / max(lengths[named_text[0]], 1)
        if ratio > _MUCH_LONGER:
            warn(
                f"{name} : la colonne « {named_text[0]} » est prise pour les textes, mais la "
                f"colonne « {column_label(best)} » a des textes {ratio:.0f} fois plus longs en "
                f"moyenne ; si ce sont les contributions, donnez --text-column « {best} »."
            )
        return named_text[0]
    warn(
        f"{name} : pas de colonne de texte indiquée ; la colonne « {column_label(best)} » (aux "
        "textes les plus longs) est prise. Donnez --text-column (text_column=) pour en choisir "
        "une autre."
    )
    return best


_MUCH_LONGER = 3  # a column this many times longer than « text » is said to hold the texts


def _table_record(
    row: Mapping[str, Any],
    text: str,
    columns: _TableColumns,
    name: str,
    label: str,
    position: int,
    n_rows: int,
) -> Record:
    record = empty_record()
    for target, column in columns.targets.items():
        value = _field_text(row[column]).strip()
        if target == schema.DATE:
            record[target] = parse_date(value, f"{name}, {label}, colonne « {column} »")
        else:
            record[target] = value
    if columns.doc_id is not None:
        record[schema.DOC_ID] = _field_text(row[columns.doc_id]).strip()
        if not record[schema.DOC_ID]:
            raise CorpusError(
                f"{name}, {label} : identifiant vide dans la colonne « {columns.doc_id} ». "
                "Remplissez-le, ou retirez --id-column pour numéroter les lignes."
            )
    else:
        record[schema.DOC_ID] = f"row-{position + 1:0{max(4, len(str(n_rows)))}d}"
    record[schema.TEXT] = text
    record[schema.FILE] = name
    record[schema.SOURCE] = record[schema.SOURCE] or f"{name}, {label}"
    record["_origin"] = f"{name}, {label}"
    # an untitled row is named by its id, or where it is when its id was made here ("row-0022"
    # would name it in a fiche's quotes: "contributions.csv, ligne 23" tells where to find it)
    named_by = record[schema.DOC_ID] if columns.doc_id is not None else record["_origin"]
    record[schema.TITLE] = record[schema.TITLE] or named_by
    return record


def _field_text(value: Any) -> str:
    text = "" if value is None else str(value)
    return html_to_text(_french_version(text).replace("\r\n", "\n").replace("\r", "\n"))


_FRENCH_KEYS = ("fr", "fr-FR", "fr_FR", "fr-fr")


def _french_version(text: str) -> str:
    """The French text of a cell that holds the translations of a field as JSON, as some
    platforms export them (``{"fr": "<p>…</p>", "machine_translations": {"en": "…"}}``); the
    cell as it is otherwise (a JSON object without a French text, any other text)."""
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}") and '"' in stripped):
        return text
    try:
        translations = json.loads(stripped)
    except ValueError:
        return text
    if not isinstance(translations, dict):
        return text
    for key in _FRENCH_KEYS:
        if isinstance(translations.get(key), str):
            return translations[key]
    return text
