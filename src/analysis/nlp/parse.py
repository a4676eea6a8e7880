"""spaCy's parse of the segments: a token table and the Docs, kept in the cache's store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from tqdm import tqdm

from analysis import schema
from analysis.cache import RunKey, Store, digest
from analysis.nlp.errors import ParsedMismatchError
from analysis.nlp.model import pipeline_name
from analysis.nlp.tokens import DOCBIN_ATTRS, ShardBuilder, TokenTable, finish_table
from analysis.segmentation import NORMALISATION_VERSION, normalise

PARSE_FORMAT_VERSION = 2  # bump when the stored files change shape (2: entries of cache.Store)
SHARD_SIZE = 5_000  # Docs per DocBin shard: bounds the memory of a parse
PARSED = "parsed"  # the kind of the parse entries in the store
_TOKENS = "tokens.npz"


@dataclass(frozen=True, eq=False)
class ParsedSegments:
    """spaCy's analysis of a set of segments: a token table and lazily rebuilt Docs.

    Attributes
    ----------
    segment_ids
        The segments parsed, in order.
    texts
        The source text of each segment (to check that a table still matches).
    tokens
        The :class:`TokenTable` of all segments.
    shards
        The ``DocBin`` shards: file paths (cache) or bytes (no cache).
    nlp
        The pipeline that parsed the texts (its vocabulary rebuilds the Docs).
    key
        The parse's key in the store: a digest of the texts and of every setting that shaped it.
    store
        The store that keeps the parse and what later stages derive from it.
    """

    segment_ids: tuple[str, ...]
    texts: np.ndarray
    tokens: TokenTable
    shards: tuple[Path | bytes, ...]
    nlp: Language = field(repr=False)
    key: str = ""
    store: Store = field(default_factory=lambda: Store(None), repr=False)

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
            aligned_rows(segments, self)
        except ParsedMismatchError:
            return False
        return True

    def read_artefact(self, kind: str) -> Any | None:
        """What a later stage derived from this parse alone (cue matches, named entities) and
        stored under ``kind``, or None: not stored, stored by other code, or corrupt."""
        return self.store.read(kind, self.key)

    def write_artefact(self, kind: str, data: Any) -> None:
        """Store ``data``, derived from this parse alone, under ``kind`` (nothing without a
        cache folder)."""
        self.store.write(kind, self.key, data)

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
                f"{len(missing)} segment(s) de la table n'ont pas été analysés (par exemple "
                f"« {missing[0]} ») : relancez parse_segments sur cette table de segments."
            )
        return np.array([lookup[s] for s in wanted], dtype=np.int64)


def aligned_rows(segments: pd.DataFrame, parsed: ParsedSegments) -> np.ndarray:
    """Positions in ``parsed`` of the rows of ``segments``, after checking their texts.

    Raises
    ------
    ParsedMismatchError
        When a segment was not parsed in ``parsed`` or its text changed since.
    """
    rows = parsed.index_of(segments[schema.SEGMENT_ID].astype(str))
    changed = np.flatnonzero(segment_texts(segments) != parsed.texts[rows])
    if len(changed):
        first = segments[schema.SEGMENT_ID].iloc[changed[0]]
        raise ParsedMismatchError(
            f"Le texte de {len(changed)} segment(s) a changé depuis leur analyse (par exemple "
            f"« {first} ») : relancez parse_segments sur cette table de segments."
        )
    return rows


def check_segments(segments: pd.DataFrame) -> None:
    """Raise :class:`analysis.schema.SchemaError` unless ``segments`` has a ``text`` column and
    a ``segment_id`` column without repeats."""
    schema.require_columns(segments, schema.TEXT, table="segments")
    schema.require_unique(segments, schema.SEGMENT_ID, table="segments")


def segment_texts(segments: pd.DataFrame) -> np.ndarray:
    """The texts :func:`parse_segments` parses: the ``text`` column, ``""`` where missing (the
    same string objects: compared at once)."""
    texts = [t if isinstance(t, str) else "" for t in segments[schema.TEXT].tolist()]
    return np.array(texts, dtype=object).reshape(-1)


def parse_key(texts: str, nlp: Language) -> str:
    """The store key of the parse, by ``nlp``, of texts whose digest is ``texts``
    (:attr:`analysis.cache.RunKey.texts`): it changes with the texts, the normalisation, spaCy's
    and the model's versions and the components, so a stale parse is never read."""
    header = {
        "format": PARSE_FORMAT_VERSION,
        "normalisation": NORMALISATION_VERSION,
        "spacy": spacy.__version__,
        "model": pipeline_name(nlp),
        "model_version": nlp.meta.get("version", ""),
        "pipes": nlp.pipe_names,
        "docbin": DOCBIN_ATTRS,
    }
    return digest(PARSED, texts, header)


@dataclass(frozen=True)
class ParsedPart:
    """The parse of the last texts of a corpus, made in another process (:func:`parse_part`):
    the token columns, shards and lengths :func:`_parse` joins, and the strings its hashes
    stand for (that process's vocabulary, not this one's)."""

    columns: list[dict[str, np.ndarray]]
    shards: list[bytes]
    lengths: np.ndarray
    strings: list[str]


class ParsedElsewhere(Protocol):
    """The texts from ``start`` on are parsed in another process; ``part()`` waits for them
    (None: that process failed, they are parsed here)."""

    start: int

    def part(self) -> ParsedPart | None: ...


def parse_part(texts: Sequence[str], nlp: Language, batch_size: int) -> ParsedPart:
    """Parse ``texts`` as :func:`parse_segments` would, for a :class:`ParsedElsewhere`."""
    columns, shards, lengths = _parse_shards(
        texts, nlp, batch_size=batch_size, n_process=1, progress=False
    )
    hashes = np.unique(np.concatenate([c[k] for c in columns for k in ("orth", "lemma")]))
    return ParsedPart(columns, shards, lengths, [nlp.vocab.strings[h] for h in hashes.tolist()])


def _parse(
    texts: Sequence[str],
    nlp: Language,
    *,
    batch_size: int,
    n_process: int,
    progress: bool,
    elsewhere: ParsedElsewhere | None = None,
) -> tuple[TokenTable, list[bytes]]:
    """Run spaCy on the normalised texts; return the token table and DocBin shards. With
    ``elsewhere``, the texts from its ``start`` on are parsed in another process meanwhile."""
    start = len(texts) if elsewhere is None else elsewhere.start
    columns, shards, lengths = _parse_shards(
        texts[:start], nlp, batch_size=batch_size, n_process=n_process, progress=progress
    )
    if start < len(texts):
        part = elsewhere.part() if elsewhere is not None else None
        if part is None:  # the other process failed: parsed here
            part = parse_part(texts[start:], nlp, batch_size)
        for string in part.strings:
            nlp.vocab.strings.add(string)
        columns, shards = columns + part.columns, shards + part.shards
        lengths = np.concatenate([lengths, part.lengths])
    if not shards:  # no text: one empty shard
        shard, shard_columns = ShardBuilder(nlp.vocab).close()
        shards, columns = [shard], [shard_columns]
    return finish_table(columns, lengths, nlp), shards


def _parse_shards(
    texts: Sequence[str], nlp: Language, *, batch_size: int, n_process: int, progress: bool
) -> tuple[list[dict[str, np.ndarray]], list[bytes], np.ndarray]:
    """Parse ``texts``: the token columns and DocBin bytes of each shard, and the number of
    tokens of each text (no shard for no text)."""
    lengths = np.zeros(len(texts), dtype=np.int64)
    shards: list[bytes] = []
    columns: list[dict[str, np.ndarray]] = []
    builder = ShardBuilder(nlp.vocab)
    nlp.max_length = max(nlp.max_length, max((len(t) for t in texts), default=0) + 1)
    stream = nlp.pipe((normalise(t) for t in texts), batch_size=batch_size, n_process=n_process)
    bar = tqdm(stream, total=len(texts), desc="Analyse spaCy", unit="segment", disable=not progress)
    for i, doc in enumerate(bar):
        lengths[i] = len(doc)
        builder.add(doc)
        if len(builder) == SHARD_SIZE:
            shard, shard_columns = builder.close()
            shards.append(shard)
            columns.append(shard_columns)
            builder = ShardBuilder(nlp.vocab)
    if len(builder):
        shard, shard_columns = builder.close()
        shards.append(shard)
        columns.append(shard_columns)
    return columns, shards, lengths


def _stored(store: Store, key: str) -> tuple[TokenTable, list[Path]] | None:
    """The parse kept under ``key``, or None (absent, stale, or corrupt: then deleted)."""
    folder = store.open(PARSED, key, version=str(PARSE_FORMAT_VERSION))
    if folder is None:
        return None
    return TokenTable.load(folder / _TOKENS), sorted(folder.glob("docs-*.spacy"))


def _store(store: Store, key: str, table: TokenTable, shards: list[bytes]) -> list[Path | bytes]:
    """Keep the parse under ``key``; return its shards as files (or as bytes, no cache)."""
    names = [f"docs-{i:04d}.spacy" for i in range(len(shards))]
    files = {_TOKENS: table.to_bytes(), **dict(zip(names, shards, strict=True))}
    folder = store.put(PARSED, key, files, version=str(PARSE_FORMAT_VERSION))
    return list(shards) if folder is None else [folder / name for name in names]


def parse_segments(
    segments: pd.DataFrame,
    nlp: Language,
    *,
    cache_dir: str | Path | None = None,
    batch_size: int = 256,
    n_process: int = 1,
    progress: bool = True,
    keep_entries: int = 8,
    run: RunKey | None = None,
    elsewhere: ParsedElsewhere | None = None,
) -> ParsedSegments:
    """Parse the normalised text of each segment with spaCy, or read the result from the cache.

    Parameters
    ----------
    segments
        Needs ``segment_id`` (unique) and ``text`` (the source text; it is normalised here).
    nlp
        The pipeline, normally :func:`load_pipeline`'s.
    cache_dir
        Folder of the cache (``None``: no cache). Parses live in ``cache_dir/parsed/<key>``
        (see :func:`parse_key`); a corrupt entry is rebuilt.
    batch_size, n_process
        Passed to ``nlp.pipe``.
    progress
        Show a progress bar while parsing.
    keep_entries
        Parses kept in the cache (one per corpus version): the least recently used beyond this
        number are deleted, never the current one.
    run
        The :class:`analysis.cache.RunKey` of ``segments``, when the caller has it (the texts
        are then not hashed again).
    elsewhere
        The last segments are being parsed in another process (the pipeline's second core,
        once it has found the names): their parse is taken from there when this one needs
        it. Unused when the parse is read from the cache.

    Returns
    -------
    ParsedSegments
        Aligned with ``segments`` row by row.

    Raises
    ------
    SchemaError
        On a missing column or repeated segment ids.
    CacheError
        When ``keep_entries`` is below 1.

    Warns
    -----
    CacheWarning
        When a corrupt cache entry is found (it is deleted and rebuilt).
    """
    check_segments(segments)
    store = Store(cache_dir, keep_entries=keep_entries)
    texts = segment_texts(segments)
    key = parse_key(run.texts if run is not None else digest(segments[schema.TEXT]), nlp)
    stored = _stored(store, key)
    if stored is None:
        table, parsed = _parse(
            texts.tolist(),
            nlp,
            batch_size=batch_size,
            n_process=n_process,
            progress=progress,
            elsewhere=elsewhere,
        )
        shards = _store(store, key, table, parsed)
    else:
        table, shards = stored
    return ParsedSegments(
        segment_ids=tuple(str(s) for s in segments[schema.SEGMENT_ID]),
        texts=texts,
        tokens=table,
        shards=tuple(shards),
        nlp=nlp,
        key=key,
        store=store,
    )
