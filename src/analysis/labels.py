"""French display strings for plots, notebooks and exports.

Code and column names stay in English; what an analyst reads is taken from here.
"""

from __future__ import annotations

from analysis import schema

COLUMN_LABELS: dict[str, str] = {
    schema.DOC_ID: "Document",
    schema.CONCERTATION_ID: "Concertation",
    schema.CITY: "Ville",
    schema.DATE: "Date",
    schema.DOC_TYPE: "Type de document",
    schema.TITLE: "Titre",
    schema.TEXT: "Texte",
    schema.SOURCE: "Source",
    schema.FILE: "Fichier",
    schema.ATELIER: "Atelier",
    schema.SEGMENT_ID: "Segment",
    schema.POSITION: "Position",
    schema.PARAGRAPH: "Paragraphe",
    schema.HEADING: "Intertitre",
    schema.LEMMAS: "Lemmes",
    schema.N_WORDS: "Mots",
    schema.THEME_ID: "Thème (n°)",
    schema.THEME_LABEL: "Thème",
    schema.THEME_SCORE: "Score du thème",
    schema.FUNCTION: "Fonction",
    schema.LABEL: "Thème",
    schema.KEYWORDS: "Mots-clés",
    schema.N_SEGMENTS: "Segments",
    schema.N_DOCUMENTS: "Documents",
    schema.N_CONCERTATIONS: "Concertations",
}

DOC_TYPE_LABELS: dict[str, str] = {
    "note_restitution": "Note de restitution",
    "synthese": "Synthèse",
    "article": "Article",
    "compte_rendu": "Compte rendu",
}

FUNCTION_LABELS: dict[str, str] = {
    schema.CONSTAT: "Constat",
    schema.FREIN: "Frein",
    schema.PROPOSITION: "Proposition",
    schema.BONNE_PRATIQUE: "Bonne pratique",
    schema.DEMANDE: "Demande",
    schema.AUTRE: "Autre",
}

UNCLASSIFIED_LABEL = "non classé"

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def column_label(column: str) -> str:
    """Return the French label of a column, or the column name itself when none is known."""
    return COLUMN_LABELS.get(column, column)


def french_month(month: int, year: int) -> str:
    """Return "avril 2024" for ``(4, 2024)``."""
    return f"{MONTHS_FR[month - 1]} {year}"


def french_plural(count: int, singular: str, plural: str | None = None) -> str:
    """Return "1 ville" / "3 villes" (French puts 0 and 1 in the singular)."""
    word = singular if count <= 1 else (plural or singular + "s")
    return f"{count} {word}"
