"""What the five notebooks share: one set of parameters, one run, and what they show derived
from the data rather than written for one corpus.

Every notebook starts with the same ``parameters`` cell (``config_file``, ``corpus_path``,
``text_column``, ``id_column``, ``meta_columns``, ``unit``, ``method``, ``n_themes``,
``out_dir``), turns it into settings with :func:`notebook_config`, and gets its results from
:func:`notebook_run`, that is from :func:`analysis.pipeline.run`: a notebook never re-wires the
stages, so it shows what ``analysis report`` writes.

Example
-------
>>> config = notebook_config("../analysis.toml", "../corpus")  # doctest: +SKIP
>>> results = notebook_run(config)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from analysis import pipeline, schema, themes
from analysis.config import AnalysisConfig, load_config
from analysis.corpus import load_annotations


def notebook_config(
    config_file: str | Path | None,
    corpus_path: str | Path,
    *,
    text_column: str | None = None,
    id_column: str | None = None,
    meta_columns: Sequence[str] = (),
    unit: str | None = None,
    method: str | None = None,
    n_themes: int | str | None = None,
) -> AnalysisConfig:
    """The settings of ``config_file`` with a notebook's parameters applied.

    Parameters
    ----------
    config_file
        An ``analysis.toml`` (``None``: the defaults).
    corpus_path
        The corpus (folder, table or IRaMuTeQ file), read from the notebook's folder.
    text_column, id_column, meta_columns
        Tables only, as ``analysis report --text-column`` etc.; ``None`` or empty keeps the
        file's setting.
    unit, method, n_themes
        ``[segmentation] unit``, ``[themes] method`` and ``n_themes``; ``None`` keeps the file's.

    Raises
    ------
    analysis.config.ConfigError
        An unknown unit or method, or a wrong number of themes, named in French.
    """
    config = load_config(config_file)
    corpus = {"path": str(Path(corpus_path).resolve())}
    corpus |= {"text_column": text_column} if text_column else {}
    corpus |= {"id_column": id_column} if id_column else {}
    if isinstance(meta_columns, str):  # one column given without its list
        meta_columns = [meta_columns]
    corpus |= {"meta_columns": tuple(meta_columns)} if meta_columns else {}
    config = config.replace("corpus", **corpus)
    if unit is not None:
        config = config.replace("segmentation", unit=unit)
    chosen = {"method": method, "n_themes": n_themes}
    return config.replace("themes", **{k: v for k, v in chosen.items() if v is not None})


def notebook_run(
    config: AnalysisConfig,
    *,
    out_dir: str | Path | None = None,
    documents: pd.DataFrame | None = None,
) -> pipeline.Results:
    """The whole analysis, as ``analysis report`` runs it (parsing from the cache).

    Parameters
    ----------
    config
        From :func:`notebook_config`.
    out_dir
        A report folder: when it holds an earlier run's theme memory, the themes keep their
        numbers and curated names. Nothing is written there.
    documents
        An already loaded documents table (a part of the corpus).
    """
    return pipeline.run(config, documents=documents, previous=out_dir, progress=False)


def last_concertation(documents: pd.DataFrame) -> str | None:
    """The concertation held last (by date, then id), or None when there are fewer than two
    named concertations (a single consultation has no "next one" to show)."""
    named = documents[documents[schema.CONCERTATION_ID].fillna("").astype(str) != ""]
    if named[schema.CONCERTATION_ID].nunique() < 2:
        return None
    dated = named.assign(_date=pd.to_datetime(named[schema.DATE], errors="coerce"))
    held = dated.groupby(schema.CONCERTATION_ID)["_date"].max()
    order = held.reset_index().sort_values(["_date", schema.CONCERTATION_ID], na_position="first")
    return str(order[schema.CONCERTATION_ID].iloc[-1])


def typical_document(documents: pd.DataFrame) -> str:
    """The id of a document of median length (ties: the first id): one to read in full."""
    lengths = documents[schema.TEXT].fillna("").str.split().str.len()
    ranked = documents.assign(_words=lengths).sort_values(["_words", schema.DOC_ID])
    return str(ranked[schema.DOC_ID].iloc[(len(ranked) - 1) // 2])


def largest_theme(results: pipeline.Results) -> int:
    """The theme with most segments (ties: the smallest id)."""
    ranked = results.themes.sort_values(
        [schema.N_SEGMENTS, schema.THEME_ID], ascending=[False, True]
    )
    return int(ranked[schema.THEME_ID].iloc[0])


def example_term(results: pipeline.Results) -> str:
    """The first keyword of the largest theme (an expression when it has one): a term worth
    reading in context."""
    terms = themes.terms_by_theme(results.theme_run.keywords)
    ranked = list(terms.get(largest_theme(results), []))
    if not ranked:
        raise ValueError("Aucun mot-clé de thème : le corpus est trop petit pour une concordance.")
    expressions = [t for t in ranked if "_" in t]
    return (expressions or ranked)[0]


def most_present(segments: pd.DataFrame, column: str) -> str | None:
    """The value of ``column`` with most segments (ties: alphabetical), None when empty."""
    if column not in segments:
        return None
    values = segments[column].dropna().astype(str)
    values = values[values != ""]
    if values.empty:
        return None
    counts = values.value_counts()
    return str(sorted(counts[counts == counts.max()].index)[0])


def annotations_of(config: AnalysisConfig) -> pd.DataFrame | None:
    """The hand annotations of the corpus folder (``[corpus] annotations``: a theme and a
    function per paragraph), or None when the corpus has none (a table, an IRaMuTeQ file, a
    folder without the file).

    Raises
    ------
    analysis.corpus.CorpusError
        A damaged annotations file (named, with the row at fault).
    """
    corpus = config.resolve(config.corpus.path)
    annotations = corpus / config.corpus.annotations if corpus.is_dir() else None
    if annotations is None or not annotations.is_file():
        return None
    return load_annotations(annotations)


def reference_labels(config: AnalysisConfig, documents: pd.DataFrame) -> pd.DataFrame | None:
    """The labels the themes can be compared with: the corpus's hand annotations (one theme
    per paragraph, :func:`annotations_of`) when it has them, else the first category column of
    the documents (:func:`analysis.pipeline.category_variables`); None when there is neither.

    Returns
    -------
    pandas.DataFrame or None
        ``doc_id``, ``paragraph`` (None for a document's category) and ``theme``.

    Raises
    ------
    analysis.corpus.CorpusError
        A damaged annotations file (named, with the row at fault).
    """
    annotations = annotations_of(config)
    if annotations is not None:
        return annotations[[schema.DOC_ID, schema.PARAGRAPH, schema.GOLD_THEME]]
    columns = pipeline.category_variables(documents, config)
    if not columns:
        return None
    chosen = documents[[schema.DOC_ID, columns[0]]].dropna()
    chosen = chosen[chosen[columns[0]].astype(str).str.strip() != ""]
    return pd.DataFrame(
        {
            schema.DOC_ID: chosen[schema.DOC_ID],
            schema.PARAGRAPH: None,
            schema.GOLD_THEME: chosen[columns[0]].astype(str),
        }
    )


def closest_themes(similarity: pd.DataFrame) -> list[int]:
    """The two most similar themes of :func:`analysis.themes.theme_similarity` (ties: the
    smallest ids), the ones a dendrogram joins first; empty with fewer than two themes."""
    ids = [int(i) for i in similarity.index]
    pairs = [
        (float(similarity.iloc[a, b]), -ids[a], -ids[b])
        for a in range(len(ids))
        for b in range(a + 1, len(ids))
    ]
    if not pairs:
        return []
    _, first, second = max(pairs)
    return sorted([-first, -second])


def agreement(segments: pd.DataFrame, reference: pd.DataFrame) -> dict[str, float]:
    """How well the themes of ``segments`` find the ``reference`` labels (unclassified
    segments count as one more class: leaving segments out is not rewarded).

    Parameters
    ----------
    segments
        ``doc_id``, ``paragraph``, ``theme_id``.
    reference
        From :func:`reference_labels`: by paragraph, or by document when ``paragraph`` is
        empty.

    Returns
    -------
    dict
        ``nmi``, ``ari`` (rounded to 3 decimals) and ``n_segments`` compared.
    """
    by_document = reference[schema.PARAGRAPH].isna().all()
    keys = [schema.DOC_ID] if by_document else [schema.DOC_ID, schema.PARAGRAPH]
    labelled = reference[[*keys, schema.GOLD_THEME]].drop_duplicates(keys)
    scored = segments[[*keys, schema.THEME_ID]].merge(labelled, on=keys)
    gold, found = scored[schema.GOLD_THEME], scored[schema.THEME_ID]
    return {
        "nmi": round(float(normalized_mutual_info_score(gold, found)), 3),
        "ari": round(float(adjusted_rand_score(gold, found)), 3),
        "n_segments": len(scored),
    }
