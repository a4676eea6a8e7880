"""French display strings for plots, notebooks and exports.

Code and column names stay in English; what an analyst reads is taken from here.
"""

from __future__ import annotations

import unicodedata

from analysis import schema

COLUMN_LABELS: dict[str, str] = {
    schema.DOC_ID: "Document",
    schema.CONCERTATION_ID: "Concertation",
    schema.CITY: "Ville",
    schema.DATE: "Date",
    schema.DOC_TYPE: "Type de document",
    schema.TITLE: "Titre",
    schema.TEXT: "Texte",
    schema.SOURCE: "Source",
    schema.FILE: "Fichier",
    schema.ATELIER: "Atelier",
    schema.STARRED: "Variable étoilée",
    schema.SEGMENT_ID: "Segment",
    schema.POSITION: "Position",
    schema.PARAGRAPH: "Paragraphe",
    schema.HEADING: "Intertitre",
    schema.LEMMAS: "Lemmes",
    schema.N_WORDS: "Mots",
    schema.THEME_ID: "Thème (n°)",
    schema.THEME_LABEL: "Thème",
    schema.THEME_SCORE: "Score du thème",
    schema.FUNCTION: "Fonction",
    schema.LABEL: "Thème",
    schema.KEYWORDS: "Mots-clés",
    schema.N_SEGMENTS: "Segments",
    schema.N_DOCUMENTS: "Documents",
    schema.N_CONCERTATIONS: "Concertations",
    schema.DOC_TYPES: "Types de documents",
}

# corpus plots and tables (corpus/, notebook 01)
CORPUS_TITLES: dict[str, str] = {
    "per_concertation": "Documents par concertation et par type",
    "timeline": "Calendrier des concertations",
    "words": "Longueur des documents, par type",
    "n_documents": "Nombre de documents",
    "n_words": "Nombre de mots",
    "date": "Date de la concertation",
}

DOC_TYPE_LABELS: dict[str, str] = {
    "note_restitution": "Note de restitution",
    "synthese": "Synthèse",
    "article": "Article",
    "compte_rendu": "Compte rendu",
}

FUNCTION_LABELS: dict[str, str] = {
    schema.CONSTAT: "Constat",
    schema.FREIN: "Frein",
    schema.PROPOSITION: "Proposition",
    schema.BONNE_PRATIQUE: "Bonne pratique",
    schema.DEMANDE: "Demande",
    schema.AUTRE: "Autre",
}

UNCLASSIFIED_LABEL = "non classé"

# themes and curation (themes/, curation.py, notebook 03) -------------------------------------
THEME_TITLES: dict[str, str] = {
    "sizes": "Taille des thèmes",
    "top_terms": "Mots les plus spécifiques du thème {theme_id}",
    "map": "Carte des segments (couleur : thème)",
    "dendrogram": "Proximité des thèmes",
    "k_choice": "Choix du nombre de thèmes",
    "n_segments": "Nombre de segments",
    "chi2": "Spécificité (khi²)",
    "k": "Nombre de thèmes (k)",
    "criterion": "Critère (ramené entre 0 et 1)",
    "distance": "Distance (1 − similarité cosinus)",
    "axis_1": "Axe 1",
    "axis_2": "Axe 2",
    "chosen": "k retenu",
}
K_CRITERIA_LABELS: dict[str, str] = {
    "stability": "Stabilité (ARI entre sous-échantillons)",
    "coherence": "Cohérence (NPMI des mots-clés)",
    "separation": "Séparation (silhouette)",
    "score": "Score combiné",
}
CURATION_ACTION_LABELS: dict[str, str] = {
    "kept": "identifiant conservé",
    "new": "nouveau thème",
    "retired": "thème disparu",
    "merge": "fusion",
    "split": "scission",
    "move": "déplacement de segment",
    "rename": "renommage",
    "skipped": "ligne ignorée",
}

# functions and tracing (roles/, tracing/) ---------------------------------------------
FUNCTION_REASON_CUES = "indices"
FUNCTION_REASON_HEADING = "intertitre"
FUNCTION_REASON_WORDS = "mots du classifieur"
FUNCTION_REASON_NEGATED = "nié"
FUNCTION_REASON_NONE = "aucun indice"
FUNCTION_REASON_DEFAULT = "par défaut"

STATUS_LABELS: dict[str, str] = {
    "persistent": "persistant",
    "new": "nouveau",
    "fading": "en recul",
    "one-off": "ponctuel",
    "undated": "non daté",
}

TRACING_LABELS: dict[str, str] = {
    "group_id": "Groupe",
    "n_cities": "Villes",
    "cities": "Villes citées",
    "first_date": "Première mention",
    "last_date": "Dernière mention",
    "status": "Statut",
    "share": "Part",
    "period": "Période",
    "specificity": "Spécificité",
    "observed": "Observé",
    "expected": "Attendu",
    "q_value": "p corrigée (BH)",
    "similarity": "Similarité",
    "no_date": "sans date",
    "heatmap_title": "Thèmes par concertation (part des segments)",
    "trajectory_title": "Trajectoires des thèmes",
    "recurrence_title": "Freins récurrents : villes et dates",
    "specificity_title": "Spécificités",
    "specificity_axis": "Spécificité (± log10 p ; > 0 : sur-représenté)",
    "over": "sur-représenté",
    "under": "sous-représenté",
    "ca_title": "Analyse factorielle des correspondances : thèmes × {variable}",
    "ca_axis": "Axe {axis} ({share} de l'inertie)",
    "ca_themes": "thèmes",
    "ca_values": "{variable}",
    "ca_words": "mots-clés (projetés)",
    "similitude_title": "Graphe de similitude : {label}",
}

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def column_label(column: str) -> str:
    """Return the French label of a column, or the column name itself when none is known."""
    return COLUMN_LABELS.get(column, column)


def french_month(month: int, year: int) -> str:
    """Return "avril 2024" for ``(4, 2024)``."""
    return f"{MONTHS_FR[month - 1]} {year}"


def fold(text: str) -> str:
    """Lower case, accents stripped, typographic apostrophes made straight: how two spellings
    of one French word are compared ("Retraité" and "retraite")."""
    text = unicodedata.normalize("NFKD", str(text).replace("’", "'").lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def french_plural(count: int, singular: str, plural: str | None = None) -> str:
    """Return "1 ville" / "3 villes" (French puts 0 and 1 in the singular)."""
    word = singular if count <= 1 else (plural or singular + "s")
    return f"{count} {word}"


# --- fiches and exports (summaries/, export/, privacy/) --------------------------------------
NBSP = "\u00a0"  # French typography: before % : ; ? ! and inside « »

FICHE_LABELS: dict[str, str] = {
    "theme": "Thème",
    "keywords": "Mots-clés",
    "volume": "Poids et présence",
    "obstacles": "Freins récurrents",
    "proposals": "Propositions récurrentes",
    "good_practices": "Bonnes pratiques",
    "quotes": "Citations",
    "summary": "Résumé extractif",
    "changes": "Ce qui change",
    "sources": "Sources",
    "similitude": "Graphe de similitude : les mots du thème, reliés quand ils sont employés dans "
    "les mêmes segments (trait épais : souvent ensemble).",
    "no_obstacle": "aucun frein récurrent identifié",
    "no_proposal": "aucune proposition récurrente identifiée",
    # a corpus of one document: nothing recurs, its freins and proposals are listed
    "obstacles_listed": "Freins relevés",
    "proposals_listed": "Propositions relevées",
    "no_obstacle_listed": "aucun frein relevé",
    "no_proposal_listed": "aucune proposition relevée",
    "no_good_practice": "aucune bonne pratique relevée",
    "no_quote": "aucune citation retenue",
    "no_summary": "aucune phrase retenue",
    # a theme whose every segment is classed "autre": why nothing is quoted
    "all_other": (
        "ses {n} segments sont tous classés « autre » (la réunion elle-même, des titres, des "
        "remerciements), que les fiches ne citent pas ; on les lit dans segments.csv"
    ),
    "one_other": (
        "son seul segment est classé « autre » (la réunion elle-même, un titre, des "
        "remerciements), que les fiches ne citent pas ; on le lit dans segments.csv"
    ),
    "no_segment": "aucun segment n'est classé dans ce thème",
    "no_change": "rien de nouveau ni d'estompé entre les deux périodes",
    "single_period": "une seule période couverte : pas de comparaison dans le temps",
    "new": "Nouveau",
    "faded": "Estompé",
    "unanswered": "aucune proposition n'y répond dans le corpus",
    "paragraph": "paragraphe",
    "undated": "date inconnue",
    "unknown_city": "ville inconnue",
    "untitled": "document sans titre",
    "document": "document",
    "sources_note": "Chaque nombre de cette fiche renvoie aux segments qu'il compte : "
    "voir la feuille « sources des fiches » du classeur Excel (fiches.xlsx).",
    "summary_note": "Phrases du corpus retenues pour leur centralité (aucun texte généré).",
}

CHANGE_KIND_LABELS: dict[str, str] = {
    schema.FREIN: "frein",
    schema.PROPOSITION: "proposition",
    schema.BONNE_PRATIQUE: "bonne pratique",
    schema.DEMANDE: "demande",
    schema.CONSTAT: "constat",
    "term": "terme",
}

EXPORT_LABELS: dict[str, str] = {
    "report_title": "Synthèse des concertations territoriales",
    "contents": "Sommaire",
    "themes": "Thèmes",
    "fiches": "Fiches thématiques",
    "figures": "Figures",
    "figure_absent": "Figure « {name} » absente : {reason}",
    "yes": "oui",  # a yes-or-no cell of the page's tables ("k retenu", "Significatif")
    "no": "non",
    "tables": "Tableaux",
    "truncated": "{shown} premières lignes sur {total} : toutes sont dans fiches.xlsx.",
    "names_on": "Les noms de personnes ont été remplacés par « {mark} » ({count} ; "
    "rôles et lieux conservés). Option export.protect_names.",
    "names_off": "Protection des noms désactivée : ce rapport peut contenir des noms de personnes.",
    "generated": "Corpus : {n_documents} documents, {n_concertations} concertations, "
    "{n_segments} segments.",
}

# the tracing and theme tables of the report, by their name in pipeline.RunTables.named()
TABLE_LABELS: dict[str, str] = {
    "recurrence": "Récurrence des fonctions par thème",
    "obstacles": "Freins récurrents",
    "proposals": "Propositions récurrentes",
    "good_practices": "Bonnes pratiques récurrentes",
    "links": "Propositions qui répondent à un frein",
    "unanswered": "Freins sans réponse",
    "themes_by_concertation": "Thèmes par concertation",
    "themes_by_city": "Thèmes par ville",
    "themes_by_period": "Thèmes par période",
    "specificities": "Spécificités des thèmes par ville",
    "word_specificities": "Spécificités des mots par ville",
    "theme_diagnostics": "Choix du nombre de thèmes",
    "theme_log": "Journal des thèmes",
    "keywords": "Mots-clés des thèmes",
    "expressions": "Expressions",
    "concordance": "Mots-clés en contexte (concordancier)",
}

CORRESPONDENCE_TABLE = "afc_"  # tables of analysis.tracing.correspondence: afc_<variable>


def table_label(name: str) -> str:
    """The French title of a report table ("afc_city": the correspondence analysis by city)."""
    if name.startswith(CORRESPONDENCE_TABLE):
        variable = correspondence_variable(name)
        return f"AFC thèmes × {variable} : coordonnées et contributions"
    return TABLE_LABELS.get(name, name)


def correspondence_variable(name: str) -> str:
    """The variable of a correspondence table in French: "ville" for "afc_city"."""
    return variable_label(name.removeprefix(CORRESPONDENCE_TABLE))


def variable_label(variable: str) -> str:
    """A variable the themes are crossed with, as a sentence names it: "ville" for "city",
    "période" for "period", a metadata column's own name otherwise ("atelier")."""
    return (COLUMN_LABELS.get(variable) or TRACING_LABELS.get(variable) or variable).lower()


# headers of the fiche overview, sources and name-protection sheets
EXPORT_HEADERS: dict[str, str] = {
    "volume": "Volume",
    "share": "Part des segments classés",
    "n_obstacles": "Freins récurrents",
    "n_proposals": "Propositions récurrentes",
    "n_cities": "Villes",
    "cities": "Villes citées",
    "first_date": "Première mention",
    "last_date": "Dernière mention",
    "label": "Libellé",  # outside the themes table, "label" names a group, not a theme
    "auto_label": "Libellé automatique",
    "curated": "Retouché par l'analyste",
    "parent_theme_id": "Thème d'origine",
    "concertations": "Concertations citées",
    "dates": "Dates",
    "quotes": "Citations",
    "obstacle_group_id": "Frein (groupe)",
    "proposal_group_id": "Proposition (groupe)",
    "obstacle_label": "Frein",
    "proposal_label": "Proposition",
    "shared_terms": "Termes communs",
    "part": "Partie",
    "form": "Forme",
    "part_size": "Taille de la partie",
    "form_total": "Total de la forme",
    "p_value": "p",
    "direction": "Sens",
    "testable": "Testable",
    "significant": "Significatif",
    "theme_share": "Part du thème",
    "second_theme_id": "Second thème",
    "function_score": "Score de la fonction",
    "function_check": "Fonction à vérifier",
    # correspondence analysis tables (afc_<variable>)
    "variable": "Variable",
    "kind": "Type de point",
    "mass": "Masse",
    "axis_1": "Axe 1",
    "axis_2": "Axe 2",
    "contribution_1": "Contribution à l'axe 1",
    "contribution_2": "Contribution à l'axe 2",
    "quality": "Qualité sur le plan (cos²)",
    "inertia_1": "Inertie de l'axe 1",
    "inertia_2": "Inertie de l'axe 2",
    "function_reason": "Raison de la fonction",
    "is_french": "En français",
    "segment_ids": "Segments sources",
    "start": "Début (caractère)",
    "end": "Fin (caractère)",
    # the theme log, the keywords and the choice of the number of themes (auto k)
    "action": "Action",
    "detail": "Détail",
    "rank": "Rang",
    "recurrence_unit": "Récurrence comptée sur",
    "k": THEME_TITLES["k"],
    **K_CRITERIA_LABELS,
    "stability_se": "Erreur type de la stabilité",
    "unclassified_share": "Part non classée",
    "chosen": THEME_TITLES["chosen"],
    "previous": "k de l'analyse précédente",
    "margin": "Écart avec le meilleur autre k",
    "certainty": "Certitude du choix",
}
# what recurrence counts, in the tables of groups (tracing.recurrence_unit)
RECURRENCE_UNIT_LABELS = {"concertation_id": "concertations", "doc_id": "contributions"}
# the sheets of fiches.xlsx, by the key of their table ("afc_<variable>": "AFC <variable>")
SHEET_LABELS: dict[str, str] = {
    "themes": "thèmes",
    "recurrence": "récurrences",
    "specificities": "spécificités",
    "obstacles": "freins",
    "proposals": "propositions",
    "good_practices": "bonnes pratiques",
    "links": "liens frein-proposition",
    "unanswered": "freins sans réponse",
    "themes_by_concertation": "thèmes par concertation",
    "themes_by_city": "thèmes par ville",
    "themes_by_period": "thèmes par période",
    "word_specificities": "spécificités des mots",
    "theme_diagnostics": "choix du nombre de thèmes",
    "theme_log": "journal des thèmes",
    "keywords": "mots-clés",
}
COLUMN_LABELS.update(
    {
        schema.FICHE_SECTION: "Rubrique de la fiche",
        schema.FICHE_ITEM: "Élément",
        schema.NAME_FIELD: "Champ",
        schema.NAME_RULE: "Règle",
        schema.NAME_CONTEXT: "Contexte (protégé)",
    }
)

# --- text processing (segmentation.py, nlp/, notebook 02) -----------------------------------
COLUMN_LABELS.update(
    {
        schema.TERM: "Terme",
        schema.TERM_NEIGHBOURS: "Mots voisins (vecteurs de mots)",
        schema.COUNT: "Occurrences",
        schema.EXPRESSION: "Expression",
        schema.EXPRESSION_TOKENS: "Lemmes de l’expression",
        schema.EXPRESSION_PATTERN: "Motif",
        schema.LLR: "Log-vraisemblance",
        schema.PMI: "Information mutuelle",
        schema.KWIC_LEFT: "Contexte gauche",
        schema.KWIC_KEYWORD: "Mot-clé",
        schema.KWIC_RIGHT: "Contexte droit",
    }
)
EXPRESSION_SOURCE_LABELS: dict[str, str] = {
    "corpus": "trouvée dans le corpus",
    "domain": "liste du domaine",
}


def french_date(value: object) -> str:
    """Return "14 juin 2024" (and "1er juin 2024") for a date; "" when missing."""
    import pandas as pd  # imported here: nothing else in labels needs pandas

    stamp = pd.to_datetime(value, errors="coerce")
    if pd.isna(stamp):
        return ""
    day = "1er" if stamp.day == 1 else str(stamp.day)
    return f"{day} {MONTHS_FR[stamp.month - 1]} {stamp.year}"


def french_period(first: object, last: object) -> str:
    """Return "de janvier 2022 à avril 2024", or "en juin 2021" when both fall in one month."""
    import pandas as pd

    start, end = pd.to_datetime(first, errors="coerce"), pd.to_datetime(last, errors="coerce")
    if pd.isna(start) or pd.isna(end):
        return FICHE_LABELS["undated"]
    if (start.year, start.month) == (end.year, end.month):
        return f"en {french_month(start.month, start.year)}"
    first_month = french_month(start.month, start.year)
    de = "d’" if first_month[0] in "aeiouyàâéèêîôû" else "de "  # "d’avril", "d’octobre"
    return f"{de}{first_month} à {french_month(end.month, end.year)}"


def french_percent(share: float) -> str:
    """Return "12 %" for 0.12 (no-break space; "< 1 %" for small non-zero shares)."""
    if 0 < share < 0.005:
        return f"<{NBSP}1{NBSP}%"
    return f"{round(share * 100)}{NBSP}%"


# Why a figure of the report is absent (plots.NothingToPlot), said where it would be
ABSENT_FIGURE = {
    "no_theme": "aucun thème n'a été trouvé, il n'y a rien à représenter.",
    "one_theme": "un seul thème a été trouvé : il n'y a pas d'arbre des thèmes à tracer.",
    "no_date": "aucun document n'est daté : il n'y a pas d'évolution dans le temps à tracer "
    "(ajoutez une date aux documents, ou une colonne de date avec --meta-columns).",
    "one_period": "toutes les dates tombent dans la même période ({period}) : il n'y a pas "
    'd\'évolution dans le temps à tracer ; [tracing] period = "auto" choisit la période la '
    "plus large qui en donne au moins deux, jusqu'au mois.",
    "one_part": "le corpus ne compte qu'une ville (ou aucune) : les spécificités comparent "
    "les villes entre elles (ajoutez la ville aux documents, ou une colonne de ville avec "
    "--meta-columns).",
    "no_group": "aucun frein n'a été repéré dans le corpus, il n'y a pas de récurrence à tracer.",
    "no_cooccurrence": "les mots du thème ne sont jamais employés ensemble dans un segment : "
    "il n'y a pas de graphe de similitude à tracer.",
}

# A single concertation (a platform export): recurrence is counted over its contributions
# (tracing.recurrence_unit); what the fiches and the recurrence figure say then
CONTRIBUTION_LABELS: dict[str, str] = {
    "mode_note": "Une seule concertation : la récurrence est comptée sur les contributions "
    "(documents).",
    "single_note": "Un seul document : pas de récurrence à compter, ses freins et ses "
    "propositions sont tous listés.",
    "unit": "contribution",
    "raised": "soulevé dans {count}",  # a frein
    "raised_feminine": "soulevée dans {count}",  # a proposition, a good practice
    "out_of": "{count} sur {total}",
    "volume": "Cité dans {contributions} sur {total}",
    "bars_axis": "Nombre de contributions",
    "bars_axis_concertations": "Nombre de concertations",
}
RECURRENCE_FIGURE_TITLES: dict[str, str] = {  # plots.plot_obstacle_recurrence, by function
    "frein": "Freins récurrents : villes et dates",
    "proposition": "Propositions récurrentes : villes et dates",
    "frein_contributions": "Freins les plus soulevés : nombre de contributions",
    "proposition_contributions": "Propositions les plus soulevées : nombre de contributions",
    "frein_concertations": "Freins récurrents : nombre de concertations",
    "proposition_concertations": "Propositions récurrentes : nombre de concertations",
}
