"""An interactive explorer of a run, for JupyterLab: choose a theme, read it, search a word,
correct the themes; the corrections go to the curation file that the next run reads.

:class:`Explorer` holds what the explorer shows and does, without any widget (the tests drive
it); :func:`explorer_widget` lays it out with ipywidgets::

    results = pipeline.run(config)
    explorer_widget(Explorer(results, "curation.yml"))

Each correction (rename, merge, split, move) is added to the curation file at once, next to
what it already holds (the file it replaces is kept as ``curation.yml.bak``); the themes
change at the next run (``analysis fiches --out ...`` re-applies the file without re-parsing).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import labels, schema
from analysis.curation import (
    Curation,
    CurationError,
    Merge,
    Move,
    Split,
    load_curation,
    save_curation,
)
from analysis.nlp import concordance
from analysis.themes import typical_segments


class ExplorerError(CurationError):
    """A correction names a theme or a segment this run does not have (said in French)."""


@dataclasses.dataclass(frozen=True)
class ThemeView:
    """What the explorer shows of one theme."""

    theme_id: int
    label: str
    keywords: list[str]
    typical: pd.DataFrame  # its most typical segments, with their source
    obstacles: pd.DataFrame  # its recurring freins, with where and when
    proposals: pd.DataFrame  # its recurring proposals
    place: pd.DataFrame  # its point on each correspondence map (variable, axis_1, axis_2)


class Explorer:
    """A run, ready to explore and correct.

    Parameters
    ----------
    results
        What :func:`analysis.pipeline.run` returned.
    curation_file
        Where corrections are written (YAML); read first when it exists.
    """

    def __init__(self, results: Any, curation_file: str | Path) -> None:
        self.results = results
        self.curation_file = Path(curation_file)
        self.curation = load_curation(self.curation_file)

    # --- reading ------------------------------------------------------------------------------

    def theme_ids(self) -> list[int]:
        """The themes of the run, in their order (unclassified left out)."""
        return [theme for _, theme in self.theme_choices()]

    def theme_choices(self) -> list[tuple[str, int]]:
        """(``"3 — label"``, 3) for each theme: the options of a drop-down list."""
        table = self.results.themes
        return [
            (f"{int(t)} — {label}", int(t))
            for t, label in zip(table[schema.THEME_ID], table[schema.LABEL], strict=True)
            if t != schema.UNCLASSIFIED
        ]

    def theme(self, theme_id: int, *, n_segments: int = 5) -> ThemeView:
        """The keywords, typical segments, freins, proposals and map places of a theme."""
        self._check_theme(theme_id)
        row = self.results.themes.set_index(schema.THEME_ID).loc[theme_id]
        segments = self.results.segments
        typical = typical_segments(segments, self.results.themes, n=n_segments)
        typical = typical[typical[schema.THEME_ID] == theme_id]
        tables = self.results.tables
        places = []
        for variable, result in tables.correspondences.items():
            points = result.points[result.points["kind"] == "thème"]
            mine = points[points[schema.THEME_ID] == theme_id]
            places += [
                (variable, x, y) for x, y in zip(mine["axis_1"], mine["axis_2"], strict=True)
            ]
        place = pd.DataFrame(places, columns=["variable", "axis_1", "axis_2"])
        return ThemeView(
            theme_id=theme_id,
            label=str(row[schema.LABEL]),
            keywords=[k.strip() for k in str(row[schema.KEYWORDS]).split(",") if k.strip()],
            typical=typical.reset_index(drop=True),
            obstacles=_of_theme(tables.obstacles, theme_id),
            proposals=_of_theme(tables.proposals, theme_id),
            place=place,
        )

    def search(self, term: str, **where: str) -> pd.DataFrame:
        """Every occurrence of a word or an expression in context, in the segments whose
        metadata equal ``where`` (``city="Dijon"``, ``concertation_id=...``)."""
        try:
            return concordance(self.results.segments, term, parsed=self.results.parsed, where=where)
        except KeyError as error:  # a column the segments do not have, named
            raise ExplorerError(error.args[0]) from None

    # --- correcting ---------------------------------------------------------------------------

    def rename(self, theme_id: int, name: str) -> Path:
        """Name a theme; returns the curation file written."""
        self._check_theme(theme_id)
        if not name.strip():
            raise ExplorerError("Donnez un nom au thème (le champ est vide).")
        renames = {**self.curation.renames, theme_id: name.strip()}
        return self._save(dataclasses.replace(self.curation, renames=renames))

    def merge(self, theme_ids: list[int], name: str | None = None) -> Path:
        """Merge themes into the first of them."""
        if len(set(theme_ids)) < 2:
            raise ExplorerError("Choisissez au moins deux thèmes à fusionner.")
        for theme in theme_ids:
            self._check_theme(theme)
        merge = Merge(tuple(dict.fromkeys(int(t) for t in theme_ids)), (name or "").strip() or None)
        return self._save(dataclasses.replace(self.curation, merges=(*self.curation.merges, merge)))

    def split(self, theme_id: int, parts: int = 2) -> Path:
        """Re-cluster a theme's segments into ``parts`` themes at the next run."""
        self._check_theme(theme_id)
        if parts < 2:
            raise ExplorerError("Un thème se découpe en 2 parties au moins.")
        splits = (*self.curation.splits, Split(theme_id, parts))
        return self._save(dataclasses.replace(self.curation, splits=splits))

    def move(self, segment_id: str, theme_id: int) -> Path:
        """Put a segment in a theme (``-1``: unclassified)."""
        if segment_id not in set(self.results.segments[schema.SEGMENT_ID].astype(str)):
            raise ExplorerError(
                f"Pas de segment « {segment_id} » dans cette analyse (voir segments.csv)."
            )
        if theme_id != schema.UNCLASSIFIED:
            self._check_theme(theme_id)
        kept = tuple(m for m in self.curation.moves if m.segment_id != segment_id)
        moves = (*kept, Move(segment_id, theme_id))
        return self._save(dataclasses.replace(self.curation, moves=moves))

    def _check_theme(self, theme_id: int) -> None:
        if theme_id not in self.theme_ids():
            raise ExplorerError(
                f"Pas de thème {theme_id} dans cette analyse (thèmes : "
                f"{', '.join(map(str, self.theme_ids()))})."
            )

    def _save(self, curation: Curation) -> Path:
        self.curation = curation
        return save_curation(curation, self.curation_file)


def _of_theme(groups: pd.DataFrame, theme_id: int) -> pd.DataFrame:
    if schema.THEME_ID not in groups:
        return groups.head(0)
    rows = groups[groups[schema.THEME_ID] == theme_id]
    wanted = [c for c in (schema.LABEL, "n_concertations", "cities", "dates") if c in rows]
    return rows[wanted].reset_index(drop=True)


# --- the widgets --------------------------------------------------------------------------------


class ExplorerWidget:
    """The explorer's controls; :attr:`box` is what a notebook displays. Each control's
    callback is a method, so that tests can call it as a click would."""

    def __init__(self, explorer: Explorer) -> None:
        import ipywidgets as w

        self.explorer = explorer
        choices = explorer.theme_choices()
        self.theme = w.Dropdown(options=choices, description="Thème")
        self.view = w.Output()
        self.term = w.Text(description="Chercher", placeholder="un mot ou une expression")
        self.search_button = w.Button(description="Concordance")
        self.lines = w.Output()
        self.name = w.Text(description="Nom", placeholder="nouveau nom du thème")
        self.rename_button = w.Button(description="Renommer")
        self.others = w.SelectMultiple(options=choices, description="Fusionner")
        self.merge_button = w.Button(description="Fusionner avec")
        self.parts = w.BoundedIntText(value=2, min=2, max=10, description="Parties")
        self.split_button = w.Button(description="Découper")
        self.segment = w.Text(description="Segment", placeholder="segment_id")
        self.move_button = w.Button(description="Déplacer ici")
        self.status = w.HTML()
        self.theme.observe(lambda change: self.show_theme(), names="value")
        self.search_button.on_click(lambda _: self.show_search())
        self.rename_button.on_click(lambda _: self.do(self.rename))
        self.merge_button.on_click(lambda _: self.do(self.merge))
        self.split_button.on_click(lambda _: self.do(self.split))
        self.move_button.on_click(lambda _: self.do(self.move))
        self.box = w.VBox(
            [
                self.theme,
                self.view,
                w.HBox([self.term, self.search_button]),
                self.lines,
                w.HBox([self.name, self.rename_button]),
                w.HBox([self.others, self.merge_button]),
                w.HBox([self.parts, self.split_button]),
                w.HBox([self.segment, self.move_button]),
                self.status,
            ]
        )
        self.show_theme()

    def show_theme(self) -> None:
        from IPython.display import display

        view = self.explorer.theme(self.theme.value)
        self.shown: ThemeView = view
        self.view.clear_output()
        with self.view:
            print(f"{view.label}\nMots-clés : {', '.join(view.keywords)}")
            for title, table in (
                ("Segments typiques", view.typical),
                ("Freins récurrents", view.obstacles),
                ("Propositions récurrentes", view.proposals),
                ("Place sur les cartes (AFC)", view.place),
            ):
                print(f"\n{title} ({len(table)})")
                display(_readable(table))

    def show_search(self) -> None:
        from IPython.display import display

        self.found = self.explorer.search(self.term.value)
        self.lines.clear_output()
        with self.lines:
            shown = self.found.head(_MAX_LINES)
            more = f", les {_MAX_LINES} premières" if len(self.found) > _MAX_LINES else ""
            print(f"{len(self.found)} occurrences{more}")
            display(shown.rename(columns=labels.column_label))

    def rename(self) -> Path:
        return self.explorer.rename(self.theme.value, self.name.value)

    def merge(self) -> Path:
        return self.explorer.merge([self.theme.value, *self.others.value], self.name.value)

    def split(self) -> Path:
        return self.explorer.split(self.theme.value, self.parts.value)

    def move(self) -> Path:
        return self.explorer.move(self.segment.value.strip(), self.theme.value)

    def do(self, action: Any) -> None:
        """Run a correction and say, in French, what was written or what is wrong."""
        try:
            path = action()
        except CurationError as error:
            self.status.value = f"<b>Non enregistré</b> : {error}"
            return
        self.status.value = (
            f"Enregistré dans {path} ; appliqué à la prochaine exécution "
            "(<code>analysis fiches --out ...</code> sans relire le corpus)."
        )


_MAX_LINES = 15  # concordance lines shown under the search box

# the explorer's own columns, in the French of the other tables
_HEADERS = {
    schema.LABEL: labels.EXPORT_HEADERS["label"],
    schema.CITIES: "Villes",
    schema.DATES: "Dates",
    "rank": "Rang",
    "variable": "Variable",
}


def _readable(table: pd.DataFrame) -> pd.DataFrame:
    """A table of a theme view with French headers, without the theme's own id and label that
    every row repeats (the theme is chosen above it)."""
    shown = table.drop(columns=[schema.THEME_ID, schema.THEME_LABEL], errors="ignore")
    if "variable" in shown:
        shown = shown.assign(variable=shown["variable"].map(labels.column_label))
    return shown.rename(columns=_HEADERS).rename(columns=labels.column_label)


def explorer_widget(explorer: Explorer) -> Any:
    """The explorer as one ipywidgets box, for a notebook cell."""
    return ExplorerWidget(explorer).box
