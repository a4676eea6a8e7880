"""Reader of PDF files: the text layer, its lines joined back into paragraphs.

pypdf gives a PDF's text line by line. Paragraphs are rebuilt from the vertical gaps between
lines, bullets, and short lines ending a sentence; page numbers and running headers and footers
(a line repeated at the top or bottom of most pages) are dropped, the latter named in a
warning; a sentence runs on over a page break; words cut by a hyphen at a line end are joined
again, real compounds (``co-présidée``, ``peut-être``) keeping their hyphen.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis.corpus.errors import SkippedFile, shorten, warn
from analysis.corpus.records import ReadOptions, Record, document_record, meaningful_title

EXTENSIONS = (".pdf",)


def read(path: Path, relative: str, options: ReadOptions) -> list[Record]:
    """Read the text layer of a PDF as one document record (a :class:`.records.Reader`).

    Paragraphs are separated by a blank line, as in the other formats (segmentation counts
    them); the title is the PDF's ``/Title`` when it says something, else its first lines.
    ``options`` do not apply: a PDF carries its own encoding.

    Raises
    ------
    SkippedFile
        When the PDF is damaged, protected by a password or has no text layer (a scan).
    """
    return [document_record({}, *_text_and_title(path, relative), relative)]


def _text_and_title(path: Path, relative: str) -> tuple[str, str | None]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkippedFile(
                f"{relative} : le PDF est protégé par un mot de passe. Retirez le mot de passe."
            )
        pages = [_page_lines(page) for page in reader.pages]
        metadata_title = _metadata_title(reader.metadata)
    except SkippedFile:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on damaged files
        raise SkippedFile(
            f"{relative} : illisible comme PDF ({error}). Exportez-le de "
            "nouveau en PDF, ou enregistrez-le en .docx ou .txt."
        ) from error
    running = _running_lines(pages)
    if running:
        shown = shorten([f"« {line} »" for line in sorted(running.values())], 3)
        warn(
            f"{relative} : en-têtes ou pieds de page répétés sur les pages laissés de côté : "
            f"{shown}. S’ils font partie du texte, exportez le document en .docx ou .txt."
        )
    paragraphs = _paragraphs(pages, frozenset(running))
    if not paragraphs:
        raise SkippedFile(
            f"{relative} : le PDF n’a pas de couche texte (un scan ?). Il faut "
            "d’abord le passer à l’OCR (par exemple `ocrmypdf entree.pdf sortie.pdf`), puis "
            "charger le nouveau fichier."
        )
    return "\n\n".join(paragraphs), metadata_title or _first_lines_title(paragraphs)


_Line = tuple[str, float | None]  # a line of text and its height on the page, if known
_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:/|sur|of)\s*\d{1,4})?", re.IGNORECASE)
_BULLET_START = re.compile(r"(?:[-•–—*▪◦●]|\d{1,2}[.)])\s")
_SENTENCE_ENDS = (".", "!", "?", "…", ":", ";", "»", '"')


def _page_lines(page: Any) -> list[_Line]:
    """The lines of a page as pypdf extracts them, each with its height when pypdf gives it."""
    lines: list[list[Any]] = [["", None]]

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], *_: Any) -> None:
        for number, part in enumerate(text.split("\n")):
            if number:
                lines.append(["", None])
            lines[-1][0] += part
            if part.strip() and lines[-1][1] is None and any(tm) and number == 0:
                lines[-1][1] = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # y on the page

    page.extract_text(visitor_text=visit)
    return [(text.replace("\r", " ").strip(), y) for text, y in lines]


def _metadata_title(metadata: Any) -> str | None:
    """The ``/Title`` of a PDF unless it is empty or says nothing ("Document1", "note.docx")."""
    return meaningful_title((metadata or {}).get("/Title"))


def _first_lines_title(paragraphs: list[str]) -> str:
    """The first paragraph when it is title-sized, else the start of the first line."""
    first = paragraphs[0]
    if len(first) <= 160:
        return first
    cut = first[:120].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


_EDGE_LINES = 2  # lines at the top and at the bottom of a page where running heads sit


def _edge_key(text: str) -> str:
    """A line as a running head compares: lower case, figures as "#" ("page 3 / 12")."""
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def _running_lines(pages: list[list[_Line]]) -> dict[str, str]:
    """Running headers and footers: lines set apart by a gap at the top or the bottom of at
    least half the pages (and of two pages at least), compared with their figures masked (a
    date, a page count). Returns each one's key (:func:`_edge_key`) and its first text."""
    if len(pages) < 2:
        return {}
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for page in pages:
        keyed = {_edge_key(text): text for text in reversed(_edge_blocks(page))}
        for key, text in keyed.items():
            first.setdefault(key, text)
        counts.update(keyed.keys())
    needed = max(2, math.ceil(len(pages) / 2))
    return {key: first[key] for key, n in sorted(counts.items()) if n >= needed}


def _edge_blocks(page: list[_Line]) -> list[str]:
    """The first and the last lines of a page (up to :data:`_EDGE_LINES` each) that a gap
    wider than a line sets apart from the body; none where the page gives no positions (a
    body line that happens to open or close the page is not set apart)."""
    lines = [(t, y) for t, y in page if t and not _PAGE_NUMBER.fullmatch(t) and y is not None]
    spacing = _line_spacing(lines)
    if spacing is None:
        return []

    def apart(upper: _Line, lower: _Line) -> bool:
        return upper[1] - lower[1] > 1.4 * spacing  # type: ignore[operator]

    found: list[str] = []
    for k in range(1, _EDGE_LINES + 1):
        if len(lines) > k + 1 and apart(lines[k - 1], lines[k]):
            found += [t for t, _ in lines[:k]]
            break
    for k in range(1, _EDGE_LINES + 1):
        if len(lines) > k + 1 and apart(lines[-k - 1], lines[-k]):
            found += [t for t, _ in lines[-k:]]
            break
    return found


def _paragraphs(pages: list[list[_Line]], running: frozenset[str] = frozenset()) -> list[str]:
    """Join the lines of every page into paragraphs.

    A new paragraph starts after a blank line, after a vertical gap larger than the page's line
    spacing, before a bullet, and after a short line ending a sentence when a capital follows.
    Page numbers alone on a line and the ``running`` heads (:func:`_edge_key` of each) are
    dropped; a sentence running over a page break goes on.
    """
    runs: list[list[str]] = []
    previous: _Line | None = None
    for page in pages:
        lines = [
            line
            for line in page
            if not _PAGE_NUMBER.fullmatch(line[0])
            and not (line[0] and _edge_key(line[0]) in running)
        ]
        while lines and not lines[-1][0]:
            lines.pop()
        lines = list(itertools.dropwhile(lambda line: not line[0], lines))
        spacing = _line_spacing(lines)
        width = max((len(text) for text, _ in lines), default=0)
        for number, (text, y) in enumerate(lines):
            if previous is None or not text:
                new = bool(text)
            elif number == 0:
                new = not _continues_over_page(previous[0], text)
            else:
                new = _starts_paragraph(previous, (text, y), spacing, width)
            if new:
                runs.append([text])
            elif text:
                runs[-1].append(text)
            previous = (text, y) if text else None
    words = set(_HYPHENATED_WORD.findall(" ".join(line for run in runs for line in run)))
    return [_join_lines(run, words) for run in runs]


def _line_spacing(lines: list[_Line]) -> float | None:
    """The usual distance between two lines of a page (lower quartile of the gaps)."""
    heights = [y for text, y in lines if text and y is not None]
    gaps = sorted(a - b for a, b in itertools.pairwise(heights) if a - b > 0.5)
    return gaps[len(gaps) // 4] if len(gaps) >= 2 else None


def _starts_paragraph(previous: _Line, line: _Line, spacing: float | None, width: int) -> bool:
    (before, y_before), (text, y) = previous, line
    if _BULLET_START.match(text):
        return True
    capital_next = text[:1].isupper() or text[:1].isdigit() or text[:1] in "«\"'("
    ends_sentence = before.endswith(_SENTENCE_ENDS)
    if spacing is not None and y is not None and y_before is not None:
        gap = y_before - y
        if gap > 1.4 * spacing or gap < -spacing:  # a blank space, or a new column
            return True
    # inside a paragraph only its last line is short: a short line followed by a capital ends
    # one (a heading, a date line); a sentence end makes a longer last line as telling
    if len(before) < 0.6 * width:
        return capital_next
    return len(before) < 0.75 * width and ends_sentence and capital_next


def _continues_over_page(before: str, text: str) -> bool:
    return not before.endswith(_SENTENCE_ENDS) and text[:1].islower()


_HYPHENATED_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_LINE_END_HYPHEN = re.compile(r"(?P<head>[^\W\d_]+)-$")
# pieces that make real compounds ("co-présidée", "peut-être", "dit-elle"): hyphen kept
_COMPOUND_FIRST = frozenset(
    "co ex vice anti non sous après avant arrière demi mi semi quasi auto néo post pro "
    "grand grande peut celle celui ceux celles".split()
)
_COMPOUND_SECOND = frozenset(
    "il ils elle elles on je tu nous vous t ci là même mêmes être dire uns unes".split()
)


def _join_lines(lines: list[str], words: set[str]) -> str:
    """Join the lines of a paragraph; undo the hyphenation of words cut at a line end."""
    text = lines[0]
    for line in lines[1:]:
        cut = _LINE_END_HYPHEN.search(text)
        following = _HYPHENATED_WORD.match(line)
        if cut is not None and line[:1].isupper():
            text += line  # "Creusot-" + "Montceau": a compound cut at its hyphen
            continue
        if cut is None or following is None or not line[:1].islower():
            text += " " + line
            continue
        head, tail = cut.group("head"), following.group(0).split("-")[0]
        compound = f"{head}-{tail}" in words and f"{head}{tail}" not in words
        if compound or head.lower() in _COMPOUND_FIRST or tail.lower() in _COMPOUND_SECOND:
            text += line  # "peut-" + "être", "co-" + "présidée": the hyphen stays
        else:
            text = text[:-1] + line  # "préven-" + "tion" -> "prévention"
    return text
