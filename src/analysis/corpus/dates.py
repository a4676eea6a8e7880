"""Dates as users write them (ISO, day first, French month names, with a time zone), and the
date and city that file and folder names like ``2023-04-28-dijon`` give."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.corpus.errors import CorpusError

_FRENCH_MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
# "le", a weekday, "1er", and a time after the date ("à 14h30", ", 14:30") are read past
_LE = r"(?:le\s+)?(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"
_TIME = r"(?:\s*(?:,|à|a)?\s*\d{1,2}\s*[h:]\s*(?:\d{2})?(?::\d{2})?)?"
_FRENCH_DATE = re.compile(
    _LE + r"(?P<day>\d{1,2})(?:er)?\s+(?P<month>[a-zéû]+)\.?\s+(?P<year>\d{4})" + _TIME,
    flags=re.IGNORECASE,
)
_FRENCH_MONTH = re.compile(r"(?P<month>[a-zéû]+)\s+(?P<year>\d{4})", flags=re.IGNORECASE)
_DAY_FIRST = re.compile(
    r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4}|\d{2})" + _TIME,
    flags=re.IGNORECASE,
)
_MONTH_YEAR = re.compile(r"(?P<month>\d{1,2})[/.](?P<year>\d{4})")
# what exports write in a cell they leave empty (a date, a text...)
MISSING_MARKS = frozenset(
    {"n/a", "na", "n.a.", "nc", "n.c.", "nd", "n.d.", "-", "--", "—", "?"}
    | {"non renseigné", "non renseignée"}
)
# where the date is unknown: read as no date, as an empty cell is
_NO_DATE = MISSING_MARKS | {"inconnu", "inconnue", "date inconnue", "sans date", "non communiqué"}
_ISO_LIKE = re.compile(r"\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?(?:[ T].*)?")
_DATED_NAME = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})(?:[-_ ](?P<city>.*[^\W\d_].*))?")
_NAME_DATED = re.compile(r"(?P<city>.*[^\W\d_].*?)[-_ ](?P<date>\d{4}-\d{2}-\d{2})")
_LOWERCASE_PARTICLES = frozenset("en le la les sur sous de du des et aux au".split())
_ELIDED = frozenset({"d", "l"})  # villeneuve-d-ascq: Villeneuve-d'Ascq
# words that name the document, not the city, after it in a file name
# ("2023-04-28-dijon-compte-rendu", "toulouse-synthese-v2-2022-01-21")
_DOCUMENT_WORDS = frozenset(
    "compte rendu cr note notes synthese synthèse restitution releve relevé verbatim pv "
    "proces procès verbal atelier ateliers contribution contributions final finale version "
    "copie brouillon projet annexe".split()
)
_ORDER_NUMBER = re.compile(r"\A\d+[-_ ]+")  # "01-toulouse": a file's number in its folder
_VERSION = re.compile(r"v\d+", re.IGNORECASE)


def parse_date(value: Any, where: str) -> pd.Timestamp:
    """Parse a date given as a date object or text.

    Accepted: ``2023-04-28`` (with optional time), ``28/04/2023`` (``28/04/23``: 2023),
    ``28 avril 2023`` (``le vendredi 28 avril 2023 à 14h``), ``2023-04``, ``04/2023`` and
    ``avril 2023`` (first of the month), ``2023`` (1 January); the words of a date may be
    joined by ``-`` or ``_`` as IRaMuTeQ variables join them (``mars-2019``). What exports
    write for an unknown date (``n/a``, ``NC``, ``-``, ``inconnue``, ``non renseigné``...) is
    no date.

    Parameters
    ----------
    value
        A date, a timestamp, a text, or nothing (``None``, NaN, ``""``).
    where
        The place messages name (``"note.md : date"``).

    Returns
    -------
    pandas.Timestamp
        Without time zone (the local wall-clock time is kept); ``NaT`` when ``value`` is empty.

    Raises
    ------
    CorpusError
        When the text is not a date.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return pd.NaT
    if isinstance(value, dt.date | pd.Timestamp):
        return _naive(pd.Timestamp(value))
    text = str(value).strip()
    if not text or " ".join(text.lower().split()) in _NO_DATE:
        return pd.NaT
    # an IRaMuTeQ value has no space: "28-avril-2023", "mars_2019"
    worded = re.sub(r"[-_]", " ", text) if re.search(r"[^\W\d_]", text) else text
    try:
        if match := _FRENCH_DATE.fullmatch(worded):
            month = _FRENCH_MONTHS[match.group("month").lower()]
            return pd.Timestamp(int(match.group("year")), month, int(match.group("day")))
        if match := _FRENCH_MONTH.fullmatch(worded):
            return pd.Timestamp(
                int(match.group("year")), _FRENCH_MONTHS[match.group("month").lower()], 1
            )
        if match := _DAY_FIRST.fullmatch(text):
            day, month, year = (int(match.group(g)) for g in ("day", "month", "year"))
            return pd.Timestamp(year + 2000 if year < 100 else year, month, day)
        if match := _MONTH_YEAR.fullmatch(text):
            return pd.Timestamp(int(match.group("year")), int(match.group("month")), 1)
        if _ISO_LIKE.fullmatch(text):
            return _naive(pd.Timestamp(text))
    except (KeyError, ValueError):
        pass
    raise CorpusError(
        f"{where} : date illisible {text!r}. Écrivez-la AAAA-MM-JJ (par exemple 2023-04-28), "
        "JJ/MM/AAAA ou « 28 avril 2023 »."
    )


def _naive(timestamp: pd.Timestamp) -> pd.Timestamp:
    """Drop the time zone, keeping the local wall-clock time (all dates then compare)."""
    return timestamp.tz_localize(None) if timestamp.tzinfo is not None else timestamp


def date_and_city_from_path(relative: str) -> tuple[pd.Timestamp | None, str | None]:
    """Read a date and a city from the file stem, then from its folders (nearest first).

    Parameters
    ----------
    relative
        The file's POSIX path relative to the corpus root.

    Returns
    -------
    tuple
        The date (``None`` when no name holds one) and the city (``None`` when the dated name
        holds none).

    Examples
    --------
    >>> date_and_city_from_path("2023-04-28-dijon/note.md")
    (Timestamp('2023-04-28 00:00:00'), 'Dijon')
    """
    parts = Path(relative).parts
    names = [Path(relative).stem, *reversed(parts[:-1])]
    for name in names:
        match = _DATED_NAME.fullmatch(name) or _NAME_DATED.fullmatch(name)
        if match is None:
            continue
        try:
            date = pd.Timestamp(match.group("date"))
        except ValueError:
            continue
        city = match.group("city")
        return date, _city_from_slug(city) if city else None
    return None, None


def _city_from_slug(slug: str) -> str | None:
    """``clermont-ferrand`` -> ``Clermont-Ferrand``; ``aix-en-provence`` -> ``Aix-en-Provence``;
    ``villeneuve-d-ascq`` -> ``Villeneuve-d'Ascq``. A file's order number before the city
    (``01-toulouse``) and the words that name the document after it (``dijon-compte-rendu``,
    ``lille-synthese-v2``) are left out; None when nothing is left."""
    parts = re.split(r"([-_ ])", _ORDER_NUMBER.sub("", slug))
    while len(parts) > 2 and (
        parts[-1].lower() in _DOCUMENT_WORDS or _VERSION.fullmatch(parts[-1]) or not parts[-1]
    ):
        parts = parts[:-2]  # the word and the separator before it
    if parts[0].lower() in _DOCUMENT_WORDS:
        return None
    words: list[str] = []
    for position, word in enumerate(parts):
        if word in "-_ ":
            if not (words and words[-1].endswith("'")):
                words.append(" " if word == "_" else word)
        elif word.lower() in _ELIDED and position + 2 < len(parts):
            words.append((word.lower() if position else word.upper()) + "'")
        elif position > 0 and word.lower() in _LOWERCASE_PARTICLES:
            words.append(word.lower())
        else:
            words.append(word[:1].upper() + word[1:])
    return "".join(words)
