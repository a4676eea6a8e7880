"""Quality of segment functions and of canonical obstacles and proposals, on the sample corpus.

Prints:

1. precision, recall and F1 per function class against ``corpus/annotations.csv``, for the cue
   patterns (no training), the classifier and the combination; the classifier is scored by
   cross-validation over concertations (4 folds: it never predicts a concertation it was
   trained on), so are the combined predictions (trained on the sample corpus alone; the
   shipped model also learns from real text: ``bench_roles_real.py`` measures it on both);
2. the canonical obstacles (and proposals) found in the sample corpus, next to the recurring
   ones written into it on purpose (the ``canonical`` column: F01-F11, P01-P09): how many were
   found, how many groups mix different things, which recurrences nobody planted; then the
   links between proposals and obstacles, and the obstacles no proposal answers;
3. the same figures for a few similarity thresholds (how the default was chosen);
4. whether the model shipped in the package (``analysis/data/function_model.json``, used when
   no ``labelled_file`` is set) is the one the sample corpus trains today; if not, retrain it
   with ``python -m analysis.roles.model``.

Two settings are reported for the groups: "gold" (annotated functions and themes: the grouping
alone is measured) and "pipeline" (40-word segments, functions predicted out of fold by the
combined model, themes of the default theme model): what a user gets.

Run: ``.venv/bin/python benchmarks/bench_roles.py`` (about a minute; parses are cached).
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GroupKFold

from analysis import schema
from analysis.config import AnalysisConfig, FunctionsConfig, TracingConfig
from analysis.corpus import load_corpus
from analysis.nlp import prepare_segments
from analysis.roles import FunctionClassifier, load_labelled_file
from analysis.roles import model as default_model
from analysis.themes import ThemeModel, assign_themes
from analysis.tracing import canonical_groups, link_proposals, unanswered_obstacles

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
N_FOLDS = 4
# the answers written into the sample corpus (corpus_plan.md): proposal -> obstacle
ANSWERS = {
    "P01": "F01",
    "P02": "F02",
    "P03": "F03",
    "P04": "F04",
    "P05": "F07",
    "P06": "F10",
    "P07": "F11",
    "P08": "F05",
}
UNANSWERED = {"F06", "F08", "F09"}
EXPECTED_STATUS = {
    "F05": schema.STATUS_FADING,
    "F06": schema.STATUS_FADING,
    "F07": schema.STATUS_NEW,
}


def load_units(unit: str) -> tuple[pd.DataFrame, list]:
    """Segments of the sample corpus at ``unit`` with the gold labels, and their Docs."""
    config = AnalysisConfig(base_dir=str(ROOT)).replace("segmentation", unit=unit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments, parsed, _ = prepare_segments(load_corpus(CORPUS), config, progress=False)
        gold = pd.read_csv(CORPUS / "annotations.csv", dtype=str, keep_default_na=False)
    gold[schema.PARAGRAPH] = gold[schema.PARAGRAPH].astype(int)
    gold = gold.rename(columns={"theme": "gold_theme", "function": "gold_function"})
    keys = [schema.DOC_ID, schema.PARAGRAPH]
    merged = segments.merge(
        gold[[*keys, "gold_theme", "gold_function", "canonical"]],
        on=keys,
        how="left",
        validate="many_to_one",
    )
    missing = merged["gold_function"].isna().sum()
    if missing:
        sys.exit(f"{missing} {unit}s have no annotation: is corpus/annotations.csv complete?")
    return merged, list(parsed.docs())


def out_of_fold(segments: pd.DataFrame, docs: list, method: str) -> np.ndarray:
    """Predictions of each row by a model that never saw its concertation."""
    labels = segments["gold_function"].to_numpy()
    predicted = np.empty(len(segments), dtype=object)
    folds = GroupKFold(n_splits=N_FOLDS).split(segments, labels, segments[schema.CONCERTATION_ID])
    config = FunctionsConfig(method=method)
    for train, test in folds:
        model = FunctionClassifier(
            method=method,
            cue_weight=config.cue_weight,
            heading_weight=config.heading_weight,
            regularisation=config.regularisation,
            random_state=config.random_state,
        )
        if method != "cues":
            model.fit(segments.iloc[train], labels[train], docs=[docs[i] for i in train])
        predicted[test] = model.predict(segments.iloc[test], docs=[docs[i] for i in test])
    return predicted


def print_scores(name: str, truth: np.ndarray, predicted: np.ndarray) -> None:
    classes = list(schema.FUNCTIONS)
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=classes, zero_division=0
    )
    print(f"\n{name}: accuracy {np.mean(truth == predicted):.3f}, macro-F1 {f1.mean():.3f}")
    print(f"  {'class':<16}{'precision':>10}{'recall':>10}{'F1':>10}{'n':>6}")
    for row in zip(classes, precision, recall, f1, support, strict=True):
        print(f"  {row[0]:<16}{row[1]:>10.3f}{row[2]:>10.3f}{row[3]:>10.3f}{row[4]:>6}")


def function_quality() -> None:
    print("=" * 100 + "\n1. FUNCTIONS, per annotated paragraph (712)\n" + "=" * 100)
    paragraphs, docs = load_units("paragraph")
    truth = paragraphs["gold_function"].to_numpy()
    print("Cue patterns (no training). NB: the cue list was written while reading this corpus,")
    print("so these figures are optimistic for other corpora.")
    print_scores("cues", truth, out_of_fold(paragraphs, docs, "cues"))
    print_scores(
        f"classifier ({N_FOLDS}-fold CV by concertation)",
        truth,
        out_of_fold(paragraphs, docs, "classifier"),
    )
    print_scores(
        f"combined ({N_FOLDS}-fold CV by concertation)",
        truth,
        out_of_fold(paragraphs, docs, "combined"),
    )


def majority_canonical(group_ids: list[str], index: pd.DataFrame) -> tuple[str, pd.Series]:
    """The planted id most of the group's concertations carry ('' for none), and all counts."""
    members = index.loc[group_ids]
    counts = members.groupby("canonical")[schema.CONCERTATION_ID].nunique()
    # on a tie, a planted id wins over unplanted statements
    order = sorted(counts.index, key=lambda label: (-counts[label], label == "", label))
    counts = counts[order]
    return str(counts.index[0]), counts


def evaluate_groups(groups: pd.DataFrame, segments: pd.DataFrame, prefix: str) -> dict:
    """Match found groups to planted ones: found, coverage, mixed and unplanted groups."""
    index = segments.set_index(schema.SEGMENT_ID)
    planted = segments[segments["canonical"].str.startswith(prefix)]
    planted_cities = planted.groupby("canonical")[schema.CITY].agg(lambda c: sorted(set(c)))
    best: dict[str, tuple[int, str]] = {}
    mixed, unplanted = [], []
    for group in groups.itertuples():
        major, counts = majority_canonical(group.segment_ids, index)
        if major == "":
            unplanted.append(group)
        elif len(counts) > 1:
            mixed.append((group, counts))
        if major:
            best[major] = max(best.get(major, (0, "")), (int(counts[major]), group.group_id))
    found = {
        p
        for p, cities in planted_cities.items()
        if best.get(p, (0, ""))[0] >= max(2, (len(cities) + 1) // 2)
    }
    return {
        "planted": planted_cities,
        "best": best,
        "found": found,
        "mixed": mixed,
        "unplanted": unplanted,
    }


def print_groups(title: str, groups: pd.DataFrame, result: dict) -> None:
    planted, best = result["planted"], result["best"]
    covered = sum(best.get(p, (0, ""))[0] for p in planted.index)
    total = sum(len(c) for c in planted)
    print(
        f"\n{title}: {len(groups)} groups in 2+ concertations; planted found "
        f"{len(result['found'])}/{len(planted)}; planted mentions covered {covered}/{total}; "
        f"false groupings (mixing planted ids, or planted and other) {len(result['mixed'])}; "
        f"recurrences not planted {len(result['unplanted'])}"
    )
    status_of = dict(zip(groups[schema.GROUP_ID], groups[schema.STATUS], strict=True))
    cities_of = dict(zip(groups[schema.GROUP_ID], groups[schema.CITIES], strict=True))
    for planted_id, cities in planted.items():
        n, group_id = best.get(planted_id, (0, ""))
        mark = "found" if planted_id in result["found"] else "MISSED"
        found = (
            f"{group_id} ({status_of[group_id]}): {', '.join(cities_of[group_id])}" if n else "-"
        )
        expected = EXPECTED_STATUS.get(planted_id)
        note = f" [expected {expected}]" if expected else ""
        print(f"  {planted_id} {mark:<6} planted {len(cities)}: {', '.join(cities)}")
        print(f"  {'':<13}best group {found}{note}")
    for group, counts in result["mixed"]:
        detail = ", ".join(f"{k or 'other'} x{v}" for k, v in counts.items())
        print(f"  mixed {group.group_id}: {detail} | {group.label[:70]}")
    for group in result["unplanted"]:
        print(f"  not planted {group.group_id} ({', '.join(group.cities)}): {group.label[:80]}")


def evaluate_links(
    obstacles: pd.DataFrame, proposals: pd.DataFrame, segments: pd.DataFrame, config: TracingConfig
) -> None:
    index = segments.set_index(schema.SEGMENT_ID)
    planted_of = {
        g.group_id: majority_canonical(g.segment_ids, index)[0]
        for g in pd.concat([obstacles, proposals]).itertuples()
    }
    links = link_proposals(obstacles, proposals, segments, config=config)
    correct, wrong = set(), 0
    for link in links.itertuples():
        answer, obstacle = planted_of[link.proposal_group_id], planted_of[link.obstacle_group_id]
        why = f"({link.similarity}: {', '.join(link.shared_terms)})"
        if answer in ANSWERS and ANSWERS[answer] == obstacle:
            correct.add(answer)
        elif answer.startswith("P") or obstacle in UNANSWERED:
            # a planted proposal answers one known obstacle; F06, F08, F09 have no answer
            wrong += 1
            print(f"  wrong link: {answer or 'other'} -> {obstacle or 'other'} {why}")
        elif obstacle:
            print(f"  to inspect: an unplanted proposal -> {obstacle} {why}")
    alone = unanswered_obstacles(obstacles, links)
    # a planted obstacle is unanswered when none of its groups (it may be split) is answered
    answered = {planted_of[g] for g in links[schema.OBSTACLE_GROUP_ID]}
    alone_planted = sorted({planted_of[g] for g in obstacles[schema.GROUP_ID]} - answered - {""})
    print(
        f"  links: {len(links)}; planted answers found {len(correct)}/{len(ANSWERS)}; wrong links "
        f"(a planted proposal to another obstacle, or a link to F06/F08/F09) {wrong}"
    )
    print(
        f"  unanswered planted obstacles: {', '.join(alone_planted) or '-'} "
        f"(expected: {', '.join(sorted(UNANSWERED))}); unanswered in all: {len(alone)}"
    )


def grouping_quality(segments: pd.DataFrame, title: str, *, sweep: bool) -> None:
    config = TracingConfig()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obstacles = canonical_groups(segments, "frein", config=config)
        proposals = canonical_groups(segments, "proposition", config=config)
    print("\n" + "-" * 100 + f"\n{title}\n" + "-" * 100)
    print_groups("Obstacles (freins)", obstacles, evaluate_groups(obstacles, segments, "F"))
    print_groups("Proposals", proposals, evaluate_groups(proposals, segments, "P"))
    print(f"\nLinks between proposals and obstacles (link_threshold {config.link_threshold}):")
    evaluate_links(obstacles, proposals, segments, config)
    if sweep:
        print("\nThreshold sweep (found / mentions covered / mixed / not planted):")
        for threshold in (0.10, 0.12, 0.15, 0.18, 0.20, 0.25, 0.30):
            swept = TracingConfig(similarity_threshold=threshold)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                row = []
                for function, prefix in (("frein", "F"), ("proposition", "P")):
                    groups = canonical_groups(segments, function, config=swept)
                    result = evaluate_groups(groups, segments, prefix)
                    covered = sum(
                        result["best"].get(p, (0, ""))[0] for p in result["planted"].index
                    )
                    total = sum(len(c) for c in result["planted"])
                    row.append(
                        f"{function} {len(result['found'])}/{len(result['planted'])} / "
                        f"{covered}/{total} / {len(result['mixed'])} / {len(result['unplanted'])}"
                    )
            print(f"  similarity_threshold {threshold:.2f}: " + "   ".join(row))


def main() -> None:
    if not (CORPUS / "annotations.csv").is_file():
        sys.exit("corpus/annotations.csv is missing: nothing to benchmark.")
    start = time.perf_counter()
    load_labelled_file(CORPUS / "annotations.csv")  # checks the labels
    function_quality()
    print("\n" + "=" * 100 + "\n2. CANONICAL OBSTACLES AND PROPOSALS\n" + "=" * 100)
    paragraphs, _ = load_units("paragraph")
    gold = paragraphs.assign(
        **{schema.THEME_ID: paragraphs["gold_theme"], schema.FUNCTION: paragraphs["gold_function"]}
    )
    grouping_quality(gold, "Gold functions and themes, paragraphs", sweep=True)
    segments, docs = load_units("segment")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ThemeModel.from_config(AnalysisConfig().themes).fit(segments)
        segments, themes = assign_themes(segments, model)
    segments[schema.FUNCTION] = out_of_fold(segments, docs, "combined")
    accuracy = np.mean(segments[schema.FUNCTION] == segments["gold_function"])
    title = (
        f"Pipeline: {len(segments)} segments, functions predicted out of fold (accuracy "
        f"{accuracy:.3f}), {len(themes)} themes of the default theme model"
    )
    grouping_quality(segments, title, sweep=True)
    print("\n" + "=" * 100 + "\n3. THE PACKAGED MODEL\n" + "=" * 100)
    shipped = default_model.DEFAULT_MODEL_PATH
    fresh = default_model.is_up_to_date(shipped, corpus_path=CORPUS)
    print(
        f"{shipped.relative_to(ROOT)}: "
        + ("up to date" if fresh else "STALE: run python -m analysis.roles.model")
    )
    print(f"\nDone in {time.perf_counter() - start:.0f} s.")


if __name__ == "__main__":
    main()
