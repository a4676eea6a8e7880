"""The function of every segment: the classifier the settings ask for (cues only, the packaged
model, or one trained on the user's labelled file), its decisions and their reasons, the
analyst's corrections applied, and the segments to check (score below ``min_score``)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import schema
from analysis.config import FunctionsConfig
from analysis.nlp.vectors import text_words
from analysis.roles import model_file
from analysis.roles.annotations import (
    GOLD_FUNCTION_COLUMN,
    FunctionLabelError,
    UnlabelledSegmentsWarning,
    join_labels,
    load_labelled_file,
)
from analysis.roles.classifier import FunctionClassifier, classifier_from_config
from analysis.roles.cue_table import CLASS_INDEX
from analysis.roles.cues import find_cues_in
from analysis.roles.docs import DocsOrNlp, resolve_docs, source_offsets, span_in_source
from analysis.roles.store import stored_cue_hits
from analysis.segmentation import (
    PHRASE_OPENING_WORDS,
    find_collapsed,
    normalise,
    split_sentences,
)


def train_classifier(
    segments: pd.DataFrame,
    labelled: pd.DataFrame,
    *,
    config: FunctionsConfig,
    docs: DocsOrNlp | None = None,
) -> FunctionClassifier:
    """Fit a classifier with ``config``'s settings on the segments that ``labelled`` labels.

    Parameters
    ----------
    segments
        Segments with ``segment_id``, ``text``, ``lemmas``, ``heading`` and the key columns of
        ``labelled``.
    labelled
        Output of :func:`load_labelled_file` (or ``corpus/annotations.csv`` read by it).
    docs
        The Docs of ``segments`` (or what :func:`resolve_docs` reads): the classifier's form
        features are found on them.
    """
    training = join_labels(segments.assign(_row=range(len(segments))), labelled)
    if training.empty:
        raise FunctionLabelError(
            "Aucun segment ne porte d'étiquette : les identifiants de document et les numéros "
            "de paragraphe du fichier d'annotations ne correspondent pas au corpus analysé "
            "(annotez ce corpus, ou retirez [functions] labelled_file pour le modèle livré)."
        )
    classifier = classifier_from_config(config)
    hits = None
    if classifier.form_features:
        resolved = resolve_docs(segments, docs)
        hits = find_cues_in([resolved[i] for i in training["_row"]])
    return classifier.fit(training.drop(columns="_row"), training[GOLD_FUNCTION_COLUMN], hits=hits)


def default_classifier(
    *, config: FunctionsConfig | None = None, path: str | Path | None = None
) -> FunctionClassifier:
    """The classifier shipped with the package, with ``config``'s settings.

    Its TF-IDF weights and logistic regression were trained ahead on the sample corpus (its
    ``annotations.csv``) and on the ``train`` rows of the real labelled segments, and are read
    from ``analysis/data/function_model.json`` (plain JSON, no pickle): nothing is parsed or
    trained at run time. Retrain it with
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
    segments: pd.DataFrame,
    config: FunctionsConfig,
    classifier: FunctionClassifier | None,
    docs: DocsOrNlp | None = None,
) -> FunctionClassifier:
    """``classifier`` when given, else the one ``config`` asks for: cues only, one trained on
    ``labelled_file`` (joined to ``segments``) with ``train_on_labelled``, or the packaged
    model."""
    if classifier is not None:
        return classifier
    if config.method == "cues":
        return classifier_from_config(config)
    if config.labelled_file and config.train_on_labelled:
        # the user's own labels, joined to the corpus analysed: trained at run time
        labelled = load_labelled_file(config.labelled_file)
        try:
            return train_classifier(segments, labelled, config=config, docs=docs)
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
    """Add the function of each segment, its score, the reason for it and whether to check it.

    Parameters
    ----------
    segments
        Needs ``segment_id``, ``text`` and ``heading``; ``lemmas`` for the classifier.
    docs_or_nlp
        The spaCy Docs of the segment texts (row order, or a mapping by ``segment_id``), or a
        French pipeline to parse them.
    config
        ``[functions]`` settings. Without ``classifier``: ``method="cues"`` needs no training;
        with ``train_on_labelled`` the classifier is trained on ``labelled_file``; otherwise
        the packaged model (:func:`default_classifier`, trained ahead) is used. The labels of
        ``labelled_file`` (joined on ``segment_id``, or ``doc_id`` + ``paragraph``) then
        replace the classifier's for the segments they label: the analyst's corrections.
        Segments whose score is below ``min_score`` are marked "à vérifier".
    classifier
        An already fitted :class:`FunctionClassifier`, used as it is.

    Returns
    -------
    DataFrame
        A copy of ``segments`` with ``function``, ``function_score`` (0 to 1; 0 when nothing
        supported the default class, 1 for a correction), ``function_reason`` (French),
        ``function_check`` ("à vérifier", or "") and ``function_sentence`` (the sentence whose
        cue decided, when the segment has several; for a proposal that no cue decided, the
        sentence the classifier reads most as one, see :func:`_likeliest_sentences`; else "").
    """
    classifier = choose_classifier(segments, config, classifier, docs_or_nlp)
    hits = stored_cue_hits(segments, docs_or_nlp)
    texts = segments[schema.TEXT].fillna("").astype(str).tolist()
    if hits is None:
        docs = resolve_docs(segments, docs_or_nlp)
        explained = classifier.explain(segments, docs=docs)

        def parsed(row: int) -> str:
            return docs[row].text

    else:
        explained = classifier.explain(segments, hits=hits)

        def parsed(row: int) -> str:  # what the corpus's parse read
            return normalise(texts[row])

    classed = segments.assign(
        **{
            schema.FUNCTION: explained[schema.FUNCTION],
            schema.FUNCTION_SCORE: explained[schema.FUNCTION_SCORE],
            schema.FUNCTION_REASON: explained[schema.FUNCTION_REASON],
            schema.FUNCTION_SENTENCE: _sentences(texts, parsed, explained["sentence"]),
        }
    )
    classed[schema.FUNCTION_SENTENCE] = [
        _past_announcement(text, sentence)
        for text, sentence in zip(
            texts, _likeliest_sentences(classifier, classed).tolist(), strict=True
        )
    ]
    if config.labelled_file:
        classed = apply_corrections(classed, load_labelled_file(config.labelled_file))
    return mark_to_check(classed, min_score=config.min_score)


def _sentences(texts: list[str], parsed: Callable[[int], str], spans: pd.Series) -> list[str]:
    """The text of each deciding sentence, taken from the segment's own text (``spans`` are
    offsets in the text ``parsed`` gives for a row, the normalised one for the corpus's parse,
    read only for the rows a cue decided); "" when no cue decided or the sentence is the whole
    segment."""
    sentences = []
    for row, (text, span) in enumerate(zip(texts, spans.tolist(), strict=True)):
        if span is None:
            sentences.append("")
            continue
        read = parsed(row)
        start, end = span
        if len(read) != len(text):  # same length: characters replaced one for one
            start, end = span_in_source(source_offsets(text, read), text, start, end)
        start, end = _whole_phrase(text, start, end)
        sentence = " ".join(text[start:end].split())
        sentences.append("" if sentence == " ".join(text.split()) else sentence)
    return sentences


# words a French phrase does not end on: a parsed sentence that ends (or a next one that
# starts) right after one of them was cut inside a phrase
_OPEN_WORDS = PHRASE_OPENING_WORDS | frozenset(
    "dont ni tous toutes tout toute très plus moins".split()
)
_LAST_WORD = re.compile(r"([^\W\d_]+)['’]?\s*$")


def _whole_phrase(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]``, a sentence the parser cut, widened to the punctuated sentence
    around it (:func:`split_sentences`) at an edge that falls inside a phrase: after a word
    no French phrase ends on ("…la CSG pour tous les | RETRAITES et…", the parser misled by
    capitals). An edge at a line break or after other words stays (a title line glued to its
    text, a list item)."""
    cut_end = _cut_inside(text, start, end) and "\n" not in text[end : end + 2]
    cut_start = (
        start > 0 and _cut_inside(text, 0, start) and "\n" not in text[max(0, start - 2) : start]
    )
    if not (cut_end or cut_start):
        return start, end
    spans = split_sentences(text)
    if cut_end:
        end = max((e for s, e in spans if s < end), default=end)
    if cut_start:
        start = min((s for s, e in spans if e > start), default=start)
    return start, end


def _cut_inside(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` ends on a word no French phrase ends on ("les", "pour",
    "l’"); only its last 40 characters are read (a word is shorter), without copying."""
    match = _LAST_WORD.search(text, max(start, end - 40), end)
    return match is not None and match.group(1).lower() in _OPEN_WORDS


def _likeliest_sentences(classifier: FunctionClassifier, classed: pd.DataFrame) -> pd.Series:
    """``function_sentence``, with a sentence for each proposal of several sentences that no
    cue decided: the one the classifier, reading each sentence alone (its words, their pairs
    and mean vector, under the segment's heading), finds most likely a proposal. "En France on
    compte 500 000 élus… Cela représente 2 milliards d'euros… Cette masse doit être réduite de
    30 à 50 %" is named by its last sentence, not by its figures.

    A sentence's words stand for its lemmas, which are not at hand without parsing it again:
    most words that carry a proposal are their own lemma (an infinitive, a noun in the
    singular). Read with no lemma at all, by its pairs and mean vector only, "Cela suppose de
    réécrire (ensemble) la Constitution." came before the proposal it closes.

    Only proposals: a proposal often opens on the finding it answers (the labelling guide
    gives the segment to the proposal), while a frein's first sentence usually states the
    obstacle and the next ones go on from it ("Cette confusion fragilise…"), which the
    sentence read alone loses; freins keep the tracing's choice."""
    found = classed[schema.FUNCTION_SENTENCE].copy()
    if classifier.method == "cues" or not hasattr(classifier, "model_"):
        return found
    rows, sentences = [], []
    wanted = (classed[schema.FUNCTION] == schema.PROPOSITION) & (found == "")
    for row in np.flatnonzero(wanted.to_numpy()):
        text = str(classed[schema.TEXT].iloc[row])
        spans = split_sentences(text)
        if len(spans) > 1:
            rows += [row] * len(spans)
            sentences += [" ".join(text[start:end].split()) for start, end in spans]
    if not sentences:
        return found
    headings = (
        classed[schema.HEADING].iloc[rows].fillna("").to_numpy()
        if schema.HEADING in classed
        else [""] * len(rows)
    )
    frame = pd.DataFrame({schema.TEXT: sentences, schema.HEADING: headings})
    no_cue = [[] for _ in sentences]
    words = [" ".join(text_words(sentence)) for sentence in sentences]
    proba = classifier.predict_proba(frame, hits=no_cue, lemmas=words)
    likelihood = proba[:, CLASS_INDEX[schema.PROPOSITION]]
    best: dict[int, tuple[float, str]] = {}
    for row, value, sentence in zip(rows, likelihood, sentences, strict=True):
        if row not in best or value > best[row][0]:  # the first of equals
            best[row] = (value, sentence)
    for row, (_, sentence) in best.items():
        found.iloc[row] = sentence
    return found


def _past_announcement(text: str, sentence: str) -> str:
    """The deciding ``sentence`` of a segment, or, when it announces a list (it ends on a
    colon: "Pour cela, je propose :", "Dans ce sens, il est urgent de veiller à :"), the
    sentence after it in ``text``, the list's first item, which names what is proposed."""
    if not sentence.endswith(":"):
        return sentence
    found = find_collapsed(text, sentence)  # found again across line breaks
    if found is None:
        return sentence
    after = [(s, e) for s, e in split_sentences(text) if s >= found.end()]
    return " ".join(text[after[0][0] : after[0][1]].split()) if after else sentence


CORRECTED_REASON = "corrigée par l'analyste ([functions] labelled_file)"


def apply_corrections(segments: pd.DataFrame, labelled: pd.DataFrame) -> pd.DataFrame:
    """The functions of ``labelled`` (an analyst's corrections) in place of the classifier's.

    Parameters
    ----------
    segments
        Classified segments: ``segment_id`` (and ``doc_id``, ``paragraph`` for a file keyed by
        paragraph), ``function``, ``function_score``, ``function_reason``.
    labelled
        Output of :func:`load_labelled_file`. Labels of segments absent from ``segments`` are
        ignored (another corpus, an older cut): :class:`UnlabelledSegmentsWarning` says how many.

    Returns
    -------
    DataFrame
        A copy of ``segments``; a corrected segment has its label, score 1 and a reason saying
        so.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnlabelledSegmentsWarning)
        columns = list(dict.fromkeys([schema.SEGMENT_ID, *_keys(labelled)]))
        joined = join_labels(segments[columns], labelled)
    for warning in caught:  # name the setting: the user knows the file by it
        warnings.warn(
            f"[functions] labelled_file : {warning.message}",
            UnlabelledSegmentsWarning,
            stacklevel=3,
        )
    keys = _keys(labelled)
    right = joined[[*keys, GOLD_FUNCTION_COLUMN]].drop_duplicates(keys)
    merged = segments[keys].merge(right, on=keys, how="left", validate="many_to_one")
    corrected = pd.Series(merged[GOLD_FUNCTION_COLUMN].to_numpy(), index=segments.index)
    found = corrected.notna()
    result = segments.copy()
    result.loc[found, schema.FUNCTION] = corrected[found]
    result.loc[found, schema.FUNCTION_SCORE] = 1.0
    result.loc[found, schema.FUNCTION_REASON] = CORRECTED_REASON
    if schema.FUNCTION_SENTENCE in result:
        result.loc[found, schema.FUNCTION_SENTENCE] = ""
    return result


def _keys(labelled: pd.DataFrame) -> list[str]:
    if schema.SEGMENT_ID in labelled:
        return [schema.SEGMENT_ID]
    return [schema.DOC_ID, schema.PARAGRAPH]


def mark_to_check(segments: pd.DataFrame, *, min_score: float) -> pd.DataFrame:
    """``segments`` with ``function_check``: "à vérifier" where ``function_score`` is below
    ``min_score`` (the fiches do not quote these segments as freins, proposals or good
    practices), "" elsewhere."""
    scores = segments[schema.FUNCTION_SCORE].astype(float).to_numpy()
    check = np.where(scores < min_score, schema.TO_CHECK, "")
    return segments.assign(**{schema.FUNCTION_CHECK: check})
