"""Function of a segment and of each of its sentences: constat, frein, proposition...

Two sources of evidence are combined:

* **cue patterns** (:mod:`~analysis.roles.cue_table`, :mod:`~analysis.roles.cues`): French
  markers written as spaCy Matcher patterns on lemmas, word forms and morphology, matched over
  many segments at once by :class:`~analysis.roles.matcher.CuePatterns` ("il faut",
  "préconiser", "manque de", "faute de", "a permis de", "on observe une hausse"...), aware of
  negation ("ne manque pas de" is no obstacle; "n'a pas permis de" turns a good practice into
  an obstacle) and of the heading the segment sits under (:mod:`~analysis.roles.headings`:
  "Freins identifiés", "Propositions", "Demandes à l'État"...);
* **a classifier** (:mod:`~analysis.roles.classifier`): TF-IDF over the segment's lemmas and
  heading words, and how the text is put (its cues, forms such as "Suppression de…" or a
  question, :mod:`~analysis.roles.forms`, and pairs of words), with the mean word vector of
  the text (:mod:`analysis.nlp.vectors`), then a logistic regression:
  by default the model shipped in the package (trained ahead on the sample
  ``corpus/annotations.csv`` and the real labelled segments, see :mod:`analysis.roles.model`),
  or trained at run time on the user's own labelled file (``train_on_labelled``).

The analyst's labels (``[functions] labelled_file``) replace the classifier's for the segments
they label, and segments whose score is below ``[functions] min_score`` are marked "à
vérifier" (``function_check``): the fiches do not quote them.

With ``method="combined"`` the class probabilities are mixed,
``cue_weight * p_cues + (1 - cue_weight) * p_classifier``, when at least one cue or a known
heading is present, and the classifier alone decides otherwise. Every decision is explained in
the ``function_reason`` column: the cues that fired, the heading, the classifier's strongest
words. :func:`classify_functions` classes segments, :func:`sentence_functions` sentences.

Example
-------
>>> from analysis.config import FunctionsConfig
>>> segments = classify_functions(segments, nlp, config=FunctionsConfig(method="cues"))
"""

from analysis.roles.annotations import (
    GOLD_FUNCTION_COLUMN,
    FunctionLabelError,
    UnknownFunctionWarning,
    UnlabelledSegmentsWarning,
    join_labels,
    load_labelled_file,
    normalise_function_label,
)
from analysis.roles.classifier import (
    FunctionClassifier,
    FunctionSettingsError,
    Method,
    classifier_from_config,
    doc_lemmas,
    new_regression,
    new_vectorizer,
)
from analysis.roles.classify import (
    apply_corrections,
    classify_functions,
    default_classifier,
    mark_to_check,
    train_classifier,
)
from analysis.roles.cue_table import CLASSES, CUES, Cue
from analysis.roles.cues import CueHit, cue_scores, find_cues, find_cues_in
from analysis.roles.docs import DocsAlignmentError, DocsOrNlp, resolve_docs
from analysis.roles.headings import heading_function
from analysis.roles.matcher import CuePatterns, cue_matcher
from analysis.roles.model_file import FunctionModelError, FunctionModelWarning, load_model
from analysis.roles.sentences import SENTENCE, sentence_functions

__all__ = [
    "CLASSES",
    "CUES",
    "GOLD_FUNCTION_COLUMN",
    "SENTENCE",
    "Cue",
    "CueHit",
    "CuePatterns",
    "DocsAlignmentError",
    "DocsOrNlp",
    "FunctionClassifier",
    "FunctionLabelError",
    "FunctionModelError",
    "FunctionModelWarning",
    "FunctionSettingsError",
    "Method",
    "apply_corrections",
    "UnknownFunctionWarning",
    "UnlabelledSegmentsWarning",
    "classifier_from_config",
    "classify_functions",
    "cue_matcher",
    "cue_scores",
    "default_classifier",
    "doc_lemmas",
    "find_cues",
    "find_cues_in",
    "heading_function",
    "join_labels",
    "load_labelled_file",
    "load_model",
    "mark_to_check",
    "new_regression",
    "new_vectorizer",
    "normalise_function_label",
    "resolve_docs",
    "sentence_functions",
    "train_classifier",
]
