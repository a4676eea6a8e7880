"""The five notebooks run on any corpus: papermill executes each with its shared parameters cell
on the sample corpus (with other settings than the stored outputs that nbval checks), on a real
Decidim export and on a real IRaMuTeQ corpus (tests/data/real), and the report written by
notebook 05 holds the correspondence map and the similitude graphs."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("0*.ipynb"))
REAL = PROJECT_ROOT / "tests" / "data" / "real"

# the parameters each corpus is run with (the others keep the cell's values)
CORPORA: dict[str, dict] = {
    "sample": {"method": "reinert", "n_themes": 6},
    "decidim": {
        "corpus_path": str(REAL / "lille-propositions-decidim.csv"),
        "text_column": "body",
        "id_column": "id",
        "meta_columns": ["date=created_at", "category/name/fr"],
    },
    "iramuteq": {"corpus_path": str(REAL / "lille-propositions-iramuteq.txt")},
}

PARAMETER_NAMES = [
    "config_file",
    "corpus_path",
    "text_column",
    "id_column",
    "meta_columns",
    "unit",
    "method",
    "n_themes",
    "out_dir",
]


def _execute(notebook: Path, output: Path, parameters: dict) -> str | None:
    """Run ``notebook`` with papermill in its own process; the error it printed, or None."""
    command = [
        sys.executable,
        "-m",
        "papermill",
        str(notebook),
        str(output),
        "--cwd",
        str(notebook.parent),
        "--no-progress-bar",
        "--log-output",
        "--execution-timeout",
        "240",
        # a kernel starting beside the other worker's on a busy 2-core machine once took
        # over papermill's default 60 s to answer
        "--start-timeout",
        "300",
        "-y",
        yaml.safe_dump(parameters, allow_unicode=True),
    ]
    with open(output.with_suffix(".log"), "w") as log:
        done = subprocess.run(
            command, stdout=log, stderr=subprocess.STDOUT, timeout=900, check=False
        )
    return None if done.returncode == 0 else output.with_suffix(".log").read_text()[-3000:]


@pytest.fixture(scope="module")
def executed(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, str], tuple[Path, str | None]]:
    """Every notebook on every corpus: the executed notebook and its error, by (corpus, name).

    Two at a time (the machine has two cores); each corpus's first notebook runs before its
    others, so that the parse is cached once, not twice at the same time."""
    root = tmp_path_factory.mktemp("notebooks")
    jobs = []
    for corpus, parameters in CORPORA.items():
        report = root / corpus / "report"
        report.parent.mkdir()
        for notebook in NOTEBOOKS:
            output = root / corpus / notebook.name
            jobs.append((corpus, notebook, output, {**parameters, "out_dir": str(report)}))
    first = [job for job in jobs if job[1] == NOTEBOOKS[0]]
    rest = [job for job in jobs if job[1] != NOTEBOOKS[0]]
    results = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for batch in (first, rest):
            futures = {(c, n.stem): (o, pool.submit(_execute, n, o, p)) for c, n, o, p in batch}
            results |= {key: (output, future.result()) for key, (output, future) in futures.items()}
    return results


def _outputs(path: Path) -> str:
    """Every text a notebook printed or displayed, joined."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    texts = []
    for cell in cells:
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("text", "")))
            texts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


def test_the_five_notebooks_share_one_parameters_cell() -> None:
    cells = []
    for notebook in NOTEBOOKS:
        first_code = [
            c
            for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"
        ][0]
        assert first_code["metadata"].get("tags") == ["parameters"], notebook.name
        cells.append("".join(first_code["source"]))
    assert len(NOTEBOOKS) == 5 and len(set(cells)) == 1
    names = [line.split("=")[0].strip() for line in cells[0].splitlines() if "=" in line]
    assert names == PARAMETER_NAMES


@pytest.mark.parametrize("corpus", list(CORPORA))
@pytest.mark.parametrize("notebook", [n.stem for n in NOTEBOOKS])
def test_every_notebook_runs_on_every_corpus(executed, corpus: str, notebook: str) -> None:
    output, error = executed[(corpus, notebook)]
    assert error is None, f"{notebook} sur {corpus} :\n{error}"
    assert "Traceback" not in _outputs(output)


@pytest.mark.parametrize(
    ("corpus", "expected"),
    [
        (
            "sample",
            [
                "méthode reinert,",
                "n_themes = 6 : le nombre de thèmes est donné",
                "Carte par « ville »",
                "NMI = ",
                "Premier tour sans C12-metz-2025",
            ],
        ),
        (
            "decidim",
            [
                "Carte par « category/name/fr »",
                "NMI = ",
                "Une seule concertation : pas de concertation suivante",
            ],
        ),
        (
            "iramuteq",
            [
                "Carte par « variable étoilée »",
                "NMI = ",
                "Une seule concertation : pas de concertation suivante",
            ],
        ),
    ],
)
def test_the_themes_notebook_derives_its_sections_from_the_data(
    executed, corpus: str, expected: list[str]
) -> None:
    shown = _outputs(executed[(corpus, "03-themes")][0])
    for text in expected:
        assert text in shown, text


@pytest.mark.parametrize("corpus", list(CORPORA))
def test_the_report_holds_the_correspondence_map_and_the_similitude_graphs(
    executed, corpus: str
) -> None:
    assert executed[(corpus, "05-syntheses")][1] is None
    figures = executed[(corpus, "05-syntheses")][0].parent / "report" / "figures"
    assert sorted(figures.glob("afc-*.png")), sorted(p.name for p in figures.iterdir())
    themes = (figures.parent / "themes.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(sorted(figures.glob("similitude-*.png"))) == len(themes)
    assert (figures.parent / "fiches.docx").is_file()


def test_the_explorer_cell_is_skipped_by_runs_without_a_screen() -> None:
    """papermill and nbconvert skip the cell that shows the explorer's widgets: nbclient waited
    for its reply until the cell's time-out, now and then (4 minutes of a test run)."""
    cells = json.loads((PROJECT_ROOT / "notebooks" / "05-syntheses.ipynb").read_text("utf-8"))
    widget_cells = [c for c in cells["cells"] if "explorer_widget(" in "".join(c["source"])]
    assert len(widget_cells) == 1
    assert widget_cells[0]["metadata"].get("tags") == ["skip-execution"]
