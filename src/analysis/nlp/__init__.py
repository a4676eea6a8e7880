"""French lemmatisation with spaCy, multiword expressions and concordance.

The flow, one function per step (:func:`prepare_segments` chains them):

1. :func:`load_pipeline` loads ``fr_core_news_sm`` (or ``_md``) once, with only the components
   the workbook needs: tok2vec, morphologizer, senter (sentences without the parser),
   attribute_ruler and lemmatizer.
2. :func:`parse_segments` runs spaCy on the *normalised* segment texts (see
   :func:`analysis.segmentation.normalise`) and keeps two things: a compact token table
   (codes in numpy arrays, for fast vectorised work) and the spaCy ``Doc`` objects, serialised
   in ``DocBin`` shards and rebuilt only when asked (:meth:`ParsedSegments.docs`). Both are
   kept in the cache's store (:mod:`analysis.cache`), keyed by the texts, the normalisation
   version, spaCy's and the model's versions and the pipeline's components.
3. :func:`find_expressions` finds multiword expressions by collocation statistics
   (part-of-speech patterns scored by log-likelihood ratio and PMI) and adds the curated
   domain list (``data/expressions.txt``).
4. :func:`lemmatise` writes the ``lemmas`` column the theme model reads: lower-cased lemmas of
   content words (part of speech and length from the config), no stop word (spaCy's French
   list, the domain list ``data/stopwords.txt``, the corpus's city names), no number,
   punctuation or URL, acronyms kept (CLSPD, TIG, JO), expressions joined with ``_``. It also
   flags texts that are not French.
5. :func:`concordance` shows a lemma or an expression in context; :func:`vocabulary` counts
   what the theme model will see.

Example
-------
>>> from analysis.config import load_config
>>> from analysis.corpus import load_corpus
>>> config = load_config("analysis.toml")
>>> documents = load_corpus("corpus")  # doctest: +SKIP
>>> segments, parsed, expressions = prepare_segments(documents, config)  # doctest: +SKIP
>>> concordance(segments, "tigiste", parsed=parsed).head()  # doctest: +SKIP

One module per step: :mod:`~analysis.nlp.model` (pipeline, word lists),
:mod:`~analysis.nlp.tokens` (token table), :mod:`~analysis.nlp.parse`,
:mod:`~analysis.nlp.expressions`, :mod:`~analysis.nlp.lemmatise`,
:mod:`~analysis.nlp.concordance`, :mod:`~analysis.nlp.vocabulary`,
:mod:`~analysis.nlp.vectors` (word vectors) and :mod:`~analysis.nlp.prepare`.
"""

from analysis.nlp.concordance import concordance, theme_concordance
from analysis.nlp.errors import (
    CacheWarning,
    EmptyLemmasWarning,
    ModelNotFoundError,
    NlpError,
    NlpWarning,
    NotFrenchWarning,
    ParsedMismatchError,
    WordListError,
)
from analysis.nlp.expressions import expression_heads, find_expressions
from analysis.nlp.lemmatise import lemmatise
from analysis.nlp.model import (
    FOREIGN_MARKERS,
    NEEDED_COMPONENTS,
    load_domain_expressions,
    load_pipeline,
    load_stopwords,
)
from analysis.nlp.parse import PARSE_FORMAT_VERSION, ParsedSegments, parse_key, parse_segments
from analysis.nlp.prepare import prepare_segments
from analysis.nlp.tokens import DOCBIN_ATTRS, POS_NAMES, TokenTable
from analysis.nlp.vocabulary import vocabulary

__all__ = [
    "DOCBIN_ATTRS",
    "FOREIGN_MARKERS",
    "NEEDED_COMPONENTS",
    "PARSE_FORMAT_VERSION",
    "POS_NAMES",
    "CacheWarning",
    "EmptyLemmasWarning",
    "ModelNotFoundError",
    "NlpError",
    "NlpWarning",
    "NotFrenchWarning",
    "ParsedMismatchError",
    "ParsedSegments",
    "TokenTable",
    "WordListError",
    "concordance",
    "theme_concordance",
    "expression_heads",
    "find_expressions",
    "lemmatise",
    "load_domain_expressions",
    "load_pipeline",
    "load_stopwords",
    "parse_key",
    "parse_segments",
    "prepare_segments",
    "vocabulary",
]
