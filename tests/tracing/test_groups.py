"""Tests of analysis.tracing.groups: canonical groups of freins and proposals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factories import (
    DECIDIM_ROWS,
    cut_proposal_segments,
    first_segment_halved,
    platform_segments,
    quiet,
)

from analysis import schema
from analysis.config import TracingConfig
from analysis.segmentation import cut_mid_sentence, split_sentences
from analysis.tracing import groups as groups_module
from analysis.tracing.errors import (
    EmptySelectionWarning,
    SingleConcertationWarning,
    TracingError,
)
from analysis.tracing.groups import canonical_groups
from analysis.tracing.links import link_proposals, unanswered_obstacles
from analysis.tracing.units import unit_of


def test_canonical_groups_find_the_recurring_obstacles(segments: pd.DataFrame) -> None:
    groups = quiet(canonical_groups, segments, "frein", config=TracingConfig())
    by_theme = {g[schema.THEME_ID]: g for _, g in groups.iterrows()}
    assert set(by_theme) == {"pm", "radicalites", "cyber"}
    recruitment = by_theme["pm"]
    assert recruitment[schema.CITIES] == ["Lille", "Metz", "Nîmes", "Rennes"]
    assert recruitment[schema.N_CITIES] == 4
    assert recruitment[schema.STATUS] == schema.STATUS_PERSISTENT
    assert "gilets" not in " ".join(recruitment[schema.QUOTES])  # the one-off stays alone
    assert len(recruitment[schema.QUOTES]) == 4  # one quote per concertation
    assert recruitment[schema.LABEL] in " ".join(segments[schema.TEXT])
    assert groups[schema.GROUP_ID].tolist() == ["frein-01", "frein-02", "frein-03"]
    assert by_theme["radicalites"][schema.STATUS] == schema.STATUS_FADING


def test_a_member_the_classifier_doubts_does_not_name_its_group(segments: pd.DataFrame) -> None:
    """A group is named by a sentence of its member closest to the group, closeness weighed by
    the member's function score: a misread member heads a fiche otherwise (on the real Lille
    export, a frein read as a proposal at 0.63 named a group of proposals, being 0.48 close to
    it against 0.47 for a proposal read at 0.94)."""

    def recruitment_label(table: pd.DataFrame) -> str:
        groups = quiet(canonical_groups, table, "frein", config=TracingConfig())
        return groups.loc[groups[schema.THEME_ID] == "pm", schema.LABEL].item()

    closest = recruitment_label(segments)
    sure = segments.assign(**{schema.FUNCTION_SCORE: 0.9})
    assert recruitment_label(sure) == closest  # all as sure: the closest member
    doubted = sure[schema.FUNCTION_SCORE].mask(segments[schema.TEXT] == closest, 0.55)
    renamed = recruitment_label(sure.assign(**{schema.FUNCTION_SCORE: doubted}))
    assert renamed != closest
    assert renamed in segments.loc[segments[schema.THEME_ID] == "pm", schema.TEXT].tolist()


def test_canonical_groups_keep_one_offs_on_request(segments: pd.DataFrame) -> None:
    groups = quiet(canonical_groups, segments, "frein", config=TracingConfig(), min_concertations=1)
    singles = groups[groups[schema.N_CONCERTATIONS] == 1]
    assert len(singles) == 1
    assert singles[schema.STATUS].item() == schema.STATUS_ONE_OFF


def test_canonical_groups_do_not_depend_on_row_order(segments: pd.DataFrame) -> None:
    first = quiet(canonical_groups, segments, "frein", config=TracingConfig())
    second = quiet(
        canonical_groups, segments.sample(frac=1.0, random_state=7), "frein", config=TracingConfig()
    )
    pd.testing.assert_frame_equal(first, second)


def test_canonical_groups_merge_the_segments_of_one_paragraph(segments: pd.DataFrame) -> None:
    table = first_segment_halved(
        segments,
        [
            "Les communes peinent à recruter des policiers municipaux :",
            "les agents formés partent vers une ville voisine.",
        ],
        ["commune recruter policier_municipal", "agent former partir ville"],
    )
    groups = quiet(canonical_groups, table, "frein", config=TracingConfig())
    recruitment = groups[groups[schema.THEME_ID] == "pm"].iloc[0]
    assert recruitment[schema.N_SEGMENTS] == 5 and recruitment[schema.N_CONCERTATIONS] == 4


def test_canonical_groups_of_an_absent_function_warn(segments: pd.DataFrame) -> None:
    with pytest.warns(EmptySelectionWarning, match="demande"):
        groups = canonical_groups(segments, "demande", config=TracingConfig())
    assert groups.empty and schema.GROUP_ID in groups.columns


def test_canonical_groups_reject_an_unknown_function(segments: pd.DataFrame) -> None:
    with pytest.raises(TracingError, match="function"):
        canonical_groups(segments, "obstacle", config=TracingConfig())


def test_a_stricter_threshold_splits_groups(segments: pd.DataFrame) -> None:
    loose = quiet(canonical_groups, segments, "frein", config=TracingConfig())
    strict = quiet(
        canonical_groups, segments, "frein", config=TracingConfig(similarity_threshold=0.9)
    )
    assert len(loose) == 3 and strict.empty


def test_a_single_concertation_groups_by_contributions() -> None:
    segments = platform_segments()
    with pytest.warns(SingleConcertationWarning):
        freins = canonical_groups(segments, "frein", config=TracingConfig())
    assert unit_of(freins) == schema.DOC_ID
    assert list(freins.columns[-1:]) == [schema.RECURRENCE_UNIT]
    assert len(freins) == 1  # the speed limit of one contribution is not recurrent
    precarity = freins.iloc[0]
    assert precarity[schema.N_DOCUMENTS] == 3 and precarity[schema.N_SEGMENTS] == 4
    assert precarity[schema.N_CONCERTATIONS] == 1 and precarity[schema.N_CITIES] == 0
    assert "intérim" in precarity[schema.LABEL].lower() or "précaire" in precarity[schema.LABEL]
    assert len(precarity[schema.QUOTES]) == 3  # one per contribution
    assert not any(q.endswith("()") for q in precarity[schema.QUOTES])
    proposals = quiet(canonical_groups, segments, "proposition", config=TracingConfig())
    assert proposals[schema.N_DOCUMENTS].tolist() == [3]
    assert "revenu" in proposals[schema.LABEL].item()


def test_a_single_concertation_ranks_groups_by_contributions() -> None:
    segments = platform_segments()
    config = TracingConfig(min_concertations=1)  # a threshold of contributions here
    groups = quiet(canonical_groups, segments, "frein", config=config)
    assert groups[schema.N_DOCUMENTS].tolist() == [3, 1]
    assert groups[schema.GROUP_ID].tolist() == ["frein-01", "frein-02"]
    alone = unanswered_obstacles(
        groups, link_proposals(groups, groups.iloc[:0], segments, config=config)
    )
    assert alone[schema.N_DOCUMENTS].tolist() == [3, 1]
    strict = quiet(canonical_groups, segments, "frein", config=TracingConfig(min_concertations=4))
    assert strict.empty and schema.RECURRENCE_UNIT in strict.columns


def test_a_single_document_lists_all_its_freins_and_proposals() -> None:
    """A corpus of one meeting note (the real Decidim texts as one contribution's paragraphs):
    nothing recurs from one contribution to another, so every group is listed, and the
    warning says why rather than leaving the tables empty."""
    rows = [("note", paragraph, *rest) for _, paragraph, *rest in DECIDIM_ROWS]
    segments = platform_segments(rows)
    several = quiet(canonical_groups, platform_segments(), "frein", config=TracingConfig())
    assert several[schema.N_DOCUMENTS].tolist() == [3]  # among contributions: the recurrent one
    with pytest.warns(SingleConcertationWarning, match="Un seul document"):
        freins = canonical_groups(segments, "frein", config=TracingConfig())
    assert freins[schema.N_DOCUMENTS].tolist() == [1, 1]
    assert freins[schema.STATUS].tolist() == [schema.STATUS_ONE_OFF] * 2
    assert any("80km/h" in label or "sinueuse" in label for label in freins[schema.LABEL])
    proposals = quiet(canonical_groups, segments, "proposition", config=TracingConfig())
    assert len(proposals) >= 3 and set(proposals[schema.N_DOCUMENTS]) == {1}


def test_groups_described_by_two_processes_are_those_of_one(
    segments: pd.DataFrame, monkeypatch
) -> None:
    config = TracingConfig()
    alone = quiet(canonical_groups, segments, "frein", config=config, min_concertations=1)
    monkeypatch.setattr(groups_module, "PARALLEL_GROUPS", 2)
    beside = quiet(canonical_groups, segments, "frein", config=config, min_concertations=1)
    assert len(beside) >= 2
    pd.testing.assert_frame_equal(beside, alone)


def test_a_piece_of_a_cut_sentence_does_not_name_its_group(real_dir: Path) -> None:
    """A real proposal's long sentence is cut by the 40-word segmentation ("…mais bien de
    Paris, | qui via le président de la République, le Premier ministre…"); when a piece after
    the cut is the member that ranks first, another member names the group, and the fiches'
    label of a group that lost members does the same. A contributor's own small letters
    (the first segment of a paragraph) still name it."""
    segments, piece = cut_proposal_segments(real_dir)
    assert piece.sum() == 1 and cut_mid_sentence(segments)[0].to_numpy()[piece].all()
    whole = segments[~piece].iloc[-1][schema.TEXT]  # the proposal's last segment
    table = segments.assign(
        **{
            schema.LEMMAS: segments[schema.TEXT].str.lower(),
            schema.THEME_ID: "institutions",
            schema.FUNCTION: np.where(piece, schema.PROPOSITION, schema.CONSTAT),
            schema.FUNCTION_SCORE: np.where(piece, 0.95, 0.9),
        }
    )
    table.loc[table[schema.TEXT] == whole, schema.FUNCTION] = schema.PROPOSITION
    table.loc[table[schema.TEXT] == whole, schema.PARAGRAPH] = 99  # a statement of its own
    config = TracingConfig(similarity_threshold=0.0)
    label = quiet(canonical_groups, table, "proposition", config=config, min_concertations=1)
    assert label[schema.LABEL].tolist() == [_first_sentence(whole)]
    alone = table[piece | (table[schema.FUNCTION] == schema.CONSTAT)]
    label = quiet(canonical_groups, alone, "proposition", config=config, min_concertations=1)
    assert label[schema.LABEL].item().startswith("qui via le président")  # no other to take


def _first_sentence(text: str) -> str:
    return " ".join(text[slice(*split_sentences(text)[0])].split())
