"""Tests of corpus loading: every input format, encodings, bad input, summaries, plots."""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import plots, schema  # noqa: E402
from analysis.config import config_from_dict  # noqa: E402
from analysis.corpus import (  # noqa: E402
    OUTPUT_MARKERS,
    CorpusError,
    CorpusWarning,
    corpus_overview,
    count_words,
    documents_per_type,
    html_to_text,
    load_annotations,
    load_corpus,
    load_corpus_from_config,
    tidy_spaces,
    to_iramuteq,
    words_per_document,
)
from analysis.segmentation import split_paragraphs  # noqa: E402

# --- helpers ------------------------------------------------------------------------------------

CONSTAT = "Les effectifs de police municipale ont doublé en cinq ans dans la métropole."
FREIN = "Les communes voisines recrutent nos agents une fois formés, à nos frais."
PROPOSITION = "Les élus proposent de mutualiser la formation à l’échelle intercommunale."


def write(path: Path, content: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write ``content`` exactly (no newline translation) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content if isinstance(content, bytes) else content.encode(encoding)
    path.write_bytes(data)
    return path


def markdown(meta: dict[str, str], body: str) -> str:
    lines = [f"{key}: {value}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def dijon_note() -> str:
    return markdown(
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
    return markdown(
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
    write(root / "2023-04-28-dijon" / "dijon-2023-restitution.md", dijon_note())
    write(root / "2023-09-22-lille" / "synthese.md", lille_summary())
    return root


def load_quietly(path: Path, **options: Any) -> pd.DataFrame:
    """Load and fail on any CorpusWarning (the input is meant to be clean)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)
        return load_corpus(path, **options)


# --- folders of Markdown / text -----------------------------------------------------------------


def test_folder_gives_the_documents_table(tmp_path: Path) -> None:
    documents = load_quietly(small_corpus(tmp_path))

    assert list(documents.columns) == [*schema.DOCUMENT_COLUMNS, schema.FILE, schema.ATELIER]
    assert documents[schema.DOC_ID].tolist() == ["dijon-2023-restitution", "lille-synthese"]
    assert str(documents[schema.DATE].dtype) == "datetime64[ns]"
    dijon, lille = documents.to_dict("records")
    assert dijon[schema.CONCERTATION_ID] == "C06-dijon-2023"
    assert dijon[schema.TITLE] == "Dijon : restitution de l'atelier polices municipales"
    assert dijon[schema.DATE] == pd.Timestamp("2023-04-28")
    assert dijon[schema.ATELIER] == "polices_municipales"
    assert dijon[schema.SOURCE] == "2023-04-28-dijon/dijon-2023-restitution.md"
    assert dijon[schema.FILE] == "2023-04-28-dijon/dijon-2023-restitution.md"
    assert dijon[schema.TEXT] == f"\n## Constats\n\n{CONSTAT}\n\n## Freins\n\n{FREIN}\n"
    assert lille[schema.SOURCE] == "Secrétariat de la commission"
    assert pd.isna(lille[schema.ATELIER])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Premier constat.\r\n\r\nSecond constat.\r\n", "Premier constat.\n\nSecond constat.\n"),
        ("Premier constat.\r\rSecond constat.", "Premier constat.\n\nSecond constat."),
        ("Premier constat.\r\n\nSecond constat.\n", "Premier constat.\n\nSecond constat.\n"),
    ],
    ids=["crlf", "cr", "mixed"],
)
def test_line_endings_become_newlines_and_nothing_else_changes(
    tmp_path: Path, raw: str, expected: str
) -> None:
    write(tmp_path / "2022-05-13-clermont-ferrand" / "note.txt", raw)
    documents = load_quietly(tmp_path)
    assert documents.loc[0, schema.TEXT] == expected


def test_text_keeps_typography_but_not_runs_of_spaces(tmp_path: Path) -> None:
    body = "\nL’adjointe a cité « une hausse de 12 % » ;  deux espaces   ici.\t\n\n- Un item\n"
    write(tmp_path / "2024-06-14-bordeaux" / "article.md", markdown({"city": "Bordeaux"}, body))
    assert load_quietly(tmp_path).loc[0, schema.TEXT] == (
        "\nL’adjointe a cité « une hausse de 12 % » ; deux espaces ici.\n\n- Un item\n"
    )


@pytest.mark.parametrize(
    ("relative", "city", "date", "concertation"),
    [
        ("2023-04-28-dijon/note.md", "Dijon", "2023-04-28", "2023-04-28-dijon"),
        ("2022-05-13-clermont-ferrand/a.txt", "Clermont-Ferrand", "2022-05-13", None),
        ("ateliers/aix-en-provence-2024-03-01.md", "Aix-en-Provence", "2024-03-01", "ateliers"),
        ("2021/2021-06-17_saint_denis/compte-rendu.md", "Saint Denis", "2021-06-17", None),
    ],
)
def test_city_and_date_are_read_from_folder_or_file_names(
    tmp_path: Path, relative: str, city: str, date: str, concertation: str | None
) -> None:
    write(tmp_path / relative, CONSTAT + "\n")
    document = load_quietly(tmp_path).iloc[0]
    assert document[schema.CITY] == city
    assert document[schema.DATE] == pd.Timestamp(date)
    assert document[schema.CONCERTATION_ID] == (concertation or str(Path(relative).parent))


def test_front_matter_wins_over_folder_names(tmp_path: Path) -> None:
    write(tmp_path / "2023-04-28-dijon" / "a.md", markdown({"city": "Chenôve"}, CONSTAT))
    document = load_quietly(tmp_path).iloc[0]
    assert (document[schema.CITY], document[schema.DATE]) == ("Chenôve", pd.Timestamp("2023-04-28"))


def test_documents_without_city_or_date_get_one_warning_listing_them(tmp_path: Path) -> None:
    write(tmp_path / "notes" / "premiere.md", CONSTAT)
    write(tmp_path / "notes" / "seconde.md", markdown({"date": "2024-02-09"}, FREIN))
    with pytest.warns(CorpusWarning) as caught:
        documents = load_corpus(tmp_path)
    messages = [str(w.message) for w in caught if "sans ville ou sans date" in str(w.message)]
    assert len(messages) == 1
    assert "notes/premiere.md" in messages[0] and "notes/seconde.md" in messages[0]
    assert documents[schema.CITY].tolist() == ["", ""]
    assert documents[schema.DATE].isna().tolist() == [True, False]


def test_folder_skips_readme_hidden_private_and_annotations(tmp_path: Path) -> None:
    small_corpus(tmp_path)
    write(tmp_path / "ReadMe.md", "# Le corpus\n\nCe fichier décrit le corpus.\n")
    write(tmp_path / ".brouillon.md", FREIN)
    write(tmp_path / "_archives" / "ancien.md", FREIN)
    write(tmp_path / ".git" / "HEAD.txt", "ref")
    write(tmp_path / "annotations.csv", "doc_id,paragraph\n")
    documents = load_quietly(tmp_path)
    assert len(documents) == 2


def test_unknown_files_in_a_folder_get_one_warning_naming_them(tmp_path: Path) -> None:
    small_corpus(tmp_path)
    write(tmp_path / "2023-04-28-dijon" / "photo.jpg", b"\xff\xd8\xff")
    write(tmp_path / "2023-04-28-dijon" / "ancien.doc", b"\xd0\xcf\x11\xe0")
    with pytest.warns(CorpusWarning, match=r"photo\.jpg.*") as caught:
        documents = load_corpus(tmp_path)
    message = next(str(w.message) for w in caught if "photo.jpg" in str(w.message))
    assert "ancien.doc (enregistrez-le en .docx)" in message
    assert len(documents) == 2


def test_result_does_not_depend_on_file_order(tmp_path: Path) -> None:
    files = {
        "2023-09-22-lille/synthese.md": lille_summary(),
        "2023-04-28-dijon/dijon-2023-restitution.md": dijon_note(),
        "2023-04-28-dijon/zeta.txt": FREIN,
        "2023-04-28-dijon/alpha.txt": PROPOSITION,
    }
    for name, order in (("forward", list(files)), ("backward", list(reversed(files)))):
        for relative in order:
            write(tmp_path / name / relative, files[relative])
    forward = load_quietly(tmp_path / "forward")
    backward = load_quietly(tmp_path / "backward")
    pd.testing.assert_frame_equal(forward, backward)
    assert forward[schema.DOC_ID].tolist() == sorted(forward[schema.DOC_ID])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-04-28", "2023-04-28"),
        ("28/04/2023", "2023-04-28"),
        ('"28 avril 2023"', "2023-04-28"),
        ('"vendredi 1er décembre 2023"', "2023-12-01"),
        ("2023-04", "2023-04-01"),
        ('"2023-4-8"', "2023-04-08"),
        ('"2023-04-28T10:30:00+02:00"', "2023-04-28 10:30:00"),
    ],
)
def test_dates_in_front_matter(tmp_path: Path, value: str, expected: str) -> None:
    write(tmp_path / "a.md", markdown({"city": "Rennes", "date": value}, CONSTAT))
    assert load_quietly(tmp_path).loc[0, schema.DATE] == pd.Timestamp(expected)


def test_a_single_document_file_is_a_corpus(tmp_path: Path) -> None:
    path = write(tmp_path / "2023-04-28-dijon" / "note.md", dijon_note())
    documents = load_quietly(path)
    assert documents[schema.DOC_ID].tolist() == ["note"]
    assert documents.loc[0, schema.FILE] == "note.md"


def test_misspelt_front_matter_key_is_kept_with_a_hint(tmp_path: Path) -> None:
    write(tmp_path / "a.md", markdown({"city": "Metz", "date": "2025-09-26", "titel": "X"}, FREIN))
    with pytest.warns(CorpusWarning, match="« titel ».*vouliez-vous dire « title »"):
        documents = load_corpus(tmp_path)
    assert documents.loc[0, "titel"] == "X"


# --- encodings ----------------------------------------------------------------------------------

ACCENTED = "Les élus évoquent l’œuvre de prévention, « cœur de métier » des équipes.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_files_load_without_warning(tmp_path: Path, encoding: str) -> None:
    write(tmp_path / "2021-06-17-nimes" / "note.txt", ACCENTED, encoding=encoding)
    assert load_quietly(tmp_path).loc[0, schema.TEXT] == ACCENTED


def test_cp1252_file_loads_correctly_with_a_warning(tmp_path: Path) -> None:
    data = ACCENTED.encode("cp1252")  # œ is 0x9C and ’ is 0x92: cp1252 only, not latin-1
    write(tmp_path / "2021-06-17-nimes" / "note.txt", data)
    with pytest.warns(CorpusWarning, match=r"note\.txt : pas en UTF-8 ; lu comme Windows-1252"):
        text = load_corpus(tmp_path).loc[0, schema.TEXT]
    assert text == ACCENTED
    for word in ("élus", "l’œuvre", "cœur", "métier", "équipes", "«"):
        assert word in text


def test_latin1_file_loads_correctly_with_a_warning(tmp_path: Path) -> None:
    text = "Les médiateurs à Nîmes reçoivent une formation qualifiante.\n"
    write(tmp_path / "2021-06-17-nimes" / "note.txt", text.encode("latin-1"))
    with pytest.warns(CorpusWarning, match=r"note\.txt : pas en UTF-8"):
        assert load_corpus(tmp_path).loc[0, schema.TEXT] == text


def test_explicit_encoding_is_used_strictly(tmp_path: Path) -> None:
    content = markdown({"city": "Metz", "date": "2025-09-26"}, "Ligne un.\n" + ACCENTED)
    path = write(tmp_path / "note.txt", content.encode("cp1252"))
    assert load_quietly(path, encoding="cp1252").loc[0, schema.TEXT].endswith(ACCENTED)
    with pytest.raises(CorpusError, match=r"note\.txt, ligne 6 : pas du utf-8 valide"):
        load_corpus(path, encoding="utf-8")
    with pytest.raises(CorpusError, match="Encodage inconnu 'klingon'"):
        load_corpus(path, encoding="klingon")


def test_text_encoded_twice_is_flagged(tmp_path: Path) -> None:
    garbled = ACCENTED.encode("utf-8").decode("cp1252")  # "Ã©lus": what a bad re-save leaves
    write(tmp_path / "2021-06-17-nimes" / "note.txt", garbled)
    with pytest.warns(CorpusWarning, match=r"note\.txt : .*encodés deux fois"):
        load_corpus(tmp_path)


# --- Word and PDF -------------------------------------------------------------------------------


def make_docx(path: Path) -> Path:
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


def test_docx_headings_lists_and_tables_survive(tmp_path: Path) -> None:
    make_docx(tmp_path / "2023-09-22-lille" / "compte-rendu.docx")
    document = load_quietly(tmp_path).iloc[0]
    assert document[schema.TEXT] == (
        "# Compte rendu de la concertation\n\n## Constats\n\n"
        f"{CONSTAT}\n\n### Freins identifiés\n\n- {FREIN}\n\nAtelier | Polices municipales"
    )
    assert document[schema.TITLE] == "Compte rendu de la concertation de Lille"
    assert (document[schema.CITY], document[schema.DOC_ID]) == ("Lille", "compte-rendu")


def make_pdf(path: Path, paragraphs: list[str]) -> Path:
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


def test_pdf_text_layer_is_read(tmp_path: Path) -> None:
    make_pdf(tmp_path / "2024-02-09-montpellier" / "note.pdf", [CONSTAT.replace("’", "'")])
    text = load_quietly(tmp_path).loc[0, schema.TEXT]
    assert re.sub(r"\s+", " ", text).strip() == CONSTAT


# --- tables -------------------------------------------------------------------------------------

ROWS = [
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
TEXTS = [
    "Les habitants du quartier nord demandent un meilleur éclairage.\n\n"
    "Ils signalent aussi\u00a0des rodéos\u00a0urbains.",
    "Les médiateurs de nuit\nmanquent de moyens & de formation.",
    "- Plus de médiateurs\n\n- Des locaux rénovés",
]


def csv_text(rows: list[dict[str, str]], delimiter: str) -> str:
    header = delimiter.join(rows[0])
    lines = [delimiter.join('"' + v.replace('"', '""') + '"' for v in r.values()) for r in rows]
    # a platform export: CRLF and LF mixed, a line break inside a quoted field
    return header + "\r\n" + "\n".join(lines).replace("<br>", "<br>\r\n") + "\r\n"


TABLE_WRITERS: dict[str, Callable[[Path, list[dict[str, str]]], Path]] = {
    "semicolon.csv": lambda p, rows: write(p, csv_text(rows, ";")),
    "comma.csv": lambda p, rows: write(p, csv_text(rows, ","), encoding="utf-8-sig"),
    "cp1252.csv": lambda p, rows: write(p, csv_text(rows, ";"), encoding="cp1252"),
    "tabs.tsv": lambda p, rows: write(p, csv_text(rows, "\t")),
    "sheet.xlsx": lambda p, rows: (pd.DataFrame(rows).to_excel(p, index=False), p)[1],
    "records.json": lambda p, rows: write(p, json.dumps(rows, ensure_ascii=False, indent=1)),
    "records.jsonl": lambda p, rows: write(
        p, "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    ),
}


@pytest.mark.parametrize("name", sorted(TABLE_WRITERS))
def test_tables_load_with_html_turned_into_plain_text(tmp_path: Path, name: str) -> None:
    path = TABLE_WRITERS[name](tmp_path / name, ROWS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)
        warnings.filterwarnings("ignore", message=".*pas en UTF-8", category=CorpusWarning)
        documents = load_corpus(
            path,
            text_column="corps",
            id_column="id",
            meta_columns=["categorie", "date=publication", "title=titre", "city=ville"],
        )
    assert documents[schema.DOC_ID].tolist() == ["P-12", "P-13", "P-14"]
    assert documents[schema.TEXT].tolist() == TEXTS
    assert documents[schema.DATE].tolist() == [pd.Timestamp("2023-04-28")] * 2 + [
        pd.Timestamp("2023-04-29")
    ]
    assert documents[schema.TITLE].tolist() == [r["titre"] for r in ROWS]
    assert documents["categorie"].tolist() == [r["categorie"] for r in ROWS]
    assert documents[schema.FILE].unique().tolist() == [name]
    first = {".json": "entrée 1", ".jsonl": "ligne 1"}.get(Path(name).suffix, "ligne 2")
    assert documents.loc[0, schema.SOURCE] == f"{name}, {first}"  # a spreadsheet's row number


def test_table_rows_are_numbered_without_id_column(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", csv_text(ROWS, ";"))
    documents = load_quietly(path, text_column="corps", meta_columns="city=ville, date=publication")
    assert documents[schema.DOC_ID].tolist() == ["row-0001", "row-0002", "row-0003"]
    assert documents[schema.SOURCE].tolist() == [f"export.csv, ligne {n}" for n in (2, 3, 4)]
    assert "categorie" not in documents.columns  # only the columns asked for are kept


def test_table_standard_columns_are_used_as_they_are(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "City": ["Nantes", "Metz"],
            "date": ["2025-03-21", "2025-09-26"],
            "text": [CONSTAT, FREIN],
            "doc_type": ["contribution", "contribution"],
        }
    )
    path = tmp_path / "contributions.csv"
    table.to_csv(path, index=False)
    documents = load_quietly(path)
    assert documents[schema.CITY].tolist() == ["Nantes", "Metz"]
    assert documents[schema.TEXT].tolist() == [CONSTAT, FREIN]


def test_table_text_column_is_guessed_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", csv_text(ROWS, ";"))
    with pytest.warns(
        CorpusWarning, match="export.csv : pas de colonne de texte indiquée ; la colonne « corps »"
    ):
        documents = load_corpus(path, meta_columns=["city=ville", "date=publication"])
    assert documents[schema.TEXT].tolist() == TEXTS


def test_nested_json_fields_become_dotted_columns(tmp_path: Path) -> None:
    proposals = [
        {"id": 7, "body": {"fr": "<p>Créer un poste de coordonnateur CLSPD.</p>"}, "scope": None},
        {"id": 8, "body": {"fr": "Former les agents d’accueil."}, "scope": {"name": "Nord"}},
    ]
    for proposal in proposals:
        proposal.update(city="Grenoble", date="2024-11-29T18:02:11+01:00")
    path = write(tmp_path / "decidim.json", json.dumps({"proposals": proposals}))
    documents = load_quietly(
        path, text_column="body.fr", id_column="id", meta_columns=["scope.name"]
    )
    assert documents[schema.TEXT].tolist() == [
        "Créer un poste de coordonnateur CLSPD.",
        "Former les agents d’accueil.",
    ]
    assert documents["scope.name"].tolist() == ["", "Nord"]
    assert documents[schema.DOC_ID].tolist() == ["7", "8"]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Un.</p><p>Deux.</p>", "Un.\n\nDeux."),
        ("Une ligne<br/>puis une autre", "Une ligne\npuis une autre"),
        ("<div>\n  Texte  <b>gras</b>\n</div>", "Texte gras"),
        ("<h2>Propositions</h2><p>Former.</p>", "## Propositions\n\nFormer."),
        ("l&#39;État &amp; les communes", "l'État & les communes"),
        ("<script>alert(1)</script><p>Visible</p>", "Visible"),
        ("Pas de balise : 3 < 5 et 7 > 2", "Pas de balise : 3 < 5 et 7 > 2"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


# --- IRaMuTeQ -----------------------------------------------------------------------------------

IRAMUTEQ = (
    "**** *id_dijon-01 *ville_Dijon *date_2023-04-28 *atelier_polices_municipales\n"
    "-*constats\n"
    f"{CONSTAT}\n"
    "\n"
    "Les agents travaillent désormais la nuit.\n"
    "-*freins\n"
    f"{FREIN}\n"
    "\n"
    "**** *id_lille-01 *ville_Lille *date_2023-09-22\n"
    f"{PROPOSITION}\n"
)
IRAMUTEQ_VARIABLES = {
    schema.DOC_ID: "id",
    schema.CITY: "ville",
    schema.DATE: "date",
    schema.ATELIER: "atelier",
}


def test_iramuteq_file_loads_with_thematics_as_headings(tmp_path: Path) -> None:
    path = write(tmp_path / "corpus.txt", IRAMUTEQ)
    documents = load_quietly(path)
    assert documents[schema.DOC_ID].tolist() == ["dijon-01", "lille-01"]
    assert documents.loc[0, schema.TEXT] == (
        f"## constats\n\n{CONSTAT}\n\nLes agents travaillent désormais la nuit.\n\n"
        f"## freins\n\n{FREIN}"
    )
    assert documents.loc[0, schema.ATELIER] == "polices_municipales"
    assert documents.loc[1, schema.SOURCE] == "corpus.txt, ligne 9"
    assert documents[schema.DATE].tolist() == [
        pd.Timestamp("2023-04-28"),
        pd.Timestamp("2023-09-22"),
    ]


def test_iramuteq_round_trip_from_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "corpus.txt", IRAMUTEQ)
    assert to_iramuteq(load_quietly(path), variables=IRAMUTEQ_VARIABLES) == IRAMUTEQ


def test_iramuteq_round_trip_from_documents(tmp_path: Path) -> None:
    original = load_quietly(small_corpus(tmp_path / "md"))
    variables = {
        schema.DOC_ID: "id",
        schema.CONCERTATION_ID: "concertation",
        schema.CITY: "ville",
        schema.DATE: "date",
        schema.DOC_TYPE: "type",
        schema.ATELIER: "atelier",
    }
    exported = to_iramuteq(original.iloc[::-1], variables=variables)  # row order must not matter
    back = load_quietly(write(tmp_path / "export.txt", exported))
    columns = [schema.DOC_ID, schema.CONCERTATION_ID, schema.CITY, schema.DATE, schema.DOC_TYPE]
    pd.testing.assert_frame_equal(back[columns], original[columns])
    assert back[schema.ATELIER].fillna("").tolist() == original[schema.ATELIER].fillna("").tolist()
    assert back[schema.TEXT].tolist() == original[schema.TEXT].str.strip().tolist()


def test_to_iramuteq_makes_values_and_headings_valid() -> None:
    documents = pd.DataFrame(
        {
            schema.DOC_ID: ["a"],
            schema.CITY: ["Saint Denis"],
            schema.TEXT: ["## Freins identifiés\n\nLes délais de réponse pénale s'allongent."],
        }
    )
    assert to_iramuteq(documents, variables=[schema.CITY]) == (
        "**** *city_Saint-Denis\n-*Freins_identifiés\nLes délais de réponse pénale s'allongent.\n"
    )
    with pytest.raises(CorpusError, match="'doc_type'.*ne doit contenir"):
        to_iramuteq(documents, variables={schema.CITY: "doc_type"})
    with pytest.raises(schema.SchemaError, match="date"):
        to_iramuteq(documents, variables=[schema.DATE])


# --- inputs as they come: copies, PDF paragraphs, spaces, output folders -------------------------

INPUTS_DIR = Path(__file__).parent / "data" / "inputs"
DECIDIM = "lille-propositions-decidim.csv"
SEEDS = ("000_2cd2bd4c25204821", "003_fd5e50badf8bf442")
_LATIN1 = str.maketrans({"’": "'", "“": '"', "”": '"', "…": "...", "œ": "oe", "\u00a0": " "})


def seed_paragraphs(real_dir: Path, seed: str, *, latin1: bool = False) -> list[str]:
    """The non-blank lines of a real article (one paragraph per line), as the loader tidies them."""
    text = (real_dir / "seeds" / f"{seed}.txt").read_text(encoding="utf-8")
    lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    return [line.translate(_LATIN1) for line in lines] if latin1 else lines


def seed_note(real_dir: Path, seed: str = SEEDS[0]) -> str:
    return "\n\n".join(seed_paragraphs(real_dir, seed)) + "\n"


def make_seed_docx(path: Path, paragraphs: list[str]) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def warnings_about(caught: Any, fragment: str) -> list[str]:
    return [str(w.message) for w in caught if fragment in str(w.message)]


def test_a_note_as_md_and_docx_is_counted_once(tmp_path: Path, real_dir: Path) -> None:
    folder = tmp_path / "2023-04-28-dijon"
    write(folder / "dijon-commission.md", markdown({"date": "2023-04-28"}, seed_note(real_dir)))
    make_seed_docx(folder / "dijon-commission.docx", seed_paragraphs(real_dir, SEEDS[0]))
    write(folder / "toulouse.md", seed_note(real_dir, SEEDS[1]))
    with pytest.warns(CorpusWarning) as caught:
        documents = load_corpus(tmp_path)
    assert documents[schema.FILE].tolist() == [
        "2023-04-28-dijon/dijon-commission.md",  # the copy that carries the front matter
        "2023-04-28-dijon/toulouse.md",
    ]
    (message,) = warnings_about(caught, "en double")
    assert "1 document(s) en double" in message
    assert "2023-04-28-dijon/dijon-commission.docx (même texte que" in message
    assert "2023-04-28-dijon/dijon-commission.md)" in message


def test_copies_are_kept_on_request_and_still_named(tmp_path: Path, real_dir: Path) -> None:
    write(tmp_path / "2023-04-28-dijon" / "a.md", seed_note(real_dir))
    write(tmp_path / "2023-04-28-dijon" / "b.txt", seed_note(real_dir).replace("\n\n", "\n  \n"))
    with pytest.warns(CorpusWarning, match=r"b\.txt \(même texte que 2023-04-28-dijon/a\.md\)"):
        documents = load_corpus(tmp_path, drop_duplicates=False)
    assert documents[schema.DOC_ID].tolist() == ["a", "b"]


def test_only_exact_copies_are_merged(tmp_path: Path) -> None:
    write(tmp_path / "2023-04-28-dijon" / "a.md", CONSTAT)
    write(tmp_path / "2023-04-28-dijon" / "b.md", CONSTAT.lower())  # case counts
    write(tmp_path / "2023-04-28-dijon" / "c.md", CONSTAT.replace(".", " ;"))
    assert len(load_quietly(tmp_path)) == 3


def test_duplicated_rows_of_a_real_export_are_counted_once(tmp_path: Path, real_dir: Path) -> None:
    raw = (real_dir / DECIDIM).read_bytes()
    n_rows = len(pd.read_csv(real_dir / DECIDIM, sep=";", dtype=str))
    with pytest.warns(CorpusWarning) as caught:
        original = load_corpus(real_dir / DECIDIM, text_column="body", id_column="id")
    # the export as delivered holds one proposal posted twice, under two ids
    assert len(original) == n_rows - 1
    (message,) = warnings_about(caught, "en double")
    assert (
        "ligne 159 [id 773] (même texte que lille-propositions-decidim.csv, ligne 158 [id 772])"
        in (message)
    )
    doubled = write(tmp_path / DECIDIM, raw + raw.split(b"\n", 1)[1])  # every row twice
    with pytest.warns(CorpusWarning) as caught:
        documents = load_corpus(doubled, text_column="body")  # rows numbered, not by id
    (message,) = warnings_about(caught, "en double")
    assert f"{n_rows + 1} document(s) en double" in message
    assert (
        f"{DECIDIM}, ligne {n_rows + 2} [id row-{n_rows + 1:04d}] (même texte que {DECIDIM}, "
        "ligne 2 [id row-0001])"
    ) in message
    assert documents[schema.DOC_ID].tolist() == [
        f"row-{n:04d}" for n in range(1, n_rows + 1) if n != 158
    ]
    assert sorted(documents[schema.TEXT]) == sorted(original[schema.TEXT])


def test_duplicated_rows_with_their_ids_are_counted_once() -> None:
    with pytest.warns(CorpusWarning) as caught:
        documents = load_corpus(INPUTS_DIR / "formules.csv", text_column="body", id_column="id")
    assert documents[schema.DOC_ID].tolist() == ["101", "102", "103", "104", "106"]
    (message,) = warnings_about(caught, "en double")
    assert "formules.csv, ligne 6 [id 105] (même texte que formules.csv, ligne 2 [id 101])" in (
        message
    )
    assert "ligne 8 [id 107]" in message
    assert documents[schema.TEXT].tolist()[0] == (
        "Les habitants demandent un meilleur éclairage des communes, la nuit surtout."
    )


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("des communes , la métropole", "des communes, la métropole"),
        ("deux  espaces   ici", "deux espaces ici"),
        ("une\ttabulation", "une tabulation"),
        ("les retraites ,hormis", "les retraites, hormis"),
        ("(terre agricole) , mais", "(terre agricole), mais"),
        ("la fin .", "la fin."),
        ("la commune\u00a0: oui", "la commune\u00a0: oui"),
        ("la commune \u00a0 : oui", "la commune\u00a0: oui"),
        ("« une hausse de 12 % »", "« une hausse de 12 % »"),
        ("   1/ Option retenue  ", "1/ Option retenue"),
        ("Premier.\n   \nSecond.", "Premier.\n\nSecond."),
        ("2,5 et 3 , 4", "2,5 et 3, 4"),
    ],
)
def test_tidy_spaces(raw: str, tidy: str) -> None:
    assert tidy_spaces(raw) == tidy


def test_real_exports_have_no_runs_of_spaces_left(real_dir: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        decidim = load_corpus(real_dir / DECIDIM, text_column="body", id_column="id")
    raw = pd.read_csv(real_dir / DECIDIM, sep=";", dtype=str, keep_default_na=False)["body"]
    assert raw.str.contains("  ").sum() > 50  # the export as delivered
    assert not decidim[schema.TEXT].str.contains(r"\S {2,}\S|\w ,|^ | $", regex=True).any()
    assert not decidim[schema.TITLE].str.contains("  ").any()


class _NumberedPdf:
    """An fpdf2 document whose pages carry their number at the bottom, as reports do."""

    @staticmethod
    def build(paragraphs: list[str], *, gap: float, title: str | None) -> Any:
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


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("gap", [4, 0], ids=["spaced", "tight"])
def test_pdf_keeps_its_paragraphs(tmp_path: Path, real_dir: Path, seed: str, gap: float) -> None:
    paragraphs = seed_paragraphs(real_dir, seed, latin1=True)
    pdf = _NumberedPdf.build(paragraphs * 2, gap=gap, title=None)  # two pages or more
    assert pdf.page_no() >= 2
    pdf.output(str(tmp_path / "article.pdf"))
    text = load_corpus(tmp_path / "article.pdf").loc[0, schema.TEXT]
    found = text.split("\n\n")
    if gap:  # blank space between paragraphs: every paragraph comes back as it was
        assert found == paragraphs * 2
    else:  # no space: the short last lines still end most paragraphs
        assert len(found) >= len(paragraphs)
        assert set(found) & set(paragraphs)
    assert len(split_paragraphs(text)) > 1
    assert not re.search(r"(^|\n)\d+(\n|$)", text)  # page numbers left out


def test_pdf_paragraphs_go_on_over_a_page_break(tmp_path: Path, real_dir: Path) -> None:
    long = " ".join(seed_paragraphs(real_dir, SEEDS[0], latin1=True)[1:])
    pdf = _NumberedPdf.build([long] * 3, gap=4, title=None)
    assert pdf.page_no() >= 2
    pdf.output(str(tmp_path / "long.pdf"))
    assert load_corpus(tmp_path / "long.pdf").loc[0, schema.TEXT].split("\n\n") == [long] * 3


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        (
            "Dijon : la commission Sécurité et prévention",
            "Dijon : la commission Sécurité et prévention",
        ),
        ("Microsoft Word - note-dijon.docx", "first"),
        ("Document1", "first"),
        (None, "first"),
    ],
)
def test_pdf_title_is_its_metadata_or_its_first_lines(
    tmp_path: Path, real_dir: Path, metadata: str | None, expected: str
) -> None:
    paragraphs = seed_paragraphs(real_dir, SEEDS[0], latin1=True)
    _NumberedPdf.build(paragraphs, gap=4, title=metadata).output(str(tmp_path / "note.pdf"))
    title = load_corpus(tmp_path / "note.pdf").loc[0, schema.TITLE]
    assert title == (paragraphs[0] if expected == "first" else expected)


def test_pdf_words_cut_at_a_line_end_are_joined(tmp_path: Path) -> None:
    lines = [
        "Les élus veulent renforcer les actions de préven-",
        "tion de la délinquance, co-",
        "présidées par la commune et l'État, avec Creusot-",
        "Montceau ; peut-",
        "être aussi avec les bailleurs.",
    ]
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "\n".join(lines))
    pdf.output(str(tmp_path / "note.pdf"))
    assert load_corpus(tmp_path / "note.pdf").loc[0, schema.TEXT] == (
        "Les élus veulent renforcer les actions de prévention de la délinquance, co-présidées "
        "par la commune et l'État, avec Creusot-Montceau ; peut-être aussi avec les bailleurs."
    )


def test_one_note_as_md_docx_and_pdf_loads(tmp_path: Path, real_dir: Path) -> None:
    paragraphs = seed_paragraphs(real_dir, SEEDS[0])
    write(tmp_path / "note.md", seed_note(real_dir))
    make_seed_docx(tmp_path / "note.docx", paragraphs)
    latin1 = seed_paragraphs(real_dir, SEEDS[0], latin1=True)
    _NumberedPdf.build(latin1, gap=4, title=None).output(str(tmp_path / "note.pdf"))
    with pytest.warns(CorpusWarning) as caught:
        documents = load_corpus(tmp_path)
    assert documents[schema.DOC_ID].tolist() == ["note", "note-pdf"]  # the PDF lost its « œ »
    assert documents[schema.TEXT].str.strip().str.split("\n\n").tolist() == [paragraphs, latin1]
    assert warnings_about(caught, "note.docx (même texte que note.md)")
    (renamed,) = warnings_about(caught, "identifiant plus long")
    assert "note.pdf → « note-pdf »" in renamed


def test_same_file_names_in_two_folders_get_their_folder_in_the_id(tmp_path: Path) -> None:
    write(tmp_path / "2023-04-28-dijon" / "compte-rendu.md", CONSTAT)
    write(tmp_path / "2023-09-22-lille" / "compte-rendu.md", FREIN)
    with pytest.warns(CorpusWarning, match="2023-09-22-lille/compte-rendu.md → « 2023-09-22"):
        documents = load_corpus(tmp_path)
    assert documents[schema.DOC_ID].tolist() == ["2023-09-22-lille-compte-rendu", "compte-rendu"]
    assert documents[schema.CITY].tolist() == ["Lille", "Dijon"]


def test_a_report_inside_the_corpus_folder_is_not_read_back(tmp_path: Path, real_dir: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    before = load_quietly(corpus)
    report = corpus / "reports"
    write(report / "run.json", '{"corpus": {"path": "corpus"}}\n')
    write(report / "theme_memory.json", "{}\n")
    write(report / "fiches" / "01-polices-municipales.md", "# Polices municipales\n\n" + FREIN)
    write(report / "documents.csv", "doc_id,text\nlille-synthese,x\n")
    write(corpus / "archives" / "rapport-2023" / "theme_memory.json", "{}\n")
    write(corpus / "archives" / "rapport-2023" / "fiches" / "a.md", seed_note(real_dir))
    write(corpus / ".cache" / "parsed.txt", CONSTAT)
    with pytest.warns(CorpusWarning) as caught:
        after = load_corpus(corpus)
    pd.testing.assert_frame_equal(after, before)
    (message,) = warnings_about(caught, "dossier(s) de résultats")
    assert "2 dossier(s)" in message and "archives/rapport-2023, reports" in message
    assert len(caught) == 1  # said once, nothing else to say


def test_output_markers_are_the_files_the_workbook_writes() -> None:
    from analysis import curation, pipeline

    assert set(OUTPUT_MARKERS) == {pipeline.RUN_FILE, curation.MEMORY_FILE}


# --- bad input: one case each -------------------------------------------------------------------


def case_empty_folder(root: Path) -> tuple[Path, dict[str, Any]]:
    (root / "vide").mkdir()
    write(root / "vide" / "README.md", "# Rien\n")
    return root / "vide", {}


def case_missing_path(root: Path) -> tuple[Path, dict[str, Any]]:
    return root / "introuvable", {}


def case_empty_file(root: Path) -> tuple[Path, dict[str, Any]]:
    small_corpus(root)
    write(root / "2023-04-28-dijon" / "vide.md", "  \n\n")
    return root, {}


def case_front_matter_only(root: Path) -> tuple[Path, dict[str, Any]]:
    small_corpus(root)
    write(root / "2023-04-28-dijon" / "sans-texte.md", markdown({"city": "Dijon"}, "\n\n"))
    return root, {}


def case_binary_file(root: Path) -> tuple[Path, dict[str, Any]]:
    small_corpus(root)
    write(root / "2023-04-28-dijon" / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return root, {}


def case_unreadable_file(root: Path) -> tuple[Path, dict[str, Any]]:
    small_corpus(root)
    os.symlink(root / "disparu.md", root / "2023-04-28-dijon" / "lien-casse.md")
    return root, {}


def case_corrupt_docx(root: Path) -> tuple[Path, dict[str, Any]]:
    small_corpus(root)
    write(root / "2023-04-28-dijon" / "abime.docx", "ceci n'est pas un document Word")
    return root, {}


def case_scanned_pdf(root: Path) -> tuple[Path, dict[str, Any]]:
    small_corpus(root)
    make_pdf(root / "2023-04-28-dijon" / "scan.pdf", [])
    return root, {}


def case_bad_yaml(root: Path) -> tuple[Path, dict[str, Any]]:
    bad = "---\ncity: Dijon\ntitle: Dijon : la restitution\ndate: 2023-04-28\n---\n" + CONSTAT
    write(root / "2023-04-28-dijon" / "titre.md", bad)
    return root, {}


def case_unclosed_front_matter(root: Path) -> tuple[Path, dict[str, Any]]:
    write(root / "2023-04-28-dijon" / "ouvert.md", "---\ncity: Dijon\n\n" + CONSTAT)
    return root, {}


def case_front_matter_list(root: Path) -> tuple[Path, dict[str, Any]]:
    write(root / "2023-04-28-dijon" / "liste.md", "---\n- Dijon\n- 2023\n---\n" + CONSTAT)
    return root, {}


def case_unknown_extension_file(root: Path) -> tuple[Path, dict[str, Any]]:
    return write(root / "compte-rendu.odt", b"PK\x03\x04"), {}


def case_duplicate_ids(root: Path) -> tuple[Path, dict[str, Any]]:
    write(root / "2023-04-28-dijon" / "a.md", markdown({"id": "note-1"}, CONSTAT))
    write(root / "2023-09-22-lille" / "b.md", markdown({"id": "note-1"}, FREIN))
    return root, {}


def case_duplicate_table_ids(root: Path) -> tuple[Path, dict[str, Any]]:
    rows = [dict(ROWS[0]), dict(ROWS[1], id="P-12")]
    return write(root / "export.csv", csv_text(rows, ";")), {
        "text_column": "corps",
        "id_column": "id",
    }


def case_misspelt_text_column(root: Path) -> tuple[Path, dict[str, Any]]:
    return write(root / "export.csv", csv_text(ROWS, ";")), {"text_column": "corp"}


def case_misspelt_meta_column(root: Path) -> tuple[Path, dict[str, Any]]:
    path = write(root / "export.csv", csv_text(ROWS, ";"))
    return path, {"text_column": "corps", "meta_columns": ["categories"]}


def case_all_texts_empty(root: Path) -> tuple[Path, dict[str, Any]]:
    rows = [dict(r, corps="<p> </p>") for r in ROWS]
    return write(root / "export.csv", csv_text(rows, ";")), {"text_column": "corps"}


def case_some_texts_empty(root: Path) -> tuple[Path, dict[str, Any]]:
    rows = [ROWS[0], dict(ROWS[1], corps="")]
    return write(root / "export.csv", csv_text(rows, ";")), {"text_column": "corps"}


def case_bad_date_in_front_matter(root: Path) -> tuple[Path, dict[str, Any]]:
    write(root / "a.md", markdown({"city": "Dijon", "date": "printemps 2023"}, CONSTAT))
    return root, {}


def case_impossible_yaml_date(root: Path) -> tuple[Path, dict[str, Any]]:
    write(root / "a.md", "---\ncity: Dijon\ndate: 2023-02-30\n---\n" + CONSTAT)
    return root, {}


def case_bad_date_in_table(root: Path) -> tuple[Path, dict[str, Any]]:
    rows = [ROWS[0], dict(ROWS[1], publication="31/02/2023")]
    path = write(root / "export.csv", csv_text(rows, ";"))
    return path, {"text_column": "corps", "meta_columns": ["date=publication"]}


def case_bad_json(root: Path) -> tuple[Path, dict[str, Any]]:
    return write(root / "export.json", '[{"corps": "Un texte"},\n {"corps": }]'), {}


def case_bad_iramuteq_variable(root: Path) -> tuple[Path, dict[str, Any]]:
    return write(root / "corpus.txt", "**** *ville_Dijon date2023\n" + CONSTAT), {}


def case_ragged_csv(root: Path) -> tuple[Path, dict[str, Any]]:
    text = "id;corps\n1;Les élus demandent un bilan.\n2;Un texte;avec un champ de trop\n"
    return write(root / "export.csv", text), {"text_column": "corps"}


def case_corrupt_xlsx(root: Path) -> tuple[Path, dict[str, Any]]:
    return write(root / "export.xlsx", "pas un classeur"), {"text_column": "corps"}


def case_empty_table(root: Path) -> tuple[Path, dict[str, Any]]:
    return write(root / "export.csv", "id;corps\n"), {"text_column": "corps"}


BAD_INPUTS = [
    (case_empty_folder, CorpusError, ["vide", "aucun document trouvé"]),
    (case_missing_path, CorpusError, ["Corpus introuvable", "introuvable"]),
    (case_empty_file, CorpusWarning, ["vide.md", "fichier vide"]),
    (case_front_matter_only, CorpusWarning, ["sans-texte.md", "aucun texte après l’en-tête"]),
    (case_binary_file, CorpusWarning, ["image.txt", "binaire"]),
    (case_unreadable_file, CorpusWarning, ["lien-casse.md", "illisible"]),
    (case_corrupt_docx, CorpusWarning, ["abime.docx", "ne s’ouvre pas comme un document Word"]),
    (case_scanned_pdf, CorpusWarning, ["scan.pdf", "pas de couche texte", "OCR"]),
    (case_bad_yaml, CorpusError, ["titre.md, ligne 3", "pas du YAML valide", "guillemets"]),
    (case_unclosed_front_matter, CorpusError, ["ouvert.md, ligne 1", "jamais fermé"]),
    (case_front_matter_list, CorpusError, ["liste.md", "« clé: valeur »"]),
    (case_unknown_extension_file, CorpusError, ["compte-rendu.odt", "non pris en charge", ".docx"]),
    (
        case_duplicate_ids,
        CorpusError,
        ["'note-1'", "2023-04-28-dijon/a.md", "2023-09-22-lille/b.md", "en double"],
    ),
    (case_duplicate_table_ids, CorpusError, ["'P-12'", "ligne 2", "ligne 3"]),
    (case_misspelt_text_column, CorpusError, ["colonne de texte « corp »", "« corps » ?"]),
    (case_misspelt_meta_column, CorpusError, ["« categories »", "dire « categorie »"]),
    (case_all_texts_empty, CorpusError, ["export.csv", "colonne « corps » sont vides"]),
    (case_some_texts_empty, CorpusWarning, ["export.csv", "1 ligne(s)", "ligne 3"]),
    (case_bad_date_in_front_matter, CorpusError, ["a.md : date", "'printemps 2023'", "AAAA-MM-JJ"]),
    (case_impossible_yaml_date, CorpusError, ["a.md, ligne 3", "date impossible"]),
    (case_bad_date_in_table, CorpusError, ["export.csv, ligne 3", "« publication »", "31/02/2023"]),
    (case_bad_json, CorpusError, ["export.json, ligne 2", "JSON invalide"]),
    (case_ragged_csv, CorpusError, ["export.csv, ligne 3", "délimiteur ';'"]),
    (case_corrupt_xlsx, CorpusError, ["export.xlsx", "ne s’ouvre pas comme un classeur Excel"]),
    (case_empty_table, CorpusError, ["export.csv", "aucune ligne"]),
    (case_bad_iramuteq_variable, CorpusError, ["corpus.txt, ligne 1", "'date2023'", "*nom_valeur"]),
]


@pytest.mark.parametrize(
    ("build", "kind", "fragments"), BAD_INPUTS, ids=[case.__name__[5:] for case, *_ in BAD_INPUTS]
)
def test_bad_input_gets_a_clear_message(
    tmp_path: Path, build: Callable[..., Any], kind: type, fragments: list[str]
) -> None:
    path, options = build(tmp_path)
    if kind is CorpusError:
        with pytest.raises(CorpusError) as error:
            load_corpus(path, **options)
        message = str(error.value)
    else:
        with pytest.warns(CorpusWarning) as caught:
            documents = load_corpus(path, **options)
        message = next(
            (str(w.message) for w in caught if fragments[0] in str(w.message)),
            str(caught[0].message),
        )
        assert len(documents) >= 1  # the rest of the corpus is still loaded
    for fragment in fragments:
        assert fragment in message


def test_a_folder_where_nothing_loads_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "vide.md", "\n")
    with (
        pytest.warns(CorpusWarning, match="fichier vide"),
        pytest.raises(CorpusError, match="aucun des 1 fichiers"),
    ):
        load_corpus(tmp_path)


def test_user_files_are_never_modified(tmp_path: Path) -> None:
    small_corpus(tmp_path)
    write(tmp_path / "2023-04-28-dijon" / "windows.txt", ACCENTED.encode("cp1252"))
    write(tmp_path / "2023-04-28-dijon" / "crlf.md", "Premier.\r\n\r\nSecond.\r\n")
    make_docx(tmp_path / "2023-09-22-lille" / "compte-rendu.docx")
    make_pdf(tmp_path / "2023-09-22-lille" / "note.pdf", ["Les tigistes sont accueillis."])
    table = write(tmp_path / "tables" / "export.csv", csv_text(ROWS, ";"))
    sheet = TABLE_WRITERS["sheet.xlsx"](tmp_path / "tables" / "sheet.xlsx", ROWS)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        load_corpus(tmp_path)
        load_corpus(table, text_column="corps")
        load_corpus(sheet, text_column="corps")

    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == files
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


def test_only_the_first_sheet_of_a_workbook_is_read(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame(ROWS).to_excel(writer, sheet_name="Contributions", index=False)
        pd.DataFrame({"note": ["Export du 3 mai"]}).to_excel(
            writer, sheet_name="Infos", index=False
        )
    with pytest.warns(CorpusWarning, match="seule la première feuille « Contributions ».*Infos"):
        documents = load_corpus(
            path, text_column="corps", meta_columns=["city=ville", "date=publication"]
        )
    assert len(documents) == len(ROWS)


# --- configuration ------------------------------------------------------------------------------


def test_load_corpus_from_config_resolves_the_path(tmp_path: Path) -> None:
    write(tmp_path / "donnees" / "export.csv", csv_text(ROWS, ";"))
    config = config_from_dict(
        {
            "corpus": {
                "path": "donnees/export.csv",
                "text_column": "corps",
                "id_column": "id",
                "meta_columns": ["city=ville", "date=publication"],
            }
        },
        base_dir=str(tmp_path),
    )
    documents = load_corpus_from_config(config)
    assert documents[schema.DOC_ID].tolist() == ["P-12", "P-13", "P-14"]


# --- annotations --------------------------------------------------------------------------------

ANNOTATIONS = (
    "doc_id,paragraph,theme,function,canonical,text_start\n"
    "dijon-2023-article,1,polices_municipales,frein,F01,Les communes voisines\n"
    "dijon-2023-article,0,hors_theme,autre,,Sixième étape du cycle\n"
    'dijon-2023-article,2,polices_municipales,bonne pratique,,"Une commune, au nord"\n'
)


def test_load_annotations(tmp_path: Path) -> None:
    write(tmp_path / "annotations.csv", ANNOTATIONS)
    annotations = load_annotations(tmp_path)
    assert list(annotations.columns) == list(schema.ANNOTATION_COLUMNS)
    assert annotations[schema.PARAGRAPH].tolist() == [0, 1, 2]
    assert annotations[schema.GOLD_CANONICAL].tolist() == ["", "F01", ""]
    assert annotations.loc[2, schema.TEXT_START] == "Une commune, au nord"


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        (
            ("bonne pratique", "bonne_pratique"),
            ["ligne 4", "'bonne_pratique'", "« bonne pratique »"],
        ),
        (("0,hors_theme", "zéro,hors_theme"), ["ligne 3", "'zéro'", "nombre entier"]),
        (("2,polices", "1,polices"), ["lignes 2 et 4", "annoté deux fois"]),
        (("function,", "fonction,"), ["pas de colonne « function »", "dire « fonction »"]),
    ],
)
def test_bad_annotations_name_the_line(
    tmp_path: Path, change: tuple[str, str], fragments: list[str]
) -> None:
    write(tmp_path / "annotations.csv", ANNOTATIONS.replace(*change))
    with pytest.raises(CorpusError) as error:
        load_annotations(tmp_path / "annotations.csv")
    for fragment in fragments:
        assert fragment in str(error.value)


# --- summaries and plots ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("L’adjointe au maire chargée de la sécurité", 7),
        ("## Constats\n\n- une hausse de 12 % des faits", 7),
        ("« Oui » — dit-elle.", 2),
        ("", 0),
    ],
)
def test_count_words(text: str, count: int) -> None:
    assert count_words(text) == count


def overview_documents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            schema.DOC_ID: ["l1", "d2", "d1", "d3"],
            schema.CONCERTATION_ID: ["C07", "C06", "C06", "C06"],
            schema.CITY: ["Lille", "Dijon", "Dijon", "Dijon"],
            schema.DATE: pd.to_datetime(["2023-09-22", "2023-04-28", "2023-04-28", "2023-04-28"]),
            schema.DOC_TYPE: ["synthese", "note_restitution", "note_restitution", "article"],
            schema.TEXT: [PROPOSITION, CONSTAT, FREIN, "Trois mots ici."],
        }
    )


def test_corpus_overview_has_one_row_per_concertation_by_date() -> None:
    overview = corpus_overview(overview_documents())
    assert overview.to_dict("records") == [
        {
            schema.CONCERTATION_ID: "C06",
            schema.CITY: "Dijon",
            schema.DATE: pd.Timestamp("2023-04-28"),
            schema.N_DOCUMENTS: 3,
            schema.N_WORDS: count_words(CONSTAT) + count_words(FREIN) + 3,
            schema.DOC_TYPES: "article, note_restitution (2)",
        },
        {
            schema.CONCERTATION_ID: "C07",
            schema.CITY: "Lille",
            schema.DATE: pd.Timestamp("2023-09-22"),
            schema.N_DOCUMENTS: 1,
            schema.N_WORDS: count_words(PROPOSITION),
            schema.DOC_TYPES: "synthese",
        },
    ]


def test_documents_per_type_and_words_per_document() -> None:
    documents = overview_documents()
    per_type = documents_per_type(documents)
    assert per_type[schema.DOC_TYPE].tolist() == ["note_restitution", "article", "synthese"]
    assert per_type[schema.N_DOCUMENTS].tolist() == [2, 1, 1]
    words = words_per_document(documents)
    assert words[schema.DOC_ID].tolist() == ["d1", "d2", "d3", "l1"]
    assert words[schema.N_WORDS].tolist()[2] == 3


def test_summaries_need_their_columns() -> None:
    with pytest.raises(schema.SchemaError, match="concertation_id"):
        corpus_overview(overview_documents().drop(columns=schema.CONCERTATION_ID))


def test_corpus_plots_draw_what_they_are_given() -> None:
    documents = overview_documents()
    ax = plots.plot_documents_per_concertation(documents)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Lille, septembre 2023",
        "Dijon, avril 2023",
    ]
    assert sum(p.get_width() for p in ax.patches) == len(documents)
    ax = plots.plot_corpus_timeline(corpus_overview(documents))
    assert sorted(t.get_text() for t in ax.texts) == ["Dijon", "Lille"]
    _, given = plt.subplots()
    ax = plots.plot_words_per_document(words_per_document(documents), ax=given)
    assert ax is given
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "Article",
        "Note de restitution",
        "Synthèse",
    ]
    plt.close("all")


# --- the sample corpus shipped with the project ---------------------------------------------------


def test_sample_corpus_loads_cleanly(corpus_dir: Path) -> None:
    files = sorted(corpus_dir.glob("*/*.md"))
    if not files:
        pytest.skip("the sample corpus is not there yet")
    documents = load_quietly(corpus_dir)
    assert sorted(documents[schema.DOC_ID]) == sorted(p.stem for p in files)
    for column in (schema.CONCERTATION_ID, schema.CITY, schema.DOC_TYPE, schema.TITLE):
        assert (documents[column] != "").all(), column
    assert documents[schema.DATE].notna().all()
    notes = documents[documents[schema.DOC_TYPE] == "note_restitution"]
    assert notes[schema.ATELIER].notna().all()
