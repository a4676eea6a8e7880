"""Throughput of the workbook's text processing against raw spaCy, and of the parse cache.

Prints, in one run on the same text (the sample corpus repeated with small changes to at least
``--words`` words):

* words per second of raw ``nlp.pipe`` (same pipeline components, same number of processes);
* words per second of the workbook (normalisation + segmentation + parsing + expressions +
  lemmatisation: :func:`analysis.nlp.prepare_segments`) with an empty cache, and its ratio to
  raw spaCy (target: 0.8 or more);
* the same call again with the cache filled (target: at least 20 times faster);
* the peak memory of the workbook's run.

Raw spaCy is timed twice: on the segment texts the workbook parses (the fair baseline: same
units, so the ratio is the workbook's own overhead) and on whole documents.

Usage: ``python benchmarks/bench_nlp.py [--words 500000] [--n-process N] [--corpus corpus]``
(a few minutes on two cores).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.config import AnalysisConfig
from analysis.corpus import load_corpus
from analysis.nlp import load_pipeline, prepare_segments
from analysis.segmentation import count_words, segment_documents

ROOT = Path(__file__).resolve().parents[1]


def repeated_corpus(documents: pd.DataFrame, min_words: int) -> pd.DataFrame:
    """Repeat the corpus until it has ``min_words`` words; copy k shifts every number by k
    (so that no two copies are the same text) and gets its own doc_id."""
    words = int(documents[schema.TEXT].map(count_words).sum())
    copies = []
    for k in range(math.ceil(min_words / words)):
        copy = documents.copy()
        copy[schema.DOC_ID] = copy[schema.DOC_ID] + f"-copie{k:03d}"
        copy[schema.TEXT] = copy[schema.TEXT].map(
            lambda text, k=k: re.sub(r"\d+", lambda m: str(int(m.group()) + k), text)
        )
        copies.append(copy)
    return pd.concat(copies, ignore_index=True)


class Stopwatch:
    """Wall-clock and CPU seconds (this process and its finished children, for n_process > 1)."""

    def __enter__(self) -> Stopwatch:
        self._wall, self._cpu = time.perf_counter(), self._cpu_now()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = self._cpu_now() - self._cpu

    @staticmethod
    def _cpu_now() -> float:
        times = os.times()
        return times.user + times.system + times.children_user + times.children_system


def forget_lemmas(model: str) -> None:
    """Empty the lemmatizer's memo of (word, tag) -> lemma, so that no timed run profits from
    the lemmas computed by the run before it."""
    lemmatizer = load_pipeline(model).get_pipe("lemmatizer")
    if isinstance(getattr(lemmatizer, "cache", None), dict):
        lemmatizer.cache.clear()


def raw_spacy(texts: list[str], *, model: str, batch_size: int, n_process: int) -> Stopwatch:
    """Time raw ``nlp.pipe`` over ``texts`` (the Docs are consumed and dropped)."""
    nlp = load_pipeline(model)
    forget_lemmas(model)
    with Stopwatch() as watch:
        for _doc in nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            pass
    return watch


def workbook(documents: pd.DataFrame, config: AnalysisConfig) -> Stopwatch:
    """Time :func:`prepare_segments`."""
    forget_lemmas(config.nlp.model)
    with Stopwatch() as watch, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prepare_segments(documents, config, progress=False)
    return watch


def report(label: str, n_words: int, watch: Stopwatch) -> None:
    print(
        f"{label:<34}: {n_words / watch.wall:9,.0f} words/s wall ({watch.wall:6.1f} s), "
        f"{n_words / watch.cpu:9,.0f} words/CPU-s ({watch.cpu:6.1f} s)"
    )


def fastest(watches: list[Stopwatch]) -> Stopwatch:
    """The best wall-clock time and the best CPU time of several runs (the runs least
    disturbed by other programs)."""
    best = Stopwatch()
    best.wall = min(watch.wall for watch in watches)
    best.cpu = min(watch.cpu for watch in watches)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=500_000)
    parser.add_argument("--n-process", type=int, default=AnalysisConfig().nlp.n_process)
    parser.add_argument("--repeats", type=int, default=2, help="runs of each measure (best kept)")
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    args = parser.parse_args(argv)

    documents = repeated_corpus(load_corpus(args.corpus), args.words)
    n_words = int(documents[schema.TEXT].map(count_words).sum())
    config = AnalysisConfig().replace("nlp", n_process=args.n_process, n_process_min_words=0)
    model, unit = config.nlp.model, config.segmentation
    options = {"model": model, "batch_size": config.nlp.batch_size, "n_process": args.n_process}
    nlp = load_pipeline(model)  # loading the model is not measured
    list(nlp.pipe(["Mise en route du modèle."] * 8))
    print(f"Text: {len(documents)} documents, {n_words:,} words")
    print(f"Pipeline: {model} [{', '.join(nlp.pipe_names)}], n_process={args.n_process}")
    segments = segment_documents(
        documents, unit=unit.unit, segment_size=unit.segment_size, min_words=unit.min_words
    )
    segment_texts = segments[schema.TEXT].tolist()

    colds, warms, raws = [], [], []
    for _ in range(args.repeats):  # interleaved, so that a busy spell hits both sides
        with tempfile.TemporaryDirectory(prefix="bench-nlp-") as cache:
            cached = config.replace("cache", enabled=True, dir=cache)
            colds.append(workbook(documents, cached))
            peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            warms.append(workbook(documents, cached))
        raws.append(raw_spacy(segment_texts, **options))
    raw_documents = raw_spacy(documents[schema.TEXT].tolist(), **options)
    cold, warm, raw = fastest(colds), fastest(warms), fastest(raws)

    print(
        f"{len(segments):,} segments; peak memory after the first workbook run: {peak_mib:,.0f} MiB"
    )
    print(f"best of {args.repeats} runs; CPU seconds are the fair measure on a shared machine")
    report("raw nlp.pipe, same segment texts", n_words, raw)
    report("raw nlp.pipe, whole documents", n_words, raw_documents)
    report("workbook, cold (empty cache)", n_words, cold)
    report("workbook, warm (cache hit)", n_words, warm)
    print(
        f"workbook / raw spaCy (segments)   : {raw.wall / cold.wall:.2f} wall, "
        f"{raw.cpu / cold.cpu:.2f} CPU  (target >= 0.80)"
    )
    print(
        f"workbook / raw spaCy (documents)  : {raw_documents.wall / cold.wall:.2f} wall, "
        f"{raw_documents.cpu / cold.cpu:.2f} CPU"
    )
    print(
        f"cold / warm                       : {cold.wall / warm.wall:.1f}x wall, "
        f"{cold.cpu / warm.cpu:.1f}x CPU  (target >= 20)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
