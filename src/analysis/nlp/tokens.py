"""The token table: every token of every parsed segment as codes in flat arrays, the
properties of its strings, and the search of token sequences in it."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.attrs import LEMMA, MORPH, NORM, ORTH, POS, SENT_START, SPACY
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from analysis.nlp.errors import NlpError

DOCBIN_ATTRS = ["ORTH", "NORM", "LEMMA", "POS", "MORPH", "SENT_START"]
POS_NAMES: tuple[str, ...] = tuple(sorted(POS_IDS, key=POS_IDS.__getitem__))
_POS_INDEX = {POS_IDS[name]: i for i, name in enumerate(POS_NAMES)}
_WORD_FORM = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_ACRONYM = re.compile(r"[A-ZÀ-Ý](?:[A-ZÀ-Ý0-9&]*[A-ZÀ-Ý])?")


@dataclass(frozen=True, eq=False)
class TokenTable:
    """All tokens of all parsed segments, as codes in flat arrays (one row per token).

    Attributes
    ----------
    offsets
        ``offsets[i]:offsets[i + 1]`` are the tokens of segment ``i`` (length n_segments + 1).
    orth, lemma
        Codes into ``strings`` of each token's text and lemma (as spaCy wrote them).
    pos
        Codes into :data:`POS_NAMES` (universal parts of speech).
    sent_start
        True on the first token of each sentence.
    space
        True when the token is followed by a space (to rebuild the text).
    strings
        The distinct strings of ``orth`` and ``lemma``.
    """

    offsets: np.ndarray
    orth: np.ndarray
    lemma: np.ndarray
    pos: np.ndarray
    sent_start: np.ndarray
    space: np.ndarray
    strings: np.ndarray

    @property
    def n_segments(self) -> int:
        """Number of segments."""
        return len(self.offsets) - 1

    def segment_index(self) -> np.ndarray:
        """Return, for each token, the index of its segment."""
        return np.repeat(np.arange(self.n_segments), np.diff(self.offsets))

    def breaks(self) -> np.ndarray:
        """Return True on tokens that start a segment or a sentence."""
        breaks = self.sent_start.copy()
        breaks[self.offsets[:-1][np.diff(self.offsets) > 0]] = True
        return breaks

    def to_bytes(self) -> bytes:
        """The table as the bytes of an ``.npz`` file (no pickle)."""
        blob = "\x00".join(self.strings.tolist()).encode("utf-8")
        arrays = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        arrays["strings"] = np.frombuffer(blob, dtype=np.uint8)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        return buffer.getvalue()

    @classmethod
    def load(cls, path: Path) -> TokenTable:
        """Read a table written as :meth:`to_bytes` into a file."""
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        text = arrays["strings"].tobytes().decode("utf-8")
        arrays["strings"] = np.array(text.split("\x00") if text else [], dtype=object)
        return cls(**arrays)


class ShardBuilder:
    """Collect parsed Docs into one ``DocBin`` shard and the token-table columns.

    ``DocBin.add`` copies nine strings per token into the DocBin, which costs more than a tenth
    of the parse. Here each Doc gives one ``to_array`` call, shared by the shard and the token
    table, and the strings are added once per shard from the distinct hashes. The bytes are
    DocBin's own format (``DocBin().from_bytes`` reads them).
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.docbin = DocBin(attrs=DOCBIN_ATTRS)
        self.attrs = [*self.docbin.attrs, SPACY]
        self.arrays: list[np.ndarray] = []
        self._no_spans: bytes | None = None

    def __len__(self) -> int:
        return len(self.docbin)

    def add(self, doc: Doc) -> None:
        array = doc.to_array(self.attrs).reshape(-1, len(self.attrs))
        self.arrays.append(array)
        if doc.spans or doc.cats or doc.user_data:
            self.docbin.add(doc)  # annotations the fast path does not carry
            return
        if self._no_spans is None:
            self._no_spans = doc.spans.to_bytes()
        self.docbin.tokens.append(array[:, :-1])
        self.docbin.spaces.append(array[:, -1:].astype(bool))
        self.docbin.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
        self.docbin.cats.append({})
        self.docbin.span_groups.append(self._no_spans)

    def close(self) -> tuple[bytes, dict[str, np.ndarray]]:
        """Return the shard's bytes and its token columns (string hashes not yet coded)."""
        width = len(self.attrs)
        table = np.concatenate(self.arrays) if self.arrays else np.zeros((0, width), np.uint64)
        column = {attr: self.attrs.index(attr) for attr in (ORTH, NORM, LEMMA, POS, MORPH)}
        with_strings = [column[ORTH], column[NORM], column[LEMMA], column[MORPH]]
        for value in np.unique(table[:, with_strings]).tolist():
            if value and value in self.vocab.strings:
                self.docbin.strings.add(self.vocab.strings[value])
        pos_index = np.vectorize(lambda value: _POS_INDEX.get(int(value), 0), otypes=[np.uint8])
        columns = {
            "orth": table[:, column[ORTH]].copy(),
            "lemma": table[:, column[LEMMA]].copy(),
            "pos": pos_index(table[:, column[POS]]) if len(table) else np.zeros(0, np.uint8),
            "sent_start": table[:, self.attrs.index(SENT_START)].view(np.int64) == 1,
            "space": table[:, -1].astype(bool),
        }
        return self.docbin.to_bytes(), columns


def finish_table(columns: list[dict[str, np.ndarray]], lengths: np.ndarray, nlp: Language):
    """Join the shards' columns and turn spaCy's string hashes into codes."""
    joined = {key: np.concatenate([c[key] for c in columns]) for key in columns[0]}
    hashes, codes = np.unique(
        np.concatenate([joined["orth"], joined["lemma"]]), return_inverse=True
    )
    strings = np.array([nlp.vocab.strings[int(h)] for h in hashes], dtype=object)
    n_tokens = len(joined["orth"])
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return TokenTable(
        offsets=offsets,
        orth=codes[:n_tokens].astype(np.int32),
        lemma=codes[n_tokens:].astype(np.int32),
        pos=joined["pos"],
        sent_start=joined["sent_start"],
        space=joined["space"],
        strings=strings,
    )


# --- string properties (computed once per distinct string, applied to tokens by indexing) ------


def flags(strings: np.ndarray, test) -> np.ndarray:
    return np.fromiter((bool(test(s)) for s in strings), dtype=bool, count=len(strings))


@dataclass(frozen=True)
class Lexicon:
    """Per-string properties of a token table's strings."""

    lower: np.ndarray  # lower-cased string of each code
    lower_code: np.ndarray  # code of the lower-cased string in `lower_strings`
    lower_strings: np.ndarray
    is_word: np.ndarray  # letters, with inner hyphens or apostrophes
    is_stop: np.ndarray
    is_acronym: np.ndarray
    is_upper_word: np.ndarray

    @classmethod
    def build(cls, strings: np.ndarray, stopwords: Collection[str]) -> Lexicon:
        lower = np.array([s.lower() for s in strings], dtype=object)
        lower_strings, lower_code = np.unique(lower, return_inverse=True)
        is_stop = flags(lower, stopwords.__contains__)
        return cls(
            lower=lower,
            lower_code=lower_code.astype(np.int32),
            lower_strings=lower_strings,
            is_word=flags(lower, _WORD_FORM.fullmatch),
            is_stop=is_stop,
            is_acronym=flags(strings, lambda s: 2 <= len(s) <= 6 and _ACRONYM.fullmatch(s))
            & ~is_stop,
            is_upper_word=flags(strings, lambda s: len(s) > 1 and s.isalpha() and s.isupper()),
        )

    def code_of(self, lower_string: str) -> int:
        """Code of a lower-cased string in ``lower_strings``, or -1."""
        i = int(np.searchsorted(self.lower_strings, lower_string))
        found = i < len(self.lower_strings) and self.lower_strings[i] == lower_string
        return i if found else -1


def pos_codes(names: Iterable[str]) -> np.ndarray:
    """Codes into :data:`POS_NAMES` of universal part-of-speech tags.

    Raises
    ------
    NlpError
        On a tag spaCy does not have.
    """
    unknown = sorted(set(names) - set(POS_NAMES))
    if unknown:
        raise NlpError(
            f"Étiquette(s) de catégorie grammaticale inconnue(s) dans la configuration "
            f"([nlp] keep_pos ou [expressions] patterns) : {', '.join(unknown)}. Utilisez les "
            f"étiquettes universelles, comme NOUN, PROPN, ADJ, VERB (toutes : "
            f"{', '.join(POS_NAMES[1:])})."
        )
    return np.array([POS_NAMES.index(name) for name in names], dtype=np.uint8)


# --- token sequences ---


def window_ok(breaks: np.ndarray, length: int) -> np.ndarray:
    """For each window start, True when no segment or sentence starts inside the window."""
    cumulative = np.concatenate([[0], np.cumsum(breaks)])
    n_windows = len(breaks) - length + 1
    if n_windows <= 0:
        return np.zeros(0, dtype=bool)
    starts = np.arange(n_windows)
    return cumulative[starts + length] - cumulative[starts + 1] == 0


def find_sequences(
    codes: np.ndarray, breaks: np.ndarray, sequences: Sequence[tuple[int, ...]]
) -> list[tuple[int, int, int]]:
    """Find every occurrence of each code sequence; return (start, length, sequence index)."""
    found: list[tuple[int, int, int]] = []
    by_length: dict[int, dict[tuple[int, ...], int]] = {}
    for index, sequence in enumerate(sequences):
        by_length.setdefault(len(sequence), {}).setdefault(tuple(sequence), index)
    for length, wanted in by_length.items():
        n_windows = len(codes) - length + 1
        if n_windows <= 0:
            continue
        hit = window_ok(breaks, length)
        for k in range(length):
            allowed = np.array(sorted({seq[k] for seq in wanted}), dtype=codes.dtype)
            hit &= np.isin(codes[k : k + n_windows], allowed)
        for start in np.flatnonzero(hit):
            index = wanted.get(tuple(codes[start : start + length].tolist()))
            if index is not None:
                found.append((int(start), length, index))
    return found


def resolve_overlaps(
    found: list[tuple[int, int, int]], rank: Sequence[int] | None = None
) -> list[tuple[int, int, int]]:
    """Keep non-overlapping matches: best ``rank`` of their sequence first (curated before
    corpus expressions), then the longest, then the leftmost. Returned in text order."""
    covered: set[int] = set()
    kept: list[tuple[int, int, int]] = []
    order = sorted(found, key=lambda m: (rank[m[2]] if rank else 0, -m[1], m[0], m[2]))
    for start, length, index in order:
        span = range(start, start + length)
        if not covered.intersection(span):
            kept.append((start, length, index))
            covered.update(span)
    return sorted(kept)
