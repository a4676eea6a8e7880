"""The :class:`ThemeModel`: one theme method, a shared vocabulary, themes described the same way.

The model vectorises the segments' lemmas (:mod:`analysis.vectorise`), lets its method (an
estimator of :data:`analysis.themes.methods.METHODS`) group them, then describes each theme the
same way whatever the method: a centroid (the mean TF-IDF row of its segments), keywords ranked
by a chi-square specificity on presence/absence, a short label built from its top terms
(expressions first), and the membership of every segment.

Membership rules (the "documented thresholds")
----------------------------------------------
- ``theme_score`` is the cosine similarity between a segment's TF-IDF row and the centroid of its
  main theme (0 to 1): how much of the segment's weighted vocabulary is the theme's.
- A segment is *unclassified* (``theme_id == -1``) when its score is below
  ``unclassified_threshold`` (default 0.1) or when none of its lemmas is in the vocabulary.
- A segment carries a second theme when its membership in another theme is at least
  ``second_theme_ratio`` (default 0.75) times its membership in the main one.

Determinism: the rows are put in a canonical order (by ``segment_id``, then lemmas) before any
computation and every random step is seeded with ``random_state``, so the same corpus and
settings give the same themes whatever the order of the input files.

Example
-------
>>> model = ThemeModel("reinert", 6, method_params={"double": False})  # doctest: +SKIP
>>> model.fit(segments).estimator_.tree_  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.base import ClusterMixin, clone
from threadpoolctl import threadpool_limits

from analysis import schema
from analysis.nlp.expressions import expression_heads
from analysis.nlp.vectors import WORD_VECTORS
from analysis.themes import selection
from analysis.themes.base import (
    NO_THEME,
    ThemeError,
    ThemeEstimator,
    ThemeSettings,
    ThemeWarning,
    complete_labels,
    theme_centroids,
)
from analysis.themes.data import (
    FitData,
    Segments,
    canonical_order,
    corpus_fingerprint,
    theme_matrices,
)
from analysis.themes.keywords import keyword_table, short_label
from analysis.themes.methods import METHODS, Method
from analysis.themes.vectors import term_neighbours, word_vectors
from analysis.vectorise import LemmaVectoriser, lemma_strings


class ThemeModel(ClusterMixin, ThemeSettings):
    """Find the themes of a set of segments, scikit-learn style.

    Parameters
    ----------
    method
        The name of a theme method: ``"spectral"`` (the default,
        :class:`~analysis.themes.spectral.SpectralThemes`), ``"nmf"``
        (:class:`~analysis.themes.nmf.NMFThemes`), ``"reinert"``
        (:class:`~analysis.themes.reinert.ReinertThemes`) or ``"kmeans"``
        (:class:`~analysis.themes.kmeans.KMeansThemes`).
    n_themes
        Number of themes, or ``"auto"`` to choose it between ``k_min`` and ``k_max`` from
        stability, coherence and separation (table in ``diagnostics_``, with how sure the
        choice is).
    method_params
        The method's own settings (``{"min_class_size": 5}`` for Reinert); the settings it
        shares with the model (``random_state``, ``unclassified_threshold``) are the model's.
    random_state
        Seed of every random step; the same seed gives the same themes.
    k_min, k_max
        Range searched when ``n_themes="auto"``.
    min_df, max_df
        Vocabulary filters (see :class:`analysis.vectorise.LemmaVectoriser`).
    n_keywords
        Keywords kept per theme.
    unclassified_threshold
        A segment whose cosine similarity to its theme's centroid is below this is unclassified.
    second_theme_ratio
        A second theme is kept when its membership is at least this share of the main one's.
    min_terms
        Segments with fewer vocabulary terms do not shape the themes; they join their nearest
        theme afterwards when close enough to it (else they stay unclassified).
    context_weight
        In segment mode, each segment's TF-IDF row gets this share of the rows of the other
        segments of its paragraph (0 disables; needs ``doc_id`` and ``paragraph``).
    word_vectors, vector_weight
        The installed spaCy package whose word vectors link each term to its nearest terms
        (:mod:`analysis.themes.vectors`), and the weight of the neighbours each TF-IDF row
        borrows; ``""`` or 0 keeps the rows lexical. Keywords and Reinert's presence rows
        stay lexical.
    auto_sample_size
        The auto-k criteria are computed on at most this many segments (a seeded subsample).
    n_resamples
        Subsamples (80 % of the segments each) used to measure stability for auto k.
    k_method
        The method whose partitions choose k with ``n_themes="auto"`` (``None``: the model's
        own). Reinert's default: its tree is cut at each k, so that its partitions are nested
        and their scores vary smoothly with k, where NMF's or k-means' jump from one k to the
        next; on real consultations its choice is the one that stays near the analysts' number
        of themes (``benchmarks/bench_themes_real.py``).

    Attributes
    ----------
    estimator_ : ThemeEstimator
        The fitted method (its own learned state: ``tree_`` for Reinert, ``components_`` for
        NMF...), fitted on the segments that shape the themes (see ``min_terms``).
    n_themes_ : int
        Number of themes found (may be lower than asked; a ThemeWarning says so).
    labels_ : numpy.ndarray
        Theme of each fitted segment (0..n_themes_-1, ordered by decreasing size), -1 when
        unclassified, in the order of the input rows.
    scores_, second_labels_ : numpy.ndarray
        Cosine similarity to the main theme; second theme or -1.
    membership_ : numpy.ndarray
        Segments × themes cosine similarity to each theme's centroid (what ``transform`` gives).
    keywords_ : list of list of str
        Ranked keywords of each theme; ``keyword_table_`` holds their chi-square.
    theme_labels_ : list of str
        Short label of each theme ("police municipale · recrutement · formation").
    centroids_ : numpy.ndarray
        Themes × vocabulary unit-length mean TF-IDF rows; ``vocabulary_`` names the columns.
    term_neighbours_ : scipy.sparse.csr_matrix or None
        Terms × terms cosine of each term's nearest terms by word vectors (None: no vectors).
    diagnostics_ : pandas.DataFrame or None
        The auto-k table (one row per k), None when ``n_themes`` was given.
    unclassified_share_ : float
        Share of segments left unclassified.
    """

    def __init__(
        self,
        method: Method = "spectral",
        n_themes: int | Literal["auto"] = "auto",
        *,
        method_params: dict[str, Any] | None = None,
        random_state: int = 0,
        k_min: int = 4,
        k_max: int = 16,
        min_df: int | float = 2,
        max_df: int | float = 0.5,
        n_keywords: int = 10,
        unclassified_threshold: float = 0.1,
        second_theme_ratio: float = 0.75,
        min_terms: int = 3,
        context_weight: float = 0.5,
        word_vectors: str = WORD_VECTORS,
        vector_weight: float = 0.3,
        auto_sample_size: int = 4000,
        n_resamples: int = 4,
        k_method: Method | None = "reinert",
    ) -> None:
        self.method = method
        self.n_themes = n_themes
        self.method_params = method_params
        self.random_state = random_state
        self.k_min = k_min
        self.k_max = k_max
        self.min_df = min_df
        self.max_df = max_df
        self.n_keywords = n_keywords
        self.unclassified_threshold = unclassified_threshold
        self.second_theme_ratio = second_theme_ratio
        self.min_terms = min_terms
        self.context_weight = context_weight
        self.word_vectors = word_vectors
        self.vector_weight = vector_weight
        self.auto_sample_size = auto_sample_size
        self.n_resamples = n_resamples
        self.k_method = k_method

    @classmethod
    def from_config(cls, config: Any, **overrides: Any) -> ThemeModel:
        """Build a model from ``config.themes`` (a :class:`analysis.config.ThemesConfig`).

        The method's own settings are read from ``<method>_<setting>``
        (``reinert_min_class_size``) or else ``<setting>`` (``n_init``); keys that are neither
        model nor method settings (``curation_file``...) are ignored. ``overrides`` replace any
        key of the section (``n_themes=8``, ``method="reinert"``).
        """
        values = {**vars(config), **overrides}
        own = cls().get_params(deep=False)
        settings = {name: values[name] for name in own if name in values}
        method = settings.get("method", own["method"])
        if method in METHODS and "method_params" not in settings:
            settings["method_params"] = _method_values(method, values)
        return cls(**settings)

    # fitting ----------------------------------------------------------------------------

    def fit(
        self,
        segments: Segments,
        y: Any = None,
        *,
        prefer_n_themes: int | None = None,
        diagnostics: pd.DataFrame | None = None,
        expressions: pd.DataFrame | None = None,
    ) -> ThemeModel:
        """Find the themes of ``segments``.

        Parameters
        ----------
        segments
            The segments table (needs ``lemmas``; ``segment_id`` fixes the canonical order;
            ``doc_id`` and ``paragraph`` give the paragraph context; ``doc_id``, ``position``
            and ``n_words`` or ``text`` allow Reinert's double classification), or the lemma
            strings alone.
        y
            Ignored (scikit-learn convention).
        prefer_n_themes
            With ``n_themes="auto"``: keep this number of themes (the previous run's) when its
            combined score is within ``K_TOLERANCE`` of the best, so that adding a few
            documents does not reshuffle the themes. :func:`run_themes` passes it.
        diagnostics
            With ``n_themes="auto"``: the ``diagnostics_`` of an earlier fit of a model with the
            same settings on the same segments. The search for k is skipped and its table
            reused (k is chosen again, for ``prefer_n_themes``); a table for other values of k
            is ignored. The pipeline keeps it beside the cached parse.
        expressions
            The multiword expressions of the corpus (:func:`analysis.nlp.find_expressions`):
            their part-of-speech patterns give each expression's head, whose word vector the
            expression takes (without them, its first word's).

        Returns
        -------
        ThemeModel
            ``self``, fitted.

        Raises
        ------
        ThemeError
            On unusable settings or segments (too few, all identical, no vocabulary, more
            themes than distinct segments); the message says what to change.
        """
        self._check_params()
        estimator = self._make_estimator()
        # The dense algebra here is on thin matrices (themes × terms), where BLAS and OpenMP
        # threads cost more than they save, above all on a busy 2-core machine.
        with threadpool_limits(limits=1):
            self._fit(segments, estimator, prefer_n_themes, diagnostics, expressions)
        self.fingerprint_ = corpus_fingerprint(segments)
        return self

    def _fit(
        self,
        segments: Segments,
        estimator: ThemeEstimator,
        prefer_n_themes: int | None,
        diagnostics: pd.DataFrame | None,
        expressions: pd.DataFrame | None = None,
    ) -> None:
        data = self._prepare(segments, estimator, expressions)
        # Very short segments ("Imprimer", "Partager") would form themes of their own: the
        # themes are found on the segments with at least min_terms terms, and the short ones
        # join their nearest theme afterwards when they are close enough to it.
        fit_rows = np.flatnonzero(data.presence.getnnz(axis=1) >= self.min_terms)
        if len(np.unique(data.tfidf[fit_rows].indices)) < 2 or len(fit_rows) < data.n_distinct / 2:
            fit_rows = np.flatnonzero(data.presence.getnnz(axis=1) > 0)
        fit_data = data.take(fit_rows)
        n_themes = self._resolve_n_themes(fit_data, estimator, prefer_n_themes, diagnostics)
        self.estimator_ = clone(estimator).set_params(n_themes=n_themes)
        self.estimator_.fit(fit_data.tfidf, presence=fit_data.presence, **fit_data.row_params)
        labels = np.full(data.tfidf.shape[0], NO_THEME, dtype=np.int64)
        labels[fit_rows] = self.estimator_.labels_
        short = np.ones(len(labels), dtype=bool)
        short[fit_rows] = False
        labels = complete_labels(data.tfidf, labels, self.unclassified_threshold, rows=short)
        self._describe(data, labels)
        if self.n_themes_ < n_themes:
            warnings.warn(
                f"La méthode {self.method} a trouvé {self.n_themes_} thèmes au lieu de "
                f"{n_themes} : des classes étaient vides ou trop petites. Baissez "
                "themes.n_themes (ou themes.reinert_min_members) pour que chaque thème ait "
                "ses segments.",
                ThemeWarning,
                stacklevel=3,
            )

    def transform(self, segments: Segments) -> np.ndarray:
        """Return the segments × themes cosine similarity to each theme's centroid.

        The rows are built as in ``fit`` (paragraph context from the other segments of the
        table given): on the fitted segments, this is ``membership_``.
        """
        self._check_fitted()
        tfidf, _ = self._matrices(segments)
        return np.asarray(tfidf @ self.centroids_.T)

    def predict(self, segments: Segments) -> np.ndarray:
        """Return the nearest theme of each segment, -1 below ``unclassified_threshold``."""
        membership = self.transform(segments)
        labels = membership.argmax(axis=1)
        best = membership[np.arange(len(labels)), labels]
        return np.where(best >= self.unclassified_threshold, labels, NO_THEME)

    def _check_fitted(self) -> None:
        if not hasattr(self, "centroids_"):
            raise ThemeError(
                "Ce ThemeModel n'est pas encore ajusté : appelez d'abord fit(segments)."
            )

    def _check_params(self) -> None:
        if self.method not in METHODS or self.k_method not in (None, *METHODS):
            raise ThemeError(
                f"Méthode de thèmes inconnue : {self.method!r} (ou k_method={self.k_method!r}). "
                f"Choisissez parmi {', '.join(METHODS)} (themes.method dans analysis.toml, "
                "ou --method)."
            )
        accepted = _method_settings(self.method)
        unknown = sorted(set(self.method_params or {}) - set(accepted))
        if unknown:
            raise ThemeError(
                f"La méthode {self.method} n'a pas de réglage {', '.join(map(repr, unknown))} ; "
                f"ses réglages propres : {', '.join(accepted)} (n_themes, random_state et les "
                "seuils se règlent sur ThemeModel)."
            )
        auto = self.n_themes == "auto"
        if not auto and (not isinstance(self.n_themes, int | np.integer) or self.n_themes < 2):
            raise ThemeError(
                f"n_themes doit valoir 'auto' ou un entier d'au moins 2, pas {self.n_themes!r} "
                "(themes.n_themes dans analysis.toml, ou --themes en ligne de commande)."
            )
        if auto and not 2 <= self.k_min <= self.k_max:
            raise ThemeError(
                f"themes.k_min={self.k_min} et themes.k_max={self.k_max} : il faut "
                "2 <= k_min <= k_max (analysis.toml)."
            )
        if not 0 <= self.unclassified_threshold < 1 or not 0 < self.second_theme_ratio <= 1:
            raise ThemeError(
                "themes.unclassified_threshold doit être dans [0, 1) et "
                f"themes.second_theme_ratio dans (0, 1] ; reçu {self.unclassified_threshold} "
                f"et {self.second_theme_ratio} (analysis.toml)."
            )

    def _make_estimator(self) -> ThemeEstimator:
        """The method with its own settings and those it shares with the model (n_themes
        is set once chosen)."""
        estimator = METHODS[self.method](**(self.method_params or {}))
        own = self.get_params(deep=False)
        shared = (set(estimator.get_params(deep=False)) & set(own)) - {"n_themes"}
        return estimator.set_params(**{name: own[name] for name in shared})

    def _search_estimator(self, estimator: ThemeEstimator) -> ThemeEstimator:
        """The method whose partitions choose k (``k_method``), with the shared settings."""
        if self.k_method is None or self.k_method == self.method:
            return estimator
        search = METHODS[self.k_method]()  # its own settings at their defaults
        own = self.get_params(deep=False)
        shared = (set(search.get_params(deep=False)) & set(own)) - {"n_themes"}
        return search.set_params(**{name: own[name] for name in shared})

    def _prepare(
        self,
        segments: Segments,
        estimator: ThemeEstimator,
        expressions: pd.DataFrame | None = None,
    ) -> FitData:
        """Vectorise the segments in canonical order and check that themes can be found."""
        texts = lemma_strings(segments)
        order = canonical_order(segments)
        ordered = texts.iloc[order].reset_index(drop=True)
        n_distinct = _count_distinct(ordered)
        self.vectoriser_ = LemmaVectoriser(min_df=self.min_df, max_df=self.max_df)
        try:
            self.vectoriser_.fit(ordered)
        except ValueError as error:
            raise ThemeError(str(error)) from error
        self.vocabulary_ = self.vectoriser_.vocabulary_
        self.term_neighbours_ = None
        if self.word_vectors and self.vector_weight > 0:
            vocab = word_vectors(self.word_vectors)
            heads = expression_heads(expressions) if expressions is not None else None
            self.term_neighbours_ = term_neighbours(self.vocabulary_, vocab, heads=heads)
        table = isinstance(segments, pd.DataFrame)
        rows = segments.iloc[order] if table else ordered
        tfidf, presence = self._matrices(rows)
        row_params = estimator.row_params(rows) if table else {}
        return FitData(order, tfidf, presence, n_distinct, row_params)

    def _matrices(self, segments: Segments) -> tuple[Any, Any]:
        """TF-IDF and presence rows of ``segments`` with the fitted vocabulary and neighbours."""
        return theme_matrices(
            self.vectoriser_,
            segments,
            context_weight=self.context_weight,
            neighbours=self.term_neighbours_,
            vector_weight=self.vector_weight,
        )

    def _resolve_n_themes(
        self,
        data: FitData,
        estimator: ThemeEstimator,
        prefer_n_themes: int | None,
        known: pd.DataFrame | None,
    ) -> int:
        """Return the number of themes to fit, running the auto-k diagnostics when asked."""
        self.diagnostics_ = None
        if self.n_themes != "auto":
            return selection.fixed_n_themes(self.n_themes, data.n_distinct)
        n_terms = data.tfidf.shape[1]
        ks = selection.search_range(data.n_distinct, n_terms, self.k_min, self.k_max)
        if not ks:
            return selection.too_few_to_search(data.n_distinct, n_terms)
        rows = selection.sample_rows(data.tfidf.shape[0], self.auto_sample_size, self.random_state)
        self.k_sample_size_ = len(rows)
        if known is not None and selection.K in known.columns and known[selection.K].tolist() == ks:
            table = known
        else:
            search = self._search_estimator(estimator)
            tfidf, presence = data.tfidf[rows], data.presence[rows]
            full = selection.search_partitions(search, tfidf, presence, ks, self.random_state)
            if not selection.finds_every_k(full, ks):
                search, full = estimator, None  # too few segments for the k_method's classes
            table = selection.k_search_table(
                search,
                tfidf,
                presence,
                ks,
                random_state=self.random_state,
                n_resamples=self.n_resamples,
                full=full,
            )
        self.diagnostics_ = selection.choose_k(table, prefer_n_themes)
        return selection.chosen_k(self.diagnostics_)

    def _describe(self, data: FitData, labels: np.ndarray) -> None:
        """Centroids, scores, second themes, keywords and labels; themes ordered by size."""
        labels = _relabel_contiguous(labels)
        n_themes = int(labels.max()) + 1
        if n_themes < 1:
            raise ThemeError(
                "Le modèle de thèmes a laissé tous les segments non classés : baissez "
                "themes.unclassified_threshold ou themes.min_df dans analysis.toml."
            )
        centroids = theme_centroids(data.tfidf, labels, n_themes)
        membership = np.asarray(data.tfidf @ centroids.T)
        scores = np.where(labels >= 0, membership[np.arange(len(labels)), np.maximum(labels, 0)], 0)
        labels = np.where(scores >= self.unclassified_threshold, labels, NO_THEME)
        if (labels < 0).all():
            raise ThemeError(
                f"Aucun segment n'atteint le seuil themes.unclassified_threshold = "
                f"{self.unclassified_threshold} : tous resteraient non classés. Abaissez ce "
                "seuil dans analysis.toml (0.1 par défaut)."
            )
        if 0 < len(np.unique(labels[labels >= 0])) < n_themes:  # a theme lost every segment
            labels = _relabel_contiguous(labels)
            n_themes = int(labels.max()) + 1
            centroids = theme_centroids(data.tfidf, labels, n_themes)
            membership = np.asarray(data.tfidf @ centroids.T)
            scores = np.where(labels >= 0, membership[np.arange(len(labels)), labels], 0)
        table = keyword_table(data.presence, labels, self.vocabulary_, n_keywords=self.n_keywords)
        first_terms = table[table["rank"] == 1].set_index(schema.THEME_ID)["term"]
        sizes = np.bincount(labels[labels >= 0], minlength=n_themes)
        order = sorted(range(n_themes), key=lambda t: (-sizes[t], str(first_terms.get(t, ""))))
        new_of_old = np.empty(n_themes + 1, dtype=np.int64)
        new_of_old[order], new_of_old[-1] = np.arange(n_themes), NO_THEME
        labels = new_of_old[labels]
        second = _second_themes(labels, membership[:, order], self.second_theme_ratio)
        table[schema.THEME_ID] = new_of_old[table[schema.THEME_ID].to_numpy()]
        table = table.sort_values([schema.THEME_ID, "rank"], kind="mergesort").reset_index(
            drop=True
        )
        self._store(data, labels, scores, second, membership[:, order], centroids[order], table)

    def _store(
        self,
        data: FitData,
        labels: np.ndarray,
        scores: np.ndarray,
        second: np.ndarray,
        membership: np.ndarray,
        centroids: np.ndarray,
        table: pd.DataFrame,
    ) -> None:
        """Keep the learned state, rows back in the order of the input."""
        inverse = np.empty(len(data.order), dtype=np.int64)
        inverse[data.order] = np.arange(len(data.order))
        self.n_themes_ = centroids.shape[0]
        self.labels_ = labels[inverse]
        self.scores_ = np.round(np.where(labels >= 0, scores, 0.0), 12)[inverse]
        self.second_labels_ = second[inverse]
        self.membership_ = membership[inverse]
        self.centroids_ = centroids
        self.keyword_table_ = table
        self.keywords_ = [
            table.loc[table[schema.THEME_ID] == t, "term"].tolist() for t in range(self.n_themes_)
        ]
        self.theme_labels_ = [short_label(terms) for terms in self.keywords_]
        self.sizes_ = np.bincount(labels[labels >= 0], minlength=self.n_themes_)
        self.unclassified_share_ = float(np.mean(labels < 0))
        self.tfidf_ = data.tfidf[inverse]
        self.presence_ = data.presence[inverse]
        self.canonical_order_ = data.order


def _relabel_contiguous(labels: np.ndarray) -> np.ndarray:
    """Renumber the non-negative labels 0..k-1 in increasing order; keep negatives as -1."""
    labels = np.asarray(labels, dtype=np.int64)
    present = np.unique(labels[labels >= 0])
    mapping = {old: new for new, old in enumerate(present)}
    return np.array([mapping.get(v, NO_THEME) for v in labels], dtype=np.int64)


def _second_themes(labels: np.ndarray, membership: np.ndarray, ratio: float) -> np.ndarray:
    """Second theme of each row: the next most similar theme, when its cosine similarity
    reaches ``ratio`` times the similarity to the main theme."""
    values = membership.astype(float).copy()
    if values.shape[1] < 2:
        return np.full(len(labels), NO_THEME, dtype=np.int64)
    rows = np.arange(len(labels))
    main = values[rows, np.maximum(labels, 0)]
    values[rows, np.maximum(labels, 0)] = -np.inf
    runner_up = values.argmax(axis=1)
    close = (values[rows, runner_up] >= ratio * main) & (main > 0) & (labels >= 0)
    return np.where(close, runner_up, NO_THEME).astype(np.int64)


def _method_settings(method: str) -> list[str]:
    """The settings of a method that are its own (not shared with the model)."""
    shared = ThemeModel().get_params(deep=False)
    return [name for name in METHODS[method]().get_params(deep=False) if name not in shared]


def _method_values(method: str, values: dict[str, Any]) -> dict[str, Any]:
    """A method's own settings found in a config section: ``<method>_<setting>``, else
    ``<setting>``."""
    found = {}
    for name in _method_settings(method):
        for key in (f"{method}_{name}", name):
            if key in values:
                found[name] = values[key]
                break
    return found


def _count_distinct(ordered: pd.Series) -> int:
    """Distinct non-empty lemma strings; raise when there are none (nothing to find themes in).

    One to three distinct segments (a short note, a one-row export) make one theme, with the
    warning of :func:`~analysis.themes.selection.too_few_to_search`: the report still runs to
    the end."""
    filled = ordered[ordered.str.strip() != ""]
    n_distinct = filled.nunique()
    if len(ordered) == 0:
        raise ThemeError(
            "Le corpus ne donne aucun segment de texte (des titres seuls, ou des textes vides) : "
            "il n'y a pas de thème à trouver. Vérifiez que les documents ont des paragraphes "
            "sous leurs titres, ou la colonne de texte choisie (--text-column)."
        )
    if n_distinct == 0:
        raise ThemeError(
            f"Aucun des {len(ordered)} segment(s) n'a de mot plein (mots vides, chiffres ou "
            "textes hors du français seulement) : il n'y a pas de thème à trouver. Vérifiez "
            "la colonne de texte choisie (--text-column) et la langue des textes."
        )
    return int(n_distinct)


def choose_n_themes(
    segments: Segments, *, expressions: pd.DataFrame | None = None, **settings: Any
) -> pd.DataFrame:
    """Return the auto-k diagnostics table for ``segments``, without fitting the themes.

    Parameters
    ----------
    segments
        The segments table (needs ``lemmas``) or the lemma strings.
    expressions
        The corpus's multiword expressions, as in :meth:`ThemeModel.fit` (the rows are then
        those the fit sees).
    **settings
        As in :class:`ThemeModel` (``method``, ``k_min``, ``k_max``, ``random_state``...).

    Returns
    -------
    pandas.DataFrame
        Columns ``k``, ``stability``, ``coherence``, ``separation``, ``unclassified_share``,
        ``score`` (the mean of the three criteria rescaled to [0, 1]), ``chosen`` and
        ``previous`` (False here: no previous run).
    """
    model = ThemeModel(n_themes="auto", **settings)
    model._check_params()
    estimator = model._make_estimator()
    data = model._prepare(segments, estimator, expressions)
    model._resolve_n_themes(data, estimator, None, None)
    return model.diagnostics_
