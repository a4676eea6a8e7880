"""The function of every sentence of every segment, with its offsets in the source text."""

from __future__ import annotations

import pandas as pd
from spacy.tokens import Doc

from analysis import schema
from analysis.config import FunctionsConfig
from analysis.roles import cues
from analysis.roles.classifier import FunctionClassifier, doc_lemmas
from analysis.roles.classify import choose_classifier
from analysis.roles.docs import DocsOrNlp, resolve_docs, source_offsets, span_in_source

SENTENCE = schema.SENTENCE


def sentence_functions(
    segments: pd.DataFrame,
    docs_or_nlp: DocsOrNlp,
    *,
    config: FunctionsConfig,
    classifier: FunctionClassifier | None = None,
) -> pd.DataFrame:
    """Class every sentence of every segment.

    Each sentence is judged on its own cues and lemmas, under its segment's heading.

    Returns
    -------
    DataFrame
        One row per sentence, sorted by ``segment_id`` then ``sentence``: ``segment_id``,
        ``doc_id`` (when present), ``sentence`` (rank in the segment, from 0), ``start`` and
        ``end`` (character offsets in the document when the segments have ``start``, else in
        the segment), ``text``, ``function``, ``function_score``, ``function_reason``.
    """
    classifier = choose_classifier(segments, config, classifier, docs_or_nlp)
    docs = resolve_docs(segments, docs_or_nlp)
    rows, hits, lemmas = [], [], []
    all_hits = cues.find_cues_in(docs)
    for (_, segment), doc, segment_hits in zip(segments.iterrows(), docs, all_hits, strict=True):
        offset = int(segment[schema.START]) if schema.START in segments else 0
        source = str(segment[schema.TEXT])
        spans = _sentence_spans(doc, source)
        for rank, (sentence, (start, end)) in enumerate(zip(doc.sents, spans, strict=True)):
            rows.append(
                {
                    schema.SEGMENT_ID: segment[schema.SEGMENT_ID],
                    **(
                        {schema.DOC_ID: segment[schema.DOC_ID]} if schema.DOC_ID in segments else {}
                    ),
                    SENTENCE: rank,
                    schema.START: offset + start,
                    schema.END: offset + end,
                    schema.TEXT: source[start:end],
                    schema.HEADING: segment.get(schema.HEADING, ""),
                }
            )
            hits.append([h for h in segment_hits if sentence.start <= h.start < sentence.end])
            lemmas.append(doc_lemmas(sentence))
    sentences = pd.DataFrame(rows, columns=list(rows[0]) if rows else None)
    if sentences.empty:
        return sentences
    explained = classifier.explain(sentences, hits=hits, lemmas=lemmas)
    for column in (schema.FUNCTION, schema.FUNCTION_SCORE, schema.FUNCTION_REASON):
        sentences[column] = explained[column]
    sentences = sentences.drop(columns=[schema.HEADING])
    return sentences.sort_values([schema.SEGMENT_ID, SENTENCE], kind="stable").reset_index(
        drop=True
    )


def _sentence_spans(doc: Doc, source: str) -> list[tuple[int, int]]:
    """Character spans of ``doc``'s sentences in the source text, whitespace trimmed."""
    mapping = source_offsets(source, doc.text)
    return [
        span_in_source(mapping, source, sentence.start_char, sentence.end_char)
        for sentence in doc.sents
    ]
