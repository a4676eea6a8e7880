"""The function of every segment: the classifier the settings ask for (cues only, the packaged
model, or one trained on the user's labelled file), its decisions and their reasons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import schema
from analysis.config import FunctionsConfig
from analysis.roles import model_file
from analysis.roles.annotations import (
    GOLD_FUNCTION_COLUMN,
    FunctionLabelError,
    join_labels,
    load_labelled_file,
)
from analysis.roles.classifier import FunctionClassifier, classifier_from_config
from analysis.roles.docs import DocsOrNlp, resolve_docs
from analysis.roles.store import stored_cue_hits


def train_classifier(
    segments: pd.DataFrame, labelled: pd.DataFrame, *, config: FunctionsConfig
) -> FunctionClassifier:
    """Fit a classifier with ``config``'s settings on the segments that ``labelled`` labels.

    Parameters
    ----------
    segments
        Segments with ``segment_id``, ``lemmas``, ``heading`` and the key columns of ``labelled``.
    labelled
        Output of :func:`load_labelled_file` (or ``corpus/annotations.csv`` read by it).
    """
    training = join_labels(segments, labelled)
    if training.empty:
        raise FunctionLabelError(
            "Aucun segment ne porte d'étiquette : les identifiants de document et les numéros "
            "de paragraphe du fichier d'annotations ne correspondent pas au corpus analysé "
            "(annotez ce corpus, ou retirez [functions] labelled_file pour le modèle livré)."
        )
    return classifier_from_config(config).fit(training, training[GOLD_FUNCTION_COLUMN])


def default_classifier(
    *, config: FunctionsConfig | None = None, path: str | Path | None = None
) -> FunctionClassifier:
    """The classifier shipped with the package, with ``config``'s settings.

    Its TF-IDF weights and logistic regression were trained ahead on the sample corpus and
    its ``annotations.csv`` and are read from ``analysis/data/function_model.json`` (plain
    JSON, no pickle): nothing is parsed or trained at run time. Retrain it with
    ``python -m analysis.roles.model`` (see :mod:`analysis.roles.model`).

    Parameters
    ----------
    config
        Settings of the classifier (method, weights...); defaults to :class:`FunctionsConfig`.
        ``regularisation`` and ``random_state`` are those of the training: another value is
        reported with :class:`analysis.roles.model_file.FunctionModelWarning`.
    path
        Another model file written by :func:`analysis.roles.model_file.save_model`.

    Raises
    ------
    analysis.roles.model_file.FunctionModelError
        When the model file is missing, unreadable or of another format.
    """
    return model_file.load_model(path, config=config or FunctionsConfig())


def choose_classifier(
    segments: pd.DataFrame, config: FunctionsConfig, classifier: FunctionClassifier | None
) -> FunctionClassifier:
    """``classifier`` when given, else the one ``config`` asks for: cues only, one trained on
    ``labelled_file`` (joined to ``segments``), or the packaged model."""
    if classifier is not None:
        return classifier
    if config.method == "cues":
        return classifier_from_config(config)
    if config.labelled_file:
        # the user's own labels, joined to the corpus analysed: trained at run time
        labelled = load_labelled_file(config.labelled_file)
        try:
            return train_classifier(segments, labelled, config=config)
        except FunctionLabelError as error:  # say which file the labels come from
            raise FunctionLabelError(f"{config.labelled_file} : {error}") from error
    return default_classifier(config=config)


def classify_functions(
    segments: pd.DataFrame,
    docs_or_nlp: DocsOrNlp,
    *,
    config: FunctionsConfig,
    classifier: FunctionClassifier | None = None,
) -> pd.DataFrame:
    """Add the function of each segment, its score and the reason for it.

    Parameters
    ----------
    segments
        Needs ``segment_id``, ``text`` and ``heading``; ``lemmas`` for the classifier.
    docs_or_nlp
        The spaCy Docs of the segment texts (row order, or a mapping by ``segment_id``), or a
        French pipeline to parse them.
    config
        ``[functions]`` settings. Without ``classifier``: ``method="cues"`` needs no training;
        otherwise the classifier is trained on ``labelled_file`` (joined to these segments on
        ``doc_id`` + ``paragraph`` or ``segment_id``) when set, else the packaged model
        (:func:`default_classifier`, trained ahead on the sample corpus) is used.
    classifier
        An already fitted :class:`FunctionClassifier`, used as it is.

    Returns
    -------
    DataFrame
        A copy of ``segments`` with ``function``, ``function_score`` (0 to 1; 0 when nothing
        supported the default class) and ``function_reason`` (French).
    """
    classifier = choose_classifier(segments, config, classifier)
    hits = stored_cue_hits(segments, docs_or_nlp)
    if hits is None:
        explained = classifier.explain(segments, docs=resolve_docs(segments, docs_or_nlp))
    else:
        explained = classifier.explain(segments, hits=hits)
    return segments.assign(
        **{
            schema.FUNCTION: explained[schema.FUNCTION],
            schema.FUNCTION_SCORE: explained[schema.FUNCTION_SCORE],
            schema.FUNCTION_REASON: explained[schema.FUNCTION_REASON],
        }
    )
