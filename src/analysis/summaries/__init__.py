"""Theme fiches: what a commission secretary pastes into a preparatory note.

One :class:`Fiche` per theme, in French: its label and keywords; its weight ("Cité dans 7
concertations sur 12, 9 villes, de janvier 2022 à avril 2024."); the recurring obstacles
(freins) and proposals, as canonical groups with their cities and counts; good practices;
three to five quotes typical of the theme, each with its document title, city, date and
paragraph; a short extractive summary; what is new or has faded between two periods.

Nothing in a fiche is generated text. Quotes are whole segments, chosen for their typicality
(``theme_score``, the cosine between a segment and its theme's centroid, or the same cosine
computed here on lemmas when the column is absent), one per concertation first. Summary
sentences are sentences of the theme's segments ranked by centrality (LexRank: PageRank over
the cosine similarities of their TF-IDF vectors), without near-duplicates.

Every number can be traced back to the segments it counts: each fiche, group, good practice,
change item, quote and sentence carries its ``segment_ids``, and :func:`fiche_sources` lists
them as one table (the "sources des fiches" sheet of the Excel export).

A single concertation (a platform export): what recurs there is what many contributions
raise. The group tables then say so (``recurrence_unit``, see
:func:`analysis.tracing.recurrence_unit`), and the fiches count, rank and word their freins and
proposals by contributions ("soulevé dans 12 contributions sur 196"), with
``min_concertations`` applied to contributions, and say which count they use.

Periods: the fiche compares the concertations held before ``compare_since`` with those held
since (default: the median concertation date, so each period holds half of them). An item is
*new* when it appears in no earlier concertation and in at least ``min_concertations`` recent
ones, *faded* the other way round. A term is listed only when it tells that change (its
keyness: the share of the term's segments of that period that are in this theme, times the
share of its corpus-wide segments that are in that period, at least 0.2): a word used by every
theme in every year is new to a theme only by chance. The most widespread come first.

The package, in reading order: :mod:`~analysis.summaries.model` (the dataclasses),
:mod:`~analysis.summaries.inputs` (checks, prepared segments), :mod:`~analysis.summaries.groups`,
:mod:`~analysis.summaries.extracts` (quotes, LexRank), :mod:`~analysis.summaries.changes`,
:mod:`~analysis.summaries.wording` (the French sentences), :mod:`~analysis.summaries.build` and
:mod:`~analysis.summaries.tables`. Rendering a fiche (Markdown, Word, HTML) is
:mod:`analysis.export`'s.

Example
-------
>>> fiches = build_fiches(segments, themes, documents=documents, groups=groups)  # doctest: +SKIP
>>> print(export.fiche_to_markdown(fiches[0]))  # doctest: +SKIP
"""

from analysis.summaries.build import build_fiches
from analysis.summaries.extracts import central_sentences, select_quotes
from analysis.summaries.model import (
    ChangeItem,
    ChangeStatus,
    Fiche,
    GroupItem,
    Quote,
    SummariesError,
    SummariesWarning,
    SummarySentence,
)
from analysis.summaries.tables import fiche_sources, fiches_table
from analysis.summaries.wording import change_line, quote_source, sentence_source, volume_sentence

__all__ = [
    "ChangeItem",
    "ChangeStatus",
    "Fiche",
    "GroupItem",
    "Quote",
    "SummariesError",
    "SummariesWarning",
    "SummarySentence",
    "build_fiches",
    "central_sentences",
    "change_line",
    "fiche_sources",
    "fiches_table",
    "quote_source",
    "select_quotes",
    "sentence_source",
    "volume_sentence",
]
