"""Tests of analysis.curation: the analyst's corrections survive re-runs and a growing corpus."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from factories import theme_lemmas

from analysis import schema
from analysis.curation import (
    Curation,
    CurationError,
    CurationWarning,
    Merge,
    Split,
    ThemeMemory,
    ThemeRecord,
    apply_curation,
    curation_template,
    load_curation,
    match_themes,
)
from analysis.themes import ThemeModel, ThemeWarning, run_themes

FIRST_ROUND = {
    "police": [
        "Les communes peinent à recruter des policiers municipaux formés.",
        "La formation initiale des policiers municipaux coûte cher à la commune.",
        "Les policiers municipaux formés partent vers une commune voisine mieux payée.",
        "Le recrutement des policiers municipaux reste difficile malgré les primes.",
        "Les communes mutualisent la formation des policiers municipaux recrutés.",
        "Les postes de policiers municipaux restent vacants dans plusieurs communes.",
    ],
    "video": [
        "Le centre de supervision urbain reçoit les images des caméras.",
        "Les opérateurs visionnent les caméras du centre de supervision urbain.",
        "La ville raccorde ses caméras au centre de supervision urbain.",
        "Les images des caméras sont conservées trente jours.",
        "La maintenance des caméras pèse sur le budget municipal.",
        "Les opérateurs transmettent les images des caméras au commissariat.",
    ],
    "mediation": [
        "Les médiateurs sociaux apaisent les conflits de voisinage du quartier.",
        "Le financement des médiateurs sociaux du quartier dépend des appels à projets.",
        "Les médiateurs sociaux quittent le quartier faute de financement durable.",
        "Les médiateurs sociaux de nuit rassurent les habitants du quartier.",
        "Les médiateurs sociaux orientent les habitants du quartier vers les services publics.",
        "Une convention pluriannuelle stabiliserait le financement des médiateurs sociaux.",
    ],
    "tig": [
        "Les services municipaux accueillent des tigistes encadrés par des tuteurs.",
        "Les tuteurs des tigistes demandent une formation reconnue.",
        "Le travail d'intérêt général manque de postes dans les services municipaux.",
        "Les tigistes entretiennent les espaces verts avec un tuteur.",
        "Une plateforme départementale recense les postes pour les tigistes.",
        "Les tigistes mineurs sont suivis par un tuteur et un éducateur.",
        "Les tuteurs accueillent les tigistes au service des espaces verts.",
        "Le juge prononce un travail d'intérêt général exécuté par des tigistes.",
    ],
}
NEW_CONCERTATION = {
    "police": [
        "La commune a recruté trois policiers municipaux après leur formation initiale.",
        "Les policiers municipaux formés par la commune partent vers une commune voisine.",
    ],
    "video": [
        "Les opérateurs du centre de supervision urbain ont repéré l'incendie sur les caméras.",
    ],
    "mediation": [
        "Les médiateurs sociaux du quartier ont désamorcé un conflit de voisinage.",
    ],
    "cyber": [
        "Une attaque par rançongiciel a paralysé les serveurs informatiques de la mairie.",
        "La mairie n'avait ni sauvegarde des serveurs ni plan de continuité informatique.",
        "Les communes partagent un responsable de sécurité informatique contre les rançongiciels.",
        "Un exercice de crise simule une attaque informatique des serveurs municipaux.",
        "Le rançongiciel a chiffré les sauvegardes des serveurs de la commune.",
        "Les agents apprennent à repérer les courriels piégés avant une attaque informatique.",
    ],
}
# the theme tests' stand-in lemmatiser, with the function words of these sentences
STOP = {"dans", "pour", "avec", "leur", "sont", "vers", "faute", "après", "avant", "avait"}


def lemmas_of(text: str) -> str:
    return theme_lemmas(text, stop=STOP)


def make_segments(sentences: dict[str, list[str]], concertations: tuple[str, ...]) -> pd.DataFrame:
    rows = []
    for theme, texts in sentences.items():
        for index, text in enumerate(texts):
            concertation = concertations[index % len(concertations)]
            doc_id = f"{concertation.lower()}-{theme}"
            rows.append((doc_id, concertation, index, text, theme))
    frame = pd.DataFrame(
        rows, columns=[schema.DOC_ID, schema.CONCERTATION_ID, schema.POSITION, schema.TEXT, "truth"]
    )
    frame[schema.SEGMENT_ID] = frame[schema.DOC_ID] + "-" + frame[schema.POSITION].astype(str)
    frame[schema.LEMMAS] = frame[schema.TEXT].map(lemmas_of)
    return frame


@pytest.fixture(scope="module")
def first() -> pd.DataFrame:
    return make_segments(FIRST_ROUND, ("C1", "C2"))


@pytest.fixture(scope="module")
def grown(first: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([first, make_segments(NEW_CONCERTATION, ("C3",))], ignore_index=True)


def theme_of(run, truth: str) -> int:
    """The theme id holding most segments of a true theme."""
    segments = run.segments
    return int(segments.loc[segments["truth"] == truth, schema.THEME_ID].mode().iloc[0])


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the scenario of the issue: fit, curate, add documents, re-fit ---------------------------


def test_curated_names_and_merges_survive_a_new_concertation(first, grown, tmp_path) -> None:
    run1 = run_themes(first, ThemeModel("nmf", 4))
    police, video, mediation = (theme_of(run1, t) for t in ("police", "video", "mediation"))
    assert sorted(run1.themes[schema.THEME_ID]) == [1, 2, 3, 4]
    memory_file = run1.memory.save(tmp_path / "theme_memory.json")
    curation_file = write(
        tmp_path / "curation.yml",
        f"rename:\n  {police}: Polices municipales\n"
        f"merge:\n  - themes: [{video}, {mediation}]\n    name: Présence dans l'espace public\n",
    )

    run2 = run_themes(first, ThemeModel("nmf", 4), curation=curation_file, previous=memory_file)
    names = dict(zip(run2.themes[schema.THEME_ID], run2.themes[schema.LABEL], strict=True))
    assert names[police] == "Polices municipales"
    assert names[video] == "Présence dans l'espace public" and mediation not in names
    run2.memory.save(memory_file)

    run3 = run_themes(grown, ThemeModel("nmf", 5), curation=curation_file, previous=memory_file)
    names3 = dict(zip(run3.themes[schema.THEME_ID], run3.themes[schema.LABEL], strict=True))
    assert theme_of(run3, "police") == police and names3[police] == "Polices municipales"
    assert theme_of(run3, "mediation") == video == theme_of(run3, "video")
    assert names3[video] == "Présence dans l'espace public"
    cyber = theme_of(run3, "cyber")
    assert cyber >= 5 and cyber not in (police, video, mediation)
    new_rows = run3.log[run3.log[schema.ACTION] == "new"]
    assert list(new_rows[schema.THEME_ID]) == [cyber]
    kept = run3.log[run3.log[schema.ACTION] == "kept"]
    assert set(kept[schema.THEME_ID]) == {1, 2, 3, 4}


def test_split_parts_keep_their_ids_and_names_across_runs(first, grown, tmp_path) -> None:
    run1 = run_themes(first, ThemeModel("nmf", 4))
    tig = theme_of(run1, "tig")
    curation_file = write(
        tmp_path / "curation.yml",
        f"split:\n  - theme: {tig}\n    parts: 2\n    names: [Tuteurs, Postes offerts]\n",
    )
    run2 = run_themes(first, ThemeModel("nmf", 4), curation=curation_file, previous=run1.memory)
    parts = run2.themes[run2.themes[schema.PARENT_THEME_ID] == tig]
    assert list(parts[schema.THEME_ID]) == [5, 6]
    assert list(parts[schema.LABEL]) == ["Tuteurs", "Postes offerts"]
    assert tig not in set(run2.segments[schema.THEME_ID])
    before = run2.segments.set_index(schema.SEGMENT_ID)[schema.THEME_ID]

    run3 = run_themes(grown, ThemeModel("nmf", 5), curation=curation_file, previous=run2.memory)
    after = run3.segments.set_index(schema.SEGMENT_ID)[schema.THEME_ID]
    in_parts = before[before.isin([5, 6])].index
    assert (after[in_parts] == before[in_parts]).all()
    assert theme_of(run3, "cyber") == 7  # 5 and 6 are taken by the split parts


def test_moves_put_a_segment_where_the_analyst_says(first, tmp_path) -> None:
    run1 = run_themes(first, ThemeModel("nmf", 4))
    segment = first[schema.SEGMENT_ID].iloc[0]
    police, video = theme_of(run1, "police"), theme_of(run1, "video")
    target = video if run1.segments[schema.THEME_ID].iloc[0] != video else police
    curation_file = write(
        tmp_path / "curation.yml",
        f"move:\n  - segment: {segment}\n    theme: {target}\n"
        f"  - segment: {first[schema.SEGMENT_ID].iloc[1]}\n    theme: -1\n",
    )
    run2 = run_themes(first, ThemeModel("nmf", 4), curation=curation_file, previous=run1.memory)
    assert run2.segments[schema.THEME_ID].iloc[0] == target
    assert run2.segments[schema.THEME_ID].iloc[1] == -1
    assert (run2.log[schema.ACTION] == "move").sum() == 2


# --- lines that no longer apply ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rename:\n  99: Disparu\n", "la ligne rename nomme le thème 99"),
        ("merge:\n  - themes: [1, 99]\n", "la ligne merge nomme le thème 99"),
        ("split:\n  - theme: 99\n", "la ligne split nomme le thème 99"),
        ("move:\n  - segment: inconnu\n    theme: 1\n", "segment « inconnu »"),
        ("move:\n  - segment: c1-police-0\n    theme: 99\n", "la ligne move nomme le thème 99"),
        ("merge:\n  - themes: [1, 2]\nrename:\n  2: Ancien\n", "fusionné dans 1 ; renommez 1"),
    ],
)
def test_a_line_naming_a_missing_theme_warns_and_is_logged(first, tmp_path, text, message):
    curation_file = write(tmp_path / "curation.yml", text)
    with pytest.warns(CurationWarning, match=re.escape(message)):
        run = run_themes(first, ThemeModel("nmf", 4), curation=curation_file)
    skipped = run.log[run.log[schema.ACTION] == "skipped"]
    assert len(skipped) == 1 and str(curation_file) in skipped[schema.DETAIL].iloc[0]


def test_themes_merged_by_the_analyst_are_matched_as_one_when_the_model_finds_them_as_one():
    def record(theme_id: int, *terms: str) -> ThemeRecord:
        return ThemeRecord(theme_id, terms[0], list(terms), dict.fromkeys(terms, 1.0), 10)

    police = record(3, "policier", "recrutement", "formation")
    video = record(2, "caméra", "image", "opérateur")
    mediation = record(5, "médiateur", "quartier", "habitant")
    both = ThemeRecord(
        0,
        "caméra",
        ["caméra", "médiateur", "image"],
        dict.fromkeys(["caméra", "image", "médiateur", "quartier"], 1.0),
        20,
    )
    current, previous = (
        [record(0, "policier", "recrutement", "formation"), both],
        [police, video, mediation],
    )
    # alone, neither merged theme is close enough (0.54 and 0.39 < 0.6): a new theme
    ids, next_id, log = match_themes(current, previous, threshold=0.6, next_id=7)
    assert ids == [3, 7] and next_id == 8
    merged = (Merge((2, 5), "Présence dans l'espace public"),)
    ids, next_id, log = match_themes(current, previous, threshold=0.6, next_id=7, merges=merged)
    assert ids == [3, 2] and next_id == 7  # the merge's id: its name follows
    kept = log[(log[schema.ACTION] == "kept") & (log[schema.THEME_ID] == 2)]
    assert "taken together" in kept[schema.DETAIL].iloc[0] and kept[schema.SIMILARITY].iloc[0] > 0.9
    # a merge one of whose themes is still found on its own is left to the curation step
    alone = [record(0, "caméra", "image", "opérateur"), both]
    ids, _, _ = match_themes(alone, previous, threshold=0.6, next_id=7, merges=merged)
    assert ids == [2, 7]


def test_a_merged_theme_gone_since_the_last_run_leaves_the_name_to_the_other() -> None:
    """The analyst merged 2 and 5 and named the result; the model now finds one theme where
    there were two: it keeps id 5, 2 is no longer found, and the name must not be lost."""
    memory = ThemeMemory(
        [ThemeRecord(t, f"thème {t}", [], {"caméra": 1.0}, 10) for t in (2, 3, 5)], next_id=6
    )
    curation = Curation(merges=(Merge((2, 5), "Présence dans l'espace public"),), source="c.yml")
    common = {
        "segment_ids": np.array(["a", "b", "c", "d"]),
        "tfidf": sp.csr_matrix((4, 1)),
        "vocabulary": np.array(["caméra"]),
    }
    with pytest.warns(CurationWarning, match="précédente ; le thème 5 garde"):
        curated = apply_curation(np.array([5, 5, 3, 3]), curation, previous=memory, **common)
    assert curated.names == {5: "Présence dans l'espace public"}
    assert list(curated.theme_ids) == [5, 5, 3, 3]
    renamed = curated.log[curated.log[schema.ACTION] == "rename"]
    assert renamed[schema.THEME_ID].tolist() == [5]
    assert "no longer found" in renamed[schema.DETAIL].iloc[0]
    # a theme that never existed (a typo in the file): the line is skipped, nothing renamed
    with pytest.warns(CurationWarning, match="la ligne merge nomme le thème 2"):
        curated = apply_curation(np.array([5, 5, 3, 3]), curation, previous=None, **common)
    assert curated.names == {}


def test_a_split_of_a_tiny_theme_is_skipped_with_a_warning(first, tmp_path) -> None:
    curation_file = write(tmp_path / "curation.yml", "split:\n  - theme: 1\n    parts: 20\n")
    with pytest.warns(CurationWarning, match="demande au moins 40 segments"):
        run = run_themes(first, ThemeModel("nmf", 4), curation=curation_file)
    assert sorted(run.themes[schema.THEME_ID]) == [1, 2, 3, 4]


# --- reading the file -------------------------------------------------------------------------


def test_yaml_and_csv_files_say_the_same(tmp_path) -> None:
    yaml_file = write(
        tmp_path / "curation.yml",
        "rename:\n  3: Polices municipales\n"
        "merge:\n  - themes: [4, 7]\n    name: Médiation\n"
        "split:\n  - theme: 5\n    parts: 3\n"
        "move:\n  - segment: doc-1\n    theme: 2\n",
    )
    csv_file = write(
        tmp_path / "curation.csv",
        "action,theme,into,segment,name\n"
        "rename,3,,,Polices municipales\n"
        "merge,7,4,,Médiation\n"
        "split,5,3,,\n"
        "move,,2,doc-1,\n",
    )
    from_yaml, from_csv = load_curation(yaml_file), load_curation(csv_file)
    for curation in (from_yaml, from_csv):
        assert curation.renames == {3: "Polices municipales"}
        assert curation.merges == (Merge(themes=(4, 7), name="Médiation"),)
        assert curation.splits == (Split(theme=5, parts=3),)
        assert curation.moves[0].segment_id == "doc-1" and curation.moves[0].theme == 2


def test_a_missing_file_is_an_empty_curation_unless_required(tmp_path) -> None:
    assert load_curation(tmp_path / "absent.yml").is_empty()
    with pytest.raises(CurationError, match="introuvable"):
        load_curation(tmp_path / "absent.yml", missing_ok=False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rename: [1, 2]\n", "« rename » associe des numéros de thème"),
        ("rename:\n  trois: Nom\n", "'trois' n'est pas un numéro de thème"),
        ("merge:\n  - themes: [4]\n", "au moins deux thèmes différents"),
        ("merge:\n  - 4\n", "chaque fusion (merge) demande"),
        ("split:\n  - parts: 2\n", "chaque découpage (split) demande « theme: 5 »"),
        ("split:\n  - theme: 5\n    parts: 1\n", "« parts » vaut au moins 2"),
        ("move:\n  - segment: abc\n", "chaque déplacement (move) demande"),
        ("renommer:\n  1: Nom\n", "section(s) inconnue(s)"),
        ("rename:\n  1: [a, b\n", "YAML illisible"),
        ("- rename\n", "doit contenir les sections"),
        ("rename:\n  1: ''\n", "texte non vide"),
    ],
)
def test_a_malformed_file_says_what_to_fix(tmp_path, text: str, message: str) -> None:
    with pytest.raises(CurationError, match=re.escape(message)):
        load_curation(write(tmp_path / "curation.yml", text))


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("curation.csv", "action,theme\nrename,1\n", "a besoin des colonnes"),
        ("curation.csv", "action,theme,into,segment,name\nfusion,1,2,,\n", "action inconnue"),
        ("curation.txt", "rename: {}\n", "se termine par .yml"),
    ],
)
def test_a_malformed_csv_says_what_to_fix(tmp_path, name: str, text: str, message: str) -> None:
    with pytest.raises(CurationError, match=message):
        load_curation(write(tmp_path / name, text))


def test_template_lists_the_themes(first) -> None:
    run = run_themes(first, ThemeModel("nmf", 4))
    template = curation_template(run.themes)
    for theme_id, label in zip(run.themes[schema.THEME_ID], run.themes[schema.LABEL], strict=True):
        assert f"#   {theme_id}: {label}" in template


# --- the memory and the matching ----------------------------------------------------------------


def test_memory_file_round_trips_and_is_identical_run_after_run(first, tmp_path) -> None:
    saved = []
    for attempt in range(2):
        run = run_themes(first.sample(frac=1.0, random_state=attempt), ThemeModel("nmf", 4))
        saved.append(run.memory.save(tmp_path / f"memory-{attempt}.json").read_bytes())
    assert saved[0] == saved[1]
    memory = ThemeMemory.load(tmp_path / "memory-0.json")
    assert [t.theme_id for t in memory.themes] == [1, 2, 3, 4] and memory.next_id == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "JSON illisible"),
        ('{"version": 99}', "version 1"),
        ('{"version": 1}', "abîmée"),
    ],
)
def test_a_damaged_memory_says_so(tmp_path, text: str, message: str) -> None:
    with pytest.raises(CurationError, match=message):
        ThemeMemory.load(write(tmp_path / "theme_memory.json", text))


def record(theme_id: int, words: list[str]) -> ThemeRecord:
    centroid = {w: 1 / np.sqrt(len(words)) for w in words}
    return ThemeRecord(theme_id, " · ".join(words[:3]), words, centroid, 10)


def test_match_themes_keeps_ids_gives_new_ones_and_logs_retired() -> None:
    previous = [record(1, ["caméra", "image", "opérateur"]), record(2, ["tigiste", "tuteur"])]
    current = [
        record(0, ["caméra", "image", "opérateur", "nuit"]),
        record(0, ["rançongiciel", "serveur", "sauvegarde"]),
    ]
    ids, next_id, log = match_themes(current, previous, threshold=0.3, next_id=3)
    assert ids == [1, 3] and next_id == 4
    assert list(log[schema.ACTION]) == ["kept", "new", "retired"]
    assert list(log[schema.THEME_ID]) == [1, 3, 2]


def test_empty_curation_changes_nothing(first) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", CurationWarning)
        warnings.simplefilter("ignore", ThemeWarning)
        plain = run_themes(first, ThemeModel("nmf", 4))
        curated = run_themes(first, ThemeModel("nmf", 4), curation=Curation())
    pd.testing.assert_frame_equal(plain.themes, curated.themes)
    assert not curated.themes[schema.CURATED].any()
