"""Names protection applied to everything a report shows (tables, fiches).

People's names are replaced by ``[personne]`` (:mod:`analysis.privacy`) in every text cell; ids
and categories are left alone; lemma and keyword cells are protected word by word.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from spacy.language import Language

from analysis import schema
from analysis.config import ExportConfig
from analysis.privacy import NameProtector, fit_protector, load_ner, protect_frame
from analysis.privacy.errors import PeopleNotice
from analysis.privacy.people import PeoplePseudonyms, pseudonymise_people
from analysis.summaries import ChangeItem, Fiche, GroupItem, Quote, SummarySentence

# Columns holding identifiers or categories: never run through name protection.
_ID_COLUMNS = frozenset(
    {
        schema.DOC_ID,
        schema.SEGMENT_ID,
        schema.SEGMENT_IDS,
        schema.CONCERTATION_ID,
        schema.CONCERTATIONS,
        schema.CITY,
        schema.CITIES,
        schema.DATE,
        schema.DATES,
        schema.FIRST_DATE,
        schema.LAST_DATE,
        schema.DOC_TYPE,
        schema.FUNCTION,
        schema.STATUS,
        schema.GROUP_ID,
        schema.OBSTACLE_GROUP_ID,
        schema.PROPOSAL_GROUP_ID,
        schema.THEME_ID,
        schema.PERIOD,
        schema.FILE,
        schema.DIRECTION,
    }
)
# Columns of lemmas or cue words: a learned surname is replaced word by word (no NER needed).
_WORD_COLUMNS = frozenset(
    {
        schema.KEYWORDS,
        schema.SHARED_TERMS,
        schema.FORM,
        schema.TERM,
        schema.FUNCTION_REASON,
        schema.EXPRESSION,
        schema.EXPRESSION_TOKENS,
    }
)
# Theme labels built from top lemmas ("dupuis · formation"): protected as text and word by word.
_LABEL_COLUMNS = frozenset({schema.LABEL, schema.THEME_LABEL, schema.AUTO_LABEL})
_WORD = re.compile(r"[^\W\d]+(?:[-_'’][^\W\d]+)*")
# A group's quote, "« segment text » (city, date)" (tracing.groups): its text is the segment's,
# whose names the segments' protection found (no second spaCy pass over the same words read in
# another context); the city and date are left as the city column is.
_QUOTE = re.compile(r"« (?P<text>.*) »(?P<where> \([^()]*\))?", re.DOTALL)


@dataclasses.dataclass(frozen=True)
class Protection:
    """How to protect text and lemma cells; the identity when protection is off."""

    text: Callable[[Any], Any]
    many: Callable[[Iterable[Any]], list[Any]]
    lemma: Callable[[str], str]
    words: Callable[[str], str]
    frame: Callable[[pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame]]
    mark: str | None  # None: protection off
    # segment texts written on several lines or with double spaces, by their one-line form (a
    # group's quote shows that form; its names are the segment's)
    one_line: Mapping[str, str] = dataclasses.field(default_factory=dict)


def no_protection() -> Protection:
    return Protection(
        text=lambda v: v,
        many=list,
        lemma=lambda v: v,
        words=lambda v: v,
        frame=lambda f: (f, pd.DataFrame()),
        mark=None,
    )


def names_protection(
    segments: pd.DataFrame,
    documents: pd.DataFrame,
    config: ExportConfig,
    nlp: Language | None,
    protector: NameProtector | None,
    entity_cache: MutableMapping[str, Any] | None = None,
) -> Protection:
    if not config.protect_names:
        return no_protection()
    if protector is None:
        # the shared pipeline often runs without "ner" (lemmas need no entities)
        has_ner = nlp is not None and "ner" in nlp.pipe_names
        protector = fit_protector(
            segments,
            documents,
            nlp if has_ner else load_ner(),
            mark=config.name_mark,
            keep=config.keep_names,
            entity_cache=entity_cache,
        )
    return Protection(
        text=protector.protect,
        many=protector.protect_many,
        lemma=protector.protect_keyword,
        words=lambda text: _WORD.sub(lambda m: protector.protect_keyword(m.group()), text),
        frame=lambda frame: protect_frame(frame, protector),
        mark=protector.mark,
        one_line=_one_line_texts(segments),
    )


def _one_line_texts(segments: pd.DataFrame) -> dict[str, str]:
    texts = segments[schema.TEXT].dropna().unique() if schema.TEXT in segments else []
    lines = {t: " ".join(t.split()) for t in texts if isinstance(t, str)}
    return {line: text for text, line in sorted(lines.items()) if line != text}


def people_pseudonyms(
    documents: pd.DataFrame, protection: Protection, config: ExportConfig
) -> PeoplePseudonyms:
    """The documents with their columns of people pseudonymised when names are protected
    (:mod:`analysis.privacy.people`); the run's log says which columns."""
    if protection.mark is None:
        return PeoplePseudonyms(documents, (), pd.DataFrame(), 0)
    people = pseudonymise_people(documents, add=config.people_columns, public=config.public_columns)
    notice = people.notice()
    if notice is not None:
        warnings.warn(notice, PeopleNotice, stacklevel=3)
    return people


def _protect_cell(value: Any, protect: Callable[[Any], Any]) -> Any:
    if isinstance(value, list | tuple | np.ndarray):
        return [protect(v) if isinstance(v, str) else v for v in value]
    return protect(value) if isinstance(value, str) else value


def _is_text_column(series: pd.Series) -> bool:
    """Object or string columns (numbers, booleans and dates hold no name)."""
    dtype = series.dtype
    return not (
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
    )


def protect_table(
    table: pd.DataFrame, protection: Protection, *, skip: Iterable[str] = ()
) -> pd.DataFrame:
    """Protect every text column of a table (lemma columns token by token; ids untouched)."""
    if protection.mark is None:
        return table
    protected = table.copy()
    skipped = _ID_COLUMNS | set(skip)
    # a column repeats its values (theme labels, reasons): each distinct text is protected once
    words, text = _once_per_value(protection.words), _once_per_value(protection.text)
    for column in table.columns:
        if column in skipped or not _is_text_column(table[column]):
            continue
        values = table[column].tolist()
        if column in _WORD_COLUMNS:
            protected[column] = [_protect_cell(v, words) for v in values]
            continue
        flat = [x for v in values for x in (v if isinstance(v, list | tuple) else [v])]
        if column == schema.QUOTES:
            protection.many([_quoted_text(quote, protection.one_line) for quote in flat])
            quote = partial(_protect_quote, protect=text, one_line=protection.one_line)
            values = [_protect_cell(v, quote) for v in values]
            protected[column] = values
            continue
        protection.many(flat)  # one spaCy batch for the whole column
        values = [_protect_cell(v, text) for v in values]
        if column in _LABEL_COLUMNS:
            values = [_protect_cell(v, words) for v in values]
        protected[column] = values
    return protected


def _quoted_text(quote: Any, one_line: Mapping[str, str]) -> Any:
    """The segment text a group's quote quotes (see :data:`_QUOTE`), or the quote itself."""
    match = _QUOTE.fullmatch(quote) if isinstance(quote, str) else None
    return quote if match is None else one_line.get(match["text"], match["text"])


def _protect_quote(
    quote: str, *, protect: Callable[[str], str], one_line: Mapping[str, str]
) -> str:
    match = _QUOTE.fullmatch(quote)
    if match is None:
        return protect(quote)
    said = match["text"]
    protected = protect(said) if said not in one_line else " ".join(protect(one_line[said]).split())
    return f"« {protected} »{match['where'] or ''}"


def _once_per_value(protect: Callable[[str], str]) -> Callable[[str], str]:
    done: dict[str, str] = {}

    def protected(value: str) -> str:
        if value not in done:
            done[value] = protect(value)
        return done[value]

    return protected


def _protect_group(item: GroupItem, protect: Callable[[Any], Any]) -> GroupItem:
    return dataclasses.replace(item, label=protect(item.label))


def protect_fiche(fiche: Fiche, protection: Protection) -> Fiche:
    """A copy of ``fiche`` whose every text (labels, quotes, titles, sentences) is protected."""
    if protection.mark is None:
        return fiche
    texts = [fiche.label, *(q.text for q in fiche.quotes), *(q.title for q in fiche.quotes)]
    texts += [s.text for s in fiche.summary]
    texts += [i.label for i in (*fiche.obstacles, *fiche.proposals, *fiche.good_practices)]
    protection.many(texts)
    protect = protection.text

    def quote(q: Quote) -> Quote:
        return dataclasses.replace(q, text=protect(q.text), title=protect(q.title))

    def sentence(s: SummarySentence) -> SummarySentence:
        return dataclasses.replace(s, text=protect(s.text))

    def change(c: ChangeItem) -> ChangeItem:
        label = protection.lemma(c.label) if c.kind == "term" else protect(c.label)
        return dataclasses.replace(c, label=label)

    return dataclasses.replace(
        fiche,
        label=protection.words(protect(fiche.label)),
        keywords=tuple(protection.lemma(k) for k in fiche.keywords),
        obstacles=tuple(_protect_group(i, protect) for i in fiche.obstacles),
        proposals=tuple(_protect_group(i, protect) for i in fiche.proposals),
        good_practices=tuple(_protect_group(i, protect) for i in fiche.good_practices),
        quotes=tuple(quote(q) for q in fiche.quotes),
        summary=tuple(sentence(s) for s in fiche.summary),
        new_items=tuple(change(c) for c in fiche.new_items),
        faded_items=tuple(change(c) for c in fiche.faded_items),
    )


def names_report(report: pd.DataFrame) -> pd.DataFrame:
    """The replacements, without the replaced names (only rule, place and protected context)."""
    columns = [schema.NAME_ITEM, schema.DOC_ID, schema.NAME_FIELD, schema.NAME_RULE]
    columns.append(schema.NAME_CONTEXT)
    if report.empty:
        return schema.empty_table(columns)
    ordered = report.assign(_item=report[schema.NAME_ITEM].astype(str)).sort_values(
        ["_item", schema.NAME_FIELD, schema.START], kind="stable"
    )
    return ordered[columns].reset_index(drop=True)
