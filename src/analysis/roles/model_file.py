"""The function model file: a fitted classifier's numbers as plain JSON, written and read back.

The classifier of :mod:`analysis.roles.classifier` (TF-IDF over lemmas, heading words and form
features, and the text's mean word vector, then a logistic regression) is stored in
``analysis/data/function_model.json``: vocabulary, idf weights, coefficients, intercepts and
class names, with the settings of the training (whether the classifier reads form features,
which word vectors and their weight), a digest of the training data,
the labelled files and the versions used. :func:`load_model` rebuilds the estimators from
these numbers (no pickle: loading the file runs no code), so an installed package classes
segments without the sample corpus and without training at run time. The file is written by
:mod:`analysis.roles.model` (``python -m analysis.roles.model``).

Example
-------
>>> from analysis.config import FunctionsConfig
>>> classifier = load_model(config=FunctionsConfig(method="combined"))
>>> classifier.n_training_rows_
1183
"""

from __future__ import annotations

import functools
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import spacy

from analysis.config import FunctionsConfig
from analysis.roles.classifier import (
    FunctionClassifier,
    classifier_from_config,
    new_regression,
    new_vectorizer,
)
from analysis.roles.cue_table import CLASSES

FORMAT = "analysis.function_model"  # a file-format id, kept when modules are renamed
FORMAT_VERSION = 3  # 2: cue features, sample weights; 3: mean word vector
MODEL_FILE = "function_model.json"
PACKAGE_DATA = Path(__file__).resolve().parents[1] / "data"
DEFAULT_MODEL_PATH = PACKAGE_DATA / MODEL_FILE
RETRAIN_COMMAND = "python -m analysis.roles.model"
# the vectoriser's settings that shape its features: a file written with others is refused
_VECTORIZER_KEYS = (
    "lowercase",
    "min_df",
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
    return {key: plain_json(params[key]) for key in _VECTORIZER_KEYS}


def plain_json(value: Any) -> Any:
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
            "form_features": bool(classifier.form_features),
            **_vector_settings(classifier.word_vectors, classifier.vector_weight),
            "vector_size": int(model.coef_.shape[1] - len(vectorizer.idf_)),
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
    classifier.form_features = bool(data["settings"].get("form_features", False))  # as trained
    classifier.word_vectors = str(data["settings"]["word_vectors"])
    classifier.vector_weight = float(data["settings"]["vector_weight"])
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
    settings = data.get("settings")
    missing += [
        f"settings.{key}"
        for key in ("word_vectors", "vector_weight", "vector_size")
        if isinstance(settings, dict) and key not in settings
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
    n_features = n_terms + _vector_size(data["settings"])
    shapes_agree = (
        len(data["idf"]) == n_terms
        and len(data["coef"]) == (n_rows or len(data["classes"]))
        and all(len(row) == n_features for row in data["coef"])
        and len(data["intercept"]) == len(data["coef"])
        and set(data["classes"]) <= set(CLASSES)
    )
    if not shapes_agree:
        raise FunctionModelError(
            f"{path} : les tailles du vocabulaire, des poids idf, des coefficients et des "
            "classes ne concordent pas (fichier abîmé ?). Recréez-le avec "
            f"« {RETRAIN_COMMAND} »."
        )


def _vector_settings(word_vectors: str, vector_weight: float) -> dict[str, Any]:
    """The word-vector settings as a model file records them: ``""`` and 0 when either turns
    the vectors off, so that a model without vectors reads the same whichever did."""
    used = bool(word_vectors) and vector_weight > 0
    return {
        "word_vectors": str(word_vectors) if used else "",
        "vector_weight": float(vector_weight) if used else 0.0,
    }


def _vector_size(settings: dict[str, Any]) -> int:
    """Columns of the mean word vector after the TF-IDF columns (0 without vectors)."""
    size = settings.get("vector_size", 0)
    return size if isinstance(size, int) and size >= 0 else -1  # -1: the shapes never agree


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
    model.n_features_in_ = len(data["vocabulary"]) + _vector_size(settings)
    model.n_iter_ = np.zeros(1, dtype=np.int32)  # not stored: no refit ever continues from it
    return vectorizer, model


def _warn_other_settings(path: Path, settings: dict[str, Any], config: FunctionsConfig) -> None:
    asked = {
        "regularisation": config.regularisation,
        "random_state": config.random_state,
        **_vector_settings(config.word_vectors, config.vector_weight),
    }
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
