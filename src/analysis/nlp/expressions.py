"""Multiword expressions: collocations of the corpus, scored by log-likelihood ratio and PMI,
and the curated domain list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from spacy.language import Language

from analysis import schema
from analysis.config import ExpressionsConfig
from analysis.nlp.model import (
    FRENCH_STOP_WORDS,
    load_domain_expressions,
    load_stopwords,
    token_form,
)
from analysis.nlp.parse import ParsedSegments
from analysis.nlp.tokens import (
    POS_NAMES,
    Lexicon,
    TokenTable,
    find_sequences,
    flags,
    pos_codes,
    window_ok,
)

_CONNECTORS = {"ADP": frozenset({"de", "à", "au", "aux", "du"}), "DET": frozenset({"le"})}
_EMPTY_EXPRESSIONS = pd.DataFrame(
    {
        schema.EXPRESSION: pd.Series(dtype=object),
        schema.EXPRESSION_TOKENS: pd.Series(dtype=object),
        schema.EXPRESSION_PATTERN: pd.Series(dtype=object),
        schema.COUNT: pd.Series(dtype="int64"),
        schema.LLR: pd.Series(dtype=float),
        schema.PMI: pd.Series(dtype=float),
        schema.EXPRESSION_SOURCE: pd.Series(dtype=object),
    }
)


def _pattern_candidates(
    table: TokenTable, lexicon: Lexicon, pattern: str, content: np.ndarray
) -> np.ndarray:
    """Return the start positions of the tokens that follow ``pattern`` (e.g. "NOUN ADP NOUN")."""
    tags = pattern.split()
    wanted = pos_codes(tags)
    length = len(tags)
    n_windows = len(table.orth) - length + 1
    if length < 2 or n_windows <= 0:
        return np.zeros(0, dtype=np.int64)
    hit = window_ok(table.breaks(), length)
    lemma_lower = lexicon.lower_code[table.lemma]
    for k, tag in enumerate(tags):
        window = slice(k, k + n_windows)
        hit &= table.pos[window] == wanted[k]
        if tag in _CONNECTORS and 0 < k < length - 1:
            connectors = [lexicon.code_of(word) for word in sorted(_CONNECTORS[tag])]
            hit &= np.isin(lemma_lower[window], connectors)
        else:
            hit &= content[table.lemma[window]] & lexicon.is_word[table.orth[window]]
    return np.flatnonzero(hit)


def _association(c12: np.ndarray, c1: np.ndarray, c2: np.ndarray, n: int):
    """Return (PMI in bits, Dunning's log-likelihood ratio G2) of word pairs."""
    pmi = np.log2(c12 * n / (c1 * c2))
    observed = np.stack([c12, c1 - c12, c2 - c12, n - c1 - c2 + c12]).astype(float)
    rows = np.stack([c1, c1, n - c1, n - c1]).astype(float)
    cols = np.stack([c2, n - c2, c2, n - c2]).astype(float)
    expected = rows * cols / n
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(observed > 0, observed * np.log(observed / expected), 0.0)
    return pmi, 2 * terms.sum(axis=0)


def _surface_form(table: TokenTable, lexicon: Lexicon, starts: Iterable[int], length: int) -> str:
    """Most frequent written form of an expression, preferring forms whose nouns are singular."""
    forms: Counter[tuple[bool, str]] = Counter()
    for start in starts:
        span = range(start, start + length)
        words = [lexicon.lower[table.orth[i]] for i in span]
        text = "".join(
            w + (" " if table.space[i] else "") for w, i in zip(words, span, strict=True)
        )
        singular = all(
            lexicon.lower[table.orth[i]] == lexicon.lower[table.lemma[i]]
            for i in span
            if POS_NAMES[table.pos[i]] == "NOUN"
        )
        forms[(singular, text.strip())] += 1
    (_, best), _ = min(forms.items(), key=lambda item: (not item[0][0], -item[1], item[0][1]))
    return best


@dataclass(frozen=True)
class _Candidate:
    lemmas: str
    pattern: str
    count: int
    llr: float
    pmi: float
    occurrences: np.ndarray  # start token of each occurrence


@dataclass(frozen=True)
class _CorpusCounts:
    content: np.ndarray  # per string code: may end an expression (a word, no French stop word)
    domain_stop: np.ndarray  # per lower-cased string code: in the domain stop list
    unigram: np.ndarray  # per lower-cased string code: occurrences as a lemma
    n_words: int


def _score_pattern(
    table: TokenTable,
    lexicon: Lexicon,
    pattern: str,
    config: ExpressionsConfig,
    counts: _CorpusCounts,
) -> list[_Candidate]:
    """Candidates of one pattern that pass the count, LLR, PMI and head-noun filters."""
    starts = _pattern_candidates(table, lexicon, pattern, counts.content)
    tags = pattern.split()
    if not len(starts):
        return []
    keys = np.stack([lexicon.lower_code[table.lemma[starts + k]] for k in range(len(tags))], 1)
    unique, inverse, n = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    first, last = counts.unigram[unique[:, 0]], counts.unigram[unique[:, -1]]
    pmi, llr = _association(n, first, last, counts.n_words)
    boring = counts.domain_stop[unique[:, tags.index("NOUN") if "NOUN" in tags else 0]]
    keep = (n >= config.min_count) & (llr >= config.min_llr) & (pmi >= config.min_pmi)
    by_candidate = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[by_candidate], np.arange(len(unique) + 1))
    return [
        _Candidate(
            lemmas=" ".join(lexicon.lower_strings[unique[i]]),
            pattern=pattern,
            count=int(n[i]),
            llr=float(llr[i]),
            pmi=float(pmi[i]),
            occurrences=starts[by_candidate[bounds[i] : bounds[i + 1]]],
        )
        for i in np.flatnonzero(keep & ~boring)
    ]


def _corpus_expressions(
    parsed: ParsedSegments, lexicon: Lexicon, config: ExpressionsConfig
) -> pd.DataFrame:
    """Candidates of ``config.patterns`` kept by count, LLR and PMI (the best by LLR).

    Their end words must not be French stop words. Other words of the domain stop list may
    appear (police *municipale*), except as the head noun, the first noun of the pattern
    ("séance plénière", "lien étroit", "titre de l'article" are not expressions)."""
    table = parsed.tokens
    french_stop = flags(lexicon.lower, FRENCH_STOP_WORDS.__contains__)
    content = lexicon.is_word & ~french_stop & flags(lexicon.lower, lambda s: len(s) > 1)
    domain_stop = np.zeros(len(lexicon.lower_strings), dtype=bool)
    domain_stop[lexicon.lower_code[lexicon.is_stop]] = True
    word_tokens = lexicon.is_word[table.orth]
    lemma_codes = lexicon.lower_code[table.lemma][word_tokens]
    unigram = np.bincount(lemma_codes, minlength=len(lexicon.lower_strings))
    counts = _CorpusCounts(content, domain_stop, unigram, int(word_tokens.sum()))
    candidates = [
        candidate
        for pattern in config.patterns
        for candidate in _score_pattern(table, lexicon, pattern, config, counts)
    ]
    candidates.sort(key=lambda c: (-c.llr, c.lemmas, c.pattern))
    rows = [
        (
            token_form(
                _surface_form(table, lexicon, c.occurrences.tolist(), len(c.pattern.split()))
            ),
            c.lemmas,
            c.pattern,
            c.count,
            c.llr,
            c.pmi,
        )
        for c in candidates[: config.max_expressions]
    ]
    found = pd.DataFrame(rows, columns=list(schema.EXPRESSION_COLUMNS[:-1]))
    found[schema.EXPRESSION_SOURCE] = "corpus"
    return found


@lru_cache(maxsize=16)
def _lemmatised_forms(
    nlp: Language, forms: tuple[str, ...]
) -> tuple[tuple[int, tuple[str, ...], str], ...]:
    """(index in ``forms``, lemmas, parts of speech) of each multiword form (kept per process:
    the curated list is the same at every run)."""
    result = []
    for index, doc in enumerate(nlp.pipe(forms)):
        words = [t for t in doc if not t.is_space]
        if len(words) >= 2:  # one word is not an expression
            lemmas = tuple(t.lemma_.lower() for t in words)
            result.append((index, lemmas, " ".join(t.pos_ for t in words)))
    return tuple(result)


def _domain_expressions(
    parsed: ParsedSegments, lexicon: Lexicon, forms: dict[str, str]
) -> pd.DataFrame:
    """Count the curated expressions in the corpus, matched on their lemmas."""
    table = parsed.tokens
    tokens = list(forms.values())
    sequences, rows = [], []
    for index, lemmas, pattern in _lemmatised_forms(parsed.nlp, tuple(forms)):
        sequences.append(tuple(lexicon.code_of(lemma) for lemma in lemmas))
        rows.append([tokens[index], " ".join(lemmas), pattern])
    found = find_sequences(lexicon.lower_code[table.lemma], table.breaks(), sequences)
    counts = Counter(index for _, _, index in found)
    result = pd.DataFrame(rows, columns=list(schema.EXPRESSION_COLUMNS[:3]))
    result[schema.COUNT] = [counts.get(i, 0) for i in range(len(rows))]
    result[schema.LLR] = np.nan
    result[schema.PMI] = np.nan
    result[schema.EXPRESSION_SOURCE] = "domain"
    result = result[result[schema.COUNT] > 0]
    return result.drop_duplicates(schema.EXPRESSION_TOKENS)


def _drop_nested(expressions: pd.DataFrame) -> pd.DataFrame:
    """Drop corpus expressions that never occur outside a longer expression of the table
    ("supervision urbain" inside "centre de supervision urbain")."""
    sequences = [f" {tokens} " for tokens in expressions[schema.EXPRESSION_TOKENS]]
    counts = expressions[schema.COUNT].tolist()
    nested = [
        source == "corpus"
        and any(
            f" {inner.strip()} " in outer and outer != inner and counts[j] >= counts[i]
            for j, outer in enumerate(sequences)
        )
        for i, (inner, source) in enumerate(
            zip(sequences, expressions[schema.EXPRESSION_SOURCE], strict=True)
        )
    ]
    return expressions[~np.array(nested, dtype=bool)]


def find_expressions(
    parsed: ParsedSegments,
    *,
    config: ExpressionsConfig,
    stopwords: Collection[str] | None = None,
) -> pd.DataFrame:
    """Find the corpus's multiword expressions and add the curated ones it contains.

    Corpus candidates follow ``config.patterns`` (e.g. noun + adjective, noun + de + noun:
    "police municipale", "point de deal"); their end words must be content words (not stop
    words). A candidate is kept when it occurs at least ``min_count`` times with a
    log-likelihood ratio of at least ``min_llr`` and a PMI of at least ``min_pmi`` (the best
    ``max_expressions`` by LLR). Curated expressions (``config.domain_file``, one per line) are
    matched on their lemmas and kept when they occur; they win over a corpus duplicate.

    Parameters
    ----------
    parsed
        The output of :func:`parse_segments`.
    config
        The ``[expressions]`` settings; ``enabled = false`` returns an empty table.
    stopwords
        Words that cannot end an expression (default: :func:`load_stopwords`).

    Returns
    -------
    pandas.DataFrame
        Columns ``schema.EXPRESSION_COLUMNS``: expression (one token, "police_municipale"),
        tokens (lemmas, "police municipal"), pattern, count, llr, pmi (NaN for domain-only
        entries), source ("corpus" or "domain"); sorted by count (descending) then expression.

    Raises
    ------
    WordListError
        When the domain file cannot be read.
    NlpError
        On an unknown part-of-speech tag in ``config.patterns``.
    """
    if not config.enabled or not len(parsed.tokens.orth):
        return _EMPTY_EXPRESSIONS.copy()
    stopwords = load_stopwords() if stopwords is None else stopwords
    lexicon = Lexicon.build(parsed.tokens.strings, stopwords)
    corpus = _corpus_expressions(parsed, lexicon, config)
    domain = _domain_expressions(parsed, lexicon, load_domain_expressions(config.domain_file))
    stats = corpus.set_index(schema.EXPRESSION_TOKENS)[[schema.LLR, schema.PMI]]
    stats = stats[~stats.index.duplicated()]
    domain[schema.LLR] = domain[schema.EXPRESSION_TOKENS].map(stats[schema.LLR])
    domain[schema.PMI] = domain[schema.EXPRESSION_TOKENS].map(stats[schema.PMI])
    corpus = corpus[~corpus[schema.EXPRESSION_TOKENS].isin(domain[schema.EXPRESSION_TOKENS])]
    merged = _drop_nested(pd.concat([domain, corpus], ignore_index=True))
    merged = merged.sort_values([schema.COUNT, schema.EXPRESSION], ascending=[False, True])
    merged[schema.LLR] = merged[schema.LLR].astype(float).round(2)
    merged[schema.PMI] = merged[schema.PMI].astype(float).round(2)
    return merged.reset_index(drop=True)[list(schema.EXPRESSION_COLUMNS)]


def expression_heads(expressions: pd.DataFrame) -> dict[str, str]:
    """The head word (its lemma) of each expression of ``expressions``, keyed by the expression
    as the ``lemmas`` column writes it ("grandes_entreprises": "entreprise").

    French noun phrases put their head first ("police municipale", "point de deal"), except
    after a preposed adjective ("grandes entreprises", "second tour"): the head is the first
    word, or the second when the pattern opens on an adjective and a noun. An expression whose
    pattern does not have one tag per word is left out (a reader then takes its first word).
    """
    if expressions.empty:
        return {}
    heads = {}
    for name, lemmas, pattern in zip(
        expressions[schema.EXPRESSION],
        expressions[schema.EXPRESSION_TOKENS],
        expressions[schema.EXPRESSION_PATTERN],
        strict=True,
    ):
        words, tags = str(lemmas).split(), str(pattern).split()
        if len(words) < 2 or len(tags) != len(words):
            continue
        heads[str(name).lower()] = words[1] if tags[:2] == ["ADJ", "NOUN"] else words[0]
    return heads
