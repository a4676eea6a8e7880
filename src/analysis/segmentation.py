"""Clean French text and cut documents into analysis units that keep their source.

Two jobs, both before spaCy sees anything:

* :func:`normalise` turns web and office text into what spaCy's French model was trained on
  (straight apostrophes, plain spaces, no markup, no links, no share buttons). spaCy reads the
  normalised text; tables keep the source text.
* :func:`segment_documents` cuts each document into units (``document``, ``paragraph`` or
  ``segment`` of about 40 words, as IRaMuTeQ and rainette do). Every unit keeps its document,
  its paragraph index, the heading above it and its character offsets, and its text is exactly
  ``documents.text[start:end]``.

Paragraph rule (it is the one of ``corpus/annotations.csv``): a paragraph is a block of lines
separated by blank lines; heading blocks are not counted; indexes start at 0. A heading is a
Markdown line ``# ...`` to ``###### ...``, or, in documents with no Markdown heading at all (Word,
PDF, e-mail), an *unmarked heading*: a one-line block of at most 8 words and 80 characters,
starting with a capital letter or a number, not ending with ``. ! ? … ; ,`` (a final ``:`` is
allowed), not a bullet item, not a web leftover, and followed by a paragraph that is not itself
such a short line. "Freins identifiés" and "Propositions :" are headings; "Partager" at the end
of a page, or a list of short lines, is not. A short line is told from a short paragraph by its
missing full stop, so there are no unmarked headings in a document whose paragraphs often end
without one (a fifth or more of those longer than a heading, when there are five or more: a file
of contributions, one per paragraph), nor in the text of a table row or of any document that
shares its file with others (one contribution: its first line is part of it).

Example
-------
>>> normalise("Les élus d’une commune\u00a0: «\u202fbravo\u202f»")
'Les élus d\\'une commune : " bravo "'
"""

from __future__ import annotations

import html
import re
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from analysis import schema
from analysis.config import AnalysisConfig, Unit

NORMALISATION_VERSION = "2"  # bump whenever normalise() changes: it invalidates parse caches
UNITS: tuple[str, ...] = ("document", "paragraph", "segment")

__all__ = [
    "NORMALISATION_VERSION",
    "PHRASE_OPENING_WORDS",
    "Paragraph",
    "SegmentationError",
    "SegmentationWarning",
    "count_words",
    "is_web_artefact",
    "normalise",
    "segment_documents",
    "split_paragraphs",
    "split_sentences",
    "typed_line_breaks",
]


class SegmentationError(ValueError):
    """The documents table or the segmentation settings cannot be used."""


class SegmentationWarning(UserWarning):
    """A document or paragraph was skipped or cut in an unusual way (the message says which)."""


# --- normalisation ------------------------------------------------------------------------------

_CHARACTER_MAP = str.maketrans(
    {
        **dict.fromkeys("\u2019\u2018\u201b\u02bc\u02bb\u2032\u00b4\u0060", "'"),
        **dict.fromkeys("\u00ab\u00bb\u201c\u201d\u201e\u201f\u2039\u203a\u2033", '"'),
        # non-breaking, narrow, thin, figure... spaces: French typography puts them before
        # ":;!?" and inside « »; spaCy's model was trained on plain spaces.
        **dict.fromkeys("\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006", " "),
        **dict.fromkeys("\u2008\u205f\u3000\u1680\t\x0b\x0c", " "),
        # invisible characters that split words in two for the tokenizer
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f", ""),
        **dict.fromkeys("\u2010\u2011", "-"),
        "\u2026": "...",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\r": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_HTML_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HTML_INLINE_TAG = re.compile(
    r"</?(?:a|b|i|u|em|strong|span|sup|sub|small|abbr|font|mark)\b[^<>]*>", re.IGNORECASE
)
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*\b[^<>]*>")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?=\s|$)", re.MULTILINE)
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]'}]", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.IGNORECASE)
_SPACES = re.compile(r"[ ]{2,}")
_SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
_MANY_NEWLINES = re.compile(r"\n{3,}")

# Web leftovers: share buttons, cookie banners, navigation links, copied from a page's foot.
_ARTEFACT_LINES = frozenset(
    {
        "partager",
        "partager cet article",
        "partager la page",
        "partager sur facebook",
        "partager sur twitter",
        "partager sur linkedin",
        "partager sur x",
        "imprimer",
        "imprimer la page",
        "imprimer cet article",
        "envoyer",
        "envoyer par e-mail",
        "envoyer par mail",
        "copier le lien",
        "share",
        "print",
        "tweet",
        "tweeter",
        "j'aime",
        "like",
        "retour",
        "retour aux actualités",
        "retour à la liste",
        "retour en haut",
        "retour en haut de page",
        "haut de page",
        "lire aussi",
        "lire la suite",
        "voir aussi",
        "en savoir plus",
        "s'abonner",
        "abonnez-vous",
        "s'inscrire à la newsletter",
        "newsletter",
        "accepter",
        "refuser",
        "tout accepter",
        "tout refuser",
        "personnaliser",
        "accepter les cookies",
        "refuser les cookies",
        "gérer les cookies",
        "paramétrer les cookies",
        "mentions légales",
        "plan du site",
        "politique de confidentialité",
        "accessibilité",
        "facebook",
        "twitter",
        "linkedin",
        "instagram",
        "youtube",
        "whatsapp",
        "mail",
        "e-mail",
        "email",
        "x",
    }
)
_ARTEFACT_WORDS = frozenset(
    "partager imprimer envoyer share print tweet tweeter facebook twitter linkedin instagram "
    "youtube whatsapp mastodon bluesky mail e-mail email newsletter retour actualités x".split()
)
_ARTEFACT_FILLERS = frozenset(
    "sur par la le les aux à en de du haut page cet article l'article cette ce".split()
)
_ARTEFACT_TRIM = " \t-–—•*|·:>→←»«\"'"


def is_web_artefact(line: str) -> bool:
    """Tell whether one line is a web leftover (share button, cookie banner, navigation link).

    Parameters
    ----------
    line
        One line of text (source or normalised).

    Returns
    -------
    bool
        True for lines such as "Partager", "Imprimer", "Retour aux actualités",
        "Partager : Facebook | LinkedIn" or "Ce site utilise des cookies…".
    """
    cleaned = line.translate(_CHARACTER_MAP).strip(_ARTEFACT_TRIM).casefold()
    cleaned = _SPACES.sub(" ", cleaned)
    if not cleaned:
        return False
    if cleaned in _ARTEFACT_LINES or cleaned.startswith("©"):
        return True
    words = re.findall(r"[\w'-]+", cleaned)
    if "cookie" in cleaned and len(words) <= 60:
        return True
    return (
        0 < len(words) <= 10
        and any(w in _ARTEFACT_WORDS for w in words)
        and all(w in _ARTEFACT_WORDS or w in _ARTEFACT_FILLERS for w in words)
    )


def _strip_trailing_artefacts(text: str) -> str:
    lines = text.split("\n")
    while lines and (not lines[-1].strip() or is_web_artefact(lines[-1])):
        lines.pop()
    return "\n".join(lines)


def normalise(text: str, *, strip_web_artefacts: bool = True) -> str:
    """Return ``text`` as spaCy's French model expects it.

    Typographic apostrophes and quotes become ``'`` and ``"``; non-breaking, narrow and other
    special spaces become plain spaces; soft hyphens and zero-width characters are removed;
    HTML entities are decoded and tags removed; Markdown heading marks, emphasis, links and
    images are reduced to their text; URLs and e-mail addresses are removed; web leftovers
    at the end of the text (share buttons, cookie lines, "Retour aux actualités") are removed;
    repeated spaces and blank lines are collapsed.

    Parameters
    ----------
    text
        Any text (a document, a paragraph or a segment).
    strip_web_artefacts
        Remove web leftovers at the end of the text (turn off for word lists, where
        "partager" is a word, not a share button).

    Returns
    -------
    str
        The normalised text, stripped; "" when nothing is left.

    Examples
    --------
    >>> normalise("l’espace public&nbsp;: voir https://example.org/a.")
    "l'espace public : voir ."
    """
    if not text:
        return ""
    text = html.unescape(text) if "&" in text else text
    text = unicodedata.normalize("NFC", text).translate(_CHARACTER_MAP)
    text = _CONTROL.sub("", text)
    if "<" in text:
        text = _HTML_COMMENT.sub(" ", _HTML_BLOCKS.sub(" ", text))
        text = _HTML_TAG.sub(" ", _HTML_INLINE_TAG.sub("", text))
    if "](" in text:
        text = _MD_LINK.sub(r"\1", _MD_IMAGE.sub(r"\1", text))
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = _MD_HEADING.sub("", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if "://" in text or "www." in text.lower():
        text = _URL.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", _SPACES.sub(" ", text))
    text = _MANY_NEWLINES.sub("\n\n", text)
    if strip_web_artefacts:
        text = _strip_trailing_artefacts(text)
    return text.strip()


# --- words and sentences ------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
# a list item typed without a space after its dash ("-Rétablir l’ISF", "-Les délégués…",
# "+Annuler le CICE"): the mark glued to a capital, as platform contributions often write them
_GLUED_BULLET = r"[-•–—+](?=[A-ZÀ-ÖØ-ÞŒ])"
# the mark of a list item: a bullet ("- ", "• ", "+ ", as platform contributions type them) or
# a number ("1. ", "2) ", "3/ ", "4 / ") followed by a space, or a dash glued to a capital
_ITEM_MARK = rf"(?:(?:[-*•–—+]|\d+[.)]|\d+ ?/)\s|{_GLUED_BULLET})"
_SENTENCE_END = re.compile(
    r"(?:[.!?]+|\.\.\.|…)(?:[ \u00a0\u202f]?[\"'»”’)\]])*"
    r"(?=\s+(?:[\"'«“(\[][ \u00a0\u202f]?)?[A-ZÀ-ÖØ-ÞŒ0-9•–—-])"
    rf"|\n(?=[ \t]*{_ITEM_MARK})"
)
_LEADING_MARK = re.compile(r"^(?:\s|[*•–—-]|\+(?=\s|[A-ZÀ-ÖØ-ÞŒ]))*(?:\d+ ?[.)/]\s+)?")
_WEAK_BREAK = re.compile(r"[;:,)–—](?=\s)")
_ABBREVIATIONS = frozenset(
    "m mm mme mmes mlle mlles dr pr me st ste art cf ex p pp av bd env vol no chap fig éd dir "
    "coll hab min max inf sup réf tél n°".split()
)


def count_words(text: str) -> int:
    """Return the number of words in ``text`` (runs of letters or digits; "d'élus" counts 2)."""
    return len(_WORD.findall(text))


def _is_abbreviation(text: str, end: int) -> bool:
    """Tell whether the full stop at ``text[end]`` closes an abbreviation or an initial."""
    if text[end] != ".":
        return False
    match = re.search(r"([^\W\d_]+)$", text[max(0, end - 12) : end])
    if match is None:
        return False
    word = match.group(1)
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


# Words a French phrase does not end on (articles, prepositions, conjunctions, possessives): a
# sentence edge right after one falls inside a phrase. Shared with analysis.roles.classify,
# which adds its own.
PHRASE_OPENING_WORDS = frozenset(
    "à au aux avec ce ces cet cette chez d dans de des du en entre et l la le les leur leurs ma "
    "mes mon nos notre ou par pour qu que qui sa sans ses son sous sur un une vers vos "
    "votre".split()
)
# a line typed by its author does not end on these either: the line break is a wrapped line
_CLOSED_WORDS = PHRASE_OPENING_WORDS | {"mais", "ta", "tes", "ton"}
_LAST_WORD = re.compile(r"([^\W\d_]+)[^\w]*$")
_LINE_CLOSERS = "\"'»”’)]%"


def _wrapped(lines: list[str]) -> bool:
    """Tell whether a block's lines were wrapped at a width (an e-mail, a text file) rather
    than ended by their author.

    Wrapping at a width ``w`` leaves every line at most ``w`` characters long, and too long to
    take the next line's first word. The block is wrapped when some width of at least 40
    characters fits four lines out of five that way (two lines or more, besides the last), most
    of them ending without punctuation.
    """
    stripped = [line.strip() for line in lines]
    body = stripped[:-1]
    if len(body) < 2:
        return False
    if sum(1 for line in body if line and line[-1] not in ".!?…:;,") * 2 < len(body):
        return False
    reach = [
        (len(line), len(line) + 1 + len(after.split(maxsplit=1)[0]))
        for line, after in zip(body, stripped[1:], strict=True)
    ]
    widths = {length for length, _ in reach if length >= 40}
    best = max((sum(1 for n, m in reach if n <= w < m) for w in widths), default=0)
    return best * 5 >= 4 * len(body)


def _ends_sentence(before: str, after: str) -> bool:
    """Tell whether a line break between the line ``before`` and the line ``after`` ends a
    sentence written without its full stop (see :func:`typed_line_breaks`)."""
    if not before or not after or not (after[0].isalpha() and after[0].isupper()):
        return False
    if not (before[-1].isalnum() or before[-1] in _LINE_CLOSERS):
        return False
    match = _LAST_WORD.search(before)
    if match is None:  # the line ends on a number or a bracket: "… 30 %", "(source …)"
        return True
    word = match.group(1)
    if word.lower() in _CLOSED_WORDS:
        return False
    is_name = word[0].isupper() and not word.isupper() and match.start(1) > 0
    return not is_name  # "la procureure Cécile / Darnaud": a name runs on


def typed_line_breaks(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """The offsets of the line breaks of ``text[start:end]`` that end a sentence written
    without its full stop.

    Contributions typed on a platform or in a spreadsheet cell are often written a sentence or
    a title per line, without a final full stop ("…réinvestir le capitalisme⏎Dans ce sens, il
    est urgent…"). Such a line break ends a sentence when the line after it starts with a capital
    letter and the line before it ends on a letter, a number or a closing quote or bracket,
    not on a word a sentence does not end on ("de", "la", "et"…) and not on a capitalised word
    other than its first (a name cut by the line: "Cécile⏎Darnaud"). Lines wrapped at a width
    (an e-mail, a text file: see :func:`_wrapped`) are not cut. A break after ``. ! ? :`` or
    before a bullet is :func:`split_sentences`' own rule.

    Examples
    --------
    >>> text = "Réinvestir le capitalisme\\nDans ce sens, agir.\\nLa ville de\\nToulouse aussi."
    >>> [text[i + 1 : i + 5] for i in typed_line_breaks(text)]
    ['Dans']
    """
    end = len(text) if end is None else end
    if text.find("\n", start, end) < 0:  # most paragraphs and segments: no copy
        return []
    breaks: list[int] = []
    block: list[tuple[int, int]] = []  # the lines of the current block (or list item)
    position = start
    for line in [*text[start:end].split("\n"), ""]:  # a last blank line closes the last block
        if block and (not line.strip() or _BULLET.match(line)):  # a list item is a block
            lines = [text[s:e].strip() for s, e in block]
            if not _wrapped(lines):
                breaks.extend(
                    block[i][1]
                    for i in range(len(block) - 1)
                    if _ends_sentence(lines[i], lines[i + 1])
                )
            block = []
        if line.strip():
            block.append((position, position + len(line)))
        position += len(line) + 1
    return breaks


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into sentences, returned as ``(start, end)`` offsets in ``text``.

    A sentence ends at ``. ! ? …`` (and closing quotes or brackets) followed by a space and a
    capital letter, a digit, an opening quote or a bullet; at a line break before a bullet
    item; or at a line break typed where a sentence ends (:func:`typed_line_breaks`).
    Abbreviations (``M.``, ``art.``, ``cf.``) and initials do not end a sentence. The offsets
    exclude surrounding whitespace.

    Parameters
    ----------
    text
        The whole document text (so that offsets are document offsets).
    start, end
        The span to cut (defaults: the whole text).

    Returns
    -------
    list of tuple of int
        Non-empty, non-overlapping spans in order.
    """
    end = len(text) if end is None else end
    cuts = {
        match.end()
        for match in _SENTENCE_END.finditer(text, start, end)
        if not (
            match.group().startswith((".", "!", "?", "…")) and _is_abbreviation(text, match.start())
        )
    }
    cuts.update(typed_line_breaks(text, start, end))
    spans: list[tuple[int, int]] = []
    cursor = start
    for cut in sorted(cuts):
        spans.append((cursor, cut))
        cursor = cut
    spans.append((cursor, end))
    return [span for span in (_trim(text, s, e) for s, e in spans) if span[0] < span[1]]


def without_item_mark(sentence: str) -> str:
    """``sentence`` without the mark of the list item it opens ("- Rétablir l’ISF",
    "+ Arrêter les dépenses…", "2 / rétablissement de l'ISF") nor the spaces around it."""
    return sentence[_LEADING_MARK.match(sentence).end() :].strip()


_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ \t]*$")


def find_collapsed(text: str, sentence: str) -> re.Match[str] | None:
    """Where ``sentence``, taken with its spaces collapsed (as deciding sentences and labels
    are), is in ``text``: any run of spaces or line breaks between its words; None when it is
    not there."""
    return re.search(r"\s+".join(map(re.escape, sentence.split())), text)


def sentence_from_its_start(text: str, sentence: str) -> str:
    """``sentence``, a sentence the parser found in ``text`` (its spaces collapsed), or, when
    the parser started it inside a phrase, the sentence of :func:`split_sentences` it goes on
    from, up to its own end (its spaces collapsed too).

    A sentence starts inside a phrase when it follows a comma ("…via le président de la
    République, | le Premier ministre, le Gouvernement…": a segment of a long sentence, which
    the parser reads alone), or a word with no punctuation between, and either opens on a small
    letter or cuts a name in two ("les pouvoirs publics et Pole | Emploi devront
    communiquer…"). A sentence after a line break, or opening on a capital after a small
    word (a title glued to its text: "…aides sociales | Mettre en place…"), stays.
    """
    found = find_collapsed(text, sentence)
    if found is None or not found.start():
        return sentence
    start = found.start()
    before = text[max(0, start - 40) : start].rstrip(" \t")
    if not before or before.endswith("\n"):
        return sentence
    word = _WORD_BEFORE.search(before)
    inside = before[-1] == "," or (
        word is not None
        and (sentence[0].islower() or (sentence[0].isupper() and word.group(1)[0].isupper()))
    )
    if not inside:
        return sentence
    opening = max((s for s, e in split_sentences(text) if s <= start), default=start)
    return " ".join(text[opening : found.end()].split()) if opening < start else sentence


# columns of the tables that :func:`cut_mid_sentence` marks
CUT_BEFORE, CUT_AFTER = "_cut_before", "_cut_after"
_PIECE_END = r"[.!?…:;][\"»”’)\]]*$"  # how a segment that closes its sentence ends


def cut_mid_sentence(segments: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Whether each segment starts, and ends, inside a sentence: the segmentation cut a long
    sentence of its paragraph there (the segment before it, or this one, ends without a
    sentence's closing mark), as for the pieces after the first of a sentence of more than
    twice the segment size ("…via le président de la République, | le Premier ministre…").
    False for every segment when the table has no offsets (``doc_id``, ``paragraph``,
    ``start``)."""
    if not {schema.DOC_ID, schema.PARAGRAPH, schema.START} <= set(segments.columns):
        unknown = pd.Series(False, index=segments.index)
        return unknown, unknown.copy()
    ordered = segments.sort_values([schema.DOC_ID, schema.PARAGRAPH, schema.START], kind="stable")
    place = ordered[[schema.DOC_ID, schema.PARAGRAPH]]
    follows = (place == place.shift()).all(axis=1)  # same paragraph as the segment before
    texts = ordered[schema.TEXT].fillna("").astype(str)
    ends = texts.str.rstrip().str.contains(_PIECE_END, regex=True)
    before = follows & ~ends.shift(fill_value=True).astype(bool)
    after = follows.shift(-1, fill_value=False).astype(bool) & ~ends
    return before.reindex(segments.index), after.reindex(segments.index)


def first_whole(candidates: Iterable[tuple[str, bool]]) -> str | None:
    """The first label of ``candidates`` (``(label, cut_before)``, best first) that is not the
    start of a piece of a cut sentence (``cut_before``, see :func:`cut_mid_sentence`, with the
    label opening on a small letter: "le Premier ministre, le Gouvernement…"), else the first; None
    when there is none. A contributor's own small letters ("je souhaite soulever…") are kept.
    ``candidates`` is read only up to the label returned."""
    first = None
    for label, piece in candidates:
        if not (piece and label[:1].islower()):
            return label
        if first is None:
            first = label
    return first


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- paragraphs and headings --------------------------------------------------------------------

_MARKDOWN_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$")
_BULLET = re.compile(rf"^\s*{_ITEM_MARK}")
_NUMBERED_TITLE = re.compile(r"^(?:[IVX]+|\d+(?:\.\d+)*|[A-Z])[.)-]\s+")
_HEADING_WORDS = 8  # an unmarked heading has at most this many words
# an unmarked heading is told from a short paragraph by its missing full stop: only in a
# document whose other paragraphs end with one (this share of them, when there are enough)
_CLOSED_SHARE = 0.8
_PARAGRAPHS_TO_JUDGE = 5


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document.

    Attributes
    ----------
    index
        0-based rank among the document's paragraphs (heading blocks not counted).
    start, end
        Character offsets in the document text: ``text[start:end]`` is the paragraph.
    heading
        The nearest heading above the paragraph, without marks ("" when none).
    text
        The paragraph text, exactly as in the source.
    """

    index: int
    start: int
    end: int
    heading: str
    text: str


def _blocks(text: str) -> list[list[tuple[int, int]]]:
    """Group the non-blank lines of ``text`` into blocks; each line as ``(start, end)``."""
    blocks: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        line_start, line_end = _trim(text, position, position + len(line))
        position += len(line) + 1
        if line_start == line_end:
            if current:
                blocks.append(current)
            current = []
        else:
            current.append((line_start, line_end))
    if current:
        blocks.append(current)
    return blocks


def _heading_text(line: str) -> str:
    match = _MARKDOWN_HEADING.match(line)
    title = (match.group(2) or "") if match else line
    title = _MD_EMPHASIS.sub(r"\2", title.strip())
    return title.strip(" \t*_").rstrip(" \t\u00a0\u202f:").strip()


def _looks_like_unmarked_heading(line: str) -> bool:
    title = _MD_EMPHASIS.sub(r"\2", line.strip()).strip(" *_")
    if not title or len(title) > 80 or _BULLET.match(line) or is_web_artefact(title):
        return False
    if title.endswith((".", "!", "?", "…", ";", ",")):
        return False
    bare = _NUMBERED_TITLE.sub("", title)
    return (
        bool(bare)
        and (bare[0].isupper() or bare[0].isdigit())
        and count_words(title) <= _HEADING_WORDS
    )


def _marks_sentence_ends(text: str, blocks: list[list[tuple[int, int]]], short: list[bool]) -> bool:
    """True unless the document's paragraphs often end without a sentence's closing mark.

    Only paragraphs longer than a heading and not ending on a list item are counted; with
    fewer than :data:`_PARAGRAPHS_TO_JUDGE` of them the document is taken to mark its ends."""
    ends = [
        re.search(_PIECE_END, text[block[-1][0] : block[-1][1]]) is not None
        for block, is_short in zip(blocks, short, strict=True)
        if not is_short
        and not _BULLET.match(text[block[-1][0] : block[-1][1]])
        and count_words(text[block[0][0] : block[-1][1]]) > _HEADING_WORDS
    ]
    return len(ends) < _PARAGRAPHS_TO_JUDGE or sum(ends) >= _CLOSED_SHARE * len(ends)


def split_paragraphs(text: str, *, unmarked_headings: bool = True) -> list[Paragraph]:
    """Cut a document text into paragraphs, attaching to each the heading above it.

    Parameters
    ----------
    text
        A document body with ``"\\n"`` line endings (Markdown headings allowed).
    unmarked_headings
        False for a text that is one contribution (a row of a table export): only its
        Markdown headings are headings, never a short line.

    Returns
    -------
    list of Paragraph
        In document order, indexed from 0; heading blocks are not paragraphs (see the module
        docstring for the heading rules).
    """
    blocks = _blocks(text)
    has_markdown_headings = any(
        _MARKDOWN_HEADING.match(text[s:e]) for block in blocks for s, e in block
    )
    unmarked: set[int] = set()
    if unmarked_headings and not has_markdown_headings:
        candidates = [
            len(block) == 1 and _looks_like_unmarked_heading(text[block[0][0] : block[0][1]])
            for block in blocks
        ]
        if _marks_sentence_ends(text, blocks, candidates):
            unmarked = {
                i for i in range(len(blocks) - 1) if candidates[i] and not candidates[i + 1]
            }
    paragraphs: list[Paragraph] = []
    heading = ""
    for block_number, block in enumerate(blocks):
        if block_number in unmarked:
            heading = _heading_text(text[block[0][0] : block[0][1]])
            continue
        run: list[tuple[int, int]] = []
        for line_start, line_end in [*block, (-1, -1)]:
            is_heading = line_start >= 0 and _MARKDOWN_HEADING.match(text[line_start:line_end])
            if (is_heading or line_start < 0) and run:
                start, end = run[0][0], run[-1][1]
                paragraphs.append(Paragraph(len(paragraphs), start, end, heading, text[start:end]))
                run = []
            if is_heading:
                heading = _heading_text(text[line_start:line_end])
            elif line_start >= 0:
                run.append((line_start, line_end))
    return paragraphs


# --- segments -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    n_words: int


def _pieces(text: str, spans: list[tuple[int, int]]) -> list[_Piece]:
    return [_Piece(s, e, count_words(text[s:e])) for s, e in spans]


def _pack(pieces: list[_Piece], size: int) -> list[list[_Piece]]:
    """Group consecutive pieces so that each group comes as close as it can to ``size`` words."""
    groups: list[list[_Piece]] = []
    current: list[_Piece] = []
    words = 0
    for piece in pieces:
        if current and abs(words + piece.n_words - size) > abs(words - size):
            groups.append(current)
            current, words = [], 0
        current.append(piece)
        words += piece.n_words
    if current:
        groups.append(current)
    return groups


def _cut_long_sentence(text: str, piece: _Piece, size: int) -> tuple[list[_Piece], bool]:
    """Cut a sentence of more than twice ``size`` words at commas/semicolons, else every
    ``size`` words. Returns the pieces and whether a blind cut (no punctuation) was needed."""
    cuts = [m.end() for m in _WEAK_BREAK.finditer(text, piece.start, piece.end)]
    bounds = [piece.start, *cuts, piece.end]
    clauses = _pieces(text, [_trim(text, s, e) for s, e in zip(bounds, bounds[1:], strict=False)])
    clauses = [c for c in clauses if c.start < c.end]
    result: list[_Piece] = []
    blind = False
    for group in _pack(clauses, size):
        merged = _Piece(group[0].start, group[-1].end, sum(c.n_words for c in group))
        if merged.n_words <= 2 * size:
            result.append(merged)
            continue
        blind = True
        words = list(_WORD.finditer(text, merged.start, merged.end))
        for first in range(0, len(words), size):
            chunk = words[first : first + size]
            chunk_end = words[first + size].start() if first + size < len(words) else merged.end
            start, end = _trim(text, chunk[0].start() if first else merged.start, chunk_end)
            result.append(_Piece(start, end, len(chunk)))
    return result, blind


def _merge_short(groups: list[_Piece], min_words: int) -> list[_Piece]:
    """Merge groups shorter than ``min_words`` into their previous (else next) neighbour."""
    merged: list[_Piece] = []
    for group in groups:
        if merged and (group.n_words < min_words or merged[-1].n_words < min_words):
            last = merged.pop()
            group = _Piece(last.start, group.end, last.n_words + group.n_words)
        merged.append(group)
    return merged


def _segment_paragraph(
    text: str, paragraph: Paragraph, size: int, min_words: int
) -> tuple[list[_Piece], bool]:
    sentences = _pieces(text, split_sentences(text, paragraph.start, paragraph.end))
    pieces: list[_Piece] = []
    blind = False
    for sentence in sentences:
        if sentence.n_words > 2 * size:
            cut, was_blind = _cut_long_sentence(text, sentence, size)
            pieces.extend(cut)
            blind = blind or was_blind
        else:
            pieces.append(sentence)
    groups = [_Piece(g[0].start, g[-1].end, sum(p.n_words for p in g)) for g in _pack(pieces, size)]
    return _merge_short(groups, min_words), blind


def _worded_paragraphs(doc_id: str, text: str, *, record: bool) -> list[Paragraph]:
    """The document's paragraphs, minus those without any word (with a warning)."""
    paragraphs = split_paragraphs(text, unmarked_headings=not record)
    wordless = [p.index for p in paragraphs if _WORD.search(p.text) is None]
    if wordless:
        warnings.warn(
            f"Document « {doc_id} » : le(s) paragraphe(s) {wordless} ne contiennent aucun mot "
            "(seulement de la ponctuation ou du balisage) ; ils sont ignorés (leur numéro est "
            "gardé : les numéros de paragraphe correspondent toujours aux annotations).",
            SegmentationWarning,
            stacklevel=4,
        )
    return [p for p in paragraphs if p.index not in set(wordless)]


def _paragraph_pieces(
    text: str, paragraph: Paragraph, unit: str, size: int, min_words: int
) -> tuple[list[_Piece], bool]:
    if unit == "paragraph":
        return [_Piece(paragraph.start, paragraph.end, count_words(paragraph.text))], False
    return _segment_paragraph(text, paragraph, size, min_words)


def _document_units(
    doc_id: str, text: str, unit: str, size: int, min_words: int, *, record: bool
) -> list[tuple[str, int, str, int, int, int]]:
    """Return the units of one document: (segment_id, paragraph, heading, start, end, n_words).

    Ids are zero-padded to 3 digits for paragraphs and 2 for segments, wider when a document
    or a paragraph has more, so that they always sort in document order."""
    paragraphs = _worded_paragraphs(doc_id, text, record=record)
    if not paragraphs:
        return []
    if unit == "document":
        start, end = paragraphs[0].start, paragraphs[-1].end
        n_words = count_words(text[start:end])
        return [(f"{doc_id}#doc", paragraphs[0].index, "", start, end, n_words)]
    paragraph_width = max(3, len(str(paragraphs[-1].index)))
    units, blind_cuts = [], []
    for paragraph in paragraphs:
        pieces, blind = _paragraph_pieces(text, paragraph, unit, size, min_words)
        if blind:
            blind_cuts.append(paragraph.index)
        piece_width = max(2, len(str(len(pieces) - 1)))
        prefix = f"{doc_id}#p{paragraph.index:0{paragraph_width}d}"
        for k, piece in enumerate(pieces):
            segment_id = f"{prefix}s{k:0{piece_width}d}" if unit == "segment" else prefix
            units.append(
                (
                    segment_id,
                    paragraph.index,
                    paragraph.heading,
                    piece.start,
                    piece.end,
                    piece.n_words,
                )
            )
    if blind_cuts:
        warnings.warn(
            f"Document « {doc_id} » : le(s) paragraphe(s) {blind_cuts} contiennent une phrase "
            f"de plus de {2 * size} mots sans ponctuation où couper ; elle a été coupée tous "
            f"les {size} mots. Vérifiez le fichier source (un saut de ligne perdu, un tableau "
            "collé comme du texte ?).",
            SegmentationWarning,
            stacklevel=3,
        )
    return units


def _check_documents(documents: pd.DataFrame, unit: str, segment_size: int, min_words: int) -> None:
    if unit not in UNITS:
        raise SegmentationError(
            f"[segmentation] unit = {unit!r} : unité inconnue ; choisissez parmi "
            f"{', '.join(UNITS)}."
        )
    if not isinstance(segment_size, int) or segment_size < 5:
        raise SegmentationError(
            f"[segmentation] segment_size = {segment_size!r} : donnez un nombre entier de mots, "
            "5 ou plus."
        )
    if not isinstance(min_words, int) or min_words < 0:
        raise SegmentationError(
            f"[segmentation] min_words = {min_words!r} : donnez un nombre entier de mots, 0 ou "
            "plus."
        )
    schema.require_columns(documents, schema.DOC_ID, schema.TEXT, table="documents")
    schema.require_unique(documents, schema.DOC_ID, table="documents")


def _records(documents: pd.DataFrame) -> list[bool]:
    """True for each document that shares its file with another: a row of a table export, a
    text of an IRaMuTeQ corpus, a record of a JSON file. Its text is one contribution."""
    if schema.FILE not in documents.columns:
        return [False] * len(documents)
    files = documents[schema.FILE]
    return (files.notna() & files.duplicated(keep=False)).tolist()


def segment_documents(
    documents: pd.DataFrame,
    *,
    unit: Unit = "segment",
    segment_size: int = 40,
    min_words: int = 3,
) -> pd.DataFrame:
    """Cut documents into analysis units that keep where they came from.

    In ``segment`` mode each paragraph is cut at sentence ends into groups of about
    ``segment_size`` words (a sentence is cut, at commas or semicolons, only when longer than
    twice that size); a segment never crosses a paragraph boundary; a piece shorter than
    ``min_words`` is merged with its neighbour in the same paragraph. A paragraph shorter than
    ``min_words`` (a bullet item, a web leftover) is kept as its own unit, since it is a unit
    of the annotations. In ``paragraph`` mode a unit is a paragraph; in ``document`` mode a
    unit runs from the first to the last paragraph of the document (headings inside included).

    Parameters
    ----------
    documents
        Needs ``doc_id`` (unique) and ``text``; ``concertation_id``, ``city``, ``date``,
        ``doc_type``, ``title`` and ``atelier`` are carried over when present.
    unit
        ``"document"``, ``"paragraph"`` or ``"segment"``.
    segment_size
        Target words per segment (IRaMuTeQ's default is 40).
    min_words
        Pieces of a paragraph shorter than this are merged with a neighbour.

    Returns
    -------
    pandas.DataFrame
        Columns ``schema.SEGMENT_COLUMNS`` + ``n_words``, ``doc_type``, ``title`` (+ ``atelier``
        when the documents have it), sorted by ``doc_id`` then ``position``.
        ``segment_id`` is ``"{doc_id}#p{paragraph:03d}s{k:02d}"`` (segment),
        ``"{doc_id}#p{paragraph:03d}"`` (paragraph) or ``"{doc_id}#doc"`` (document), padded
        wider when a document has 1,000 paragraphs or a paragraph 100 segments, so that ids
        always sort in document order; ``documents.text[start:end] == text``.

    Raises
    ------
    SegmentationError
        On an unknown unit or bad sizes.
    analysis.schema.SchemaError
        On a duplicated ``doc_id`` or a missing column.

    Warns
    -----
    SegmentationWarning
        For a document that yields no unit (empty, or headings only: it is skipped), a
        paragraph with no word (skipped), a sentence cut blindly for lack of punctuation.
    """
    _check_documents(documents, unit, segment_size, min_words)
    meta_columns = [schema.CONCERTATION_ID, schema.CITY, schema.DATE, schema.DOC_TYPE, schema.TITLE]
    extra = [schema.ATELIER] if schema.ATELIER in documents.columns else []
    ordered = documents.sort_values(schema.DOC_ID, kind="stable")
    records = _records(ordered)
    rows = []
    for record, is_record in zip(ordered.to_dict("records"), records, strict=True):
        doc_id = str(record[schema.DOC_ID])
        text = record[schema.TEXT] if isinstance(record[schema.TEXT], str) else ""
        units = _document_units(doc_id, text, unit, segment_size, min_words, record=is_record)
        if not units:
            warnings.warn(
                f"Document « {doc_id} » : aucune unité « {unit} » n'en sort, son texte est vide "
                "ou ne contient que des intertitres. Il est laissé hors de l'analyse ; vérifiez "
                "le fichier source.",
                SegmentationWarning,
                stacklevel=2,
            )
        meta = [record.get(c) for c in meta_columns + extra]
        for position, (segment_id, paragraph, heading, start, end, n_words) in enumerate(units):
            rows.append(
                (
                    segment_id,
                    doc_id,
                    *meta[:3],
                    position,
                    paragraph,
                    heading,
                    start,
                    end,
                    text[start:end],
                    n_words,
                    *meta[3:],
                )
            )
    columns = [*schema.SEGMENT_COLUMNS, schema.N_WORDS, schema.DOC_TYPE, schema.TITLE, *extra]
    segments = pd.DataFrame(rows, columns=columns)
    if schema.DATE in documents.columns and len(segments):
        segments[schema.DATE] = segments[schema.DATE].astype(documents[schema.DATE].dtype)
    for column in (schema.POSITION, schema.PARAGRAPH, schema.START, schema.END, schema.N_WORDS):
        segments[column] = segments[column].astype("int64")
    return segments


def split_documents(documents: pd.DataFrame, config: AnalysisConfig) -> pd.DataFrame:
    """The documents cut into segments as the ``[segmentation]`` section says."""
    unit = config.segmentation
    return segment_documents(
        documents, unit=unit.unit, segment_size=unit.segment_size, min_words=unit.min_words
    )
