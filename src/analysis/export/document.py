"""A fiche as a document: one ordered list of blocks, made once, that every renderer maps.

Markdown (:mod:`analysis.export.markdown`), Word (:mod:`analysis.export.word`) and HTML
(:mod:`analysis.export.html`) render the blocks :func:`fiche_document` makes, so that a fiche
says the same thing in the three formats, empty sections included; only the markup differs.
Blocks hold plain text: each renderer escapes it for its format.

Example
-------
>>> [type(b).__name__ for b in fiche_document(fiche)][:3]  # doctest: +SKIP
['Heading', 'Paragraph', 'Heading']
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from analysis import labels, schema
from analysis.summaries import (
    Fiche,
    GroupItem,
    SummarySentence,
    change_line,
    quote_source,
    sentence_source,
)
from analysis.summaries.wording import where_when

# body: plain text; note: a remark on how to read the fiche; empty: a section with nothing to
# show; fine_print: the closing line (plain in Markdown and Word, small on the page)
ParagraphStyle = Literal["body", "note", "empty", "fine_print"]
_FL = labels.FICHE_LABELS
_CITIES = labels.COLUMN_LABELS[schema.CITY] + "s"


@dataclass(frozen=True)
class Heading:
    """The fiche's title (level 1) or a section's (level 2)."""

    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    """One paragraph; ``lead`` (bold, before " : ") introduces it ("Mots-clés")."""

    text: str
    style: ParagraphStyle = "body"
    lead: str = ""


@dataclass(frozen=True)
class Bullets:
    """A bulleted list, one line per item."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Citation:
    """A quote (shown :func:`in_quotation_marks`) and where it comes from."""

    text: str
    source: str


@dataclass(frozen=True)
class GroupRow:
    """A recurring frein, proposal or good practice: a line in Markdown, a table row elsewhere.

    ``label`` leads the line (and fills the first cell), ``where_when`` ends the line,
    ``cells`` are the table row (label, cities, count, segments, period: the cities and the
    period only when some document of the corpus has one), ``note`` says when no proposal
    answers a frein ("" otherwise).
    """

    label: str
    where_when: str
    note: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Groups:
    """The recurring groups of one section, with the header of their table."""

    header: tuple[str, ...]
    rows: tuple[GroupRow, ...]


@dataclass(frozen=True)
class Figure:
    """A figure of the fiche: the stem of its PNG in the report's ``figures/``, its caption."""

    stem: str
    caption: str


Block = Heading | Paragraph | Bullets | Citation | Groups | Figure


def similitude_figure(fiche: Fiche) -> str:
    """The stem of the similitude graph of a fiche's theme (``similitude-3``)."""
    return f"similitude-{fiche.theme_id}"


def fiche_document(fiche: Fiche, figures: Collection[str] = ()) -> tuple[Block, ...]:
    """Return the blocks of ``fiche``, in reading order, for every renderer.

    Every section is present, and an empty one says so (no frein, no quote, no summary
    sentence, nothing new between the periods), except the change list of a corpus that
    covers a single period, which the period note already says. The theme's similitude graph
    follows its keywords when ``figures`` (the stems of the report's figures) holds it.
    """
    counted = labels.french_plural(fiche.n_segments, "segment compté", "segments comptés")
    graph = similitude_figure(fiche)
    return (
        Heading(fiche.label, 1),
        Paragraph(", ".join(fiche.keywords) or "—", lead=_FL["keywords"]),
        *([Figure(graph, _FL["similitude"])] if graph in figures else []),
        *_volume(fiche),
        *_groups("obstacles", fiche.obstacles, "Frein", fiche),
        *_groups("proposals", fiche.proposals, "Proposition", fiche),
        *_groups("good_practices", fiche.good_practices, "Bonne pratique", fiche),
        *_quotes(fiche),
        *_summary(fiche),
        *_changes(fiche),
        Heading(_FL["sources"], 2),
        Paragraph(f"{counted}. {_FL['sources_note']}", style="fine_print"),
    )


def in_quotation_marks(text: str) -> str:
    """Return "« text »", with the no-break spaces of French typography."""
    return f"«{labels.NBSP}{text}{labels.NBSP}»"


def _empty(key: str, fiche: Fiche | None = None) -> Paragraph:
    """ "Aucune citation retenue." for the label ``key`` of :data:`labels.FICHE_LABELS`; with
    the reason when every segment of the ``fiche``'s theme is classed "autre"."""
    text = _FL[key].capitalize()
    if fiche is not None and fiche.n_segments and fiche.n_other == fiche.n_segments:
        reason = _FL["one_other"] if fiche.n_segments == 1 else _FL["all_other"]
        text += " : " + reason.format(n=fiche.n_segments)
    return Paragraph(text + ".", style="empty")


def _volume(fiche: Fiche) -> list[Block]:
    blocks: list[Block] = [Heading(_FL["volume"], 2)]
    blocks.append(Paragraph(f"{fiche.volume} {fiche.weight}".strip()))
    if fiche.recurrence_note:
        blocks.append(Paragraph(fiche.recurrence_note, style="note"))
    if fiche.cities:
        blocks.append(Paragraph(f"{_CITIES}{labels.NBSP}: {', '.join(fiche.cities)}."))
    return blocks


_EMPTY_GROUPS = {
    "obstacles": "no_obstacle",
    "proposals": "no_proposal",
    "good_practices": "no_good_practice",
}


def _groups(key: str, items: Sequence[GroupItem], what: str, fiche: Fiche) -> list[Block]:
    """The table of a fiche's freins, proposals or good practices (``key``); a fiche of a
    single document lists them all, under titles that do not say "récurrents"."""
    listed = not fiche.recurrence_counted and f"{key}_listed" in _FL
    title = _FL[f"{key}_listed" if listed else key]
    if not items:
        empty = _EMPTY_GROUPS[key]
        return [Heading(title, 2), _empty(f"{empty}_listed" if listed else empty)]
    # one consultation: recurrence is counted over contributions (documents)
    by_contribution = items[0].recurrence_unit == schema.DOC_ID
    count = "Contributions" if by_contribution else labels.COLUMN_LABELS[schema.N_CONCERTATIONS]
    header = (what, _CITIES, count, labels.COLUMN_LABELS[schema.N_SEGMENTS], "Période")
    # no column of what no document of the corpus has (empty cities, "date inconnue" everywhere),
    # no count of contributions when there is one
    kept = (True, fiche.cities_known, fiche.recurrence_counted, True, fiche.dates_known)
    rows = tuple(_group_row(i, kept) for i in items)
    return [Heading(title, 2), Groups(_kept(header, kept), rows)]


def _kept(cells: tuple[str, ...], kept: tuple[bool, ...]) -> tuple[str, ...]:
    return tuple(cell for cell, keep in zip(cells, kept, strict=True) if keep)


def _group_row(item: GroupItem, kept: tuple[bool, ...]) -> GroupRow:
    unanswered = item.function == schema.FREIN and item.answered is False
    cells = (
        item.label,
        ", ".join(item.cities),
        str(item.n_units),
        str(item.n_segments),
        labels.french_period(item.first_date, item.last_date),
    )
    note = _FL["unanswered"].capitalize() + "." if unanswered else ""
    return GroupRow(item.label, where_when(item), note, _kept(cells, kept))


def _quotes(fiche: Fiche) -> list[Block]:
    quotes: list[Block] = [
        Citation(q.text, quote_source(q, cities=fiche.cities_known, dates=fiche.dates_known))
        for q in fiche.quotes
    ]
    return [Heading(_FL["quotes"], 2), *(quotes or [_empty("no_quote", fiche)])]


def _summary(fiche: Fiche) -> list[Block]:
    blocks: list[Block] = [Heading(_FL["summary"], 2), Paragraph(_FL["summary_note"], "note")]
    if not fiche.summary:
        return [*blocks, _empty("no_summary", fiche)]
    return [*blocks, Bullets(tuple(_summary_line(s, fiche) for s in fiche.summary))]


def _summary_line(sentence: SummarySentence, fiche: Fiche) -> str:
    """ "The sentence. (Dijon, 28 avril 2023)", the sentence alone when the corpus has neither
    cities nor dates."""
    source = sentence_source(sentence, cities=fiche.cities_known, dates=fiche.dates_known)
    return f"{sentence.text} ({source})" if source else sentence.text


def _changes(fiche: Fiche) -> list[Block]:
    blocks: list[Block] = [Heading(_FL["changes"], 2), Paragraph(fiche.period_note)]
    changes = (*fiche.new_items, *fiche.faded_items)
    if changes:
        return [*blocks, Bullets(tuple(f"{change_line(c)}." for c in changes))]
    if fiche.split_date is not None:
        return [*blocks, _empty("no_change")]
    return blocks
