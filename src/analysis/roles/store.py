"""The cues of a parse, kept beside it in the parse cache and read back on the next run."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis import schema
from analysis.roles import cues
from analysis.roles.cue_table import CUES
from analysis.roles.cues import INFINITIVE_CUE, REQUEST_CUE, CueHit
from analysis.roles.docs import is_parsed_segments
from analysis.roles.forms import FORM_CUES

# The cues of a parse are kept in the cache under the parse's key; the store's code version
# (the package's source and spaCy's version) keeps a match from being read by other cue rules.
_CUE_STORE = "cues"
_SPECIAL_CUES = {-1: REQUEST_CUE, -2: INFINITIVE_CUE} | {
    -3 - i: cue for i, cue in enumerate(FORM_CUES)
}
_CUE_INDEX = {id(cue): i for i, cue in enumerate(CUES)} | {
    id(c): i for i, c in _SPECIAL_CUES.items()
}


def stored_cue_hits(segments: pd.DataFrame, parsed: Any) -> list[list[CueHit]] | None:
    """The cues of each row, from (or, the first time, into) the parse cache; None when
    ``parsed`` is not a cached :class:`analysis.nlp.ParsedSegments` of these segments."""
    if not is_parsed_segments(parsed) or not hasattr(parsed, "read_artefact"):
        return None
    if not parsed.matches(segments):
        return None
    stored = parsed.read_artefact(_CUE_STORE)
    if not isinstance(stored, list) or len(stored) != len(parsed):
        stored = [
            [
                [_CUE_INDEX[id(h.cue)], h.function, h.start, h.end, h.negated, *h.sentence]
                for h in hits
            ]
            for hits in cues.find_cues_in(parsed.docs())
        ]
        parsed.write_artefact(_CUE_STORE, stored)
    positions = parsed.index_of(segments[schema.SEGMENT_ID].astype(str))
    return [[_hit_from_row(row) for row in stored[p]] for p in positions]


def _hit_from_row(row: list[Any]) -> CueHit:
    index, function, start, end, negated, sentence_start, sentence_end = row
    cue = _SPECIAL_CUES[index] if index < 0 else CUES[index]
    return CueHit(
        cue=cue,
        function=function,
        start=start,
        end=end,
        negated=bool(negated),
        sentence=(sentence_start, sentence_end),
    )
