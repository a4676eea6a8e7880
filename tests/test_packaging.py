"""The packaging files agree: environment.yml lists what pyproject.toml declares."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml


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
