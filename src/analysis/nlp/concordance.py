"""Keyword in context: every occurrence of a lemma or an expression, with its neighbours."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis import schema
from analysis.nlp.parse import ParsedSegments
from analysis.nlp.tokens import Lexicon, TokenTable, find_sequences, resolve_overlaps
from analysis.segmentation import normalise


def _span_text(table: TokenTable, words: np.ndarray, start: int, end: int) -> str:
    parts = [words[table.orth[i]] + (" " if table.space[i] else "") for i in range(start, end)]
    return "".join(parts).strip()


def _term_matches(parsed: ParsedSegments, term: str) -> list[tuple[int, int, int]]:
    """Token spans (start, length, 0) whose lemmas, or written forms, are ``term``."""
    table = parsed.tokens
    lexicon = Lexicon.build(table.strings, ())
    phrase = normalise(term.replace("_", " "), strip_web_artefacts=False).lower()
    doc = parsed.nlp(phrase)
    lemmas = [t.lemma_.lower() for t in doc if not t.is_space]
    forms = [t.lower_ for t in doc if not t.is_space]
    breaks = table.breaks()
    found = []
    for sequence, codes in (
        (lemmas, lexicon.lower_code[table.lemma]),
        (forms, lexicon.lower_code[table.lemma]),
        (forms, lexicon.lower_code[table.orth]),
    ):
        coded = tuple(lexicon.code_of(word) for word in sequence)
        if sequence and -1 not in coded:
            found.extend(find_sequences(codes, breaks, [coded]))
    return resolve_overlaps(found)


def _kwic_from_tokens(
    segments: pd.DataFrame, parsed: ParsedSegments, term: str, window: int
) -> list[tuple[int, int, str, str, str]]:
    table = parsed.tokens
    rows = {
        int(p): r for r, p in enumerate(parsed.index_of(segments[schema.SEGMENT_ID].astype(str)))
    }
    words = table.strings
    segment_of = table.segment_index()
    lines = []
    for start, length, _ in _term_matches(parsed, term):
        segment = int(segment_of[start])
        if segment not in rows:
            continue
        first, last = table.offsets[segment], table.offsets[segment + 1]
        end = start + length
        left = _span_text(table, words, max(first, start - window), start)
        right = _span_text(table, words, end, min(last, end + window))
        lines.append((rows[segment], start, left, _span_text(table, words, start, end), right))
    return lines


def _kwic_from_text(
    segments: pd.DataFrame, term: str, window: int
) -> list[tuple[int, int, str, str, str]]:
    words = normalise(term.replace("_", " "), strip_web_artefacts=False).split()
    if not words:
        return []
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)
    lines = []
    for row, text in enumerate(segments[schema.TEXT].fillna("").map(normalise)):
        for match in pattern.finditer(text):
            left = " ".join(text[: match.start()].split()[-window:])
            right = " ".join(text[match.end() :].split()[:window])
            lines.append((row, match.start(), left, match.group(), right))
    return lines


def concordance(
    segments: pd.DataFrame,
    term: str,
    *,
    parsed: ParsedSegments | None = None,
    window: int = 8,
) -> pd.DataFrame:
    """Show every occurrence of a lemma or an expression in its context (keyword in context).

    Parameters
    ----------
    segments
        Needs ``segment_id`` and ``text``; ``doc_id``, ``concertation_id``, ``city``,
        ``date``, ``heading`` are shown when present.
    term
        A lemma ("tigiste"), a word, or an expression ("police_municipale" or
        "police municipale").
    parsed
        The output of :func:`parse_segments`: the term then matches every inflected form
        ("polices municipales"). Without it the term matches as written (case-insensitive).
    window
        Tokens (with parsed) or words (without) shown on each side.

    Returns
    -------
    pandas.DataFrame
        One row per occurrence: ``segment_id``, the metadata columns present, ``left``,
        ``keyword`` (as written, after normalisation), ``right``; sorted by date, document,
        segment and position.
    """
    schema.require_columns(segments, schema.SEGMENT_ID, schema.TEXT, table="segments")
    ordered = segments.reset_index(drop=True)
    if parsed is None:
        lines = _kwic_from_text(ordered, term, window)
    else:
        lines = _kwic_from_tokens(ordered, parsed, term, window)
    meta = [
        c
        for c in (
            schema.SEGMENT_ID,
            schema.DOC_ID,
            schema.CONCERTATION_ID,
            schema.CITY,
            schema.DATE,
            schema.HEADING,
        )
        if c in ordered.columns
    ]
    kwic = ordered.loc[[line[0] for line in lines], meta].reset_index(drop=True)
    kwic[schema.KWIC_LEFT] = [line[2] for line in lines]
    kwic[schema.KWIC_KEYWORD] = [line[3] for line in lines]
    kwic[schema.KWIC_RIGHT] = [line[4] for line in lines]
    kwic["_row"], kwic["_at"] = [line[0] for line in lines], [line[1] for line in lines]
    order = [c for c in (schema.DATE, schema.DOC_ID) if c in kwic.columns] + ["_row", "_at"]
    kwic = kwic.sort_values(order, kind="stable").drop(columns=["_row", "_at"])
    return kwic.reset_index(drop=True)
