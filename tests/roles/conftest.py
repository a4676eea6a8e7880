"""Fixtures of the segment-role tests: parsed paragraphs, labelled segments, the default model."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from factories import role_segments
from spacy.language import Language

from analysis import schema
from analysis.config import AnalysisConfig
from analysis.roles import FunctionClassifier, doc_lemmas
from analysis.roles import model as default_model
from analysis.segmentation import normalise


@pytest.fixture(scope="module")
def sample_docs(french_nlp: Language, corpus_dir: Path) -> list:
    """Every paragraph of the sample corpus, parsed (the cues' reference material)."""
    from analysis.corpus import load_corpus
    from analysis.segmentation import segment_documents

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(corpus_dir)
    paragraphs = segment_documents(documents, unit="paragraph")
    return list(french_nlp.pipe(normalise(t) for t in paragraphs[schema.TEXT]))


TRAINING_BY_CLASS = {
    "proposition": ("Propositions", [
        "Il faut créer une plateforme départementale des postes de TIG.",
        "Mutualiser la formation des policiers municipaux au niveau régional.",
        "Signer une convention avec le parquet pour un retour systématique.",
        "Partager un responsable de la sécurité informatique entre communes.",
    ]),
    "frein": ("Freins", [
        "Les tuteurs manquent de temps et de formation pour encadrer les tigistes.",
        "Les maires ne reçoivent aucun retour du parquet sur leurs signalements.",
        "Le financement annuel des adultes-relais fragilise les équipes de médiation.",
        "Les communes manquent de places d'hébergement pour les auteurs de violences.",
    ]),
    "constat": ("Constats", [
        "Les plaintes pour violences conjugales ont augmenté de 20 % en deux ans.",
        "Le nombre de caméras raccordées au centre de supervision a doublé.",
        "Les escroqueries en ligne touchent surtout les personnes âgées.",
        "La médiation de nuit couvre désormais quatre quartiers prioritaires.",
    ]),
    "bonne pratique": ("Bonnes pratiques", [
        "La ville a signé une convention avec les bailleurs qui fonctionne bien.",
        "Le briefing commun entre police municipale et commissariat a porté ses fruits.",
        "Une commune a organisé un exercice de crise cyber très réussi.",
        "Le groupe local de traitement de la délinquance a permis de réduire les nuisances.",
    ]),
}  # fmt: skip


TRAINING = [
    (text, heading, label)
    for label, (heading, texts) in TRAINING_BY_CLASS.items()
    for text in texts
]


@pytest.fixture(scope="module")
def labelled(french_nlp: Language) -> pd.DataFrame:
    """Labelled segments with lemmas computed from the trained pipeline."""
    table = role_segments([t for t, _, _ in TRAINING], [h for _, h, _ in TRAINING])
    table[schema.LEMMAS] = [doc_lemmas(french_nlp(t)) for t, _, _ in TRAINING]
    table["label"] = [label for _, _, label in TRAINING]
    return table


@pytest.fixture(scope="module")
def fresh_default(corpus_dir: Path) -> tuple[FunctionClassifier, dict]:
    """The default classifier trained now on the sample corpus (what the packaged file holds)."""
    if not (corpus_dir / "annotations.csv").is_file():
        pytest.skip("the sample corpus has no annotations.csv")
    return default_model.train_default_model(corpus_dir)


@pytest.fixture(scope="module")
def sample_paragraphs(corpus_dir: Path, fresh_default) -> tuple[pd.DataFrame, object]:
    """Paragraphs of the sample corpus and their parse (the cached parse of the training)."""
    from analysis.corpus import load_corpus
    from analysis.nlp import prepare_segments

    config = AnalysisConfig(base_dir=str(corpus_dir.parent)).replace(
        "segmentation", unit="paragraph"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        segments, parsed, _ = prepare_segments(load_corpus(corpus_dir), config, progress=False)
    return segments, parsed
