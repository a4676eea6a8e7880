"""City names as contributors write them: one spelling per city.

Documents name their city by hand ("Clermont Ferrand", "clermont-ferrand", "St-Étienne"); the
corpus stage unifies the spellings so that every count by city sees one city.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections import Counter

import pandas as pd

from analysis import schema


class CitySpellingWarning(UserWarning):
    """One city is spelt several ways; the variants were unified (the message lists them)."""


def _city_key(city: str) -> str:
    """Spelling-insensitive key: "Clermont Ferrand", "clermont-ferrand" -> "clermont ferrand"."""
    text = unicodedata.normalize("NFKD", city.replace("’", "'").casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[-_'.\s]+", " ", text).strip()
    return re.sub(r"\bst\b", "saint", re.sub(r"\bste\b", "sainte", text))


def _preferred_spelling(variants: Counter) -> str:
    # a city written as a name ("Lille") before capitals or lower case ("LILLE", "lille"):
    # then the most frequent; on a tie, the spelling with hyphens and accents (the official one)
    def rank(name: str) -> tuple[bool, int, int, str]:
        marked = sum(1 for c in name if not (c.isascii() and (c.isalpha() or c == " ")))
        one_case = name in (name.upper(), name.lower())
        return (one_case, -variants[name], -marked, name)

    return sorted(variants, key=rank)[0]


def normalise_cities(table: pd.DataFrame) -> pd.DataFrame:
    """Unify the spellings of each city ("Clermont Ferrand" and "Clermont-Ferrand").

    Spellings that differ only by case, accents, hyphens, apostrophes, dots or spaces (and
    "St"/"Saint") are one city. A spelling in capitals or in lower case only ("LILLE",
    "lille") gives way to one written as a name ("Lille"); then the most frequent spelling
    wins, and on a tie the one with hyphens and accents. Leading and trailing spaces are
    removed. Missing cities stay missing.

    Parameters
    ----------
    table
        Documents or segments; needs ``city``.

    Returns
    -------
    DataFrame
        A copy with ``city`` unified (the same object's values when nothing changed).

    Warns
    -----
    CitySpellingWarning
        Once, listing each unified city with its variants and the spelling kept.
    """
    schema.require_columns(table, schema.CITY, table="segments")
    present = table[schema.CITY].dropna().astype(str).str.strip()
    present = present[present != ""]
    by_key: dict[str, Counter] = {}
    for name, count in present.value_counts().items():
        by_key.setdefault(_city_key(name), Counter())[name] += int(count)
    mapping = {name: _preferred_spelling(v) for v in by_key.values() for name in v}
    merged = {k: v for k, v in by_key.items() if len(v) > 1}
    if merged:
        details = "; ".join(
            f"{' / '.join(sorted(v))} -> {_preferred_spelling(v)}"
            for _, v in sorted(merged.items())
        )
        warnings.warn(
            f"Ville écrite de plusieurs façons, unifiée : {details}. Corrigez le champ « city » "
            "des documents sources pour ne plus voir cet avertissement.",
            CitySpellingWarning,
            stacklevel=2,
        )
    result = table.copy()
    stripped = result[schema.CITY].where(
        result[schema.CITY].isna(), result[schema.CITY].astype(str).str.strip()
    )
    result[schema.CITY] = stripped.map(lambda name: mapping.get(name, name))
    return result
