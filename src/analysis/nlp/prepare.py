"""Segment, parse, find expressions and lemmatise in one call (what the pipeline runs)."""

from __future__ import annotations

import dataclasses

import pandas as pd

from analysis import schema
from analysis.cache import RunKey
from analysis.config import AnalysisConfig, ExpressionsConfig, NlpConfig
from analysis.nlp.expressions import find_expressions
from analysis.nlp.lemmatise import lemmatise
from analysis.nlp.model import load_pipeline, load_stopwords
from analysis.nlp.parse import ParsedElsewhere, ParsedSegments, parse_segments
from analysis.segmentation import split_documents


def resolved(config: AnalysisConfig) -> tuple[NlpConfig, ExpressionsConfig]:
    """The [nlp] and [expressions] sections with their file paths resolved against base_dir."""
    nlp_config, expressions_config = config.nlp, config.expressions
    if nlp_config.stopwords_file is not None:
        path = str(config.resolve(nlp_config.stopwords_file))
        nlp_config = dataclasses.replace(nlp_config, stopwords_file=path)
    if expressions_config.domain_file is not None:
        path = str(config.resolve(expressions_config.domain_file))
        expressions_config = dataclasses.replace(expressions_config, domain_file=path)
    return nlp_config, expressions_config


def prepare_segments(
    documents: pd.DataFrame,
    config: AnalysisConfig,
    *,
    progress: bool = True,
    segments: pd.DataFrame | None = None,
    run: RunKey | None = None,
    elsewhere: ParsedElsewhere | None = None,
) -> tuple[pd.DataFrame, ParsedSegments, pd.DataFrame]:
    """Segment, parse (with the cache), find expressions and lemmatise, in one call.

    ``config.nlp.n_process`` processes are used only when the corpus has at least
    ``config.nlp.n_process_min_words`` words (starting processes costs more on small inputs).

    Parameters
    ----------
    documents
        The documents table of :func:`analysis.corpus.load_corpus` (``doc_id``, ``text`` and
        metadata).
    config
        All settings; sections ``segmentation``, ``nlp``, ``expressions`` and ``cache`` are
        used (the cache folder is resolved against ``config.base_dir``).
    progress
        Show a progress bar while parsing.
    segments
        ``split_documents(documents, config)`` when the caller already has it.
    run
        The :class:`analysis.cache.RunKey` of ``segments``, when the caller has it.
    elsewhere
        The last segments parsed in another process (:func:`parse_segments`).

    Returns
    -------
    tuple
        ``(segments, parsed, expressions)``: the segments with ``lemmas`` and ``is_french``
        (see :func:`lemmatise`), the :class:`ParsedSegments`, and the expressions table of
        :func:`find_expressions`.
    """
    if segments is None:
        segments = split_documents(documents, config)
    nlp_config, expressions_config = resolved(config)
    nlp = load_pipeline(nlp_config.model)
    n_words = int(segments[schema.N_WORDS].sum())
    n_process = nlp_config.n_process if n_words >= nlp_config.n_process_min_words else 1
    parsed = parse_segments(
        segments,
        nlp,
        cache_dir=config.resolve(config.cache.dir) if config.cache.enabled else None,
        batch_size=nlp_config.batch_size,
        n_process=n_process,
        progress=progress,
        keep_entries=config.cache.keep_entries,
        run=run,
        elsewhere=elsewhere,
    )
    stopwords = load_stopwords(nlp_config.stopwords_file)
    expressions = find_expressions(parsed, config=expressions_config, stopwords=stopwords)
    segments = lemmatise(segments, parsed, config=nlp_config, expressions=expressions)
    return segments, parsed, expressions
