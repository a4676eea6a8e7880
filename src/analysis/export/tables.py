"""Table cells as reports show them: plain values, CSV bytes, French headers, XML-safe text."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from analysis import labels, schema

LIST_SEPARATOR = "; "
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def plain(value: Any) -> Any:
    """A cell as CSV/HTML/Word show it: lists joined, dates ISO, missing values empty."""
    if type(value) is str or type(value) is int:  # most cells: nothing to do
        return value
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        return LIST_SEPARATOR.join(str(plain(v)) for v in items)
    if isinstance(value, pd.Timestamp | dt.datetime):
        return "" if pd.isna(value) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or (isinstance(value, float | np.floating) and np.isnan(value)):
        return ""
    if value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, np.generic):
        return value.item()
    return value


def flatten(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` with plain cells (see module doc), private ``_columns`` dropped."""
    kept = [c for c in table.columns if not str(c).startswith("_")]
    flat = table[kept].copy()
    for column in kept:
        values = table[column]
        if values.dtype.kind in "biu" or pd.api.types.infer_dtype(values, skipna=False) == "string":
            continue  # integers, booleans or texts only: already plain
        flat[column] = [plain(v) for v in values.tolist()]
    return flat.reset_index(drop=True)


def segments_table(segments: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The segments as exported: ids and classification first, metadata, then text and lemmas.

    Document metadata missing from the segments (``doc_type``, ``title``, ``atelier``...) is
    joined on ``doc_id``; the document text is not.
    """
    schema.require_columns(
        segments, schema.SEGMENT_ID, schema.DOC_ID, schema.TEXT, table="segments"
    )
    extra = [c for c in documents.columns if c not in segments.columns and c != schema.TEXT]
    table = segments
    if extra and schema.DOC_ID in documents.columns:
        table = segments.merge(documents[[schema.DOC_ID, *extra]], on=schema.DOC_ID, how="left")
    table = table.copy()
    if schema.LEMMAS in table.columns:
        table[schema.LEMMAS] = [
            " ".join(v) if isinstance(v, list | tuple) else v for v in table[schema.LEMMAS]
        ]
    # "à vérifier" beside the function, where the analyst reads it to correct it
    first = [
        schema.DOC_ID,
        schema.SEGMENT_ID,
        schema.THEME_ID,
        schema.THEME_LABEL,
        schema.FUNCTION,
        schema.FUNCTION_CHECK,
        schema.FUNCTION_SCORE,
    ]
    last = [schema.TEXT, schema.LEMMAS]
    head = [c for c in first if c in table.columns]
    tail = [c for c in last if c in table.columns]
    middle = [c for c in table.columns if c not in head and c not in tail]
    keys = [schema.DOC_ID, schema.POSITION] if schema.POSITION in table.columns else []
    table = table.assign(_sid=table[schema.SEGMENT_ID].astype(str))
    table = table.sort_values([*keys, "_sid"], kind="stable")
    return flatten(table[[*head, *middle, *tail]])


def sorted_by(table: pd.DataFrame, column: str) -> pd.DataFrame:
    if column not in table.columns:
        return table.reset_index(drop=True)
    return table.sort_values(column, kind="stable").reset_index(drop=True)


def csv_bytes(table: pd.DataFrame) -> bytes:
    safe = _neutralise_formulas(flatten(table))
    return safe.to_csv(index=False, lineterminator="\n").encode("utf-8")


# A cell starting with one of these is run as a formula by spreadsheets (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a ``'`` before every text cell a spreadsheet would run as a formula.

    Only text cells change: numbers (``-5`` included) stay numbers. The Excel workbook needs
    no such care, it stores texts as texts.
    """
    safe = table.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype.kind != "O":
            continue  # numbers, booleans, dates: not formulas
        cells = values.tolist()
        risky = [isinstance(v, str) and v.startswith(_FORMULA_STARTS) for v in cells]
        if any(risky):
            safe[column] = ["'" + v if r else v for v, r in zip(cells, risky, strict=True)]
    return safe


def readable(
    table: pd.DataFrame, *, label: str = "Libellé", headers: dict[str, str] | None = None
) -> pd.DataFrame:
    """``table`` with French, unique column headers, for the tables people read.

    Parameters
    ----------
    table
        Any table of the workbook.
    label
        Header of the ``label`` column: "Thème" in the themes table, "Libellé" elsewhere
        (the label of a group of freins is not a theme).
    headers
        Headers that take precedence over the shared ones (``share`` of a fiche is a share of
        the classified segments, not of a group).
    """
    values = {  # coded values people read in French
        schema.STATUS: labels.STATUS_LABELS,
        schema.DIRECTION: {k: labels.TRACING_LABELS[k] for k in ("over", "under")},
        schema.ACTION: labels.CURATION_ACTION_LABELS,
        schema.RECURRENCE_UNIT: labels.RECURRENCE_UNIT_LABELS,
    }
    coded = [c for c in values if c in table.columns]
    if coded:
        table = table.assign(**{c: table[c].map(lambda v, c=c: values[c].get(v, v)) for c in coded})
    names: list[str] = []
    for column in map(str, table.columns):
        name = label if column == schema.LABEL else (headers or {}).get(column)
        name = name or labels.COLUMN_LABELS.get(column)
        name = name or labels.TRACING_LABELS.get(column) or labels.EXPORT_HEADERS.get(column)
        name, number = name or column, 2
        while name in names:
            name, number = f"{name} ({number})", number + 1
        names.append(name)
    return table.set_axis(names, axis=1)


def xml_safe(value: Any) -> str:
    """Text Word and Excel accept: control characters that XML forbids are removed."""
    return _XML_ILLEGAL.sub("", str(plain(value)))
