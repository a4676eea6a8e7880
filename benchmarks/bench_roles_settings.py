"""How the function model's settings and cues are chosen: on the real ``train`` rows only.

A 5-fold cross-validation of the ``split = train`` rows of
``tests/data/roles/real-labelled.csv``, grouped so that no author (debate comments) and no
document (the other sources) is on both sides of a fold; the sample corpus
(``corpus/annotations.csv``) is always in training, as in the shipped model. The ``eval`` rows
are never read: the blind comments stay blind, and ``bench_roles_real.py`` measures the
shipped settings on them once they are chosen.

Prints the figures of ``bench_roles_real.py`` (accuracy, macro-F1 over the classes the rows
hold and over those of 10 rows or more, the precision and recall of frein and proposition), for
all rows and per source, for the shipped settings (``CLASS_WEIGHTS``,
``REAL_WEIGHT``, ``[functions]`` defaults) and for the alternatives named on the command line
(default: freins weighted 2 and 5, real rows weighted 4). To judge a new cue, run it before and
after the change (``PYTHONPATH=<frozen copy>/src`` for the code before).

Then it sets the cross-validated model of the shipped settings beside a second annotation of 300
of the same rows (``tests/data/roles/second-annotation.csv``, made blind from the labelling
guide): how far the model is from how consistently the labels themselves can be given. With
``--learning-curve``, the shipped settings trained on shares of the real rows (about 80 s more):
whether more rows of the same kind would help.

Run: ``.venv/bin/python benchmarks/bench_roles_settings.py`` (about 30 s per setting; parses
are cached), or ``… --frein-weight 3 4 --real-weight 3`` for other values.
"""

from __future__ import annotations

import argparse
import itertools
import warnings

import numpy as np
import pandas as pd
from bench_roles_real import print_header, print_row, scores
from sklearn.metrics import cohen_kappa_score
from sklearn.model_selection import GroupKFold

from analysis import schema
from analysis.config import FunctionsConfig
from analysis.roles import training
from analysis.roles.annotations import GOLD_FUNCTION_COLUMN, normalise_function_label
from analysis.roles.model import CLASS_WEIGHTS, REAL_WEIGHT
from analysis.roles.training import LabelledRows

N_FOLDS = 5
COMMENTS = "decidim-comments"
SECOND_ANNOTATION = training.REAL_LABELLED.parent / "second-annotation.csv"
CURVE_SHARES = (0.25, 0.5, 0.75)  # shares of the real train rows' groups in the learning curve
PROPOSALS = ("decidim", "nancy")  # the platforms' proposals, the genre of the issue's targets


def folds_groups(real: LabelledRows) -> pd.Series:
    """The group of each row: its author for a debate comment, its document otherwise."""
    authors = pd.read_csv(
        training.REPOSITORY / "tests" / "data" / "roles" / "decidim-comments.csv",
        dtype=str,
        keep_default_na=False,
    ).set_index("id")["author_id"]
    groups = real.segments[training.GROUP].astype(str).copy()
    comments = (real.segments[training.SOURCE] == COMMENTS).to_numpy()
    doc_ids = groups[comments].str.split(":", n=1).str[1]
    groups[comments] = "author:" + doc_ids.map(authors).fillna(doc_ids)
    return groups


def cross_validate(
    sample: LabelledRows,
    real: LabelledRows,
    frein_weight: float,
    real_weight: float,
    *,
    share: float = 1.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Each real ``train`` row predicted by a model trained on the other folds and the sample;
    with ``share`` below 1, on that share of the other folds' groups only (drawn with
    ``seed``), every row still predicted: a point of the learning curve."""
    groups = folds_groups(real)
    names = np.array(sorted(set(groups)))
    kept = np.random.default_rng(seed).choice(names, size=round(share * len(names)), replace=False)
    predicted = np.empty(len(real), dtype=object)
    for train_rows, test_rows in GroupKFold(n_splits=N_FOLDS).split(real.segments, groups=groups):
        mask = np.zeros(len(real), dtype=bool)
        mask[train_rows] = True
        train = LabelledRows.concat([sample, real.take(mask & groups.isin(kept).to_numpy())])
        sources = set(train.segments[training.SOURCE]) - {training.SAMPLE}
        model = training.fit_labelled(
            train,
            weights={source: real_weight for source in sources},
            class_weights={schema.FREIN: frein_weight},
            config=FunctionsConfig(),
        )
        test = real.take(~mask)
        predicted[test_rows] = model.explain(test.segments, hits=test.hits)[schema.FUNCTION]
    return pd.DataFrame(
        {
            "segment_id": real.segments[schema.SEGMENT_ID].to_numpy(),
            "source": real.segments[training.SOURCE].to_numpy(),
            "truth": real.segments[GOLD_FUNCTION_COLUMN].to_numpy(),
            "predicted": predicted,
        }
    )


def _scores(rows: pd.DataFrame, column: str = "predicted") -> dict[str, float]:
    """The figures of ``rows``' ``column`` against their ``truth``."""
    return scores(rows["truth"].to_numpy(), rows[column].to_numpy())


def agreement_part(shipped: pd.DataFrame) -> None:
    """The second annotation against the first, and the cross-validated model (``shipped``,
    from :func:`cross_validate`) on the same rows, per source."""
    second = pd.read_csv(SECOND_ANNOTATION, dtype=str, keep_default_na=False)
    second_labels = pd.Series(
        second["function"].map(normalise_function_label).to_numpy(),
        index="real:" + second["source"] + ":" + second["segment_id"],
    )
    rows = shipped[shipped["segment_id"].isin(second_labels.index)].assign(
        second=lambda t: t["segment_id"].map(second_labels)
    )
    kappa = cohen_kappa_score(rows["truth"], rows["second"])
    print(
        f"\nsecond annotation of {len(rows)} train rows (blind, from the guide), against the "
        f"first: agreement {(rows['truth'] == rows['second']).mean():.3f}, Cohen's kappa "
        f"{kappa:.3f}; the first labels are the truth of each line"
    )
    print_header()
    for source, part in [("all", rows), *rows.groupby("source", sort=True)]:
        print_row(f"{source}: second annotation", _scores(part, "second"))
        print_row(f"{source}: model (cross-validated)", _scores(part))


def learning_curve_part(sample: LabelledRows, real: LabelledRows) -> None:
    """The shipped settings trained on a quarter, a half, three quarters of the real train
    rows (two draws each) and on all of them: whether more labelled rows of the same kind
    would still raise the figures."""
    print("\nlearning curve: the shipped settings trained on a share of the real rows' groups")
    print_header()
    frein, real_weight = CLASS_WEIGHTS[schema.FREIN], REAL_WEIGHT
    for share, seed in [(s, d) for s in CURVE_SHARES for d in (0, 1)] + [(1.0, 0)]:
        rows = cross_validate(sample, real, frein, real_weight, share=share, seed=seed)
        proposals = rows[rows["source"].isin(PROPOSALS)]
        for name, part in (("all", rows), ("proposals (decidim, nancy)", proposals)):
            print_row(f"{share:.0%} (draw {seed}), {name}", _scores(part))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frein-weight", type=float, nargs="*", default=[2.0, 5.0])
    parser.add_argument("--real-weight", type=float, nargs="*", default=[4.0])
    parser.add_argument(
        "--learning-curve", action="store_true", help="also train on shares of the rows"
    )
    args = parser.parse_args()
    shipped = (CLASS_WEIGHTS[schema.FREIN], REAL_WEIGHT)
    settings = [shipped] + [
        s
        for s in itertools.chain(
            ((w, REAL_WEIGHT) for w in args.frein_weight),
            ((CLASS_WEIGHTS[schema.FREIN], w) for w in args.real_weight),
        )
        if s != shipped
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sample = training.sample_rows()
        real = training.real_rows(split="train")
    print(f"{N_FOLDS}-fold CV of the real train rows ({len(real)}), grouped by author or document")
    for frein_weight, real_weight in settings:
        label = " (shipped)" if (frein_weight, real_weight) == shipped else ""
        print(f"\nfreins weigh {frein_weight:g}, real rows {real_weight:g}{label}")
        print_header()
        rows = cross_validate(sample, real, frein_weight, real_weight)
        print_row("all", _scores(rows))
        for source, part in rows.groupby("source", sort=True):
            print_row(str(source), _scores(part))
        if (frein_weight, real_weight) == shipped:
            shipped_rows = rows
    agreement_part(shipped_rows)
    if args.learning_curve:
        learning_curve_part(sample, real)


if __name__ == "__main__":
    main()
