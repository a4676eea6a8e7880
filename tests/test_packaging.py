"""The packaging files agree (environment.yml lists what pyproject.toml declares), and the wheel
holds everything the workbook reads at run time."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import schema


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement)
    assert match, f"unreadable requirement {requirement!r}"
    name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
    return name, match.group(2).replace(" ", "").replace("=", "=", 1)


def _conda_spec(spec: str) -> str:
    # conda writes "==3.8.0" as "=3.8.0"; compare on pip's spelling
    return re.sub(r"^=(?!=)", "==", spec)


def test_environment_lists_the_same_dependencies_as_pyproject(project_root: Path) -> None:
    pyproject = tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))
    declared = dict(_name_and_spec(r) for r in pyproject["project"]["dependencies"])

    environment = yaml.safe_load((project_root / "environment.yml").read_text(encoding="utf-8"))
    listed: dict[str, str] = {}
    for entry in environment["dependencies"]:
        items = entry["pip"] if isinstance(entry, dict) else [entry]
        for item in items:
            if item.startswith("-e") or item.split("=")[0] in {"python", "pip"}:
                continue
            name, spec = _name_and_spec(item)
            listed[name] = _conda_spec(spec)

    assert listed == declared


def test_environment_pins_python_311(project_root: Path) -> None:
    environment = yaml.safe_load((project_root / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in environment["dependencies"]


def test_makefile_has_the_documented_targets(project_root: Path) -> None:
    makefile = (project_root / "Makefile").read_text(encoding="utf-8")
    for target in ("report", "test", "lab", "bench"):
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE), target


# --- the wheel ----------------------------------------------------------------------------------

# a small copy of the sample corpus: two cities, three documents each, no annotations.csv
WHEEL_CORPUS = {
    "2021-06-17-nimes": ("nimes-2021-article.md", "nimes-2021-synthese.md",
                         "nimes-2021-restitution-polices-municipales.md"),
    "2024-06-14-bordeaux": ("bordeaux-2024-article.md", "bordeaux-2024-compte-rendu.md",
                            "bordeaux-2024-restitution-narcotrafic.md"),
}  # fmt: skip


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _build_wheel(project_root: Path, tmp_path: Path) -> Path:
    """The project's wheel, built offline from a copy of the sources (so that the build
    folder and egg-info never land in the working tree)."""
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    shutil.copytree(project_root / "src", source / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (project_root / name).is_file():
            shutil.copy2(project_root / name, source / name)
    wheels = tmp_path / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(wheels), str(source)],
        cwd=tmp_path,
    )  # fmt: skip
    (wheel,) = wheels.glob("concertation_workbook-*.whl")
    return wheel


def _venv_with_the_wheel(wheel: Path, tmp_path: Path) -> Path:
    """A new virtual environment holding the wheel; its dependencies are this environment's,
    reached through a .pth line (the .pth files of that folder, among them the editable
    install's, are not processed)."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
         cwd=tmp_path)  # fmt: skip
    site_packages = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=tmp_path,
    ).strip()
    here = sysconfig.get_paths()["purelib"]
    (Path(site_packages) / "zz_dependencies.pth").write_text(here + "\n", encoding="utf-8")
    return venv


@pytest.mark.slow
def test_the_wheel_installed_elsewhere_runs_a_report(project_root: Path, tmp_path: Path) -> None:
    wheel = _build_wheel(project_root, tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    data_files = {f"analysis/data/{p.name}" for p in (project_root / "src/analysis/data").iterdir()}
    assert "analysis/data/function_model.json" in data_files
    assert data_files <= names, sorted(data_files - names)
    assert not any(name.startswith("corpus/") for name in names)

    venv = _venv_with_the_wheel(wheel, tmp_path)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env |= {"MPLBACKEND": "Agg", "MPLCONFIGDIR": str(tmp_path / "mpl")}
    where = _run(
        [str(bin_dir / "python"), "-c",
         "import analysis, analysis.roles.model as m; print(analysis.__file__); "
         "print(m.DEFAULT_MODEL_PATH.is_file())"],
        cwd=tmp_path, env=env,
    ).split()  # fmt: skip
    assert Path(where[0]).is_relative_to(venv), where  # the wheel's copy, not the sources
    assert where[1] == "True"

    for folder, documents in WHEEL_CORPUS.items():
        (tmp_path / "corpus" / folder).mkdir(parents=True)
        for document in documents:
            shutil.copy2(project_root / "corpus" / folder / document, tmp_path / "corpus" / folder)
    work = tmp_path / "ailleurs"  # run from a folder that is neither the project nor the corpus
    work.mkdir()
    command = [str(bin_dir / "analysis"), "report", str(tmp_path / "corpus"), "--out", "sortie",
               "--no-progress"]  # fmt: skip
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    segments = pd.read_csv(work / "sortie" / "segments.csv", dtype=str, keep_default_na=False)
    assert len(segments) > 0
    assert set(segments[schema.FUNCTION]) <= set(schema.FUNCTIONS)
    assert segments[schema.FUNCTION].str.len().gt(0).all()
    assert segments[schema.FUNCTION].nunique() >= 3


def _blas_kernels_after_import(env: dict[str, str]) -> tuple[str, list[str]]:
    """OPENBLAS_CORETYPE and the kernels of OpenBLAS once the package, then NumPy and SciPy, are
    imported in a new interpreter with ``env``."""
    code = (
        "import os, analysis, numpy, scipy.linalg\n"
        "from threadpoolctl import threadpool_info\n"
        "print(os.environ.get('OPENBLAS_CORETYPE'))\n"
        "print(*sorted({p['architecture'] for p in threadpool_info()"
        " if p['internal_api'] == 'openblas'}))\n"
    )
    lines = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return lines[0], lines[1].split()


def test_numpy_takes_the_same_blas_kernels_on_every_x86_machine() -> None:
    # the machine the packaged model was made on took AVX-512 kernels, an AMD EPYC Haswell ones:
    # the packaged model and the notebooks' outputs differed in their last digits
    import analysis

    if not analysis._has_avx2():
        pytest.skip("the pinned kernels need an x86-64 processor with AVX2 (and Linux)")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    assert _blas_kernels_after_import(env) == ("Haswell", ["Haswell"])
    assert _blas_kernels_after_import({**env, "OPENBLAS_CORETYPE": "Prescott"})[0] == "Prescott"
