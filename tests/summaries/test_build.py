"""Theme fiches: volume, recurring groups, quotes, extractive summary, changes over time."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
from factories import (
    DECIDIM_THEMES,
    FICHE_CONCERTATIONS,
    FICHE_THEMES,
    decidim_corpus,
    fake_lemmas,
    french_corpus,
    role_segments,
)

from analysis import schema
from analysis.config import SummariesConfig, TracingConfig
from analysis.corpus import load_corpus
from analysis.export import fiche_to_markdown
from analysis.summaries import Fiche, SummariesError, SummariesWarning, build_fiches
from analysis.summaries.inputs import document_titles
from analysis.tracing import canonical_groups


@pytest.fixture(scope="module")
def corpus() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return french_corpus()


@pytest.fixture(scope="module")
def fiches(corpus) -> list[Fiche]:
    documents, segments, groups = corpus
    return build_fiches(segments, FICHE_THEMES, documents=documents, groups=groups)


def by_theme(fiches: list[Fiche], theme_id: int) -> Fiche:
    return next(f for f in fiches if f.theme_id == theme_id)


def test_one_fiche_per_theme_in_theme_order(fiches) -> None:
    assert [f.theme_id for f in fiches] == [0, 1, 2]
    assert by_theme(fiches, 1).keywords == ("médiateur", "adulte relais", "financement")


@pytest.mark.parametrize(
    ("theme_id", "volume"),
    [
        (0, "Cité dans 5 concertations sur 5, 5 villes, de juin 2021 à novembre 2024."),
        (1, "Cité dans 2 concertations sur 5, 2 villes, de juin 2021 à novembre 2022."),
        (2, "Cité dans 2 concertations sur 5, 2 villes, de janvier 2022 à novembre 2024."),
    ],
)
def test_volume_sentence_counts_the_theme_segments(fiches, theme_id, volume) -> None:
    assert by_theme(fiches, theme_id).volume == volume


def test_every_count_traces_back_to_segments(corpus, fiches) -> None:
    _, segments, _ = corpus
    for fiche in fiches:
        mine = segments[segments[schema.SEGMENT_ID].isin(fiche.segment_ids)]
        assert len(mine) == fiche.n_segments == len(fiche.segment_ids)
        assert set(mine[schema.THEME_ID]) == {fiche.theme_id}
        assert mine[schema.CONCERTATION_ID].nunique() == fiche.n_concertations
        assert tuple(sorted(mine[schema.CITY].unique())) == fiche.cities
        for item in (*fiche.obstacles, *fiche.proposals, *fiche.good_practices):
            counted = segments[segments[schema.SEGMENT_ID].isin(item.segment_ids)]
            assert counted[schema.CONCERTATION_ID].nunique() == item.n_concertations
            assert len(counted) == item.n_segments
            assert tuple(sorted(counted[schema.CITY].unique())) == item.cities


def test_recurring_groups_are_ranked_and_one_offs_left_out(fiches) -> None:
    police = by_theme(fiches, 0)
    assert [g.group_id for g in police.obstacles] == ["F01", "F-arm"]
    assert police.obstacles[0].n_concertations == 4  # not the 99 of the groups table
    assert police.obstacles[0].cities == ("Montpellier", "Nîmes", "Rennes", "Toulouse")
    assert [g.group_id for g in police.proposals] == ["P01"]
    assert by_theme(fiches, 1).proposals == ()  # P03 came up in one concertation only


def test_good_practices_come_from_segments_when_groups_have_none(fiches) -> None:
    practices = by_theme(fiches, 0).good_practices
    assert len(practices) == 1
    assert practices[0].cities == ("Montpellier",)
    assert practices[0].label.startswith("La brigade de nuit de la police municipale")


def test_quotes_are_typical_sourced_and_one_per_concertation(corpus, fiches) -> None:
    _, segments, _ = corpus
    quotes = by_theme(fiches, 0).quotes
    assert len(quotes) == 4
    assert len({q.doc_id for q in quotes}) == 4
    texts = dict(zip(segments[schema.SEGMENT_ID], segments[schema.TEXT], strict=True))
    for quote in quotes:
        assert quote.text == texts[quote.segment_id]
        assert quote.title.startswith("Concertation territoriale de ")
        assert quote.city in quote.title and quote.date is not None and quote.paragraph is not None
    assert [q.typicality for q in quotes] == sorted((q.typicality for q in quotes), reverse=True)


def test_summary_sentences_are_extracted_never_written(corpus, fiches) -> None:
    _, segments, _ = corpus
    texts = dict(zip(segments[schema.SEGMENT_ID], segments[schema.TEXT], strict=True))
    for fiche in fiches:
        assert 1 <= len(fiche.summary) <= 3
        assert len({s.segment_id for s in fiche.summary}) == len(fiche.summary)
        for sentence in fiche.summary:
            assert sentence.segment_id in fiche.segment_ids
            assert sentence.text in " ".join(texts[sentence.segment_id].split())


def test_new_and_faded_items_between_two_periods(fiches) -> None:
    police = by_theme(fiches, 0)
    assert police.split_date is not None and police.split_date.isoformat() == "2022-11-18"
    faded = {(c.kind, c.label) for c in police.faded_items}
    assert ("frein", "groupe F-arm") in faded  # Nîmes and Toulouse, never since
    assert ("term", "armement") in faded
    assert ("term", "patrouilles") in {(c.kind, c.label) for c in police.new_items}
    for change in (*police.new_items, *police.faded_items):
        assert (change.n_before == 0) != (change.n_recent == 0)
        assert set(change.segment_ids) <= set(police.segment_ids)


def test_a_word_of_every_theme_and_period_is_not_listed_as_new() -> None:
    """ "territoire" is new in the police theme only by chance: médiation has used it in every
    concertation. "rançongiciel" appeared since, and only there: it is what changed."""
    documents, segments, groups = french_corpus()
    added = []
    for number, concertation in enumerate(FICHE_CONCERTATIONS):
        city, date = FICHE_CONCERTATIONS[concertation]
        recent = pd.Timestamp(date) >= pd.Timestamp("2022-11-18")
        texts = [(1, "Les médiateurs couvrent tout le territoire de la ville.")] * 3
        if recent and concertation != "C05-rennes-2022":
            texts.append((0, "Sur le territoire, un rançongiciel a bloqué la police municipale."))
        for rank, (theme, text) in enumerate(texts):
            added.append(
                {
                    schema.SEGMENT_ID: f"{concertation}-synthese#p9{number}{rank}s00",
                    schema.DOC_ID: f"{concertation}-synthese",
                    schema.CONCERTATION_ID: concertation,
                    schema.CITY: city,
                    schema.DATE: pd.Timestamp(date),
                    schema.POSITION: 900 + rank,
                    schema.PARAGRAPH: 900 + rank,
                    schema.TEXT: text,
                    schema.LEMMAS: fake_lemmas(text),
                    schema.THEME_ID: theme,
                    schema.FUNCTION: "constat",
                }
            )
    grown = pd.concat([segments, pd.DataFrame(added)], ignore_index=True)
    police = by_theme(build_fiches(grown, FICHE_THEMES, documents=documents, groups=groups), 0)
    new_terms = {c.label for c in police.new_items if c.kind == "term"}
    assert "rançongiciel" in new_terms
    assert "territoire" not in new_terms


def test_compare_since_moves_the_split(corpus) -> None:
    documents, segments, groups = corpus
    config = SummariesConfig(compare_since="2024-01-01")
    police = build_fiches(
        segments, FICHE_THEMES, documents=documents, groups=groups, config=config
    )[0]
    assert police.split_date.isoformat() == "2024-01-01"
    assert police.period_note.startswith("Avant janvier 2024 (3 concertations)")


def test_without_groups_the_fiche_says_so(corpus) -> None:
    documents, segments, _ = corpus
    fiche = build_fiches(segments, FICHE_THEMES, documents=documents)[0]
    assert fiche.obstacles == () and fiche.proposals == ()
    markdown = fiche_to_markdown(fiche)
    assert "Aucun frein récurrent identifié" in markdown
    assert "Aucune proposition récurrente identifiée" in markdown


def test_a_single_concertation_gives_a_complete_fiche(corpus) -> None:
    documents, segments, groups = corpus
    one = segments[segments[schema.CONCERTATION_ID] == "C01-nimes-2021"]
    docs = documents[documents[schema.CONCERTATION_ID] == "C01-nimes-2021"]
    with pytest.warns(SummariesWarning, match=r"absent\(s\) de la table des segments"):
        fiches = build_fiches(one, FICHE_THEMES, documents=docs, groups=groups)
    police = fiches[0]
    assert police.volume == "Cité dans 1 concertation sur 1, 1 ville, en juin 2021."
    assert police.split_date is None and police.new_items == () and police.faded_items == ()
    # a sentence of its own, as the note of two periods is ("Avant mai 2023 (…) : … .")
    assert police.period_note == "Une seule période couverte : pas de comparaison dans le temps."
    assert "\n\nUne seule période couverte" in fiche_to_markdown(police)
    assert by_theme(fiches, 2).n_segments == 0
    assert by_theme(fiches, 2).volume == "Aucun segment n'est classé dans ce thème."


def test_same_fiches_whatever_the_row_order(corpus, fiches) -> None:
    documents, segments, groups = corpus
    shuffled = segments.sample(frac=1.0, random_state=3)
    again = build_fiches(shuffled, FICHE_THEMES.iloc[::-1], documents=documents, groups=groups)
    assert again == fiches
    assert [fiche_to_markdown(f) for f in again] == [fiche_to_markdown(f) for f in fiches]


def test_fiches_built_in_two_processes_are_those_of_one(corpus, fiches) -> None:
    documents, segments, groups = corpus
    assert len(fiches) >= 2  # every other fiche is built by the second process
    again = build_fiches(segments, FICHE_THEMES, documents=documents, groups=groups, parallel=True)
    assert again == fiches


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (SummariesConfig(n_quotes=0), "n_quotes"),
        (SummariesConfig(quote_min_words=50, quote_max_words=10), "quote_min_words"),
        (SummariesConfig(compare_since="hier"), "compare_since"),
    ],
)
def test_bad_settings_are_clear_errors(corpus, config, message) -> None:
    documents, segments, _ = corpus
    with pytest.raises(SummariesError, match=message):
        build_fiches(segments, FICHE_THEMES, documents=documents, config=config)


def test_duplicated_segment_ids_are_an_error(corpus) -> None:
    documents, segments, _ = corpus
    doubled = pd.concat([segments, segments.iloc[:1]])
    with pytest.raises(SummariesError, match="répète segment_id"):
        build_fiches(doubled, FICHE_THEMES, documents=documents)


def test_missing_column_is_named(corpus) -> None:
    documents, segments, _ = corpus
    with pytest.raises(schema.SchemaError, match="« city »"):
        build_fiches(segments.drop(columns=schema.CITY), FICHE_THEMES, documents=documents)


def test_segments_of_an_unknown_theme_are_reported(corpus) -> None:
    documents, segments, _ = corpus
    with pytest.warns(SummariesWarning, match="theme_id 2"):
        fiches = build_fiches(segments, FICHE_THEMES.iloc[:2], documents=documents)
    assert [f.theme_id for f in fiches] == [0, 1]


def test_unanswered_freins_are_marked_from_links(corpus) -> None:
    documents, segments, groups = corpus
    links = pd.DataFrame({"obstacle_group_id": ["F01"], "proposal_group_id": ["P01"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        police = build_fiches(
            segments, FICHE_THEMES, documents=documents, groups=groups, links=links
        )[0]
    answered = {g.group_id: g.answered for g in police.obstacles}
    assert answered == {"F01": True, "F-arm": False}
    assert "aucune proposition n'y répond" in fiche_to_markdown(police).lower()


def test_group_labels_lose_their_list_bullet(corpus) -> None:
    documents, segments, groups = corpus
    bulleted = groups.assign(label="- Recruter et garder\nles policiers municipaux")
    police = build_fiches(segments, FICHE_THEMES, documents=documents, groups=bulleted)[0]
    assert police.obstacles[0].label == "Recruter et garder les policiers municipaux"


# --- a single concertation (a platform export): recurrence over contributions -------------------


@pytest.fixture(scope="module")
def decidim() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return decidim_corpus()


def test_a_single_concertation_lists_what_most_contributions_raise(decidim) -> None:
    documents, segments, groups = decidim
    work = build_fiches(segments, DECIDIM_THEMES, documents=documents, groups=groups)[0]
    assert work.recurrence_unit == schema.DOC_ID
    assert [(i.n_documents, i.n_segments) for i in work.obstacles] == [(3, 4)]
    assert [i.n_documents for i in work.proposals] == [3]
    # no document of the export has a city nor a date: the fiche does not say so at every line
    assert work.volume == "Cité dans 6 contributions sur 9."
    markdown = fiche_to_markdown(work)
    assert "inconnue" not in markdown
    assert f"— Proposition ({work.quotes[0].doc_id}), paragraphe 1" in markdown
    assert ": soulevé dans 3 contributions, 4 segments." in markdown
    assert ": soulevée dans 3 contributions, 3 segments." in markdown
    assert "*Une seule concertation : la récurrence est comptée sur les contributions" in markdown
    assert "Aucun frein récurrent" not in markdown and "concertation," not in markdown
    # one quote per contribution before a second one of the same contribution
    quoted = [q.doc_id for q in work.quotes]
    assert len(set(quoted[:3])) == 3


def test_an_untitled_contribution_is_quoted_as_a_document_of_its_number(decidim) -> None:
    """A platform export without titles (a table of numbered rows, which the loader titles by
    their ids): "— document 373", not a bare "— 373" that reads as a count."""
    documents, segments, groups = decidim
    untitled = documents.assign(**{schema.TITLE: documents[schema.DOC_ID]})
    bare = segments.drop(columns=[schema.TITLE], errors="ignore")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        work = build_fiches(bare, DECIDIM_THEMES, documents=untitled, groups=groups)[0]
    assert [q.title for q in work.quotes] == [f"document {q.doc_id}" for q in work.quotes]
    assert f"— document {work.quotes[0].doc_id}, paragraphe 1" in fiche_to_markdown(work)


def test_a_quote_whose_title_is_its_own_text_names_its_document(decidim) -> None:
    """The titles of an export read as its texts (--text-column title): the title is the
    quote itself, so the source names the document by its number rather than repeat it."""
    documents, segments, groups = decidim
    first = segments.groupby(schema.DOC_ID)[schema.TEXT].first()
    titled = documents.assign(**{schema.TITLE: documents[schema.DOC_ID].map(first).fillna("")})
    work = build_fiches(segments, DECIDIM_THEMES, documents=titled)[0]
    said = {q.doc_id: q.title for q in work.quotes if q.text == first[q.doc_id]}
    assert said and all(title == f"document {doc}" for doc, title in said.items())
    kept = build_fiches(segments, DECIDIM_THEMES, documents=documents, groups=groups)[0]
    assert all(q.title == f"Proposition ({q.doc_id})" for q in kept.quotes)  # a real title stays


@pytest.mark.parametrize(("minimum", "n_obstacles"), [(1, 1), (3, 1), (4, 0)])
def test_min_concertations_counts_contributions(decidim, minimum, n_obstacles) -> None:
    documents, segments, groups = decidim
    config = SummariesConfig(min_concertations=minimum)
    work, institutions = build_fiches(
        segments, DECIDIM_THEMES, documents=documents, groups=groups, config=config
    )
    assert len(work.obstacles) == n_obstacles
    assert len(institutions.proposals) == (2 if minimum == 1 else 0)  # two one-offs
    if minimum == 1:
        assert "soulevée dans 1 contribution," in fiche_to_markdown(institutions)


def test_without_groups_a_single_concertation_still_counts_contributions(decidim) -> None:
    documents, segments, _ = decidim
    work = build_fiches(segments, DECIDIM_THEMES, documents=documents)[0]
    assert work.recurrence_unit == schema.DOC_ID and work.recurrence_note
    assert work.volume.startswith("Cité dans 6 contributions sur 9")


def test_a_single_document_lists_its_freins_and_proposals(decidim) -> None:
    """One meeting note (the same real texts as one document's paragraphs): nothing can recur,
    so its freins and proposals are all listed, under titles that do not say "récurrents"."""
    _, segments, _ = decidim
    note = segments.assign(**{schema.DOC_ID: "note"})
    documents = pd.DataFrame({schema.DOC_ID: ["note"], schema.CONCERTATION_ID: ""})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        groups = pd.concat(
            [canonical_groups(note, f, config=TracingConfig()) for f in ("frein", "proposition")]
        )
        work = build_fiches(note, DECIDIM_THEMES, documents=documents, groups=groups)[0]
    assert not work.recurrence_counted
    assert [i.n_documents for i in work.obstacles] == [1]
    assert [(i.n_documents, i.n_segments) for i in work.proposals] == [(1, 3)]
    markdown = fiche_to_markdown(work)
    assert "## Freins relevés" in markdown and "## Propositions relevées" in markdown
    assert "récurrent" not in markdown
    assert "*Un seul document : pas de récurrence à compter" in markdown
    # several contributions: the same groups are counted, the one-offs left out
    several = build_fiches(segments, DECIDIM_THEMES, documents=decidim[0], groups=decidim[2])[0]
    assert several.recurrence_counted and "## Freins récurrents" in fiche_to_markdown(several)


def test_several_concertations_keep_counting_concertations(fiches) -> None:
    police = by_theme(fiches, 0)
    assert police.recurrence_unit == schema.CONCERTATION_ID and police.recurrence_note == ""
    assert all(i.n_units == i.n_concertations for i in police.obstacles)
    markdown = fiche_to_markdown(police)
    assert "contribution" not in markdown and "4 concertations, 4 villes" in markdown


@pytest.mark.slow
def test_the_decidim_export_fiches_list_what_contributions_raise(tmp_path, french_nlp) -> None:
    """End to end: the Decidim export as published, through pipeline.run (about 10 s)."""
    from pathlib import Path

    from analysis import pipeline
    from analysis.config import load_config
    from analysis.corpus import load_corpus

    root = Path(__file__).parents[2]
    config = load_config(root / "analysis.toml").replace("cache", dir=str(tmp_path))
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        documents = load_corpus(
            root / "tests" / "data" / "real" / "lille-propositions-decidim.csv",
            text_column="body",
            id_column="id",
        )
        results = pipeline.run(config, documents=documents, progress=False)
    # no city, no date: said once by the loader, with what it means, not again by tracing
    dates = [str(w.message) for w in said if "date" in str(w.message).lower()]
    assert len(dates) == 1 and "hors des cartes et des spécificités par ville" in dates[0]
    assert not any("Une seule valeur de « ville »" in str(w.message) for w in said)
    assert results.tables.obstacles[schema.N_DOCUMENTS].min() >= 2
    assert (results.tables.proposals["recurrence_unit"] == schema.DOC_ID).all()
    listed = [i for f in results.fiches for i in (*f.obstacles, *f.proposals)]
    assert len(listed) >= 10 and all(i.n_documents >= 2 for i in listed)
    assert any(f.obstacles for f in results.fiches) and any(f.proposals for f in results.fiches)
    markdown = "\n".join(fiche_to_markdown(f) for f in results.fiches)
    assert re.search(r"soulevé dans \d+ contributions", markdown)
    assert re.search(r"soulevée dans \d+ contributions", markdown)
    assert "la récurrence est comptée sur les contributions" in markdown
    # the first five proposals of each fiche are named by sentences that propose (issue 14):
    # read alone, none is a finding, a frein, a heading or a sentence about the meeting
    from analysis.config import FunctionsConfig
    from analysis.roles import classify_functions, doc_lemmas

    named = [item.label for f in results.fiches for item in f.proposals[:5]]
    segments = role_segments(named)
    segments[schema.LEMMAS] = [doc_lemmas(doc) for doc in french_nlp.pipe(named)]
    read_alone = classify_functions(segments, french_nlp, config=FunctionsConfig())
    assert len(named) >= 10
    assert set(read_alone[schema.FUNCTION]) <= {schema.PROPOSITION, schema.DEMANDE}


def test_a_quote_names_its_document_even_when_titles_are_shared(real_dir) -> None:
    """A quote's source names one document: an IRaMuTeQ corpus titles its 140 texts by its
    file ("lille-propositions-iramuteq"): each is named by its id; two Decidim proposals both
    titled "Transition écologique" are told apart by their ids; a title of its own stays."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        iramuteq = load_corpus(real_dir / "lille-propositions-iramuteq.txt")
        decidim = load_corpus(
            real_dir / "lille-propositions-decidim.csv", text_column="body", id_column="id"
        )
    assert iramuteq[schema.TITLE].nunique() == 1
    named = document_titles(iramuteq)
    assert named == dict(zip(iramuteq[schema.DOC_ID], iramuteq[schema.DOC_ID], strict=True))
    named = document_titles(decidim)
    assert named["653"] == "Transition écologique (653)"
    assert named["664"] == "Transition écologique (664)"
    own = decidim.set_index(schema.DOC_ID)[schema.TITLE]
    shared = own.duplicated(keep=False)
    assert shared.sum() == 5
    assert all(named[doc] == title for doc, title in own[~shared].items())
    assert len(set(named.values())) == len(named)  # every quote names one document
