"""The ``analysis`` command, run as a user runs it: in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest


def _analysis(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "analysis.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.mark.parametrize("command", [["--help"], ["report", "--help"], ["fiches", "--help"]])
def test_help_of_each_command(command: list[str], tmp_path: Path) -> None:
    result = _analysis(*command, cwd=tmp_path)
    assert result.returncode == 0
    assert "usage: analysis" in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["report", "absent-folder", "--out", "out"], "absent-folder"),
        (["report", "corpus.csv", "--out", "out", "--text-column", "corps"], "corps"),
        (["fiches", "--out", "nothing-here"], "analysis report CORPUS --out"),
    ],
)
def test_user_errors_are_one_line_on_stderr(tmp_path: Path, args: list[str], expected: str) -> None:
    table = "id;texte;ville\n1;La police municipale manque d'agents formés.;Nîmes\n"
    (tmp_path / "corpus.csv").write_text(table, encoding="utf-8")
    result = _analysis(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "erreur : " in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_report_on_the_sample_corpus_writes_every_output(corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = _analysis("report", str(corpus_dir), "--out", str(out), "--no-progress", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("segments.csv", "themes.csv", "fiches.docx", "fiches.xlsx", "report.html"):
        assert (out / name).is_file(), name
    segments = pd.read_csv(out / "segments.csv")
    for column in ("doc_id", "segment_id", "theme_id", "theme_label", "function", "text", "lemmas"):
        assert column in segments.columns
    assert segments["doc_id"].nunique() == 48
    themes = pd.read_csv(out / "themes.csv")
    assert len(list((out / "fiches").glob("*.md"))) == len(themes)
    # a second run (the cache warm, the theme memory read) writes the same bytes
    first = (out / "segments.csv").read_bytes(), (out / "themes.csv").read_bytes()
    again = _analysis("fiches", "--out", str(out), "--no-progress", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert ((out / "segments.csv").read_bytes(), (out / "themes.csv").read_bytes()) == first
    assert "remplacés par « [personne] »" in (out / "report.html").read_text(encoding="utf-8")
    kept = _analysis("fiches", "--out", str(out), "--keep-names", "--no-progress", cwd=tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert "Protection des noms désactivée" in (out / "report.html").read_text(encoding="utf-8")
    assert not (out / "protection-noms.csv").exists()


def test_report_on_a_platform_csv_export(corpus_dir: Path, tmp_path: Path) -> None:
    """A consultation platform's CSV (French column names, one contribution per row) run as a
    secretary runs it from a script: no terminal, so no progress bar in the captured stderr."""
    from analysis.corpus import load_corpus

    documents = load_corpus(corpus_dir)
    export = pd.DataFrame(
        {
            "identifiant": [f"contrib-{i:03d}" for i in range(len(documents))],
            "contribution": documents["text"],
            "commune": documents["city"],
            "jour": documents["date"].dt.strftime("%d/%m/%Y"),
            "journee": documents["concertation_id"],
        }
    )
    export.to_csv(tmp_path / "export.csv", sep=";", index=False)
    out = tmp_path / "out"
    result = _analysis(
        "report",
        "export.csv",
        "--out",
        str(out),
        "--text-column",
        "contribution",
        "--id-column",
        "identifiant",
        "--meta-columns",
        "city=commune,date=jour,concertation_id=journee",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and "%|" not in result.stderr
    segments = pd.read_csv(out / "segments.csv")
    assert set(segments["doc_id"]) == set(export["identifiant"])
    assert set(segments["city"]) == set(documents["city"])
    assert segments["theme_id"].nunique() >= 4
    themes = pd.read_csv(out / "themes.csv")
    assert len(list((out / "fiches").glob("*.md"))) == len(themes)
