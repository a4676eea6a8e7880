"""Quality and speed of the theme step, on the sample corpus.

Prints, for each theme method (nmf, reinert, kmeans) and two baselines computed in the same run
(plain TF-IDF + k-means, scikit-learn's LDA, both on the same lemmas), the agreement with the
hand labels of corpus/annotations.csv (NMI and ARI; an unclassified segment counts as a class
of its own, so leaving segments out is not rewarded), the share unclassified, and the spread
over five seeds. Then the fit time and peak memory of the theme step (vectorise + fit with the
configured method and k + labels + curation tables) on 10,000 and 100,000 segments made by
repeating the sample corpus with small changes, each size in a fresh process.

Usage::

    .venv/bin/python benchmarks/bench_themes.py            # everything
    .venv/bin/python benchmarks/bench_themes.py --quality  # only the quality table
    .venv/bin/python benchmarks/bench_themes.py --scale 100000   # one timing, in this process
    .venv/bin/python benchmarks/bench_themes.py --scale 100000 --method reinert
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import LatentDirichletAllocation
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from analysis import schema  # noqa: E402
from analysis.config import load_config  # noqa: E402
from analysis.corpus import load_annotations, load_corpus  # noqa: E402
from analysis.nlp import prepare_segments  # noqa: E402
from analysis.themes import ThemeModel, run_themes  # noqa: E402

SEEDS = (0, 1, 2, 3, 4)
METHODS = ("nmf", "reinert", "kmeans")
SIZES = (10_000, 100_000)


def annotated_segments(unit: str) -> pd.DataFrame:
    """Segments of the sample corpus with lemmas and the gold theme of their paragraph."""
    config = load_config(ROOT / "analysis.toml").replace("segmentation", unit=unit)
    config = config.replace("cache", dir=str(ROOT / ".cache"))
    documents = load_corpus(ROOT / "corpus")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments = prepare_segments(documents, config, progress=False)[0]
    gold = load_annotations(ROOT / "corpus")[[schema.DOC_ID, schema.PARAGRAPH, schema.GOLD_THEME]]
    merged = segments.merge(gold, on=[schema.DOC_ID, schema.PARAGRAPH], how="left")
    return merged[merged[schema.GOLD_THEME].notna()].reset_index(drop=True)


def scores(gold: pd.Series, predicted: np.ndarray) -> tuple[float, float]:
    """NMI and ARI; unclassified (-1) is one more predicted class."""
    return (
        normalized_mutual_info_score(gold, predicted),
        adjusted_rand_score(gold, predicted),
    )


def baseline_tfidf_kmeans(lemmas: pd.Series, k: int, seed: int) -> np.ndarray:
    """Plain TF-IDF (scikit-learn defaults) then k-means."""
    matrix = TfidfVectorizer(token_pattern=r"\S+").fit_transform(lemmas)
    return KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(matrix)


def baseline_lda(lemmas: pd.Series, k: int, seed: int) -> np.ndarray:
    """scikit-learn's LDA on term counts; each segment gets its most probable topic."""
    counts = CountVectorizer(token_pattern=r"\S+", min_df=2).fit_transform(lemmas)
    lda = LatentDirichletAllocation(n_components=k, random_state=seed, learning_method="batch")
    return lda.fit_transform(counts).argmax(axis=1)


def quality_rows(segments: pd.DataFrame, unit: str, n_themes: int | str) -> list[dict]:
    """One row per method or baseline: mean and spread of NMI / ARI over the seeds."""
    gold = segments[schema.GOLD_THEME]
    k_gold = gold.nunique()
    runs: dict[str, list[tuple[float, float, float, int, float]]] = {}
    for method in METHODS:
        for seed in SEEDS:
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = ThemeModel(method, n_themes, random_state=seed).fit(segments)
            elapsed = time.perf_counter() - start
            nmi, ari = scores(gold, model.labels_)
            runs.setdefault(method, []).append(
                (nmi, ari, model.unclassified_share_, model.n_themes_, elapsed)
            )
    lemmas = segments[schema.LEMMAS].fillna("")
    k_base = k_gold if n_themes == "auto" else n_themes
    for name, baseline in (("tfidf+kmeans", baseline_tfidf_kmeans), ("lda", baseline_lda)):
        for seed in SEEDS:
            start = time.perf_counter()
            labels = baseline(lemmas, k_base, seed)
            nmi, ari = scores(gold, labels)
            runs.setdefault(f"baseline {name}", []).append(
                (nmi, ari, 0.0, k_base, time.perf_counter() - start)
            )
    rows = []
    for name, values in runs.items():
        array = np.array(values)
        rows.append(
            {
                "unit": unit,
                "k asked": n_themes if name in METHODS else k_base,
                "method": name,
                "NMI": array[:, 0].mean(),
                "NMI spread": array[:, 0].max() - array[:, 0].min(),
                "ARI": array[:, 1].mean(),
                "ARI spread": array[:, 1].max() - array[:, 1].min(),
                "unclassified": array[:, 2].mean(),
                "k found": "/".join(str(int(v)) for v in sorted(set(array[:, 3]))),
                "seconds": array[:, 4].mean(),
            }
        )
    return rows


def scaled_segments(base: pd.DataFrame, n_segments: int, seed: int = 0) -> pd.DataFrame:
    """The sample repeated to ``n_segments`` rows, each copy slightly changed.

    In every copy but the first, each segment loses one lemma and gains one lemma drawn from
    the vocabulary, so no two copies are identical (as in a real growing corpus).
    """
    rng = np.random.default_rng(seed)
    tokens = base[schema.LEMMAS].fillna("").str.split().tolist()
    vocabulary = sorted({t for row in tokens for t in row})
    copies = -(-n_segments // len(base))
    frame = pd.concat([base] * copies, ignore_index=True).iloc[:n_segments].copy()
    copy_number = np.arange(n_segments) // len(base)
    lemmas = []
    for row, copy in zip(range(n_segments), copy_number, strict=True):
        words = list(tokens[row % len(base)])
        if copy and words:
            words.pop(int(rng.integers(len(words))))
            words.insert(
                int(rng.integers(len(words) + 1)), vocabulary[rng.integers(len(vocabulary))]
            )
        lemmas.append(" ".join(words))
    frame[schema.LEMMAS] = lemmas
    suffix = pd.Series(copy_number, index=frame.index).map(lambda c: f"~{c:04d}")
    for column in (schema.DOC_ID, schema.SEGMENT_ID):
        frame[column] = frame[column].astype(str) + suffix
    return frame


def time_theme_step(n_segments: int, method: str | None = None) -> None:
    """Time the theme step on ``n_segments`` segments (run in a fresh process)."""
    config = load_config(ROOT / "analysis.toml")
    base = annotated_segments(config.segmentation.unit)
    segments = scaled_segments(base, n_segments)
    model = ThemeModel.from_config(config.themes, method=method or config.themes.method)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = run_themes(segments, model)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    sample = (
        f", k chosen on {model.k_sample_size_} segments" if model.diagnostics_ is not None else ""
    )
    print(
        f"{n_segments:>7,} segments  method={model.method} k={config.themes.n_themes}"
        f" -> {model.n_themes_} themes{sample}: {elapsed:5.1f} s, peak memory {peak:.2f} GiB, "
        f"unclassified {run.unclassified_share:.1%}"
    )


def print_default_against_baselines(table: pd.DataFrame) -> None:
    """One line: the configured method and k, in the configured unit, against the baselines."""
    config = load_config(ROOT / "analysis.toml")
    unit, method = config.segmentation.unit, config.themes.method
    rows = table[
        (table["unit"] == unit) & (table["k asked"].astype(str) == str(config.themes.n_themes))
    ]
    default = rows[rows["method"] == method].iloc[0]
    baselines = table[(table["unit"] == unit) & table["method"].str.startswith("baseline")]
    best = baselines.sort_values("NMI", ascending=False).iloc[0]
    print(
        f"\nDefault ({method}, k={config.themes.n_themes}, unit={unit}): NMI {default['NMI']:.3f}, "
        f"ARI {default['ARI']:.3f}, unclassified {default['unclassified']:.1%}; best baseline "
        f"({best['method']}): NMI {best['NMI']:.3f}, ARI {best['ARI']:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", action="store_true", help="only the quality table")
    parser.add_argument("--speed", action="store_true", help="only the timings")
    parser.add_argument("--scale", type=int, help="time one size in this process")
    parser.add_argument("--method", choices=METHODS, help="with --scale: another method")
    args = parser.parse_args()
    if args.scale:
        time_theme_step(args.scale, args.method)
        return
    if not args.speed:
        pd.set_option("display.width", 200)
        rows = []
        for unit in ("paragraph", "segment"):
            segments = annotated_segments(unit)
            print(
                f"{unit}: {len(segments)} annotated units, {segments.theme.nunique()} gold themes"
            )
            for n_themes in ("auto", int(segments[schema.GOLD_THEME].nunique())):
                rows.extend(quality_rows(segments, unit, n_themes))
        table = pd.DataFrame(rows).round(3)
        print("\nAgreement with corpus/annotations.csv (mean over seeds 0-4; spread = max - min)")
        print(table.to_string(index=False))
        print_default_against_baselines(table)
    if not args.quality:
        print("\nTheme step (vectorise + fit + labels + tables), 2 cores, fresh process per size")
        for size in SIZES:
            subprocess.run([sys.executable, __file__, "--scale", str(size)], check=True)


if __name__ == "__main__":
    main()
