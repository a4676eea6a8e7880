"""Fixtures shared by the tests of analysis.themes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from factories import THEME_SENTENCES, theme_lemmas

from analysis import schema
from analysis.corpus import load_corpus
from analysis.vectorise import LemmaVectoriser


@pytest.fixture(scope="module")
def french_tfidf() -> tuple[sp.csr_matrix, np.ndarray]:
    """TF-IDF rows of 32 French sentences on four themes, and the true theme of each."""
    texts = [text for sentences in THEME_SENTENCES.values() for text in sentences]
    truth = np.repeat(np.arange(len(THEME_SENTENCES)), [len(s) for s in THEME_SENTENCES.values()])
    lemmas = [theme_lemmas(text) for text in texts]
    return LemmaVectoriser(min_df=2).fit(lemmas).tfidf(lemmas), truth


@pytest.fixture(scope="module")
def real_comments_tfidf(project_root) -> sp.csr_matrix:
    """TF-IDF rows of the 683 distinct real comments of Lille's Grand Débat debates
    (tests/data/themes/README.md), lemmas approximated by lower-cased words; some rows empty."""
    path = project_root / "tests" / "data" / "themes" / "lille-commentaires-iramuteq.txt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        texts = load_corpus(path)[schema.TEXT].tolist()
    lemmas = [theme_lemmas(text) for text in texts]
    return LemmaVectoriser(min_df=2).fit(lemmas).tfidf(lemmas)
