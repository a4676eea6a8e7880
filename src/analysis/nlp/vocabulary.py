"""What the theme model will see: the terms of the ``lemmas`` column, counted."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from analysis import schema


def vocabulary(segments: pd.DataFrame) -> pd.DataFrame:
    """Count the tokens of the ``lemmas`` column: what the theme model will see.

    Parameters
    ----------
    segments
        Needs ``lemmas``; ``doc_id`` is used when present.

    Returns
    -------
    pandas.DataFrame
        Columns ``term``, ``count`` (occurrences), ``n_segments``, ``n_documents``, sorted by
        count (descending) then term.
    """
    schema.require_columns(segments, schema.LEMMAS, table="segments")
    docs = segments[schema.DOC_ID] if schema.DOC_ID in segments.columns else segments.index
    counts: Counter[str] = Counter()
    in_segments: Counter[str] = Counter()
    in_documents: dict[str, set] = {}
    for doc, lemmas in zip(docs, segments[schema.LEMMAS].fillna(""), strict=True):
        terms = lemmas.split()
        counts.update(terms)
        in_segments.update(set(terms))
        for term in set(terms):
            in_documents.setdefault(term, set()).add(doc)
    table = pd.DataFrame(
        {
            schema.TERM: list(counts),
            schema.COUNT: list(counts.values()),
            schema.N_SEGMENTS: [in_segments[t] for t in counts],
            schema.N_DOCUMENTS: [len(in_documents[t]) for t in counts],
        }
    )
    table = table.sort_values([schema.COUNT, schema.TERM], ascending=[False, True])
    return table.reset_index(drop=True).astype({schema.COUNT: "int64"})
