"""The default function model: trained ahead on the sample corpus, shipped as plain JSON.

The classifier of :mod:`analysis.roles` (TF-IDF over lemmas and heading words, then a
logistic regression) is trained once on the sample corpus and its ``annotations.csv``, and its
fitted numbers are written to ``analysis/data/function_model.json``: vocabulary, idf weights,
coefficients, intercepts and class names, with the settings of the training, a digest of the
training data and the versions used. :func:`load_model` rebuilds the estimators from these
numbers (no pickle: loading the file runs no code), so an installed package classes segments
without the sample corpus and without training at run time.

Retrain after changing the annotations, the corpus, the lemmatisation or the classifier's
features, from a source checkout::

    python -m analysis.role_model            # writes src/analysis/data/function_model.json
    python -m analysis.role_model --check    # exit code 1 when the shipped file is stale

Example
-------
>>> from analysis.config import FunctionsConfig
>>> classifier = load_model(config=FunctionsConfig(method="combined"))
>>> classifier.n_training_rows_
712
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import json
import sys
import warnings
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sklearn
import spacy

from analysis import schema
from analysis.config import CacheConfig, FunctionsConfig, NlpConfig
from analysis.roles import (
    CLASSES,
    GOLD_FUNCTION_COLUMN,
    FunctionClassifier,
    FunctionLabelError,
    _feature_texts,
    classifier_from_config,
    join_labels,
    load_labelled_file,
    new_regression,
    new_vectorizer,
)

FORMAT = "analysis.function_model"
FORMAT_VERSION = 1
MODEL_FILE = "function_model.json"
PACKAGE_DATA = Path(__file__).resolve().parent / "data"
DEFAULT_MODEL_PATH = PACKAGE_DATA / MODEL_FILE
# only for retraining, from a source checkout: a wheel has no corpus
SAMPLE_CORPUS = Path(__file__).resolve().parents[2] / "corpus"
ANNOTATIONS = "annotations.csv"
RETRAIN_COMMAND = "python -m analysis.function_model"
# the vectoriser's settings that shape its features: a file written with others is refused
_VECTORIZER_KEYS = (
    "lowercase",
    "ngram_range",
    "norm",
    "smooth_idf",
    "sublinear_tf",
    "token_pattern",
    "use_idf",
)


class FunctionModelError(ValueError):
    """A function model file cannot be read (missing, malformed, or of another format)."""


class FunctionModelWarning(UserWarning):
    """The packaged model was trained with other settings than those asked for."""


# --- writing ------------------------------------------------------------------------------------


def _vectorizer_settings() -> dict[str, Any]:
    params = new_vectorizer().get_params()
    return {key: _plain(params[key]) for key in _VECTORIZER_KEYS}


def _plain(value: Any) -> Any:
    """``value`` as JSON writes and reads it back (tuples become lists)."""
    return json.loads(json.dumps(value))


def model_to_dict(classifier: FunctionClassifier, *, training: dict[str, Any]) -> dict[str, Any]:
    """The fitted numbers of ``classifier`` and what they were trained on, as plain data.

    Parameters
    ----------
    classifier
        A fitted :class:`analysis.roles.FunctionClassifier`.
    training
        What the model was trained on (corpus, labelled file, digest...), stored as it is.

    Returns
    -------
    dict
        JSON-ready: lists of str and float only (floats kept exactly, as Python writes them).
    """
    if not hasattr(classifier, "model_"):
        raise FunctionModelError("Ce classifieur n'est pas entraîné : appelez fit() d'abord.")
    vectorizer, model = classifier.vectorizer_, classifier.model_
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "classes": [str(name) for name in model.classes_],
        "coef": model.coef_.tolist(),
        "intercept": model.intercept_.tolist(),
        "vocabulary": vectorizer.get_feature_names_out().tolist(),
        "idf": vectorizer.idf_.tolist(),
        "settings": {
            "regularisation": float(classifier.regularisation),
            "random_state": int(classifier.random_state),
            "class_weight": model.class_weight,
            "max_iter": int(model.max_iter),
            "vectorizer": _vectorizer_settings(),
        },
        "training": {**training, "n_rows": int(classifier.n_training_rows_)},
        "versions": {
            "format": FORMAT_VERSION,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "spacy": spacy.__version__,
        },
    }


def save_model(
    classifier: FunctionClassifier, path: str | Path, *, training: dict[str, Any]
) -> Path:
    """Write ``classifier`` to ``path`` as JSON (sorted keys: the same model, the same bytes).

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    payload = model_to_dict(classifier, training=training)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, sort_keys=True, indent=1, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


# --- reading ------------------------------------------------------------------------------------


def load_model(
    path: str | Path | None = None, *, config: FunctionsConfig | None = None
) -> FunctionClassifier:
    """A fitted :class:`~analysis.roles.FunctionClassifier` rebuilt from a model file.

    Parameters
    ----------
    path
        A file written by :func:`save_model`; None: the model shipped in the package.
    config
        The classifier's settings (method, weights...). ``regularisation`` and
        ``random_state`` belong to the training: when they differ from the file's, a
        :class:`FunctionModelWarning` says so and the file's model is used.

    Returns
    -------
    FunctionClassifier
        Fitted, with ``n_training_rows_`` and ``training_`` (what it was trained on: labelled
        file, label counts, digest of the training data) from the file.

    Raises
    ------
    FunctionModelError
        When the file is missing, is not valid JSON (its line and column are given), or is not
        a function model of this format.
    """
    config = config or FunctionsConfig()
    path = Path(path) if path is not None else DEFAULT_MODEL_PATH
    try:
        stat = path.stat()
    except OSError as error:
        raise FunctionModelError(
            f"Modèle de fonctions introuvable : {path}. Réinstallez le paquet, ou recréez le "
            f"fichier avec « {RETRAIN_COMMAND} » depuis une copie du dépôt ; sinon choisissez "
            "[functions] method = 'cues' dans analysis.toml."
        ) from error
    vectorizer, model, data = _read_model(str(path), stat.st_mtime_ns, stat.st_size)
    _warn_other_settings(path, data["settings"], config)
    classifier = classifier_from_config(config)
    classifier.vectorizer_ = vectorizer
    classifier.model_ = model
    classifier.classes_ = np.array(CLASSES)
    classifier.n_training_rows_ = int(data["training"]["n_rows"])
    classifier.training_ = dict(data["training"])
    return classifier


@functools.lru_cache(maxsize=4)
def _read_model(path: str, mtime_ns: int, size: int) -> tuple[Any, Any, dict[str, Any]]:
    """The fitted vectoriser, regression and metadata of a model file, read once per process
    (and again when the file changes: its time and size are part of the key)."""
    del mtime_ns, size  # cache key only
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise FunctionModelError(
            f"{path} : ce fichier n'est pas du texte UTF-8, donc pas un modèle de fonctions. "
            f"Recréez-le avec « {RETRAIN_COMMAND} »."
        ) from error
    except json.JSONDecodeError as error:
        raise FunctionModelError(
            f"{path}, ligne {error.lineno}, colonne {error.colno} : JSON illisible "
            f"({error.msg}). Recréez le fichier avec « {RETRAIN_COMMAND} »."
        ) from error
    _check_model_data(path, data)
    return (*_estimators_from(data), data)


def _check_model_data(path: str, data: Any) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FunctionModelError(
            f"{path} : ce n'est pas un modèle de fonctions (clé « format » différente de "
            f"« {FORMAT} »). Indiquez un fichier écrit par « {RETRAIN_COMMAND} »."
        )
    if data.get("format_version") != FORMAT_VERSION:
        raise FunctionModelError(
            f"{path} : modèle au format {data.get('format_version')!r}, cette version du "
            f"classeur lit le format {FORMAT_VERSION}. Recréez-le avec « {RETRAIN_COMMAND} »."
        )
    missing = [
        key
        for key in ("classes", "coef", "intercept", "vocabulary", "idf", "settings", "training")
        if key not in data
    ]
    if missing:
        raise FunctionModelError(
            f"{path} : clé(s) {', '.join(missing)} absente(s). Recréez le fichier avec "
            f"« {RETRAIN_COMMAND} »."
        )
    stored = data["settings"].get("vectorizer")
    if stored != _vectorizer_settings():
        raise FunctionModelError(
            f"{path} : le modèle a été entraîné avec d'autres réglages TF-IDF ({stored}) que "
            f"ceux de ce code ({_vectorizer_settings()}). Réentraînez-le avec "
            f"« {RETRAIN_COMMAND} »."
        )
    n_terms, n_rows = len(data["vocabulary"]), 1 if len(data["classes"]) == 2 else None
    shapes_agree = (
        len(data["idf"]) == n_terms
        and len(data["coef"]) == (n_rows or len(data["classes"]))
        and all(len(row) == n_terms for row in data["coef"])
        and len(data["intercept"]) == len(data["coef"])
        and set(data["classes"]) <= set(CLASSES)
    )
    if not shapes_agree:
        raise FunctionModelError(
            f"{path} : les tailles du vocabulaire, des poids idf, des coefficients et des "
            "classes ne concordent pas (fichier abîmé ?). Recréez-le avec "
            f"« {RETRAIN_COMMAND} »."
        )


def _estimators_from(data: dict[str, Any]) -> tuple[Any, Any]:
    """A fitted TfidfVectorizer and LogisticRegression holding the numbers of ``data``."""
    settings = data["settings"]
    vectorizer = new_vectorizer()
    vectorizer.vocabulary_ = {term: i for i, term in enumerate(data["vocabulary"])}
    vectorizer.idf_ = np.asarray(data["idf"], dtype=np.float64)
    model = new_regression(
        regularisation=float(settings["regularisation"]),
        random_state=int(settings["random_state"]),
    )
    model.classes_ = np.asarray(data["classes"])
    model.coef_ = np.asarray(data["coef"], dtype=np.float64)
    model.intercept_ = np.asarray(data["intercept"], dtype=np.float64)
    model.n_features_in_ = len(data["vocabulary"])
    model.n_iter_ = np.zeros(1, dtype=np.int32)  # not stored: no refit ever continues from it
    return vectorizer, model


def _warn_other_settings(path: Path, settings: dict[str, Any], config: FunctionsConfig) -> None:
    asked = {"regularisation": config.regularisation, "random_state": config.random_state}
    differ = {k: v for k, v in asked.items() if settings.get(k) != v}
    if differ:
        told = ", ".join(f"{k} = {v} (modèle : {settings.get(k)})" for k, v in differ.items())
        warnings.warn(
            f"[functions] {told} : le modèle de fonctions livré ({path.name}) a été entraîné "
            "avec d'autres réglages et sert tel quel. Pour appliquer les vôtres, indiquez vos "
            "propres annotations dans [functions] labelled_file, ou réentraînez le modèle avec "
            f"« {RETRAIN_COMMAND} » depuis une copie du dépôt.",
            FunctionModelWarning,
            stacklevel=3,
        )


# --- training -----------------------------------------------------------------------------------


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
        The labelled segments (output of :func:`analysis.roles.join_labels`): needs
        ``segment_id``, ``lemmas``, ``gold_function``; ``heading`` when present.
    """
    rows = sorted(
        zip(
            training[schema.SEGMENT_ID].astype(str),
            _feature_texts(training, training[schema.LEMMAS].fillna("").astype(str).tolist()),
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
    fresh = _plain(model_to_dict(classifier, training=training))
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return {**stored, "versions": None} == {**fresh, "versions": None}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis.role_model``: retrain and write the packaged model."""
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
