"""The default function model: trained ahead on the sample corpus, shipped in the package.

The classifier is trained once on the sample corpus and its ``annotations.csv`` and written to
``analysis/data/function_model.json`` by :func:`build_default_model` (the file's format is
that of :mod:`analysis.roles.model_file`). Retrain after changing the annotations, the corpus,
the lemmatisation or the classifier's features, from a source checkout::

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
import dataclasses
import hashlib
import json
import sys
import warnings
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import schema
from analysis.config import CacheConfig, FunctionsConfig, NlpConfig
from analysis.roles.annotations import (
    GOLD_FUNCTION_COLUMN,
    FunctionLabelError,
    join_labels,
    load_labelled_file,
)
from analysis.roles.classifier import FunctionClassifier, classifier_from_config, feature_texts
from analysis.roles.model_file import (
    DEFAULT_MODEL_PATH,
    RETRAIN_COMMAND,
    model_to_dict,
    plain_json,
    save_model,
)

# only for retraining, from a source checkout: a wheel has no corpus
SAMPLE_CORPUS = Path(__file__).resolve().parents[3] / "corpus"
ANNOTATIONS = "annotations.csv"


def _parse_training_corpus(corpus_path: Path, cache: CacheConfig | None) -> pd.DataFrame:
    """Paragraph segments of the labelled corpus with their lemmas, parsed with the default
    settings (the parse is kept in the cache beside the corpus, or in ``cache``)."""
    from analysis.config import AnalysisConfig  # noqa: PLC0415 - heavy, only to retrain
    from analysis.corpus import CorpusWarning, load_corpus  # noqa: PLC0415
    from analysis.nlp import NlpWarning, prepare_segments  # noqa: PLC0415

    config = AnalysisConfig(base_dir=str(corpus_path.parent))
    config = config.replace("segmentation", unit="paragraph")
    if cache is not None:
        config = config.replace("cache", **dataclasses.asdict(cache))
    with warnings.catch_warnings():
        # remarks on the training corpus (a paragraph with no content word...) are not about
        # any corpus a user analyses
        warnings.simplefilter("ignore", NlpWarning)
        warnings.simplefilter("ignore", CorpusWarning)
        documents = load_corpus(corpus_path)
        segments, _parsed, _expressions = prepare_segments(documents, config, progress=False)
    return segments


def training_digest(training: pd.DataFrame) -> str:
    """SHA-256 of what a classifier learns from: each labelled row's features and label.

    Parameters
    ----------
    training
        The labelled segments (output of :func:`analysis.roles.annotations.join_labels`): needs
        ``segment_id``, ``lemmas``, ``gold_function``; ``heading`` when present.
    """
    rows = sorted(
        zip(
            training[schema.SEGMENT_ID].astype(str),
            feature_texts(training, training[schema.LEMMAS].fillna("").astype(str).tolist()),
            training[GOLD_FUNCTION_COLUMN].astype(str),
            strict=True,
        )
    )
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def train_default_model(
    corpus_path: str | Path | None = None,
    *,
    config: FunctionsConfig | None = None,
    cache: CacheConfig | None = None,
) -> tuple[FunctionClassifier, dict[str, Any]]:
    """Train the default classifier on a labelled corpus, as :func:`build_default_model` does.

    Parameters
    ----------
    corpus_path
        A corpus folder holding ``annotations.csv``; defaults to the sample ``corpus/``.
    config
        ``regularisation`` and ``random_state`` of the training; defaults to
        :class:`~analysis.config.FunctionsConfig`.
    cache
        Where the corpus parse is cached; None: the ``.cache`` folder beside the corpus.

    Returns
    -------
    tuple
        The fitted classifier and the description of its training data (for :func:`save_model`).

    Raises
    ------
    analysis.roles.FunctionLabelError
        When the corpus has no ``annotations.csv`` or no paragraph carries a label.
    """
    config = config or FunctionsConfig()
    corpus_path = Path(corpus_path) if corpus_path is not None else SAMPLE_CORPUS
    annotations = corpus_path / ANNOTATIONS
    if not annotations.is_file():
        raise FunctionLabelError(
            f"Pas de données annotées pour entraîner le classifieur de fonctions : {annotations} "
            "est absent. Lancez la commande depuis une copie du dépôt (qui contient corpus/), "
            "ou donnez avec --corpus un dossier qui contient annotations.csv."
        )
    labelled = load_labelled_file(annotations)
    segments = _parse_training_corpus(corpus_path.resolve(), cache)
    training = join_labels(segments, labelled)
    if training.empty:
        raise FunctionLabelError(
            f"{annotations} : aucune ligne ne correspond à un paragraphe de {corpus_path} "
            "(vérifiez les colonnes doc_id et paragraph)."
        )
    classifier = classifier_from_config(config).fit(training, training[GOLD_FUNCTION_COLUMN])
    described = {
        "corpus": corpus_path.name,
        "labelled_file": f"{corpus_path.name}/{ANNOTATIONS}",
        "labelled_file_sha256": hashlib.sha256(annotations.read_bytes()).hexdigest(),
        "digest": training_digest(training),
        "labels": {
            name: int(count)
            for name, count in training[GOLD_FUNCTION_COLUMN].value_counts().sort_index().items()
        },
        "segmentation_unit": "paragraph",
        "spacy_model": _spacy_model_name(),
    }
    return classifier, described


def _spacy_model_name() -> str:
    name = NlpConfig().model
    try:
        return f"{name} {version(name.replace('_', '-'))}"
    except PackageNotFoundError:  # the version is informative only
        return name


def build_default_model(
    out_path: str | Path | None = None,
    *,
    corpus_path: str | Path | None = None,
    cache: CacheConfig | None = None,
) -> Path:
    """Train the default classifier on the sample corpus and write it as the packaged model.

    Parameters
    ----------
    out_path
        Where to write; defaults to ``src/analysis/data/function_model.json``.
    corpus_path
        A labelled corpus folder (with ``annotations.csv``); defaults to the sample corpus.
    cache
        Where the corpus parse is cached; None: the ``.cache`` folder beside the corpus.

    Returns
    -------
    Path
        The file written.
    """
    classifier, training = train_default_model(corpus_path, cache=cache)
    return save_model(classifier, out_path or DEFAULT_MODEL_PATH, training=training)


def is_up_to_date(path: str | Path | None = None, *, corpus_path: str | Path | None = None) -> bool:
    """True when retraining on the corpus gives the model stored at ``path`` (the versions of
    the libraries aside)."""
    path = Path(path) if path is not None else DEFAULT_MODEL_PATH
    classifier, training = train_default_model(corpus_path)
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
        "corpus d'exemple et de son annotations.csv.",
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=SAMPLE_CORPUS,
        help="dossier du corpus annoté (défaut : %(default)s)",
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
            fresh = is_up_to_date(args.out, corpus_path=args.corpus)
            print(f"{args.out} : {'à jour' if fresh else 'périmé, relancez sans --check'}")
            return 0 if fresh else 1
        written = build_default_model(args.out, corpus_path=args.corpus)
    except (ValueError, OSError) as error:
        print(f"erreur : {error}", file=sys.stderr)
        return 2
    model = json.loads(written.read_text(encoding="utf-8"))
    print(
        f"{written} écrit : {model['training']['n_rows']} paragraphes annotés, "
        f"{len(model['vocabulary'])} termes, classes {', '.join(model['classes'])}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
