"""Tests of analysis.tracing: theme tables, recurrence, canonical groups, links, specificities."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy.stats import hypergeom

from analysis import schema, tracing
from analysis.cities import CitySpellingWarning, normalise_cities
from analysis.config import TracingConfig
from analysis.plots import (
    plot_obstacle_recurrence,
    plot_specificities,
    plot_theme_heatmap,
    plot_theme_trajectories,
)
from analysis.tracing import (
    NO_DATE,
    STATUS_ABSENT,
    EmptySelectionWarning,
    MissingDateWarning,
    SingleConcertationWarning,
    SmallCellsWarning,
    TracingError,
    canonical_groups,
    link_proposals,
    period_labels,
    recurrence,
    specificities,
    theme_by,
    theme_by_period,
    unanswered_obstacles,
)

matplotlib.use("Agg")

CONCERTATIONS = {
    "C1": ("Nîmes", "2021-06-17"),
    "C2": ("Rennes", "2022-11-18"),
    "C3": ("Lille", "2023-09-22"),
    "C4": ("Metz", "2025-09-26"),
}

# (concertation, theme, function, text, lemmas): the lemmas are written by hand as the nlp
# module would give them (content words, lower case, expressions joined by "_").
# fmt: off
ROWS = [
    ("C1", "pm", "frein", "Les communes peinent à recruter des policiers municipaux : les agents formés partent vers une ville voisine.", "commune recruter policier_municipal agent former partir ville voisin"),  # noqa: E501
    ("C2", "pm", "frein", "Le recrutement des policiers municipaux reste difficile, les agents formés aux frais de la commune partent.", "recrutement policier_municipal difficile agent former frais commune partir"),  # noqa: E501
    ("C3", "pm", "frein", "Recruter et garder des agents de police municipale : la commune forme, puis l'agent part ailleurs.", "recruter garder agent police municipal commune former agent partir"),  # noqa: E501
    ("C4", "pm", "frein", "Les villes se disputent les policiers municipaux ; un agent formé part souvent au bout de deux ans.", "ville disputer policier_municipal agent former partir"),  # noqa: E501
    ("C1", "pm", "proposition", "Mutualiser la formation des policiers municipaux et faire rembourser les frais par la commune qui recrute l'agent formé.", "mutualiser formation policier_municipal rembourser frais commune recruter agent former"),  # noqa: E501
    ("C3", "pm", "proposition", "Créer une formation commune aux polices municipales de l'agglomération, remboursée par la commune qui recrute.", "créer formation commun police municipal agglomération rembourser commune recruter"),  # noqa: E501
    ("C1", "radicalites", "frein", "Les maires ne sont pas informés par la préfecture des personnes suivies pour radicalisation.", "maire informer préfecture personne suivre radicalisation"),  # noqa: E501
    ("C2", "radicalites", "frein", "La préfecture n'informe pas le maire des personnes radicalisées suivies dans sa commune.", "préfecture informer maire personne radicaliser suivre commune"),  # noqa: E501
    ("C3", "cyber", "frein", "Les communes ne sont pas prêtes face aux rançongiciels : aucun plan de continuité, aucun RSSI.", "commune prêt rançongiciel plan continuité rssi"),  # noqa: E501
    ("C4", "cyber", "frein", "Face à une cyberattaque par rançongiciel, la plupart des communes n'ont ni RSSI ni plan de continuité.", "cyberattaque rançongiciel commune rssi plan continuité"),  # noqa: E501
    ("C2", "pm", "frein", "Les gilets pare-balles livrés l'an dernier sont trop lourds pour les patrouilles à vélo.", "gilet pare-balles livrer lourd patrouille vélo"),  # noqa: E501
    ("C2", "pm", "constat", "Les effectifs de police municipale ont augmenté de 20 % depuis 2016.", "effectif police municipal augmenter"),  # noqa: E501
    ("C4", "cyber", "constat", "Les escroqueries en ligne visant les seniors progressent fortement.", "escroquerie ligne viser senior progresser"),  # noqa: E501
    ("C3", "cyber", "bonne pratique", "La ville a organisé un exercice de crise cyber avec tous les services.", "ville organiser exercice crise cyber service"),  # noqa: E501
]
# fmt: on


def make_segments(rows: list[tuple[str, str, str, str, str]] = ROWS) -> pd.DataFrame:
    """A small segments table with the columns the pipeline gives tracing."""
    records = []
    for index, (concertation, theme, function, text, lemmas) in enumerate(rows):
        city, date = CONCERTATIONS[concertation]
        records.append(
            {
                schema.SEGMENT_ID: f"{concertation.lower()}-doc#p{index:03d}s00",
                schema.DOC_ID: f"{concertation.lower()}-doc",
                schema.CONCERTATION_ID: concertation,
                schema.CITY: city,
                schema.DATE: pd.Timestamp(date),
                schema.PARAGRAPH: index,
                schema.TEXT: text,
                schema.LEMMAS: lemmas,
                schema.THEME_ID: theme,
                schema.THEME_LABEL: theme.upper(),
                schema.FUNCTION: function,
            }
        )
    return pd.DataFrame(records)


@pytest.fixture()
def segments() -> pd.DataFrame:
    return make_segments()


def quiet(function, *args, **kwargs):
    """Call ``function`` ignoring the tracing warnings a test does not look at."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


# --- cities, dates, periods -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spellings", "kept"),
    [
        (["Clermont-Ferrand", "Clermont Ferrand", "Clermont-Ferrand"], "Clermont-Ferrand"),
        (["Clermont Ferrand", "Clermont-Ferrand"], "Clermont-Ferrand"),
        (["Saint-Étienne", "St Etienne", "saint etienne"], "Saint-Étienne"),
        (["Nimes", "Nîmes", "Nîmes "], "Nîmes"),
    ],
)
def test_normalise_cities_unifies_spellings_and_warns(spellings: list[str], kept: str) -> None:
    table = pd.DataFrame({schema.CITY: spellings})
    with pytest.warns(CitySpellingWarning, match="unifiée"):
        result = normalise_cities(table)
    assert result[schema.CITY].tolist() == [kept] * len(spellings)
    assert table[schema.CITY].tolist() == spellings  # the input is not modified


def test_normalise_cities_is_silent_when_nothing_changes() -> None:
    table = pd.DataFrame({schema.CITY: ["Metz", "Nancy", None]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = normalise_cities(table)
    assert result[schema.CITY].tolist()[:2] == ["Metz", "Nancy"]
    assert pd.isna(result[schema.CITY].iloc[2])


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("year", ["2023", "2024", NO_DATE]),
        ("semester", ["2023-S2", "2024-S1", NO_DATE]),
        ("quarter", ["2023-T4", "2024-T1", NO_DATE]),
    ],
)
def test_period_labels(period: str, expected: list[str]) -> None:
    dates = pd.Series(pd.to_datetime(["2023-11-30", "2024-02-09", None]))
    assert period_labels(dates, period).tolist() == expected


def test_period_labels_rejects_an_unknown_period() -> None:
    with pytest.raises(TracingError, match="period"):
        period_labels(pd.Series(pd.to_datetime(["2023-01-01"])), "month")


# --- theme tables -------------------------------------------------------------------------------


def test_theme_by_concertation_counts_shares_and_ids(segments: pd.DataFrame) -> None:
    table = theme_by(segments, schema.CONCERTATION_ID)
    themes, concertations = segments[schema.THEME_ID].nunique(), len(CONCERTATIONS)
    assert len(table) == themes * concertations  # complete grid, zeros included
    assert (table[schema.N_SEGMENTS] == table[schema.SEGMENT_IDS].str.len()).all()
    assert table[schema.N_SEGMENTS].sum() == len(segments)
    shares = table.groupby(schema.CONCERTATION_ID)[schema.SHARE].sum()
    assert np.allclose(shares, 1.0, atol=1e-3)
    cell = table[(table[schema.THEME_ID] == "pm") & (table[schema.CONCERTATION_ID] == "C2")]
    assert cell[schema.N_SEGMENTS].item() == 3
    assert cell[schema.THEME_LABEL].item() == "PM"


def test_theme_by_city_unifies_spellings(segments: pd.DataFrame) -> None:
    first_metz = segments.index[segments[schema.CITY] == "Metz"][0]
    segments.loc[first_metz, schema.CITY] = "METZ"
    with pytest.warns(CitySpellingWarning, match="METZ / Metz -> Metz"):
        table = theme_by(segments, schema.CITY)
    assert sorted(table[schema.CITY].unique()) == ["Lille", "Metz", "Nîmes", "Rennes"]
    assert table[table[schema.CITY] == "Metz"][schema.N_SEGMENTS].sum() == 3


def test_theme_by_period_puts_undated_segments_last(segments: pd.DataFrame) -> None:
    segments.loc[segments[schema.CONCERTATION_ID] == "C4", schema.DATE] = pd.NaT
    with pytest.warns(MissingDateWarning, match="C4"):
        table = theme_by_period(segments, "year")
    periods = list(dict.fromkeys(table[schema.PERIOD]))
    assert periods == ["2021", "2022", "2023", NO_DATE]


def test_theme_tables_do_not_depend_on_row_order(segments: pd.DataFrame) -> None:
    shuffled = segments.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(theme_by(segments), theme_by(shuffled))


# --- recurrence -------------------------------------------------------------------------------


def _status(table: pd.DataFrame, theme: str, function: str) -> str:
    row = table[(table[schema.THEME_ID] == theme) & (table[schema.FUNCTION] == function)]
    return row[schema.STATUS].item()


def test_recurrence_statuses(segments: pd.DataFrame) -> None:
    table = quiet(recurrence, segments, config=TracingConfig())
    assert _status(table, "pm", "frein") == schema.STATUS_PERSISTENT  # C1 to C4
    assert _status(table, "radicalites", "frein") == schema.STATUS_FADING  # C1, C2 only
    assert _status(table, "cyber", "frein") == schema.STATUS_NEW  # C3, C4 only
    assert _status(table, "cyber", "bonne pratique") == schema.STATUS_ONE_OFF
    assert _status(table, "radicalites", "proposition") == STATUS_ABSENT  # said, not hidden
    pm = table[(table[schema.THEME_ID] == "pm") & (table[schema.FUNCTION] == "frein")].iloc[0]
    assert pm[schema.N_CONCERTATIONS] == 4 and pm[schema.N_CITIES] == 4
    assert pm[schema.N_SEGMENTS] == len(pm[schema.SEGMENT_IDS]) == 5
    assert pm[schema.FIRST_DATE] == pd.Timestamp("2021-06-17")


def test_recurrence_fading_after_overrides_the_default_cut(segments: pd.DataFrame) -> None:
    table = quiet(recurrence, segments, config=TracingConfig(fading_after="2022-01-01"))
    assert _status(table, "radicalites", "frein") == schema.STATUS_PERSISTENT


def test_recurrence_of_a_single_concertation_counts_its_contributions() -> None:
    single = make_segments([r for r in ROWS if r[0] == "C2"])  # one document, too
    with pytest.warns(SingleConcertationWarning, match="Une seule concertation \\(« C2 »\\)"):
        table = recurrence(single, config=TracingConfig())
    assert (table[tracing.RECURRENCE_UNIT] == schema.DOC_ID).all()
    present = table[table[schema.N_SEGMENTS] > 0]
    assert (present[schema.N_DOCUMENTS] == 1).all()
    assert set(present[schema.STATUS]) == {schema.STATUS_ONE_OFF}  # one contribution each
    contributions = quiet(recurrence, decidim_segments(), config=TracingConfig())
    precarity = contributions[
        (contributions[schema.THEME_ID] == "travail") & (contributions[schema.FUNCTION] == "frein")
    ].iloc[0]
    assert precarity[schema.N_DOCUMENTS] == 3 and precarity[schema.N_CONCERTATIONS] == 1
    assert precarity[schema.STATUS] == schema.STATUS_UNDATED  # recurrent, but never dated


def test_recurrence_of_an_undated_concertation(segments: pd.DataFrame) -> None:
    segments.loc[segments[schema.CONCERTATION_ID] == "C4", schema.DATE] = pd.NaT
    with pytest.warns(MissingDateWarning):
        table = recurrence(segments, config=TracingConfig())
    pm = table[(table[schema.THEME_ID] == "pm") & (table[schema.FUNCTION] == "frein")].iloc[0]
    assert pm[schema.N_CONCERTATIONS] == 4  # counted...
    assert pm[schema.LAST_DATE] == pd.Timestamp("2023-09-22")  # ...but not dated


# --- canonical groups -------------------------------------------------------------------------


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
    first = segments.iloc[0]
    halves = pd.DataFrame([first, first]).reset_index(drop=True)
    halves[schema.SEGMENT_ID] = [first[schema.SEGMENT_ID], first[schema.SEGMENT_ID] + "b"]
    halves[schema.TEXT] = [
        "Les communes peinent à recruter des policiers municipaux :",
        "les agents formés partent vers une ville voisine.",
    ]
    halves[schema.LEMMAS] = ["commune recruter policier_municipal", "agent former partir ville"]
    table = pd.concat([halves, segments.iloc[1:]], ignore_index=True)
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


# --- a single concertation: recurrence over contributions ---------------------------------------

# (doc_id, paragraph, theme, function, text): sentences of the Decidim export of Lille's
# Grand Débat (tests/data/real/lille-propositions-decidim.csv: one consultation, no city, no
# concertation column), with lemmas written by hand as above
# fmt: off
DECIDIM_ROWS = [
    ("436", 0, "travail", "frein", "Trop d'entreprises de la sorte imposent aux travailleurs précaire de s'inscrire à des dizaines de sociétés au grés de leurs contrat CDD/Intérim.", "entreprise sorte imposer travailleur précaire société gré contrat cdd intérim"),  # noqa: E501
    ("449", 1, "travail", "frein", "Ce type de situation est pénalisante pour les personnes en contrat court de type CDD/Intérim qui ont besoin de cet argent.", "pénaliser personne contrat court cdd intérim argent"),  # noqa: E501
    ("449", 1, "travail", "frein", "Les personnes ayant eu de nombreux CDD / intérim se retrouvent souvent avec 4 voire 5 PERCO bloqué.", "personne cdd intérim perco bloquer"),  # noqa: E501
    ("590", 0, "travail", "frein", "Les entreprises sont friandes des contrats précaires au détriment des salariés.", "entreprise friand contrat précaire détriment salarié"),  # noqa: E501
    ("373", 0, "transport", "frein", "Une route sinueuse en montagne et peut pas être empruntée en sécurité a 80km/h mais u e route droite sur plusieurs dizaines de km, avec une excellente visibilité peut être empruntée bien plus rapidement.", "route sinueux montagne emprunter sécurité route droit dizaine visibilité emprunter rapidement"),  # noqa: E501
    ("600", 0, "travail", "proposition", "Tous les revenus doivent être déclarés et rentrer dans la base imposable, les heures supplémentaires, les allocations familiales, les salaires des assistantes maternelles...", "revenu déclarer base imposable heure supplémentaire allocation familial salaire"),  # noqa: E501
    ("697", 1, "travail", "proposition", "Les revenus produits par cette heure supplémentaire seraient versés à l'état si le salarié perçoit un revenu déjà confortable sinon ils rejoignent ses revenus et ils sont soumis aux cotisations.", "revenu produire heure supplémentaire verser salarié percevoir revenu confortable cotisation"),  # noqa: E501
    ("772", 0, "travail", "proposition", "Assurer à chacun que les revenus de son travail, à temps plein, lui permette de vivre décemment", "assurer revenu travail temps plein vivre décemment revenu"),  # noqa: E501
    ("755", 0, "institutions", "proposition", "Le non cumul des mandats se doit donc d'être imposé.", "cumul mandat imposer"),  # noqa: E501
    ("373", 1, "transport", "proposition", "Laisser les élus locaux (préfet, maire ?!) Définir les vitesses de circulation.", "laisser élu local préfet maire définir vitesse circulation"),  # noqa: E501
    ("755", 1, "institutions", "constat", "Le non cumul des mandats se doit donc d'être imposé.", "cumul mandat imposer"),  # noqa: E501
]
# fmt: on


def decidim_segments(concertation: object = "") -> pd.DataFrame:
    """Segments of one consultation as a platform export gives them: no city, no date, the
    same (empty) concertation for every contribution."""
    return pd.DataFrame(
        [
            {
                schema.SEGMENT_ID: f"{doc}#p{paragraph:03d}s{index:02d}",
                schema.DOC_ID: doc,
                schema.CONCERTATION_ID: concertation,
                schema.CITY: "",
                schema.DATE: pd.NaT,
                schema.PARAGRAPH: paragraph,
                schema.TEXT: text,
                schema.LEMMAS: lemmas,
                schema.THEME_ID: theme,
                schema.THEME_LABEL: theme,
                schema.FUNCTION: function,
            }
            for index, (doc, paragraph, theme, function, text, lemmas) in enumerate(DECIDIM_ROWS)
        ]
    )


@pytest.mark.parametrize(
    ("concertations", "doc_ids", "unit"),
    [
        (["C1", "C2", "C2"], ["a", "b", "c"], schema.CONCERTATION_ID),
        (["C1", "C1", "C1"], ["a", "b", "c"], schema.DOC_ID),
        (["", "", ""], ["a", "b", "c"], schema.DOC_ID),  # an export: no concertation column
        ([None, None, None], ["a", "b", "c"], schema.DOC_ID),
        (["", "C1", ""], ["a", "b", "c"], schema.CONCERTATION_ID),  # unnamed is one of two
        (["C1", "C1", "C1"], None, schema.CONCERTATION_ID),  # no documents to count
    ],
)
def test_recurrence_unit_is_decided_from_the_concertations(concertations, doc_ids, unit) -> None:
    table = pd.DataFrame({schema.CONCERTATION_ID: concertations})
    if doc_ids is not None:
        table[schema.DOC_ID] = doc_ids
    assert tracing.recurrence_unit(table) == unit


def test_a_single_concertation_groups_by_contributions() -> None:
    segments = decidim_segments()
    with pytest.warns(SingleConcertationWarning):
        freins = canonical_groups(segments, "frein", config=TracingConfig())
    assert tracing.unit_of(freins) == schema.DOC_ID
    assert list(freins.columns[-1:]) == [tracing.RECURRENCE_UNIT]
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
    segments = decidim_segments()
    config = TracingConfig(min_concertations=1)  # a threshold of contributions here
    groups = quiet(canonical_groups, segments, "frein", config=config)
    assert groups[schema.N_DOCUMENTS].tolist() == [3, 1]
    assert groups[schema.GROUP_ID].tolist() == ["frein-01", "frein-02"]
    alone = unanswered_obstacles(
        groups, link_proposals(groups, groups.iloc[:0], segments, config=config)
    )
    assert alone[schema.N_DOCUMENTS].tolist() == [3, 1]
    strict = quiet(canonical_groups, segments, "frein", config=TracingConfig(min_concertations=4))
    assert strict.empty and tracing.RECURRENCE_UNIT in strict.columns


def test_several_concertations_keep_their_tables(segments: pd.DataFrame) -> None:
    groups = quiet(canonical_groups, segments, "frein", config=TracingConfig())
    assert tracing.RECURRENCE_UNIT not in groups and schema.N_DOCUMENTS not in groups
    assert tracing.unit_of(groups) == schema.CONCERTATION_ID
    assert groups[schema.N_CONCERTATIONS].tolist() == [4, 2, 2]
    table = quiet(recurrence, segments, config=TracingConfig())
    assert tracing.RECURRENCE_UNIT not in table and schema.N_DOCUMENTS not in table


@pytest.mark.parametrize(
    ("concertation", "named"),
    [("", "aucune concertation nommée"), ("granddebatmel", "« granddebatmel »")],
)
def test_a_single_concertation_is_said_once_in_french(concertation, named) -> None:
    segments = decidim_segments(concertation)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        theme_by(segments)
        recurrence(segments, config=TracingConfig())
        for function in ("frein", "proposition", "bonne pratique"):
            canonical_groups(segments, function, config=TracingConfig())
    said = {str(w.message) for w in caught if w.category is SingleConcertationWarning}
    assert len(said) == 1  # five steps, one text: the command line says it once
    message = said.pop()
    assert f"Une seule concertation ({named})" in message
    assert "comptée sur les contributions" in message
    assert "--meta-columns concertation_id=" in message and "concertation:" in message
    assert "()" not in message


# --- links --------------------------------------------------------------------------------------


def test_links_and_unanswered_obstacles(segments: pd.DataFrame) -> None:
    config = TracingConfig()
    obstacles = quiet(canonical_groups, segments, "frein", config=config)
    proposals = quiet(canonical_groups, segments, "proposition", config=config)
    links = link_proposals(obstacles, proposals, segments, config=config)
    assert len(links) == 1
    link = links.iloc[0]
    recruitment = obstacles[obstacles[schema.THEME_ID] == "pm"][schema.GROUP_ID].item()
    assert link[schema.OBSTACLE_GROUP_ID] == recruitment
    assert {"formation", "former", "rembourser"} & set(link[schema.SHARED_TERMS]) or (
        "recruter" in link[schema.SHARED_TERMS]
    )
    alone = unanswered_obstacles(obstacles, links)
    assert sorted(alone[schema.THEME_ID]) == ["cyber", "radicalites"]


def test_links_respect_themes(segments: pd.DataFrame) -> None:
    config = TracingConfig()
    obstacles = quiet(canonical_groups, segments, "frein", config=config)
    proposals = quiet(canonical_groups, segments, "proposition", config=config)
    elsewhere = segments.assign(
        **{
            schema.THEME_ID: segments[schema.THEME_ID].where(
                segments[schema.FUNCTION] != "proposition", "autre_theme"
            )
        }
    )
    proposals = proposals.assign(**{schema.THEME_ID: "autre_theme"})
    assert link_proposals(obstacles, proposals, elsewhere, config=config).empty


def test_links_of_empty_groups_are_empty(segments: pd.DataFrame) -> None:
    obstacles = quiet(canonical_groups, segments, "frein", config=TracingConfig())
    empty = obstacles.iloc[0:0]
    links = link_proposals(obstacles, empty, segments, config=TracingConfig())
    assert links.empty
    assert len(unanswered_obstacles(obstacles, links)) == len(obstacles)


# --- specificities ------------------------------------------------------------------------------


def _skewed_segments() -> pd.DataFrame:
    """Four cities; "cyber" is mostly in Metz."""
    rows = []
    plan = {
        "Metz": {"cyber": 12, "pm": 3},
        "Lille": {"cyber": 1, "pm": 14},
        "Rennes": {"cyber": 1, "pm": 14},
        "Nîmes": {"cyber": 2, "pm": 13},
    }
    for city, counts in plan.items():
        for theme, count in counts.items():
            for k in range(count):
                rows.append(
                    {
                        schema.SEGMENT_ID: f"{city}-{theme}-{k:02d}",
                        schema.CITY: city,
                        schema.THEME_ID: theme,
                        schema.THEME_LABEL: theme,
                        schema.LEMMAS: f"{theme} commune",
                    }
                )
    return pd.DataFrame(rows)


def test_specificities_of_themes_follow_the_hypergeometric_law() -> None:
    table = quiet(
        specificities,
        _skewed_segments(),
        schema.CITY,
        unit="theme",
        config=TracingConfig(min_frequency=1),
    )
    cell = table[(table[schema.PART] == "Metz") & (table[schema.FORM] == "cyber")].iloc[0]
    expected_p = hypergeom.sf(12 - 1, 60, 16, 15)
    assert cell[schema.OBSERVED] == 12 and cell[schema.EXPECTED] == pytest.approx(4.0)
    assert cell[schema.SPECIFICITY] == pytest.approx(-np.log10(expected_p), abs=1e-3)
    assert cell[schema.SIGNIFICANT] and cell[schema.DIRECTION] == "over"
    assert len(cell[schema.SEGMENT_IDS]) == 12
    under = table[(table[schema.PART] == "Metz") & (table[schema.FORM] == "pm")].iloc[0]
    assert under[schema.SPECIFICITY] < 0 and under[schema.DIRECTION] == "under"
    testable = table[table[schema.TESTABLE]]
    assert (testable[schema.Q_VALUE] >= testable[schema.P_VALUE] - 1e-12).all()


def test_specificities_warn_about_cells_too_small_to_test() -> None:
    segments = _skewed_segments()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "cyber" (16 segments) and "pm" can both be tested
        specificities(segments, schema.CITY, unit="theme", config=TracingConfig())
    rare = segments.iloc[:3].assign(**{schema.THEME_ID: "rare", schema.LEMMAS: "rare"})
    with pytest.warns(SmallCellsWarning, match="trop petites pour être testées"):
        table = specificities(
            pd.concat([segments, rare]), schema.CITY, unit="theme", config=TracingConfig()
        )
    assert not table[table[schema.FORM] == "rare"][schema.TESTABLE].any()
    assert table[table[schema.FORM] == "rare"][schema.Q_VALUE].isna().all()


def test_specificities_of_lemmas_keep_testable_cells_only() -> None:
    table = quiet(
        specificities,
        _skewed_segments(),
        schema.CITY,
        unit="lemma",
        config=TracingConfig(min_frequency=5),
    )
    assert table[schema.TESTABLE].all()
    metz = table[(table[schema.PART] == "Metz") & (table[schema.FORM] == "cyber")].iloc[0]
    assert metz[schema.DIRECTION] == "over"


def test_specificities_of_a_single_part_say_there_is_nothing_to_compare() -> None:
    one_city = _skewed_segments().assign(**{schema.CITY: "Metz"})
    with pytest.warns(SingleConcertationWarning, match="rien à comparer"):
        table = specificities(one_city, schema.CITY, config=TracingConfig())
    assert table.empty


def test_specificities_reject_an_unknown_unit() -> None:
    with pytest.raises(TracingError, match="unit"):
        specificities(_skewed_segments(), schema.CITY, unit="word", config=TracingConfig())


# --- plots --------------------------------------------------------------------------------------


def test_tracing_plots_draw_on_the_given_axes(segments: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    config = TracingConfig()
    figure, axes = plt.subplots(2, 2)
    heatmap = plot_theme_heatmap(theme_by(segments), ax=axes[0, 0])
    assert heatmap is axes[0, 0] and len(heatmap.get_yticklabels()) == 3
    trajectories = plot_theme_trajectories(theme_by_period(segments), ax=axes[0, 1])
    assert len(trajectories.get_lines()) == 3
    groups = quiet(canonical_groups, segments, "frein", config=config)
    recurrence_axes = plot_obstacle_recurrence(groups, segments, ax=axes[1, 0])
    assert "4 villes" in recurrence_axes.get_yticklabels()[-1].get_text()
    assert {t.get_text() for t in recurrence_axes.texts} >= {"Nîmes", "Metz"}
    table = quiet(
        specificities, _skewed_segments(), schema.CITY, config=TracingConfig(min_frequency=1)
    )
    bars = plot_specificities(table, "Metz", ax=axes[1, 1])
    assert len(bars.patches) == 2
    plt.close(figure)


def test_tracing_plots_work_from_the_tables_alone(segments: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    groups = quiet(canonical_groups, segments, "frein", config=TracingConfig())
    axes = plot_obstacle_recurrence(groups)  # no segments: dots at the group's dates
    assert len(axes.collections) == len(groups)
    table = quiet(
        specificities, _skewed_segments(), schema.CITY, config=TracingConfig(min_frequency=1)
    )
    bars = plot_specificities(table, n_forms=3)  # all parts: "city : theme"
    assert any(t.get_text().startswith("Metz : ") for t in bars.get_yticklabels())
    plt.close("all")


def test_the_recurrence_of_a_single_concertation_is_drawn_as_bars() -> None:
    import matplotlib.pyplot as plt

    config = TracingConfig(min_concertations=1)
    groups = quiet(canonical_groups, decidim_segments(), "proposition", config=config)
    axes = plot_obstacle_recurrence(groups)
    assert [round(p.get_width()) for p in axes.patches] == sorted(groups[schema.N_DOCUMENTS])
    assert axes.get_xlabel() == "Nombre de contributions"
    assert "contributions" in axes.get_title() and "Propositions" in axes.get_title()
    assert not axes.collections  # no dots on a time axis, no 1970
    assert all("1970" not in t.get_text() for t in axes.get_xticklabels())
    plt.close("all")


def test_undated_concertations_are_drawn_as_bars(segments: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    undated = segments.assign(**{schema.DATE: pd.NaT})
    groups = quiet(canonical_groups, undated, "frein", config=TracingConfig())
    axes = plot_obstacle_recurrence(groups, undated)
    assert [round(p.get_width()) for p in axes.patches] == [2, 2, 4]  # bottom to top
    assert axes.get_xlabel() == "Nombre de concertations"
    plt.close("all")


def test_no_group_is_no_figure(segments: pd.DataFrame) -> None:
    from analysis.plots import NothingToPlot

    groups = quiet(canonical_groups, segments, "demande", config=TracingConfig())
    with pytest.raises(NothingToPlot, match="aucun frein"):
        plot_obstacle_recurrence(groups)


def test_hypergeometric_tails_match_scipy_even_where_they_underflow() -> None:
    from scipy.stats import hypergeom

    # a large corpus: words far more (and far less) frequent in one city than expected
    k = np.array([0, 3, 40, 900, 2500, 10])
    form_total = np.array([50, 50, 60, 3000, 3000, 3000])
    part_size = np.array([1000, 1000, 900, 40000, 40000, 40000])
    total = 400_000
    over, under = tracing._log_tails(k, total, form_total, part_size)
    assert over[3] < np.log(1e-200) and under[5] < np.log(1e-100)  # summed in log space
    np.testing.assert_allclose(
        over, hypergeom.logsf(k - 1, total, form_total, part_size), rtol=1e-8, atol=1e-8
    )
    np.testing.assert_allclose(
        under, hypergeom.logcdf(k, total, form_total, part_size), rtol=1e-8, atol=1e-8
    )


def test_the_lemma_space_gives_scikit_learns_tf_idf_exactly(corpus_dir) -> None:
    """The space counts terms once per distinct token: the vectors must be scikit-learn's own,
    to the last bit (a different rounding could move a statement across the threshold)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.corpus import load_corpus

    texts = quiet(load_corpus, corpus_dir)[schema.TEXT].tolist()
    paragraphs = [p for text in texts for p in text.split("\n") if p.strip()]
    # lemma-like strings: lower-case words, some pairs joined as expressions
    lemmas = [
        " ".join(w if i % 7 else f"{w}_{w[::-1]}" for i, w in enumerate(p.lower().split()))
        for p in paragraphs
    ]
    assert len(lemmas) > 500 and any("_" in text for text in lemmas)
    space = tracing._LemmaSpace(lemmas[:400])
    words = TfidfVectorizer(analyzer=tracing.lemma_terms, sublinear_tf=True).fit(lemmas[:400])
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5), sublinear_tf=True)
    chars.fit([tracing._spaced(t) for t in lemmas[:400]])
    assert space.terms.tolist() == words.get_feature_names_out().tolist()
    # statements join several segments; texts never seen bring unknown tokens
    statements = [" ".join(lemmas[i : i + 3]) for i in range(0, len(lemmas), 3)]
    expected = np.hstack(
        [
            words.transform(statements).toarray() * np.sqrt(0.5),
            chars.transform([tracing._spaced(t) for t in statements]).toarray() * np.sqrt(0.5),
        ]
    )
    assert np.array_equal(space.transform(statements).toarray(), expected)
    plain = tracing._LemmaSpace(lemmas[:400], char_ngrams=False)
    assert np.array_equal(
        plain.transform(statements).toarray(), words.transform(statements).toarray()
    )
