"""What a fiche holds: the dataclasses every renderer reads, and the errors of fiche building."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from analysis import schema

ChangeStatus = Literal["new", "faded"]


class SummariesError(ValueError):
    """The inputs cannot give fiches (missing columns, duplicated ids, bad settings)."""


class SummariesWarning(UserWarning):
    """Fiches were built, but some input was ignored or incomplete (the message says which)."""


@dataclass(frozen=True)
class GroupItem:
    """A recurring frein, proposal or good practice, with where and when it came up."""

    label: str
    function: str
    cities: tuple[str, ...]
    n_cities: int
    n_concertations: int
    n_segments: int
    first_date: dt.date | None
    last_date: dt.date | None
    segment_ids: tuple[Any, ...]
    group_id: str = ""
    answered: bool | None = None  # freins: does a proposal answer it? None when unknown
    n_documents: int = 0  # contributions that raise it
    recurrence_unit: str = schema.CONCERTATION_ID  # what its recurrence counts (or doc_id)

    @property
    def n_units(self) -> int:
        """How many concertations raise it, or contributions with a single concertation."""
        return self.n_documents if self.recurrence_unit == schema.DOC_ID else self.n_concertations


@dataclass(frozen=True)
class Quote:
    """A segment quoted whole, with the source a reader needs to cite it."""

    text: str
    title: str
    city: str
    date: dt.date | None
    paragraph: int | None  # 0-based index in the document; displayed 1-based
    segment_id: Any
    doc_id: str
    typicality: float


@dataclass(frozen=True)
class SummarySentence:
    """A sentence of the corpus chosen for its centrality in the theme."""

    text: str
    segment_id: Any
    city: str
    date: dt.date | None
    centrality: float


@dataclass(frozen=True)
class ChangeItem:
    """A group or a term that is new, or has faded, between the two periods."""

    kind: str  # a function (frein, proposition...) or "term"
    label: str
    status: ChangeStatus
    n_before: int  # concertations before the split date
    n_recent: int  # concertations since
    segment_ids: tuple[Any, ...]


@dataclass(frozen=True)
class Fiche:
    """Everything a note needs about one theme; every count has its ``segment_ids``."""

    theme_id: int
    label: str
    keywords: tuple[str, ...]
    volume: str
    weight: str
    n_segments: int
    n_documents: int
    n_concertations: int
    n_concertations_total: int
    n_cities: int
    cities: tuple[str, ...]
    first_date: dt.date | None
    last_date: dt.date | None
    share: float  # of the classified segments
    obstacles: tuple[GroupItem, ...]
    proposals: tuple[GroupItem, ...]
    good_practices: tuple[GroupItem, ...]
    quotes: tuple[Quote, ...]
    summary: tuple[SummarySentence, ...]
    new_items: tuple[ChangeItem, ...]
    faded_items: tuple[ChangeItem, ...]
    split_date: dt.date | None
    period_note: str
    segment_ids: tuple[Any, ...]
    recurrence_unit: str = schema.CONCERTATION_ID  # doc_id: counted over contributions
    recurrence_note: str = ""  # says so, in French ("" when concertations are counted)
    cities_known: bool = True  # False: no document of the corpus has a city, sources omit it
    dates_known: bool = True  # False: no document has a date, sources and volume omit it
    recurrence_counted: bool = True  # False: one document, its freins and proposals all listed
    n_other: int = 0  # segments classed "autre" (the meeting itself, titles): never quoted
