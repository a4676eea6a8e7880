"""Theme quality on real labelled consultations, next to the peers (issue 15, points 1 and 3).

Corpora (one document per unit, as the platform labelled them; nobody on this project wrote
them; see tests/data/real/README.md and tests/data/themes/README.md):

- ``iramuteq``: the IRaMuTeQ corpus analysts built from Lille's Grand Débat proposals, its
  theme given by the first starred word of each text (4 themes, 140 texts);
- ``comments``: the IRaMuTeQ corpus of the comments posted under the same platform's debates
  (tests/data/themes/README.md), its theme given the same way (4 themes, 693 texts, short
  replies such as "Oui" included);
- ``decidim``: the same platform's export as published, its category (``category/name/fr``;
  the 4 topical ones: "Autre sujet" and empty categories are left out of the score but kept
  in the corpus, as an analyst would load it);
- ``sample``: the sample corpus's paragraphs and ``corpus/annotations.csv`` (our own writing,
  for comparison).

For each corpus, with k set to the number of labels: the workbook's methods (nmf, reinert,
kmeans, spectral, default settings otherwise) and peers implemented here on the same lemmas
(TF-IDF + NMF, LSA + k-means, TF-IDF + k-means, LDA), mean NMI and ARI over five seeds and their
spread (an unclassified unit counts as one more class). Then auto-k: the k each method chooses,
whether it is within 30 % of the true k, and how sure the choice is (the chosen k's stability,
its score's margin over the best other k, "sûr" or "incertain"). Last, how steady the
automatic k of the shipped settings is: the k chosen on the whole corpus and on ten variants
each missing one document (drawn with a fixed seed), as a first run chooses it and as a re-run
does (which keeps the previous k when its score is within ``K_TOLERANCE`` of the best).

Usage::

    .venv/bin/python benchmarks/bench_themes_real.py
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF, LatentDirichletAllocation, TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from analysis import schema  # noqa: E402
from analysis.config import load_config  # noqa: E402
from analysis.corpus import load_annotations, load_corpus  # noqa: E402
from analysis.nlp import prepare_segments  # noqa: E402
from analysis.themes import ThemeModel  # noqa: E402
from analysis.themes.selection import (  # noqa: E402
    CERTAINTY,
    CHOSEN,
    MARGIN,
    STABILITY,
    K,
    choose_k,
    chosen_k,
)

REAL = ROOT / "tests" / "data" / "real"
THEMES_DATA = ROOT / "tests" / "data" / "themes"
SEEDS = (0, 1, 2, 3, 4)
METHODS = ("nmf", "reinert", "kmeans", "spectral")
GOLD = "gold"


class Corpus(NamedTuple):
    """A labelled corpus's segments (``gold``: its label) and its multiword expressions (their
    heads give the expressions' word vectors, as in ``analysis report``)."""

    segments: pd.DataFrame
    expressions: pd.DataFrame


def _lemmatised(documents: pd.DataFrame, unit: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    config = load_config(ROOT / "analysis.toml").replace("segmentation", unit=unit)
    config = config.replace("cache", dir=str(ROOT / ".cache"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments, _, expressions = prepare_segments(documents, config, progress=False)
    return segments, expressions


def iramuteq_corpus(path: Path = REAL / "lille-propositions-iramuteq.txt") -> Corpus:
    lines = path.read_text(encoding="utf-8").splitlines()
    themes = [line.split()[1].lstrip("*") for line in lines if line.startswith("**** ")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(path)
    segments, expressions = _lemmatised(documents, "document")
    # "lille-propositions-iramuteq-0007" is the 7th text (a duplicate text is loaded once)
    number = segments[schema.DOC_ID].str.rsplit("-", n=1).str[1].astype(int)
    return Corpus(segments.assign(**{GOLD: [themes[n - 1] for n in number]}), expressions)


def decidim_corpus() -> Corpus:
    path = REAL / "lille-propositions-decidim.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(
            path, text_column="body", id_column="id", meta_columns=["category/name/fr"]
        )
    segments, expressions = _lemmatised(documents, "document")
    category = documents.set_index(schema.DOC_ID)["category/name/fr"].fillna("")
    gold = segments[schema.DOC_ID].map(category).replace({"": None, "Autre sujet": None})
    return Corpus(segments.assign(**{GOLD: gold}), expressions)


def sample_corpus() -> Corpus:
    segments, expressions = _lemmatised(load_corpus(ROOT / "corpus"), "paragraph")
    gold = load_annotations(ROOT / "corpus")[[schema.DOC_ID, schema.PARAGRAPH, schema.GOLD_THEME]]
    merged = segments.merge(gold, on=[schema.DOC_ID, schema.PARAGRAPH], how="left")
    return Corpus(merged.rename(columns={schema.GOLD_THEME: GOLD}), expressions)


# --- peers, on the same lemmas ------------------------------------------------------------------


def _tfidf(lemmas: pd.Series):
    return TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True, min_df=2).fit_transform(lemmas)


def peer_tfidf_nmf(lemmas: pd.Series, k: int, seed: int) -> np.ndarray:
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400)
    return model.fit_transform(_tfidf(lemmas)).argmax(axis=1)


def peer_lsa_kmeans(lemmas: pd.Series, k: int, seed: int) -> np.ndarray:
    matrix = _tfidf(lemmas)
    n_components = max(2, min(100, matrix.shape[1] - 1, matrix.shape[0] - 1))
    reduced = normalize(TruncatedSVD(n_components, random_state=seed).fit_transform(matrix))
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(reduced)


def peer_tfidf_kmeans(lemmas: pd.Series, k: int, seed: int) -> np.ndarray:
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(_tfidf(lemmas))


def peer_lda(lemmas: pd.Series, k: int, seed: int) -> np.ndarray:
    counts = CountVectorizer(token_pattern=r"\S+", min_df=2).fit_transform(lemmas)
    lda = LatentDirichletAllocation(n_components=k, random_state=seed, learning_method="batch")
    return lda.fit_transform(counts).argmax(axis=1)


PEERS: dict[str, Callable[[pd.Series, int, int], np.ndarray]] = {
    "peer tfidf+nmf": peer_tfidf_nmf,
    "peer lsa+kmeans": peer_lsa_kmeans,
    "peer tfidf+kmeans": peer_tfidf_kmeans,
    "peer lda": peer_lda,
}


# --- measures -----------------------------------------------------------------------------------


def _scores(gold: pd.Series, predicted: np.ndarray) -> tuple[float, float]:
    """NMI and ARI on the labelled units; unclassified (-1) is one more predicted class."""
    labelled = gold.notna().to_numpy()
    truth, found = gold[labelled].astype(str), np.asarray(predicted)[labelled]
    return normalized_mutual_info_score(truth, found), adjusted_rand_score(truth, found)


def quality_rows(name: str, corpus: Corpus) -> list[dict]:
    segments = corpus.segments
    gold = segments[GOLD]
    k = int(gold.dropna().nunique())
    lemmas = segments[schema.LEMMAS].fillna("")
    runs: dict[str, list[tuple[float, float, float, float]]] = {}
    for method in (*METHODS, *PEERS):
        for seed in SEEDS:
            start = time.perf_counter()
            unclassified = 0.0
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if method in METHODS:
                    model = ThemeModel(method, k, random_state=seed)
                    model.fit(segments, expressions=corpus.expressions)
                    labels, unclassified = model.labels_, model.unclassified_share_
                else:
                    labels = PEERS[method](lemmas, k, seed)
            nmi, ari = _scores(gold, labels)
            runs.setdefault(method, []).append(
                (nmi, ari, unclassified, time.perf_counter() - start)
            )
    rows = []
    for method, values in runs.items():
        array = np.array(values)
        rows.append(
            {
                "corpus": f"{name} ({len(segments)} units, {k} labels)",
                "method": method,
                "NMI": array[:, 0].mean(),
                "NMI spread": np.ptp(array[:, 0]),
                "ARI": array[:, 1].mean(),
                "ARI spread": np.ptp(array[:, 1]),
                "unclassified": array[:, 2].mean(),
                "seconds": array[:, 3].mean(),
            }
        )
    return rows


def auto_k_rows(name: str, corpus: Corpus) -> list[dict]:
    segments = corpus.segments
    k_true = int(segments[GOLD].dropna().nunique())
    rows = []
    for method in METHODS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ThemeModel(method, "auto", random_state=0)
            model.fit(segments, expressions=corpus.expressions)
        table = model.diagnostics_
        if table is None:
            rows.append({"corpus": name, "method": method, "true k": k_true, "chosen k": None})
            continue
        row = table.loc[table[CHOSEN]].iloc[0]
        chosen = int(row[K])
        rows.append(
            {
                "corpus": name,
                "method": method,
                "true k": k_true,
                "chosen k": chosen,
                "themes fitted": model.n_themes_,
                "within ±30 %": abs(chosen - k_true) <= 0.3 * k_true,
                "k searched": f"{int(table[K].min())}-{int(table[K].max())}",
                "stability": round(float(row[STABILITY]), 3),
                "margin": round(float(row[MARGIN]), 3),
                "certainty": row[CERTAINTY],
            }
        )
    return rows


N_DROPPED = 10  # variants of a corpus, each without one of its documents


def k_robustness_row(name: str, corpus: Corpus) -> dict:
    """The shipped settings' automatic k on ``corpus`` and on :data:`N_DROPPED` variants each
    missing one document: as a first run chooses it, and as a re-run that prefers the whole
    corpus's k does."""
    config = load_config(ROOT / "analysis.toml").themes
    segments = corpus.segments
    documents = np.sort(segments[schema.DOC_ID].unique())
    dropped = np.random.default_rng(0).choice(documents, N_DROPPED, replace=False)
    tables = []
    for document in [None, *dropped]:
        kept = segments if document is None else segments[segments[schema.DOC_ID] != document]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ThemeModel.from_config(config)
            model.fit(kept.reset_index(drop=True), expressions=corpus.expressions)
        tables.append(model.diagnostics_)
    whole = chosen_k(tables[0])
    first = [chosen_k(table) for table in tables[1:]]
    again = [chosen_k(choose_k(table, whole)) for table in tables[1:]]
    return {
        "corpus": name,
        "k, whole corpus": whole,
        "k, one document less (first run)": " ".join(map(str, first)),
        "distinct": len(set(first)),
        "k, one document less (re-run)": " ".join(map(str, again)),
        "re-run keeps it": f"{sum(k == whole for k in again)}/{N_DROPPED}",
    }


def main() -> None:
    pd.set_option("display.width", 200)
    corpora = {
        "iramuteq": iramuteq_corpus(),
        "comments": iramuteq_corpus(THEMES_DATA / "lille-commentaires-iramuteq.txt"),
        "decidim": decidim_corpus(),
        "sample": sample_corpus(),
    }
    quality, auto, steady = [], [], []
    for name, corpus in corpora.items():
        quality += quality_rows(name, corpus)
        auto += auto_k_rows(name, corpus)
        steady.append(k_robustness_row(name, corpus))
    table = pd.DataFrame(quality).round(3)
    print("Agreement with the corpora's own labels, k = number of labels (mean over seeds 0-4)")
    print(table.to_string(index=False))
    print("\nEach workbook method against the best peer, by corpus (NMI; * the default)")
    default = load_config(ROOT / "analysis.toml").themes.method
    for corpus, rows in table.groupby("corpus", sort=False):
        peers = rows[rows["method"].str.startswith("peer")].sort_values("NMI").iloc[-1]
        gaps = ", ".join(
            f"{method}{'*' if method == default else ''} {ours - peers['NMI']:+.3f}"
            for method, ours in rows.set_index("method")["NMI"].loc[list(METHODS)].items()
        )
        print(f"  {corpus}: {peers['method']} {peers['NMI']:.3f}; {gaps}")
    print("\nAuto-k (seed 0): chosen k against the number of labels; how sure the choice is")
    print(pd.DataFrame(auto).to_string(index=False))
    print(f"\nAuto-k of the shipped settings, whole corpus and {N_DROPPED} times one document less")
    print(pd.DataFrame(steady).to_string(index=False))


if __name__ == "__main__":
    main()
