"""Every corpus shape users bring runs ``analysis report`` to the end.

One document, two, no city, one city, no date, one concertation, one theme, nothing classed
frein or proposition, most segments unclassified, a note as Markdown, Word and PDF at once,
the real material of ``tests/data/real``, and odd exports of it (a single row, one text
copied on every row, a spreadsheet whose header holds a year): each writes its reports, and a
figure that has nothing to show is left out with a French sentence saying why, never drawn
empty.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.pipeline import REPORT_FIGURES

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parents[1] / "corpus"
REAL = Path(__file__).resolve().parent / "data" / "real"
NIMES = SAMPLE / "2021-06-17-nimes"
DIJON = SAMPLE / "2023-04-28-dijon"


def _analysis(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "analysis.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=600)


def _front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, header, body = text.split("---\n", 2)
    return yaml.safe_load(header), body


def _write_note(path: Path, meta: dict, body: str) -> None:
    header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True)
    path.write_text(f"---\n{header}---\n{body}", encoding="utf-8")


def _copy_notes(folder: Path, notes: list[Path], drop: tuple[str, ...] = ()) -> None:
    folder.mkdir()
    for note in notes:
        meta, body = _front_matter(note)
        _write_note(folder / note.name, {k: v for k, v in meta.items() if k not in drop}, body)


def one_document(root: Path) -> list[str]:
    _copy_notes(root / "corpus", [NIMES / "nimes-2021-synthese.md"])
    return ["corpus"]


def two_documents(root: Path) -> list[str]:
    _copy_notes(
        root / "corpus", [NIMES / "nimes-2021-synthese.md", DIJON / "dijon-2023-compte-rendu.md"]
    )
    return ["corpus"]


def no_city(root: Path) -> list[str]:
    notes = sorted(NIMES.glob("*.md")) + sorted(DIJON.glob("*.md"))
    _copy_notes(root / "corpus", notes, drop=("city",))
    return ["corpus"]


def one_city_table(root: Path) -> list[str]:
    """A platform export whose city column holds one value (the real Decidim export)."""
    table = pd.read_csv(REAL / "lille-propositions-decidim.csv", sep=";", dtype=str)
    table["ville"] = "Lille"
    table.to_csv(root / "export.csv", sep=";", index=False)
    return [
        "export.csv",
        "--text-column",
        "body",
        "--id-column",
        "id",
        "--meta-columns",
        "city=ville",
    ]


def no_date(root: Path) -> list[str]:
    _copy_notes(root / "corpus", sorted(NIMES.glob("*.md")) + sorted(DIJON.glob("*.md")), ("date",))
    return ["corpus"]


def one_concertation(root: Path) -> list[str]:
    _copy_notes(root / "corpus", sorted(NIMES.glob("*.md")))
    return ["corpus"]


def one_theme(root: Path) -> list[str]:
    """A single short note: too few segments for more than one theme."""
    folder = root / "corpus"
    folder.mkdir()
    paragraphs = [
        "Les coordonnateurs regrettent le manque de moyens humains pour animer le conseil.",
        "Il faudrait désigner un coordonnateur à temps plein pour animer le conseil.",
        "Les crédits du fonds de prévention arrivent trop tard pour le conseil.",
        "Le conseil local de sécurité se réunit une fois par an en séance plénière.",
        "Nous proposons des groupes de travail du conseil entre deux séances plénières.",
    ]
    (folder / "note.md").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return ["corpus"]


def no_frein_nor_proposition(root: Path) -> list[str]:
    """Short plain descriptions of meetings, no obstacle, no proposal (the genre of the real
    seed articles' first lines): nothing to group, nothing to trace."""
    folder = root / "corpus"
    folder.mkdir()
    notes = [
        [
            "La commission s'est réunie le matin dans la salle du conseil municipal.",
            "Les élus, les magistrats et les policiers municipaux étaient présents.",
        ],
        [
            "La matinée a été consacrée à la présentation des travaux des groupes.",
            "L'après-midi, les participants ont visité le centre de supervision urbain.",
        ],
        [
            "Le centre de supervision urbain compte vingt opérateurs et quatre cents caméras.",
            "La journée s'est terminée par un temps d'échange avec les associations.",
        ],
    ]
    for number, paragraphs in enumerate(notes):
        (folder / f"note-{number}.md").write_text("\n\n".join(paragraphs) + "\n", "utf-8")
    return ["corpus"]


def most_unclassified(root: Path) -> list[str]:
    _copy_notes(root / "corpus", sorted(NIMES.glob("*.md")) + sorted(DIJON.glob("*.md")))
    (root / "analysis.toml").write_text(
        "[themes]\nunclassified_threshold = 0.5\n", encoding="utf-8"
    )
    return ["corpus", "--config", "analysis.toml"]


def one_note_three_formats(root: Path) -> list[str]:
    """The same real note as Markdown, Word and PDF in one folder."""
    import docx
    from fpdf import FPDF

    folder = root / "corpus"
    folder.mkdir()
    source = REAL / "seeds" / "000_2cd2bd4c25204821.txt"
    text = source.read_text(encoding="utf-8")
    paragraphs = [p for p in text.splitlines() if p.strip()]
    (folder / "note.md").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(folder / "note.docx")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for paragraph in paragraphs:
        plain = paragraph.translate(str.maketrans({"’": "'", "“": '"', "”": '"', "…": "..."}))
        pdf.multi_cell(0, 5, plain.encode("latin-1", "replace").decode("latin-1"))
        pdf.ln(4)
    pdf.output(str(folder / "note.pdf"))
    return ["corpus"]


def seed_articles(root: Path) -> list[str]:
    shutil.copytree(REAL / "seeds", root / "corpus")
    return ["corpus"]


def decidim_export(root: Path) -> list[str]:
    shutil.copy(REAL / "lille-propositions-decidim.csv", root)
    return ["lille-propositions-decidim.csv", "--text-column", "body", "--id-column", "id"]


def iramuteq_corpus(root: Path) -> list[str]:
    shutil.copy(REAL / "lille-propositions-iramuteq.txt", root)
    return ["lille-propositions-iramuteq.txt"]


def _decidim_bodies() -> pd.Series:
    export = pd.read_csv(REAL / "lille-propositions-decidim.csv", sep=";", dtype=str)
    return export["body"].dropna()


def one_row_export(root: Path) -> list[str]:
    """A table export of a single real proposal of one sentence: one segment, one theme."""
    bodies = _decidim_bodies()
    one = bodies[bodies.str.split().str.len().between(20, 40) & ~bodies.str.contains(r"[.!?]\s")]
    pd.DataFrame({"id": ["1"], "texte": [one.iloc[0]]}).to_csv(
        root / "une-ligne.tsv", sep="\t", index=False
    )
    return ["une-ligne.tsv"]


def one_text_on_every_row(root: Path) -> list[str]:
    """The same real proposal on 30 rows (an export that repeated one contribution)."""
    text = _decidim_bodies().iloc[3]
    pd.DataFrame({"id": range(30), "text": [text] * 30}).to_csv(root / "copies.csv", index=False)
    return ["copies.csv"]


def year_as_header(root: Path) -> list[str]:
    """A spreadsheet whose text column is headed by a year (a number cell) beside an empty
    column."""
    bodies = _decidim_bodies().head(40).tolist()
    sheet = pd.DataFrame({2019: bodies + [None] * 5, "Unnamed: 1": None})
    sheet.to_excel(root / "contributions.xlsx", index=False)
    return ["contributions.xlsx"]


# what makes each shape what it is, checked on its outputs (segments, themes)
CHECKS: dict[str, Callable[[pd.DataFrame, pd.DataFrame], bool]] = {
    "one_document": lambda s, t: s["doc_id"].nunique() == 1,
    "two_documents": lambda s, t: s["doc_id"].nunique() == 2,
    "no_city": lambda s, t: s["city"].isna().all(),
    "one_city_table": lambda s, t: set(s["city"]) == {"Lille"},
    "no_date": lambda s, t: s["date"].isna().all(),
    "one_concertation": lambda s, t: s["concertation_id"].nunique() == 1,
    "one_theme": lambda s, t: len(t) == 1,
    "no_frein_nor_proposition": lambda s, t: not s["function"].isin(["frein", "proposition"]).any(),
    "most_unclassified": lambda s, t: (s["theme_id"] == -1).mean() > 0.5,
    "one_row_export": lambda s, t: len(s) == 1 and len(t) == 1 and s["theme_id"].iloc[0] == 1,
    "one_text_on_every_row": lambda s, t: s["doc_id"].nunique() == 1 and len(t) >= 1,
    "year_as_header": lambda s, t: s["doc_id"].nunique() == 40,
}

SHAPES: list[Callable[[Path], list[str]]] = [
    one_document,
    two_documents,
    no_city,
    one_city_table,
    no_date,
    one_concertation,
    one_theme,
    no_frein_nor_proposition,
    most_unclassified,
    one_note_three_formats,
    seed_articles,
    decidim_export,
    iramuteq_corpus,
    one_row_export,
    one_text_on_every_row,
    year_as_header,
]


@pytest.mark.parametrize("shape", SHAPES, ids=[s.__name__ for s in SHAPES])
def test_every_corpus_shape_writes_its_reports(shape, tmp_path: Path) -> None:
    args = shape(tmp_path)
    out = tmp_path / "reports"
    result = _analysis("report", *args, "--out", str(out), "--no-progress", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for name in ("segments.csv", "themes.csv", "fiches.docx", "fiches.xlsx", "report.html"):
        assert (out / name).is_file(), name
    segments = pd.read_csv(out / "segments.csv", dtype={"theme_id": "Int64"})
    assert len(segments) > 0
    themes = pd.read_csv(out / "themes.csv")
    assert len(list((out / "fiches").glob("*.md"))) == len(themes) >= 1
    assert CHECKS.get(shape.__name__, lambda s, t: True)(segments, themes), "not the shape"
    if shape is one_document:  # nothing recurs in one note: its freins and proposals are listed
        listed = [pd.read_csv(out / f"{name}.csv") for name in ("obstacles", "proposals")]
        assert all(len(table) > 0 for table in listed)
        fiches = " ".join(p.read_text(encoding="utf-8") for p in (out / "fiches").glob("*.md"))
        assert "## Propositions relevées" in fiches and "récurrent" not in fiches
    html = (out / "report.html").read_text(encoding="utf-8")
    # every figure is either drawn (a PNG of some size) or said absent, with its reason
    figures = {p.stem for p in (out / "figures").glob("*.png")}
    assert all((out / "figures" / f"{f}.png").stat().st_size > 2000 for f in figures)
    for name in set(REPORT_FIGURES) - figures:
        assert f'data-absent="{name}"' in html, name
