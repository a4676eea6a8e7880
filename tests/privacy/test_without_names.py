"""People's names never become themes: they leave the lemmas before the themes are fitted,
whatever the export settings (analysis.privacy.without_names, run by the pipeline)."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from analysis import pipeline, privacy, schema
from analysis.config import load_config

SENTENCES = [
    # a surname that is also an adjective: taken out where it names a person only
    (
        "s1",
        "Mme Petit présente le dispositif de médiation.",
        "petit présenter dispositif médiation",
    ),
    ("s2", "Un petit budget suffit pour la médiation.", "petit budget suffire médiation"),
    (
        "s3",
        "Le commissaire Martinot et Claire Vasseur animent l'atelier.",
        "commissaire martinot claire vasseur animer atelier",
    ),  # noqa: E501
    ("s4", "La loi Veil reste un acquis.", "loi_veil rester acquis"),
]


def test_names_leave_the_lemmas_and_the_words_stay(french_nlp_ner) -> None:
    segments = pd.DataFrame(SENTENCES, columns=[schema.SEGMENT_ID, schema.TEXT, schema.LEMMAS])
    protector = privacy.fit_protector(segments, None, french_nlp_ner)
    cleaned = privacy.without_names(segments, protector)[schema.LEMMAS].tolist()
    assert cleaned[0] == "présenter dispositif médiation"
    assert cleaned[1] == "petit budget suffire médiation"  # the adjective stays
    assert cleaned[2] == "commissaire animer atelier"
    assert segments[schema.LEMMAS].tolist()[0].startswith("petit")  # the input is untouched


@pytest.fixture(scope="module")
def french_nlp_ner():
    return privacy.load_ner()


@pytest.mark.parametrize("protect_names", [True, False])
def test_no_theme_of_the_seed_notes_is_made_of_a_name(
    real_dir: Path, tmp_path: Path, protect_names: bool
) -> None:
    """On the two real seed notes, the first theme was labelled "[personne] · [personne] ·
    france" and its fiche file named after it."""
    corpus = tmp_path / "seeds"
    shutil.copytree(real_dir / "seeds", corpus)
    config = load_config(Path(__file__).parents[2] / "analysis.toml")
    config = config.replace("corpus", path=str(corpus)).replace("cache", dir=str(tmp_path / "c"))
    config = config.replace("export", protect_names=protect_names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = pipeline.run(config, progress=False)
        written = pipeline.write(results, tmp_path / "out")
    names = set()
    for text in results.segments[schema.TEXT]:
        names |= results.protector.name_words(text)
    assert {"olivier", "brun"} <= names  # the people of the notes were found
    theme_words = {
        word
        for column in (schema.LABEL, schema.KEYWORDS)
        for value in results.themes[column]
        for word in str(value).replace("·", " ").replace(",", " ").replace("_", " ").split()
    }
    assert not theme_words & names
    assert "personne" not in " ".join(map(str, written))  # no fiche file named after a name
    lemmas = {w for lemmas in results.segments[schema.LEMMAS] for w in str(lemmas).split()}
    assert not lemmas & names
