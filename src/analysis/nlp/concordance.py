"""Keyword in context: every occurrence of a lemma or an expression, with its neighbours."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis import schema
from analysis.nlp.parse import ParsedSegments
from analysis.nlp.tokens import Lexicon, TokenTable, find_sequences, resolve_overlaps
from analysis.segmentation import normalise
from analysis.vectorise import display_term

# the metadata a concordance line shows, when the segments have it
_META = (
    schema.SEGMENT_ID,
    schema.DOC_ID,
    schema.CONCERTATION_ID,
    schema.CITY,
    schema.DATE,
    schema.HEADING,
)


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
    where: Mapping[str, Any] | None = None,
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
    where
        Only the segments whose columns hold these values: ``{"city": "Dijon"}``,
        ``{"function": ["frein", "proposition"]}`` (a list: any of them); the columns filtered
        on are shown too.

    Returns
    -------
    pandas.DataFrame
        One row per occurrence: ``segment_id``, the metadata columns present, ``left``,
        ``keyword`` (as written, after normalisation), ``right``; sorted by date, document,
        segment and position.

    Raises
    ------
    KeyError
        A column of ``where`` that the segments do not have (named, with those they have).
    """
    schema.require_columns(segments, schema.SEGMENT_ID, schema.TEXT, table="segments")
    ordered = _matching(segments, where or {}).reset_index(drop=True)
    if parsed is None:
        lines = _kwic_from_text(ordered, term, window)
    else:
        lines = _kwic_from_tokens(ordered, parsed, term, window)
    shown = [*_META, *(c for c in where or {} if c not in _META)]
    meta = [c for c in shown if c in ordered.columns]
    kwic = ordered.loc[[line[0] for line in lines], meta].reset_index(drop=True)
    kwic[schema.KWIC_LEFT] = [line[2] for line in lines]
    kwic[schema.KWIC_KEYWORD] = [line[3] for line in lines]
    kwic[schema.KWIC_RIGHT] = [line[4] for line in lines]
    kwic["_row"], kwic["_at"] = [line[0] for line in lines], [line[1] for line in lines]
    order = [c for c in (schema.DATE, schema.DOC_ID) if c in kwic.columns] + ["_row", "_at"]
    kwic = kwic.sort_values(order, kind="stable").drop(columns=["_row", "_at"])
    return kwic.reset_index(drop=True)


def _matching(segments: pd.DataFrame, where: Mapping[str, Any]) -> pd.DataFrame:
    """The rows of ``segments`` whose columns hold the values of ``where``."""
    unknown = [c for c in where if c not in segments.columns]
    if unknown:
        raise KeyError(
            f"Concordance : colonne(s) {', '.join(f'« {c} »' for c in unknown)} absente(s) "
            "des segments ; "
            f"colonnes disponibles : {', '.join(map(str, segments.columns))}."
        )
    keep = pd.Series(True, index=segments.index)
    for column, wanted in where.items():
        values = [wanted] if isinstance(wanted, str) or not isinstance(wanted, Sequence) else wanted
        keep &= segments[column].isin(list(values))
    return segments[keep]


def theme_concordance(
    segments: pd.DataFrame,
    terms: Mapping[int, Sequence[str]],
    *,
    parsed: ParsedSegments | None = None,
    n_terms: int = 3,
    n_lines: int = 3,
    window: int = 8,
) -> pd.DataFrame:
    """A few lines in context for each theme's first keywords, for the report.

    Parameters
    ----------
    segments
        Classified segments (``segment_id``, ``text``, ``theme_id``, ``theme_label``,
        metadata).
    terms
        Each theme's keywords as lemma terms, best first
        (:func:`analysis.themes.terms_by_theme` of the theme step's keywords table).
    parsed
        As in :func:`concordance` (inflected forms match too).
    n_terms, n_lines
        Keywords per theme, and lines per keyword: taken in the theme's own segments, from
        different concertations first, then different documents, each in the order
        :func:`concordance` gives (by date).
    window
        Tokens shown on each side.

    Returns
    -------
    pandas.DataFrame
        ``theme_id``, ``theme_label``, ``term``, then the columns of :func:`concordance`.
    """
    schema.require_columns(
        segments, schema.SEGMENT_ID, schema.TEXT, schema.THEME_ID, table="segments"
    )
    parts = []
    for theme in sorted(terms):
        own = segments[segments[schema.THEME_ID] == theme]
        for term in list(terms[theme])[:n_terms]:
            lines = concordance(own, term, parsed=parsed, window=window)
            if lines.empty:
                continue
            lines = _spread(lines).head(n_lines)
            label = own[schema.THEME_LABEL].iloc[0] if schema.THEME_LABEL in own else ""
            lines.insert(0, schema.TERM, display_term(term))
            lines.insert(0, schema.THEME_LABEL, label)
            lines.insert(0, schema.THEME_ID, theme)
            parts.append(lines)
    columns = [schema.THEME_ID, schema.THEME_LABEL, schema.TERM, schema.SEGMENT_ID]
    columns += [schema.KWIC_LEFT, schema.KWIC_KEYWORD, schema.KWIC_RIGHT]
    if not parts:
        return schema.empty_table(columns)
    return pd.concat(parts, ignore_index=True)


def _spread(lines: pd.DataFrame) -> pd.DataFrame:
    """The lines, one per concertation first, then one per document, then the others."""
    rounds = []
    rest = lines
    for column in (schema.CONCERTATION_ID, schema.DOC_ID):
        if column in rest:
            first = ~rest.duplicated(column)
            rounds.append(rest[first])
            rest = rest[~first]
    return pd.concat([*rounds, rest])
