"""Every stored result of a run: one digest function, one run key, one store.

A run is keyed once (:class:`RunKey`, from the segmented corpus, the settings and this
package's code), and each stage names its stored result from that key, the settings sections it
reads and what it gets from the stage before (:meth:`RunKey.key`). Results live in one
:class:`Store`: a folder per entry, written atomically, checked against its manifest (size and
digest of each file) when read. A corrupt entry is deleted, said once (:class:`CacheWarning`)
and computed again; an entry written by another format or code version is ignored; only the
``[cache] keep_entries`` most recently used entries of each kind are kept.

Example
-------
>>> from analysis.cache import Store, digest
>>> store = Store("/tmp/analysis-cache")  # doctest: +SKIP
>>> key = digest("tracing", {"similarity_threshold": 0.15})
>>> store.write("tracing", key, {"links": []})  # doctest: +SKIP
>>> store.read("tracing", key)  # doctest: +SKIP
{'links': []}
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import os
import pickle
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis import schema

if TYPE_CHECKING:
    from analysis.config import AnalysisConfig

__all__ = [
    "CODE_VERSION",
    "CacheError",
    "CacheWarning",
    "Computed",
    "RunKey",
    "Store",
    "digest",
    "file_digest",
    "memo",
]

STORE_FORMAT = 1  # bump when the layout of an entry changes
MANIFEST = "manifest.json"
_VALUE = "value.pickle"
_STAGING = ".tmp-"
_STAGING_MAX_AGE = 24 * 3600  # seconds: an older staging folder is left over from a crash


class CacheError(ValueError):
    """The ``[cache]`` settings cannot be used."""


class CacheWarning(UserWarning):
    """A stored entry was corrupt: it has been deleted and is computed again."""


# --- digests ------------------------------------------------------------------------------------


def digest(*parts: Any) -> str:
    """One digest (SHA-256, 32 hexadecimal characters) of any number of parts.

    Parts may be bytes, strings, numbers, None, numpy arrays, pandas Series and DataFrames
    (hashed by column, with their names and dtypes, never converted to strings), dataclasses,
    and lists, tuples or dicts of these. Each part is framed by its type and length, so that
    ``digest("ab", "c")`` and ``digest("a", "bc")`` differ.

    Examples
    --------
    >>> digest("nlp", {"min_length": 3}) == digest("nlp", {"min_length": 3})
    True
    >>> digest("nlp", {"min_length": 3}) == digest("nlp", {"min_length": 4})
    False
    """
    hasher = hashlib.sha256()
    for part in parts:
        _feed(hasher, part)
    return hasher.hexdigest()[:32]


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes (read by blocks)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _feed(hasher: Any, part: Any) -> None:
    """Add one framed part to ``hasher``."""
    if isinstance(part, pd.DataFrame):
        _frame(hasher, b"F", [(str(c), part[c]) for c in part.columns])
    elif isinstance(part, pd.Series):
        _frame(hasher, b"S", [(str(part.name), part)])
    elif isinstance(part, np.ndarray):
        array = np.ascontiguousarray(part)
        _frame(hasher, b"A", [])
        _bytes(hasher, b"a", f"{array.dtype.str}{array.shape}".encode() + array.tobytes())
    elif dataclasses.is_dataclass(part) and not isinstance(part, type):
        _feed(hasher, [type(part).__name__, dataclasses.asdict(part)])
    elif isinstance(part, Mapping):
        _feed(hasher, ["mapping", sorted((str(k), v) for k, v in part.items())])
    elif isinstance(part, list | tuple):
        hasher.update(b"L" + len(part).to_bytes(8, "little"))
        for item in part:
            _feed(hasher, item)
    elif isinstance(part, bytes):
        _bytes(hasher, b"b", part)
    elif isinstance(part, str):
        _bytes(hasher, b"s", part.encode("utf-8"))
    else:  # numbers, booleans, None, paths
        _bytes(hasher, b"r", f"{type(part).__name__}:{part!r}".encode())


def _bytes(hasher: Any, tag: bytes, data: bytes) -> None:
    hasher.update(tag + len(data).to_bytes(8, "little"))
    hasher.update(data)


def _frame(hasher: Any, tag: bytes, columns: list[tuple[str, pd.Series]]) -> None:
    """Columns hashed row by row in pandas' C code (typed values, no string conversion)."""
    hasher.update(tag + len(columns).to_bytes(8, "little"))
    for name, column in columns:
        _bytes(hasher, b"c", f"{name}:{column.dtype}".encode())
        try:
            rows = pd.util.hash_pandas_object(column, index=False).to_numpy()
        except TypeError:  # cells pandas cannot hash (the lists of a tracing table): by repr
            rows = pd.util.hash_pandas_object(column.map(repr), index=False).to_numpy()
        _bytes(hasher, b"h", rows.tobytes())


def _code_version() -> str:
    """A digest of this package's code and data files and of the libraries that shape results."""
    package = Path(__file__).parent
    files = sorted(
        p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".txt", ".json")
    )
    libraries = ("numpy", "pandas", "scipy", "scikit-learn", "spacy")  # read without importing
    versions = {name: importlib.metadata.version(name) for name in libraries}
    return digest(*(p.read_bytes() for p in files), versions)


CODE_VERSION = _code_version()


# --- the key of a run ---------------------------------------------------------------------------

# Files named by the settings whose content shapes a stage's result. The curation file is not one:
# it is applied after the theme model is fitted, and what it changes reaches the later stages
# through the theme columns they are keyed with.
_FILES_READ = {"nlp": "stopwords_file", "expressions": "domain_file", "functions": "labelled_file"}
# Settings that change how a stage runs, never what it gives
_HOW_TO_RUN = {"nlp": ("batch_size", "n_process", "n_process_min_words")}


@dataclasses.dataclass(frozen=True)
class RunKey:
    """What a run's results depend on, hashed once and passed along the stages.

    Attributes
    ----------
    corpus
        Digest of the segments table (corpus texts, metadata and segmentation).
    texts
        Digest of its ``text`` column alone (what the parse reads).
    settings
        Digest of each settings section, with the content of the files it names.
    code
        :data:`CODE_VERSION`.
    """

    corpus: str
    texts: str
    settings: Mapping[str, str]
    code: str = CODE_VERSION

    @classmethod
    def of(cls, segments: pd.DataFrame, config: AnalysisConfig) -> RunKey:
        """The key of a run on these segments (``split_documents``' table) with ``config``."""
        schema.require_columns(segments, schema.TEXT, table="segments")
        settings = {}
        for field in dataclasses.fields(config):
            section = getattr(config, field.name)
            if dataclasses.is_dataclass(section):
                settings[field.name] = _section_digest(field.name, section, config)
        return cls(corpus=digest(segments), texts=digest(segments[schema.TEXT]), settings=settings)

    def key(self, stage: str, *sections: str, parts: tuple[Any, ...] = ()) -> str:
        """The key of a stage's result: the run, the ``sections`` it reads and its ``parts``
        (what it gets from an earlier stage: a parse key, theme columns, a number of themes).

        Raises
        ------
        KeyError
            On a section the configuration does not have.
        """
        return digest(self.code, self.corpus, stage, [self.settings[s] for s in sections], parts)


def _section_digest(name: str, section: Any, config: AnalysisConfig) -> str:
    values = dataclasses.asdict(section)
    for field in _HOW_TO_RUN.get(name, ()):
        values.pop(field, None)
    read = values.get(_FILES_READ.get(name, ""))
    content = b""
    if read is not None and config.resolve(read).is_file():
        content = config.resolve(read).read_bytes()
    return digest(name, values, content)


# --- the store ----------------------------------------------------------------------------------


class Store:
    """A folder of entries, ``<root>/<kind>/<key>/``, each with its files and a manifest.

    Parameters
    ----------
    root
        The cache folder; None: nothing is stored (reads find nothing, writes do nothing).
    keep_entries
        Entries kept of each kind: after a write, the least recently used beyond this number
        are deleted, never the one just written.

    Raises
    ------
    CacheError
        When ``keep_entries`` is below 1.

    Notes
    -----
    Values are pickled: only files written here by this package are read, so do not point
    ``[cache] dir`` at a folder others can write to.
    """

    def __init__(self, root: str | Path | None, *, keep_entries: int = 8) -> None:
        if keep_entries < 1:
            raise CacheError(
                f"[cache] keep_entries = {keep_entries} : gardez au moins 1 entrée du cache "
                "(mettez keep_entries = 1 ou plus dans analysis.toml)."
            )
        self.root = Path(root) if root is not None else None
        self.keep_entries = keep_entries

    @classmethod
    def from_config(cls, config: AnalysisConfig) -> Store:
        """The store of ``[cache]`` (its folder resolved against the configuration's folder)."""
        cache = config.cache
        root = config.resolve(cache.dir) if cache.enabled else None
        return cls(root, keep_entries=cache.keep_entries)

    def folder(self, kind: str, key: str) -> Path | None:
        """Where the entry lives (or would live); None without a cache folder."""
        return None if self.root is None else self.root / kind / key

    def has(self, kind: str, key: str) -> bool:
        """True when the entry exists (not checked: :meth:`open` checks it)."""
        folder = self.folder(kind, key)
        return folder is not None and (folder / MANIFEST).is_file()

    def open(self, kind: str, key: str, *, version: str = CODE_VERSION) -> Path | None:
        """The folder of a sound entry, marked as just used (then ``kind`` is pruned); None when
        it is absent or was written by another ``version``. A corrupt entry is deleted, with a
        :class:`CacheWarning`."""
        folder = self.folder(kind, key)
        if folder is None or not (folder / MANIFEST).is_file():
            return None
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if manifest["store"] != STORE_FORMAT or manifest["version"] != version:
                return None
            _check_files(folder, manifest["files"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            self._discard(folder, error)
            return None
        os.utime(folder / MANIFEST)  # most recently used, for the pruning
        self._prune(folder)
        return folder

    def put(
        self, kind: str, key: str, files: Mapping[str, bytes], *, version: str = CODE_VERSION
    ) -> Path | None:
        """Write an entry's files and manifest atomically, then prune ``kind``; return the
        entry's folder (None without a cache folder)."""
        folder = self.folder(kind, key)
        if folder is None:
            return None
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=folder.parent))
        for name, data in files.items():
            (staging / name).write_bytes(data)
        described = {name: [len(data), file_digest(staging / name)] for name, data in files.items()}
        manifest = {"store": STORE_FORMAT, "version": version, "files": described}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(staging, folder)
        except OSError:  # another process has just written the same entry: keep its copy
            shutil.rmtree(staging, ignore_errors=True)
        self._prune(folder)
        return folder

    def read(self, kind: str, key: str, *, version: str = CODE_VERSION) -> Any | None:
        """The value stored by :meth:`write`, or None (absent, stale, corrupt)."""
        folder = self.open(kind, key, version=version)
        if folder is None:
            return None
        try:
            return pickle.loads((folder / _VALUE).read_bytes())
        except (OSError, pickle.UnpicklingError, AttributeError, ImportError, EOFError):
            return None  # a class this code no longer has: computed again

    def write(self, kind: str, key: str, value: Any, *, version: str = CODE_VERSION) -> None:
        """Store ``value`` (pickled) as the entry ``kind``/``key``."""
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self.put(kind, key, {_VALUE: data}, version=version)

    def _discard(self, folder: Path, error: Exception) -> None:
        warnings.warn(
            f"L'entrée du cache {folder} est abîmée ({error}) : elle est supprimée et sera "
            f"recalculée. Si cela se répète, videz le dossier du cache ({self.root}).",
            CacheWarning,
            stacklevel=3,
        )
        shutil.rmtree(folder, ignore_errors=True)

    def _prune(self, current: Path) -> None:
        """Keep the ``keep_entries`` most recently used entries beside ``current`` (itself
        always); drop folders without a manifest (another layout) and old staging folders."""
        entries = []
        for child in current.parent.iterdir():
            if not child.is_dir() or child == current:
                continue
            manifest = child / MANIFEST
            if child.name.startswith(_STAGING):
                written = _modified(child)
                if written is not None and time.time() - written > _STAGING_MAX_AGE:
                    shutil.rmtree(child, ignore_errors=True)
            elif not manifest.is_file():
                shutil.rmtree(child, ignore_errors=True)
            elif (used := _modified(manifest)) is not None:
                entries.append((used, child.name, child))
        entries.sort(reverse=True)
        for _used, _name, child in entries[self.keep_entries - 1 :]:
            shutil.rmtree(child, ignore_errors=True)


def _modified(path: Path) -> float | None:
    """When ``path`` was last modified; None when it is gone: another process sharing the cache
    (a second notebook, the other core) has just renamed its staging folder or pruned it."""
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return None


def _check_files(folder: Path, files: Mapping[str, list]) -> None:
    """Raise ValueError when a file of the manifest is missing or altered."""
    for name, (size, sha) in sorted(files.items()):
        path = folder / name
        if not path.is_file() or path.stat().st_size != size or file_digest(path) != sha:
            raise ValueError(f"{name} manque ou a été modifié")


def memo(store: Store, kind: str, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, or its result stored under ``kind``/``key``; the warnings it gave are given
    again on every run, stored or not (an analyst reading a second run is told the same)."""
    stored = store.read(kind, key)
    if not isinstance(stored, Computed):
        stored = Computed.of(compute)
        store.write(kind, key, stored)
    return stored.said()


@dataclasses.dataclass(frozen=True)
class Computed:
    """A computed result and the warnings its computation gave."""

    result: Any
    warnings: list[tuple[str, type[Warning], str, int]]

    @classmethod
    def of(cls, compute: Callable[[], Any]) -> Computed:
        """Run ``compute``, keeping the warnings it gives."""
        with warnings.catch_warnings(record=True) as caught:
            result = compute()
        return cls(result, [(str(w.message), w.category, w.filename, w.lineno) for w in caught])

    def said(self) -> Any:
        """The result, its warnings given again."""
        for message, category, filename, lineno in self.warnings:
            warnings.warn_explicit(message, category, filename, lineno)
        return self.result
