"""Bad input of every format, one case each: the error or warning names the file and what to do
(corpus/README.md lists which is which)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from factories import (
    CONSTAT,
    EXPORT_ROWS,
    FREIN,
    csv_text,
    make_pdf,
    markdown_note,
    small_corpus,
    write_file,
    write_ods_package,
)

from analysis.corpus import CorpusError, CorpusWarning, load_corpus

REAL_IRAMUTEQ = (
    Path(__file__).resolve().parents[1] / "data" / "real" / "lille-propositions-iramuteq.txt"
)


def case_empty_folder(root: Path) -> tuple[Path, dict[str, Any]]:
    (root / "vide").mkdir()
    write_file(root / "vide" / "README.md", "# Rien\n")
    return root / "vide", {}


def case_missing_path(root: Path) -> tuple[Path, dict[str, Any]]:
    return root / "introuvable", {}


def case_empty_file(root: Path) -> tuple[Path, dict[str, Any]]:
    small_corpus(root)
    write_file(root / "2023-04-28-dijon" / "vide.md", "  \n\n")
    return root, {}


def case_front_matter_only(root: Path) -> tuple[Path, dict[str, Any]]:
    small_corpus(root)
    write_file(
        root / "2023-04-28-dijon" / "sans-texte.md", markdown_note({"city": "Dijon"}, "\n\n")
    )
    return root, {}


def case_binary_file(root: Path) -> tuple[Path, dict[str, Any]]:
    small_corpus(root)
    write_file(root / "2023-04-28-dijon" / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return root, {}


def case_unreadable_file(root: Path) -> tuple[Path, dict[str, Any]]:
    small_corpus(root)
    os.symlink(root / "disparu.md", root / "2023-04-28-dijon" / "lien-casse.md")
    return root, {}


def case_corrupt_docx(root: Path) -> tuple[Path, dict[str, Any]]:
    small_corpus(root)
    write_file(root / "2023-04-28-dijon" / "abime.docx", "ceci n'est pas un document Word")
    return root, {}


def case_scanned_pdf(root: Path) -> tuple[Path, dict[str, Any]]:
    small_corpus(root)
    make_pdf(root / "2023-04-28-dijon" / "scan.pdf", [])
    return root, {}


def case_bad_yaml(root: Path) -> tuple[Path, dict[str, Any]]:
    bad = "---\ncity: Dijon\ntitle: Dijon : la restitution\ndate: 2023-04-28\n---\n" + CONSTAT
    write_file(root / "2023-04-28-dijon" / "titre.md", bad)
    return root, {}


def case_unclosed_front_matter(root: Path) -> tuple[Path, dict[str, Any]]:
    write_file(root / "2023-04-28-dijon" / "ouvert.md", "---\ncity: Dijon\n\n" + CONSTAT)
    return root, {}


def case_front_matter_list(root: Path) -> tuple[Path, dict[str, Any]]:
    write_file(root / "2023-04-28-dijon" / "liste.md", "---\n- Dijon\n- 2023\n---\n" + CONSTAT)
    return root, {}


def case_unknown_extension_file(root: Path) -> tuple[Path, dict[str, Any]]:
    return write_file(root / "compte-rendu.rtf", b"{\\rtf1 Compte rendu}"), {}


def case_duplicate_ids(root: Path) -> tuple[Path, dict[str, Any]]:
    write_file(root / "2023-04-28-dijon" / "a.md", markdown_note({"id": "note-1"}, CONSTAT))
    write_file(root / "2023-09-22-lille" / "b.md", markdown_note({"id": "note-1"}, FREIN))
    return root, {}


def case_duplicate_table_ids(root: Path) -> tuple[Path, dict[str, Any]]:
    rows = [dict(EXPORT_ROWS[0]), dict(EXPORT_ROWS[1], id="P-12")]
    return write_file(root / "export.csv", csv_text(rows, ";")), {
        "text_column": "corps",
        "id_column": "id",
    }


def case_misspelt_text_column(root: Path) -> tuple[Path, dict[str, Any]]:
    return write_file(root / "export.csv", csv_text(EXPORT_ROWS, ";")), {"text_column": "corp"}


def case_misspelt_meta_column(root: Path) -> tuple[Path, dict[str, Any]]:
    path = write_file(root / "export.csv", csv_text(EXPORT_ROWS, ";"))
    return path, {"text_column": "corps", "meta_columns": ["categories"]}


def case_all_texts_empty(root: Path) -> tuple[Path, dict[str, Any]]:
    rows = [dict(r, corps="<p> </p>") for r in EXPORT_ROWS]
    return write_file(root / "export.csv", csv_text(rows, ";")), {"text_column": "corps"}


def case_some_texts_empty(root: Path) -> tuple[Path, dict[str, Any]]:
    rows = [EXPORT_ROWS[0], dict(EXPORT_ROWS[1], corps="")]
    return write_file(root / "export.csv", csv_text(rows, ";")), {"text_column": "corps"}


def case_bad_date_in_front_matter(root: Path) -> tuple[Path, dict[str, Any]]:
    write_file(root / "a.md", markdown_note({"city": "Dijon", "date": "printemps 2023"}, CONSTAT))
    return root, {}


def case_impossible_yaml_date(root: Path) -> tuple[Path, dict[str, Any]]:
    write_file(root / "a.md", "---\ncity: Dijon\ndate: 2023-02-30\n---\n" + CONSTAT)
    return root, {}


def case_bad_date_in_table(root: Path) -> tuple[Path, dict[str, Any]]:
    rows = [EXPORT_ROWS[0], dict(EXPORT_ROWS[1], publication="31/02/2023")]
    path = write_file(root / "export.csv", csv_text(rows, ";"))
    return path, {"text_column": "corps", "meta_columns": ["date=publication"]}


def case_bad_json(root: Path) -> tuple[Path, dict[str, Any]]:
    return write_file(root / "export.json", '[{"corps": "Un texte"},\n {"corps": }]'), {}


def case_bad_iramuteq_date(root: Path) -> tuple[Path, dict[str, Any]]:
    """The real IRaMuTeQ corpus with an unreadable date on its second text's line."""
    lines = REAL_IRAMUTEQ.read_text(encoding="utf-8").split("\n")
    second = [n for n, line in enumerate(lines) if line.startswith("****")][1]
    lines[second] += " *date_printemps-2019"
    return write_file(root / "corpus.txt", "\n".join(lines)), {}


def case_numbers_as_text_column(root: Path) -> tuple[Path, dict[str, Any]]:
    """The real Decidim export with its count of votes given as the text column."""
    export = REAL_IRAMUTEQ.parent / "lille-propositions-decidim.csv"
    (root / "export.csv").write_bytes(export.read_bytes())
    return root / "export.csv", {"text_column": "votes", "id_column": "id"}


def case_bad_iramuteq_variable(root: Path) -> tuple[Path, dict[str, Any]]:
    return write_file(root / "corpus.txt", "**** *ville_Dijon date2023\n" + CONSTAT), {}


def case_ragged_csv(root: Path) -> tuple[Path, dict[str, Any]]:
    text = "id;corps\n1;Les élus demandent un bilan.\n2;Un texte;avec un champ de trop\n"
    return write_file(root / "export.csv", text), {"text_column": "corps"}


def case_corrupt_xlsx(root: Path) -> tuple[Path, dict[str, Any]]:
    return write_file(root / "export.xlsx", "pas un classeur"), {"text_column": "corps"}


def case_corrupt_xls(root: Path) -> tuple[Path, dict[str, Any]]:
    return write_file(root / "export.xls", "pas un classeur"), {"text_column": "corps"}


def case_corrupt_ods(root: Path) -> tuple[Path, dict[str, Any]]:
    return write_file(root / "export.ods", "pas un classeur"), {"text_column": "corps"}


def case_text_document_named_ods(root: Path) -> tuple[Path, dict[str, Any]]:
    """A LibreOffice text document given the spreadsheet's extension: no sheet in it."""
    path = write_ods_package(root / "export.ods", "")
    return path, {"text_column": "corps"}


def case_empty_table(root: Path) -> tuple[Path, dict[str, Any]]:
    return write_file(root / "export.csv", "id;corps\n"), {"text_column": "corps"}


BAD_INPUTS = [
    (case_empty_folder, CorpusError, ["vide", "aucun document trouvé"]),
    (case_missing_path, CorpusError, ["Corpus introuvable", "introuvable"]),
    (case_empty_file, CorpusWarning, ["vide.md", "fichier vide"]),
    (case_front_matter_only, CorpusWarning, ["sans-texte.md", "aucun texte après l’en-tête"]),
    (case_binary_file, CorpusWarning, ["image.txt", "binaire"]),
    (case_unreadable_file, CorpusWarning, ["lien-casse.md", "illisible"]),
    (case_corrupt_docx, CorpusWarning, ["abime.docx", "ne s’ouvre pas comme un document Word"]),
    (case_scanned_pdf, CorpusWarning, ["scan.pdf", "pas de couche texte", "OCR"]),
    (
        case_bad_yaml,
        CorpusError,
        ["titre.md, ligne 3", "YAML valide (un « : » dans une valeur sans guillemets)"],
    ),
    (case_unclosed_front_matter, CorpusError, ["ouvert.md, ligne 1", "jamais fermé"]),
    (case_front_matter_list, CorpusError, ["liste.md", "« clé: valeur »"]),
    (case_unknown_extension_file, CorpusError, ["compte-rendu.rtf", "non pris en charge", ".docx"]),
    (
        case_duplicate_ids,
        CorpusError,
        ["'note-1'", "2023-04-28-dijon/a.md", "2023-09-22-lille/b.md", "en double"],
    ),
    (
        case_duplicate_table_ids,
        CorpusError,
        ["'P-12'", "ligne 2", "ligne 3", "Chaque ligne du tableau", "--id-column"],
    ),
    (
        case_numbers_as_text_column,
        CorpusError,
        ["export.csv", "« votes » ne contient aucun mot", "--text-column", "body"],
    ),
    (case_misspelt_text_column, CorpusError, ["colonne de texte « corp »", "« corps » ?"]),
    (case_misspelt_meta_column, CorpusError, ["« categories »", "dire « categorie »"]),
    (case_all_texts_empty, CorpusError, ["export.csv", "colonne « corps » sont vides"]),
    (case_some_texts_empty, CorpusWarning, ["export.csv", "1 ligne(s)", "ligne 3"]),
    (case_bad_date_in_front_matter, CorpusError, ["a.md : date", "'printemps 2023'", "AAAA-MM-JJ"]),
    (case_impossible_yaml_date, CorpusError, ["a.md, ligne 3", "date impossible"]),
    (case_bad_date_in_table, CorpusError, ["export.csv, ligne 3", "« publication »", "31/02/2023"]),
    (case_bad_json, CorpusError, ["export.json, ligne 2", "JSON invalide (une valeur manque"]),
    (case_ragged_csv, CorpusError, ["export.csv, ligne 3", "délimiteur ';'"]),
    (case_corrupt_xlsx, CorpusError, ["export.xlsx", "ne s’ouvre pas comme un classeur Excel"]),
    (case_corrupt_xls, CorpusError, ["export.xls", "classeur Excel 97-2003", "de nouveau en .xls"]),
    (case_corrupt_ods, CorpusError, ["export.ods", "classeur OpenDocument", "de nouveau en .ods"]),
    (case_text_document_named_ods, CorpusError, ["export.ods", "aucune feuille", ".csv"]),
    (case_empty_table, CorpusError, ["export.csv", "aucune ligne"]),
    (case_bad_iramuteq_variable, CorpusError, ["corpus.txt, ligne 1", "'date2023'", "*nom_valeur"]),
    (case_bad_iramuteq_date, CorpusError, ["corpus.txt, ligne 10 : date", "'printemps-2019'"]),
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


def test_a_column_of_votes_as_ids_gets_a_short_message(real_dir: Path, tmp_path: Path) -> None:
    """The real Decidim export with ``--id-column votes``: most rows repeat another's count.
    The message says how many and names five; it listed every pair (13,000 characters)."""
    export = tmp_path / "decidim.csv"
    export.write_bytes((real_dir / "lille-propositions-decidim.csv").read_bytes())
    with pytest.raises(CorpusError) as raised:
        load_corpus(export, text_column="body", id_column="votes")
    message = str(raised.value)
    assert len(message) < 1_000
    match = re.search(r"\((\d+) document\(s\) sur (\d+) reprennent", message)
    assert match and int(match.group(1)) > 100 and int(match.group(2)) >= 190
    assert message.count(" et dans ") == 5 and "autre(s)" in message
    assert "--id-column" in message
