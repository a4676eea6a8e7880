"""The ``analysis`` command, run as a user runs it: in a subprocess (or through ``main`` with a
fake pipeline, for what a real run cannot provoke: a bug, a library's warning)."""

from __future__ import annotations

import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from analysis import cli, export, pipeline, plots
from analysis.cli import EXIT_BUG, EXIT_USER_ERROR, build_parser, config_from_args, main
from analysis.config import AnalysisConfig
from analysis.corpus import CorpusError, load_corpus
from analysis.tracing import SingleConcertationWarning


def _analysis(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "analysis.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.mark.parametrize(
    "command", [["--help"], ["report", "--help"], ["fiches", "--help"], ["iramuteq", "--help"]]
)
def test_help_of_each_command_is_in_french(command: list[str], tmp_path: Path) -> None:
    result = _analysis(*command, cwd=tmp_path)
    assert result.returncode == 0
    assert "usage : analysis" in result.stdout
    assert "affiche cette aide" in result.stdout
    assert "show this help" not in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["report", "absent-folder", "--out", "out"], "absent-folder"),
        (["report", "corpus.csv", "--out", "out", "--text-column", "corps"], "corps"),
        (["fiches", "--out", "nothing-here"], "analysis report CORPUS --out"),
        (["report", "corpus.csv"], "il manque : --out"),
        (["report", "corpus.csv", "--out", "o", "--encoding", "klingon"], "encodage inconnu"),
        (["report", "corpus.csv", "--out", "o", "--method", "lda"], "choix invalide : 'lda'"),
        (["report", "corpus.csv", "--out", "o", "--title", " "], "titre du rapport"),
        (["iramuteq", "corpus.csv", "corpus.csv"], "est le corpus lui-même"),
        (["rapport", "corpus.csv"], "choix invalide : 'rapport'"),
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
    result = _analysis(
        "report",
        str(corpus_dir),
        "--out",
        str(out),
        "--no-progress",
        "--title",
        "Questions écrites",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    # what reaches the user: French warnings, each said once, no library's warning
    said = result.stderr.splitlines()
    assert all(line.startswith("attention : ") for line in said), result.stderr
    assert len(said) == len(set(said))
    assert "<h1>Questions écrites</h1>" in (out / "report.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(out / "fiches.docx") as docx:
        assert "Questions écrites" in docx.read("word/document.xml").decode("utf-8")
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
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "remplacés par « [personne] »" in page
    assert "<h1>Questions écrites</h1>" in page  # the title is kept in run.json
    kept = _analysis(
        "fiches",
        "--out",
        str(out),
        "--keep-names",
        "--no-progress",
        "--title",
        "Autre titre",
        cwd=tmp_path,
    )
    assert kept.returncode == 0, kept.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Protection des noms désactivée" in page
    assert "<h1>Autre titre</h1>" in page
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


# --- options to settings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "section", "key", "expected"),
    [
        (["--method", "reinert"], "themes", "method", "reinert"),
        (["--method", "kmeans"], "themes", "method", "kmeans"),
        (["--themes", "7"], "themes", "n_themes", 7),
        (["--title", "Questions  écrites "], "export", "title", "Questions écrites"),
        (["--encoding", "cp1252"], "corpus", "encoding", "cp1252"),
        (["--encoding", "auto"], "corpus", "encoding", "auto"),
        (["--unit", "paragraph"], "segmentation", "unit", "paragraph"),
        (["--text-column", "body", "--id-column", "id"], "corpus", "id_column", "id"),
        (
            ["--meta-columns", "city=commune, date"],
            "corpus",
            "meta_columns",
            ("city=commune", "date"),
        ),
        (["--keep-names"], "export", "protect_names", False),
    ],
)
def test_options_set_the_settings(
    options: list[str],
    section: str,
    key: str,
    expected: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # no analysis.toml here: the built-in settings
    args = build_parser().parse_args(["report", "corpus", "--out", "out", *options])
    config = config_from_args(args)
    assert getattr(getattr(config, section), key) == expected
    assert config.corpus.path == str(tmp_path / "corpus")


def test_no_option_keeps_the_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "analysis.toml").write_text(
        '[themes]\nmethod = "reinert"\n[export]\ntitle = "Questions écrites"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    config = config_from_args(build_parser().parse_args(["report", "corpus", "--out", "out"]))
    assert (config.themes.method, config.export.title) == ("reinert", "Questions écrites")


def test_the_title_setting_reaches_every_report_file(tmp_path: Path) -> None:
    documents = pd.DataFrame({"doc_id": ["d1"], "text": ["La police municipale manque d'agents."]})
    segments = pd.DataFrame(
        {"segment_id": ["d1#s0"], "doc_id": ["d1"], "text": ["La police municipale manque."]}
    )
    config = AnalysisConfig().replace(
        "export", title="Questions écrites & réponses", protect_names=False
    )
    report = export.ReportInput(
        documents=documents,
        segments=segments,
        themes=pd.DataFrame({"theme_id": [0], "label": ["sécurité"]}),
        fiches=[],
        config=config.export,
    )
    written = export.write_report(tmp_path, report)
    page = written["report.html"].read_text(encoding="utf-8")
    assert "<title>Questions écrites &amp; réponses</title>" in page
    assert "<h1>Questions écrites &amp; réponses</h1>" in page
    assert "Synthèse des concertations" not in page
    for name, part in (
        ("fiches.docx", "word/document.xml"),
        ("fiches.docx", "docProps/core.xml"),
        ("fiches.xlsx", "docProps/core.xml"),
    ):
        with zipfile.ZipFile(written[name]) as archive:
            assert "Questions écrites &amp; réponses" in archive.read(part).decode("utf-8"), name


# --- errors and warnings, through main() with a fake pipeline ---------------------------------


def _report_args(tmp_path: Path, *extra: str) -> list[str]:
    return ["report", str(tmp_path / "corpus"), "--out", str(tmp_path / "out"), *extra]


def _fails_in_a_figure(config: AnalysisConfig, **kwargs: object) -> None:
    """A run whose figures crash as plot_specificities did on every platform export."""
    tables = SimpleNamespace(correspondences={}, absent_maps={})
    pipeline.make_figures(SimpleNamespace(themes=None, theme_run=None, tables=tables))


def _plot_crashes(*args: object, **kwargs: object) -> None:
    raise TypeError("Column 'specificity' has dtype object, cannot use method 'nlargest'")


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_error_is_one_french_line_and_exit_3(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    debug: bool,
) -> None:
    monkeypatch.setattr(pipeline, "run", _fails_in_a_figure)
    monkeypatch.setattr(plots, "plot_theme_sizes", _plot_crashes)
    code = main(_report_args(tmp_path, *(["--debug"] if debug else [])))
    assert code == EXIT_BUG == 3
    stderr = capsys.readouterr().err
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("erreur inattendue pendant l'étape « tracé des figures »")
    assert "TypeError : Column 'specificity' has dtype object" in last
    assert "relancez la même commande avec --debug" in last
    assert "l'équipe du classeur" in last
    if debug:
        assert "Traceback (most recent call last)" in stderr
        assert "_plot_crashes" in stderr
    else:
        assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("error", "expected_code", "start"),
    [
        (TypeError("unsupported operand"), EXIT_BUG, "erreur inattendue : TypeError"),
        (ValueError("cannot reshape array of size 0"), EXIT_BUG, "erreur inattendue : ValueError"),
        (KeyError("theme_id"), EXIT_BUG, "erreur inattendue : KeyError : 'theme_id'"),
        (CorpusError("export.csv : pas de colonne « body »"), EXIT_USER_ERROR, "erreur : export"),
        (FileNotFoundError(2, "No such file", "x.csv"), EXIT_USER_ERROR, "erreur : x.csv : fich"),
        (cli.CommandError("mauvaise sortie"), EXIT_USER_ERROR, "erreur : mauvaise sortie"),
    ],
)
def test_user_errors_exit_2_and_library_errors_exit_3(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    expected_code: int,
    start: str,
) -> None:
    def fails(config: AnalysisConfig, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(pipeline, "run", fails)
    assert main(_report_args(tmp_path)) == expected_code
    stderr = capsys.readouterr().err
    assert stderr.startswith(start) and stderr.count("\n") == 1, stderr


def _warns_like_a_platform_export(config: AnalysisConfig, **kwargs: object) -> str:
    for _ in range(5):
        warnings.warn(
            "Une seule concertation : la récurrence ne peut pas comparer de concertations.",
            SingleConcertationWarning,
            stacklevel=2,
        )
    _, ax = plt.subplots()
    ax.legend()  # matplotlib: "No artists with labels found to put in legend"
    plt.close(ax.figure)
    warnings.warn("lbfgs failed to converge (status=1)", ConvergenceWarning, stacklevel=2)
    warnings.warn("DataFrameGroupBy.apply operated on the grouping", FutureWarning, stacklevel=2)
    return "results"


def _writes_nothing(results: object, out_dir: Path) -> dict[str, Path]:
    return {}


@pytest.mark.parametrize("debug", [False, True])
def test_warnings_are_french_said_once_and_libraries_kept_out(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    debug: bool,
) -> None:
    monkeypatch.setattr(pipeline, "run", _warns_like_a_platform_export)
    monkeypatch.setattr(pipeline, "write", _writes_nothing)
    assert main(_report_args(tmp_path, *(["--debug"] if debug else []))) == 0
    lines = capsys.readouterr().err.splitlines()
    said = [line for line in lines if line.startswith("attention : ")]
    assert said == [
        "attention : Une seule concertation : la récurrence ne peut pas comparer de concertations."
    ]
    libraries = [line for line in lines if not line.startswith("attention : ")]
    if debug:
        assert all(line.startswith("débogage : ") for line in libraries)
        assert any("No artists with labels found" in line for line in libraries)
        assert any("ConvergenceWarning" in line for line in libraries)
    else:
        assert libraries == []


# --- analysis iramuteq --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "options"),
    [
        ("sample", []),
        ("lille-propositions-decidim.csv", ["--text-column", "body", "--id-column", "id"]),
        ("lille-propositions-decidim.ods", ["--text-column", "body", "--id-column", "id"]),
    ],
)
def test_iramuteq_writes_a_corpus_that_loads_back_the_same(
    corpus_dir: Path, real_dir: Path, tmp_path: Path, source: str, options: list[str]
) -> None:
    path = corpus_dir if source == "sample" else real_dir / source
    out = tmp_path / "corpus-iramuteq.txt"
    result = _analysis("iramuteq", str(path), str(out), *options, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("**** *id_")
    with warnings.catch_warnings():  # the corpus's own warnings: not what is tested here
        warnings.simplefilter("ignore")
        original = load_corpus(path, **_load_options(options)).set_index("doc_id")
        again = load_corpus(out).set_index("doc_id")
    assert result.stdout.startswith(f"{len(original)} textes écrits dans {out}")
    assert list(again.index) == list(original.index)
    assert _words(again["text"]) == _words(original["text"])
    for column in ("concertation_id", "city", "date"):
        assert again[column].equals(original[column]), column


def _words(texts: pd.Series) -> dict[str, str]:
    """The texts' words: IRaMuTeQ keeps no blank line around a text and no space in a heading
    ("-*Polices_municipales_:_..."), whose spaces, non-breaking ones too, come back as spaces."""
    return texts.str.replace(r"[\s_]+", " ", regex=True).str.strip().to_dict()


def _load_options(options: list[str]) -> dict[str, str]:
    names = [o.removeprefix("--").replace("-", "_") for o in options[::2]]
    return dict(zip(names, options[1::2], strict=True))


def test_iramuteq_keeps_the_extra_metadata_as_variables() -> None:
    documents = pd.DataFrame(
        {
            "doc_id": ["a"],
            "city": ["Lille"],
            "author_type": ["citoyen"],
            "category/name/fr": ["Transition écologique"],
            "file": ["x.csv"],
        }
    )
    assert cli.iramuteq_variables(documents) == {
        "doc_id": "id",
        "city": "ville",
        "author_type": "author-type",
        "category/name/fr": "category-name-fr",
    }
