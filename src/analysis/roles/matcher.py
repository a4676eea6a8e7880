"""Cue patterns matched over many Docs at once (:class:`CuePatterns`), and spaCy's Matcher of
the same cues, the reference it is tested against."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from itertools import product
from typing import Any

import numpy as np
from spacy.attrs import LEMMA, MORPH, ORTH, POS, SENT_START
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from analysis.roles.cue_table import CUES


@functools.lru_cache(maxsize=8)
def cue_matcher(vocab: Vocab) -> Matcher:
    """Return spaCy's Matcher of :data:`CUES` for a vocabulary (built once per vocabulary).

    The workbook matches the cues with :class:`CuePatterns`, which finds the same matches much
    faster; this Matcher is the reference it is tested against.
    """
    matcher = Matcher(vocab)
    for index, cue in enumerate(CUES):
        matcher.add(f"cue{index}", [list(cue.pattern)])
    return matcher


def _intersects(have: frozenset[str], wanted: frozenset[str]) -> bool:
    return bool(have & wanted)


# The token attributes a cue pattern may test, and the predicates it may use on them.
_TOKEN_ATTRS = (ORTH, LEMMA, POS, MORPH, SENT_START)
_STRING_KEYS = {"TEXT": "text", "LOWER": "lower", "LEMMA": "lemma", "POS": "pos"}
_SET_PREDICATES = {"IS_SUPERSET": frozenset.issuperset, "INTERSECTS": _intersects}


class CuePatterns:
    """Token patterns matched over many Docs at once, with the spaCy Matcher's results.

    spaCy's :class:`~spacy.matcher.Matcher` evaluates every pattern's predicates (``IN``,
    ``REGEX``, ``IS_SUPERSET``) token by token: about 1 ms per 40-word segment for the cues,
    longer than parsing the segment. Here each token description of the patterns is evaluated
    once per distinct token (text, lemma, part of speech, morphology, sentence start), the
    answers are remembered across calls, and each pattern, expanded into its fixed-length
    variants (every optional token present or absent), is found with array operations over
    all the tokens of a batch of Docs.

    Supported, as the Matcher reads them: keys ``TEXT``, ``LOWER``, ``LEMMA``, ``POS`` (a value,
    or ``IN``, ``NOT_IN``, ``REGEX``), ``MORPH`` (``IS_SUPERSET``, ``INTERSECTS``),
    ``IS_SENT_START`` and ``OP: "?"``. Anything else raises ValueError when the patterns are
    compiled, so a new cue cannot be silently misread.
    """

    def __init__(self, patterns: Sequence[Sequence[dict[str, Any]]]) -> None:
        self._tests: list[Any] = []
        gates: list[tuple[str, frozenset[str]] | None] = []  # see _gate
        keys: dict[str, int] = {}
        self.variants: list[tuple[int, tuple[int, ...]]] = []  # (pattern, token tests)
        for index, pattern in enumerate(patterns):
            choices = []
            for token in pattern:
                spec = {k: v for k, v in token.items() if k != "OP"}
                key = repr(sorted(spec.items()))
                if key not in keys:
                    keys[key] = len(self._tests)
                    self._tests.append(_token_test(spec, index))
                    gates.append(_gate(spec))
                operator = token.get("OP")
                if operator not in (None, "?"):
                    raise ValueError(
                        f"Motif d'indice {index} : l'opérateur {operator!r} n'est pas pris en "
                        "charge (seuls l'absence d'opérateur et « ? » le sont)."
                    )
                choices.append((keys[key],) if operator is None else (keys[key], None))
            variants = {tuple(t for t in combo if t is not None) for combo in product(*choices)}
            self.variants += [(index, v) for v in sorted(variants) if v]
        # the tests a token can pass, by the value of the field each one requires (most
        # tests require one of a few words: a token is put to a handful of the 140 tests)
        self._open_tests = [k for k, gate in enumerate(gates) if gate is None]
        self._gated: dict[str, dict[str, list[int]]] = {}
        for k, gate in enumerate(gates):
            if gate is not None:
                field, values = gate
                for value in values:
                    self._gated.setdefault(field, {}).setdefault(value, []).append(k)
        self._rows: dict[tuple[int, ...], int] = {}  # token type -> row of self._answers
        self._answers = np.zeros((0, len(self._tests)), dtype=bool)

    def match(self, docs: Sequence[Doc]) -> list[tuple[Doc, list[tuple[int, int, int]], Any]]:
        """Match every pattern in ``docs`` (with sentence boundaries).

        Returns
        -------
        list
            Per Doc: ``(doc, matches, sentence_starts)``, ``matches`` a list of ``(pattern
            index, start, end)`` token offsets (each distinct match once), ``sentence_starts``
            the first token of each token's sentence.
        """
        arrays = [doc.to_array(list(_TOKEN_ATTRS)).reshape(-1, len(_TOKEN_ATTRS)) for doc in docs]
        lengths = np.array([len(a) for a in arrays], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        tokens = np.concatenate(arrays) if arrays else np.zeros((0, len(_TOKEN_ATTRS)), np.uint64)
        tokens[:, 4] = tokens[:, 4].view(np.int64) == 1  # Matcher: sentence start when 1
        n_tokens = len(tokens)
        positions = np.arange(n_tokens)
        in_doc = np.repeat(np.arange(len(docs)), lengths)
        first = offsets[:-1][in_doc] if n_tokens else np.zeros(0, np.int64)
        starts_here = (tokens[:, 4] == 1) | (positions == first)
        sentence_starts = np.maximum.accumulate(np.where(starts_here, positions, 0)) - first
        answers = self._answers_for(tokens, docs[0].vocab if docs else None)
        found: list[np.ndarray] = []
        for index, variant in self.variants:
            width = len(variant)
            n_windows = n_tokens - width + 1
            if n_windows <= 0:
                continue
            hit = in_doc[:n_windows] == in_doc[width - 1 :]
            for k, test in enumerate(variant):
                hit &= answers[test, k : k + n_windows]
            starts = np.flatnonzero(hit)
            found.append(
                np.stack(
                    [in_doc[starts], np.full(len(starts), index), starts, starts + width], axis=1
                )
            )
        table = np.unique(np.concatenate(found), axis=0) if found else np.zeros((0, 4), np.int64)
        per_doc = np.split(table, np.searchsorted(table[:, 0], np.arange(1, len(docs))))
        result = []
        for number, (doc, rows) in enumerate(zip(docs, per_doc, strict=True)):
            shift = offsets[number]
            matches = [(int(i), int(a - shift), int(b - shift)) for _, i, a, b in rows.tolist()]
            result.append((doc, matches, sentence_starts[shift : offsets[number + 1]]))
        return result

    def _answers_for(self, tokens: np.ndarray, vocab: Vocab | None) -> np.ndarray:
        """The answer of every token test for every token, as a (tests, tokens) array."""
        types, inverse = np.unique(tokens, axis=0, return_inverse=True)
        rows = np.empty(len(types), dtype=np.int64)
        new: list[np.ndarray] = []
        for position, key in enumerate(map(tuple, types.tolist())):
            row = self._rows.get(key)
            if row is None:
                row = self._rows[key] = len(self._answers) + len(new)
                new.append(self._evaluate(key, vocab))
            rows[position] = row
        if new:
            self._answers = np.vstack([self._answers, *new])
        return self._answers[rows[inverse.reshape(-1)]].T.copy()

    def _evaluate(self, key: tuple[int, ...], vocab: Vocab) -> np.ndarray:
        orth, lemma, pos, morph, sent_start = key
        text = vocab.strings[orth]
        features = set()
        for feature in filter(None, vocab.strings[morph].split("|") if morph else ()):
            name, _, values = feature.partition("=")
            features.update(f"{name}={value}" for value in values.split(","))
        token = {
            "text": text,
            "lower": text.lower(),
            "lemma": vocab.strings[lemma],
            "pos": vocab.strings[pos] if pos else "",
            "morph": frozenset(features),
            "sent_start": bool(sent_start),
        }
        answers = np.zeros(len(self._tests), dtype=bool)
        candidates = list(self._open_tests)
        for field, by_value in self._gated.items():
            candidates += by_value.get(token[field], ())
        for k in candidates:
            answers[k] = self._tests[k](token)
        return answers


def _gate(spec: dict[str, Any]) -> tuple[str, frozenset[str]] | None:
    """A field of the token (``lower``, ``lemma``...) and the values it must have for the token
    description ``spec`` to hold (its first word test given as a value or ``IN``), or None when
    no such test narrows it (``NOT_IN``, ``REGEX``, morphology only)."""
    for key in ("LOWER", "TEXT", "LEMMA", "POS"):
        value = spec.get(key)
        if isinstance(value, str):
            return _STRING_KEYS[key], frozenset([value])
        if isinstance(value, dict) and set(value) == {"IN"}:
            return _STRING_KEYS[key], frozenset(value["IN"])
    return None


def _token_test(spec: dict[str, Any], index: int):
    """A function telling whether a token (the dict of :meth:`CuePatterns._evaluate`) fits
    one token description of a pattern."""
    checks = []
    for key, value in spec.items():
        if key in _STRING_KEYS:
            checks.append(_string_check(_STRING_KEYS[key], value, index))
        elif key == "MORPH" and isinstance(value, dict) and set(value) <= set(_SET_PREDICATES):
            checks += [
                functools.partial(_morph_check, _SET_PREDICATES[name], frozenset(wanted))
                for name, wanted in value.items()
            ]
        elif key == "IS_SENT_START" and isinstance(value, bool):
            checks.append(lambda token, wanted=value: token["sent_start"] == wanted)
        else:
            raise ValueError(
                f"Motif d'indice {index} : {key}={value!r} n'est pas pris en charge ; "
                f"attributs possibles : {', '.join(sorted(_STRING_KEYS))}, MORPH, IS_SENT_START."
            )
    return lambda token: all(check(token) for check in checks)


def _morph_check(predicate, wanted: frozenset[str], token: dict[str, Any]) -> bool:
    return predicate(token["morph"], wanted)


def _string_check(field: str, value: Any, index: int):
    if isinstance(value, str):
        return lambda token: token[field] == value
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(
            f"Motif d'indice {index} : {value!r} n'est pas pris en charge ; donnez une chaîne ou "
            "un seul prédicat (IN, NOT_IN, REGEX)."
        )
    ((name, argument),) = value.items()
    if name == "IN":
        allowed = frozenset(argument)
        return lambda token: token[field] in allowed
    if name == "NOT_IN":
        refused = frozenset(argument)
        return lambda token: token[field] not in refused
    if name == "REGEX":
        search = re.compile(argument).search
        return lambda token: search(token[field]) is not None
    raise ValueError(
        f"Motif d'indice {index} : le prédicat {name!r} n'est pas pris en charge ; "
        "utilisez IN, NOT_IN ou REGEX."
    )


@functools.lru_cache(maxsize=1)
def cue_patterns() -> CuePatterns:
    """The patterns of :data:`~analysis.roles.cue_table.CUES`, compiled once."""
    return CuePatterns([cue.pattern for cue in CUES])
