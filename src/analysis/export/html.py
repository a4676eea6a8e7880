"""The whole report in one self-contained French HTML page (``report.html``): no script, no link
out, figures embedded, every text escaped."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from analysis import labels
from analysis.export import document as blocks
from analysis.export.tables import flatten, plain, readable
from analysis.summaries import Fiche

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


def _e(value: Any) -> str:
    """Escape a value for HTML text and attributes."""
    return escape(str(plain(value)), quote=True)


def _cell(value: Any) -> str:
    """A table cell: "oui" or "non" for a yes-or-no column, not Python's True and False."""
    if isinstance(value, bool | np.bool_):
        return labels.EXPORT_LABELS["yes" if value else "no"]
    return _e(value)


def html_table(table: pd.DataFrame, *, max_rows: int) -> str:
    """An escaped HTML table of at most ``max_rows`` rows, with a note when cut."""
    flat = flatten(table)
    rows = ([_cell(v) for v in record] for record in flat.head(max_rows).itertuples(index=False))
    note = ""
    if len(flat) > max_rows:
        text = labels.EXPORT_LABELS["truncated"].format(shown=max_rows, total=len(flat))
        note = f'<p class="note">{_e(text)}</p>'
    return _grid([_e(c) for c in flat.columns], rows) + note


def _grid(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table of cells already in HTML."""
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _block(block: blocks.Block, figures: Mapping[str, bytes]) -> str:
    match block:
        case blocks.Heading(text, level):  # the page's h1 is the report's title
            return f"<h{level + 1}>{_e(text)}</h{level + 1}>"
        case blocks.Paragraph(text, "note" | "fine_print"):
            return f'<p class="note">{_e(text)}</p>'
        case blocks.Paragraph(text, "empty"):
            return f'<p class="empty">{_e(text)}</p>'
        case blocks.Paragraph(text, _, lead) if lead:
            return f"<p><strong>{_e(lead)}</strong>{labels.NBSP}: {_e(text)}</p>"
        case blocks.Paragraph(text):
            return f"<p>{_e(text)}</p>"
        case blocks.Bullets(items):
            return "<ul>" + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>"
        case blocks.Citation(text, source):
            quote = _e(blocks.in_quotation_marks(text))
            return f"<blockquote><p>{quote}</p><cite>{_e(source)}</cite></blockquote>"
        case blocks.Groups(header, rows):
            return _grid([_e(c) for c in header], (_group_cells(row) for row in rows))
        case blocks.Figure(stem, caption):
            return _figure(stem, figures[stem], caption)
    raise TypeError(f"bloc de fiche inconnu : {type(block).__name__}")


def _group_cells(row: blocks.GroupRow) -> list[str]:
    label, *others = (_e(cell) for cell in row.cells)
    if row.note:  # after the label, in italics, as the Markdown line says it
        label += f" <em>{_e(row.note)}</em>"
    return [label, *others]


def _fiche(fiche: Fiche, anchor: str, figures: Mapping[str, bytes] | None = None) -> str:
    figures = figures or {}
    body = "".join(_block(b, figures) for b in blocks.fiche_document(fiche, figures))
    return f'<section id="{_e(anchor)}">{body}</section>'


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
        *(_fiche(f, a, figures) + "\n" for a, f in zip(anchors, fiches, strict=True)),
        *_figures(_not_in_fiches(figures, fiches), absent_figures or {}),
        *_tables(tables, max_rows=max_rows),
        "</body>\n</html>\n",
    ]
    return "".join(parts)


def _figure(name: str, png: bytes, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img alt="{_e(name)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _not_in_fiches(figures: Mapping[str, bytes], fiches: Sequence[Fiche]) -> dict[str, bytes]:
    """The figures the fiches do not show already (each fiche shows its similitude graph)."""
    shown = {blocks.similitude_figure(fiche) for fiche in fiches}
    return {name: png for name, png in figures.items() if name not in shown}


def _figures(figures: Mapping[str, bytes], absent: Mapping[str, str]) -> list[str]:
    if not figures and not absent:
        return []
    parts = [f"<h2>{_e(labels.EXPORT_LABELS['figures'])}</h2>\n"]
    for name, png in figures.items():
        parts.append(_figure(name, png, name) + "\n")
    for name, reason in sorted(absent.items()):
        text = labels.EXPORT_LABELS["figure_absent"].format(name=name, reason=reason)
        parts.append(f'<p class="note" data-absent="{_e(name)}">{_e(text)}</p>\n')
    return parts


def _tables(tables: Mapping[str, pd.DataFrame], *, max_rows: int) -> list[str]:
    if not tables:
        return []
    parts = [f"<h2>{_e(labels.EXPORT_LABELS['tables'])}</h2>\n"]
    for name, table in tables.items():
        shown = html_table(readable(table), max_rows=max_rows)
        # folded (no script needed): the page opens on the fiches, and prints short
        title = labels.table_label(name)
        summary = f"{_e(title)} ({labels.french_plural(len(table), 'ligne')})"
        parts.append(f"<details><summary>{summary}</summary>\n{shown}\n</details>\n")
    return parts
