"""Builders of the small tables the tests share (pytest finds this module: pythonpath = tests)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import pandas as pd

from analysis import schema

# --- segments for tracing (tests/tracing) ---------------------------------------------------------

TRACING_CONCERTATIONS = {  # id: (city, date)
    "C1": ("Nîmes", "2021-06-17"),
    "C2": ("Rennes", "2022-11-18"),
    "C3": ("Lille", "2023-09-22"),
    "C4": ("Metz", "2025-09-26"),
}

# (concertation, theme, function, text, lemmas) of four concertations: the lemmas are written by
# hand as the nlp module would give them (content words, lower case, expressions joined by "_").
# fmt: off
TRACING_ROWS = [
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


def tracing_segments(
    rows: list[tuple[str, str, str, str, str]] = TRACING_ROWS,
) -> pd.DataFrame:
    """A small segments table with the columns the pipeline gives tracing: one document and
    one paragraph per row, each concertation in its city at its date."""
    records = []
    for index, (concertation, theme, function, text, lemmas) in enumerate(rows):
        city, date = TRACING_CONCERTATIONS[concertation]
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


# (doc_id, paragraph, theme, function, text, lemmas): sentences of the Decidim export of Lille's
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


def platform_segments(
    rows: list[tuple[str, int, Any, str, str, str]] = DECIDIM_ROWS,
    concertation: object = "",
    *,
    theme_labels: bool = True,
) -> pd.DataFrame:
    """Segments of one consultation as a platform export gives them: no city, no date, the
    same (empty) concertation for every contribution; ``theme_label`` repeats the theme id
    (``theme_labels=False``: no such column)."""
    records = [
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
            **({schema.THEME_LABEL: theme} if theme_labels else {}),
            schema.FUNCTION: function,
        }
        for index, (doc, paragraph, theme, function, text, lemmas) in enumerate(rows)
    ]
    return pd.DataFrame(records)


def skewed_segments() -> pd.DataFrame:
    """Four cities; "cyber" is mostly in Metz (for specificities)."""
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


def quiet(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``function`` ignoring the warnings a test does not look at."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


# --- a French corpus for the fiches (tests/summaries, tests/export) -------------------------------

FICHE_CONCERTATIONS = {  # id: (city, date)
    "C01-nimes-2021": ("Nîmes", "2021-06-17"),
    "C03-toulouse-2022": ("Toulouse", "2022-01-21"),
    "C05-rennes-2022": ("Rennes", "2022-11-18"),
    "C08-montpellier-2024": ("Montpellier", "2024-02-09"),
    "C10-grenoble-2024": ("Grenoble", "2024-11-29"),
}

# (concertation, theme, function, canonical group, text) of a small fictional French corpus for the
# fiches (tests/summaries, tests/export); one document per concertation
FICHE_PARAGRAPHS = [
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

FICHE_THEMES = pd.DataFrame(
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
            schema.DOC_ID: [f"{c}-synthese" for c in FICHE_CONCERTATIONS],
            schema.CONCERTATION_ID: list(FICHE_CONCERTATIONS),
            schema.CITY: [city for city, _ in FICHE_CONCERTATIONS.values()],
            schema.DATE: pd.to_datetime([date for _, date in FICHE_CONCERTATIONS.values()]),
            schema.DOC_TYPE: "synthese",
            schema.TITLE: [
                f"Concertation territoriale de {city} : synthèse"
                for city, _ in FICHE_CONCERTATIONS.values()
            ],
            schema.TEXT: "",
            schema.SOURCE: "",
        }
    )
    rows, paragraph = [], dict.fromkeys(FICHE_CONCERTATIONS, 0)
    for concertation, theme, function, canonical, text in FICHE_PARAGRAPHS:
        city, date = FICHE_CONCERTATIONS[concertation]
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


DECIDIM_THEMES = pd.DataFrame(
    {schema.THEME_ID: [0, 1], schema.LABEL: ["Travail et revenus", "Élus et institutions"]}
)
_DECIDIM_THEME_IDS = {"travail": 0, "institutions": 1, "transport": 1}


def decidim_corpus() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(documents, segments, groups) of one consultation for the fiches: the freins and
    proposals of ``DECIDIM_ROWS`` but the road-speed frein, the groups from tracing."""
    from analysis.config import TracingConfig
    from analysis.tracing import canonical_groups

    rows = [
        (doc, paragraph, _DECIDIM_THEME_IDS[theme], function, text, lemmas)
        for doc, paragraph, theme, function, text, lemmas in DECIDIM_ROWS
        if function in (schema.FREIN, schema.PROPOSITION)
        and (theme, function) != ("transport", schema.FREIN)
    ]
    segments = platform_segments(rows, theme_labels=False)
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


SCRIPT_TAG = "<script>alert('piège')</script>"
SPREADSHEET_FORMULA = '=HYPERLINK("http://example.org";"cliquez")'


def fiche_report(*, title_prefix: str = "") -> Any:
    """A :class:`~analysis.export.ReportInput` of the French corpus (names protection off):
    fiches, three tables, a figure; titles start with ``title_prefix``; one segment is a
    spreadsheet formula followed by a control character, one group label a ``<script>``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.config import ExportConfig
    from analysis.export import ReportInput
    from analysis.summaries import build_fiches

    documents, segments, groups = french_corpus()
    documents[schema.TITLE] = title_prefix + documents[schema.TITLE]
    segments[schema.THEME_LABEL] = segments[schema.THEME_ID].map(
        dict(zip(FICHE_THEMES[schema.THEME_ID], FICHE_THEMES[schema.LABEL], strict=True))
    )
    extra = segments.iloc[[4]].copy()  # a "hors thème" line a participant typed in a form
    extra[schema.SEGMENT_ID] = "C01-nimes-2021-synthese#p099s00"
    extra[schema.TEXT] = SPREADSHEET_FORMULA + "\x07"
    segments = pd.concat([segments, extra], ignore_index=True)
    recurrence = pd.DataFrame(
        {schema.THEME_ID: [0, 1], schema.FUNCTION: ["frein", "frein"], "n_concertations": [4, 2]}
    )
    obstacles = groups[groups[schema.FUNCTION] == "frein"].assign(label=SCRIPT_TAG)
    specificities = pd.DataFrame({"part": ["Nîmes"], "form": ["armement"], "specificity": [2.5]})
    figure, ax = plt.subplots(figsize=(3, 2))
    ax.bar(["Nîmes", "Rennes"], [3, 2])
    ax.set_title("Freins par ville")
    return ReportInput(
        documents=documents,
        segments=segments,
        themes=FICHE_THEMES,
        fiches=build_fiches(segments, FICHE_THEMES, documents=documents, groups=groups),
        tables={"recurrence": recurrence, "obstacles": obstacles, "specificities": specificities},
        figures={"Freins par ville": figure},
        config=ExportConfig(protect_names=False),
    )
