"""The inputs of fiche building, checked and prepared once for every fiche (:class:`Corpus`)."""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis import schema
from analysis.config import SummariesConfig
from analysis.segmentation import CUT_AFTER, CUT_BEFORE, count_words, cut_mid_sentence
from analysis.summaries.model import SummariesError, SummariesWarning

if TYPE_CHECKING:
    from analysis.summaries.changes import Terms

_USED_COLUMNS = (
    schema.SEGMENT_ID,
    schema.DOC_ID,
    schema.CONCERTATION_ID,
    schema.CITY,
    schema.DATE,
    schema.TITLE,
    schema.POSITION,
    schema.PARAGRAPH,
    schema.START,
    schema.N_WORDS,
    schema.THEME_ID,
    schema.THEME_SCORE,
    schema.FUNCTION,
    schema.FUNCTION_CHECK,
    schema.FUNCTION_SENTENCE,
    schema.TEXT,
    schema.LEMMAS,
)


@dataclass(frozen=True)
class Corpus:
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
    terms: Terms | None  # the content terms of every segment (None: no lemmas or no split)
    cities_known: bool  # some segment has a city: sources say "ville inconnue" for the others
    dates_known: bool  # some segment has a date: likewise "date inconnue"

    @property
    def single_document(self) -> bool:
        """One contribution in all (:func:`analysis.tracing.single_document`): nothing can
        recur, every frein and proposal of it is listed."""
        return self.unit == schema.DOC_ID and self.n_documents_total <= 1


# --- inputs -------------------------------------------------------------------------------------


def check_config(config: SummariesConfig) -> None:
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


def split_date(segments: pd.DataFrame, compare_since: str | None) -> pd.Timestamp | None:
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


def prepare_segments(segments: pd.DataFrame) -> pd.DataFrame:
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
    frame[CUT_BEFORE], frame[CUT_AFTER] = cut_mid_sentence(frame)
    return frame


def document_titles(documents: pd.DataFrame) -> dict[str, str]:
    """How a quote names its document (doc_id -> name): its title; followed by its id when
    other documents have the same title ("Transition écologique (664)": two Decidim
    proposals), or its id alone when the id opens on the title (an IRaMuTeQ corpus titles
    every text by its file: "lille-propositions-iramuteq-0012" names one text,
    "lille-propositions-iramuteq" names 140)."""
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
    named = {str(k): str(v) for k, v in titles.items() if isinstance(v, str) and v.strip()}
    shared = {title for title, n in Counter(named.values()).items() if n > 1}
    return {
        doc: title if title not in shared else doc if doc.startswith(title) else f"{title} ({doc})"
        for doc, title in named.items()
    }


def n_concertations_total(documents: pd.DataFrame, segments: pd.DataFrame) -> int:
    source = documents if schema.CONCERTATION_ID in documents.columns else segments
    return int(source[schema.CONCERTATION_ID].dropna().nunique())


def warn_unknown_themes(segments: pd.DataFrame, themes: pd.DataFrame) -> None:
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


def answered_ids(links: pd.DataFrame | None) -> set[str] | None:
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
