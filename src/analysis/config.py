"""The workbook's settings: one frozen dataclass per pipeline step, loaded from ``analysis.toml``.

Every tunable lives in ``analysis.toml`` at the project root. A key that the dataclasses do not
know is an error naming the key and the file, so that a typo never silently falls back to a
default.

Example
-------
>>> from analysis.config import load_config
>>> config = load_config("analysis.toml")
>>> config.segmentation.unit
'segment'
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Unit = Literal["document", "paragraph", "segment"]
ThemeMethod = Literal["nmf", "reinert", "kmeans"]
FunctionMethod = Literal["cues", "classifier", "combined"]

DEFAULT_CONFIG_FILE = "analysis.toml"


class ConfigError(ValueError):
    """The configuration file is malformed or holds an unknown key or a wrong type."""


@dataclass(frozen=True)
class CorpusConfig:
    """Where the corpus is and how to read tables and files."""

    path: str = "corpus"
    text_column: str | None = None  # tables: column holding the text (guessed when None)
    id_column: str | None = None  # tables: column holding a unique id (row number when None)
    meta_columns: tuple[str, ...] = ()  # tables: extra columns kept as metadata
    encoding: str = "auto"  # "auto" tries UTF-8 then cp1252, warning on the fallback
    annotations: str = "annotations.csv"  # gold labels, relative to the corpus folder


@dataclass(frozen=True)
class SegmentationConfig:
    """How documents are cut into analysis units."""

    unit: Unit = "segment"
    segment_size: int = 40  # target words per segment (IRaMuTeQ's default)
    min_words: int = 3  # shorter units are merged with a neighbour or dropped with a warning


@dataclass(frozen=True)
class NlpConfig:
    """spaCy pipeline and token filtering."""

    model: str = "fr_core_news_sm"
    batch_size: int = 256
    n_process: int = 1
    n_process_min_words: int = 200_000  # n_process is used only above this many words
    keep_pos: tuple[str, ...] = ("NOUN", "PROPN", "ADJ", "VERB")
    min_length: int = 3
    stopwords_file: str | None = None  # domain stop list; None: the packaged data/stopwords.txt
    min_french_ratio: float = 0.15  # share of French stop words below which a text is flagged


@dataclass(frozen=True)
class ExpressionsConfig:
    """Multiword expressions found by collocation statistics, plus a curated list."""

    enabled: bool = True
    min_count: int = 4
    min_llr: float = 10.83  # log-likelihood ratio threshold (p < 0.001)
    min_pmi: float = 3.0
    max_expressions: int = 300
    domain_file: str | None = None  # curated expressions; None: the packaged data/expressions.txt


@dataclass(frozen=True)
class ThemesConfig:
    """Theme model settings."""

    method: ThemeMethod = "nmf"
    n_themes: int | Literal["auto"] = "auto"
    k_min: int = 4
    k_max: int = 16
    random_state: int = 0
    n_init: int = 5
    min_df: int = 2
    max_df: float = 0.5
    n_keywords: int = 10
    unclassified_threshold: float = 0.1
    second_theme_ratio: float = 0.75
    reinert_min_segment_size: int = 40  # words of the 2nd segment size for double classification
    reinert_min_class_size: int = 10
    reinert_min_members: int = 3  # minimum segments in a terminal class
    curation_file: str = "curation.yml"  # relative to the config file


@dataclass(frozen=True)
class FunctionsConfig:
    """Segment function (constat, frein, proposition...)."""

    method: FunctionMethod = "combined"
    labelled_file: str | None = None  # a user's labelled file to retrain on (CSV)
    cue_weight: float = 0.6


@dataclass(frozen=True)
class TracingConfig:
    """Recurrence, canonical obstacles, links and specificities."""

    period: Literal["year", "semester", "quarter"] = "year"
    similarity_threshold: float = 0.3
    link_threshold: float = 0.2
    fading_after: str | None = None  # ISO date; None means the last third of the time span
    alpha: float = 0.05
    min_expected: float = 5.0


@dataclass(frozen=True)
class SummariesConfig:
    """Theme fiches."""

    n_quotes: int = 4
    n_summary_sentences: int = 3
    n_groups: int = 5
    compare_since: str | None = None  # ISO date splitting "before" and "recent"; None: median


@dataclass(frozen=True)
class ExportConfig:
    """Report writing."""

    formats: tuple[str, ...] = ("md", "docx", "xlsx", "csv", "html")
    protect_names: bool = True
    figure_dpi: int = 110


@dataclass(frozen=True)
class CacheConfig:
    """Where parsed documents and matrices are cached."""

    enabled: bool = True
    dir: str = ".cache"


@dataclass(frozen=True)
class AnalysisConfig:
    """All settings of one analysis; ``base_dir`` resolves the relative paths in it."""

    corpus: CorpusConfig = field(default_factory=CorpusConfig)
    segmentation: SegmentationConfig = field(default_factory=SegmentationConfig)
    nlp: NlpConfig = field(default_factory=NlpConfig)
    expressions: ExpressionsConfig = field(default_factory=ExpressionsConfig)
    themes: ThemesConfig = field(default_factory=ThemesConfig)
    functions: FunctionsConfig = field(default_factory=FunctionsConfig)
    tracing: TracingConfig = field(default_factory=TracingConfig)
    summaries: SummariesConfig = field(default_factory=SummariesConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    cache: CacheConfig = field(default_factory=CacheConfig)
    base_dir: str = "."

    def resolve(self, relative: str | Path) -> Path:
        """Return ``relative`` as a path under ``base_dir`` (absolute paths are kept)."""
        path = Path(relative)
        return path if path.is_absolute() else Path(self.base_dir) / path

    def replace(self, section: str, **changes: Any) -> AnalysisConfig:
        """Return a copy with ``changes`` applied to one section, type-checked like the file."""
        current = getattr(self, section)
        values = {**dataclasses.asdict(current), **changes}
        checked = _build_section(type(current), values, f"<{section} override>", section)
        return dataclasses.replace(self, **{section: checked})


def _type_ok(value: Any, annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if annotation is Any:
        return True
    if origin is Literal:
        return value in typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_type_ok(value, arm) for arm in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if origin is tuple:
        (item_type, _ellipsis) = typing.get_args(annotation)
        return isinstance(value, list | tuple) and all(_type_ok(v, item_type) for v in value)
    if annotation is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, annotation)


def _build_section(cls: type, values: dict[str, Any], source: str, section: str) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in values.items():
        if key not in known:
            guess = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f" Did you mean '{guess[0]}'?" if guess else ""
            raise ConfigError(
                f"{source}: unknown key '{key}' in section [{section}].{hint} "
                f"Known keys: {', '.join(sorted(known))}."
            )
        if not _type_ok(value, hints[key]):
            raise ConfigError(
                f"{source}: [{section}] {key} = {value!r} has the wrong type; expected "
                f"{_describe(hints[key])}."
            )
        kwargs[key] = tuple(value) if isinstance(value, list) else value
    return cls(**kwargs)


def _describe(annotation: Any) -> str:
    if typing.get_origin(annotation) is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(annotation))
    return str(annotation).replace("typing.", "")


def config_from_dict(data: dict[str, Any], *, source: str = "<dict>", base_dir: str = ".") -> AnalysisConfig:
    """Build an :class:`AnalysisConfig` from nested dicts shaped like ``analysis.toml``.

    Raises
    ------
    ConfigError
        On an unknown section or key, or a value of the wrong type; the message names both.
    """
    sections = {f.name: f for f in dataclasses.fields(AnalysisConfig) if f.name != "base_dir"}
    kwargs: dict[str, Any] = {}
    for name, values in data.items():
        if name not in sections:
            guess = difflib.get_close_matches(name, sorted(sections), n=1)
            hint = f" Did you mean [{guess[0]}]?" if guess else ""
            raise ConfigError(
                f"{source}: unknown section [{name}].{hint} "
                f"Known sections: {', '.join(sorted(sections))}."
            )
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: '{name}' must be a [section], not a single value.")
        section_type = sections[name].default_factory  # type: ignore[misc]
        kwargs[name] = _build_section(section_type, values, source, name)
    return AnalysisConfig(**kwargs, base_dir=base_dir)


def load_config(path: str | Path | None = None) -> AnalysisConfig:
    """Load settings from a TOML file; ``None`` gives the defaults.

    Parameters
    ----------
    path
        A TOML file shaped like the project's ``analysis.toml``.

    Returns
    -------
    AnalysisConfig
        Relative paths in it are resolved against the file's folder.

    Raises
    ------
    ConfigError
        When the file is missing, is not valid TOML, or holds an unknown key or a wrong type.
    """
    if path is None:
        return AnalysisConfig()
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"Configuration file not found: {path}. Copy the project's analysis.toml.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not a valid TOML file ({error}).") from error
    return config_from_dict(data, source=str(path), base_dir=str(path.parent.resolve()))
