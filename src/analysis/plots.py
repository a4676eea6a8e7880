"""matplotlib figures of the workbook.

Every function takes DataFrames (or a fitted model) and an optional ``ax``, draws, and returns
the Axes. None of them calls ``plt.show()`` or saves: notebooks display, ``export`` saves.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from analysis import labels, schema


def _axes(ax: Axes | None, figsize: tuple[float, float] = (8, 5)) -> Axes:
    """Return ``ax`` or a fresh Axes of the given size."""
    if ax is not None:
        return ax
    _, new_ax = plt.subplots(figsize=figsize)
    return new_ax


# --- corpus plots -----------------------------------------------------------------------------


def _concertation_label(city: str, date: object) -> str:
    """``"Dijon, avril 2023"`` (or the city alone when the date is unknown)."""
    stamp = pd.Timestamp(date) if date is not None else pd.NaT
    if pd.isna(stamp):
        return str(city) or "?"
    return f"{city or '?'}, {labels.french_month(stamp.month, stamp.year)}"


def plot_documents_per_concertation(documents: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Stacked horizontal bars: documents of each concertation by type, earliest on top.

    Parameters
    ----------
    documents
        Needs ``concertation_id``, ``city``, ``date``, ``doc_type``.
    ax
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.
    """
    schema.require_columns(
        documents,
        schema.CONCERTATION_ID,
        schema.CITY,
        schema.DATE,
        schema.DOC_TYPE,
        table="documents",
    )
    counts = pd.crosstab(documents[schema.CONCERTATION_ID], documents[schema.DOC_TYPE])
    firsts = documents.groupby(schema.CONCERTATION_ID).agg(
        city=(schema.CITY, "first"), date=(schema.DATE, "min")
    )
    order = firsts.sort_values(["date", "city"], na_position="last").index[::-1]
    counts = counts.loc[order, sorted(counts.columns)]
    ax = _axes(ax, figsize=(8, max(3.0, 0.4 * len(counts) + 1.5)))
    left = pd.Series(0, index=counts.index)
    for doc_type in counts.columns:
        ax.barh(
            range(len(counts)),
            counts[doc_type],
            left=left,
            label=labels.DOC_TYPE_LABELS.get(doc_type, doc_type or "?"),
        )
        left = left + counts[doc_type]
    ax.set_yticks(range(len(counts)))
    ax.set_yticklabels(
        [_concertation_label(*firsts.loc[c, ["city", "date"]]) for c in counts.index]
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(labels.CORPUS_TITLES["n_documents"])
    ax.set_title(labels.CORPUS_TITLES["per_concertation"])
    ax.legend(
        title=labels.column_label(schema.DOC_TYPE),
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize="small",
    )
    return ax


def plot_corpus_timeline(overview: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Timeline of the concertations: one stem per concertation, its height the words it holds.

    Parameters
    ----------
    overview
        :func:`analysis.corpus.corpus_overview`; needs ``city``, ``date``, ``n_words``.
        Concertations without a date are left out (they cannot be placed in time).
    ax
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.
    """
    schema.require_columns(overview, schema.CITY, schema.DATE, schema.N_WORDS, table="overview")
    dated = overview.dropna(subset=[schema.DATE]).sort_values(schema.DATE)
    ax = _axes(ax, figsize=(10, 4))
    ax.vlines(dated[schema.DATE], 0, dated[schema.N_WORDS], color="tab:blue", linewidth=2)
    ax.plot(dated[schema.DATE], dated[schema.N_WORDS], "o", color="tab:blue")
    for position, row in enumerate(dated.itertuples(index=False)):
        ax.annotate(
            getattr(row, schema.CITY) or "?",
            (getattr(row, schema.DATE), getattr(row, schema.N_WORDS)),
            textcoords="offset points",
            xytext=(0, 6 + 12 * (position % 2)),  # alternate heights: close dates stay legible
            ha="center",
            fontsize="small",
        )
    ax.set_ylim(0, max(1, dated[schema.N_WORDS].max()) * 1.3)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlabel(labels.CORPUS_TITLES["date"])
    ax.set_ylabel(labels.CORPUS_TITLES["n_words"])
    ax.set_title(labels.CORPUS_TITLES["timeline"])
    return ax


def plot_words_per_document(words: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Box plot of document length (words) per document type, each document drawn as a dot.

    Parameters
    ----------
    words
        :func:`analysis.corpus.words_per_document`; needs ``doc_type`` and ``n_words``.
    ax
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.
    """
    schema.require_columns(words, schema.DOC_TYPE, schema.N_WORDS, table="words per document")
    types = sorted(words[schema.DOC_TYPE].fillna("").unique())
    groups = [words.loc[words[schema.DOC_TYPE].fillna("") == t, schema.N_WORDS] for t in types]
    ax = _axes(ax, figsize=(8, 4))
    ax.boxplot(groups, showfliers=False)
    for position, group in enumerate(groups, start=1):
        # spread the dots evenly (no random jitter, so the figure is the same at every run)
        offsets = (
            [0.0]
            if len(group) == 1
            else [-0.15 + 0.3 * i / (len(group) - 1) for i in range(len(group))]
        )
        ax.plot([position + o for o in offsets], sorted(group), ".", color="tab:gray", alpha=0.7)
    ax.set_xticks(range(1, len(types) + 1))
    ax.set_xticklabels([labels.DOC_TYPE_LABELS.get(t, t or "?") for t in types])
    ax.set_ylabel(labels.CORPUS_TITLES["n_words"])
    ax.set_title(labels.CORPUS_TITLES["words"])
    return ax


# --- theme plots (themes.py) ------------------------------------------------------------------


def _theme_names(themes: pd.DataFrame) -> dict[int, str]:
    """``{theme_id: "3 · label"}`` from a themes table."""
    return {
        int(t): f"{int(t)} · {label}"
        for t, label in zip(themes[schema.THEME_ID], themes[schema.LABEL], strict=True)
    }


def plot_theme_sizes(themes: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Horizontal bars: segments per theme (needs ``theme_id``, ``label``, ``n_segments``)."""
    schema.require_columns(themes, schema.THEME_ID, schema.LABEL, schema.N_SEGMENTS, table="themes")
    ax = _axes(ax, (8, 0.4 * len(themes) + 1.5))
    ordered = themes.sort_values(schema.THEME_ID, ascending=False)
    names = _theme_names(ordered)
    ax.barh([names[int(t)] for t in ordered[schema.THEME_ID]], ordered[schema.N_SEGMENTS])
    ax.set_xlabel(labels.THEME_TITLES["n_segments"])
    ax.set_title(labels.THEME_TITLES["sizes"])
    return ax


def plot_top_terms(
    keywords: pd.DataFrame, theme_id: int, *, n_terms: int = 10, ax: Axes | None = None
) -> Axes:
    """Bars of the chi-square of one theme's best keywords (needs ``theme_id``, ``term``,
    ``chi2``, ``rank``: the ``keywords`` table of a theme run)."""
    schema.require_columns(keywords, schema.THEME_ID, "term", "chi2", "rank", table="keywords")
    ax = _axes(ax, (5, 0.3 * n_terms + 1.2))
    rows = keywords[keywords[schema.THEME_ID] == theme_id].sort_values("rank").head(n_terms)
    terms = [str(t).replace("_", " ") for t in rows["term"]][::-1]
    ax.barh(terms, rows["chi2"].to_numpy()[::-1], color="tab:blue")
    ax.set_xlabel(labels.THEME_TITLES["chi2"])
    ax.set_title(labels.THEME_TITLES["top_terms"].format(theme_id=theme_id), fontsize=10)
    return ax


def plot_themes_top_terms(
    keywords: pd.DataFrame,
    *,
    n_terms: int = 6,
    n_columns: int = 3,
    theme_ids: list[int] | None = None,
) -> list[Axes]:
    """A grid of :func:`plot_top_terms`, one panel per theme; returns the panels' Axes."""
    theme_ids = theme_ids or sorted(int(t) for t in keywords[schema.THEME_ID].unique())
    n_rows = max(1, -(-len(theme_ids) // n_columns))
    figure, axes = plt.subplots(
        n_rows,
        n_columns,
        figsize=(4.2 * n_columns, 0.32 * n_terms * n_rows + 1.2 * n_rows),
        squeeze=False,
    )
    for ax, theme in zip(axes.ravel(), theme_ids, strict=False):
        plot_top_terms(keywords, theme, n_terms=n_terms, ax=ax)
        ax.set_xlabel("")
    for ax in axes.ravel()[len(theme_ids) :]:
        ax.set_visible(False)
    figure.tight_layout()
    return list(axes.ravel()[: len(theme_ids)])


def plot_theme_map(
    coordinates: pd.DataFrame, themes: pd.DataFrame, *, ax: Axes | None = None
) -> Axes:
    """Scatter of the segments (``x``, ``y`` from :func:`analysis.themes.segment_map`),
    coloured by theme, each theme's number written at its median point."""
    schema.require_columns(coordinates, schema.THEME_ID, "x", "y", table="segment map")
    ax = _axes(ax, (8, 6))
    colours = plt.get_cmap("tab20")
    unclassified = coordinates[coordinates[schema.THEME_ID] < 0]
    ax.scatter(
        unclassified["x"],
        unclassified["y"],
        s=6,
        color="lightgrey",
        label=labels.UNCLASSIFIED_LABEL,
    )
    names = _theme_names(themes)
    for rank, (theme, points) in enumerate(
        coordinates[coordinates[schema.THEME_ID] >= 0].groupby(schema.THEME_ID)
    ):
        colour = colours(rank % 20)
        ax.scatter(
            points["x"],
            points["y"],
            s=8,
            color=colour,
            alpha=0.6,
            label=names.get(int(theme), str(theme)),
        )
        ax.annotate(
            str(theme),
            (points["x"].median(), points["y"].median()),
            fontsize=11,
            fontweight="bold",
            ha="center",
        )
    ax.set_xlabel(labels.THEME_TITLES["axis_1"])
    ax.set_ylabel(labels.THEME_TITLES["axis_2"])
    ax.set_title(labels.THEME_TITLES["map"])
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return ax


def plot_theme_dendrogram(
    similarity: pd.DataFrame, themes: pd.DataFrame, *, ax: Axes | None = None
) -> Axes:
    """Dendrogram of the themes from :func:`analysis.themes.theme_similarity`."""
    from scipy.cluster.hierarchy import dendrogram

    from analysis.themes import theme_linkage

    ax = _axes(ax, (8, 0.35 * len(similarity) + 1.5))
    names = _theme_names(themes)
    leaf_names = [names.get(int(t), str(t)) for t in similarity.index]
    if len(similarity) >= 2:
        dendrogram(
            theme_linkage(similarity),
            labels=leaf_names,
            orientation="left",
            ax=ax,
            color_threshold=0,
            above_threshold_color="tab:blue",
        )
    ax.set_xlabel(labels.THEME_TITLES["distance"])
    ax.set_title(labels.THEME_TITLES["dendrogram"])
    return ax


def plot_k_diagnostics(diagnostics: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """The auto-k criteria against k (each rescaled to [0, 1]), the chosen k marked."""
    import numpy as np

    from analysis.themes import CHOSEN, K

    ax = _axes(ax, (7, 4))
    for column, name in labels.K_CRITERIA_LABELS.items():
        values = diagnostics[column].to_numpy(dtype=float)
        span = np.nanmax(values) - np.nanmin(values)
        scaled = (values - np.nanmin(values)) / span if span > 0 else np.full(len(values), 0.5)
        style = {"linewidth": 2.5, "color": "black"} if column == "score" else {"alpha": 0.8}
        ax.plot(diagnostics[K], scaled, marker="o", label=name, **style)
    chosen = diagnostics.loc[diagnostics[CHOSEN], K]
    if len(chosen):
        ax.axvline(
            int(chosen.iloc[0]),
            linestyle="--",
            color="grey",
            label=f"{labels.THEME_TITLES['chosen']} : {int(chosen.iloc[0])}",
        )
    ax.set_xlabel(labels.THEME_TITLES["k"])
    ax.set_ylabel(labels.THEME_TITLES["criterion"])
    ax.set_title(labels.THEME_TITLES["k_choice"])
    ax.legend(fontsize=8)
    return ax


# --- tracing plots (functions.py, tracing.py) -------------------------------------------------
