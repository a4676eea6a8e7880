"""End to end: ``analysis report`` on a large corpus, stage by stage, against spaCy alone.

The sample corpus is repeated with small changes (:func:`bench_nlp.repeated_corpus`: copy k
shifts every number by k) until it holds at least ``--segments`` segments (100,000 by default),
and saved as a CSV table, one row per document with the columns of the documents table, as a
platform export would be. Three measures follow, each in a fresh process (this script run
again with ``--worker``), so that peak memory, the loaded model and every in-process memo
belong to one measure only:

1. spaCy alone: ``nlp.pipe`` over the texts the workbook gives spaCy (the normalised segment
   texts), with spaCy as installed (:func:`plain_pipeline`: the components of
   :func:`analysis.nlp.load_pipeline`, without the workbook's own speed-ups), the same batch
   size and number of processes as the workbook; loading the model is timed apart;
2. a first ``analysis report`` with an empty cache: the command's own argument parsing
   (:mod:`analysis.cli`), then :func:`analysis.pipeline.run` and :func:`analysis.pipeline.write`
   timed in the process; seconds and peak memory so far after each stage (corpus, nlp, themes,
   functions, tracing, fiches from :class:`analysis.pipeline.StageFigures`, then write);
3. the same command again, with the cache warm and the output folder of the first run (as a
   secretary running it twice).

Printed: the corpus size, a table of seconds and peak MiB per stage for both runs, the total
in the process and the whole process (with interpreter start-up and imports), and the targets,
each marked PASS or MISS:

* first run no more than 1.3 times spaCy alone (in-process wall time);
* peak memory under 4 GiB: the largest sum of the proportional set sizes of the run's process
  and its children (spaCy workers, the NER beside the parse, the steps run on the other core),
  read from /proc every half second (a page shared by forked processes counts once in all),
  or the main process's own peak when higher; the sum of each process's own peak, an upper
  bound, is printed beside it;
* warm run at least 5 times faster than the first.

The script exits 0 whatever the figures: it reports, it does not judge. Inputs are
deterministic (the repeated corpus, the configuration's seeds). The temporary folder (corpus
table, cache, reports) is deleted at the end unless ``--keep``.

The function step trains its default classifier on the sample corpus: its parse (48
documents) is part of the first run and kept in the benchmark's cache for the second.

Usage::

    .venv/bin/python benchmarks/bench_pipeline.py                   # 100,000 segments
    .venv/bin/python benchmarks/bench_pipeline.py --segments 3000   # a quick check
    .venv/bin/python benchmarks/bench_pipeline.py --n-process 2 --keep
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from bench_nlp import Stopwatch, repeated_corpus
from spacy.language import Language

from analysis import cli, schema
from analysis.config import AnalysisConfig
from analysis.corpus import load_corpus, load_corpus_from_config
from analysis.nlp import load_pipeline
from analysis.nlp.model import LINE_BREAKS, installed_pipeline
from analysis.segmentation import count_words, normalise, segment_documents

ROOT = Path(__file__).resolve().parents[1]
CORPUS_FILE = "corpus.csv"
TARGET_RATIO = 1.3  # first run / spaCy alone, at most
TARGET_PEAK_GIB = 4.0  # peak memory, under
TARGET_SPEED_UP = 5.0  # first run / warm run, at least
WRITE_STAGE = "write"
PSS_INTERVAL = 0.5  # seconds between two readings of the memory of a run and its children


# --- the corpus ---------------------------------------------------------------------------------


def _segments(documents: pd.DataFrame, config: AnalysisConfig) -> pd.DataFrame:
    unit = config.segmentation
    return segment_documents(
        documents, unit=unit.unit, segment_size=unit.segment_size, min_words=unit.min_words
    )


def scaled_documents(
    documents: pd.DataFrame, n_segments: int, config: AnalysisConfig
) -> pd.DataFrame:
    """The sample repeated (:func:`repeated_corpus`), cut after the first document that brings
    the number of segments to ``n_segments``."""
    base = _segments(documents, config)
    words = int(documents[schema.TEXT].map(count_words).sum())
    min_words = math.ceil(n_segments * words / len(base))
    while True:
        repeated = repeated_corpus(documents, min_words)
        per_document = _segments(repeated, config).groupby(schema.DOC_ID, sort=False).size()
        cumulated = per_document.reindex(repeated[schema.DOC_ID]).fillna(0).cumsum().to_numpy()
        if cumulated[-1] >= n_segments:
            return repeated.iloc[: int((cumulated < n_segments).sum()) + 1]
        min_words = math.ceil(min_words * 1.05)


def write_table(documents: pd.DataFrame, path: Path) -> list[str]:
    """Save the documents as a CSV table that ``analysis report`` reads; return the extra
    metadata columns (for ``--meta-columns``)."""
    table = documents.drop(columns=[schema.FILE])
    table[schema.DATE] = table[schema.DATE].dt.strftime("%Y-%m-%d").fillna("")
    table.to_csv(path, index=False, encoding="utf-8")
    return [c for c in table.columns if c not in schema.DOCUMENT_COLUMNS]


# --- the measures (each in its own process) -----------------------------------------------------


def command_line(corpus_file: Path, out: Path, config_file: Path, meta: list[str]) -> list[str]:
    """The ``analysis report`` arguments for the corpus table."""
    argv = ["report", str(corpus_file), "--out", str(out), "--no-progress"]
    argv += ["--config", str(config_file), "--text-column", schema.TEXT]
    argv += ["--id-column", schema.DOC_ID]
    return argv + (["--meta-columns", ",".join(meta)] if meta else [])


def command_config(argv: list[str], cache: Path, n_process: int | None) -> AnalysisConfig:
    """The configuration ``analysis report`` builds from ``argv``, with the benchmark's cache."""
    config = cli.config_from_args(cli.build_parser().parse_args(argv))
    config = config.replace("cache", enabled=True, dir=str(cache))
    return config if n_process is None else config.replace("nlp", n_process=n_process)


def _peak_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def plain_pipeline(model: str) -> Language:
    """spaCy's pipeline as installed, with the components of spaCy's the workbook runs
    (:func:`analysis.nlp.load_pipeline`) and nothing of its own (its lemmatiser's word lists
    stay lists, no ``workbook_line_breaks``): the reference the workbook is measured against."""
    nlp = installed_pipeline(model)
    spacys = [name for name in load_pipeline(model).pipe_names if name != LINE_BREAKS]
    if nlp.pipe_names != spacys:
        raise RuntimeError(f"components differ: {nlp.pipe_names}")
    return nlp


def measure_spacy(config: AnalysisConfig) -> dict[str, Any]:
    """Time ``nlp.pipe`` alone on the normalised texts of the corpus's segments."""
    segments = _segments(load_corpus_from_config(config), config)
    texts = [normalise(t) for t in segments[schema.TEXT].tolist()]
    settings = config.nlp
    n_words = int(segments[schema.N_WORDS].sum())
    n_process = settings.n_process if n_words >= settings.n_process_min_words else 1
    with Stopwatch() as loading:
        nlp = plain_pipeline(settings.model)
        list(nlp.pipe(["Mise en route du modèle."] * 8))
    nlp.max_length = max(nlp.max_length, max(map(len, texts), default=0) + 1)
    with Stopwatch() as parsing:
        for _doc in nlp.pipe(texts, batch_size=settings.batch_size, n_process=n_process):
            pass
    return {
        "segments": len(texts),
        "words": n_words,
        "pipes": nlp.pipe_names,
        "n_process": n_process,
        "load_seconds": loading.wall,
        "wall": parsing.wall,
        "cpu": parsing.cpu,
        "peak_mib": _peak_mib(),
        "children_peak_mib": _peak_mib(resource.RUSAGE_CHILDREN),
    }


def measure_report(config: AnalysisConfig, out: Path) -> dict[str, Any]:
    """Time ``analysis report`` in this process: the pipeline, then the writing of reports."""
    from analysis import pipeline  # noqa: PLC0415 - imported late, as the command does

    with Stopwatch() as whole:
        results = pipeline.run(config, progress=False, previous=out, prefetch_entities="auto")
        started = time.perf_counter()
        written = pipeline.write(results, out)
        write_seconds = time.perf_counter() - started
    figures = results.figures
    return {
        "segments": len(results.segments),
        "files": len(written),
        "seconds": {**figures.seconds, WRITE_STAGE: write_seconds},
        "peak_mib": {**figures.peak_mib, WRITE_STAGE: _peak_mib()},
        "wall": whole.wall,
        "cpu": whole.cpu,
        "children_peak_mib": _peak_mib(resource.RUSAGE_CHILDREN),
    }


def worker(args: argparse.Namespace) -> int:
    """Run one measure and print its figures as JSON (the last line of stdout)."""
    warnings.simplefilter("ignore")  # the corpus's remarks are not what is measured
    argv = command_line(args.table, args.out, args.config, args.meta)
    config = command_config(argv, args.cache, args.n_process)
    figures = measure_spacy(config) if args.worker == "spacy" else measure_report(config, args.out)
    print(json.dumps(figures))
    return 0


def _process_tree(pid: int) -> list[int]:
    """``pid`` and every process descended from it (read from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {pid}, True
    while grew:
        found = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= found
        grew = bool(found)
    return sorted(tree)


def tree_pss_mib(pid: int) -> float | None:
    """Memory of a process and its children now: the sum of their proportional set sizes
    (a page shared by n forked processes counts 1/n in each), in MiB; None without /proc."""
    if not Path("/proc/self/smaps_rollup").is_file():
        return None
    total = 0
    for member in _process_tree(pid):
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:  # ended meanwhile
            continue
        total += next(int(line.split()[1]) for line in rollup.splitlines() if line[:4] == "Pss:")
    return total / 1024


def run_worker(measure: str, args: argparse.Namespace, work: Path, meta: list[str]) -> dict:
    """Run one measure in a fresh process; add its wall time, start-up and imports included,
    and the peak of its memory with its children's (sampled every ``PSS_INTERVAL`` s)."""
    command = [sys.executable, __file__, "--worker", measure, "--table", str(work / CORPUS_FILE)]
    command += ["--out", str(work / "reports"), "--cache", str(work / "cache")]
    command += ["--config", str(args.config)] + [f"--meta={m}" for m in meta]
    if args.n_process is not None:
        command += ["--n-process", str(args.n_process)]
    environment = {**os.environ, "MPLBACKEND": "Agg"}
    started = time.perf_counter()
    peak: float | None = 0.0
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment
    ) as process:
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            pumps = [_pump(process.stdout, out), _pump(process.stderr, err)]
            while process.poll() is None:
                now = tree_pss_mib(process.pid)
                peak = None if now is None else max(peak or 0.0, now)
                time.sleep(PSS_INTERVAL)
            for pump in pumps:
                pump.join()
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, stdout, stderr)
    figures = json.loads(stdout.strip().splitlines()[-1])
    figures["process_wall"] = time.perf_counter() - started
    figures["tree_peak_mib"] = peak
    return figures


def _pump(source: Any, target: Any) -> threading.Thread:
    """Copy a pipe into a file in a thread (a full pipe would block the measured process)."""
    thread = threading.Thread(target=shutil.copyfileobj, args=(source, target), daemon=True)
    thread.start()
    return thread


# --- the report ---------------------------------------------------------------------------------


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def peak_gib(figures: dict, n_process: int) -> float:
    """Peak memory of a report run: the largest sum of the proportional set sizes of its
    process and children (sampled), or the main process's own peak if that is higher; without
    /proc, main process plus each child process at the largest one's peak (an upper bound)."""
    main = max(figures["peak_mib"].values())
    if figures.get("tree_peak_mib") is not None:
        return max(main, figures["tree_peak_mib"]) / 1024
    return upper_bound_gib(figures, n_process)


def upper_bound_gib(figures: dict, n_process: int) -> float:
    """Main process's peak plus each child process (spaCy workers, the NER beside the parse,
    the steps run on the other core) at the largest one's peak: forked processes share pages,
    each counted in full here."""
    main = max(figures["peak_mib"].values())
    return (main + max(n_process, 1) * figures["children_peak_mib"]) / 1024


def stage_table(first: dict, warm: dict) -> pd.DataFrame:
    """Seconds and peak MiB (so far) of each stage, first and warm run, with the totals."""
    rows = [
        [stage, first["seconds"][stage], first["peak_mib"][stage]]
        + [warm["seconds"][stage], warm["peak_mib"][stage]]
        for stage in first["seconds"]
    ]
    rows.append(["total in process", first["wall"], None, warm["wall"], None])
    rows.append(["whole process", first["process_wall"], None, warm["process_wall"], None])
    columns = ["stage", "first s", "first peak MiB", "warm s", "warm peak MiB"]
    table = pd.DataFrame(rows, columns=columns)
    return table.round({"first s": 1, "warm s": 1, "first peak MiB": 0, "warm peak MiB": 0})


def print_report(spacy_alone: dict, first: dict, warm: dict) -> None:
    """Print the stage table and the three targets."""
    n_process = spacy_alone["n_process"]
    print(
        f"\nspaCy alone (nlp.pipe, {spacy_alone['segments']:,} normalised segment texts): "
        f"{spacy_alone['wall']:.1f} s wall, {spacy_alone['cpu']:.1f} CPU-s "
        f"({spacy_alone['words'] / spacy_alone['wall']:,.0f} words/s); model loaded in "
        f"{spacy_alone['load_seconds']:.1f} s (not counted); peak "
        f"{spacy_alone['peak_mib']:,.0f} MiB"
    )
    print("\nanalysis report, per stage (peak = resident memory so far, main process)")
    table = stage_table(first, warm).astype(object).where(lambda t: t.notna(), "")
    print(table.to_string(index=False))
    if n_process > 1 or first["children_peak_mib"] or warm["children_peak_mib"]:
        what = (
            "spaCy worker"
            if n_process > 1
            else "other (NER beside the parse, steps run on the other core)"
        )
        print(
            f"largest {what} process: {first['children_peak_mib']:,.0f} MiB (first run), "
            f"{warm['children_peak_mib']:,.0f} MiB (warm run)"
        )
    print(
        f"interpreter start-up and imports: {first['process_wall'] - first['wall']:.1f} s "
        "per run (in 'whole process', not in the targets)"
    )
    ratio = first["wall"] / spacy_alone["wall"]
    peak = max(peak_gib(first, n_process), peak_gib(warm, n_process))
    speed_up = first["wall"] / warm["wall"]
    print("\nTargets")
    print(
        f"first run / spaCy alone : {ratio:5.2f} wall ({first['cpu'] / spacy_alone['cpu']:.2f} "
        f"CPU; whole process {first['process_wall'] / spacy_alone['wall']:.2f})"
        f"  target <= {TARGET_RATIO}  {_verdict(ratio <= TARGET_RATIO)}"
    )
    sampled = first.get("tree_peak_mib") is not None and warm.get("tree_peak_mib") is not None
    how = (
        f" (run + its processes, proportional set sizes sampled every {PSS_INTERVAL} s)"
        if sampled
        else f" (main + {max(n_process, 1)} x largest child process: an upper bound)"
    )
    print(
        f"peak memory             : {peak:5.2f} GiB{how}"
        f"  target < {TARGET_PEAK_GIB:.0f}  {_verdict(peak < TARGET_PEAK_GIB)}"
    )
    if sampled:
        bound = max(upper_bound_gib(first, n_process), upper_bound_gib(warm, n_process))
        print(
            f"                          (main + largest child, each at its own peak: {bound:.2f})"
        )
    print(
        f"first run / warm run    : {speed_up:5.1f}x wall "
        f"(whole process {first['process_wall'] / warm['process_wall']:.1f}x)"
        f"  target >= {TARGET_SPEED_UP:.0f}  {_verdict(speed_up >= TARGET_SPEED_UP)}"
    )


def prepare(args: argparse.Namespace, work: Path) -> list[str]:
    """Write the repeated corpus into ``work``; print its size; return its metadata columns."""
    config = command_config(
        command_line(work / CORPUS_FILE, work / "reports", args.config, []), work / "cache", None
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sample = load_corpus(args.corpus)
    documents = scaled_documents(sample, args.segments, config)
    meta = write_table(documents, work / CORPUS_FILE)
    n_words = int(documents[schema.TEXT].map(count_words).sum())
    size_mib = (work / CORPUS_FILE).stat().st_size / 2**20
    print(
        f"Corpus: {args.corpus} ({len(sample)} documents) repeated to {len(documents):,} "
        f"documents, {n_words:,} words; saved as a CSV table ({size_mib:.1f} MiB)"
    )
    nlp = config.nlp
    print(
        f"Pipeline: {nlp.model}, batch_size={nlp.batch_size}, "
        f"n_process={args.n_process or nlp.n_process} (used above "
        f"{nlp.n_process_min_words:,} words), unit={config.segmentation.unit}"
    )
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=100_000, help="at least this many")
    parser.add_argument("--n-process", type=int, help="spaCy processes (default: the config's)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="corpus to repeat")
    parser.add_argument("--config", type=Path, default=ROOT / "analysis.toml")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    worker_options = parser.add_argument_group("internal (one measure in a fresh process)")
    worker_options.add_argument("--worker", choices=["spacy", "report"])
    worker_options.add_argument("--table", type=Path)
    worker_options.add_argument("--out", type=Path)
    worker_options.add_argument("--cache", type=Path)
    worker_options.add_argument("--meta", action="append", default=[])
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)

    with work_folder("bench-pipeline-", keep=args.keep) as work:
        meta = prepare(args, work)
        spacy_alone = run_worker("spacy", args, work, meta)
        first = run_worker("report", args, work, meta)
        warm = run_worker("report", args, work, meta)
        print(
            f"{first['segments']:,} segments ({spacy_alone['segments']:,} parsed by spaCy "
            f"alone); pipeline [{', '.join(spacy_alone['pipes'])}], "
            f"n_process={spacy_alone['n_process']}; {first['files']} files written per run"
        )
        print_report(spacy_alone, first, warm)
    return 0


@contextmanager
def work_folder(prefix: str, *, keep: bool) -> Iterator[Path]:
    """A temporary folder for a benchmark's measures: a failed measure's stderr is printed,
    and the folder is removed at the end unless ``keep``."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield work
    except subprocess.CalledProcessError as error:
        print(f"a measure failed:\n{error.stderr}", file=sys.stderr)
        raise
    finally:
        if keep:
            print(f"\nkept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
