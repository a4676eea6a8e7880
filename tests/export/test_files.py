"""Report files: atomic writes, safe names."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from factories import FICHE_THEMES, french_corpus

from analysis.export import atomic_write, fiche_file_names, slugify
from analysis.summaries import build_fiches


def test_interrupted_write_leaves_the_old_file_whole(tmp_path, monkeypatch) -> None:
    target = tmp_path / "report.html"
    target.write_text("ancienne version", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"nouvelle version")
    assert target.read_text(encoding="utf-8") == "ancienne version"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Polices municipales", "polices-municipales"),
        ("Vidéoprotection / CSU : « coûts » ?", "videoprotection-csu-couts"),
        ("../../etc/passwd", "etc-passwd"),
        ("CON", "con"),
        ("!!!", "sans-titre"),
        ("Très " * 30, "tres-tres-tres-tres-tres-tres-tres-tres-tres-tres-tres-tres"),
    ],
)
def test_slugify(title, slug) -> None:
    assert slugify(title) == slug


def test_fiche_file_names_are_numbered_and_safe() -> None:
    documents, segments, groups = french_corpus()
    fiche = build_fiches(segments, FICHE_THEMES, documents=documents, groups=groups)[0]
    renamed = [replace(fiche, label="<b>Sécurité</b> : nuit/jour")]
    assert fiche_file_names(renamed) == ["01-b-securite-b-nuit-jour.md"]
