"""Small conversions of table cells and texts that fiche building shares."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from analysis.segmentation import split_sentences, without_item_mark
from analysis.vectorise import display_term, stop_words

_EXCERPT_CHARS = 220


def as_list(value: Any) -> list[Any]:
    """A list cell, whatever its storage: list, tuple, array, "a; b" string, or missing."""
    if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Series):
        return list(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[;|,]", value) if p.strip()]
    return [value]


def theme_keywords(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = re.split(r"\s*[;,|·]\s*", value)
    else:
        parts = [str(v) for v in as_list(value)]
    return tuple(display_term(p.strip()) for p in parts if p and p.strip())


def to_date(value: Any) -> dt.date | None:
    stamp = pd.to_datetime(value, errors="coerce")
    return None if pd.isna(stamp) else stamp.date()


# a greeting inside a name: what comes before is a title glued to the text ("… pour les
# citoyens Bonjour, Je propose que…"), what follows says what the contributor proposes
_GREETING = re.compile(
    r"\s(?:Bonjour|Bonsoir|Madame,? Monsieur|Mesdames,? Messieurs)(?:\s*[,.!]\s*|\s+(?=[A-ZÀ-Ý]))"
)


def excerpt(text: str) -> str:
    """The first sentence of ``text`` as a name: after a greeting that follows a glued title,
    without the comma or semicolon of the list item it ended ("Encadrer le prix des loyers ;"),
    cut at a word boundary beyond ``_EXCERPT_CHARS``."""
    spans = split_sentences(text)
    first = clean_label(text[spans[0][0] : spans[0][1]] if spans else text)
    greeting = _GREETING.search(first)
    if greeting is not None and len(first[greeting.end() :].split()) >= 4:
        first = first[greeting.end() :]
    if len(first) <= _EXCERPT_CHARS:
        return first
    return first[:_EXCERPT_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


_REPEATED_MARK = re.compile(r"([:;,])(?:\s*\1)+")
_LAST_BRACKET = re.compile(r"\)([.!?…]?)$")  # a label's closing bracket, before its last mark


def clean_label(value: Any) -> str:
    """A group label on one line, without the bullet of the list item it was taken from nor
    the comma or semicolon that ended it ("Encadrer le prix des loyers ;"), a mark typed twice
    once ("Pour la promesse 4 : : « … »" → "Pour la promesse 4 : « … »"), and without a
    closing bracket whose opening one is in the sentence before ("…le garant du bon
    fonctionnement de cette organisation)")."""
    if not isinstance(value, str):
        return ""
    label = without_item_mark(_REPEATED_MARK.sub(r"\1", " ".join(value.split())))
    label = label.rstrip(" ,;")
    while label.count(")") > label.count("("):
        unopened = _LAST_BRACKET.search(label)
        if unopened is None:
            break
        label = label[: unopened.start()].rstrip(" ,;") + unopened.group(1)
    return label


def sorted_ids(ids: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(set(ids), key=str))


def sentence_terms(text: str) -> list[str]:
    """Lower-cased content words of a sentence (a module function: vectorisers stay picklable)."""
    return [w for w in re.findall(r"[^\W\d_]{3,}", text.lower()) if w not in stop_words()]


def word_set(text: str) -> set[str]:
    return set(sentence_terms(text))
