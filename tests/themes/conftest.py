"""Fixtures shared by the tests of analysis.themes."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from factories import THEME_SENTENCES, theme_lemmas

from analysis.vectorise import LemmaVectoriser


@pytest.fixture(scope="module")
def french_tfidf() -> tuple[sp.csr_matrix, np.ndarray]:
    """TF-IDF rows of 32 French sentences on four themes, and the true theme of each."""
    texts = [text for sentences in THEME_SENTENCES.values() for text in sentences]
    truth = np.repeat(np.arange(len(THEME_SENTENCES)), [len(s) for s in THEME_SENTENCES.values()])
    lemmas = [theme_lemmas(text) for text in texts]
    return LemmaVectoriser(min_df=2).fit(lemmas).tfidf(lemmas), truth
