"""The freins, proposals and good practices a fiche lists: only segments the classifier is sure
of (``function_check``), the others being left "à vérifier"."""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from factories import FICHE_THEMES, cut_proposal_segments, french_corpus

from analysis import schema
from analysis.corpus import load_corpus
from analysis.summaries import Fiche, build_fiches
from analysis.summaries.groups import _label_of
from analysis.summaries.inputs import prepare_segments
from analysis.summaries.values import clean_label, excerpt


def _fiches(segments: pd.DataFrame) -> list[Fiche]:
    documents, _, groups = french_corpus()
    return build_fiches(segments, FICHE_THEMES, documents=documents, groups=groups)


def _police(fiches: list[Fiche]) -> Fiche:
    return next(f for f in fiches if f.theme_id == 0)


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    _, segments, _ = french_corpus()
    return segments.assign(**{schema.FUNCTION_CHECK: ""})


def test_no_segment_to_check_lists_what_the_groups_say(segments) -> None:
    _, plain, _ = french_corpus()
    assert _police(_fiches(segments)) == _police(_fiches(plain))


def test_a_group_of_segments_to_check_is_not_listed(segments) -> None:
    group = _police(_fiches(segments)).obstacles[0]
    doubtful = segments[schema.SEGMENT_ID].isin(group.segment_ids)
    marked = segments.assign(
        **{schema.FUNCTION_CHECK: segments[schema.FUNCTION_CHECK].mask(doubtful, schema.TO_CHECK)}
    )
    listed = [g.group_id for g in _police(_fiches(marked)).obstacles]
    assert group.group_id not in listed


def test_a_group_counts_only_its_sure_segments_and_quotes_one(segments) -> None:
    group = _police(_fiches(segments)).obstacles[0]
    doubtful_id = group.segment_ids[0]
    marked = segments.assign(
        **{
            schema.FUNCTION_CHECK: segments[schema.FUNCTION_CHECK].mask(
                segments[schema.SEGMENT_ID] == doubtful_id, schema.TO_CHECK
            )
        }
    )
    kept = next(g for g in _police(_fiches(marked)).obstacles if g.group_id == group.group_id)
    assert doubtful_id not in kept.segment_ids
    assert kept.n_segments == group.n_segments - 1
    sure = segments[segments[schema.SEGMENT_ID].isin(kept.segment_ids)]
    assert any(kept.label.rstrip("…") in text for text in sure[schema.TEXT])


def test_good_practices_to_check_are_not_listed(segments) -> None:
    practices = segments[schema.FUNCTION] == schema.BONNE_PRATIQUE
    assert practices.any()
    marked = segments.assign(
        **{schema.FUNCTION_CHECK: segments[schema.FUNCTION_CHECK].mask(practices, schema.TO_CHECK)}
    )
    assert all(f.good_practices == () for f in _fiches(marked))
    assert any(f.good_practices for f in _fiches(segments))


@pytest.mark.parametrize(
    ("written", "named"),
    [  # a contributor's own typing, in the Decidim export of tests/data/real
        (
            "Pour la promesse 4 : : « imposition au même titre que les autres entreprises »",
            "Pour la promesse 4 : « imposition au même titre que les autres entreprises »",
        ),
        ("- Rétablir l'ISF ,, et la\n tranche à 45 %", "Rétablir l'ISF , et la tranche à 45 %"),
        ("Taxer le kérosène : 1, 2, 3 avions", "Taxer le kérosène : 1, 2, 3 avions"),
        ("+ Arrêter les dépenses de « mises à jour »", "Arrêter les dépenses de « mises à jour »"),
        ("2 / rétablissement de l isf", "rétablissement de l isf"),
    ],
)
def test_a_label_types_each_mark_once(written: str, named: str) -> None:
    assert clean_label(written) == named


def test_a_name_starts_after_the_greeting_that_follows_a_glued_title(real_dir) -> None:
    """In the real IRaMuTeQ corpus the analysts glued each title to its text: "Réalisation
    d'économies, impôts et transparence des coûts pour les citoyens Bonjour, Je propose que…".
    A name starts after such a greeting; a greeting that opens the text, or "bonjour" used
    as a word, stays."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        texts = load_corpus(real_dir / "lille-propositions-iramuteq.txt")[schema.TEXT]
    glued = texts[texts.str.startswith("Réalisation d'économies, impôts et transparence")]
    assert len(glued) == 1
    assert excerpt(glued.iloc[0]).startswith("Je propose que l'on utilise d'avantage les rapports")
    assert excerpt("Bonjour, je propose de taxer le kérosène.") == (
        "Bonjour, je propose de taxer le kérosène."
    )
    assert excerpt("Dire bonjour aux voisins et créer du lien.").startswith("Dire bonjour")


def test_a_name_drops_the_mark_that_ended_its_list_item() -> None:
    """A real Decidim proposal runs its measures on with ";" and the parser ends the deciding
    sentence there: its name is "Encadrer le prix des loyers des logements", not "… ;"."""
    assert excerpt("Encadrer le prix des loyers des logements ;") == (
        "Encadrer le prix des loyers des logements"
    )
    assert excerpt("Rétablir l'ISF,") == "Rétablir l'ISF"
    # a group's own label (the tracing's sentence) too
    assert clean_label("Je propose la suppression de la redevance audiovisuelle ;") == (
        "Je propose la suppression de la redevance audiovisuelle"
    )


def test_a_name_drops_the_bracket_its_sentence_did_not_open() -> None:
    """A real Decidim proposal opens a bracket in one sentence and closes it in the next: the
    group it names read "Le chef de l’État, […] le garant du bon fonctionnement de cette
    organisation)". A bracket the name opens stays."""
    closing = (
        "Le chef de l’État, également élu avec un mandat impératif, serait simplement le garant "
        "du bon fonctionnement de cette organisation)."
    )
    assert clean_label(closing) == closing.replace(").", ".")
    assert excerpt(closing).endswith("de cette organisation.")
    whole = "Rendre prioritaire l’apprentissage des langues vivantes (LV2) en fonction des pays"
    assert clean_label(whole) == whole


def test_a_group_that_lost_members_is_not_renamed_by_a_piece_of_a_cut_sentence(
    real_dir: Path,
) -> None:
    """A fiche names a group that lost its doubted members by its most typical member left;
    a real proposal's piece after a cut ("qui via le président de la République…", the
    40-word segmentation cutting a long sentence) is passed over for a whole sentence, and
    names it only when it is the only member."""
    segments, piece = cut_proposal_segments(real_dir)
    # the piece is the most typical of the theme
    segments[schema.THEME_SCORE] = np.where(piece, 0.9, 0.5)
    corpus = SimpleNamespace(segments=prepare_segments(segments.assign(**{schema.THEME_ID: 0})))
    rows = np.arange(len(segments))
    label = _label_of(rows, corpus)
    assert not label.startswith("qui via")
    assert label == excerpt(corpus.segments[schema.TEXT].iloc[int(np.flatnonzero(~piece)[0])])
    assert _label_of(np.flatnonzero(piece), corpus).startswith("qui via le président")
