"""The function classifier: cue scores, a logistic regression over TF-IDF features (lemmas,
heading words and how the text is put: its cues, forms and pairs of words) and the mean word
vector of the text, or both mixed (:class:`FunctionClassifier`), with a French reason for
every decision.

The word vector lets the regression read a text whose words it never saw in training by the
words it did see near them ("saturé" is near "débordé", "insuffisant" near "manque"): chosen by
a cross-validation grouped by document on the real training rows (weight 1 against the TF-IDF
row's unit length), it raised the macro-F1 of the held-out Decidim proposals from 0.686 to
0.749 and that of the comments of the platform's debates, which no setting was chosen on, from
0.632 to 0.722 (over their classes of 10 rows or more; ``benchmarks/bench_roles_real.py``)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc, Span

from analysis import labels, schema
from analysis.config import FunctionsConfig
from analysis.nlp.vectors import WORD_VECTORS, load_word_vectors, text_vectors
from analysis.roles import cues
from analysis.roles.annotations import FunctionLabelError
from analysis.roles.cue_table import CLASS_INDEX, CLASSES
from analysis.roles.cues import CueHit, cue_scores
from analysis.roles.docs import DocsOrNlp, resolve_docs
from analysis.roles.headings import fold, heading_function

Method = Literal["cues", "classifier", "combined"]
_CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})
_GOVERNING = 2.5  # weight of the cues that decide a segment's function alone
# the labelling guide's order for a segment holding several functions: a request governs it,
# then a measure the author advances in the first person
_GOVERNING_ORDER = (schema.DEMANDE, schema.PROPOSITION)


class FunctionSettingsError(ValueError):
    """A setting of the classifier is out of range (``method``, ``cue_weight``,
    ``vector_weight``)."""


def doc_lemmas(doc: Doc | Span) -> str:
    """Content lemmas of a Doc or sentence, lower-cased and space-separated.

    Used for sentences and when the segments table has no ``lemmas`` column; the nlp module's
    lemmas (stop list, expressions joined by "_") are preferred when present.
    """
    return " ".join(
        t.lemma_.lower()
        for t in doc
        if t.pos_ in _CONTENT_POS and t.is_alpha and not t.is_stop and len(t) > 2
    )


@functools.lru_cache(maxsize=4096)  # a corpus has few headings, read for each segment
def _heading_tokens(heading: Any) -> str:
    if not isinstance(heading, str) or not heading.strip():
        return ""
    words = ["h_" + w for w in fold(heading).replace("'", " ").split() if len(w) > 2]
    announced = heading_function(heading)
    if announced is not None:
        words.append("hclass_" + announced.replace(" ", "_"))
    return " ".join(words)


def cue_tokens(hits: Sequence[CueHit]) -> str:
    """The cues and forms of a text as classifier features: "cue_il_faut", "cue_manque_de_nie"."""
    return " ".join(_cue_token(hit.cue.name) + ("_nie" if hit.negated else "") for hit in hits)


@functools.lru_cache(maxsize=1024)
def _cue_token(name: str) -> str:
    """A cue's name as one feature: "il faut" → "cue_il_faut"."""
    slug = "_".join(fold(name).replace("'", " ").replace("/", " ").split())
    return f"cue_{slug.replace('...', '').strip('_')}"


_WORD = re.compile(r"[^\W\d_]+|[?!]")


def word_pairs(text: str) -> str:
    """The pairs of consecutive words of a text and its first word, as classifier features
    ("w_il_faudrait", "w_je_propose", "first_taxer"): how a sentence is put, which the content
    lemmas lose (accents and case folded)."""
    words = _WORD.findall(fold(text))
    pairs = [f"w_{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    return " ".join(([f"first_{words[0]}"] if words else []) + pairs)


def feature_texts(
    segments: pd.DataFrame,
    lemmas: Sequence[str],
    hits: Sequence[Sequence[CueHit]] | None = None,
) -> list[str]:
    """The text each row is vectorised from: its lemmas, its heading's words ("h_…") and, when
    ``hits`` is given (form features), its cues and forms ("cue_…", see :func:`cue_tokens`)
    and its word pairs (:func:`word_pairs`, from ``text``)."""
    headings = segments[schema.HEADING] if schema.HEADING in segments else [""] * len(segments)
    if hits is None:
        forms = [""] * len(segments)
    else:
        texts = segments[schema.TEXT].fillna("").astype(str)
        forms = [f"{cue_tokens(h)} {word_pairs(t)}" for h, t in zip(hits, texts, strict=True)]
    return [
        " ".join(part for part in (lem, _heading_tokens(h), f.strip()) if part)
        for lem, h, f in zip(lemmas, headings, forms, strict=True)
    ]


def new_vectorizer() -> TfidfVectorizer:
    """The unfitted TF-IDF vectoriser of :class:`FunctionClassifier` (features are lemmas,
    heading words and form features, already lower-cased and joined by spaces; a feature of a
    single training text is left out: it would only learn that text)."""
    return TfidfVectorizer(
        token_pattern=r"\S+", sublinear_tf=True, lowercase=False, ngram_range=(1, 1), min_df=2
    )


def new_regression(*, regularisation: float, random_state: int) -> LogisticRegression:
    """The unfitted logistic regression of :class:`FunctionClassifier`."""
    return LogisticRegression(
        C=regularisation, class_weight="balanced", max_iter=5000, random_state=random_state
    )


@dataclass
class _Decision:
    function: str
    score: float
    probabilities: np.ndarray
    cues: list[str]
    heading_class: str | None
    words: list[str]
    reason: str
    sentence: tuple[int, int] | None = None  # the sentence of the heaviest cue of ``function``


class FunctionClassifier:
    """Function of segments (constat, frein, proposition...): cue patterns, a classifier, or both.

    Parameters
    ----------
    method
        ``"cues"`` (patterns and heading only, no training needed), ``"classifier"`` (TF-IDF +
        logistic regression over lemmas and heading words) or ``"combined"``.
    cue_weight
        Weight of the cue distribution in the combined probabilities (0 to 1).
    heading_weight
        Cue score added to the class a heading announces ("Freins identifiés": frein).
    regularisation
        Inverse regularisation strength ``C`` of the logistic regression.
    min_words
        With cues only and no evidence, texts of fewer words are "autre", longer ones "constat".
    random_state
        Seed of the logistic regression's solver.
    form_features
        The classifier also sees how each text is put: its cues and forms ("cue_il_faut",
        "cue_question") and its pairs of words ("w_je_propose"): :meth:`fit` then needs the
        texts' Docs or cue hits, and ``text``.
    word_vectors
        The installed spaCy package whose word vectors give each text's mean vector (from
        ``text``), a feature beside the TF-IDF row; "" for none.
    vector_weight
        Length of that mean vector against the TF-IDF row's unit length (0: not used).

    Attributes
    ----------
    classes_ : ndarray of str
        The six classes, in :data:`analysis.schema.FUNCTIONS` order.
    vectorizer_, model_
        The fitted TF-IDF vectoriser and logistic regression (after :meth:`fit`, or rebuilt
        from a model file by :func:`analysis.roles.model_file.load_model`); the regression's
        last columns weigh the mean word vector, when there is one.
    n_training_rows_ : int
        How many labelled rows it was trained on.
    """

    def __init__(
        self,
        *,
        method: Method = "combined",
        cue_weight: float = 0.3,
        heading_weight: float = 1.5,
        regularisation: float = 4.0,
        min_words: int = 4,
        random_state: int = 0,
        form_features: bool = True,
        word_vectors: str = WORD_VECTORS,
        vector_weight: float = 1.0,
    ) -> None:
        self.method = method
        self.cue_weight = cue_weight
        self.heading_weight = heading_weight
        self.regularisation = regularisation
        self.min_words = min_words
        self.random_state = random_state
        self.form_features = form_features
        self.word_vectors = word_vectors
        self.vector_weight = vector_weight

    def fit(
        self,
        segments: pd.DataFrame,
        labels: Sequence[str],
        *,
        docs: DocsOrNlp | None = None,
        hits: Sequence[Sequence[CueHit]] | None = None,
        sample_weight: Sequence[float] | None = None,
    ) -> FunctionClassifier:
        """Train the classifier on labelled segments.

        Parameters
        ----------
        segments
            Needs ``lemmas`` (or ``docs`` to lemmatise ``text``); ``heading`` is used when present.
        labels
            One function per row, each one of :data:`analysis.schema.FUNCTIONS`.
        docs
            The Docs of the texts (or a French pipeline to parse them): needed for the cue
            features (unless ``hits`` is given) and when ``segments`` has no ``lemmas`` column.
        hits
            The cues of each row (:func:`analysis.roles.find_cues_in`), instead of ``docs``.
        sample_weight
            A weight per row (real texts may count more than the sample corpus's).

        Raises
        ------
        FunctionLabelError
            On a label outside the six classes, a length mismatch, or fewer than two classes.
        """
        self._check_params()
        labels = [str(label) for label in labels]
        if len(labels) != len(segments):
            raise FunctionLabelError(
                f"{len(labels)} étiquettes pour {len(segments)} segments : donnez une étiquette "
                "par segment."
            )
        unknown = sorted(set(labels) - set(CLASSES))
        if unknown:
            raise FunctionLabelError(
                f"Étiquette(s) de fonction inconnue(s) {unknown} ; attendues : "
                f"{', '.join(CLASSES)}. Lisez le fichier avec load_labelled_file(), qui "
                "normalise les graphies et met de côté les étiquettes inconnues."
            )
        if len(set(labels)) < 2:
            raise FunctionLabelError(
                "Il faut au moins deux fonctions différentes parmi les étiquettes pour entraîner "
                f"le classifieur (toutes valent « {labels[0]} »)."
                if labels
                else "Aucune étiquette : il faut au moins deux fonctions différentes pour "
                "entraîner le classifieur."
            )
        if self.form_features and hits is None:
            resolved = resolve_docs(segments, docs)
            docs, hits = resolved, cues.find_cues_in(resolved)
        texts = feature_texts(
            segments, self._lemmas(segments, docs), hits if self.form_features else None
        )
        self.vectorizer_ = new_vectorizer()
        features = self._with_vectors(self.vectorizer_.fit_transform(texts), segments)
        self.model_ = new_regression(
            regularisation=self.regularisation, random_state=self.random_state
        ).fit(features, labels, sample_weight=sample_weight)
        self.classes_ = np.array(CLASSES)
        self.n_training_rows_ = len(labels)
        return self

    def _check_params(self) -> None:
        if self.method not in ("cues", "classifier", "combined"):
            raise FunctionSettingsError(
                f"[functions] method = {self.method!r} : choisissez 'cues', 'classifier' ou "
                "'combined'."
            )
        if not 0.0 <= self.cue_weight <= 1.0:
            raise FunctionSettingsError(
                f"[functions] cue_weight = {self.cue_weight} : choisissez une valeur entre 0 et 1."
            )
        if self.vector_weight < 0:
            raise FunctionSettingsError(
                f"[functions] vector_weight = {self.vector_weight} : choisissez une valeur "
                "positive (0 : sans vecteurs de mots)."
            )

    @property
    def uses_vectors(self) -> bool:
        """True when the mean word vector of each text is a feature."""
        return bool(self.word_vectors) and self.vector_weight > 0

    def _with_vectors(self, tfidf: sp.csr_matrix, segments: pd.DataFrame) -> sp.csr_matrix:
        """The TF-IDF rows followed by ``vector_weight`` times each text's mean word vector."""
        if not self.uses_vectors:
            return tfidf
        vocab = load_word_vectors(
            self.word_vectors,
            setting="functions.word_vectors",
            instead='choisissez [functions] method = "cues" (indices seuls, sans modèle)',
        )
        texts = segments[schema.TEXT].fillna("").astype(str).tolist()
        dense = self.vector_weight * text_vectors(texts, vocab)
        return sp.csr_matrix(sp.hstack([tfidf, sp.csr_matrix(dense)], format="csr"))

    @staticmethod
    def _lemmas(segments: pd.DataFrame, docs: DocsOrNlp | None) -> list[str]:
        if schema.LEMMAS in segments:
            return segments[schema.LEMMAS].fillna("").astype(str).tolist()
        return [doc_lemmas(doc) for doc in resolve_docs(segments, docs)]

    def predict(self, segments: pd.DataFrame, *, docs: DocsOrNlp | None = None) -> np.ndarray:
        """Return the function of each row (array of str)."""
        decisions = self._decide(segments, docs, with_words=False)
        return np.array([d.function for d in decisions], dtype=object)

    def predict_proba(
        self,
        segments: pd.DataFrame,
        *,
        docs: DocsOrNlp | None = None,
        hits: Sequence[Sequence[CueHit]] | None = None,
        lemmas: Sequence[str] | None = None,
    ) -> np.ndarray:
        """Return an (n_rows, 6) array of class probabilities in :attr:`classes_` order
        (``hits`` and ``lemmas`` as in :meth:`explain`)."""
        decisions = self._decide(segments, docs, hits=hits, lemmas=lemmas, with_words=False)
        return np.vstack([d.probabilities for d in decisions]) if decisions else np.zeros((0, 6))

    def explain(
        self,
        segments: pd.DataFrame,
        *,
        docs: DocsOrNlp | None = None,
        hits: Sequence[Sequence[CueHit]] | None = None,
        lemmas: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Return, per row, the function, its score, the cues, the heading and the key words.

        ``hits`` (the cues of each row, from :func:`find_cues`) replaces ``docs`` when the
        cues were found before; ``lemmas`` (one string per row) replaces the ``lemmas`` column.

        Returns
        -------
        DataFrame
            ``segment_id`` (when present), ``function``, ``function_score``, ``cues`` (list),
            ``heading_function``, ``words`` (list), ``function_reason`` (French sentence),
            ``sentence`` (character offsets of the sentence of the heaviest cue of the
            function, or None).
        """
        decisions = self._decide(segments, docs, hits=hits, lemmas=lemmas)
        table = pd.DataFrame(
            {
                schema.FUNCTION: [d.function for d in decisions],
                schema.FUNCTION_SCORE: [round(d.score, 4) for d in decisions],
                "cues": [d.cues for d in decisions],
                "heading_function": [d.heading_class for d in decisions],
                "words": [d.words for d in decisions],
                schema.FUNCTION_REASON: [d.reason for d in decisions],
                "sentence": [d.sentence for d in decisions],
            },
            index=segments.index,
        )
        if schema.SEGMENT_ID in segments:
            table.insert(0, schema.SEGMENT_ID, segments[schema.SEGMENT_ID])
        return table

    def _decide(
        self,
        segments: pd.DataFrame,
        docs: DocsOrNlp | None,
        hits: Sequence[Sequence[CueHit]] | None = None,
        lemmas: Sequence[str] | None = None,
        *,
        with_words: bool = True,
    ) -> list[_Decision]:
        """The decision of each row; without ``with_words`` (a caller that keeps only the
        functions or probabilities) no key words are looked up for the reasons."""
        self._check_params()
        uses_cues = self.method != "classifier"
        uses_model = self.method != "cues"
        if uses_model and not hasattr(self, "model_"):
            raise FunctionLabelError(
                f"Ce FunctionClassifier (method={self.method!r}) n'est pas entraîné : appelez "
                "fit(), prenez default_classifier(), ou method='cues'."
            )
        resolved = None
        if (uses_cues or (uses_model and self.form_features)) and hits is None:
            resolved = resolve_docs(segments, docs)
            hits = cues.find_cues_in(resolved)
        model_proba, words = None, None
        if uses_model:
            if lemmas is None:
                lemmas = self._lemmas(segments, resolved if resolved is not None else docs)
            model_proba, words = self._model_outputs(
                segments, lemmas, hits if self.form_features else None, with_words=with_words
            )
        headings = (
            segments[schema.HEADING].tolist()
            if schema.HEADING in segments
            else [None] * len(segments)
        )
        n_words = segments[schema.TEXT].fillna("").astype(str).str.split().str.len().tolist()
        return [
            self._combine(
                hits[i] if uses_cues else [],
                headings[i],
                model_proba[i] if uses_model else None,
                words[i] if uses_model else [],
                n_words[i],
            )
            for i in range(len(segments))
        ]

    def _model_outputs(
        self,
        segments: pd.DataFrame,
        lemmas: Sequence[str],
        hits: Sequence[Sequence[CueHit]] | None,
        *,
        with_words: bool = True,
    ) -> tuple[np.ndarray, list[list[str]]]:
        tfidf = self.vectorizer_.transform(feature_texts(segments, lemmas, hits))
        raw = self.model_.predict_proba(self._with_vectors(tfidf, segments))
        proba = np.zeros((tfidf.shape[0], len(CLASSES)))
        for column, name in enumerate(self.model_.classes_):
            proba[:, CLASS_INDEX[name]] = raw[:, column]
        if not with_words:
            return proba, [[] for _ in range(tfidf.shape[0])]
        vocabulary = self.vectorizer_.get_feature_names_out()
        tfidf = tfidf.tocsr()
        coefficients = {name: self._coefficients(name) for name in CLASSES}
        words = []
        for row in range(tfidf.shape[0]):  # the words: the TF-IDF columns, first in the model
            best = CLASSES[int(np.argmax(proba[row]))]
            within = slice(tfidf.indptr[row], tfidf.indptr[row + 1])
            words.append(
                _top_words(
                    tfidf.indices[within], tfidf.data[within], coefficients[best], vocabulary
                )
            )
        return proba, words

    def _coefficients(self, function: str) -> np.ndarray | None:
        """The model's coefficient of each TF-IDF column for ``function`` (None: a class the
        model never saw)."""
        classes = list(self.model_.classes_)
        if function not in classes:
            return None
        if len(classes) == 2:  # binary case: one row of coefficients
            sign = 1 if function == classes[1] else -1
            return sign * self.model_.coef_[0]
        return self.model_.coef_[classes.index(function)]

    def _combine(
        self,
        hits: Sequence[CueHit],
        heading: Any,
        model_proba: np.ndarray | None,
        words: list[str],
        n_words: int,
    ) -> _Decision:
        scores = cue_scores(
            hits,
            heading=heading if isinstance(heading, str) else None,
            heading_weight=self.heading_weight,
        )
        announced = heading_function(heading if isinstance(heading, str) else None)
        has_evidence = scores.sum() > 0 and self.method != "classifier"
        if has_evidence:
            cue_proba = scores / scores.sum()
            proba = (
                cue_proba
                if model_proba is None
                else (self.cue_weight * cue_proba + (1 - self.cue_weight) * model_proba)
            )
        elif model_proba is not None:
            proba = model_proba
        else:
            default = schema.CONSTAT if n_words >= self.min_words else schema.AUTRE
            proba = np.full(len(CLASSES), 1 / len(CLASSES))
            described = [h.describe() for h in hits if h.cue.weight > 0]  # only cancelled cues
            reason = f"{labels.FUNCTION_REASON_NONE} : {default} {labels.FUNCTION_REASON_DEFAULT}"
            if described:
                reason = f"{labels.FUNCTION_REASON_CUES} : {', '.join(described)} ; {reason}"
            return _Decision(default, 0.0, proba, described, None, [], reason)
        best = int(np.argmax(proba))
        if self.method != "classifier":
            # a request to an authority governs its segment ("Que l'État reconnaisse ce métier,
            # méprisé depuis des années !" is a demande), then a measure advanced in the first
            # person ("Je propose qu'on ouvre les cours d'école l'été.")
            governing = {h.function for h in hits if h.cue.weight >= _GOVERNING and not h.negated}
            best = next((CLASS_INDEX[f] for f in _GOVERNING_ORDER if f in governing), best)
        described = [h.describe() for h in hits if h.cue.weight > 0]  # forms are features only
        reason = _reason(described, announced if self.method != "classifier" else None, words)
        return _Decision(
            CLASSES[best],
            float(proba[best]),
            proba,
            described,
            announced,
            words,
            reason,
            _deciding_sentence(hits, CLASSES[best]),
        )


def _deciding_sentence(hits: Sequence[CueHit], function: str) -> tuple[int, int] | None:
    """The sentence of the heaviest cue voting for ``function`` (the first of equals), if any:
    the sentence of a long contribution that makes it a proposal."""
    voting = [h for h in hits if h.function == function and h.cue.weight > 0 and h.sentence]
    if not voting:
        return None
    return max(voting, key=lambda h: (h.cue.weight, -h.start)).sentence


def _reason(described: list[str], heading_class: str | None, words: list[str]) -> str:
    """French explanation: "indices : « il faut » (proposition) ; intertitre : frein ; ..."."""
    parts = []
    if described:
        parts.append(f"{labels.FUNCTION_REASON_CUES} : " + ", ".join(described))
    if heading_class is not None:
        parts.append(f"{labels.FUNCTION_REASON_HEADING} : {heading_class}")
    shown = [w.removeprefix("h_") + (" (intertitre)" if w.startswith("h_") else "") for w in words]
    if shown:
        parts.append(f"{labels.FUNCTION_REASON_WORDS} : " + ", ".join(shown))
    return " ; ".join(parts) if parts else labels.FUNCTION_REASON_NONE


def classifier_from_config(config: FunctionsConfig) -> FunctionClassifier:
    """Return an unfitted :class:`FunctionClassifier` with the settings of ``config``."""
    return FunctionClassifier(
        method=config.method,
        cue_weight=config.cue_weight,
        heading_weight=config.heading_weight,
        regularisation=config.regularisation,
        min_words=config.min_words,
        random_state=config.random_state,
        word_vectors=config.word_vectors,
        vector_weight=config.vector_weight,
    )


def _top_words(
    indices: np.ndarray,
    values: np.ndarray,
    coefficients: np.ndarray | None,
    vocabulary: np.ndarray,
    n: int = 4,
) -> list[str]:
    """The words of one TF-IDF row (its columns and values) that count most for a class (its
    coefficients), content words only (no heading class, cue or word pair), at most ``n``."""
    if coefficients is None:
        return []
    contributions = {
        vocabulary[j]: value * coefficients[j]
        for j, value in zip(indices, values, strict=True)
        if value * coefficients[j] > 0
    }
    ranked = sorted(contributions.items(), key=lambda item: (-item[1], item[0]))
    shown = [w for w, _ in ranked if not w.startswith(("hclass_", "cue_", "w_", "first_"))]
    return shown[:n]
