"""What a fiche quotes: typical segments (quotes) and central sentences (LexRank summary).

Nothing here is generated text: quotes are whole segments, summary sentences are sentences of
the theme's segments ranked by centrality (PageRank over the cosine similarities of their TF-IDF
vectors), without near-duplicates.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis import labels, schema
from analysis.segmentation import (
    CUT_AFTER,
    CUT_BEFORE,
    count_words,
    split_sentences,
    without_item_mark,
)
from analysis.summaries.inputs import Corpus
from analysis.summaries.model import Quote, SummarySentence
from analysis.summaries.values import sentence_terms, to_date, word_set

_MAX_SENTENCES = 1500  # LexRank is quadratic: beyond this, sentences of the most typical segments
_DAMPING = 0.85
_REDUNDANT = 0.5  # cosine above which a summary sentence repeats one already chosen
_NEAR_DUPLICATE = 0.6  # word-set Jaccard above which two quotes say the same thing


def select_quotes(
    theme_segments: pd.DataFrame,
    titles: dict[str, str],
    *,
    n_quotes: int,
    min_words: int,
    max_words: int,
    per: str = schema.CONCERTATION_ID,
) -> list[Quote]:
    """Pick the segments most typical of a theme, one per concertation first, then one per
    document: a second quote of a document only when no other document has one to give.

    Parameters
    ----------
    theme_segments
        The theme's segments with ``segment_id``, ``doc_id``, ``concertation_id``, ``city``,
        ``date``, ``text``, ``_words`` and ``_typicality`` (as prepared by :func:`build_fiches`);
        ``function`` and ``paragraph`` are used when present.
    titles
        Document titles by ``doc_id``.
    n_quotes
        How many quotes at most.
    min_words, max_words
        Length limits; when no segment fits, every length is accepted.
    per
        One quote per value of this column first: ``"concertation_id"``, or ``"doc_id"``
        (one per contribution) when the corpus holds a single concertation.

    Returns
    -------
    list of Quote
        Most typical first within each round, segments whose function is "à vérifier" after
        the others; no two near-duplicates.
    """
    frame = theme_segments
    if schema.FUNCTION in frame.columns:
        frame = frame[frame[schema.FUNCTION] != schema.AUTRE]
    fitting = frame[(frame["_words"] >= min_words) & (frame["_words"] <= max_words)]
    frame = (fitting if len(fitting) else frame).copy()
    frame["_key"] = frame[schema.SEGMENT_ID].astype(str)
    # segments whose function is unsure come last: many are headings glued to a sentence or
    # sentences about the meeting itself
    frame["_unsure"] = frame.get(schema.FUNCTION_CHECK, pd.Series("", index=frame.index)).eq(
        schema.TO_CHECK
    )
    frame = frame.sort_values(
        ["_unsure", "_typicality", "_key"], ascending=[True, False, True], kind="stable"
    )
    chosen: list[dict[str, Any]] = []
    # one per concertation (contribution) first, then one per document; a second quote of a
    # document only when no other document is left
    for key in (per, schema.DOC_ID, None):
        for row in frame.to_dict("records"):
            if len(chosen) >= n_quotes:
                break
            if any(row[schema.SEGMENT_ID] == c[schema.SEGMENT_ID] for c in chosen):
                continue
            if key is not None and row[key] in {c[key] for c in chosen}:
                continue
            if any(_jaccard(row[schema.TEXT], c[schema.TEXT]) > _NEAR_DUPLICATE for c in chosen):
                continue
            chosen.append(row)
    return [_quote(row, titles) for row in chosen]


def _jaccard(first: str, second: str) -> float:
    a, b = word_set(first), word_set(second)
    return len(a & b) / len(a | b) if a | b else 1.0


def _document_name(name: str, doc_id: str) -> str:
    """How a quote names its document: its title; "document 17" when it has none but a bare
    number for id (a table row without a title is titled by its id, and "— 17" alone reads as
    a count)."""
    if name == doc_id and doc_id.isdigit():
        return f"{labels.FICHE_LABELS['document']} {doc_id}"
    return name


def _quote(row: dict[str, Any], titles: dict[str, str]) -> Quote:
    paragraph = row.get(schema.PARAGRAPH)
    doc_id = str(row[schema.DOC_ID])
    text = " ".join(row[schema.TEXT].split())
    name = titles.get(doc_id) or str(row.get(schema.TITLE) or "") or doc_id
    if " ".join(name.split()) == text:  # the text column was the titles': not said twice
        name = doc_id
    return Quote(
        text=text,
        title=_document_name(name, doc_id),
        city=row[schema.CITY],
        date=to_date(row[schema.DATE]),
        paragraph=None if paragraph is None or pd.isna(paragraph) else int(paragraph),
        segment_id=row[schema.SEGMENT_ID],
        doc_id=doc_id,
        typicality=round(float(row["_typicality"]), 4),
    )


def _candidate_sentences(
    theme_segments: pd.DataFrame, *, min_words: int, max_words: int
) -> pd.DataFrame:
    """Sentences of the theme's segments, most typical segments first, within length limits."""
    frame = theme_segments
    if schema.FUNCTION in frame.columns:
        frame = frame[frame[schema.FUNCTION] != schema.AUTRE]
    frame = frame.assign(_key=frame[schema.SEGMENT_ID].astype(str)).sort_values(
        ["_typicality", "_key"], ascending=[False, True], kind="stable"
    )
    rows = []
    for record in frame.to_dict("records"):
        text = record[schema.TEXT]
        spans = split_sentences(text)
        # the pieces of a sentence the segmentation cut are not sentences of the summary
        first = 1 if record.get(CUT_BEFORE, False) else 0
        last = len(spans) - 1 if record.get(CUT_AFTER, False) else len(spans)
        for start, end in spans[first:last]:
            sentence = " ".join(without_item_mark(text[start:end]).split())
            if min_words <= count_words(sentence) <= max_words and not sentence.endswith(":"):
                rows.append(
                    (sentence, record[schema.SEGMENT_ID], record[schema.CITY], record[schema.DATE])
                )
        if len(rows) >= _MAX_SENTENCES:
            break
    return pd.DataFrame(rows, columns=["sentence", schema.SEGMENT_ID, schema.CITY, schema.DATE])


def _lexrank(matrix: np.ndarray) -> np.ndarray:
    """Stationary scores of a random walk over a cosine similarity matrix (LexRank)."""
    similarity = matrix.copy()
    np.fill_diagonal(similarity, 0.0)
    totals = similarity.sum(axis=1, keepdims=True)
    size = len(similarity)
    transition = np.where(totals > 0, similarity / np.where(totals > 0, totals, 1), 1.0 / size)
    scores = np.full(size, 1.0 / size)
    for _ in range(200):
        updated = (1 - _DAMPING) / size + _DAMPING * transition.T @ scores
        if np.abs(updated - scores).sum() < 1e-10:
            return updated
        scores = updated
    return scores


def central_sentences(
    theme_segments: pd.DataFrame, *, n_sentences: int, min_words: int, max_words: int
) -> list[SummarySentence]:
    """The most central sentences of a theme: an extractive summary, never generated text.

    Parameters
    ----------
    theme_segments
        The theme's segments with ``segment_id``, ``city``, ``date``, ``text`` and
        ``_typicality`` (as prepared by :func:`build_fiches`); ``function`` when present.
    n_sentences
        How many sentences at most.
    min_words, max_words
        Length limits of a sentence.

    Returns
    -------
    list of SummarySentence
        Most central first; at most one per segment; no sentence repeating a chosen one.
    """
    sentences = _candidate_sentences(theme_segments, min_words=min_words, max_words=max_words)
    if sentences.empty or n_sentences == 0:
        return []
    vectoriser = TfidfVectorizer(analyzer=sentence_terms, sublinear_tf=True)
    try:
        vectors = vectoriser.fit_transform(sentences["sentence"])
    except ValueError:  # only stop words
        return []
    similarity = (vectors @ vectors.T).toarray()
    scores = _lexrank(similarity)
    order = sorted(range(len(sentences)), key=lambda i: (-round(scores[i], 12), i))
    chosen: list[int] = []
    for index in order:
        if len(chosen) >= n_sentences:
            break
        same_segment = any(
            sentences[schema.SEGMENT_ID].iat[index] == sentences[schema.SEGMENT_ID].iat[c]
            for c in chosen
        )
        if same_segment or any(similarity[index, c] > _REDUNDANT for c in chosen):
            continue
        chosen.append(index)
    return [
        SummarySentence(
            text=sentences["sentence"].iat[i],
            segment_id=sentences[schema.SEGMENT_ID].iat[i],
            city=sentences[schema.CITY].iat[i],
            date=to_date(sentences[schema.DATE].iat[i]),
            centrality=round(float(scores[i]) * len(sentences), 4),
        )
        for i in chosen
    ]


def theme_extracts(
    frame: pd.DataFrame, corpus: Corpus
) -> tuple[tuple[Quote, ...], tuple[SummarySentence, ...]]:
    """The quotes and the extractive summary of one theme."""
    config = corpus.config
    limits = {"min_words": config.quote_min_words, "max_words": config.quote_max_words}
    quotes = select_quotes(
        frame, corpus.titles, n_quotes=config.n_quotes, per=corpus.unit, **limits
    )
    summary = central_sentences(frame, n_sentences=config.n_summary_sentences, **limits)
    return tuple(quotes), tuple(summary)
