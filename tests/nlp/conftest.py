"""Fixtures of the tests of analysis.nlp: five small French documents (and one in English),
their segments, their parse in a temporary cache, their expressions and lemmas."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from analysis import schema
from analysis.config import ExpressionsConfig, NlpConfig
from analysis.nlp import find_expressions, lemmatise, load_pipeline, parse_segments
from analysis.segmentation import segment_documents

NIMES = """## Constats

Les polices municipales de l’agglomération ont doublé leurs effectifs en cinq ans. Les agents \
de police municipale patrouillent désormais jusqu’à deux heures du matin à Nîmes.

La police municipale et la police nationale ont signé une convention de coordination qui \
précise la doctrine d’emploi des agents.

## Freins identifiés

Les communes peinent à recruter des policiers municipaux : les agents formés partent vers les \
villes voisines. Le CLSPD ne se réunit qu’une fois par an, en séance plénière.

Los agentes de la policía municipal necesitan más formación y un presupuesto estable para el \
próximo año, según los alcaldes.

## Propositions

- Mutualiser la formation des agents de police municipale à l’échelle intercommunale.

- Relancer le CISPD avec des groupes de travail thématiques.

Partager"""

LILLE = """## Constats

Le tribunal prononce davantage de peines de travail d’intérêt général, mais les postes manquent. \
Les tigistes sont accueillis dans les services techniques de la ville, encadrés par des tuteurs.

Les points de deal installés dans les halls inquiètent les bailleurs sociaux. Un point de deal \
démantelé se reconstitue souvent à quelques rues, et les guetteurs reviennent.

## Freins identifiés

Les tuteurs ne sont pas formés et les postes de TIG restent trop rares. Plusieurs communes ont \
subi un rançongiciel qui a paralysé les services pendant trois semaines.

Merci à toutes et à tous pour cette belle journée."""

METZ = """Le 26 septembre 2025, la ville de Metz a accueilli la concertation. Les médiateurs et la \
police municipale ont présenté le bilan des JO : les caméras du centre de supervision urbain ont \
été raccordées au commissariat.

Un point de deal a été fermé grâce aux caméras et à la présence de la police municipale. Les \
médiateurs ont accompagné les habitants, et le point de deal voisin a reculé.

Pour en savoir plus : https://www.example.org/metz ou contact@example.org.

Accepter les cookies"""

ENGLISH = (
    "The municipal police officers met the mayors to discuss the recruitment of new agents and "
    "the training budget for the coming year."
)


def _documents() -> pd.DataFrame:
    rows = [
        ("nimes-2021-note", "C01-nimes-2021", "Nîmes", "2021-06-17", NIMES),
        ("lille-2023-note", "C07-lille-2023", "Lille", "2023-09-22", LILLE),
        ("lille-2023-english", "C07-lille-2023", "Lille", "2023-09-22", ENGLISH),
        ("metz-2025-article", "C12-metz-2025", "Metz", "2025-09-26", METZ),
        ("metz-2025-links", "C12-metz-2025", "Metz", "2025-09-26", "https://example.org/cr.pdf"),
    ]
    documents = pd.DataFrame(
        rows,
        columns=[schema.DOC_ID, schema.CONCERTATION_ID, schema.CITY, schema.DATE, schema.TEXT],
    )
    documents[schema.DATE] = pd.to_datetime(documents[schema.DATE])
    documents[schema.DOC_TYPE] = "note_restitution"
    documents[schema.TITLE] = documents[schema.DOC_ID]
    return documents


@pytest.fixture
def documents() -> pd.DataFrame:
    """The five documents (a fresh copy for each test)."""
    return _documents()


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    return segment_documents(_documents(), unit="paragraph")


@pytest.fixture(scope="module")
def parsed(segments, nlp, tmp_path_factory):
    cache = tmp_path_factory.mktemp("nlp-cache")
    return parse_segments(segments, nlp, cache_dir=cache, progress=False)


@pytest.fixture(scope="module")
def expressions(parsed) -> pd.DataFrame:
    return find_expressions(parsed, config=ExpressionsConfig())


@pytest.fixture(scope="module")
def lemmatised(segments, parsed, expressions) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = lemmatise(segments, parsed, config=NlpConfig(), expressions=expressions)
    return result.set_index(schema.SEGMENT_ID)
