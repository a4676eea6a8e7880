"""Theme fiches: volume, recurring groups, quotes, extractive summary, changes over time."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

from analysis import schema
from analysis.config import SummariesConfig
from analysis.summaries import (
    ChangeItem,
    Fiche,
    SummariesError,
    SummariesWarning,
    build_fiches,
    change_line,
    fiche_sources,
    fiche_to_markdown,
    fiches_table,
    markdown_escape,
    volume_sentence,
)

CONCERTATIONS = {  # id: (city, date)
    "C01-nimes-2021": ("Nîmes", "2021-06-17"),
    "C03-toulouse-2022": ("Toulouse", "2022-01-21"),
    "C05-rennes-2022": ("Rennes", "2022-11-18"),
    "C08-montpellier-2024": ("Montpellier", "2024-02-09"),
    "C10-grenoble-2024": ("Grenoble", "2024-11-29"),
}

# (concertation, theme, function, canonical group, text); one document per concertation
PARAGRAPHS = [
    (
        "C01-nimes-2021",
        0,
        "frein",
        "F01",
        "Les communes se livrent une concurrence sévère pour recruter des policiers municipaux : "
        "un agent formé aux frais de la ville part souvent chez le voisin au bout de deux ans.",
    ),
    (
        "C01-nimes-2021",
        0,
        "frein",
        "F-arm",
        "Le débat sur l'armement des policiers municipaux divise encore les élus, qui hésitent "
        "à doter les agents de nuit d'armes létales sans doctrine d'emploi claire.",
    ),
    (
        "C01-nimes-2021",
        1,
        "frein",
        "F03",
        "Le financement des adultes-relais reste annuel et précaire : les médiateurs sociaux, "
        "faute de visibilité sur leur poste, quittent le dispositif dès qu'ils le peuvent.",
    ),
    (
        "C01-nimes-2021",
        1,
        "bonne pratique",
        "",
        "Dans un quartier prioritaire du nord de la ville, les médiateurs de nuit vont au-devant "
        "des jeunes dans les halls et ont fait baisser nettement les tensions avec les habitants.",
    ),
    (
        "C01-nimes-2021",
        -1,
        "autre",
        "",
        "Merci à toutes et à tous pour votre participation à cette journée.",
    ),
    (
        "C03-toulouse-2022",
        0,
        "frein",
        "F01",
        "Former un policier municipal coûte cher à la commune, et rien n'empêche une ville plus "
        "attractive de le recruter dès la fin de sa formation initiale.",
    ),
    (
        "C03-toulouse-2022",
        0,
        "frein",
        "F-arm",
        "L'armement des agents de police municipale reste une question sensible : sans doctrine "
        "d'emploi partagée, les élus repoussent la décision d'année en année.",
    ),
    (
        "C03-toulouse-2022",
        0,
        "proposition",
        "P01",
        "Les participants proposent de mutualiser la formation initiale des policiers municipaux "
        "à l'échelle intercommunale et d'imposer le remboursement des frais par la commune qui "
        "recrute un agent déjà formé.",
    ),
    (
        "C03-toulouse-2022",
        2,
        "frein",
        "F04",
        "Les services municipaux offrent trop peu de postes de travail d'intérêt général et les "
        "tuteurs formés et disponibles manquent pour encadrer les tigistes.",
    ),
    (
        "C05-rennes-2022",
        0,
        "frein",
        "F01",
        "La fidélisation des policiers municipaux est le premier souci des maires : les agents "
        "formés partent vers les communes voisines qui offrent de meilleures primes.",
    ),
    (
        "C05-rennes-2022",
        0,
        "constat",
        "",
        "Les effectifs de police municipale ont augmenté de 12 % en trois ans dans la métropole, "
        "avec des patrouilles désormais présentes en soirée dans les quartiers.",
    ),
    (
        "C05-rennes-2022",
        1,
        "frein",
        "F03",
        "Les postes d'adultes-relais sont financés année après année, par appels à projets : ce "
        "financement précaire pousse les médiateurs sociaux expérimentés à partir.",
    ),
    (
        "C05-rennes-2022",
        1,
        "proposition",
        "P03",
        "Il faut des conventions pluriannuelles de financement de la médiation sociale, sur trois "
        "ans, pour stabiliser les équipes de médiateurs.",
    ),
    (
        "C08-montpellier-2024",
        0,
        "frein",
        "F01",
        "Recruter des policiers municipaux devient un casse-tête : après deux ans de formation "
        "payée par la commune, les agents rejoignent une ville voisine mieux dotée.",
    ),
    (
        "C08-montpellier-2024",
        0,
        "proposition",
        "P01",
        "Une formation mutualisée des policiers municipaux au niveau régional, avec une "
        "indemnisation de la commune formatrice par la commune qui recrute, est proposée.",
    ),
    (
        "C08-montpellier-2024",
        0,
        "bonne pratique",
        "",
        "La brigade de nuit de la police municipale, créée l'an dernier, patrouille avec les "
        "médiateurs et a réduit de moitié les appels pour tapage nocturne.",
    ),
    (
        "C10-grenoble-2024",
        0,
        "proposition",
        "P01",
        "Mutualiser la formation des policiers municipaux entre communes de l'agglomération et "
        "faire rembourser la formation par la commune qui recrute un agent formé ailleurs.",
    ),
    (
        "C10-grenoble-2024",
        0,
        "constat",
        "",
        "Les patrouilles de nuit de la police municipale se sont étendues aux parcs et aux "
        "abords des gares, à la demande des habitants.",
    ),
    (
        "C10-grenoble-2024",
        2,
        "frein",
        "F04",
        "Trop peu de postes de TIG sont proposés par les services de la ville, faute de tuteurs "
        "formés et disponibles pour accueillir les personnes condamnées.",
    ),
]

THEMES = pd.DataFrame(
    {
        schema.THEME_ID: [0, 1, 2],
        schema.LABEL: ["Polices municipales", "Médiation sociale", "Travail d'intérêt général"],
        schema.KEYWORDS: [
            ["policier_municipal", "formation", "recruter"],
            "médiateur, adulte_relais, financement",
            ["tig", "tuteur"],
        ],
    }
)


def fake_lemmas(text: str) -> str:
    """Lower-cased words of three letters or more (enough for the tests' vocabulary)."""
    return " ".join(w.lower() for w in re.findall(r"[^\W\d_]{3,}", text))


def french_corpus() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (documents, segments, groups) of a small fictional French corpus."""
    documents = pd.DataFrame(
        {
            schema.DOC_ID: [f"{c}-synthese" for c in CONCERTATIONS],
            schema.CONCERTATION_ID: list(CONCERTATIONS),
            schema.CITY: [city for city, _ in CONCERTATIONS.values()],
            schema.DATE: pd.to_datetime([date for _, date in CONCERTATIONS.values()]),
            schema.DOC_TYPE: "synthese",
            schema.TITLE: [
                f"Concertation territoriale de {city} : synthèse"
                for city, _ in CONCERTATIONS.values()
            ],
            schema.TEXT: "",
            schema.SOURCE: "",
        }
    )
    rows, paragraph = [], dict.fromkeys(CONCERTATIONS, 0)
    for concertation, theme, function, canonical, text in PARAGRAPHS:
        city, date = CONCERTATIONS[concertation]
        number = paragraph[concertation]
        paragraph[concertation] += 1
        rows.append(
            {
                schema.SEGMENT_ID: f"{concertation}-synthese#p{number:03d}s00",
                schema.DOC_ID: f"{concertation}-synthese",
                schema.CONCERTATION_ID: concertation,
                schema.CITY: city,
                schema.DATE: pd.Timestamp(date),
                schema.POSITION: number,
                schema.PARAGRAPH: number,
                schema.TEXT: text,
                schema.LEMMAS: fake_lemmas(text),
                schema.THEME_ID: theme,
                schema.FUNCTION: function,
                "canonical": canonical,
            }
        )
    segments = pd.DataFrame(rows)
    groups = []
    for canonical, part in segments[segments["canonical"] != ""].groupby("canonical"):
        if part[schema.FUNCTION].iloc[0] == "bonne pratique":
            continue
        groups.append(
            {
                "group_id": canonical,
                schema.THEME_ID: int(part[schema.THEME_ID].iloc[0]),
                schema.LABEL: f"groupe {canonical}",
                schema.FUNCTION: part[schema.FUNCTION].iloc[0],
                "segment_ids": list(part[schema.SEGMENT_ID]),
                schema.N_CONCERTATIONS: 99,  # wrong on purpose: fiches count the segments
            }
        )
    return documents, segments.drop(columns="canonical"), pd.DataFrame(groups)


@pytest.fixture(scope="module")
def corpus() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return french_corpus()


@pytest.fixture(scope="module")
def fiches(corpus) -> list[Fiche]:
    documents, segments, groups = corpus
    return build_fiches(segments, THEMES, documents=documents, groups=groups)


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
    for number, concertation in enumerate(CONCERTATIONS):
        city, date = CONCERTATIONS[concertation]
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
    police = by_theme(build_fiches(grown, THEMES, documents=documents, groups=groups), 0)
    new_terms = {c.label for c in police.new_items if c.kind == "term"}
    assert "rançongiciel" in new_terms
    assert "territoire" not in new_terms


def test_sentence_labels_do_not_double_their_punctuation() -> None:
    change = ChangeItem(
        "frein", "Les agents formés partent vers les communes voisines.", "faded", 3, 0, ("a",)
    )
    assert change_line(change) == (
        "Estompé (frein)\u00a0: Les agents formés partent vers les communes voisines "
        "(3 concertations avant, 0 depuis)"
    )
    unfinished = ChangeItem("term", "vidéoprotection...", "new", 0, 2, ("b",))
    assert "vidéoprotection... (0 concertation avant, 2 depuis)" in change_line(unfinished)


def test_compare_since_moves_the_split(corpus) -> None:
    documents, segments, groups = corpus
    config = SummariesConfig(compare_since="2024-01-01")
    police = build_fiches(segments, THEMES, documents=documents, groups=groups, config=config)[0]
    assert police.split_date.isoformat() == "2024-01-01"
    assert police.period_note.startswith("Avant janvier 2024 (3 concertations)")


def test_without_groups_the_fiche_says_so(corpus) -> None:
    documents, segments, _ = corpus
    fiche = build_fiches(segments, THEMES, documents=documents)[0]
    assert fiche.obstacles == () and fiche.proposals == ()
    markdown = fiche_to_markdown(fiche)
    assert "Aucun frein récurrent identifié" in markdown
    assert "Aucune proposition récurrente identifiée" in markdown


def test_a_single_concertation_gives_a_complete_fiche(corpus) -> None:
    documents, segments, groups = corpus
    one = segments[segments[schema.CONCERTATION_ID] == "C01-nimes-2021"]
    docs = documents[documents[schema.CONCERTATION_ID] == "C01-nimes-2021"]
    with pytest.warns(SummariesWarning, match=r"absent\(s\) de la table des segments"):
        fiches = build_fiches(one, THEMES, documents=docs, groups=groups)
    police = fiches[0]
    assert police.volume == "Cité dans 1 concertation sur 1, 1 ville, en juin 2021."
    assert police.split_date is None and police.new_items == () and police.faded_items == ()
    assert "une seule période" in fiche_to_markdown(police)
    assert by_theme(fiches, 2).n_segments == 0
    assert by_theme(fiches, 2).volume == "Aucun segment n'est classé dans ce thème."


def test_markdown_is_french_and_cites_its_sources(fiches) -> None:
    markdown = fiche_to_markdown(by_theme(fiches, 0))
    assert markdown.startswith("# Polices municipales\n")
    for heading in (
        "## Freins récurrents",
        "## Propositions récurrentes",
        "## Citations",
        "## Résumé extractif",
        "## Ce qui change",
        "## Bonnes pratiques",
    ):
        assert heading in markdown
    assert "Montpellier, 9 février 2024, paragraphe" in markdown
    assert "**groupe F01**\u00a0: 4 concertations, 4 villes (Montpellier, Nîmes, Rennes" in markdown


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("un *vrai* problème", "un \\*vrai\\* problème"),
        ("ligne\nsuivante", "ligne suivante"),
    ],
)
def test_markdown_escapes_corpus_text(text, escaped) -> None:
    assert markdown_escape(text) == escaped


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            (7, 12, 9, "2022-01-10", "2024-04-02"),
            "Cité dans 7 concertations sur 12, 9 villes, de janvier 2022 à avril 2024.",
        ),
        (
            (1, 12, 1, "2021-06-17", "2021-06-17"),
            "Cité dans 1 concertation sur 12, 1 ville, en juin 2021.",
        ),
        ((2, 3, 2, None, None), "Cité dans 2 concertations sur 3, 2 villes, date inconnue."),
        (
            (3, 12, 3, "2021-10-08", "2022-05-13"),
            "Cité dans 3 concertations sur 12, 3 villes, d’octobre 2021 à mai 2022.",
        ),
    ],
)
def test_volume_sentence(args, sentence) -> None:
    assert volume_sentence(*args) == sentence


def test_same_fiches_whatever_the_row_order(corpus, fiches) -> None:
    documents, segments, groups = corpus
    shuffled = segments.sample(frac=1.0, random_state=3)
    again = build_fiches(shuffled, THEMES.iloc[::-1], documents=documents, groups=groups)
    assert again == fiches
    assert [fiche_to_markdown(f) for f in again] == [fiche_to_markdown(f) for f in fiches]


def test_sources_table_lists_every_counted_segment(fiches) -> None:
    sources = fiche_sources(fiches)
    volume = sources[sources[schema.FICHE_SECTION] == "volume"]
    assert len(volume) == sum(f.n_segments for f in fiches)
    assert set(sources[schema.FICHE_SECTION]) >= {"volume", "frein", "proposition", "citation"}
    table = fiches_table(fiches)
    assert list(table[schema.N_SEGMENTS]) == [f.n_segments for f in fiches]


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
        build_fiches(segments, THEMES, documents=documents, config=config)


def test_duplicated_segment_ids_are_an_error(corpus) -> None:
    documents, segments, _ = corpus
    doubled = pd.concat([segments, segments.iloc[:1]])
    with pytest.raises(SummariesError, match="répète segment_id"):
        build_fiches(doubled, THEMES, documents=documents)


def test_missing_column_is_named(corpus) -> None:
    documents, segments, _ = corpus
    with pytest.raises(schema.SchemaError, match="'city'"):
        build_fiches(segments.drop(columns=schema.CITY), THEMES, documents=documents)


def test_segments_of_an_unknown_theme_are_reported(corpus) -> None:
    documents, segments, _ = corpus
    with pytest.warns(SummariesWarning, match="theme_id 2"):
        fiches = build_fiches(segments, THEMES.iloc[:2], documents=documents)
    assert [f.theme_id for f in fiches] == [0, 1]


def test_unanswered_freins_are_marked_from_links(corpus) -> None:
    documents, segments, groups = corpus
    links = pd.DataFrame({"obstacle_group_id": ["F01"], "proposal_group_id": ["P01"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        police = build_fiches(segments, THEMES, documents=documents, groups=groups, links=links)[0]
    answered = {g.group_id: g.answered for g in police.obstacles}
    assert answered == {"F01": True, "F-arm": False}
    assert "aucune proposition n'y répond" in fiche_to_markdown(police).lower()


def test_group_labels_lose_their_list_bullet(corpus) -> None:
    documents, segments, groups = corpus
    bulleted = groups.assign(label="- Recruter et garder\nles policiers municipaux")
    police = build_fiches(segments, THEMES, documents=documents, groups=bulleted)[0]
    assert police.obstacles[0].label == "Recruter et garder les policiers municipaux"


# --- a single concertation (a platform export): recurrence over contributions -------------------

# (doc_id, paragraph, theme, function, text, lemmas): sentences of the Decidim export of Lille's
# Grand Débat (tests/data/real/lille-propositions-decidim.csv: one consultation, no city, no
# date), lemmas written by hand as the nlp module gives them
# fmt: off
DECIDIM = [
    ("436", 0, 0, "frein", "Trop d'entreprises de la sorte imposent aux travailleurs précaire de s'inscrire à des dizaines de sociétés au grés de leurs contrat CDD/Intérim.", "entreprise sorte imposer travailleur précaire société gré contrat cdd intérim"),  # noqa: E501
    ("449", 1, 0, "frein", "Ce type de situation est pénalisante pour les personnes en contrat court de type CDD/Intérim qui ont besoin de cet argent.", "pénaliser personne contrat court cdd intérim argent"),  # noqa: E501
    ("449", 1, 0, "frein", "Les personnes ayant eu de nombreux CDD / intérim se retrouvent souvent avec 4 voire 5 PERCO bloqué.", "personne cdd intérim perco bloquer"),  # noqa: E501
    ("590", 0, 0, "frein", "Les entreprises sont friandes des contrats précaires au détriment des salariés.", "entreprise friand contrat précaire détriment salarié"),  # noqa: E501
    ("600", 0, 0, "proposition", "Tous les revenus doivent être déclarés et rentrer dans la base imposable, les heures supplémentaires, les allocations familiales, les salaires des assistantes maternelles...", "revenu déclarer base imposable heure supplémentaire allocation familial salaire"),  # noqa: E501
    ("697", 1, 0, "proposition", "Les revenus produits par cette heure supplémentaire seraient versés à l'état si le salarié perçoit un revenu déjà confortable sinon ils rejoignent ses revenus et ils sont soumis aux cotisations.", "revenu produire heure supplémentaire verser salarié percevoir revenu confortable cotisation"),  # noqa: E501
    ("772", 0, 0, "proposition", "Assurer à chacun que les revenus de son travail, à temps plein, lui permette de vivre décemment", "assurer revenu travail temps plein vivre décemment revenu"),  # noqa: E501
    ("755", 0, 1, "proposition", "Le non cumul des mandats se doit donc d'être imposé.", "cumul mandat imposer"),  # noqa: E501
    ("373", 1, 1, "proposition", "Laisser les élus locaux (préfet, maire ?!) Définir les vitesses de circulation.", "laisser élu local préfet maire définir vitesse circulation"),  # noqa: E501
]
# fmt: on
DECIDIM_THEMES = pd.DataFrame(
    {schema.THEME_ID: [0, 1], schema.LABEL: ["Travail et revenus", "Élus et institutions"]}
)


def decidim_corpus() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(documents, segments, groups) of one consultation, the groups from tracing."""
    from analysis.config import TracingConfig
    from analysis.tracing import canonical_groups

    segments = pd.DataFrame(
        [
            {
                schema.SEGMENT_ID: f"{doc}#p{paragraph:03d}s{index:02d}",
                schema.DOC_ID: doc,
                schema.CONCERTATION_ID: "",
                schema.CITY: "",
                schema.DATE: pd.NaT,
                schema.PARAGRAPH: paragraph,
                schema.TEXT: text,
                schema.LEMMAS: lemmas,
                schema.THEME_ID: theme,
                schema.FUNCTION: function,
            }
            for index, (doc, paragraph, theme, function, text, lemmas) in enumerate(DECIDIM)
        ]
    )
    documents = pd.DataFrame(
        {
            schema.DOC_ID: ["373", "436", "449", "590", "600", "697", "755", "772", "801"],
            schema.CONCERTATION_ID: "",
            schema.TITLE: "Proposition",
        }
    )
    config = TracingConfig(min_concertations=1)  # every group: the fiches choose
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        groups = [canonical_groups(segments, f, config=config) for f in ("frein", "proposition")]
    return documents, segments, pd.concat(groups, ignore_index=True)


@pytest.fixture(scope="module")
def decidim() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return decidim_corpus()


def test_a_single_concertation_lists_what_most_contributions_raise(decidim) -> None:
    documents, segments, groups = decidim
    work = build_fiches(segments, DECIDIM_THEMES, documents=documents, groups=groups)[0]
    assert work.recurrence_unit == schema.DOC_ID
    assert [(i.n_documents, i.n_segments) for i in work.obstacles] == [(3, 4)]
    assert [i.n_documents for i in work.proposals] == [3]
    assert work.volume == "Cité dans 6 contributions sur 9, date inconnue."
    markdown = fiche_to_markdown(work)
    assert ": soulevé dans 3 contributions, 4 segments." in markdown
    assert ": soulevée dans 3 contributions, 3 segments." in markdown
    assert "*Une seule concertation : la récurrence est comptée sur les contributions" in markdown
    assert "Aucun frein récurrent" not in markdown and "concertation," not in markdown
    # one quote per contribution before a second one of the same contribution
    quoted = [q.doc_id for q in work.quotes]
    assert len(set(quoted[:3])) == 3


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


def test_several_concertations_keep_counting_concertations(fiches) -> None:
    police = by_theme(fiches, 0)
    assert police.recurrence_unit == schema.CONCERTATION_ID and police.recurrence_note == ""
    assert all(i.n_units == i.n_concertations for i in police.obstacles)
    markdown = fiche_to_markdown(police)
    assert "contribution" not in markdown and "4 concertations, 4 villes" in markdown


@pytest.mark.slow
def test_the_decidim_export_fiches_list_what_contributions_raise(tmp_path) -> None:
    """End to end: the Decidim export as published, through pipeline.run (about 10 s)."""
    from pathlib import Path

    from analysis import pipeline
    from analysis.config import load_config
    from analysis.corpus import load_corpus

    root = Path(__file__).parents[1]
    config = load_config(root / "analysis.toml").replace("cache", dir=str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(
            root / "tests" / "data" / "real" / "lille-propositions-decidim.csv",
            text_column="body",
            id_column="id",
        )
        results = pipeline.run(config, documents=documents, progress=False)
    assert results.tables["obstacles"][schema.N_DOCUMENTS].min() >= 2
    assert (results.tables["proposals"]["recurrence_unit"] == schema.DOC_ID).all()
    listed = [i for f in results.fiches for i in (*f.obstacles, *f.proposals)]
    assert len(listed) >= 10 and all(i.n_documents >= 2 for i in listed)
    assert any(f.obstacles for f in results.fiches) and any(f.proposals for f in results.fiches)
    markdown = "\n".join(fiche_to_markdown(f) for f in results.fiches)
    assert re.search(r"soulevé dans \d+ contributions", markdown)
    assert re.search(r"soulevée dans \d+ contributions", markdown)
    assert "la récurrence est comptée sur les contributions" in markdown
