"""Theme fiches: what a commission secretary pastes into a preparatory note.

One :class:`Fiche` per theme, in French: its label and keywords; its weight ("Cité dans 7
concertations sur 12, 9 villes, de janvier 2022 à avril 2024."); the recurring obstacles
(freins) and proposals, as canonical groups with their cities and counts; good practices;
three to five quotes typical of the theme, each with its document title, city, date and
paragraph; a short extractive summary; what is new or has faded between two periods.

Nothing in a fiche is generated text. Quotes are whole segments, chosen for their typicality
(``theme_score``, the cosine between a segment and its theme's centroid, or the same cosine
computed here on lemmas when the column is absent), one per concertation first. Summary
sentences are sentences of the theme's segments ranked by centrality (LexRank: PageRank over
the cosine similarities of their TF-IDF vectors), without near-duplicates.

Every number can be traced back to the segments it counts: each fiche, group, good practice,
change item, quote and sentence carries its ``segment_ids``, and :func:`fiche_sources` lists
them as one table (the "sources des fiches" sheet of the Excel export).

A single concertation (a platform export): what recurs there is what many contributions
raise. The group tables then say so (``recurrence_unit``, see
:func:`analysis.tracing.recurrence_unit`), and the fiches count, rank and word their freins and
proposals by contributions ("soulevé dans 12 contributions sur 196"), with
``min_concertations`` applied to contributions, and say which count they use.

Periods: the fiche compares the concertations held before ``compare_since`` with those held
since (default: the median concertation date, so each period holds half of them). An item is
*new* when it appears in no earlier concertation and in at least ``min_concertations`` recent
ones, *faded* the other way round. A term is listed only when it tells that change (its
keyness: the share of the term's segments of that period that are in this theme, times the
share of its corpus-wide segments that are in that period, at least 0.2): a word used by every
theme in every year is new to a theme only by chance. The most widespread come first.

Example
-------
>>> fiches = build_fiches(segments, themes, documents=documents, groups=groups)  # doctest: +SKIP
>>> print(fiche_to_markdown(fiches[0]))  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis import labels, schema, tracing
from analysis.config import SummariesConfig
from analysis.segmentation import count_words, split_sentences
from analysis.vectorise import content_terms, display_term, stop_words

ChangeStatus = Literal["new", "faded"]
_MAX_SENTENCES = 1500  # LexRank is quadratic: beyond this, sentences of the most typical segments
_DAMPING = 0.85
_REDUNDANT = 0.5  # cosine above which a summary sentence repeats one already chosen
_NEAR_DUPLICATE = 0.6  # word-set Jaccard above which two quotes say the same thing
_EXCERPT_CHARS = 220
_USED_COLUMNS = (
    schema.SEGMENT_ID,
    schema.DOC_ID,
    schema.CONCERTATION_ID,
    schema.CITY,
    schema.DATE,
    schema.TITLE,
    schema.POSITION,
    schema.PARAGRAPH,
    schema.N_WORDS,
    schema.THEME_ID,
    schema.THEME_SCORE,
    schema.FUNCTION,
    schema.TEXT,
    schema.LEMMAS,
)


class SummariesError(ValueError):
    """The inputs cannot give fiches (missing columns, duplicated ids, bad settings)."""


class SummariesWarning(UserWarning):
    """Fiches were built, but some input was ignored or incomplete (the message says which)."""


@dataclass(frozen=True)
class GroupItem:
    """A recurring frein, proposal or good practice, with where and when it came up."""

    label: str
    function: str
    cities: tuple[str, ...]
    n_cities: int
    n_concertations: int
    n_segments: int
    first_date: dt.date | None
    last_date: dt.date | None
    segment_ids: tuple[Any, ...]
    group_id: str = ""
    answered: bool | None = None  # freins: does a proposal answer it? None when unknown
    n_documents: int = 0  # contributions that raise it
    recurrence_unit: str = schema.CONCERTATION_ID  # what its recurrence counts (or doc_id)

    @property
    def n_units(self) -> int:
        """How many concertations raise it, or contributions with a single concertation."""
        return self.n_documents if self.recurrence_unit == schema.DOC_ID else self.n_concertations


@dataclass(frozen=True)
class Quote:
    """A segment quoted whole, with the source a reader needs to cite it."""

    text: str
    title: str
    city: str
    date: dt.date | None
    paragraph: int | None  # 0-based index in the document; displayed 1-based
    segment_id: Any
    doc_id: str
    typicality: float


@dataclass(frozen=True)
class SummarySentence:
    """A sentence of the corpus chosen for its centrality in the theme."""

    text: str
    segment_id: Any
    city: str
    date: dt.date | None
    centrality: float


@dataclass(frozen=True)
class ChangeItem:
    """A group or a term that is new, or has faded, between the two periods."""

    kind: str  # a function (frein, proposition...) or "term"
    label: str
    status: ChangeStatus
    n_before: int  # concertations before the split date
    n_recent: int  # concertations since
    segment_ids: tuple[Any, ...]


@dataclass(frozen=True)
class Fiche:
    """Everything a note needs about one theme; every count has its ``segment_ids``."""

    theme_id: int
    label: str
    keywords: tuple[str, ...]
    volume: str
    weight: str
    n_segments: int
    n_documents: int
    n_concertations: int
    n_concertations_total: int
    n_cities: int
    cities: tuple[str, ...]
    first_date: dt.date | None
    last_date: dt.date | None
    share: float  # of the classified segments
    obstacles: tuple[GroupItem, ...]
    proposals: tuple[GroupItem, ...]
    good_practices: tuple[GroupItem, ...]
    quotes: tuple[Quote, ...]
    summary: tuple[SummarySentence, ...]
    new_items: tuple[ChangeItem, ...]
    faded_items: tuple[ChangeItem, ...]
    split_date: dt.date | None
    period_note: str
    segment_ids: tuple[Any, ...]
    recurrence_unit: str = schema.CONCERTATION_ID  # doc_id: counted over contributions
    recurrence_note: str = ""  # says so, in French ("" when concertations are counted)


@dataclass(frozen=True)
class _Corpus:
    """What every fiche shares: the prepared segments and the corpus-wide counts."""

    segments: pd.DataFrame  # sorted by segment_id, dates parsed, + "_words", "_typicality"
    by_id: dict[Any, int]  # segment_id -> row position
    titles: dict[str, str]
    n_concertations_total: int
    n_documents_total: int
    unit: str  # what recurrence counts: concertation_id, or doc_id (a single concertation)
    n_classified: int
    split: pd.Timestamp | None
    config: SummariesConfig
    terms: _Terms | None  # the content terms of every segment (None: no lemmas or no split)


# --- inputs -------------------------------------------------------------------------------------


def _check_config(config: SummariesConfig) -> None:
    if not 1 <= config.n_quotes <= 10:
        raise SummariesError(
            f"[summaries] n_quotes = {config.n_quotes} : choisissez de 1 à 10 citations."
        )
    if config.n_summary_sentences < 0 or config.n_groups < 0 or config.n_changes < 0:
        raise SummariesError(
            "[summaries] n_summary_sentences, n_groups et n_changes doivent valoir 0 ou plus."
        )
    if not 1 <= config.quote_min_words <= config.quote_max_words:
        raise SummariesError(
            f"[summaries] quote_min_words = {config.quote_min_words} et quote_max_words = "
            f"{config.quote_max_words} : il faut 1 <= quote_min_words <= quote_max_words."
        )
    if config.min_concertations < 1:
        raise SummariesError("[summaries] min_concertations doit valoir 1 ou plus.")


def _split_date(segments: pd.DataFrame, compare_since: str | None) -> pd.Timestamp | None:
    """The date that separates "before" from "recent" (None: fewer than two dates)."""
    if compare_since is not None:
        stamp = pd.to_datetime(compare_since, errors="coerce", format="ISO8601")
        if pd.isna(stamp):
            raise SummariesError(
                f"[summaries] compare_since = {compare_since!r} n'est pas une date ISO "
                "(2024-01-01)."
            )
        return stamp
    dated = segments.dropna(subset=[schema.DATE])
    dates = sorted(dated.groupby(schema.CONCERTATION_ID)[schema.DATE].min().unique())
    if len(dates) < 2:
        return None
    return pd.Timestamp(dates[len(dates) // 2])


def _typicality(segments: pd.DataFrame) -> np.ndarray:
    """Cosine of each segment to its theme's centroid (``theme_score`` when present)."""
    if schema.THEME_SCORE in segments.columns and segments[schema.THEME_SCORE].notna().any():
        return segments[schema.THEME_SCORE].astype(float).fillna(0.0).to_numpy()
    if schema.LEMMAS in segments.columns:
        texts, pattern = segments[schema.LEMMAS].fillna("").astype(str), r"[^\s]+"
    else:
        texts, pattern = segments[schema.TEXT].str.lower(), r"(?u)\b[^\W\d_]{3,}\b"
    try:
        matrix = TfidfVectorizer(token_pattern=pattern, sublinear_tf=True).fit_transform(texts)
    except ValueError:  # no vocabulary at all
        return np.zeros(len(segments))
    scores = np.zeros(len(segments))
    themes = segments[schema.THEME_ID].to_numpy()
    for theme in np.unique(themes):
        rows = np.flatnonzero(themes == theme)
        centroid = np.asarray(matrix[rows].mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        if norm > 0:
            scores[rows] = matrix[rows] @ centroid / norm
    return scores


def _prepare_segments(segments: pd.DataFrame) -> pd.DataFrame:
    schema.require_columns(
        segments,
        schema.SEGMENT_ID,
        schema.DOC_ID,
        schema.CONCERTATION_ID,
        schema.CITY,
        schema.DATE,
        schema.TEXT,
        schema.THEME_ID,
        table="segments",
    )
    duplicated = segments[schema.SEGMENT_ID][segments[schema.SEGMENT_ID].duplicated()]
    if len(duplicated):
        raise SummariesError(
            f"La table des segments répète segment_id {', '.join(map(str, duplicated[:5]))} : "
            "les identifiants doivent être uniques pour qu'une fiche renvoie à ses sources."
        )
    order = segments[schema.SEGMENT_ID].astype(str).argsort(kind="stable")
    used = [c for c in _USED_COLUMNS if c in segments.columns]  # slim frames slice faster
    frame = segments.iloc[order][used].reset_index(drop=True).copy()
    frame[schema.DATE] = pd.to_datetime(frame[schema.DATE], errors="coerce")
    frame[schema.TEXT] = frame[schema.TEXT].fillna("").astype(str)
    frame[schema.CITY] = frame[schema.CITY].fillna("").astype(str)
    if schema.N_WORDS in frame.columns:
        frame["_words"] = frame[schema.N_WORDS].fillna(0).astype(int)
    else:
        frame["_words"] = frame[schema.TEXT].map(count_words)
    frame["_typicality"] = _typicality(frame)
    return frame


def _document_titles(documents: pd.DataFrame) -> dict[str, str]:
    schema.require_columns(documents, schema.DOC_ID, table="documents")
    if schema.TITLE not in documents.columns:
        warnings.warn(
            "La table des documents n'a pas de colonne « title » : les citations donneront "
            "l'identifiant de leur document (doc_id) à la place du titre.",
            SummariesWarning,
            stacklevel=3,
        )
        return {}
    titles = documents.set_index(schema.DOC_ID)[schema.TITLE]
    return {str(k): str(v) for k, v in titles.items() if isinstance(v, str) and v.strip()}


def _n_concertations_total(documents: pd.DataFrame, segments: pd.DataFrame) -> int:
    source = documents if schema.CONCERTATION_ID in documents.columns else segments
    return int(source[schema.CONCERTATION_ID].dropna().nunique())


def _warn_unknown_themes(segments: pd.DataFrame, themes: pd.DataFrame) -> None:
    known = set(themes[schema.THEME_ID]) | {schema.UNCLASSIFIED}
    unknown = sorted(set(segments[schema.THEME_ID].dropna()) - known, key=str)
    if unknown:
        warnings.warn(
            f"Des segments portent theme_id {', '.join(map(str, unknown))}, absent de la table "
            "des thèmes : ils ne comptent dans aucune fiche. Reconstruisez la table des thèmes "
            "après la curation.",
            SummariesWarning,
            stacklevel=3,
        )


# --- small helpers ------------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    """A list cell, whatever its storage: list, tuple, array, "a; b" string, or missing."""
    if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Series):
        return list(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[;|,]", value) if p.strip()]
    return [value]


def _keywords(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        parts = re.split(r"\s*[;,|·]\s*", value)
    else:
        parts = [str(v) for v in _as_list(value)]
    return tuple(display_term(p.strip()) for p in parts if p and p.strip())


def _date(value: Any) -> dt.date | None:
    stamp = pd.to_datetime(value, errors="coerce")
    return None if pd.isna(stamp) else stamp.date()


def _excerpt(text: str) -> str:
    """The first sentence of ``text``, cut at a word boundary beyond ``_EXCERPT_CHARS``."""
    spans = split_sentences(text)
    first = _clean_label(text[spans[0][0] : spans[0][1]] if spans else text)
    if len(first) <= _EXCERPT_CHARS:
        return first
    return first[:_EXCERPT_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _clean_label(value: Any) -> str:
    """A group label on one line, without the bullet of the list item it was taken from."""
    if not isinstance(value, str):
        return ""
    return " ".join(value.split()).lstrip("-*•–— ").strip()


def _sorted_ids(ids: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(set(ids), key=str))


def _sentence_terms(text: str) -> list[str]:
    """Lower-cased content words of a sentence (a module function: vectorisers stay picklable)."""
    return [w for w in re.findall(r"[^\W\d_]{3,}", text.lower()) if w not in stop_words()]


def _word_set(text: str) -> set[str]:
    return set(_sentence_terms(text))


# --- groups: freins, proposals, good practices ----------------------------------------------------


def _item_from_segments(
    corpus: _Corpus, rows: np.ndarray, label: str, function: str, **extra: Any
) -> GroupItem:
    """A :class:`GroupItem` whose every count is recomputed from its segments."""
    frame = corpus.segments.iloc[rows]
    cities = tuple(sorted(c for c in frame[schema.CITY].unique() if c))
    return GroupItem(
        label=label,
        function=function,
        cities=cities,
        n_cities=len(cities),
        n_concertations=int(frame[schema.CONCERTATION_ID].nunique()),
        n_segments=len(frame),
        first_date=_date(frame[schema.DATE].min()),
        last_date=_date(frame[schema.DATE].max()),
        segment_ids=_sorted_ids(frame[schema.SEGMENT_ID]),
        n_documents=int(frame[schema.DOC_ID].nunique()),
        recurrence_unit=corpus.unit,
        **extra,
    )


def _group_function(row: dict[str, Any], corpus: _Corpus, rows: np.ndarray) -> str | None:
    """The function of a group: its own column, else the majority of its segments'."""
    if isinstance(row.get(schema.FUNCTION), str) and row[schema.FUNCTION]:
        return row[schema.FUNCTION]
    if len(rows) and schema.FUNCTION in corpus.segments.columns:
        counts = Counter(corpus.segments[schema.FUNCTION].iloc[rows].dropna())
        if counts:
            return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return None


def _group_items(
    groups: pd.DataFrame, corpus: _Corpus, answered_ids: set[str] | None
) -> list[GroupItem]:
    """Every group of ``groups`` as a :class:`GroupItem`, counted on its segments."""
    items, missing = [], []
    for row in groups.to_dict("records"):
        ids = _as_list(row.get(schema.SEGMENT_IDS))
        rows = np.array([corpus.by_id[i] for i in ids if i in corpus.by_id], dtype=int)
        missing.extend(i for i in ids if i not in corpus.by_id)
        function = _group_function(row, corpus, rows)
        group_id = str(row.get(schema.GROUP_ID, ""))
        answered = None if answered_ids is None else group_id in answered_ids
        label = _clean_label(row.get(schema.LABEL)) or group_id
        if len(rows):
            items.append(
                _item_from_segments(
                    corpus, rows, label, function or "", group_id=group_id, answered=answered
                )
            )
            continue
        cities = tuple(sorted(map(str, _as_list(row.get(schema.CITIES)))))
        items.append(
            GroupItem(
                label=label,
                function=function or "",
                cities=cities,
                n_cities=int(row.get(schema.N_CITIES, len(cities)) or 0),
                n_concertations=int(row.get(schema.N_CONCERTATIONS, 0) or 0),
                n_segments=int(row.get(schema.N_SEGMENTS, 0) or 0),
                first_date=_date(row.get(schema.FIRST_DATE)),
                last_date=_date(row.get(schema.LAST_DATE)),
                segment_ids=(),
                group_id=group_id,
                answered=answered,
                n_documents=int(row.get(schema.N_DOCUMENTS, 0) or 0),
                recurrence_unit=corpus.unit,
            )
        )
    if missing:
        warnings.warn(
            f"Des groupes renvoient à {labels.french_plural(len(missing), 'segment')} absent(s) "
            f"de la table des segments (par exemple {missing[0]}) : leurs comptes viennent de "
            "la table des groupes et ne peuvent pas être retracés.",
            SummariesWarning,
            stacklevel=3,
        )
    return items


def _rank_groups(items: Iterable[GroupItem], *, min_concertations: int, n: int) -> list[GroupItem]:
    """The ``n`` items raised by most concertations (or contributions: ``n_units``), kept
    from ``min_concertations`` of them."""
    kept = [i for i in items if i.n_units >= min_concertations]
    kept.sort(key=lambda i: (-i.n_units, -i.n_segments, i.label, i.group_id))
    return kept[:n]


def _good_practices(theme_rows: np.ndarray, corpus: _Corpus) -> list[GroupItem]:
    """Good practices from segments: one item per source paragraph, most typical first."""
    if schema.FUNCTION not in corpus.segments.columns:
        return []
    frame = corpus.segments.iloc[theme_rows]
    frame = frame[frame[schema.FUNCTION] == schema.BONNE_PRATIQUE]
    if frame.empty:
        return []
    where = [schema.DOC_ID, schema.PARAGRAPH] if schema.PARAGRAPH in frame.columns else []
    keys = frame[where].astype(str).agg("|".join, axis=1) if where else frame[schema.SEGMENT_ID]
    items = []
    for _, part in frame.groupby(keys, sort=True):
        part = part.sort_values([schema.POSITION] if schema.POSITION in part else [])
        rows = np.array([corpus.by_id[i] for i in part[schema.SEGMENT_ID]], dtype=int)
        item = _item_from_segments(
            corpus, rows, _excerpt(part[schema.TEXT].iloc[0]), schema.BONNE_PRATIQUE
        )
        items.append((-float(part["_typicality"].max()), item.label, item))
    return [item for *_, item in sorted(items, key=lambda t: (t[0], t[1]))]


# --- quotes and extractive summary ----------------------------------------------------------------


def select_quotes(
    theme_segments: pd.DataFrame,
    titles: dict[str, str],
    *,
    n_quotes: int,
    min_words: int,
    max_words: int,
    per: str = schema.CONCERTATION_ID,
) -> list[Quote]:
    """Pick the segments most typical of a theme, one per concertation first.

    Parameters
    ----------
    theme_segments
        The theme's segments with ``segment_id``, ``doc_id``, ``concertation_id``, ``city``,
        ``date``, ``text``, ``_words`` and ``_typicality`` (as prepared by :func:`build_fiches`);
        ``function`` and ``paragraph`` are used when present.
    titles
        Document titles by ``doc_id``.
    n_quotes
        How many quotes at most.
    min_words, max_words
        Length limits; when no segment fits, every length is accepted.
    per
        One quote per value of this column first: ``"concertation_id"``, or ``"doc_id"``
        (one per contribution) when the corpus holds a single concertation.

    Returns
    -------
    list of Quote
        Most typical first; no two near-duplicates.
    """
    frame = theme_segments
    if schema.FUNCTION in frame.columns:
        frame = frame[frame[schema.FUNCTION] != schema.AUTRE]
    fitting = frame[(frame["_words"] >= min_words) & (frame["_words"] <= max_words)]
    frame = (fitting if len(fitting) else frame).copy()
    frame["_key"] = frame[schema.SEGMENT_ID].astype(str)
    frame = frame.sort_values(["_typicality", "_key"], ascending=[False, True], kind="stable")
    chosen: list[dict[str, Any]] = []
    for one_per_unit in (True, False):
        for row in frame.to_dict("records"):
            if len(chosen) >= n_quotes:
                break
            if any(row[schema.SEGMENT_ID] == c[schema.SEGMENT_ID] for c in chosen):
                continue
            seen = {c[per] for c in chosen}
            if one_per_unit and row[per] in seen:
                continue
            if any(_jaccard(row[schema.TEXT], c[schema.TEXT]) > _NEAR_DUPLICATE for c in chosen):
                continue
            chosen.append(row)
    return [_quote(row, titles) for row in chosen]


def _jaccard(first: str, second: str) -> float:
    a, b = _word_set(first), _word_set(second)
    return len(a & b) / len(a | b) if a | b else 1.0


def _quote(row: dict[str, Any], titles: dict[str, str]) -> Quote:
    paragraph = row.get(schema.PARAGRAPH)
    doc_id = str(row[schema.DOC_ID])
    title = titles.get(doc_id) or str(row.get(schema.TITLE) or "") or doc_id
    return Quote(
        text=" ".join(row[schema.TEXT].split()),
        title=title,
        city=row[schema.CITY],
        date=_date(row[schema.DATE]),
        paragraph=None if paragraph is None or pd.isna(paragraph) else int(paragraph),
        segment_id=row[schema.SEGMENT_ID],
        doc_id=doc_id,
        typicality=round(float(row["_typicality"]), 4),
    )


def _candidate_sentences(
    theme_segments: pd.DataFrame, *, min_words: int, max_words: int
) -> pd.DataFrame:
    """Sentences of the theme's segments, most typical segments first, within length limits."""
    frame = theme_segments
    if schema.FUNCTION in frame.columns:
        frame = frame[frame[schema.FUNCTION] != schema.AUTRE]
    frame = frame.assign(_key=frame[schema.SEGMENT_ID].astype(str)).sort_values(
        ["_typicality", "_key"], ascending=[False, True], kind="stable"
    )
    rows = []
    for record in frame.to_dict("records"):
        text = record[schema.TEXT]
        for start, end in split_sentences(text):
            sentence = " ".join(text[start:end].lstrip("-*•–— ").split())
            if min_words <= count_words(sentence) <= max_words and not sentence.endswith(":"):
                rows.append(
                    (sentence, record[schema.SEGMENT_ID], record[schema.CITY], record[schema.DATE])
                )
        if len(rows) >= _MAX_SENTENCES:
            break
    return pd.DataFrame(rows, columns=["sentence", schema.SEGMENT_ID, schema.CITY, schema.DATE])


def _lexrank(matrix: np.ndarray) -> np.ndarray:
    """Stationary scores of a random walk over a cosine similarity matrix (LexRank)."""
    similarity = matrix.copy()
    np.fill_diagonal(similarity, 0.0)
    totals = similarity.sum(axis=1, keepdims=True)
    size = len(similarity)
    transition = np.where(totals > 0, similarity / np.where(totals > 0, totals, 1), 1.0 / size)
    scores = np.full(size, 1.0 / size)
    for _ in range(200):
        updated = (1 - _DAMPING) / size + _DAMPING * transition.T @ scores
        if np.abs(updated - scores).sum() < 1e-10:
            return updated
        scores = updated
    return scores


def central_sentences(
    theme_segments: pd.DataFrame, *, n_sentences: int, min_words: int, max_words: int
) -> list[SummarySentence]:
    """The most central sentences of a theme: an extractive summary, never generated text.

    Parameters
    ----------
    theme_segments
        The theme's segments with ``segment_id``, ``city``, ``date``, ``text`` and
        ``_typicality`` (as prepared by :func:`build_fiches`); ``function`` when present.
    n_sentences
        How many sentences at most.
    min_words, max_words
        Length limits of a sentence.

    Returns
    -------
    list of SummarySentence
        Most central first; at most one per segment; no sentence repeating a chosen one.
    """
    sentences = _candidate_sentences(theme_segments, min_words=min_words, max_words=max_words)
    if sentences.empty or n_sentences == 0:
        return []
    vectoriser = TfidfVectorizer(analyzer=_sentence_terms, sublinear_tf=True)
    try:
        vectors = vectoriser.fit_transform(sentences["sentence"])
    except ValueError:  # only stop words
        return []
    similarity = (vectors @ vectors.T).toarray()
    scores = _lexrank(similarity)
    order = sorted(range(len(sentences)), key=lambda i: (-round(scores[i], 12), i))
    chosen: list[int] = []
    for index in order:
        if len(chosen) >= n_sentences:
            break
        same_segment = any(
            sentences[schema.SEGMENT_ID].iat[index] == sentences[schema.SEGMENT_ID].iat[c]
            for c in chosen
        )
        if same_segment or any(similarity[index, c] > _REDUNDANT for c in chosen):
            continue
        chosen.append(index)
    return [
        SummarySentence(
            text=sentences["sentence"].iat[i],
            segment_id=sentences[schema.SEGMENT_ID].iat[i],
            city=sentences[schema.CITY].iat[i],
            date=_date(sentences[schema.DATE].iat[i]),
            centrality=round(float(scores[i]) * len(sentences), 4),
        )
        for i in chosen
    ]


# --- what changed between two periods -------------------------------------------------------------


@dataclass(frozen=True)
class _Timeline:
    """Per-segment arrays of a table, for counting concertations before and since the split."""

    concertations: np.ndarray
    dated: np.ndarray
    recent: np.ndarray
    ids: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame, split: pd.Timestamp) -> _Timeline:
        dates = frame[schema.DATE]
        return cls(
            concertations=frame[schema.CONCERTATION_ID].to_numpy(dtype=object),
            dated=dates.notna().to_numpy(),
            recent=(dates >= split).to_numpy(),
            ids=frame[schema.SEGMENT_ID].to_numpy(dtype=object),
        )


def _change(
    kind: str, label: str, rows: np.ndarray, timeline: _Timeline, min_concertations: int
) -> ChangeItem | None:
    """A :class:`ChangeItem` when the segments at ``rows`` are new or have faded."""
    rows = rows[timeline.dated[rows]]
    recent = timeline.recent[rows]
    n_recent = len(set(timeline.concertations[rows[recent]]))
    n_before = len(set(timeline.concertations[rows[~recent]]))
    if n_before == 0 and n_recent >= min_concertations:
        status: ChangeStatus = "new"
    elif n_recent == 0 and n_before >= min_concertations:
        status = "faded"
    else:
        return None
    return ChangeItem(kind, label, status, n_before, n_recent, _sorted_ids(timeline.ids[rows]))


# A term is listed as new (or faded) in a theme only when it says something about that change:
# keyness = (share of the term's segments of the period that are in this theme) x (share of the
# term's corpus-wide segments that are in that period). "rançongiciel", found nowhere before and
# only in the cyber theme since, scores 1; a word of every theme and every year scores near 0.
_MIN_TERM_KEYNESS = 0.2


@dataclass(frozen=True)
class _Terms:
    """Which segments of the corpus hold which content terms, counted once for all fiches."""

    names: list[str]  # sorted
    presence: sp.csc_matrix  # segments x terms, 1 where the segment holds the term
    before: np.ndarray  # per term: dated segments of the corpus holding it before the split
    since: np.ndarray  # ... and since

    @classmethod
    def of(cls, segments: pd.DataFrame, timeline: _Timeline) -> _Terms:
        held = [set(content_terms(lemmas)) for lemmas in segments[schema.LEMMAS]]
        names = sorted(set().union(*held))
        column = {name: j for j, name in enumerate(names)}
        indices = [column[t] for terms in held for t in terms]
        starts = np.cumsum([0, *map(len, held)])
        presence = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.int64), indices, starts),
            shape=(len(held), len(names)),
        )
        before = timeline.dated & ~timeline.recent
        since = timeline.dated & timeline.recent
        return cls(
            names=names,
            presence=presence.tocsc(),
            before=np.asarray(presence[before].sum(axis=0)).ravel(),
            since=np.asarray(presence[since].sum(axis=0)).ravel(),
        )


def _term_changes(
    rows: np.ndarray, timeline: _Timeline, corpus: _Corpus
) -> list[tuple[float, ChangeItem]]:
    """The new and faded terms of the segments at ``rows`` (one theme), with their keyness
    (those above ``_MIN_TERM_KEYNESS``)."""
    terms = corpus.terms
    if terms is None:
        return []
    in_theme = terms.presence[rows]  # still by column: the theme's segments holding each term
    changes = []
    for j in np.flatnonzero(np.diff(in_theme.indptr)):
        held = rows[in_theme.indices[in_theme.indptr[j] : in_theme.indptr[j + 1]]]
        name = display_term(terms.names[j])
        item = _change("term", name, held, timeline, corpus.config.min_concertations)
        if item is None:
            continue
        # the period the term belongs to, and the corpus's segments holding it then
        in_period = terms.since[j] if item.status == "new" else terms.before[j]
        here = len(item.segment_ids)
        keyness = (here / max(in_period, here)) * (
            in_period / max(terms.before[j] + terms.since[j], 1)
        )
        if keyness >= _MIN_TERM_KEYNESS:
            changes.append((keyness, item))
    return changes


def _changes(
    theme_rows: np.ndarray, groups: list[GroupItem], corpus: _Corpus
) -> tuple[list[ChangeItem], list[ChangeItem]]:
    """New and faded groups, then terms, of one theme (its segments at ``theme_rows``); the
    most widespread first."""
    if corpus.split is None or len(theme_rows) == 0:
        return [], []
    config = corpus.config
    timeline = _Timeline.of(corpus.segments, corpus.split)
    items = []
    for group in groups:
        rows = np.array([corpus.by_id[i] for i in group.segment_ids if i in corpus.by_id], int)
        kind = group.function or "group"
        change = _change(kind, group.label, rows, timeline, config.min_concertations)
        if change is not None:
            items.append(change)
    terms = _term_changes(theme_rows, timeline, corpus)

    def top(pool: list[ChangeItem], status: str) -> list[ChangeItem]:
        chosen = [c for c in pool if c.status == status]
        chosen.sort(key=lambda c: (-(c.n_before + c.n_recent), -len(c.segment_ids), c.label))
        return chosen[: config.n_changes]

    def top_terms(status: str) -> list[ChangeItem]:  # the most widespread, then most telling
        chosen = [(k, c) for k, c in terms if c.status == status]
        chosen.sort(
            key=lambda kc: (-(kc[1].n_before + kc[1].n_recent), -round(kc[0], 6), kc[1].label)
        )
        return [c for _, c in chosen[: config.n_changes]]

    new = top(items, "new") + top_terms("new")
    faded = top(items, "faded") + top_terms("faded")
    return new, faded


def _period_note(theme_frame: pd.DataFrame, corpus: _Corpus) -> str:
    """ "Avant mai 2023 (6 concertations) : 9 % des segments ; depuis (6 concertations) : 14 %"."""
    if corpus.split is None:
        return labels.FICHE_LABELS["single_period"]
    frame = corpus.segments.dropna(subset=[schema.DATE])
    frame = frame[frame[schema.THEME_ID] != schema.UNCLASSIFIED]
    recent = frame[schema.DATE] >= corpus.split
    month = labels.french_month(corpus.split.month, corpus.split.year)
    parts = []
    for name, mask in ((f"Avant {month}", ~recent), (f"depuis {month}", recent)):
        period = frame[mask]
        in_theme = period[schema.SEGMENT_ID].isin(theme_frame[schema.SEGMENT_ID]).sum()
        share = labels.french_percent(in_theme / len(period) if len(period) else 0.0)
        n_conc = int(period[schema.CONCERTATION_ID].nunique())
        concertations = labels.french_plural(n_conc, "concertation")
        parts.append(f"{name} ({concertations}){labels.NBSP}: {share} des segments classés")
    return f"{labels.NBSP}; ".join(parts) + "."


# --- fiches -------------------------------------------------------------------------------------


def volume_sentence(
    n_concertations: int,
    n_concertations_total: int,
    n_cities: int,
    first_date: Any,
    last_date: Any,
    *,
    unit: str = schema.CONCERTATION_ID,
) -> str:
    """Return "Cité dans 7 concertations sur 12, 9 villes, de janvier 2022 à avril 2024.".

    With ``unit="doc_id"`` (a single concertation), the two counts are contributions: "Cité
    dans 57 contributions sur 196, date inconnue." (the cities only when some are known).
    """
    if n_concertations == 0:
        return labels.FICHE_LABELS["no_segment"].capitalize() + "."
    cities = labels.french_plural(n_cities, "ville")
    period = labels.french_period(first_date, last_date)
    if unit == schema.DOC_ID:
        contributions = labels.french_plural(n_concertations, labels.CONTRIBUTION_LABELS["unit"])
        cited = labels.CONTRIBUTION_LABELS["volume"].format(
            contributions=contributions, total=n_concertations_total
        )
        return ", ".join([cited, *([cities] if n_cities else []), period]) + "."
    concertations = labels.french_plural(n_concertations, "concertation")
    return f"Cité dans {concertations} sur {n_concertations_total}, {cities}, {period}."


def _weight_sentence(n_segments: int, n_documents: int, share: float) -> str:
    if n_segments == 0:
        return ""
    return (
        f"{labels.french_plural(n_segments, 'segment')} dans "
        f"{labels.french_plural(n_documents, 'document')}, soit "
        f"{labels.french_percent(share)} des segments classés."
    )


def _listed_groups(
    items: list[GroupItem], theme_rows: np.ndarray, corpus: _Corpus
) -> tuple[tuple[GroupItem, ...], tuple[GroupItem, ...], tuple[GroupItem, ...]]:
    """The recurring freins and proposals, and the good practices, of one theme."""
    config = corpus.config
    rank = {"min_concertations": config.min_concertations, "n": config.n_groups}
    obstacles = _rank_groups((i for i in items if i.function == schema.FREIN), **rank)
    proposals = _rank_groups((i for i in items if i.function == schema.PROPOSITION), **rank)
    practices = [i for i in items if i.function == schema.BONNE_PRATIQUE]
    if practices:  # tracing grouped them: local by nature, so one concertation is enough
        practices = _rank_groups(practices, min_concertations=1, n=config.n_groups)
    else:
        practices = _good_practices(theme_rows, corpus)[: config.n_groups]
    return tuple(obstacles), tuple(proposals), tuple(practices)


def _extracts(
    frame: pd.DataFrame, corpus: _Corpus
) -> tuple[tuple[Quote, ...], tuple[SummarySentence, ...]]:
    """The quotes and the extractive summary of one theme."""
    config = corpus.config
    limits = {"min_words": config.quote_min_words, "max_words": config.quote_max_words}
    quotes = select_quotes(
        frame, corpus.titles, n_quotes=config.n_quotes, per=corpus.unit, **limits
    )
    summary = central_sentences(frame, n_sentences=config.n_summary_sentences, **limits)
    return tuple(quotes), tuple(summary)


def _fiche(
    theme: dict[str, Any],
    corpus: _Corpus,
    groups: pd.DataFrame | None,
    answered_ids: set[str] | None,
) -> Fiche:
    segments = corpus.segments
    theme_id = theme[schema.THEME_ID]
    rows = np.flatnonzero((segments[schema.THEME_ID] == theme_id).to_numpy())
    frame = segments.iloc[rows]
    items = []
    if groups is not None:
        items = _group_items(groups[groups[schema.THEME_ID] == theme_id], corpus, answered_ids)
    cities = tuple(sorted(c for c in frame[schema.CITY].unique() if c))
    n_concertations = int(frame[schema.CONCERTATION_ID].nunique())
    n_documents = int(frame[schema.DOC_ID].nunique())
    share = len(frame) / corpus.n_classified if corpus.n_classified else 0.0
    first, last = frame[schema.DATE].min(), frame[schema.DATE].max()
    obstacles, proposals, practices = _listed_groups(items, rows, corpus)
    quotes, summary = _extracts(frame, corpus)
    new, faded = _changes(rows, items, corpus)
    total = corpus.n_concertations_total
    by_contribution = corpus.unit == schema.DOC_ID
    volume = (
        volume_sentence(
            n_documents, corpus.n_documents_total, len(cities), first, last, unit=corpus.unit
        )
        if by_contribution
        else volume_sentence(n_concertations, total, len(cities), first, last)
    )
    return Fiche(
        theme_id=theme_id,
        label=str(theme.get(schema.LABEL) or f"Thème {theme_id}"),
        keywords=_keywords(theme.get(schema.KEYWORDS)),
        volume=volume,
        weight=_weight_sentence(len(frame), n_documents, share),
        n_segments=len(frame),
        n_documents=n_documents,
        n_concertations=n_concertations,
        n_concertations_total=total,
        n_cities=len(cities),
        cities=cities,
        first_date=_date(first),
        last_date=_date(last),
        share=round(share, 4),
        obstacles=obstacles,
        proposals=proposals,
        good_practices=practices,
        quotes=quotes,
        summary=summary,
        new_items=tuple(new),
        faded_items=tuple(faded),
        split_date=_date(corpus.split),
        period_note=_period_note(frame, corpus),
        segment_ids=_sorted_ids(frame[schema.SEGMENT_ID]),
        recurrence_unit=corpus.unit,
        recurrence_note=labels.CONTRIBUTION_LABELS["mode_note"] if by_contribution else "",
    )


def _answered_ids(links: pd.DataFrame | None) -> set[str] | None:
    """Group ids of the freins a proposal answers, from the tracing links table."""
    if links is None:
        return None
    if schema.OBSTACLE_GROUP_ID not in links.columns:
        warnings.warn(
            f"La table des liens n'a pas de colonne « {schema.OBSTACLE_GROUP_ID} » (elle a "
            f"{', '.join(map(str, links.columns))}) : les freins ne sont pas marqués comme "
            "ayant une réponse ou non.",
            SummariesWarning,
            stacklevel=3,
        )
        return None
    return {str(v) for v in links[schema.OBSTACLE_GROUP_ID].dropna()}


def build_fiches(
    segments: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    documents: pd.DataFrame,
    groups: pd.DataFrame | Sequence[pd.DataFrame] | None = None,
    links: pd.DataFrame | None = None,
    config: SummariesConfig | None = None,
) -> list[Fiche]:
    """Build one fiche per theme of ``themes`` (unclassified segments get none).

    Parameters
    ----------
    segments
        Needs ``segment_id`` (unique), ``doc_id``, ``concertation_id``, ``city``, ``date``,
        ``text``, ``theme_id``; uses ``theme_score``, ``function``, ``lemmas``, ``paragraph``,
        ``position``, ``n_words`` and ``title`` when present.
    themes
        Needs ``theme_id`` and ``label``; ``keywords`` (a list or a "a, b" string) when present.
    documents
        Needs ``doc_id``; ``title`` (quoted sources) and ``concertation_id`` (the "sur 12").
    groups
        Canonical groups of freins, proposals (and good practices) from
        :func:`analysis.tracing.canonical_groups`, one table or several (obstacles, proposals):
        ``group_id``, ``theme_id``, ``label``, ``segment_ids``, and ``function`` (else the
        majority function of its segments). Counts are recomputed from ``segment_ids``; when a
        group has none, its own ``n_concertations``, ``cities``... are used. Their
        ``recurrence_unit`` column (a single concertation) makes the fiches count contributions
        (:func:`analysis.tracing.unit_of`). None: the fiches say "aucun frein récurrent
        identifié", and count contributions when the segments hold a single concertation.
    links
        :func:`analysis.tracing.link_proposals` (``obstacle_group_id``): the freins no
        proposal answers are marked. None: not marked.
    config
        The ``[summaries]`` settings.

    Returns
    -------
    list of Fiche
        Ordered by ``theme_id``.

    Raises
    ------
    SummariesError
        On bad settings, duplicated ``segment_id`` or an invalid ``compare_since``.
    schema.SchemaError
        When a table lacks a needed column.

    Warns
    -----
    SummariesWarning
        For segments whose theme is not in ``themes``, groups pointing at unknown segments,
        documents without titles.
    """
    config = config or SummariesConfig()
    _check_config(config)
    schema.require_columns(themes, schema.THEME_ID, schema.LABEL, table="themes")
    if groups is not None and not isinstance(groups, pd.DataFrame):
        groups = pd.concat(list(groups), ignore_index=True) if len(groups) else None
    if groups is not None:
        schema.require_columns(groups, schema.THEME_ID, schema.LABEL, table="groups")
    frame = _prepare_segments(segments)
    _warn_unknown_themes(frame, themes)
    corpus = _Corpus(
        segments=frame,
        by_id={v: i for i, v in enumerate(frame[schema.SEGMENT_ID])},
        titles=_document_titles(documents),
        n_concertations_total=_n_concertations_total(documents, frame),
        n_documents_total=int(documents[schema.DOC_ID].nunique()),
        # tracing decided it and stored it in the groups; decided here only without groups
        unit=tracing.unit_of(groups) if groups is not None else tracing.recurrence_unit(frame),
        n_classified=int((frame[schema.THEME_ID] != schema.UNCLASSIFIED).sum()),
        split=(split := _split_date(frame, config.compare_since)),
        config=config,
        terms=(
            _Terms.of(frame, _Timeline.of(frame, split))
            if split is not None and schema.LEMMAS in frame.columns
            else None
        ),
    )
    answered = _answered_ids(links)
    ordered = themes[themes[schema.THEME_ID] != schema.UNCLASSIFIED].sort_values(schema.THEME_ID)
    return [_fiche(theme, corpus, groups, answered) for theme in ordered.to_dict("records")]


# --- Markdown and tables ------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_<>])")


def markdown_escape(text: str) -> str:
    """Escape what Markdown would read as markup or HTML in corpus text (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _without_final_period(label: str) -> str:
    """A sentence used as a label, without its final period (the line adds its own)."""
    return label[:-1].rstrip() if label.endswith(".") and not label.endswith("..") else label


def _where_when(item: GroupItem) -> str:
    if item.recurrence_unit == schema.DOC_ID:
        return _where_when_contributions(item)
    parts = [labels.french_plural(item.n_concertations, "concertation")]
    cities = ", ".join(item.cities)
    parts.append(labels.french_plural(item.n_cities, "ville") + (f" ({cities})" if cities else ""))
    parts.append(labels.french_plural(item.n_segments, "segment"))
    if item.first_date is not None:
        parts.append(labels.french_period(item.first_date, item.last_date))
    return ", ".join(parts)


def _where_when_contributions(item: GroupItem) -> str:
    """ "soulevé dans 12 contributions, 14 segments" (the cities and period when known)."""
    cl = labels.CONTRIBUTION_LABELS
    raised = cl["raised" if item.function == schema.FREIN else "raised_feminine"]
    parts = [raised.format(count=labels.french_plural(item.n_documents, cl["unit"]))]
    if item.cities:
        cities = labels.french_plural(item.n_cities, "ville")
        parts.append(f"{cities} ({', '.join(item.cities)})")
    parts.append(labels.french_plural(item.n_segments, "segment"))
    if item.first_date is not None:
        parts.append(labels.french_period(item.first_date, item.last_date))
    return ", ".join(parts)


def _group_lines(items: Sequence[GroupItem], empty: str) -> list[str]:
    if not items:
        return [f"*{empty.capitalize()}.*"]
    lines = []
    for item in items:
        label = markdown_escape(_without_final_period(item.label))
        line = f"- **{label}**{labels.NBSP}: {_where_when(item)}."
        if item.function == schema.FREIN and item.answered is False:
            line += f" *{labels.FICHE_LABELS['unanswered'].capitalize()}.*"
        lines.append(line)
    return lines


def quote_source(quote: Quote) -> str:
    """Return "Titre, Ville, 14 juin 2024, paragraphe 4" (paragraphs counted from 1)."""
    parts = [
        quote.title or labels.FICHE_LABELS["untitled"],
        quote.city or labels.FICHE_LABELS["unknown_city"],
    ]
    parts.append(labels.french_date(quote.date) or labels.FICHE_LABELS["undated"])
    if quote.paragraph is not None:
        parts.append(f"{labels.FICHE_LABELS['paragraph']} {quote.paragraph + 1}")
    return ", ".join(parts)


def _quote_lines(quotes: Sequence[Quote]) -> list[str]:
    if not quotes:
        return [f"*{labels.FICHE_LABELS['no_quote'].capitalize()}.*"]
    lines = []
    for quote in quotes:
        source = markdown_escape(quote_source(quote))
        text = markdown_escape(quote.text)
        lines += [f"> «{labels.NBSP}{text}{labels.NBSP}»", ">", f"> — {source}", ""]
    return lines[:-1]


def sentence_source(sentence: SummarySentence) -> str:
    """Return "Dijon, 28 avril 2023"."""
    date = labels.french_date(sentence.date) or labels.FICHE_LABELS["undated"]
    return f"{sentence.city or labels.FICHE_LABELS['unknown_city']}, {date}"


def change_line(item: ChangeItem) -> str:
    """Return "Nouveau (frein) : label (0 concertation avant, 4 depuis)"."""
    status = labels.FICHE_LABELS["new" if item.status == "new" else "faded"]
    kind = labels.CHANGE_KIND_LABELS.get(item.kind, item.kind)
    before = labels.french_plural(item.n_before, "concertation")
    label = _without_final_period(item.label)
    return f"{status} ({kind}){labels.NBSP}: {label} ({before} avant, {item.n_recent} depuis)"


def fiche_to_markdown(fiche: Fiche) -> str:
    """Return the fiche as French Markdown, ready to paste into a note.

    Corpus text is escaped (``*``, ``_``, ``<``...), so that it shows as written.
    """
    fl = labels.FICHE_LABELS
    colon = f"{labels.NBSP}:"
    keywords = markdown_escape(", ".join(fiche.keywords)) or "—"
    lines = [f"# {markdown_escape(fiche.label)}", "", f"**{fl['keywords']}**{colon} {keywords}", ""]
    lines += [f"## {fl['volume']}", "", f"{fiche.volume} {fiche.weight}".strip(), ""]
    if fiche.recurrence_note:
        lines += [f"*{fiche.recurrence_note}*", ""]
    if fiche.cities:
        lines += [f"Villes{colon} {markdown_escape(', '.join(fiche.cities))}.", ""]
    lines += [f"## {fl['obstacles']}", "", *_group_lines(fiche.obstacles, fl["no_obstacle"]), ""]
    lines += [f"## {fl['proposals']}", "", *_group_lines(fiche.proposals, fl["no_proposal"]), ""]
    lines += [f"## {fl['good_practices']}", ""]
    lines += [*_group_lines(fiche.good_practices, fl["no_good_practice"]), ""]
    lines += [f"## {fl['quotes']}", "", *_quote_lines(fiche.quotes), ""]
    lines += [f"## {fl['summary']}", "", f"*{fl['summary_note']}*", ""]
    if fiche.summary:
        lines += [
            f"- {markdown_escape(s.text)} ({markdown_escape(sentence_source(s))})"
            for s in fiche.summary
        ]
    else:
        lines.append(f"*{fl['no_summary'].capitalize()}.*")
    lines += ["", f"## {fl['changes']}", "", fiche.period_note, ""]
    changes = [*fiche.new_items, *fiche.faded_items]
    if changes:
        lines += [f"- {markdown_escape(change_line(c))}." for c in changes]
    elif fiche.split_date is not None:
        lines.append(f"*{fl['no_change'].capitalize()}.*")
    lines += ["", f"## {fl['sources']}", ""]
    lines.append(
        f"{labels.french_plural(fiche.n_segments, 'segment')} comptés. {fl['sources_note']}"
    )
    return "\n".join(lines).replace("\n\n\n", "\n\n").rstrip() + "\n"


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
