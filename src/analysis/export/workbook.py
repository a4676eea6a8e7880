"""The Excel workbook (``fiches.xlsx``): one sheet per table, texts always stored as texts."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from analysis import labels, schema
from analysis.export import xlsx
from analysis.export.errors import ExportWarning
from analysis.export.tables import flatten, readable, xml_safe
from analysis.summaries import Fiche, fiche_sources, fiches_table

_EXCEL_MAX_CHARS = 32_767
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_REQUIRED_SHEETS = ("recurrence", "specificities")  # keys of the tables dict
# Columns of segments.csv the workbook's segments sheet leaves out: what people read and filter
# stays (ids, theme, function, "à vérifier" and the score beside it, its reason, metadata, text:
# an analyst filters "à vérifier" and copies corrections to [functions] labelled_file); lemmas,
# offsets, counts and the source file (also on the documents sheet) are in the CSV. A fifth of
# the cells of the largest sheet, which takes most of the time of writing a large corpus's
# reports.
_NOT_IN_SEGMENTS_SHEET = (
    schema.LEMMAS,
    schema.POSITION,
    schema.START,
    schema.END,
    schema.N_WORDS,
    schema.LANGUAGE_OK,
    schema.SOURCE,
    schema.FILE,
)
# Tables of every word tested, of which a few hundred are significant: their sheet keeps the
# significant rows (the CSV keeps them all). On a corpus of 500,000 words, 383 of 16,928 rows,
# and a third of the workbook's cells.
_SIGNIFICANT_ONLY = ("word_specificities",)


def _sheet_rows(name: str, table: pd.DataFrame) -> pd.DataFrame:
    if name in _SIGNIFICANT_ONLY and schema.SIGNIFICANT in table.columns:
        return table[table[schema.SIGNIFICANT].fillna(False).astype(bool)]
    return table


def report_sheets(
    fiches: Sequence[Fiche],
    themes: pd.DataFrame,
    segments: pd.DataFrame,
    documents: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    names_report: pd.DataFrame | None,
) -> list[tuple[str, pd.DataFrame]]:
    """The workbook's sheets in reading order; recurrences and specificities always present."""
    sheets = [
        ("fiches", readable(fiches_table(fiches), label="Thème", headers=labels.EXPORT_HEADERS)),
        (_sheet_label("themes"), readable(themes, label="Thème")),
        (
            "segments",
            readable(segments.drop(columns=list(_NOT_IN_SEGMENTS_SHEET), errors="ignore")),
        ),
    ]
    for key in _REQUIRED_SHEETS:
        table = tables.get(key, pd.DataFrame({"": ["aucune donnée"]}))
        sheets.append((_sheet_label(key), readable(table)))
    others = [(n, t) for n, t in tables.items() if n not in _REQUIRED_SHEETS]
    sheets += [(_sheet_label(name), readable(_sheet_rows(name, table))) for name, table in others]
    sheets.append(("sources des fiches", readable(fiche_sources(fiches))))
    if names_report is not None:
        sheets.append(("protection des noms", readable(names_report)))
    sheets.append(("documents", readable(documents)))
    return sheets


def _sheet_label(key: str) -> str:
    """The French name of a table's sheet: "freins" for ``obstacles``, "AFC ville" for
    ``afc_city``... (a table the labels do not know keeps its key)."""
    if key.startswith(labels.CORRESPONDENCE_TABLE):
        return "AFC " + labels.correspondence_variable(key)
    return labels.SHEET_LABELS.get(key, key)


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """An Excel-safe, unique sheet name: no ``[]:*?/\\``, at most 31 characters."""
    base = _SHEET_FORBIDDEN.sub(" ", str(name)).strip().strip("'")[:31].strip() or "feuille"
    taken_lower = {t.lower() for t in taken}
    candidate, number = base, 2
    while candidate.lower() in taken_lower:
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)].rstrip() + suffix
        number += 1
    return candidate


def _excel_text(value: Any, sheet: str, column: object) -> str:
    """A text cell Excel reads safely: no control characters, not too long."""
    value = xml_safe(value)
    if len(value) > _EXCEL_MAX_CHARS:
        warnings.warn(
            f"fiches.xlsx, feuille « {sheet} », colonne « {column} » : un texte de {len(value)} "
            f"caractères a été coupé à la limite d'Excel ({_EXCEL_MAX_CHARS}) ; le fichier CSV "
            "le garde en entier.",
            ExportWarning,
            stacklevel=5,
        )
        value = value[:_EXCEL_MAX_CHARS]
    return value


def _excel_cells(values: list[Any], sheet: str, column: object) -> list[Any]:
    """A flattened column's cells for :mod:`xlsx`: numbers and booleans as they are, every
    other value as a safe text (a participant's "=HYPERLINK(...)" stays a text)."""
    return [
        value
        if value is None or isinstance(value, bool | int | float)
        else _excel_text(value, sheet, column)
        for value in values
    ]


def _column_widths(table: pd.DataFrame) -> list[int]:
    """Characters of each column's longest cell (header included), counted up to 80."""
    widths = []
    for column in table.columns:
        values = table[column]
        longest = (
            values.map(lambda v: len(v) if isinstance(v, str) else 0).max() if len(values) else 0
        )
        widths.append(max(len(str(column)), min(int(longest or 0), 80)))
    return widths


def _sheet(name: str, table: pd.DataFrame) -> xlsx.Sheet:
    """A flattened table (see :func:`flatten`) as a sheet: bold header, every text a text,
    columns as wide as their cells (8 to 60 characters), wrapped beyond 60; at most Excel's
    number of rows (the CSV keeps them all)."""
    if len(table) > xlsx.MAX_ROWS - 1:
        warnings.warn(
            f"fiches.xlsx, feuille « {name} » : {len(table)} lignes, au-delà de la limite "
            f"d'Excel ; la feuille garde les {xlsx.MAX_ROWS - 1} premières, le fichier CSV "
            "les garde toutes.",
            ExportWarning,
            stacklevel=3,
        )
        table = table.iloc[: xlsx.MAX_ROWS - 1]
    widths = _column_widths(table)
    return xlsx.Sheet(
        name=name,
        header=[xml_safe(column) for column in table.columns],
        columns=[_excel_cells(table[c].tolist(), name, c) for c in table.columns],
        widths=[min(max(width, 8), 60) + 2 for width in widths],
        styles=[xlsx.WRAP if width > 60 else xlsx.PLAIN for width in widths],
    )


def workbook_bytes(
    sheets: Sequence[tuple[str, pd.DataFrame]],
    *,
    stamp: dt.datetime,
    title: str = labels.EXPORT_LABELS["report_title"],
) -> bytes:
    """Return an Excel workbook with one sheet per table, in order (names made Excel-safe).

    ``title`` (``[export] title``) and ``stamp`` fill the workbook's properties. Written by
    :mod:`analysis.export.xlsx`: a table of 100,000 segments takes a few seconds.
    """
    taken: list[str] = []
    written = []
    for name, table in sheets or [("feuille", pd.DataFrame())]:
        taken.append(sheet_name(name, taken))
        written.append(_sheet(taken[-1], flatten(table)))
    return xlsx.workbook_bytes(written, title=title, created=stamp)
