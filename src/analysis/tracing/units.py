"""What recurrence counts: concertations, or the contributions of a single concertation.

A corpus of several concertations counts how many concertations raise a frein. A platform export
(Decidim, a consultation's CSV) holds one: there, what recurs is what many contributions
(documents) raise. :func:`recurrence_unit` decides it once from the segments; the group and
recurrence tables then carry a ``recurrence_unit`` column that :func:`unit_of` reads back, so
that :mod:`analysis.summaries` and :mod:`analysis.plots` do not decide again.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import pandas as pd

from analysis import schema
from analysis.tracing.errors import SingleConcertationWarning, UnnamedConcertationWarning

RecurrenceUnit = Literal["concertation_id", "doc_id"]

# how messages name a concertation or a document that has no name
UNNAMED = {
    schema.CONCERTATION_ID: "aucune concertation nommée",
    schema.DOC_ID: "document sans identifiant",
}


def recurrence_unit(segments: pd.DataFrame) -> RecurrenceUnit:
    """What recurrence counts: concertations, or contributions (documents) when there is one.

    A platform export (Decidim, a consultation's CSV) holds a single concertation: counting
    how many concertations raise a frein would find each frein in one, and none recurrent.
    What recurs there is what many contributions raise.

    Parameters
    ----------
    segments
        Segments (or documents) with ``concertation_id`` (missing values do not count) and
        ``doc_id``.

    Returns
    -------
    str
        ``"concertation_id"`` when the table holds two concertations or more (or has no
        ``doc_id``), else ``"doc_id"``.

    Example
    -------
    >>> recurrence_unit(pd.DataFrame({"concertation_id": ["", ""], "doc_id": ["1", "2"]}))
    'doc_id'
    """
    if schema.CONCERTATION_ID in segments:
        if segments[schema.CONCERTATION_ID].dropna().nunique() >= 2:
            return schema.CONCERTATION_ID
    return schema.DOC_ID if schema.DOC_ID in segments else schema.CONCERTATION_ID


def single_document(segments: pd.DataFrame) -> bool:
    """True when recurrence counts contributions (:func:`recurrence_unit`) and there is only
    one: a single meeting note or article, where nothing can come back from one contribution
    to another, so that every frein and proposal is listed once (a minimum of one unit)."""
    return recurrence_unit(segments) == schema.DOC_ID and segments[schema.DOC_ID].nunique() <= 1


def unit_of(table: pd.DataFrame) -> RecurrenceUnit:
    """The unit a group or recurrence table was counted in (its ``recurrence_unit`` column;
    concertations when the column is absent, as in every table of several concertations)."""
    if schema.RECURRENCE_UNIT not in table.columns:
        return schema.CONCERTATION_ID
    stored = table[schema.RECURRENCE_UNIT].dropna()
    return str(stored.iloc[0]) if len(stored) else schema.DOC_ID  # type: ignore[return-value]


def n_units_column(unit: str) -> str:
    """The column that counts ``unit``: ``n_concertations`` or ``n_documents``."""
    return schema.N_DOCUMENTS if unit == schema.DOC_ID else schema.N_CONCERTATIONS


def with_unit_columns(columns: Sequence[str], unit: str) -> list[str]:
    """``columns``, with ``n_documents`` (after ``concertations``) and ``recurrence_unit``
    (last) when recurrence counts contributions."""
    if unit != schema.DOC_ID:
        return list(columns)
    place = columns.index(schema.CONCERTATIONS) + 1
    return [*columns[:place], schema.N_DOCUMENTS, *columns[place:], schema.RECURRENCE_UNIT]


def quoted_list(names: Sequence[str], *, unnamed: str = "", limit: int = 8) -> str:
    """The first ``limit`` names in quotes and how many more: "« a », « b » (et 3 autres)";
    an empty name is written ``unnamed`` (for instance :data:`UNNAMED`'s text)."""
    shown = ", ".join(f"« {name} »" if name else unnamed for name in names[:limit])
    return shown + (f" (et {len(names) - limit} autres)" if len(names) > limit else "")


def single_concertation_message(segments: pd.DataFrame) -> str:
    """The French text of :class:`SingleConcertationWarning`: which concertation, what is
    counted instead, and how to name the concertations of a corpus."""
    values = (
        segments[schema.CONCERTATION_ID].dropna().astype(str).unique()
        if schema.CONCERTATION_ID in segments
        else []
    )
    named = len(values) and values[0].strip()
    name = f"« {values[0]} »" if named else UNNAMED[schema.CONCERTATION_ID]
    if single_document(segments):
        return (
            f"Un seul document, d'une seule concertation ({name}) : il n'y a pas de récurrence "
            "à compter ; ses freins et ses propositions sont tous listés, chacun une fois. Pour "
            "voir ce qui revient, analysez ensemble les documents de plusieurs contributions ou "
            "de plusieurs concertations."
        )
    counted = (
        "la récurrence des freins et des propositions est comptée sur les contributions "
        "(documents), et non sur les concertations"
        if recurrence_unit(segments) == schema.DOC_ID
        else "il n'y a pas de récurrence entre concertations à compter"
    )
    return (
        f"Une seule concertation ({name}) : {counted}. Pour comparer plusieurs concertations, "
        "nommez celle de chaque document : --meta-columns concertation_id=<colonne> pour un "
        "tableau, « concertation: » dans l'en-tête d'un fichier Markdown, ou un dossier par "
        "concertation."
    )


def warn_if_single(segments: pd.DataFrame) -> bool:
    """Warn and return True when the segments come from a single concertation (the same
    text from every step: it is said once). Among several concertations, warn about the
    documents that have none (:class:`UnnamedConcertationWarning`)."""
    if (
        schema.CONCERTATION_ID in segments
        and segments[schema.CONCERTATION_ID].dropna().nunique() >= 2
    ):
        _warn_unnamed(segments)
        return False
    warnings.warn(single_concertation_message(segments), SingleConcertationWarning, stacklevel=3)
    return True


def _warn_unnamed(segments: pd.DataFrame) -> None:
    """Name the documents without a concertation among named ones (an empty cell of the
    column given as ``concertation_id``): recurrence counts them together as one more
    concertation, without a name."""
    ids = segments[schema.CONCERTATION_ID]
    unnamed = ids.notna() & (ids.astype(str).str.strip() == "")
    if not unnamed.any() or schema.DOC_ID not in segments:
        return
    docs = sorted(segments.loc[unnamed, schema.DOC_ID].astype(str).unique())
    warnings.warn(
        f"{len(docs)} document(s) sans concertation parmi des concertations nommées : "
        f"{quoted_list(docs)}. "
        "La récurrence des freins et des propositions les compte ensemble comme une "
        "concertation de plus, sans nom ; donnez-leur la leur (une case de la colonne "
        "concertation_id, « concertation: » dans l'en-tête).",
        UnnamedConcertationWarning,
        stacklevel=4,
    )
