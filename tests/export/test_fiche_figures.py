"""Each fiche carries its theme's similitude graph, in Markdown, Word and HTML."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import docx
import matplotlib.pyplot as plt
from factories import fiche_report

from analysis.export import write_report
from analysis.export.document import similitude_figure


def _with_graphs(report):
    """The report with a (small) similitude figure for its first fiche only."""
    first = report.fiches[0]
    figure, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    figures = {**report.figures, similitude_figure(first): figure}
    return dataclasses.replace(report, figures=figures), first


def test_a_fiche_shows_its_graph_in_every_format(tmp_path: Path) -> None:
    report, first = _with_graphs(fiche_report())
    written = write_report(tmp_path, report)
    stem = similitude_figure(first)
    assert f"figures/{stem}.png" in written
    markdown = {
        name: (tmp_path / name).read_text("utf-8") for name in written if name.startswith("fiches/")
    }
    with_graph = [name for name, text in markdown.items() if f"](../figures/{stem}.png)" in text]
    assert len(with_graph) == 1  # the first fiche, and it alone
    assert (tmp_path / with_graph[0]).parent.joinpath(f"../figures/{stem}.png").resolve().is_file()
    document = docx.Document(str(tmp_path / "fiches.docx"))
    assert len(document.inline_shapes) == 1
    with zipfile.ZipFile(tmp_path / "fiches.docx") as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        png = (tmp_path / f"figures/{stem}.png").read_bytes()
        assert [archive.read(n) for n in media] == [png]  # the same picture as the report's
    page = (tmp_path / "report.html").read_text("utf-8")
    fiches, figures_section = page.split("<h2>Figures</h2>")
    assert f'alt="{stem}"' in fiches and f'alt="{stem}"' not in figures_section
    assert 'alt="Freins par ville"' in figures_section  # the other figures stay there
    assert "Graphe de similitude" in fiches


def test_without_graphs_the_fiches_are_as_before(tmp_path: Path) -> None:
    written = write_report(tmp_path, fiche_report())
    assert not any("similitude" in name for name in written)
    assert (
        len(docx.Document(io.BytesIO((tmp_path / "fiches.docx").read_bytes())).inline_shapes) == 0
    )
