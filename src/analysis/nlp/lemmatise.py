"""The ``lemmas`` column the theme model reads, and the flag of texts that are not French."""

from __future__ import annotations

import re
import warnings
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from analysis import schema
from analysis.config import NlpConfig
from analysis.nlp.errors import EmptyLemmasWarning, NotFrenchWarning
from analysis.nlp.model import FOREIGN_MARKERS, FRENCH_STOP_WORDS, load_stopwords
from analysis.nlp.parse import ParsedSegments, aligned_rows, check_segments
from analysis.nlp.tokens import (
    POS_NAMES,
    Lexicon,
    TokenTable,
    find_sequences,
    flags,
    pos_codes,
    resolve_overlaps,
)
from analysis.segmentation import normalise

_WORD_OR_ELISION = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*'?")


def _city_words(segments: pd.DataFrame) -> set[str]:
    """Words of the corpus's city names: they would make themes of places, not of topics."""
    if schema.CITY not in segments.columns:
        return set()
    words: set[str] = set()
    for city in segments[schema.CITY].dropna().astype(str).unique():
        name = normalise(city, strip_web_artefacts=False).lower()
        words.add(name)
        words.update(re.findall(r"[^\W\d_]+", name))
    return words


def _per_segment(values: np.ndarray, table: TokenTable) -> np.ndarray:
    """Sum a per-token boolean or number over each segment."""
    counts = np.bincount(table.segment_index(), weights=values, minlength=table.n_segments)
    return counts.astype(float)


def _content_tokens(
    table: TokenTable, lexicon: Lexicon, config: NlpConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Return (output code, keep flag) of every token; codes index ``lexicon.lower``."""
    long_enough = flags(lexicon.lower, lambda s: len(s) >= config.min_length)
    lemma_ok = lexicon.is_word & ~lexicon.is_stop & long_enough
    surface_ok = lexicon.is_word & ~lexicon.is_stop
    keep = np.isin(table.pos, pos_codes(config.keep_pos))
    keep &= lemma_ok[table.lemma] & surface_ok[table.orth]
    # In a text written in capitals every word looks like an acronym: no acronym rule there.
    upper = _per_segment(lexicon.is_upper_word[table.orth].astype(float), table)
    words = _per_segment(lexicon.is_word[table.orth].astype(float), table)
    shouting = (upper >= 4) & (upper > 0.5 * words)
    acronym = lexicon.is_acronym[table.orth] & ~shouting[table.segment_index()]
    codes = np.where(acronym, table.orth, table.lemma).astype(np.int64)
    return codes, keep | acronym


def _merge_expressions(
    table: TokenTable,
    lexicon: Lexicon,
    expressions: pd.DataFrame,
    stopwords: Collection[str],
    codes: np.ndarray,
    keep: np.ndarray,
) -> list[str]:
    """Replace expression spans by one token (in place); return the expression strings."""
    schema.require_columns(
        expressions, schema.EXPRESSION, schema.EXPRESSION_TOKENS, table="expressions"
    )
    names = expressions[schema.EXPRESSION].astype(str).tolist()
    sequences = [
        tuple(lexicon.code_of(lemma) for lemma in str(lemmas).split())
        for lemmas in expressions[schema.EXPRESSION_TOKENS]
    ]
    found = find_sequences(lexicon.lower_code[table.lemma], table.breaks(), sequences)
    base = len(lexicon.lower)
    rank = [0] * len(names)
    if schema.EXPRESSION_SOURCE in expressions.columns:
        rank = [int(source != "domain") for source in expressions[schema.EXPRESSION_SOURCE]]
    for start, length, index in resolve_overlaps(found, rank):
        codes[start] = base + index
        keep[start] = names[index] not in stopwords
        keep[start + 1 : start + length] = False
    return names


def _join_lemmas(table: TokenTable, codes: np.ndarray, keep: np.ndarray, words: np.ndarray):
    """One space-separated string of kept words per segment."""
    kept = np.flatnonzero(keep)
    kept_words = words[codes[kept]]
    bounds = np.searchsorted(kept, table.offsets)
    return np.array(
        [" ".join(kept_words[a:b].tolist()) for a, b in zip(bounds[:-1], bounds[1:], strict=True)],
        dtype=object,
    )


def _french(
    table: TokenTable, lexicon: Lexicon, config: NlpConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Return (is French, share of French stop words) per segment.

    A text is French unless it has at least ``language_min_words`` words and either less than
    ``min_french_ratio`` of them are French stop words, or it holds more foreign function
    words than half its French stop words (Spanish or Italian share "de", "la", "que"...).
    Proper nouns are not counted as words: a list of people or places says nothing of the
    language ("Rapporteurs : Julie DEBRUYNE, Vincent COPIN et Mourad AÏT-SAÏD").
    """
    is_word = flags(lexicon.lower, _WORD_OR_ELISION.fullmatch)
    french_words = flags(lexicon.lower, FRENCH_STOP_WORDS.__contains__)
    foreign_words = flags(lexicon.lower, FOREIGN_MARKERS.__contains__)
    counted = is_word[table.orth] & (table.pos != POS_NAMES.index("PROPN"))
    words = _per_segment(counted.astype(float), table)
    french = _per_segment(french_words[table.orth].astype(float), table)
    foreign = _per_segment(foreign_words[table.orth].astype(float), table)
    share = np.divide(french, words, out=np.ones_like(words), where=words > 0)
    judged = words >= config.language_min_words
    foreign_text = (share < config.min_french_ratio) | (foreign > french / 2)
    return ~(judged & foreign_text), share


def lemmatise(
    segments: pd.DataFrame,
    parsed: ParsedSegments,
    *,
    config: NlpConfig,
    expressions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Add the lemmas the theme model reads, and the language flag, to each segment.

    A token is kept when its part of speech is in ``config.keep_pos``, its text and lemma are
    words (letters, inner hyphens or apostrophes: no number, punctuation, URL or "d'"), its
    lemma has at least ``config.min_length`` characters, and neither its text nor its lemma
    is a stop word (spaCy's French list, the domain list ``config.stopwords_file``, the words
    of the ``city`` column). Acronyms (CLSPD, TIG, JO: 2 to 6 capitals) are always kept,
    lower-cased, except in texts written in capitals. Expressions of ``expressions`` replace
    their words by one token (where matches overlap, curated expressions win, then the
    longest, then the leftmost).

    A segment of at least ``config.language_min_words`` words is flagged as not French
    (``is_french`` False) when less than ``config.min_french_ratio`` of its words are French
    stop words, or when it holds more English, Spanish, Italian, German or Portuguese function
    words than half its French stop words. Its lemmas are emptied, so that no theme is built
    on it; shorter texts are not judged.

    Parameters
    ----------
    segments
        Needs ``segment_id`` and ``text``; ``doc_id`` and ``city`` are used when present.
        Rows must have been parsed in ``parsed`` (any order, any subset).
    parsed
        The output of :func:`parse_segments`.
    config
        The ``[nlp]`` settings.
    expressions
        The output of :func:`find_expressions` (columns ``expression`` and ``tokens``), or None.

    Returns
    -------
    pandas.DataFrame
        A copy of ``segments`` with ``lemmas`` (space-separated, lower-cased) and ``is_french``.

    Raises
    ------
    ParsedMismatchError
        When a segment was not parsed in ``parsed`` or its text changed since.
    WordListError
        When the stop-word file cannot be read.

    Warns
    -----
    NotFrenchWarning
        Naming the documents with segments that do not look French.
    EmptyLemmasWarning
        Naming documents that are empty after normalisation and segments left with no
        content word (both are kept, with empty lemmas). A web leftover ("Partager") inside a
        document is emptied by the normalisation and kept silently, with empty lemmas.
    """
    check_segments(segments)
    rows = aligned_rows(segments, parsed)
    table = parsed.tokens
    stopwords = load_stopwords(config.stopwords_file) | _city_words(segments)
    lexicon = Lexicon.build(table.strings, stopwords)
    codes, keep = _content_tokens(table, lexicon, config)
    words = lexicon.lower
    if expressions is not None and len(expressions):
        names = _merge_expressions(table, lexicon, expressions, stopwords, codes, keep)
        words = np.concatenate([words, np.array(names, dtype=object)])
    lemmas = _join_lemmas(table, codes, keep, words)[rows]
    is_french, share = _french(table, lexicon, config)
    is_french, share = is_french[rows], share[rows]
    result = segments.copy()
    result[schema.LEMMAS] = np.where(is_french, lemmas, "")
    result[schema.LANGUAGE_OK] = is_french
    n_tokens = np.diff(table.offsets)[rows]
    _warn_not_french(result, share, config)
    _warn_empty(result, n_tokens)
    return result


def _name_list(names: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(f"« {n} »" for n in names[:limit])
    return shown + (f" et {len(names) - limit} autres" if len(names) > limit else "")


def _warn_not_french(result: pd.DataFrame, share: np.ndarray, config: NlpConfig) -> None:
    flagged = result[~result[schema.LANGUAGE_OK].to_numpy(dtype=bool)]
    if flagged.empty:
        return
    by = schema.DOC_ID if schema.DOC_ID in flagged.columns else schema.SEGMENT_ID
    parts = [
        f"« {name} » ({len(group)} sur {int((result[by] == name).sum())})"
        for name, group in flagged.groupby(by, sort=True)
    ]
    warnings.warn(
        f"{len(flagged)} segment(s) ne semblent pas écrits en français (peu de mots outils "
        f"français, ou beaucoup de mots outils anglais, espagnols, italiens...), dans : "
        f"{', '.join(parts[:8])}"
        + (f" et {len(parts) - 8} autres" if len(parts) > 8 else "")
        + ". Ils sont gardés avec is_french = False et des lemmes vides, hors des thèmes : "
        "traduisez-les ou retirez-les du corpus.",
        NotFrenchWarning,
        stacklevel=3,
    )


def _warn_empty(result: pd.DataFrame, n_tokens: np.ndarray) -> None:
    if schema.DOC_ID in result.columns:
        has_tokens = pd.Series(n_tokens > 0).groupby(result[schema.DOC_ID].to_numpy()).any()
        empty_docs = sorted(has_tokens.index[~has_tokens.to_numpy()].astype(str))
        if empty_docs:
            warnings.warn(
                f"Document(s) vide(s) après normalisation (seulement des liens, du balisage "
                f"ou des restes de page web) : {_name_list(empty_docs)}. Leurs segments sont "
                "gardés avec des lemmes vides ; vérifiez le texte de ces documents.",
                EmptyLemmasWarning,
                stacklevel=3,
            )
    no_content = (
        (n_tokens > 0)
        & (result[schema.LEMMAS].to_numpy() == "")
        & result[schema.LANGUAGE_OK].to_numpy(dtype=bool)
    )
    if no_content.any():
        ids = result.loc[no_content, schema.SEGMENT_ID].astype(str).tolist()
        warnings.warn(
            f"{len(ids)} segment(s) n'ont plus aucun mot plein après filtrage (mots vides, "
            f"salutations ou chiffres seulement) : {_name_list(ids, 5)}. Ils sont gardés avec "
            "des lemmes vides et resteront non classés ; retirez-les du corpus ou enlevez "
            "leurs mots de la liste [nlp] stopwords_file s'ils comptent.",
            EmptyLemmasWarning,
            stacklevel=3,
        )
