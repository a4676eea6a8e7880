"""A name found in a text (:class:`NameSpan`), and the union of overlapping ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

NameRule = Literal["ner", "civilité", "fonction", "prénom", "initiale", "rappel"]


@dataclass(frozen=True)
class NameSpan:
    """One personal name found in a text: ``text[start:end]``, and the rule that found it."""

    start: int
    end: int
    text: str
    rule: str


def merge_spans(spans: list[NameSpan], text: str) -> list[NameSpan]:
    """Union of overlapping spans, ordered; the earliest rule names the union."""
    merged: list[NameSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            end = max(last.end, span.end)
            merged[-1] = NameSpan(last.start, end, text[last.start : end], last.rule)
        else:
            merged.append(span)
    return merged
