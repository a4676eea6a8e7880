"""Builders of the small tables the tests share (pytest finds this module: pythonpath = tests)."""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import pandas as pd
import pytest

from analysis import schema
from analysis.config import FunctionsConfig
from analysis.corpus import CorpusWarning, load_corpus

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


def first_segment_halved(
    segments: pd.DataFrame, texts: list[str], lemmas: list[str], **columns: list[object]
) -> pd.DataFrame:
    """``segments`` whose first row is cut into two segments of the same paragraph, with these
    texts, lemmas and other ``columns`` (the second half's id ends in "b")."""
    first = segments.iloc[0]
    halves = pd.DataFrame([first, first]).reset_index(drop=True)
    halves[schema.SEGMENT_ID] = [first[schema.SEGMENT_ID], first[schema.SEGMENT_ID] + "b"]
    halves[schema.TEXT] = texts
    halves[schema.LEMMAS] = lemmas
    for name, values in columns.items():
        halves[name] = values
    return pd.concat([halves, segments.iloc[1:]], ignore_index=True)


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


# --- segments for the role tests (tests/roles) ----------------------------------------------------

CUES_ONLY = FunctionsConfig(method="cues")


def role_segments(texts: list[str], headings: list[str] | None = None) -> pd.DataFrame:
    """Segments table with ids, texts and headings."""
    return pd.DataFrame(
        {
            schema.SEGMENT_ID: [f"doc#p{i:03d}s00" for i in range(len(texts))],
            schema.DOC_ID: "doc",
            schema.PARAGRAPH: list(range(len(texts))),
            schema.TEXT: texts,
            schema.HEADING: headings if headings is not None else [""] * len(texts),
        }
    )


# --- corpus inputs as users give them (tests/corpus) ---------------------------------------------

# three sentences of a note: a finding, an obstacle, a proposal
CONSTAT = "Les effectifs de police municipale ont doublé en cinq ans dans la métropole."
FREIN = "Les communes voisines recrutent nos agents une fois formés, à nos frais."
PROPOSITION = "Les élus proposent de mutualiser la formation à l’échelle intercommunale."
ACCENTED = "Les élus évoquent l’œuvre de prévention, « cœur de métier » des équipes.\n"


def write_file(path: Path, content: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write ``content`` exactly (no newline translation) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content if isinstance(content, bytes) else content.encode(encoding)
    path.write_bytes(data)
    return path


def markdown_note(meta: dict[str, str], body: str) -> str:
    """A Markdown file's text: ``meta`` as a front matter (values as given), then ``body``."""
    lines = [f"{key}: {value}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def dijon_note() -> str:
    """A workshop note of Dijon whose front matter fills every documents column."""
    return markdown_note(
        {
            "title": '"Dijon : restitution de l\'atelier polices municipales"',
            "date": "2023-04-28",
            "city": "Dijon",
            "concertation": "C06-dijon-2023",
            "doc_type": "note_restitution",
            "atelier": "polices_municipales",
        },
        f"\n## Constats\n\n{CONSTAT}\n\n## Freins\n\n{FREIN}\n",
    )


def lille_summary() -> str:
    """A summary of Lille whose front matter gives its own id and source."""
    return markdown_note(
        {
            "id": "lille-synthese",
            "date": "2023-09-22",
            "city": "Lille",
            "concertation": "C07-lille-2023",
            "doc_type": "synthese",
            "source": '"Secrétariat de la commission"',
        },
        f"\n## Propositions\n\n{PROPOSITION}\n",
    )


def small_corpus(root: Path) -> Path:
    """Write the Dijon note and the Lille summary in dated folders under ``root``."""
    write_file(root / "2023-04-28-dijon" / "dijon-2023-restitution.md", dijon_note())
    write_file(root / "2023-09-22-lille" / "synthese.md", lille_summary())
    return root


def load_quietly(path: Path, **options: Any) -> pd.DataFrame:
    """Load and fail on any CorpusWarning (the input is meant to be clean)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)
        return load_corpus(path, **options)


def make_docx(path: Path) -> Path:
    """A Word file with a title, headings, a bulleted item and a table."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.core_properties.title = "Compte rendu de la concertation de Lille"
    document.add_heading("Compte rendu de la concertation", level=0)
    document.add_heading("Constats", level=1)
    document.add_paragraph(CONSTAT)
    document.add_heading("Freins identifiés", level=2)
    document.add_paragraph(FREIN, style="List Bullet")
    document.add_paragraph("")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Atelier"
    table.rows[0].cells[1].text = "Polices municipales"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def make_pdf(path: Path, paragraphs: list[str]) -> Path:
    """A one-page PDF of ``paragraphs``; without any, a drawing and no text (a scan)."""
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 8, paragraph)
        pdf.ln()
    if not paragraphs:
        pdf.rect(10, 10, 80, 60)  # a page with a drawing and no text, like a scan
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


EXPORT_ROWS = [  # a platform export: HTML in its texts, dates written two ways
    {
        "id": "P-12",
        "titre": "Éclairage du quartier nord",
        "corps": "<p>Les habitants du quartier nord demandent un meilleur éclairage.</p>"
        "<p>Ils signalent aussi&nbsp;des rodéos&nbsp;urbains.</p>",
        "categorie": "Tranquillité publique",
        "ville": "Dijon",
        "publication": "2023-04-28",
    },
    {
        "id": "P-13",
        "titre": "Médiation de nuit",
        "corps": "Les médiateurs de nuit<br>manquent de moyens &amp; de formation.",
        "categorie": "Médiation",
        "ville": "Dijon",
        "publication": "28/04/2023",
    },
    {
        "id": "P-14",
        "titre": "Liste",
        "corps": "<ul><li>Plus de médiateurs</li><li>Des locaux rénovés</li></ul>",
        "categorie": "Médiation",
        "ville": "Chenôve",
        "publication": "2023-04-29",
    },
]
EXPORT_TEXTS = [  # the texts of EXPORT_ROWS, as loaded
    "Les habitants du quartier nord demandent un meilleur éclairage.\n\n"
    "Ils signalent aussi\u00a0des rodéos\u00a0urbains.",
    "Les médiateurs de nuit\nmanquent de moyens & de formation.",
    "- Plus de médiateurs\n\n- Des locaux rénovés",
]


def csv_text(rows: list[dict[str, str]], delimiter: str) -> str:
    """``rows`` as a CSV export, every field quoted."""
    header = delimiter.join(rows[0])
    lines = [delimiter.join('"' + v.replace('"', '""') + '"' for v in r.values()) for r in rows]
    # a platform export: CRLF and LF mixed, a line break inside a quoted field
    return header + "\r\n" + "\n".join(lines).replace("<br>", "<br>\r\n") + "\r\n"


# --- an OpenDocument spreadsheet as LibreOffice Calc writes it ----------------------------------

_ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" \
manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
_ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">
<office:body><office:spreadsheet>{sheets}</office:spreadsheet></office:body>
</office:document-content>
"""
_ODS_COLUMNS, _ODS_ROWS = 1024, 1_048_576  # a Calc sheet's size, which it writes out


def _ods_paragraph(line: str) -> str:
    """One line of a cell as Calc writes it: a paragraph where a run of spaces beyond the
    first (and a leading space) is ``<text:s text:c="n"/>``."""
    text = xml_escape(line)
    text = re.sub(r"(?:(?<= )|^) +", lambda m: f'<text:s text:c="{len(m.group())}"/>', text)
    return f"<text:p>{text}</text:p>"


def _ods_cell(value: str, *, number: bool) -> str:
    if number and re.fullmatch(r"-?\d+(?:\.\d+)?", value):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs = "".join(_ods_paragraph(line) for line in lines)
    return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'


def _ods_row(values: list[str], numbers: list[bool]) -> str:
    """A row: each run of empty cells, the empty columns after the last one included, is one
    repeated cell."""
    cells, empty = [], 0
    for value, number in zip(values, numbers, strict=True):
        if not value:
            empty += 1
            continue
        if empty:
            cells.append(f'<table:table-cell table:number-columns-repeated="{empty}"/>')
            empty = 0
        cells.append(_ods_cell(value, number=number))
    rest = _ODS_COLUMNS - len(values) + empty
    cells.append(f'<table:table-cell table:number-columns-repeated="{rest}"/>')
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


def write_ods(
    path: Path, sheets: dict[str, list[list[str]]], *, numbers: tuple[str, ...] = ()
) -> Path:
    """Write sheets (name -> rows of cells, the first row the header) as an ``.ods`` file with
    the markup LibreOffice Calc writes: a cell of several lines is several paragraphs, runs of
    spaces are ``<text:s>``, empty cells and the empty rows below the table are repeated
    elements; the cells of the columns named in ``numbers`` are float cells."""
    tables = []
    for name, rows in sheets.items():
        is_number = [column in numbers for column in rows[0]]
        body = _ods_row(rows[0], [False] * len(rows[0])) + "".join(
            _ods_row(row, is_number) for row in rows[1:]
        )
        blank = (
            f'<table:table-row table:number-rows-repeated="{_ODS_ROWS - len(rows)}">'
            f'<table:table-cell table:number-columns-repeated="{_ODS_COLUMNS}"/></table:table-row>'
        )
        tables.append(f'<table:table table:name="{xml_escape(name)}">{body}{blank}</table:table>')
    return write_ods_package(path, "".join(tables))


def write_ods_package(path: Path, spreadsheet: str) -> Path:
    """Write an ``.ods`` file whose ``office:spreadsheet`` element holds ``spreadsheet`` (its
    ``table:table`` elements, as markup)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        content = _ODS_CONTENT.format(sheets=spreadsheet)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def _table_rows(rows: list[dict[str, str]]) -> list[list[str]]:
    return [list(rows[0]), *([str(r[c]) for c in rows[0]] for r in rows)]


# every table format the loader reads: file name -> writer of rows
TABLE_WRITERS: dict[str, Callable[[Path, list[dict[str, str]]], Path]] = {
    "semicolon.csv": lambda p, rows: write_file(p, csv_text(rows, ";")),
    "comma.csv": lambda p, rows: write_file(p, csv_text(rows, ","), encoding="utf-8-sig"),
    "cp1252.csv": lambda p, rows: write_file(p, csv_text(rows, ";"), encoding="cp1252"),
    "tabs.tsv": lambda p, rows: write_file(p, csv_text(rows, "\t")),
    "sheet.xlsx": lambda p, rows: (pd.DataFrame(rows).to_excel(p, index=False), p)[1],
    "calc.ods": lambda p, rows: write_ods(p, {"Feuille1": _table_rows(rows)}),
    "records.json": lambda p, rows: write_file(p, json.dumps(rows, ensure_ascii=False, indent=1)),
    "records.jsonl": lambda p, rows: write_file(
        p, "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    ),
}


def cut_proposal_segments(real_dir: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """The segments of the real proposal (IRaMuTeQ corpus) whose long sentence the 40-word
    segmentation cuts ("…mais bien de Paris, | qui via le président de la République…"), and
    which of them is the piece after the cut."""
    from analysis.config import AnalysisConfig  # noqa: PLC0415
    from analysis.segmentation import split_documents  # noqa: PLC0415

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = load_corpus(real_dir / "lille-propositions-iramuteq.txt")
    document = documents[documents[schema.TEXT].str.contains("qui via le président")]
    segments = split_documents(document, AnalysisConfig())
    return segments, segments[schema.TEXT].str.startswith("qui via le président").to_numpy()


# real material of tests/data/real (see its README.md)
DECIDIM_FILE = "lille-propositions-decidim.csv"
SEEDS = ("000_2cd2bd4c25204821", "003_fd5e50badf8bf442")
_AS_LATIN1 = str.maketrans({"’": "'", "“": '"', "”": '"', "…": "...", "œ": "oe", "\u00a0": " "})


def seed_paragraphs(real_dir: Path, seed: str, *, latin1: bool = False) -> list[str]:
    """The non-blank lines of a real article (one paragraph per line), as the loader tidies them."""
    text = (real_dir / "seeds" / f"{seed}.txt").read_text(encoding="utf-8")
    lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    return [line.translate(_AS_LATIN1) for line in lines] if latin1 else lines


def seed_note(real_dir: Path, seed: str = SEEDS[0]) -> str:
    """A real article as a Markdown note: one paragraph per line of the seed."""
    return "\n\n".join(seed_paragraphs(real_dir, seed)) + "\n"


def make_seed_docx(path: Path, paragraphs: list[str]) -> Path:
    """A Word file of plain ``paragraphs``."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def warnings_about(caught: Any, fragment: str) -> list[str]:
    """The messages of the caught warnings that contain ``fragment``."""
    return [str(w.message) for w in caught if fragment in str(w.message)]


def numbered_pdf(paragraphs: list[str], *, gap: float, title: str | None) -> Any:
    """An fpdf2 document whose pages carry their number at the bottom, as reports do."""
    fpdf = pytest.importorskip("fpdf")

    class Numbered(fpdf.FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=9)
            self.cell(0, 10, str(self.page_no()), align="C")

    pdf = Numbered()
    if title is not None:
        pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(gap)
    return pdf


# --- four clear themes in two concertations (tests/themes) ---------------------------------------

THEME_SENTENCES = {
    "recrutement": [
        "Les communes peinent à recruter des policiers municipaux et à garder les agents formés.",
        "Le recrutement de policiers municipaux bute sur la concurrence entre communes voisines.",
        "Une commune forme ses policiers municipaux puis les voit partir vers une commune voisine.",
        "La formation initiale des policiers municipaux coûte cher à la commune qui recrute.",
        "Les élus demandent le remboursement de la formation quand un agent formé part ailleurs.",
        "Le recrutement des policiers municipaux reste difficile malgré les primes proposées.",
        "Plusieurs communes mutualisent la formation des policiers municipaux pour mieux recruter.",
        "Les postes de policiers municipaux restent vacants faute de candidats formés.",
    ],
    "videoprotection": [
        "Le centre de supervision urbain reçoit les images des caméras de la ville.",
        "Les opérateurs du centre de supervision urbain visionnent les caméras jour et nuit.",
        "La ville installe de nouvelles caméras raccordées au centre de supervision urbain.",
        "Les images des caméras sont conservées trente jours puis effacées.",
        "Les opérateurs signalent à la police nationale ce que montrent les caméras.",
        "La maintenance des caméras pèse sur le budget du centre de supervision urbain.",
        "Le raccordement des caméras au commissariat facilite les réquisitions d'images.",
        "Les caméras nomades complètent le réseau du centre de supervision urbain.",
    ],
    "mediation": [
        "Les médiateurs sociaux apaisent les conflits de voisinage dans les quartiers.",
        "Le financement des médiateurs sociaux dépend chaque année des appels à projets.",
        "Les postes d'adultes-relais financent une partie des médiateurs sociaux du quartier.",
        "Les médiateurs sociaux quittent leur poste faute de financement durable.",
        "La médiation sociale de nuit rassure les habitants des quartiers.",
        "Les médiateurs sociaux accompagnent les habitants vers les services publics du quartier.",
        "Une convention pluriannuelle stabiliserait le financement des médiateurs sociaux.",
        "La formation des médiateurs sociaux améliore la gestion des conflits.",
    ],
    "tig": [
        "Les services municipaux accueillent des tigistes pour un travail d'intérêt général.",
        "Les tuteurs encadrent les tigistes dans les services municipaux.",
        "Le travail d'intérêt général manque de postes offerts par les services municipaux.",
        "Les tuteurs des tigistes demandent une formation et une reconnaissance.",
        "Le juge prononce un travail d'intérêt général exécuté dans les espaces verts.",
        "Le service pénitentiaire d'insertion suit les tigistes avec les tuteurs.",
        "Une plateforme départementale recense les postes de travail d'intérêt général.",
        "Les tigistes mineurs sont accueillis avec un tuteur formé par la protection judiciaire.",
    ],
}
THEME_LEFTOVERS = ["Partager", "Imprimer cette page"]
_THEME_EXPRESSIONS = {
    "policiers municipaux": "policier_municipal",
    "centre de supervision urbain": "centre_de_supervision_urbain",
    "médiateurs sociaux": "médiateur_social",
    "travail d'intérêt général": "travail_d_intérêt_général",
}
_THEME_STOP = {"dans", "pour", "avec", "puis", "leur", "sont", "cette", "chaque", "vers", "faute"}


def theme_lemmas(text: str, stop: frozenset[str] | set[str] = _THEME_STOP) -> str:
    """A stand-in for analysis.nlp: expressions joined, short and ``stop`` words dropped."""
    lowered = text.lower()
    for phrase, joined in _THEME_EXPRESSIONS.items():
        lowered = lowered.replace(phrase, joined)
    words = re.findall(r"[\w'-]+", lowered)
    return " ".join(w for w in words if len(w) > 3 and w not in stop)


def theme_segments(sentences: dict[str, list[str]] = THEME_SENTENCES) -> pd.DataFrame:
    """Segments of two concertations (a document per theme and concertation), with the true
    theme in ``truth`` ("hors_theme" for two web leftovers)."""
    rows = []
    for theme, texts in sentences.items():
        for index, text in enumerate(texts):
            concertation = "C1" if index % 2 == 0 else "C2"
            doc_id = f"{concertation.lower()}-{theme}"
            rows.append((doc_id, concertation, index // 2, text, theme))
    for index, text in enumerate(THEME_LEFTOVERS):
        rows.append(("c1-article", "C1", index, text, "hors_theme"))
    frame = pd.DataFrame(
        rows, columns=[schema.DOC_ID, schema.CONCERTATION_ID, schema.POSITION, schema.TEXT, "truth"]
    )
    frame[schema.PARAGRAPH] = frame[schema.POSITION]
    frame[schema.SEGMENT_ID] = frame[schema.DOC_ID] + "-" + frame[schema.POSITION].astype(str)
    frame[schema.LEMMAS] = frame[schema.TEXT].map(theme_lemmas)
    return frame


# --- themes an analyst curates, then a new concertation (tests/curation) ---------------------

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


_CURATION_STOP = {
    "dans",
    "pour",
    "avec",
    "leur",
    "sont",
    "vers",
    "faute",
    "après",
    "avant",
    "avait",
}


def curation_lemmas(text: str) -> str:
    """:func:`theme_lemmas` with the function words of the curation sentences."""
    return theme_lemmas(text, stop=_CURATION_STOP)


def curation_segments(
    sentences: dict[str, list[str]], concertations: tuple[str, ...]
) -> pd.DataFrame:
    """One segment per sentence, its concertation taken in turn from ``concertations``, its
    true theme in ``truth``."""
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
    frame[schema.LEMMAS] = frame[schema.TEXT].map(curation_lemmas)
    return frame


def theme_of(run, truth: str) -> int:
    """The theme id holding most segments of a true theme."""
    segments = run.segments
    return int(segments.loc[segments["truth"] == truth, schema.THEME_ID].mode().iloc[0])


def write(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) and return ``path``."""
    path.write_text(text, encoding="utf-8")
    return path
