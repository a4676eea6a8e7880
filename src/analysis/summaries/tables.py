"""The fiches as tables: one row per fiche, and the segments behind every number."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from analysis import schema
from analysis.summaries.model import Fiche


def fiche_sources(fiches: Sequence[Fiche]) -> pd.DataFrame:
    """One row per (fiche item, segment): where every number of the fiches comes from.

    Returns
    -------
    pandas.DataFrame
        Columns ``theme_id``, ``section`` (volume, frein, proposition, bonne pratique,
        citation, résumé, nouveau, estompé), ``item`` (label or text) and ``segment_id``.
    """
    rows: list[tuple[Any, str, str, Any]] = []
    for fiche in fiches:
        rows += [(fiche.theme_id, "volume", fiche.label, s) for s in fiche.segment_ids]
        for section, items in (
            (schema.FREIN, fiche.obstacles),
            (schema.PROPOSITION, fiche.proposals),
            (schema.BONNE_PRATIQUE, fiche.good_practices),
        ):
            rows += [(fiche.theme_id, section, i.label, s) for i in items for s in i.segment_ids]
        rows += [(fiche.theme_id, "citation", q.text, q.segment_id) for q in fiche.quotes]
        rows += [(fiche.theme_id, "résumé", s.text, s.segment_id) for s in fiche.summary]
        for section, changes in (("nouveau", fiche.new_items), ("estompé", fiche.faded_items)):
            rows += [(fiche.theme_id, section, c.label, s) for c in changes for s in c.segment_ids]
    columns = [schema.THEME_ID, schema.FICHE_SECTION, schema.FICHE_ITEM, schema.SEGMENT_ID]
    return pd.DataFrame(rows, columns=columns)


def fiches_table(fiches: Sequence[Fiche]) -> pd.DataFrame:
    """One row per fiche: label, keywords, volume and the counts behind it."""
    rows = [
        {
            schema.THEME_ID: f.theme_id,
            schema.LABEL: f.label,
            schema.KEYWORDS: ", ".join(f.keywords),
            "volume": f"{f.volume} {f.weight}".strip(),
            schema.N_SEGMENTS: f.n_segments,
            schema.N_DOCUMENTS: f.n_documents,
            schema.N_CONCERTATIONS: f.n_concertations,
            schema.N_CITIES: f.n_cities,
            schema.CITIES: ", ".join(f.cities),
            schema.FIRST_DATE: f.first_date,
            schema.LAST_DATE: f.last_date,
            "share": f.share,
            "n_obstacles": len(f.obstacles),
            "n_proposals": len(f.proposals),
        }
        for f in fiches
    ]
    return pd.DataFrame(rows)
