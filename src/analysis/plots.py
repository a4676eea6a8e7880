"""matplotlib figures of the workbook.

Every function takes DataFrames (or a fitted model) and an optional ``ax``, draws, and returns
the Axes. None of them calls ``plt.show()`` or saves: notebooks display, ``export`` saves.
"""

from __future__ import annotations

from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from analysis import labels, schema, tracing
from analysis.segmentation import without_item_mark


class NothingToPlot(ValueError):
    """The data hold nothing this figure can show (one theme, no date, one city...).

    The message says why, in French: the report prints it where the figure would be, rather
    than an empty frame.
    """


def _require_rows(table: pd.DataFrame, reason: str) -> None:
    """Raise :class:`NothingToPlot` with ``reason`` (a key of ``labels.ABSENT_FIGURE``)
    when ``table`` has no row."""
    if table.empty:
        raise NothingToPlot(labels.ABSENT_FIGURE[reason])


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


# --- theme plots (themes/) --------------------------------------------------------------------


def _theme_names(themes: pd.DataFrame | None) -> dict[int, str]:
    """``{theme_id: "3 · label"}`` from a themes table (empty without one)."""
    if themes is None:
        return {}
    return {
        int(t): f"{int(t)} · {label}"
        for t, label in zip(themes[schema.THEME_ID], themes[schema.LABEL], strict=True)
    }


def plot_theme_sizes(themes: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Horizontal bars: segments per theme (needs ``theme_id``, ``label``, ``n_segments``)."""
    schema.require_columns(themes, schema.THEME_ID, schema.LABEL, schema.N_SEGMENTS, table="themes")
    _require_rows(themes, "no_theme")
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
    from analysis.vectorise import display_term

    terms = [display_term(str(t)) for t in rows["term"]][::-1]
    ax.barh(terms, rows["chi2"].to_numpy()[::-1], color="tab:blue")
    ax.set_xlabel(labels.THEME_TITLES["chi2"])
    ax.set_title(labels.THEME_TITLES["top_terms"].format(theme_id=theme_id), fontsize=10)
    return ax


def plot_themes_top_terms(
    keywords: pd.DataFrame | object,
    *,
    n_terms: int = 6,
    n_columns: int = 3,
    theme_ids: list[int] | None = None,
) -> Axes:
    """A grid of :func:`plot_top_terms`, one panel per theme, in a new figure.

    ``keywords`` is the keywords table of a theme run, or the :class:`~analysis.themes.ThemeRun`.
    Returns the first panel's Axes; ``ax.figure.axes`` holds every panel.
    """
    keywords = getattr(keywords, "keywords", keywords)
    _require_rows(keywords, "no_theme")
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
    return axes.ravel()[0]


def plot_theme_map(
    coordinates: pd.DataFrame | object,
    themes: pd.DataFrame | None = None,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Scatter of the segments (``x``, ``y`` from :func:`analysis.themes.segment_map`),
    coloured by theme, each theme's number written at its median point.

    ``coordinates`` may also be a :class:`~analysis.themes.ThemeRun` (then ``themes`` is
    taken from it).
    """
    if hasattr(coordinates, "segments"):
        from analysis.themes import segment_map

        coordinates, themes = segment_map(coordinates), coordinates.themes
    schema.require_columns(coordinates, schema.THEME_ID, "x", "y", table="segment map")
    _require_rows(coordinates[coordinates[schema.THEME_ID] >= 0], "no_theme")
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
    similarity: pd.DataFrame | object, themes: pd.DataFrame | None = None, *, ax: Axes | None = None
) -> Axes:
    """Dendrogram of the themes from :func:`analysis.themes.theme_similarity`.

    ``similarity`` may also be a :class:`~analysis.themes.ThemeRun`.
    """
    from scipy.cluster.hierarchy import dendrogram

    from analysis.themes import theme_linkage, theme_similarity

    if hasattr(similarity, "segments"):
        similarity, themes = theme_similarity(similarity), similarity.themes
    if len(similarity) < 2:
        raise NothingToPlot(labels.ABSENT_FIGURE["one_theme"])
    ax = _axes(ax, (8, 0.35 * len(similarity) + 1.5))
    names = _theme_names(themes)
    leaf_names = [names.get(int(t), str(t)) for t in similarity.index]
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


# --- tracing plots (roles/, tracing/) ---------------------------------------------------


def _short(text: object, width: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _theme_row_labels(table: pd.DataFrame) -> dict[object, str]:
    names = table.drop_duplicates(schema.THEME_ID).set_index(schema.THEME_ID)[schema.THEME_LABEL]
    return {theme: (str(name) or str(theme)) for theme, name in names.items()}


def plot_theme_heatmap(
    table: pd.DataFrame,
    *,
    by: str = schema.CONCERTATION_ID,
    value: str = schema.SHARE,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of themes (rows) by concertation, city or period (columns).

    Parameters
    ----------
    table
        Output of :func:`analysis.tracing.theme_by` (or ``theme_by_period`` with
        ``by="period"``): ``theme_id``, ``theme_label``, ``by`` and ``value``.
    by
        The column crossed with themes.
    value
        ``"share"`` (of the column's segments, shown in %), ``"theme_share"`` or ``"n_segments"``.
    """
    schema.require_columns(
        table, schema.THEME_ID, schema.THEME_LABEL, by, value, table="theme table"
    )
    _require_rows(table, "no_theme")
    grid = table.pivot(index=schema.THEME_ID, columns=by, values=value).fillna(0)
    names = _theme_row_labels(table)
    ax = _axes(ax, figsize=(1.0 + 0.7 * grid.shape[1], 1.0 + 0.45 * grid.shape[0]))
    image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="Blues")
    percent = value in (schema.SHARE, schema.THEME_SHARE)
    for (row, column), cell in pd.DataFrame(grid.to_numpy()).stack().items():
        if cell:
            text = f"{round(cell * 100)}" if percent else f"{int(cell)}"
            ax.text(column, row, text, ha="center", va="center", fontsize=7)
    ax.set_xticks(
        range(grid.shape[1]), [str(c) for c in grid.columns], rotation=60, ha="right", fontsize=8
    )
    ax.set_yticks(range(grid.shape[0]), [_short(names[t], 45) for t in grid.index], fontsize=8)
    ax.set_xlabel(labels.column_label(by))
    ax.set_title(labels.TRACING_LABELS["heatmap_title"])
    ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    return ax


def plot_theme_trajectories(
    table: pd.DataFrame,
    *,
    value: str = schema.SHARE,
    n_themes: int = 6,
    ax: Axes | None = None,
) -> Axes:
    """Lines: the weight of the main themes from one period to the next.

    Parameters
    ----------
    table
        Output of :func:`analysis.tracing.theme_by_period`.
    value
        ``"share"`` (of the period's segments) or ``"n_segments"``.
    n_themes
        The themes with most segments are drawn (unclassified segments are left out).
    """
    schema.require_columns(table, schema.THEME_ID, schema.PERIOD, value, table="theme table")
    classified = table[table[schema.THEME_ID] != schema.UNCLASSIFIED]
    classified = classified[classified[schema.PERIOD] != labels.TRACING_LABELS["no_date"]]
    _require_rows(classified, "no_date")
    if classified[schema.PERIOD].nunique() < 2:
        raise NothingToPlot(
            labels.ABSENT_FIGURE["one_period"].format(period=classified[schema.PERIOD].iloc[0])
        )
    totals = classified.groupby(schema.THEME_ID)[schema.N_SEGMENTS].sum()
    top = totals.sort_values(ascending=False, kind="stable").index[:n_themes]
    periods = list(dict.fromkeys(classified[schema.PERIOD]))
    names = _theme_row_labels(table)
    ax = _axes(ax, figsize=(8, 4.5))
    for theme in top:
        rows = classified[classified[schema.THEME_ID] == theme].set_index(schema.PERIOD)
        values = rows.reindex(periods)[value].fillna(0)
        ax.plot(range(len(periods)), values.to_numpy(), marker="o", label=_short(names[theme], 40))
    ax.set_xticks(range(len(periods)), periods)
    ax.set_xlabel(labels.TRACING_LABELS["period"])
    y_label = (
        labels.TRACING_LABELS["share"] if value == schema.SHARE else labels.column_label(value)
    )
    ax.set_ylabel(y_label)
    ax.set_title(labels.TRACING_LABELS["trajectory_title"])
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def _mentions(group: pd.Series, where: pd.DataFrame | None) -> pd.DataFrame:
    """(date, city) of each concertation where a group came up, in date order."""
    if where is None:  # without segments: the dates only, cities unknown
        dates = pd.to_datetime(pd.Series(group[schema.DATES], dtype=object))
        return pd.DataFrame({schema.DATE: dates, schema.CITY: ""})
    mentions = where.loc[[str(i) for i in group[schema.SEGMENT_IDS]]].drop_duplicates()
    return mentions.dropna(subset=[schema.DATE]).sort_values(schema.DATE)


def plot_obstacle_recurrence(
    groups: pd.DataFrame,
    segments: pd.DataFrame | None = None,
    *,
    n_groups: int = 10,
    ax: Axes | None = None,
) -> Axes:
    """Recurring obstacles (or proposals): one row each, a dot per concertation, in time.

    When the groups were counted over contributions (a single concertation: their
    ``recurrence_unit``, see :func:`analysis.tracing.unit_of`), or when no mention is dated,
    one bar per group instead: how many contributions (or concertations) raise it.

    Parameters
    ----------
    groups
        Output of :func:`analysis.tracing.canonical_groups` (``group_id``, ``label``,
        ``n_cities``, ``dates``, ``segment_ids``; ``n_documents`` and ``recurrence_unit``
        with a single concertation; ``function`` names the title).
    segments
        The segments (``segment_id``, ``city``, ``date``): each dot is then named after its
        city. Without them, the dots are the group's ``dates``.
    n_groups
        The groups mentioned in most cities (or contributions) are drawn, the most
        widespread on top.

    Raises
    ------
    NothingToPlot
        When ``groups`` has no row.
    """
    schema.require_columns(
        groups, schema.GROUP_ID, schema.LABEL, schema.N_CITIES, schema.DATES, table="groups"
    )
    _require_rows(groups, "no_group")
    unit = tracing.unit_of(groups)
    shown = groups.head(n_groups).iloc[::-1].reset_index(drop=True)
    function = str(groups[schema.FUNCTION].iloc[0]) if schema.FUNCTION in groups else ""
    dated = any(len(dates) for dates in shown[schema.DATES])
    if unit == schema.DOC_ID or not dated:
        return _recurrence_bars(shown, unit, function, ax)
    where = None
    if segments is not None:
        schema.require_columns(groups, schema.SEGMENT_IDS, table="groups")
        schema.require_columns(
            segments, schema.SEGMENT_ID, schema.CITY, schema.DATE, table="segments"
        )
        where = segments.set_index(segments[schema.SEGMENT_ID].astype(str))
        where = where[[schema.CITY, schema.DATE]]
    ax = _axes(ax, figsize=(9, 1.0 + 0.5 * max(len(shown), 1)))
    for row, group in shown.iterrows():
        mentions = _mentions(group, where)
        ax.plot(mentions[schema.DATE], [row] * len(mentions), color="0.75", zorder=1)
        ax.scatter(mentions[schema.DATE], [row] * len(mentions), s=40, zorder=2)
        for date, city in zip(mentions[schema.DATE], mentions[schema.CITY], strict=True):
            ax.annotate(
                str(city),
                (date, row),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=6,
            )
    ticks = [
        f"{_short(label, 55)} ({labels.french_plural(int(n), 'ville')})"
        for label, n in zip(shown[schema.LABEL], shown[schema.N_CITIES], strict=True)
    ]
    ax.set_yticks(range(len(shown)), ticks, fontsize=7)
    ax.set_ylim(-0.6, len(shown) - 0.2)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    titles = labels.RECURRENCE_FIGURE_TITLES
    ax.set_title(titles.get(function, labels.TRACING_LABELS["recurrence_title"]))
    return ax


def _recurrence_bars(shown: pd.DataFrame, unit: str, function: str, ax: Axes | None) -> Axes:
    """One bar per group (``shown``, bottom to top): the contributions or concertations that
    raise it. No time axis: there is no date to place it on, or one concertation."""
    by_contribution = unit == schema.DOC_ID
    column = schema.N_DOCUMENTS if by_contribution else schema.N_CONCERTATIONS
    counts = shown[column].astype(int).tolist()
    ax = _axes(ax, figsize=(9, 1.0 + 0.45 * max(len(shown), 1)))
    bars = ax.barh(range(len(shown)), counts, color="C0")
    ax.bar_label(bars, padding=3, fontsize=7)
    ticks = [_short(without_item_mark(str(label)), 70) for label in shown[schema.LABEL]]
    ax.set_yticks(range(len(shown)), ticks)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylim(-0.6, len(shown) - 0.4)
    ax.set_xlim(0, max(counts, default=1) * 1.12 + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    cl = labels.CONTRIBUTION_LABELS
    ax.set_xlabel(cl["bars_axis"] if by_contribution else cl["bars_axis_concertations"])
    kind = function if function in (schema.FREIN, schema.PROPOSITION) else schema.FREIN
    suffix = "_contributions" if by_contribution else "_concertations"
    ax.set_title(labels.RECURRENCE_FIGURE_TITLES[kind + suffix])
    return ax


def plot_specificities(
    table: pd.DataFrame,
    part: str | None = None,
    *,
    n_forms: int = 8,
    ax: Axes | None = None,
) -> Axes:
    """Bars: the most over- and under-represented themes (or words) of one part, or of all.

    Parameters
    ----------
    table
        Output of :func:`analysis.tracing.specificities`.
    part
        The city, concertation or period to show; ``None`` shows the strongest cells of all
        parts, each named "part : theme".
    n_forms
        Bars shown on each side (over, under). Significant ones (q <= alpha) are coloured,
        the others grey.
    """
    schema.require_columns(
        table,
        schema.PART,
        schema.FORM,
        schema.SPECIFICITY,
        schema.SIGNIFICANT,
        table="specificities",
    )
    rows = table if part is None else table[table[schema.PART].astype(str) == str(part)]
    _require_rows(rows, "one_part")
    over = rows[rows[schema.SPECIFICITY] > 0].nlargest(n_forms, schema.SPECIFICITY)
    under = rows[rows[schema.SPECIFICITY] < 0].nsmallest(n_forms, schema.SPECIFICITY)
    shown = pd.concat([over, under.iloc[::-1]]).iloc[::-1]
    theme_labels = shown.get(schema.THEME_LABEL, shown[schema.FORM])
    names = [
        _short(label if isinstance(label, str) and label else form, 40)
        for form, label in zip(shown[schema.FORM], theme_labels, strict=True)
    ]
    if part is None:
        names = [f"{p} : {n}" for p, n in zip(shown[schema.PART], names, strict=True)]
    colours = [
        ("tab:blue" if value > 0 else "tab:red") if significant else "0.75"
        for value, significant in zip(
            shown[schema.SPECIFICITY], shown[schema.SIGNIFICANT], strict=True
        )
    ]
    ax = _axes(ax, figsize=(7, 1.0 + 0.3 * max(len(shown), 1)))
    ax.barh(range(len(shown)), shown[schema.SPECIFICITY].to_numpy(), color=colours)
    ax.set_yticks(range(len(shown)), names, fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(labels.TRACING_LABELS["specificity_axis"])
    title = labels.TRACING_LABELS["specificity_title"]
    ax.set_title(title if part is None else f"{title} : {part}")
    return ax


def plot_correspondence(result: Any, *, n_words: int = 30, ax: Axes | None = None) -> Axes:
    """The plane of a correspondence analysis (:func:`analysis.tracing.correspondence_analysis`):
    themes (coloured), values of the variable (black triangles) and the keywords best shown
    on the plane (grey), each axis labelled with its share of the inertia.

    Parameters
    ----------
    result
        A :class:`analysis.tracing.Correspondence`.
    n_words
        Keywords shown: those of highest quality on the plane.
    """
    from analysis.tracing import correspondence as ca

    points = result.points
    themes = points[points[ca.KIND] == ca.THEME_POINT]
    values = points[points[ca.KIND] == ca.VALUE_POINT]
    words = points[points[ca.KIND] == ca.WORD_POINT].nlargest(n_words, ca.QUALITY)
    ax = _axes(ax, figsize=(9, 7))
    ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
    ax.axvline(0, color="0.8", linewidth=0.8, zorder=0)
    x, y = ca.AXIS
    ax.scatter(words[x], words[y], s=8, color="0.6", label=labels.TRACING_LABELS["ca_words"])
    for _, row in words.iterrows():
        ax.annotate(_short(row[schema.LABEL], 25), (row[x], row[y]), fontsize=7, color="0.45")
    colours = plt.get_cmap("tab10")
    for i, (_, row) in enumerate(themes.iterrows()):
        ax.scatter(row[x], row[y], s=60 + 600 * row[ca.MASS], color=colours(i % 10), alpha=0.8)
        ax.annotate(
            _short(row[schema.LABEL], 35), (row[x], row[y]), fontsize=8, color=colours(i % 10),
            fontweight="bold", xytext=(4, 4), textcoords="offset points",
        )  # fmt: skip
    variable = labels.column_label(result.variable).lower()
    ax.scatter(
        values[x], values[y], marker="^", s=40, color="black",
        label=labels.TRACING_LABELS["ca_values"].format(variable=variable),
    )  # fmt: skip
    for _, row in values.iterrows():
        ax.annotate(
            _short(row[schema.LABEL], 25), (row[x], row[y]), fontsize=8,
            xytext=(4, -10), textcoords="offset points",
        )  # fmt: skip
    shares = result.inertia_shares
    for axis, setter in ((0, ax.set_xlabel), (1, ax.set_ylabel)):
        share = shares[axis] if axis < len(shares) else 0.0
        text = labels.TRACING_LABELS["ca_axis"].format(axis=axis + 1, share=_percent(share))
        setter(text)
    ax.set_title(labels.TRACING_LABELS["ca_title"].format(variable=variable))
    ax.legend(loc="best", fontsize=8)
    return ax


def _percent(share: float) -> str:
    """ "33,8 %" (French decimal comma)."""
    return f"{100 * share:.1f} %".replace(".", ",")


def plot_similitude(graph: Any, *, ax: Axes | None = None) -> Axes:
    """The similitude tree of a theme (:func:`analysis.themes.similitude`): each term sized by
    the segments holding it, each link as thick as the segments holding both.

    Raises
    ------
    NothingToPlot
        When no two terms of the theme meet in a segment.
    """
    import networkx as nx

    if graph.edges.empty:
        raise NothingToPlot(labels.ABSENT_FIGURE["no_cooccurrence"])
    sizes = dict(zip(graph.terms[schema.TERM], graph.terms[schema.N_SEGMENTS], strict=True))
    network = nx.Graph()
    for source, target, weight in graph.edges.itertuples(index=False):
        network.add_edge(source, target, weight=weight)
    nodes = sorted(network.nodes, key=lambda term: (-sizes.get(term, 0), term))
    layout = nx.spring_layout(network, seed=0, weight=None, iterations=200)  # seeded: the same
    top = max(sizes.get(term, 1) for term in nodes)
    ax = _axes(ax, figsize=(8, 6))
    widths = [
        0.5 + 4 * d["weight"] / graph.edges["weight"].max() for *_, d in network.edges(data=True)
    ]
    nx.draw_networkx_edges(network, layout, ax=ax, width=widths, edge_color="0.65")
    nx.draw_networkx_nodes(
        network, layout, nodelist=nodes, ax=ax, node_color="tab:blue", alpha=0.25,
        node_size=[80 + 900 * sizes.get(term, 1) / top for term in nodes],
    )  # fmt: skip
    for term in nodes:
        x, y = layout[term]
        ax.annotate(
            term, (x, y), ha="center", va="center",
            fontsize=7 + 6 * sizes.get(term, 1) / top,
        )  # fmt: skip
    ax.set_title(labels.TRACING_LABELS["similitude_title"].format(label=_short(graph.label, 60)))
    ax.set_axis_off()
    return ax
