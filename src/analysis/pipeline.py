"""The whole analysis in one call: corpus → segments → themes → functions → tracing → fiches.

Notebooks, the command line and the tests all run the same chain through :func:`run`, and
write it through :func:`write`. Each stage lives in its own module; this one only wires them,
times them and keeps what the next stage needs.

Example
-------
>>> from analysis.config import load_config
>>> from analysis import pipeline
>>> results = pipeline.run(load_config("analysis.toml"), progress=False)  # doctest: +SKIP
>>> results.themes[["theme_id", "label"]].head()  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import functools
import json
import pickle
import re
import resource
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from analysis import (
    cities,
    curation,
    export,
    labels,
    plots,
    privacy,
    roles,
    schema,
    summaries,
    themes,
    tracing,
)
from analysis.cache import Computed, RunKey, Store, digest, memo
from analysis.config import AnalysisConfig, TracingConfig, config_from_dict
from analysis.corpus import category_columns, load_corpus_from_config
from analysis.nlp import (
    ParsedSegments,
    load_pipeline,
    parse_key,
    prepare_segments,
    theme_concordance,
)
from analysis.nlp.parse import PARSED, ParsedPart, parse_part, segment_texts
from analysis.nlp.vectors import preload_word_vectors
from analysis.privacy.lexicon import Lexicon
from analysis.privacy.ner import may_name_a_person
from analysis.privacy.people import people_columns
from analysis.privacy.stored import StoredEntities
from analysis.segmentation import split_documents
from analysis.workers import Background, closing_on_error, has_spare_core

RUN_FILE = "run.json"  # the settings of the run that wrote an output folder
STAGES = ("corpus", "nlp", "themes", "functions", "tracing", "fiches")
# the report's figures (figures/<name>.png), each drawn or said absent with the reason
REPORT_FIGURES = (
    "theme-sizes",
    "theme-terms",
    "theme-map",
    "theme-dendrogram",
    "themes-by-concertation",
    "theme-trajectories",
    "obstacle-recurrence",
    "city-specificities",
)


def correspondence_figure(variable: str) -> str:
    """The file stem of a correspondence map: ``afc-city``, ``afc-concertation``, ``afc-period``,
    ``afc-category-name-fr`` (a platform's ``category/name/fr``)."""
    return "afc-" + _variable_stem(variable).replace("_", "-")


def _variable_stem(variable: str) -> str:
    """A variable's name as it can stand in a file or sheet name."""
    return re.sub(r"[^\w-]+", "-", variable.removesuffix("_id")).strip("-")


def category_variables(documents: pd.DataFrame, config: AnalysisConfig) -> list[str]:
    """The documents' categories worth crossing with the themes (a platform's category kept
    with ``--meta-columns``, an IRaMuTeQ variable): :func:`analysis.corpus.category_columns`
    but for columns of people (authors, e-mails), which are never mapped nor shown."""
    people = people_columns(
        documents, add=config.export.people_columns, public=config.export.public_columns
    )
    return [c for c in category_columns(documents) if c not in people]


def _with_categories(config: AnalysisConfig, documents: pd.DataFrame) -> TracingConfig:
    """The ``[tracing]`` settings with the documents' categories added to the maps."""
    variables = list(config.tracing.correspondence)
    variables += [c for c in category_variables(documents, config) if c not in variables]
    return config.replace("tracing", correspondence=variables).tracing


class PipelineError(ValueError):
    """An output folder cannot be re-used (no previous run, or a damaged ``run.json``)."""


class PipelineWarning(UserWarning):
    """Something of the report was left out (a figure that could not be drawn)."""


@dataclasses.dataclass
class StageFigures:
    """Time (seconds) and peak resident memory (MiB, so far) after each stage."""

    seconds: dict[str, float] = dataclasses.field(default_factory=dict)
    peak_mib: dict[str, float] = dataclasses.field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """One row per stage: ``stage``, ``seconds``, ``peak_mib``."""
        return pd.DataFrame(
            {
                "stage": list(self.seconds),
                "seconds": list(self.seconds.values()),
                "peak_mib": [self.peak_mib[s] for s in self.seconds],
            }
        )


@dataclasses.dataclass(frozen=True)
class RunTables(tracing.TracingTables):
    """The tracing tables of a run, and what the theme step adds to the report."""

    keywords: pd.DataFrame
    theme_log: pd.DataFrame
    expressions: pd.DataFrame
    theme_diagnostics: pd.DataFrame | None = None  # only when k was chosen ("auto")
    # correspondence analyses by variable, and why a variable has none
    correspondences: Mapping[str, tracing.Correspondence] = dataclasses.field(default_factory=dict)
    absent_maps: Mapping[str, str] = dataclasses.field(default_factory=dict)
    concordance: pd.DataFrame | None = None  # each theme's keywords in context

    @classmethod
    def of(
        cls,
        traced: tracing.TracingTables,
        theme_run: themes.ThemeRun,
        expressions: pd.DataFrame,
        maps: tuple[dict[str, tracing.Correspondence], dict[str, str]] = ({}, {}),
        concordance: pd.DataFrame | None = None,
    ) -> RunTables:
        """Gather the tables of a run."""
        return cls(
            **traced.named(),
            keywords=theme_run.keywords,
            theme_log=theme_run.log,
            expressions=expressions,
            theme_diagnostics=theme_run.model.diagnostics_,
            correspondences=maps[0],
            absent_maps=maps[1],
            concordance=concordance,
        )

    def named(self) -> dict[str, pd.DataFrame]:
        """Every table by the name it is exported under, in the report's order."""
        named = {name: getattr(self, name) for name in _TRACING_NAMES}
        if self.theme_diagnostics is not None:
            named["theme_diagnostics"] = self.theme_diagnostics
        named |= {
            labels.CORRESPONDENCE_TABLE + _variable_stem(variable): result.table()
            for variable, result in self.correspondences.items()
        }
        if self.concordance is not None:
            named["concordance"] = self.concordance
        return named | {
            "theme_log": self.theme_log,
            "keywords": self.keywords,
            "expressions": self.expressions,
        }


_TRACING_NAMES = [field.name for field in dataclasses.fields(tracing.TracingTables)]


@dataclasses.dataclass
class Results:
    """Everything one run produces; :func:`write` turns it into files.

    Attributes
    ----------
    config
        The settings of the run.
    documents, segments, themes
        The three tables of ARCHITECTURE.md (segments carry lemmas, theme and function).
    expressions
        Multiword expressions found or listed (for the analyst to check).
    parsed
        The parsed segments (spaCy Docs, lazily rebuilt from the cache).
    theme_run
        The theme step's full output (keywords, centroids, memory, decision log, model).
    tables
        The tables of the report besides the three above (:class:`RunTables`): the tracing
        tables, the keywords, the theme log and diagnostics.
    fiches
        One :class:`analysis.summaries.Fiche` per theme.
    figures
        Time and memory of each stage.
    protector
        The name protector fitted on the corpus (spaCy's entities, patterns, recall): it took
        people's names out of the lemmas, and :func:`write` protects the reports with it.
    entities
        spaCy's entities the protector uses, as kept in the store (:func:`write` stores those
        the reports' own texts added).
    """

    config: AnalysisConfig
    documents: pd.DataFrame
    segments: pd.DataFrame
    themes: pd.DataFrame
    expressions: pd.DataFrame
    parsed: ParsedSegments
    theme_run: themes.ThemeRun
    tables: RunTables
    fiches: list[summaries.Fiche]
    figures: StageFigures
    protector: privacy.NameProtector | None = dataclasses.field(default=None, repr=False)
    entities: StoredEntities | None = dataclasses.field(default=None, repr=False)


def _peak_mib() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def _stage(name: str, figures: StageFigures, bar: Any) -> Iterator[None]:
    if bar is not None:
        bar.set_description(f"étape : {name}")
    started = time.perf_counter()
    yield
    figures.seconds[name] = round(time.perf_counter() - started, 3)
    figures.peak_mib[name] = round(_peak_mib(), 1)
    if bar is not None:
        bar.update(1)


def run(
    config: AnalysisConfig,
    *,
    documents: pd.DataFrame | None = None,
    previous: str | Path | None = None,
    progress: bool = True,
    prefetch_entities: bool | Literal["auto"] = False,
) -> Results:
    """Run the whole analysis.

    Parameters
    ----------
    config
        All settings (``config.corpus.path`` is read unless ``documents`` is given).
    documents
        An already loaded documents table (notebooks that filtered the corpus).
    previous
        An output folder of an earlier run: its theme memory keeps theme ids and curated
        names stable. A folder without one is a first run.
    progress
        Show progress bars on the long steps.
    prefetch_entities
        Start spaCy's NER (people's names, taken out of the lemmas and protected in the
        reports) in a second process while the texts are parsed: True always, "auto" only when
        it pays (see :func:`_wants_prefetch`), False never (the NER then runs after the parse).

    Returns
    -------
    Results

    Raises
    ------
    ValueError
        Any user error of a stage (corpus, configuration, curation file...), with a message
        naming the file, column or theme at fault.
    """
    figures = StageFigures()
    prefetch = None
    bar = tqdm(total=len(STAGES), disable=not progress, unit="étape", leave=False)
    with bar, closing_on_error(lambda: prefetch), ExitStack() as stack:
        with _stage("corpus", figures, bar):
            if documents is None:
                documents = load_corpus_from_config(config)
            documents = cities.normalise_cities(documents)
        with _stage("nlp", figures, bar):
            segments = split_documents(documents, config)
            key = RunKey.of(segments, config)  # the corpus is hashed here, once
            store = Store.from_config(config)
            tail = None  # the last segments, parsed on the other core
            if prefetch_entities is True or (
                prefetch_entities == "auto" and _wants_prefetch(segments, config, key, store)
            ):
                texts = privacy.corpus_texts(segments, documents)
                tail = _ParsedBeside.of(segments, texts, config, key, store)
                prefetch = privacy.EntityPrefetch(
                    texts,
                    config.nlp.model,
                    segments=segments,
                    documents=documents,
                    mark=config.export.name_mark,
                    keep=config.export.keep_names,
                    then=tail.job(segments, config) if tail is not None else None,
                )
                if tail is not None:
                    tail.prefetch = prefetch
                # the word vectors of the themes and of the function classifier (read once,
                # and forked with this process): before the parse, whose end waits for the
                # other core's part (about as long as this part and this read)
                preload_word_vectors(_vector_packages(config))
            segments, parsed, expressions = prepare_segments(
                documents, config, progress=progress, segments=segments, run=key, elsewhere=tail
            )
            # people's names never become themes, whatever the export settings
            protector, entities = _fit_protector(
                segments, documents, config, store, parsed, prefetch, run=key
            )
            segments = privacy.without_names(segments, protector)
        beside = _second_core(segments, config)
        if beside:  # the other core runs a second process: one maths thread each
            stack.enter_context(_one_thread_each())
        with _stage("themes", figures, bar):
            # the functions do not depend on the themes: classed meanwhile on the other core
            keys = _ThemeKeys(key, parsed, digest(segments[schema.LEMMAS]))
            classed = Background(
                _functions_of, segments, parsed, config, store, keys, parallel=beside
            )
            with closing_on_error(lambda: classed):
                theme_run = _fit_themes(segments, expressions, config, previous, store, keys)
            # the maps and the concordance read the themes, not the functions nor the tracing
            # tables: made on the other core while the classifier ends and the tables are made
            around = Background(
                _maps_and_concordance,
                theme_run.segments,
                documents,
                theme_run,
                config,
                store,
                key,
                parsed,
                parallel=beside,
            )
            stack.enter_context(closing_on_error(lambda: around))
        with _stage("functions", figures, bar):  # what the themes left to wait for
            traced = _tracing_key(key, parsed, segments, theme_run.segments)
            segments = _with_functions(theme_run.segments, classed.result())
        with _stage("tracing", figures, bar):
            with _said_by_the_loader(documents):
                computed = memo(
                    store,
                    "tracing",
                    traced,
                    lambda: tracing.trace(segments, config.tracing, parallel=beside),
                )
            maps, concordance = around.result()
            tables = RunTables.of(computed, theme_run, expressions, maps, concordance)
        with _stage("fiches", figures, bar):
            fiches = memo(
                store,
                "fiches",
                key.key(
                    "fiches",
                    "summaries",
                    parts=(segments, theme_run.themes, documents, tables.groups, tables.links),
                ),
                lambda: summaries.build_fiches(
                    segments,
                    theme_run.themes,
                    documents=documents,
                    groups=tables.groups,
                    links=tables.links,
                    config=config.summaries,
                    parallel=beside,
                ),
            )
    return Results(
        config=config,
        documents=documents,
        segments=segments,
        themes=theme_run.themes,
        expressions=expressions,
        parsed=parsed,
        theme_run=theme_run,
        tables=tables,
        fiches=fiches,
        figures=figures,
        protector=protector,
        entities=entities,
    )


@contextmanager
def _said_by_the_loader(documents: pd.DataFrame) -> Iterator[None]:
    """Leave out the tracing's warnings about missing dates, and about specificities by city
    when no document has one: the loader's warning ("sans ville ou sans date") named the same
    documents just before, and said how to give them a date or a city."""
    with warnings.catch_warnings():
        if documents[schema.DATE].isna().any():
            warnings.filterwarnings("ignore", category=tracing.MissingDateWarning)
        if not documents[schema.CITY].fillna("").astype(str).str.strip().any():
            warnings.filterwarnings(
                "ignore", "Une seule valeur de « ville »", tracing.SingleConcertationWarning
            )
        yield


def _maps_and_concordance(
    segments: pd.DataFrame,
    documents: pd.DataFrame,
    theme_run: themes.ThemeRun,
    config: AnalysisConfig,
    store: Store,
    key: RunKey,
    parsed: ParsedSegments,
) -> tuple[tuple[dict[str, tracing.Correspondence], dict[str, str]], pd.DataFrame]:
    """The correspondence maps of the themes (and why a variable has none), and each theme's
    keywords in context (read from the store when the segments, their parse and the keywords
    are those of a run before)."""
    maps = tracing.correspondences(
        segments, documents, theme_run.keywords, _with_categories(config, documents)
    )
    terms = themes.terms_by_theme(theme_run.keywords)
    concordance = memo(
        store,
        "concordance",
        key.key("concordance", parts=(parsed.key, segments, terms)),
        lambda: theme_concordance(segments, terms, parsed=parsed),
    )
    return maps, concordance


def _second_core(segments: pd.DataFrame, config: AnalysisConfig) -> bool:
    """True when independent steps run on two cores: this machine has another core and the
    corpus is large enough for a second process to pay (``[nlp] n_process_min_words``)."""
    return has_spare_core() and int(segments[schema.N_WORDS].sum()) >= (
        config.nlp.n_process_min_words
    )


def _one_thread_each() -> threadpool_limits:
    """Limit numpy's and scipy's BLAS, and scikit-learn's OpenMP, to one thread while a second
    process works on the other core: two threads would wait for a busy core. A norm or product
    of a vector of 50,000 terms took milliseconds instead of microseconds (tracing, theme
    fitting)."""
    return threadpool_limits(limits=1)


def _wants_prefetch(
    segments: pd.DataFrame, config: AnalysisConfig, key: RunKey, store: Store
) -> bool:
    """True when running the NER beside the parse saves time: spaCy itself runs in one
    process on a machine with another core, the corpus is large enough for a second process to
    pay (``[nlp] n_process_min_words``), and the entities of this corpus are not already
    stored."""
    if config.nlp.n_process > 1:
        return False
    if not _second_core(segments, config):
        return False
    parsed = parse_key(key.texts, load_pipeline(config.nlp.model))
    return not StoredEntities.held(store, parsed, privacy.load_ner(config.nlp.model))


# what the second process spends per character, against the parse: spaCy's entity
# recogniser on a text that may hold a name, and the fit of the name protector on any
# (measured on 500,000 words of real text, benchmarks/bench_real_vocabulary.py). The share
# is the balanced one: this process also reads the word vectors before its parse, so the
# other ends first there by 0.4 s (1.3 s at four fifths of the share, tried before)
_NER_COST, _FIT_COST = 1.0, 0.08


@dataclasses.dataclass
class _ParsedBeside:
    """The corpus's last segments, parsed by the second process once it has found the names
    and fitted the protector (:class:`analysis.nlp.parse.ParsedElsewhere`): as many as
    leave both processes about as long at work, from segment ``start`` on."""

    start: int
    prefetch: privacy.EntityPrefetch | None = None

    @classmethod
    def of(
        cls,
        segments: pd.DataFrame,
        texts: list[str],
        config: AnalysisConfig,
        key: RunKey,
        store: Store,
    ) -> _ParsedBeside | None:
        """None when the parse is stored (nothing to parse) or the other process has no
        time to spare."""
        nlp = load_pipeline(config.nlp.model)
        if store.has(PARSED, parse_key(key.texts, nlp)):
            return None
        lexicon = Lexicon(privacy.load_ner(config.nlp.model))
        read = sum(len(t) for t in texts if may_name_a_person(t, lexicon))
        lengths = np.fromiter(map(len, segment_texts(segments)), dtype=np.int64)
        total = int(lengths.sum())
        spare = (total * (1 - _FIT_COST) - _NER_COST * read) / 2
        # the first segment of the tail whose characters stay within the spare time
        after = np.cumsum(lengths[::-1])[::-1]  # characters from each segment to the end
        start = int(np.searchsorted(-after, -spare, side="left"))
        return cls(start) if spare > 0 and start < len(lengths) else None

    def job(self, segments: pd.DataFrame, config: AnalysisConfig) -> Callable[[], ParsedPart]:
        """What the other process calls: the parse of the segments from ``start`` on."""
        tail = segment_texts(segments)[self.start :].tolist()
        nlp = load_pipeline(config.nlp.model)
        return functools.partial(parse_part, tail, nlp, config.nlp.batch_size)

    def part(self) -> ParsedPart | None:
        return self.prefetch.then_result() if self.prefetch is not None else None


def _fit_protector(
    segments: pd.DataFrame,
    documents: pd.DataFrame,
    config: AnalysisConfig,
    store: Store,
    parsed: ParsedSegments,
    prefetch: privacy.EntityPrefetch | None,
    *,
    run: RunKey | None = None,
) -> tuple[privacy.NameProtector, StoredEntities]:
    """The name protector of the corpus; spaCy's entities are read from the store (or from
    the second process that found them beside the parse) and stored for the next run. With
    the ``run``'s key, the fitted protector is stored too: a second run on the same texts
    reads it (fitting reads every text again, a tenth of a warm run)."""
    ner = privacy.load_ner(config.nlp.model)
    entities = StoredEntities.read(store, parsed.key, ner)
    texts = privacy.corpus_texts(segments, documents)
    fitted = None
    if prefetch is not None:  # what the store holds wins
        if not entities.cache and prefetch.texts == texts:  # fitted on these texts alone
            fitted = prefetch.protector()
        entities.cache = {**prefetch.result(), **entities.cache}

    def fit() -> privacy.NameProtector:
        if fitted is not None:
            return fitted
        return privacy.fit_protector(
            segments,
            documents,
            ner,
            mark=config.export.name_mark,
            keep=config.export.keep_names,
            entity_cache=entities.cache,
        )

    if run is None:
        protector = fit()
    else:
        # what fit_protector reads: the texts, the cities (never names), the NER model
        cities = [table[schema.CITY] for table in (segments, documents) if schema.CITY in table]
        model = (ner.meta["name"], ner.meta["version"])
        parts = (parsed.key, texts, cities, model)
        protector = memo(store, "protector", run.key("protector", "export", parts=parts), fit)
        protector.attach(ner, entities.cache)
    entities.save()
    return protector, entities


def _vector_packages(config: AnalysisConfig) -> list[str]:
    """The packages of word vectors the run's themes and function classifier will read."""
    wanted = []
    if config.themes.vector_weight > 0:
        wanted.append(config.themes.word_vectors)
    if config.functions.method != "cues" and config.functions.vector_weight > 0:
        wanted.append(config.functions.word_vectors)
    return wanted


# The settings sections that shape the lemmas (with the parse, which covers spaCy's model)
_LEMMA_SECTIONS = ("nlp", "expressions")


@dataclasses.dataclass(frozen=True)
class _ThemeKeys:
    """The store keys of the theme step: the run, the parse it reads, the lemmas the model
    sees (people's names taken out) and its settings."""

    run: RunKey
    parsed: ParsedSegments
    lemmas: str  # digest of the lemmas column

    def search(self) -> str:
        """The search for k (it does not depend on the previous run)."""
        parts = (self.parsed.key, self.lemmas)
        return self.run.key("k-search", *_LEMMA_SECTIONS, "themes", parts=parts)

    def model(self, n_themes: int | None) -> str:
        """The fitted model, by the number of themes it has (None: too few segments to search)."""
        parts = (self.parsed.key, self.lemmas, n_themes)
        return self.run.key("themes", *_LEMMA_SECTIONS, "themes", parts=parts)


def _tracing_key(
    run: RunKey, parsed: ParsedSegments, lemmatised: pd.DataFrame, themed: pd.DataFrame
) -> str:
    """The store key of the tracing tables. They read the corpus, its lemmas and functions
    (shaped by the run's settings) and the theme columns, whatever made them (the model, last
    run's memory, a curation): those columns are hashed, not the settings that made them."""
    theme_columns = [c for c in themed.columns if c not in lemmatised.columns]
    sections = (*_LEMMA_SECTIONS, "functions", "tracing")
    parts = (parsed.key, lemmatised[schema.LEMMAS], themed[theme_columns])
    return run.key("tracing", *sections, parts=parts)


def _fit_themes(
    segments: pd.DataFrame,
    expressions: pd.DataFrame,
    config: AnalysisConfig,
    previous: str | Path | None,
    store: Store,
    keys: _ThemeKeys,
) -> themes.ThemeRun:
    """The theme step; the fitted model is stored for the same corpus, lemmas, settings and
    number of themes (a re-run after a curation fits nothing)."""
    memory_file = Path(previous) / curation.MEMORY_FILE if previous is not None else None
    memory = (
        curation.ThemeMemory.load(memory_file)
        if memory_file is not None and memory_file.is_file()
        else None
    )
    # last run's number of themes only matters when k is searched ("auto")
    searched = config.themes.n_themes == "auto"
    prefer = len(memory.base_themes()) if memory is not None and searched else None
    # the search for k does not depend on the previous run: kept apart, a second run with
    # last run's k preferred only fits that k
    known = store.read("k-search", keys.search())

    def fit() -> themes.ThemeModel:
        model = themes.ThemeModel.from_config(config.themes)
        model.fit(segments, prefer_n_themes=prefer, diagnostics=known, expressions=expressions)
        if model.diagnostics_ is not None and known is None:
            store.write("k-search", keys.search(), model.diagnostics_)
        return model

    # The model is stored under the number of themes it has, whichever run chose it: a second
    # run that keeps last run's k (prefer) reads the first run's model
    if searched and known is None:  # k is unknown until the search: search and fit at once
        computed = Computed.of(fit)
        diagnostics = computed.result.diagnostics_  # None: too few segments to search k
        final_k = themes.chosen_k(diagnostics) if diagnostics is not None else None
        store.write("themes", keys.model(final_k), computed)
        model = computed.said()
    else:
        choice = themes.choose_k(known, prefer) if searched else None
        final_k = themes.chosen_k(choice) if searched else config.themes.n_themes
        model = memo(store, "themes", keys.model(final_k), fit)
        if searched:  # the marks of this run's choice, whichever run stored the model
            model.diagnostics_ = choice
    return themes.run_themes(
        segments,
        model,
        curation=config.resolve(config.themes.curation_file),
        previous=memory,
        match_threshold=config.themes.match_threshold,
    )


_FUNCTION_COLUMNS = list(schema.FUNCTION_COLUMNS)


def _functions_of(
    segments: pd.DataFrame,
    parsed: ParsedSegments,
    config: AnalysisConfig,
    store: Store,
    keys: _ThemeKeys,
) -> pd.DataFrame:
    """``segment_id`` and the function columns of :func:`analysis.roles.classify_functions`
    (what the other core sends back), read from the store when the corpus, its parse, its
    lemmas and the ``[functions]`` settings (with the corrections file) are those of a run
    before."""

    def classify() -> pd.DataFrame:
        classed = roles.classify_functions(segments, parsed, config=_functions_config(config))
        return classed[[schema.SEGMENT_ID, *_FUNCTION_COLUMNS]]

    sections = (*_LEMMA_SECTIONS, "functions")
    key = keys.run.key("functions", *sections, parts=(parsed.key, keys.lemmas))
    return memo(store, "functions", key, classify)


def _with_functions(segments: pd.DataFrame, classed: pd.DataFrame) -> pd.DataFrame:
    """``segments`` with the function columns of :func:`_functions_of`, by ``segment_id``."""
    indexed = classed.set_index(schema.SEGMENT_ID)
    return segments.assign(
        **{c: segments[schema.SEGMENT_ID].map(indexed[c]) for c in _FUNCTION_COLUMNS}
    )


def _functions_config(config: AnalysisConfig) -> Any:
    labelled = config.functions.labelled_file
    if labelled is None:
        return config.functions
    return dataclasses.replace(config.functions, labelled_file=str(config.resolve(labelled)))


@dataclasses.dataclass
class ReportFigures:
    """The report's figures: those drawn (matplotlib figures, or their PNG bytes), and those
    left out with the reason (French)."""

    drawn: dict[str, Figure | bytes] = dataclasses.field(default_factory=dict)
    absent: dict[str, str] = dataclasses.field(default_factory=dict)

    def close(self) -> None:
        """Free the drawn figures (pyplot keeps every figure until it is closed)."""
        for figure in self.drawn.values():
            if isinstance(figure, Figure):
                plt.close(figure)


def make_figures(results: Results, *, dpi: int | None = None) -> ReportFigures:
    """The report's figures, by file name (without extension).

    A figure whose data show nothing (one theme, no date, one city...) is not drawn: it is
    listed in ``absent`` with the reason, which the report prints in its place. A figure that
    fails for another reason is left out the same way, with a warning.

    With ``dpi``, each figure is rendered as PNG bytes (and closed) as soon as it is drawn.
    """
    makers: dict[str, Callable[[], Any]] = {
        "theme-sizes": lambda: plots.plot_theme_sizes(results.themes),
        "theme-terms": lambda: plots.plot_themes_top_terms(results.theme_run),
        "theme-map": lambda: plots.plot_theme_map(results.theme_run),
        "theme-dendrogram": lambda: plots.plot_theme_dendrogram(results.theme_run),
        "themes-by-concertation": lambda: plots.plot_theme_heatmap(
            results.tables.themes_by_concertation
        ),
        "theme-trajectories": lambda: plots.plot_theme_trajectories(
            results.tables.themes_by_period
        ),
        "obstacle-recurrence": lambda: plots.plot_obstacle_recurrence(results.tables.obstacles),
        "city-specificities": lambda: plots.plot_specificities(results.tables.specificities),
    }
    figures = ReportFigures()
    for variable, result in results.tables.correspondences.items():
        makers[correspondence_figure(variable)] = lambda r=result: plots.plot_correspondence(r)
    names = [*REPORT_FIGURES, *(correspondence_figure(v) for v in results.tables.correspondences)]
    graphs = _similitude_graphs(results)
    for theme, graph in graphs.items():
        makers[f"similitude-{theme}"] = lambda g=graph: plots.plot_similitude(g)
    names += [f"similitude-{theme}" for theme in graphs]
    for variable, reason in results.tables.absent_maps.items():
        figures.absent[correspondence_figure(variable)] = reason
    for name in names:
        figure, reason = _draw(name, makers[name], dpi)
        if reason is None:
            figures.drawn[name] = figure
        else:
            figures.absent[name] = reason
    return figures


def _draw(
    name: str, maker: Callable[[], Any], dpi: int | None
) -> tuple[Figure | bytes | None, str | None]:
    """One figure of :func:`make_figures` (its PNG bytes with ``dpi``), or None and the reason
    it was left out."""
    try:
        ax = maker()
    except plots.NothingToPlot as reason:
        return None, str(reason)
    except (ValueError, KeyError) as error:
        warnings.warn(f"figure « {name} » laissée de côté : {error}", PipelineWarning, stacklevel=3)
        return None, f"la figure n'a pas pu être tracée ({error})."
    if isinstance(ax, list | tuple):
        ax = ax[0]
    figure = ax.figure if hasattr(ax, "figure") else ax
    if dpi is None:
        return figure, None
    try:
        return export.figure_png(figure, dpi=dpi), None
    finally:
        plt.close(figure)


def _similitude_graphs(results: Results) -> dict[int, Any]:
    """The similitude graph of each theme (none for a run without themes or keywords)."""
    if results.themes is None or results.theme_run is None or results.themes.empty:
        return {}
    keywords = results.tables.keywords
    return themes.similitude.theme_graphs(results.segments, results.themes, keywords)


def write(results: Results, out_dir: str | Path) -> dict[str, Path]:
    """Write every report of ``results`` into ``out_dir`` (through :mod:`analysis.export`).

    Besides the reports, the folder keeps what the next run needs: the theme memory (stable
    ids and curated names) and ``run.json`` (the settings, for ``analysis fiches``).

    Returns
    -------
    dict of str to Path
        Every file written, by its path relative to ``out_dir``.
    """
    out = Path(out_dir)
    corpus = Path(results.config.resolve(results.config.corpus.path))
    if out.resolve() == corpus.resolve():
        raise PipelineError(
            f"Le dossier de sortie {out} est le dossier du corpus : le corpus n'est jamais "
            "modifié. Donnez un autre dossier à --out (par exemple un sous-dossier 'rapports')."
        )
    tables = results.tables.named()
    export.check_report(out, _report_input(results, tables, ReportFigures()))
    store = Store.from_config(results.config)
    if store.root is None:
        files = _report_files(results, tables, store)
    else:  # a run whose results did not change writes the reports it stored last time
        key = _report_key(results, tables)
        files = memo(store, _REPORT, key, lambda: _report_files(results, tables, store))
    written = export.write_files(out, files)
    written[curation.MEMORY_FILE] = write_memory(results, out)
    settings = json.dumps(_config_dict(results.config), ensure_ascii=False, indent=2) + "\n"
    written[RUN_FILE] = export.atomic_write(out / RUN_FILE, settings.encode("utf-8"))
    return written


_REPORT = "report"


def _report_input(
    results: Results, tables: dict[str, pd.DataFrame], figures: ReportFigures
) -> export.ReportInput:
    return export.ReportInput(
        documents=results.documents,
        segments=results.segments,
        themes=results.themes,
        fiches=results.fiches,
        tables=tables,
        figures=figures.drawn,
        absent_figures=figures.absent,
        config=results.config.export,
    )


def _report_key(results: Results, tables: dict[str, pd.DataFrame], *, kind: str = _REPORT) -> str:
    """The store key of the rendered reports: everything they are made from, with what the
    figures read of the theme step (not its fitted model: a model fitted or read from the store
    draws the same figures) and the correspondence analyses (pickled: a pickle that differs only
    makes the key miss)."""
    run = results.theme_run
    tfidf = run.tfidf.tocsr()
    return digest(
        kind,
        results.documents,
        results.segments,
        results.themes,
        tables,
        results.fiches,
        results.config,
        dict(results.tables.absent_maps),
        [run.segments, run.themes, run.keywords, run.centroids, run.vocabulary.tolist()],
        [tfidf.data, tfidf.indices, tfidf.indptr, list(tfidf.shape)],
        pickle.dumps(dict(results.tables.correspondences), protocol=4),
    )


_FIGURES = "figures"
_NOT_DRAWN = ("theme_log", "theme_diagnostics")  # tables no figure reads (they change each run)


def _figure_pngs(results: Results, tables: dict[str, pd.DataFrame], store: Store) -> ReportFigures:
    """The report's figures as PNG bytes, drawn (:func:`make_figures`) or read from the store:
    a second run, whose theme log differs, draws the same figures."""

    def draw() -> ReportFigures:
        return make_figures(results, dpi=results.config.export.figure_dpi)

    if store.root is None:
        return draw()
    drawn_from = {name: t for name, t in tables.items() if name not in _NOT_DRAWN}
    key = _report_key(results, drawn_from, kind=_FIGURES)
    return memo(store, _FIGURES, key, draw)


def _report_files(
    results: Results, tables: dict[str, pd.DataFrame], store: Store
) -> dict[str, bytes]:
    """Draw the figures and render every report (names protected), without writing."""
    protector, entities = results.protector, results.entities
    if protector is None and results.config.export.protect_names:  # Results made by hand
        protector, entities = _fit_protector(
            results.segments, results.documents, results.config, store, results.parsed, None
        )
    parallel = _second_core(results.segments, results.config)
    with _one_thread_each() if parallel else nullcontext():  # as in run: a second process
        # the figures are drawn (on the other core, when parallel) while the names are
        # protected, and given to the reports that show them
        drawing = Background(_figure_pngs, results, tables, store, parallel=parallel)
        with closing_on_error(lambda: drawing):
            report = _report_input(results, tables, ReportFigures())
            files = export.report_files(
                report,
                protector=protector,
                parallel=parallel,
                figures_later=lambda: _drawn_and_absent(drawing.result()),
            )
    if entities is not None:  # the entities of the reports' own texts, for next time
        entities.save()
    return files


def _drawn_and_absent(figures: ReportFigures) -> tuple[dict[str, Any], dict[str, str]]:
    return figures.drawn, figures.absent


def write_memory(results: Results, out_dir: str | Path) -> Path:
    """Write the theme memory of ``results`` (numbers, curated names) into ``out_dir``, without
    the reports: a later run given ``out_dir`` as ``previous`` keeps the themes' numbers."""
    return export.atomic_write(
        Path(out_dir) / curation.MEMORY_FILE, results.theme_run.memory.to_json()
    )


def _config_dict(config: AnalysisConfig) -> dict[str, Any]:
    data = dataclasses.asdict(config)
    base_dir = data.pop("base_dir")
    data["corpus"]["path"] = str(config.resolve(config.corpus.path))
    data["cache"]["dir"] = str(config.resolve(config.cache.dir))
    if config.themes.curation_file:
        data["themes"]["curation_file"] = str(Path(base_dir) / config.themes.curation_file)
    return {k: {n: v for n, v in section.items() if v is not None} for k, section in data.items()}


def rerun_from_output(
    out_dir: str | Path,
    *,
    n_themes: int | str | None = None,
    protect_names: bool | None = None,
    progress: bool = True,
    prefetch_entities: bool | Literal["auto"] = False,
) -> Results:
    """Run again with the settings saved in ``out_dir`` (for ``analysis fiches``).

    Parsing comes from the cache, the themes keep their ids through the saved memory, and the
    curation file is applied again: a secretary who renamed or merged themes gets new fiches
    without giving the corpus settings again.

    Parameters
    ----------
    out_dir
        The output folder of an earlier ``analysis report``.
    n_themes, protect_names
        Settings to change from the saved ones (None keeps them).
    progress, prefetch_entities
        As in :func:`run`.

    Raises
    ------
    PipelineError
        When ``out_dir`` holds no earlier run or its ``run.json`` is damaged.
    """
    path = Path(out_dir) / RUN_FILE
    if not path.is_file():
        raise PipelineError(
            f"{out_dir} ne contient pas de rapport précédent ({RUN_FILE} manque) : lancez "
            f"d'abord 'analysis report CORPUS --out {out_dir}'."
        )
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PipelineError(f"{path} est abîmé ({error}) : relancez 'analysis report'.") from None
    config = config_from_dict(saved, source=str(path), base_dir=str(Path(out_dir).resolve()))
    if n_themes is not None:
        config = config.replace("themes", n_themes=n_themes)
    if protect_names is not None:
        config = config.replace("export", protect_names=protect_names)
    return run(config, previous=out_dir, progress=progress, prefetch_entities=prefetch_entities)
