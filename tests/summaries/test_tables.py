"""The fiches as tables: one row per fiche, and the segments behind every number."""

from __future__ import annotations

from factories import FICHE_THEMES, french_corpus

from analysis import schema
from analysis.summaries import build_fiches, fiche_sources, fiches_table


def test_sources_table_lists_every_counted_segment() -> None:
    documents, segments, groups = french_corpus()
    fiches = build_fiches(segments, FICHE_THEMES, documents=documents, groups=groups)
    sources = fiche_sources(fiches)
    volume = sources[sources[schema.FICHE_SECTION] == "volume"]
    assert len(volume) == sum(f.n_segments for f in fiches)
    assert set(sources[schema.FICHE_SECTION]) >= {"volume", "frein", "proposition", "citation"}
    table = fiches_table(fiches)
    assert list(table[schema.N_SEGMENTS]) == [f.n_segments for f in fiches]
