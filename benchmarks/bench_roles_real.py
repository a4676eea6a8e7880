"""Quality of segment functions on real text, and on the sample corpus, per source.

Prints, for each source, macro-F1 (over the classes the source holds) and the precision and
recall of frein and proposition:

1. on the ``split = eval`` rows of ``tests/data/roles/real-labelled.csv``, per source
   (``decidim``: Decidim proposals; ``decidim-comments``: comments of the same platform's
   debates; ``seeds``: France urbaine's two articles), for the model shipped before the
   source's rows were labelled (the ``model_before`` column) and for a model trained as the
   shipped one is (sample corpus and the real ``train`` rows, freins weighted by
   ``CLASS_WEIGHTS``), which never saw an ``eval`` row.
   Only the ``decidim-comments`` rows are **blind**: no cue, feature or setting was chosen by
   looking at them; the ``decidim`` and ``seeds`` rows were looked at while the cues were
   written;
2. on the sample corpus (``corpus/annotations.csv``), by cross-validation grouped by
   concertation (4 folds): each fold is predicted by a model trained on the other three and
   on the real ``train`` rows;
3. how many segments the fiches would quote at the ``[functions] min_score`` threshold, and
   how right they are (real ``eval`` rows);
4. the fiches of ``analysis report`` on the two files of ``tests/data/real`` (the Decidim
   export, the IRaMuTeQ corpus): the first five freins and proposals of each fiche, each name
   read alone by the shipped classifier, and those it does not read as their section says (a
   proposal read as a finding, a frein, a heading or a sentence about the meeting); and, for
   the Decidim export, whose bodies are all labelled by hand, the names taken from a segment
   whose hand label is not the section's (a frein quoted as a proposal: the classifier cannot
   see its own mistakes by reading a name again).

Run: ``.venv/bin/python benchmarks/bench_roles_real.py`` (about a minute; parses are cached).
"""

from __future__ import annotations

import re
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GroupKFold

from analysis import pipeline, schema
from analysis.config import FunctionsConfig, load_config
from analysis.corpus import load_corpus
from analysis.nlp import load_pipeline
from analysis.roles import classify_functions, doc_lemmas, training
from analysis.roles.annotations import GOLD_FUNCTION_COLUMN, normalise_function_label
from analysis.roles.model import CLASS_WEIGHTS, REAL_WEIGHT
from analysis.roles.training import LabelledRows

N_FOLDS = 4
MIN_CLASS_ROWS = 10  # "m-F1 10+": macro-F1 over the classes with this many rows or more
QUOTED = (schema.FREIN, schema.PROPOSITION, schema.BONNE_PRATIQUE)
BLIND = frozenset({"decidim-comments"})  # eval rows nobody chose a cue or a setting on
# what "before" is for each source (the model_before column of real-labelled.csv)
BEFORE = {
    "decidim": "sample-only model",
    "seeds": "sample-only model",
    "decidim-comments": "model shipped before",
}
NAME_WIDTH = 46
_PLURAL = {"body": "bodies", "title": "titles"}  # the rows of each field


def scores(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Macro-F1 over the classes present in ``truth`` and over those with at least
    :data:`MIN_CLASS_ROWS` rows (a class of 3 rows moves macro-F1 by a fifth), and frein and
    proposition P/R."""
    present = sorted(set(truth))
    f1 = precision_recall_fscore_support(truth, predicted, labels=present, zero_division=0)[2]
    counts = pd.Series(truth).value_counts()
    frequent = sorted(counts[counts >= MIN_CLASS_ROWS].index)
    f1_frequent = precision_recall_fscore_support(
        truth, predicted, labels=frequent, zero_division=0
    )[2]
    precision, recall, _, _ = precision_recall_fscore_support(
        truth, predicted, labels=[schema.FREIN, schema.PROPOSITION], zero_division=0
    )
    return {
        "n": len(truth),
        "accuracy": float(np.mean(truth == predicted)),
        "macro_f1": float(np.mean(f1)),
        "macro_f1_frequent": float(np.mean(f1_frequent)) if frequent else float("nan"),
        "frein_p": precision[0],
        "frein_r": recall[0],
        "proposition_p": precision[1],
        "proposition_r": recall[1],
    }


def print_row(name: str, figures: dict[str, float]) -> None:
    print(
        f"  {name:<{NAME_WIDTH}}{figures['n']:>5}{figures['accuracy']:>7.3f}"
        f"{figures['macro_f1']:>9.3f}"
        f"{figures['macro_f1_frequent']:>9.3f}"
        f"{figures['frein_p']:>9.3f}{figures['frein_r']:>7.3f}"
        f"{figures['proposition_p']:>9.3f}{figures['proposition_r']:>7.3f}"
    )


def print_header() -> None:
    print(
        f"  {'':<{NAME_WIDTH}}{'n':>5}{'acc':>7}{'macro-F1':>9}{'m-F1 10+':>9}"
        f"{'frein P':>9}{'R':>7}"
        f"{'prop. P':>9}{'R':>7}"
    )


def predict(train: LabelledRows, test: LabelledRows, config: FunctionsConfig) -> pd.DataFrame:
    """Function and score of each ``test`` row by a model fitted on ``train``."""
    weights = {s: REAL_WEIGHT for s in set(train.segments[training.SOURCE]) - {training.SAMPLE}}
    model = training.fit_labelled(
        train, weights=weights, class_weights=CLASS_WEIGHTS, config=config
    )
    return model.explain(test.segments, hits=test.hits)


def real_part(sample: LabelledRows, real: LabelledRows, config: FunctionsConfig) -> pd.DataFrame:
    """Section 1: the real eval rows, before and after, per source."""
    train = LabelledRows.concat([sample, real.take(real.segments[training.SPLIT] == "train")])
    test = real.take(real.segments[training.SPLIT] == "eval")
    explained = predict(train, test, config)
    test_rows = test.segments.assign(
        predicted=explained[schema.FUNCTION].to_numpy(),
        score=explained[schema.FUNCTION_SCORE].to_numpy(),
    )
    before = pd.read_csv(training.REAL_LABELLED, dtype=str, keep_default_na=False)
    before = before[before["split"] == "eval"]
    print("=" * 84 + "\n1. REAL TEXT, split = eval (model trained without these rows)\n" + "=" * 84)
    print_header()
    for source, rows in test_rows.groupby(training.SOURCE, sort=True):
        old = before[before["source"] == source]
        truth_before = old["function"].map(normalise_function_label).to_numpy()
        predicted_before = old["model_before"].map(normalise_function_label).to_numpy()
        blind = " (BLIND)" if source in BLIND else ""
        described = BEFORE.get(source, "model before")
        print_row(f"{source}{blind}, {described}", scores(truth_before, predicted_before))
        truth = rows[GOLD_FUNCTION_COLUMN].to_numpy()
        print_row(f"{source}{blind}, new model", scores(truth, rows["predicted"].to_numpy()))
        if "field" in rows and (rows["field"] == "title").any():
            for field, part in rows.groupby("field", sort=True):
                truth = part[GOLD_FUNCTION_COLUMN].to_numpy()
                found = scores(truth, part["predicted"].to_numpy())
                print_row(f"  {source} {_PLURAL.get(field, field)}", found)
    for source, rows in test_rows.groupby(training.SOURCE, sort=True):
        print(f"\nConfusion, {source} eval rows (rows: truth, columns: predicted):")
        print(pd.crosstab(rows[GOLD_FUNCTION_COLUMN], rows["predicted"]).to_string())
    return test_rows


def sample_part(sample: LabelledRows, real: LabelledRows, config: FunctionsConfig) -> None:
    """Section 2: the sample corpus, grouped by concertation."""
    print("\n" + "=" * 84 + "\n2. SAMPLE CORPUS, 4-fold CV by concertation\n" + "=" * 84)
    real_train = real.take(real.segments[training.SPLIT] == "train")
    truth = sample.segments[GOLD_FUNCTION_COLUMN].to_numpy()
    predicted = np.empty(len(sample), dtype=object)
    folds = GroupKFold(n_splits=N_FOLDS).split(sample.segments, truth, sample.segments["group"])
    for fit_rows, test_rows in folds:
        fold_mask = np.zeros(len(sample), dtype=bool)
        fold_mask[test_rows] = True
        train = LabelledRows.concat([sample.take(~fold_mask), real_train])
        explained = predict(train, sample.take(fold_mask), config)
        predicted[test_rows] = explained[schema.FUNCTION].to_numpy()
        del fit_rows
    print_header()
    print_row("sample corpus (before: 0.875)", scores(truth, predicted))


def threshold_part(test_rows: pd.DataFrame, config: FunctionsConfig) -> None:
    """Section 3: what the fiches quote at each threshold (real eval rows)."""
    print("\n" + "=" * 84 + "\n3. THRESHOLD OF THE FICHES (real eval rows)\n" + "=" * 84)
    print("  min_score  quoted (frein/prop./BP)  of which right  left 'à vérifier'")
    candidates = test_rows[test_rows["predicted"].isin(QUOTED)]
    for threshold in sorted({0.0, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, config.min_score}):
        kept = candidates[candidates["score"] >= threshold]
        right = (kept["predicted"] == kept[GOLD_FUNCTION_COLUMN]).mean() if len(kept) else 0.0
        mark = "  <- [functions] min_score" if threshold == config.min_score else ""
        print(
            f"  {threshold:>9.2f}  {len(kept):>23}  {right:>14.3f}  "
            f"{len(candidates) - len(kept):>17}{mark}"
        )


REAL_FILES = {  # tests/data/real: the file and how analysts load it
    "decidim": ("lille-propositions-decidim.csv", {"text_column": "body", "id_column": "id"}),
    "iramuteq": ("lille-propositions-iramuteq.txt", {}),
}
# what a name listed in each section may be read as, alone
SECTIONS = {
    "freins": (schema.FREIN,),
    "propositions": (schema.PROPOSITION, schema.DEMANDE),
}


def _letters(text: str) -> str:
    return re.sub(r"\W+", "", text.replace("[personne]", "")).lower()


def _name_key(name: str) -> str:
    """What a fiche's name is looked for by in the segments' letters: its first 60 letters (a
    statement may join two segments; a name cut short ends on "…")."""
    return _letters(name.rstrip("…"))[:60]


def _fiche_names(name: str) -> list[tuple[str, str, str, str]]:
    """(fiche, section, name, segment) of the first five freins and proposals of each fiche of
    ``analysis report`` on one real file (default settings, a fresh cache); ``segment`` is the
    member of the group the name was taken from ("" if none holds it)."""
    root = Path(__file__).resolve().parents[1]
    file, options = REAL_FILES[name]
    with tempfile.TemporaryDirectory(prefix="bench-roles-") as cache:
        config = load_config(root / "analysis.toml").replace("cache", dir=cache)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            documents = load_corpus(root / "tests" / "data" / "real" / file, **options)
            results = pipeline.run(config, documents=documents, progress=False)
    texts = results.segments.set_index(schema.SEGMENT_ID)[schema.TEXT].to_dict()

    def source(item) -> str:
        key = _name_key(item.label)
        held = [s for s in item.segment_ids if key in _letters(str(texts.get(s, "")))]
        return str(held[0]) if held else ""

    return [
        (fiche.label, section, item.label, source(item))
        for fiche in results.fiches
        for section, items in (("freins", fiche.obstacles), ("propositions", fiche.proposals))
        for item in items[:5]
    ]


def fiches_part(config: FunctionsConfig) -> None:
    """Section 4: the names of the fiches' freins and proposals, read alone."""
    print(
        "\n"
        + "=" * 84
        + "\n4. FICHES ON tests/data/real: FIRST FIVE NAMES, READ ALONE\n"
        + "=" * 84
    )
    nlp = load_pipeline()
    gold = pd.read_csv(training.REAL_LABELLED, dtype=str, keep_default_na=False)
    decidim = gold[gold["source"] == "decidim"].set_index("segment_id")
    hand = decidim["function"].map(normalise_function_label).to_dict()
    hand_letters = {segment: _letters(text) for segment, text in decidim["text"].items()}

    def hand_label(segment: str, name: str) -> str:
        """The hand label of the segment a name was taken from: by its id when the labelled
        text holds the name; else by the labelled segment that holds it (a segment cut
        otherwise since it was labelled: 74 of the 487 Decidim body rows); else by its id (a
        name masked otherwise: "Mr [personne]" where "[personne]" was labelled)."""
        key = _name_key(name)
        if segment in hand and key and key in hand_letters[segment]:
            return hand[segment]
        held = [s for s, letters in hand_letters.items() if key and key in letters]
        return hand[held[0]] if held else hand.get(segment, "?")

    for name in REAL_FILES:
        listed = _fiche_names(name)
        texts = [label for _, _, label, _ in listed]
        segments = pd.DataFrame(
            {
                schema.SEGMENT_ID: [f"nom-{i}" for i in range(len(texts))],
                schema.TEXT: texts,
                schema.HEADING: "",
                schema.LEMMAS: [doc_lemmas(doc) for doc in nlp.pipe(texts)],
            }
        )
        read = classify_functions(segments, nlp, config=config)[schema.FUNCTION].tolist()
        verdicts = {"read otherwise": read}
        if name == "decidim":  # the Decidim bodies are labelled by hand, segment by segment
            hand_labels = [hand_label(segment, label) for _, _, label, segment in listed]
            verdicts["taken from a segment labelled otherwise by hand"] = hand_labels
        for what, functions in verdicts.items():
            for section, allowed in SECTIONS.items():
                rows = [
                    (f, t, function)
                    for (f, s, t, _), function in zip(listed, functions, strict=True)
                    if s == section
                ]
                wrong = [(f, t, function) for f, t, function in rows if function not in allowed]
                print(f"  {name:9s} {section:13s} {len(wrong)} of {len(rows)} {what}")
                for fiche, text, function in wrong:
                    print(f"      [{function}] {text[:90]} ({fiche})")


def main() -> None:
    start = time.perf_counter()
    config = FunctionsConfig()
    sample = training.sample_rows()
    real = training.real_rows()
    test_rows = real_part(sample, real, config)
    sample_part(sample, real, config)
    threshold_part(test_rows, config)
    fiches_part(config)
    print(f"\nDone in {time.perf_counter() - start:.0f} s.")


if __name__ == "__main__":
    main()
