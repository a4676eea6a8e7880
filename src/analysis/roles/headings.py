"""Headings that announce a function ("Freins identifiés", "Propositions", "Demandes à l'État")."""

from __future__ import annotations

import functools

import numpy as np

from analysis import schema
from analysis.labels import fold

# Heading words (accents stripped, lower case) telling the function of what follows.
_HEADING_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        schema.BONNE_PRATIQUE,
        (
            "bonne pratique",
            "bonnes pratiques",
            "retour d'experience",
            "retours d'experience",
            "initiative",
            "ce qui marche",
            "reussite",
            "experiences",
        ),
    ),
    (schema.DEMANDE, ("demande", "attentes", "a l'etat", "interpellation", "sollicitation")),
    (
        schema.FREIN,
        (
            "frein",
            "obstacle",
            "difficult",
            "blocage",
            "point de vigilance",
            "points de vigilance",
            "fragilit",
            "faiblesse",
            "probleme",
            "irritant",
            "limites",
        ),
    ),
    (
        schema.PROPOSITION,
        (
            "proposition",
            "recommandation",
            "piste",
            "preconisation",
            "perspective",
            "axes de travail",
            "pour aller plus loin",
            "leviers",
        ),
    ),
    (
        schema.CONSTAT,
        (
            "constat",
            "etat des lieux",
            "diagnostic",
            "contexte",
            "chiffres",
            "tendance",
            "situation",
        ),
    ),
)


@functools.lru_cache(maxsize=4096)  # a corpus has few headings, read for each segment
def heading_function(heading: str | None) -> str | None:
    """Return the function a heading announces ("Freins identifiés" -> "frein"), or None.

    Examples
    --------
    >>> heading_function("Demandes à l’État")
    'demande'
    >>> heading_function("Polices municipales") is None
    True
    """
    if heading is None or (isinstance(heading, float) and np.isnan(heading)):
        return None
    folded = fold(heading)
    for function, keywords in _HEADING_KEYWORDS:
        if any(keyword in folded for keyword in keywords):
            return function
    return None
