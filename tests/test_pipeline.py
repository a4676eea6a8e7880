"""The whole chain of analysis.pipeline on part of the sample corpus: what a re-run reuses."""

from __future__ import annotations

import multiprocessing
import os
import warnings
from pathlib import Path

import pytest

from analysis import pipeline, privacy, roles, schema, summaries, themes, tracing
from analysis.cache import RunKey, Store
from analysis.config import load_config
from analysis.corpus import load_corpus
from analysis.nlp import parse as nlp_parse
from analysis.nlp import prepare_segments
from analysis.privacy import ner as privacy_ner
from analysis.privacy.lexicon import Lexicon
from analysis.privacy.ner import may_name_a_person
from analysis.roles import cues as role_cues
from analysis.roles import training as role_training
from analysis.segmentation import split_documents
from analysis.workers import has_spare_core

CONCERTATIONS = ["C09-bordeaux-2024", "C10-grenoble-2024", "C11-nantes-2025"]


@pytest.fixture(scope="module")
def documents(corpus_dir: Path):
    loaded = load_corpus(corpus_dir)
    return loaded[loaded[schema.CONCERTATION_ID].isin(CONCERTATIONS)].reset_index(drop=True)


def _config(cache: Path):
    config = load_config(Path(__file__).parents[1] / "analysis.toml")
    return config.replace("cache", dir=str(cache)).replace("themes", n_themes=4)


def _run(documents, cache: Path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pipeline.run(_config(cache), documents=documents, progress=False, **options)


def _entries(cache: Path, kind: str) -> list[Path]:
    """The entries of one kind in the store of ``cache``."""
    return [p for folder in cache.glob(kind) for p in folder.iterdir()]


def test_a_warm_run_computes_nothing_again(documents, tmp_path: Path, monkeypatch) -> None:
    assert set(documents[schema.CONCERTATION_ID]) == set(CONCERTATIONS)
    first = _run(documents, tmp_path / "cache")
    written = pipeline.write(first, tmp_path / "first")
    cache = tmp_path / "cache"
    kinds = ("parsed", "cues*", "entities", "protector", "themes", "functions", "tracing")
    for kind in (*kinds, "concordance", "fiches"):
        assert len(_entries(cache, kind)) == 1, kind
    report = (tmp_path / "first" / "protection-noms.csv").read_text(encoding="utf-8")
    assert "Harambure" not in report and report.count("[personne]") >= 5

    def forbidden(*args, **kwargs):
        raise AssertionError("computed again although the cache holds the result")

    monkeypatch.setattr(nlp_parse, "_parse", forbidden)
    monkeypatch.setattr(role_cues, "find_cues_in", forbidden)
    monkeypatch.setattr(privacy_ner, "_parse", forbidden)
    monkeypatch.setattr(privacy, "fit_protector", forbidden)
    monkeypatch.setattr(pipeline, "theme_concordance", forbidden)
    monkeypatch.setattr(summaries, "build_fiches", forbidden)
    monkeypatch.setattr(tracing, "trace", forbidden)  # same segments, same settings: read back
    monkeypatch.setattr(themes.ThemeModel, "fit", forbidden)
    monkeypatch.setattr(roles, "classify_functions", forbidden)
    monkeypatch.setattr(pipeline, "make_figures", forbidden)  # the same reports: read back
    second = _run(documents, tmp_path / "cache")
    again = pipeline.write(second, tmp_path / "second")
    assert sorted(again) == sorted(written)
    for name in (
        "segments.csv",
        "protection-noms.csv",
        "fiches.docx",
        "fiches.xlsx",
        "report.html",
    ):
        assert (tmp_path / "second" / name).read_bytes() == written[name].read_bytes(), name


def test_a_correction_written_after_a_run_is_used_by_the_next(documents, tmp_path: Path) -> None:
    first = _run(documents, tmp_path / "cache")
    segments = first.segments
    proposal = segments[segments[schema.FUNCTION] == schema.PROPOSITION].iloc[0]
    corrections = tmp_path / "corrections.csv"
    corrections.write_text(f"segment_id,function\n{proposal[schema.SEGMENT_ID]},frein\n", "utf-8")
    config = first.config.replace("functions", labelled_file=str(corrections))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        second = pipeline.run(config, documents=documents, progress=False)
    corrected = second.segments.set_index(schema.SEGMENT_ID).loc[proposal[schema.SEGMENT_ID]]
    assert corrected[schema.FUNCTION] == schema.FREIN
    assert corrected[schema.FUNCTION_SCORE] == 1.0
    assert len(_entries(tmp_path / "cache", "functions")) == 2
    # the file changes again: the stored functions of the first correction are not read back
    corrections.write_text(f"segment_id,function\n{proposal[schema.SEGMENT_ID]},autre\n", "utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        third = pipeline.run(config, documents=documents, progress=False)
    again = third.segments.set_index(schema.SEGMENT_ID).loc[proposal[schema.SEGMENT_ID]]
    assert again[schema.FUNCTION] == schema.AUTRE


def test_stored_tracing_tables_are_only_read_for_the_same_inputs(
    documents, tmp_path: Path, monkeypatch
) -> None:
    first = _run(documents, tmp_path / "cache")
    calls = []
    original = tracing.trace

    def counted(segments, settings, **options):
        calls.append(settings.similarity_threshold)
        return original(segments, settings, **options)

    monkeypatch.setattr(tracing, "trace", counted)
    config = first.config.replace("tracing", similarity_threshold=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        changed = pipeline.run(config, documents=documents, progress=False)
    assert calls == [0.3]  # a new setting: computed, not read
    assert not changed.tables.obstacles.equals(first.tables.obstacles)
    assert len(_entries(tmp_path / "cache", "tracing")) == 2  # one per distinct input
    # other theme columns (last run's memory, a curation): another key, whatever made them
    run = RunKey.of(split_documents(documents, first.config), first.config)
    themed = first.theme_run.segments
    lemmatised = themed.drop(columns=[schema.THEME_ID, schema.THEME_LABEL])
    key = pipeline._tracing_key(run, first.parsed, lemmatised, themed)
    assert pipeline._tracing_key(run, first.parsed, lemmatised, themed.copy()) == key
    renamed = themed.assign(**{schema.THEME_LABEL: "thème renommé"})
    assert pipeline._tracing_key(run, first.parsed, lemmatised, renamed) != key


def test_entities_and_protector_found_beside_the_parse_give_the_same_reports(
    documents, tmp_path: Path, monkeypatch
) -> None:
    alone = _run(documents, tmp_path / "alone")
    expected = pipeline.write(alone, tmp_path / "expected")

    parsed_here: list[str] = []
    original = privacy_ner._parse

    def recorded(texts, nlp, batch_size):
        parsed_here.extend(texts)  # in this process only: the other one has its own list
        return original(texts, nlp, batch_size)

    fitted_here = []
    fit = privacy.fit_protector

    def fit_recorded(*args, **kwargs):
        fitted_here.append(True)
        return fit(*args, **kwargs)

    tails = []
    of = pipeline._ParsedBeside.of

    def of_recorded(*args, **kwargs):
        tails.append(of(*args, **kwargs))
        return tails[-1]

    monkeypatch.setattr(privacy_ner, "_parse", recorded)
    monkeypatch.setattr(privacy, "fit_protector", fit_recorded)
    monkeypatch.setattr(pipeline._ParsedBeside, "of", of_recorded)
    beside = _run(documents, tmp_path / "beside", prefetch_entities=True)
    # the last segments were parsed there too, once the names were found
    assert 0 < tails[0].start < len(beside.segments)
    # the corpus texts came from the other process: none was parsed for entities here, and
    # the protector was fitted there
    corpus_texts = set(privacy.corpus_texts(beside.segments, beside.documents))
    assert corpus_texts and not corpus_texts & set(parsed_here)
    assert not fitted_here
    written = pipeline.write(beside, tmp_path / "written")
    assert parsed_here  # the reports' own texts (labels, quotes) were
    assert sorted(written) == sorted(expected)
    for name in ("segments.csv", "protection-noms.csv", "fiches.docx", "report.html"):
        assert written[name].read_bytes() == expected[name].read_bytes(), name
    report = (tmp_path / "written" / "protection-noms.csv").read_text(encoding="utf-8")
    assert report.count("[personne]") >= 5
    assert _entries(tmp_path / "beside", "entities")  # kept for the next run, as without prefetch


def test_the_other_core_parses_no_more_than_its_spare_time(real_dir: Path, tmp_path: Path) -> None:
    """On the real Decidim export: the segments left to the second process hold no more than
    half the characters its entity recogniser leaves unread, and some; none once the parse is
    stored (a second run parses nothing)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(
            real_dir / "lille-propositions-decidim.csv", text_column="body", id_column="id"
        )
    config = _config(tmp_path / "cache")
    segments = split_documents(documents, config)
    texts = privacy.corpus_texts(segments, documents)
    key, store = RunKey.of(segments, config), Store.from_config(config)
    tail = pipeline._ParsedBeside.of(segments, texts, config, key, store)
    assert tail is not None
    lexicon = Lexicon(privacy.load_ner())
    unread = sum(len(t) for t in texts if not may_name_a_person(t, lexicon))
    tail_chars = segments[schema.TEXT].iloc[tail.start :].str.len().sum()
    assert 0 < tail_chars <= unread / 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prepare_segments(documents, config, progress=False, segments=segments, run=key)
    assert pipeline._ParsedBeside.of(segments, texts, config, key, store) is None


def test_the_prefetch_starts_only_when_it_pays(documents, tmp_path: Path, monkeypatch) -> None:
    config = _config(tmp_path / "cache").replace("nlp", n_process_min_words=1)
    segments = split_documents(documents, config)

    def wants(config) -> bool:
        store = Store.from_config(config)
        return pipeline._wants_prefetch(segments, config, RunKey.of(segments, config), store)

    monkeypatch.setattr(pipeline, "has_spare_core", lambda: True)
    assert wants(config)
    # names never become themes: their entities are found even when the reports keep names
    assert wants(config.replace("export", protect_names=False))
    assert not wants(config.replace("nlp", n_process=2))
    assert not wants(_config(tmp_path / "cache"))  # a small corpus
    monkeypatch.setattr(pipeline, "has_spare_core", lambda: False)
    assert not wants(config)
    monkeypatch.setattr(pipeline, "has_spare_core", lambda: True)
    _run(documents, tmp_path / "cache")  # the run stores the entities
    assert not wants(config)


def test_a_failed_stage_stops_the_prefetch(documents, tmp_path: Path, monkeypatch) -> None:
    started = []
    original = privacy.EntityPrefetch

    def recorded(*args, **kwargs):
        started.append(original(*args, **kwargs))
        return started[-1]

    def broken(*args, **kwargs):
        raise ValueError("a curation file names an unknown theme")

    monkeypatch.setattr(privacy, "EntityPrefetch", recorded)
    monkeypatch.setattr(pipeline, "_fit_themes", broken)
    with pytest.raises(ValueError, match="unknown theme"):
        _run(documents, tmp_path / "cache", prefetch_entities=True)
    assert len(started) == 1
    assert not multiprocessing.active_children()  # stopped: nothing left running
    assert isinstance(started[0].result(), dict)  # what came before the stop, or nothing


def test_a_fixed_number_of_themes_is_not_fitted_again_after_a_first_report(
    documents, tmp_path: Path, monkeypatch
) -> None:
    first = _run(documents, tmp_path / "cache")  # n_themes = 4: no search for k
    pipeline.write(first, tmp_path / "out")

    def forbidden(*args, **kwargs):
        raise AssertionError("the theme model was fitted again")

    monkeypatch.setattr(themes.ThemeModel, "fit", forbidden)
    again = _run(documents, tmp_path / "cache", previous=tmp_path / "out")
    assert again.themes["label"].tolist() == first.themes["label"].tolist()


def test_a_second_run_that_keeps_last_runs_k_reads_the_first_runs_theme_model(
    documents, tmp_path: Path, monkeypatch
) -> None:
    def run(**options):
        config = _config(tmp_path / "cache").replace("themes", n_themes="auto", k_max=6)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pipeline.run(config, documents=documents, progress=False, **options)

    first = run()
    pipeline.write(first, tmp_path / "out")
    k = themes.chosen_k(first.theme_run.model.diagnostics_)
    assert not first.theme_run.model.diagnostics_[themes.PREVIOUS].any()

    def forbidden(*args, **kwargs):
        raise AssertionError("the theme model was fitted again")

    monkeypatch.setattr(themes.ThemeModel, "fit", forbidden)
    again = run(previous=tmp_path / "out")  # prefers last run's k: the same model
    assert again.themes["label"].tolist() == first.themes["label"].tolist()
    diagnostics = again.theme_run.model.diagnostics_
    # this run's marks, not those of the run that stored the model
    assert diagnostics.loc[diagnostics[themes.PREVIOUS], themes.K].tolist() == [k]
    assert themes.chosen_k(diagnostics) == k


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform"
)
def test_steps_run_on_the_other_core_give_the_same_results(
    documents, tmp_path: Path, monkeypatch
) -> None:
    alone = _run(documents, tmp_path / "alone")  # a small corpus: one process
    assert not pipeline._second_core(alone.segments, alone.config)

    where = tmp_path / "classed-in.txt"
    original = roles.classify_functions

    def recorded(*args, **kwargs):
        where.write_text(str(multiprocessing.current_process().pid or 0))
        return original(*args, **kwargs)

    monkeypatch.setattr(roles, "classify_functions", recorded)
    monkeypatch.setattr(pipeline, "has_spare_core", lambda: True)
    config = _config(tmp_path / "beside").replace("nlp", n_process_min_words=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        beside = pipeline.run(config, documents=documents, progress=False)
    assert int(where.read_text()) not in (0, os.getpid())  # classed in another process
    assert beside.segments.equals(alone.segments)
    assert list(beside.tables.named()) == list(alone.tables.named())
    for name, table in alone.tables.named().items():
        assert beside.tables.named()[name].equals(table), name
    assert beside.fiches == alone.fiches  # every other fiche built in a second process


def test_the_default_function_classifier_is_read_from_the_package(
    documents, tmp_path: Path, monkeypatch
) -> None:
    def no_training(*args, **kwargs):
        raise AssertionError("the default classifier parsed its training corpus at run time")

    monkeypatch.setattr(role_training, "_parse", no_training)
    results = _run(documents, tmp_path / "cache")
    # the run's cache holds the corpus only: nothing else was parsed
    assert len(list((tmp_path / "cache" / "parsed").iterdir())) == 1
    assert results.segments["function"].isin(["frein", "proposition"]).any()


def test_the_reports_are_never_written_over_the_corpus_folder(documents, tmp_path: Path) -> None:
    results = _run(documents, tmp_path / "cache")
    corpus = tmp_path / "corpus"  # never the project's corpus: the test must not write there
    corpus.mkdir()
    results.config = results.config.replace("corpus", path=str(corpus))
    with pytest.raises(pipeline.PipelineError, match="le corpus n'est jamais modifié"):
        pipeline.write(results, corpus)
    assert not any(corpus.iterdir())


@pytest.mark.skipif(not has_spare_core(), reason="one core, or no fork: nothing runs beside")
def test_reports_written_with_a_second_process_are_those_of_one(documents, tmp_path: Path) -> None:
    # a large corpus's run works on two cores (functions, maps and concordance, the figures
    # drawn while the names are protected, the workbook): the same files, byte for byte
    config = _config(tmp_path / "one")
    beside = config.replace("nlp", n_process_min_words=1).replace(
        "cache", dir=str(tmp_path / "two")
    )
    written = {}
    for name, settings in (("one", config), ("two", beside)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = pipeline.run(settings, documents=documents, progress=False)
            written[name] = pipeline.write(results, tmp_path / f"out-{name}")
    assert pipeline._second_core(results.segments, beside)
    assert sorted(written["one"]) == sorted(written["two"])
    assert len(written["one"]) > 30 and any(n.startswith("figures/") for n in written["one"])
    for file in written["one"]:
        if file != pipeline.RUN_FILE:  # the settings differ
            assert written["two"][file].read_bytes() == written["one"][file].read_bytes(), file
