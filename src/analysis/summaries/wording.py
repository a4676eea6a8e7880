"""The French sentences of a fiche, written once for every renderer (Markdown, Word, HTML)."""

from __future__ import annotations

from typing import Any

from analysis import labels, schema
from analysis.summaries.model import ChangeItem, GroupItem, Quote, SummarySentence


def volume_sentence(
    n_concertations: int,
    n_concertations_total: int,
    n_cities: int,
    first_date: Any,
    last_date: Any,
    *,
    unit: str = schema.CONCERTATION_ID,
    dated: bool = True,
) -> str:
    """Return "Cité dans 7 concertations sur 12, 9 villes, de janvier 2022 à avril 2024.".

    With ``unit="doc_id"`` (a single concertation), the two counts are contributions: "Cité
    dans 57 contributions sur 196, date inconnue.". The cities are said only when some are
    known; ``dated=False`` (no document of the corpus has a date) leaves the period out.
    """
    if n_concertations == 0:
        return labels.FICHE_LABELS["no_segment"].capitalize() + "."
    cities = [labels.french_plural(n_cities, "ville")] if n_cities else []
    period = [labels.french_period(first_date, last_date)] if dated else []
    if unit == schema.DOC_ID:
        contributions = labels.french_plural(n_concertations, labels.CONTRIBUTION_LABELS["unit"])
        cited = labels.CONTRIBUTION_LABELS["volume"].format(
            contributions=contributions, total=n_concertations_total
        )
    else:
        concertations = labels.french_plural(n_concertations, "concertation")
        cited = f"Cité dans {concertations} sur {n_concertations_total}"
    return ", ".join([cited, *cities, *period]) + "."


def weight_sentence(n_segments: int, n_documents: int, share: float) -> str:
    """Return "108 segments dans 35 documents, soit 14 % des segments classés." ("" for none)."""
    if n_segments == 0:
        return ""
    return (
        f"{labels.french_plural(n_segments, 'segment')} dans "
        f"{labels.french_plural(n_documents, 'document')}, soit "
        f"{labels.french_percent(share)} des segments classés."
    )


def without_final_period(label: str) -> str:
    """A sentence used as a label, without its final period (the line adds its own)."""
    return label[:-1].rstrip() if label.endswith(".") and not label.endswith("..") else label


def where_when(item: GroupItem) -> str:
    """Return "4 concertations, 4 villes (Dijon, Grenoble...), 11 segments, de juin 2021 à
    novembre 2024" (with a single concertation: "soulevé dans 12 contributions, 14 segments")."""
    if item.recurrence_unit == schema.DOC_ID:
        return _where_when_contributions(item)
    parts = [labels.french_plural(item.n_concertations, "concertation")]
    cities = ", ".join(item.cities)
    if item.n_cities:  # no city known: nothing to say ("0 ville" reads as none)
        parts.append(
            labels.french_plural(item.n_cities, "ville") + (f" ({cities})" if cities else "")
        )
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


def quote_source(quote: Quote, *, cities: bool = True, dates: bool = True) -> str:
    """Return "Titre, Ville, 14 juin 2024, paragraphe 4" (paragraphs counted from 1).

    ``cities=False`` or ``dates=False`` (no document of the corpus has one, as in a platform
    export without places) leaves that part out rather than repeat "ville inconnue".
    """
    parts = [quote.title or labels.FICHE_LABELS["untitled"]]
    parts += _where_and_when(quote.city, quote.date, cities=cities, dates=dates)
    if quote.paragraph is not None:
        parts.append(f"{labels.FICHE_LABELS['paragraph']} {quote.paragraph + 1}")
    return ", ".join(parts)


def sentence_source(sentence: SummarySentence, *, cities: bool = True, dates: bool = True) -> str:
    """Return "Dijon, 28 avril 2023" ("" when the corpus has neither cities nor dates)."""
    return ", ".join(_where_and_when(sentence.city, sentence.date, cities=cities, dates=dates))


def _where_and_when(city: str, date: Any, *, cities: bool, dates: bool) -> list[str]:
    """The city and the date of a source, "ville inconnue" or "date inconnue" when the corpus
    has some but not this one; nothing of what the corpus has none of."""
    parts = [city or labels.FICHE_LABELS["unknown_city"]] if cities else []
    return parts + ([labels.french_date(date) or labels.FICHE_LABELS["undated"]] if dates else [])


def change_line(item: ChangeItem) -> str:
    """Return "Nouveau (frein) : label (0 concertation avant, 4 depuis)"."""
    status = labels.FICHE_LABELS["new" if item.status == "new" else "faded"]
    kind = labels.CHANGE_KIND_LABELS.get(item.kind, item.kind)
    before = labels.french_plural(item.n_before, "concertation")
    label = without_final_period(item.label)
    return f"{status} ({kind}){labels.NBSP}: {label} ({before} avant, {item.n_recent} depuis)"
