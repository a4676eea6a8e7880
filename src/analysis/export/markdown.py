"""The fiche in Markdown, ready to paste into a note (``fiches/NN-label.md``)."""

from __future__ import annotations

import re
from collections.abc import Collection

from analysis import labels
from analysis.export import document as blocks
from analysis.summaries import Fiche
from analysis.summaries.wording import without_final_period

_MD_SPECIAL = re.compile(r"([\\`*_<>])")


def markdown_escape(text: str) -> str:
    """Escape what Markdown would read as markup or HTML in corpus text (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def fiche_to_markdown(fiche: Fiche, figures: Collection[str] = ()) -> str:
    """Return the fiche as French Markdown, ready to paste into a note.

    Corpus text is escaped (``*``, ``_``, ``<``...), so that it shows as written; the
    workbook's own sentences are written as they are (see :mod:`analysis.export.document`).
    A figure of ``figures`` (stems of the report's ``figures/``) is linked from the fiche's
    folder, ``fiches/``.
    """
    return "\n\n".join(_block(b) for b in blocks.fiche_document(fiche, figures)) + "\n"


def _block(block: blocks.Block) -> str:
    match block:
        case blocks.Heading(text, level):
            return f"{'#' * level} {markdown_escape(text)}"
        case blocks.Paragraph(text, _, lead) if lead:
            return f"**{lead}**{labels.NBSP}: {markdown_escape(text)}"
        case blocks.Paragraph(text, "note" | "empty"):
            return f"*{text}*"
        case blocks.Paragraph(text):
            return text
        case blocks.Bullets(items):
            return "\n".join(f"- {markdown_escape(item)}" for item in items)
        case blocks.Citation(text, source):
            quote = blocks.in_quotation_marks(markdown_escape(text))
            return f"> {quote}\n>\n> — {markdown_escape(source)}"
        case blocks.Groups(_, rows):
            return "\n".join(_group_line(row) for row in rows)
        case blocks.Figure(stem, caption):
            return f"![{caption}](../figures/{stem}.png)\n\n*{caption}*"
    raise TypeError(f"bloc de fiche inconnu : {type(block).__name__}")


def _group_line(row: blocks.GroupRow) -> str:
    """ "- **label** : 4 concertations, 4 villes (…), 11 segments, de … à … ." and its note."""
    label = markdown_escape(without_final_period(row.label))
    line = f"- **{label}**{labels.NBSP}: {row.where_when}."
    return f"{line} *{row.note}*" if row.note else line
