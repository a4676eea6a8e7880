"""Tests of analysis.corpus.tables and table_files: platform exports, every table format."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from factories import (
    CONSTAT,
    EXPORT_ROWS,
    EXPORT_TEXTS,
    FREIN,
    TABLE_WRITERS,
    csv_text,
    load_quietly,
    write_file,
    write_ods_package,
)

from analysis import schema
from analysis.corpus import CorpusError, CorpusWarning, load_corpus


@pytest.mark.parametrize("name", sorted(TABLE_WRITERS))
def test_tables_load_with_html_turned_into_plain_text(tmp_path: Path, name: str) -> None:
    path = TABLE_WRITERS[name](tmp_path / name, EXPORT_ROWS)
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
    assert documents[schema.TEXT].tolist() == EXPORT_TEXTS
    assert documents[schema.DATE].tolist() == [pd.Timestamp("2023-04-28")] * 2 + [
        pd.Timestamp("2023-04-29")
    ]
    assert documents[schema.TITLE].tolist() == [r["titre"] for r in EXPORT_ROWS]
    assert documents["categorie"].tolist() == [r["categorie"] for r in EXPORT_ROWS]
    assert documents[schema.FILE].unique().tolist() == [name]
    first = {".json": "entrée 1", ".jsonl": "ligne 1"}.get(Path(name).suffix, "ligne 2")
    assert documents.loc[0, schema.SOURCE] == f"{name}, {first}"  # a spreadsheet's row number


def test_table_rows_are_numbered_without_id_column(tmp_path: Path) -> None:
    path = write_file(tmp_path / "export.csv", csv_text(EXPORT_ROWS, ";"))
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
    path = write_file(tmp_path / "export.csv", csv_text(EXPORT_ROWS, ";"))
    with pytest.warns(
        CorpusWarning, match="export.csv : pas de colonne de texte indiquée ; la colonne « corps »"
    ):
        documents = load_corpus(path, meta_columns=["city=ville", "date=publication"])
    assert documents[schema.TEXT].tolist() == EXPORT_TEXTS


def test_nested_json_fields_become_dotted_columns(tmp_path: Path) -> None:
    proposals = [
        {"id": 7, "body": {"fr": "<p>Créer un poste de coordonnateur CLSPD.</p>"}, "scope": None},
        {"id": 8, "body": {"fr": "Former les agents d’accueil."}, "scope": {"name": "Nord"}},
    ]
    for proposal in proposals:
        proposal.update(city="Grenoble", date="2024-11-29T18:02:11+01:00")
    path = write_file(tmp_path / "decidim.json", json.dumps({"proposals": proposals}))
    documents = load_quietly(
        path, text_column="body.fr", id_column="id", meta_columns=["scope.name"]
    )
    assert documents[schema.TEXT].tolist() == [
        "Créer un poste de coordonnateur CLSPD.",
        "Former les agents d’accueil.",
    ]
    assert documents["scope.name"].tolist() == ["", "Nord"]
    assert documents[schema.DOC_ID].tolist() == ["7", "8"]


def test_a_platform_s_french_title_field_titles_the_contributions(
    decidim_export: pd.DataFrame, tmp_path: Path
) -> None:
    """Decidim's JSON export nests each field's translations ({"title": {"fr": ...}}): the
    French title titles the documents without an option, as a "title" column would."""
    rows = decidim_export.head(5)
    proposals = [
        {"id": int(i), "title": {"fr": title}, "body": {"fr": body}}
        for i, title, body in zip(rows["id"], rows["title"], rows["body"], strict=True)
    ]
    path = write_file(tmp_path / "decidim.json", json.dumps(proposals, ensure_ascii=False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # no city, no date
        documents = load_corpus(path, text_column="body.fr", id_column="id")
    titles = dict(zip(documents[schema.DOC_ID], documents[schema.TITLE], strict=True))
    assert titles == dict(zip(rows["id"], rows["title"].str.strip(), strict=True))
    assert "title.fr" not in documents.columns


def test_a_header_cell_holding_a_number_names_its_column(tmp_path: Path) -> None:
    """A spreadsheet header may hold a year (a number cell), even beside the same year typed
    as text: every column gets a text name, the second one pandas' ".1" suffix."""
    texts = [row["corps"] for row in EXPORT_ROWS]
    notes = [f"note {i}" for i in range(len(texts))]
    named, year = tmp_path / "named.xlsx", tmp_path / "year.xlsx"
    pd.DataFrame({"corps": texts, "remarque": notes}).to_excel(named, index=False)
    pd.DataFrame(list(zip(texts, notes, strict=True)), columns=[2019, "2019"]).to_excel(
        year, index=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # no city, no date
        expected = load_corpus(named, text_column="corps")
        documents = load_corpus(year, text_column="2019")
        second = load_corpus(year, text_column="2019.1")
    assert documents[schema.TEXT].tolist() == expected[schema.TEXT].tolist()
    assert second[schema.TEXT].tolist() == notes


def test_the_sheet_holding_the_columns_asked_for_is_read(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"note": ["Export du 3 mai"]}).to_excel(
            writer, sheet_name="Infos", index=False
        )
        pd.DataFrame(EXPORT_ROWS).to_excel(writer, sheet_name="Contributions", index=False)
    with pytest.warns(CorpusWarning, match="feuille « Contributions » est lue .*« corps ».*Infos"):
        documents = load_corpus(
            path, text_column="corps", meta_columns=["city=ville", "date=publication"]
        )
    assert documents[schema.TEXT].tolist() == EXPORT_TEXTS


def test_a_workbook_opening_on_a_notice_sheet_gives_its_contributions(
    tmp_path: Path, decidim_export: pd.DataFrame
) -> None:
    """A real export saved as a workbook whose first sheet is a notice: without a column
    named, the sheet holding the most text is read, and the warning says which."""
    rows = decidim_export[["id", "title", "body"]].head(40)
    path = tmp_path / "grand-debat.xlsx"
    with pd.ExcelWriter(path) as writer:
        notice = {"Lisez-moi": ["Export de la plateforme du 12/01/2019", "Feuille 2 : textes"]}
        pd.DataFrame(notice).to_excel(writer, sheet_name="Notice", index=False)
        rows.to_excel(writer, sheet_name="Propositions", index=False)
        pd.DataFrame().to_excel(writer, sheet_name="Vide", index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        documents = load_corpus(path)
    said = [str(w.message) for w in caught]
    assert any("feuille « Propositions » est lue (elle porte le plus de texte)" in m for m in said)
    assert any("« Notice », « Vide »" in m for m in said)
    assert len(documents) == 40
    assert documents[schema.TEXT].str.len().sum() > 10_000  # the bodies, not the titles


def test_cells_holding_translations_as_json_give_their_french_text(
    tmp_path: Path, decidim_export: pd.DataFrame
) -> None:
    """Some platforms export a translated field as JSON in its cell ({"fr": "<p>…</p>",
    "machine_translations": {…}}): the French text is read, as from a plain cell; a cell that
    only looks like JSON stays as written."""
    export = decidim_export
    bodies = export["body"].dropna().head(5).tolist()
    plain, wrapped = tmp_path / "plain.csv", tmp_path / "wrapped.csv"
    pd.DataFrame({"id": range(5), "body": [f"<p>{b}</p>" for b in bodies]}).to_csv(
        plain, index=False
    )
    cells = [
        json.dumps({"fr": f"<p>{b}</p>", "machine_translations": {"en": "x"}}, ensure_ascii=False)
        for b in bodies[:4]
    ] + ["{Rétablir l'ISF}"]
    pd.DataFrame({"id": range(5), "body": cells}).to_csv(wrapped, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # no city, no date
        expected = load_corpus(plain, text_column="body", id_column="id")[schema.TEXT]
        found = load_corpus(wrapped, text_column="body", id_column="id")[schema.TEXT]
    assert found.tolist()[:4] == expected.tolist()[:4]
    assert found.tolist()[4] == "{Rétablir l'ISF}"


def test_a_header_below_a_preamble_is_found(tmp_path: Path, decidim_export: pd.DataFrame) -> None:
    """An export that opens on a line of its own ("Export de la plateforme - 12/01/2019"),
    and a workbook whose table starts on line 4: the header is the first line that names
    every column, said in a warning; the header is not read as a contribution. (The real
    texts hold carriage returns, which a workbook stores as "_x000D_": read back as such.)"""
    export = decidim_export
    table = pd.DataFrame(
        {"id": export["id"][:20], "titre": export["title"][:20], "corps": export["body"][:20]}
    )
    plain, preamble, lower = tmp_path / "plain.csv", tmp_path / "preamble.csv", tmp_path / "l.xlsx"
    table.to_csv(plain, sep=";", index=False)
    preamble.write_text("Export de la plateforme - 12/01/2019;;\n;;\n" + plain.read_text())
    table.to_excel(lower, index=False, startrow=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        expected = load_corpus(plain, text_column="corps", id_column="id")
    for path, line in ((preamble, 3), (lower, 4)):
        with pytest.warns(CorpusWarning, match=f"l’en-tête du tableau est la ligne {line}"):
            found = load_corpus(path, text_column="corps", id_column="id")
        assert found[schema.TEXT].tolist() == expected[schema.TEXT].tolist()
        assert found[schema.DOC_ID].tolist() == expected[schema.DOC_ID].tolist()


def test_a_total_row_under_the_data_is_no_contribution(
    tmp_path: Path, decidim_export: pd.DataFrame
) -> None:
    """A workbook of 20 real proposals, a blank line, then « Total | 20 contributions » as a
    spreadsheet user adds it: left out, with a warning naming its line; a real text that
    speaks of totals stays."""
    table = pd.DataFrame(
        {"id": decidim_export["id"][:20], "corps": decidim_export["body"][:20].copy()}
    )
    table.loc[3, "corps"] = "Total des dépenses publiques : trop élevé, il faut le réduire."
    rows = [*table.to_dict("records"), {"id": None, "corps": None}]
    rows.append({"id": "Total :", "corps": "20 contributions"})
    workbook = tmp_path / "export.xlsx"
    pd.DataFrame(rows).to_excel(workbook, index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = load_corpus(workbook, text_column="corps", id_column="id")
    assert sorted(found[schema.DOC_ID]) == sorted(table["id"])  # the loader sorts by id
    (said,) = [str(w.message) for w in caught if "de total" in str(w.message)]
    assert "1 ligne(s) de total" in said and "ligne 23" in said


def test_dates_no_concertation_can_have_are_named(
    tmp_path: Path, decidim_export: pd.DataFrame
) -> None:
    """Real proposals with their creation dates, two of them set to a spreadsheet's day zero
    and to a placeholder: kept, and named in one warning (they were silent)."""
    table = decidim_export[["id", "body", "created_at"]].head(12).copy()
    table.loc[2, "created_at"] = "1900-01-01"
    table.loc[5, "created_at"] = "2099-12-31"
    export = tmp_path / "export.csv"
    table.to_csv(export, sep=";", index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = load_corpus(
            export, text_column="body", id_column="id", meta_columns=["date=created_at"]
        )
    assert len(found) == 12
    (said,) = [str(w.message) for w in caught if "daté(s) avant" in str(w.message)]
    assert "2 document(s)" in said
    assert "ligne 4 (1900-01-01)" in said and "ligne 7 (2099-12-31)" in said


def test_an_index_column_without_a_name_is_no_preamble(
    tmp_path: Path, decidim_export: pd.DataFrame
) -> None:
    """A table saved with its index (",corps" as header) keeps its header line."""
    export = decidim_export
    path = tmp_path / "indexed.csv"
    pd.DataFrame({"corps": export["title"][:12].tolist()}).to_csv(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CorpusWarning)
        found = load_corpus(path, text_column="corps")
    assert len(found) == 12
    assert not [w for w in caught if "en-tête du tableau" in str(w.message)]


def test_lines_are_numbered_as_a_spreadsheet_numbers_its_rows(
    tmp_path: Path, decidim_export: pd.DataFrame
) -> None:
    """A blank line between two rows counts, as in a spreadsheet (a text over several lines in
    its quotes is one row): the unreadable date of the third contribution is on line 5; the
    blank line itself is left out, as holding nothing."""
    export = decidim_export
    bodies = export["body"].dropna()
    first = bodies[bodies.str.contains("\n")].iloc[0]
    second, third = bodies[~bodies.str.contains("\n")].head(2)
    path = tmp_path / "export.csv"
    rows = [
        pd.DataFrame({"id": [i], "body": [t], "date": [d]}).to_csv(index=False, header=False)
        for i, t, d in ((1, first, "2019-01-20"), (2, second, "2019-01-21"), (3, third, "hier"))
    ]
    path.write_text("id,body,date\n" + rows[0] + "\n" + rows[1] + rows[2], encoding="utf-8")
    assert "\n" in first  # a text over several lines, in its quotes
    with pytest.raises(CorpusError, match=r"export.csv, ligne 5, colonne « date »"):
        load_corpus(path, text_column="body", id_column="id", meta_columns=["date=date"])
    path.write_text(path.read_text(encoding="utf-8").replace("hier", "2019-01-22"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # no city
        documents = load_corpus(
            path, text_column="body", id_column="id", meta_columns=["date=date"]
        )
    assert documents[schema.DOC_ID].tolist() == ["1", "2", "3"]


@pytest.mark.parametrize(
    "name", ["lille-propositions-decidim.ods", "lille-propositions-decidim.xls"]
)
def test_a_real_export_saved_by_libreoffice_or_an_old_excel_loads_as_the_export(
    real_dir: Path, name: str
) -> None:
    """The Decidim export saved as LibreOffice Calc's .ods (a notice sheet first, numbers as
    number cells, multi-line cells as paragraphs) and as Excel 97-2003's .xls
    (tests/data/real/make_spreadsheets.py): the same documents as from the CSV, to the
    line breaks and the spreadsheet line each came from."""
    options = {
        "text_column": "body",
        "id_column": "id",
        "meta_columns": ["date=created_at", "category/name/fr"],
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        expected = load_corpus(real_dir / "lille-propositions-decidim.csv", **options)
        found = load_corpus(real_dir / name, **options)
    said = [str(w.message) for w in caught]
    assert len(found) == 195  # 196 rows, one a copy of another
    assert found[schema.DOC_ID].tolist() == expected[schema.DOC_ID].tolist()
    for column in (schema.TEXT, schema.TITLE, schema.DATE, "category/name/fr"):
        assert found[column].equals(expected[column]), column
    assert (found[schema.TEXT].str.count("\n") > 0).sum() > 20  # the cells' line breaks
    lines = found[schema.SOURCE].str.split(", ").str[1]
    assert lines.tolist() == expected[schema.SOURCE].str.split(", ").str[1].tolist()
    chose_sheet = [m for m in said if m.startswith(f"{name} : la feuille « propositions » est lue")]
    assert len(chose_sheet) == (name.endswith(".ods"))  # the .ods opens on a notice sheet


def test_french_headers_fill_the_city_title_and_date(real_dir: Path, tmp_path: Path) -> None:
    """The Decidim proposals as a French spreadsheet would head them (« Titre », « Ville »,
    « Date »): the city, the title and the date are read without any option."""
    export = pd.read_csv(real_dir / "lille-propositions-decidim.csv", sep=";", dtype=str)
    french = export[["id", "title", "body", "created_at"]].rename(
        columns={"title": "Titre", "body": "Texte", "created_at": "Date"}
    )
    french.insert(1, "Ville", "Lille")
    french.to_csv(tmp_path / "propositions.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # a duplicate row
        documents = load_corpus(tmp_path / "propositions.csv", text_column="Texte", id_column="id")
    assert len(documents) == 195
    assert set(documents[schema.CITY]) == {"Lille"}
    titles = documents.set_index(schema.DOC_ID)[schema.TITLE]
    assert titles["664"] == "Transition écologique"
    assert documents[schema.DATE].notna().all()
    assert documents[schema.DATE].dt.year.unique().tolist() == [2019]


def test_a_commune_column_gives_the_city(decidim_export: pd.DataFrame, tmp_path: Path) -> None:
    """« Commune » is how French administrative exports head the town: it fills the city as
    « Ville » does."""
    export = decidim_export.head(10)[["id", "body"]].assign(Commune="Roubaix")
    export.to_csv(tmp_path / "export.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # no date
        documents = load_corpus(tmp_path / "export.csv", text_column="body", id_column="id")
    assert set(documents[schema.CITY]) == {"Roubaix"}


def _missing_date_warning(path: Path, **options) -> str:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_corpus(path, **options)
    return next(str(w.message) for w in caught if "sans ville ou sans date" in str(w.message))


def test_the_missing_date_warning_names_the_export_s_column_of_dates(
    real_dir: Path, tmp_path: Path
) -> None:
    """A Decidim export dates its proposals in « created_at », which the loader does not take
    on its own: the warning says which option dates them. Once given, or when no column holds
    dates ("Date souhaitée" holding wishes), it suggests nothing."""
    decidim = real_dir / "lille-propositions-decidim.csv"
    said = _missing_date_warning(decidim, text_column="body", id_column="id")
    assert said.endswith(
        "La colonne « created_at » de lille-propositions-decidim.csv porte des dates : "
        "--meta-columns date=created_at les donne aux documents."
    )
    dated = _missing_date_warning(
        decidim, text_column="body", id_column="id", meta_columns=["date=created_at"]
    )
    assert "porte des dates" not in dated  # still no city: the warning stays, without it
    wishes = pd.DataFrame(
        {
            "texte": ["Plus de bancs au parc.", "Un marché le soir."],
            "Date souhaitée": ["été", "vite"],
        }
    )
    wishes.to_csv(tmp_path / "souhaits.csv", index=False)
    assert "porte des dates" not in _missing_date_warning(
        tmp_path / "souhaits.csv", text_column="texte"
    )


def test_a_text_cell_saying_only_n_a_is_no_contribution(
    decidim_export: pd.DataFrame, tmp_path: Path
) -> None:
    """A form's "N/A", "néant" or "-" in the text column is a text left empty: such rows are
    set aside and named as empty rows are, not counted as contributions classed "autre"."""
    export = decidim_export.head(20).copy()
    export.loc[[2, 5], "body"] = ["N/A", " n/a "]
    export.loc[7, "body"] = "Néant"
    export.loc[9, "body"] = "NA : pas d'avis sur la fiscalité locale."  # a text after all
    export.to_csv(tmp_path / "export.csv", index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        documents = load_corpus(tmp_path / "export.csv", text_column="body", id_column="id")
    assert len(documents) == 17
    assert set(export.loc[[2, 5, 7], "id"]).isdisjoint(documents[schema.DOC_ID])
    assert export.loc[9, "id"] in set(documents[schema.DOC_ID])
    said = [str(w.message) for w in caught if "un texte absent" in str(w.message)]
    assert said == [
        "export.csv : 3 ligne(s) dont la colonne « body » ne dit que « N/A », « n/a », "
        "« Néant » (un texte absent) laissée(s) de côté (ligne 4, ligne 7, ligne 9)."
    ]


def test_calc_cells_keep_their_line_breaks_spaces_and_dates(tmp_path: Path) -> None:
    """What LibreOffice Calc writes in a cell besides plain paragraphs: a line break inside a
    paragraph, runs of spaces, a tab, a comment (left out), a date cell (its ISO date), merged
    cells, repeated cells, an empty line (counted in the line numbers), and the empty rows it
    writes up to its last row."""

    def cell(inner: str, kind: str = "string", **attributes: str) -> str:
        extra = "".join(
            f' {key.replace("_", ":", 1).replace("_", "-")}="{value}"'
            for key, value in attributes.items()
        )
        return f'<table:table-cell office:value-type="{kind}"{extra}>{inner}</table:table-cell>'

    def row(*cells: str, repeated: int = 1) -> str:
        opening = f'<table:table-row table:number-rows-repeated="{repeated}">'
        return opening + "".join(cells) + "</table:table-row>"

    header = row(*(cell(f"<text:p>{name}</text:p>") for name in ("id", "date", "avis", "note")))
    first = row(
        cell("<text:p>1</text:p>", "float", office_value="1"),
        cell("<text:p>28/04/2023</text:p>", "date", office_date_value="2023-04-28"),
        cell(
            "<text:p>Les permanences de la maison de justice<text:line-break/>sont saturées."
            '<text:s text:c="2"/>Il faut<text:tab/>un second greffier.</text:p>'
            "<office:annotation><text:p>à vérifier avec Mme Martin</text:p></office:annotation>"
            "<text:p>Suite au prochain comité.</text:p>",
            table_number_columns_repeated="1",
        ),
        cell("<text:p>à relire</text:p>"),
        '<table:table-cell table:number-columns-repeated="1020"/>',
    )
    empty = row('<table:table-cell table:number-columns-repeated="1024"/>')
    second = row(
        cell("<text:p>2</text:p>", "float", office_value="2"),
        cell("<text:p>29/04/2023</text:p>", "date", office_date_value="2023-04-29T14:30:00"),
        cell("<text:p>Renforcer la médiation de nuit.</text:p>", table_number_columns_spanned="2"),
        "<table:covered-table-cell/>",
    )
    tail = row('<table:table-cell table:number-columns-repeated="1024"/>', repeated=1_048_572)
    path = write_ods_package(
        tmp_path / "avis.ods",
        f'<table:table table:name="Avis">{header}{first}{empty}{second}{tail}</table:table>',
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # no city
        documents = load_corpus(
            path, text_column="avis", id_column="id", meta_columns=["date", "note"]
        )
    assert documents[schema.DOC_ID].tolist() == ["1", "2"]
    assert documents[schema.DATE].tolist() == [
        pd.Timestamp("2023-04-28"),
        pd.Timestamp("2023-04-29 14:30"),
    ]
    first_text = documents[schema.TEXT].iloc[0]
    assert "de la maison de justice\nsont saturées." in first_text
    assert "Il faut un second greffier." in " ".join(first_text.split())
    assert first_text.endswith("Suite au prochain comité.")
    assert "Martin" not in first_text  # the comment is not the cell's text
    assert documents["note"].tolist() == ["à relire", ""]  # the second is merged into "avis"
    assert documents[schema.SOURCE].tolist() == ["avis.ods, ligne 2", "avis.ods, ligne 4"]


def test_an_untitled_row_without_id_is_named_by_where_it_is(
    decidim_export: pd.DataFrame, tmp_path: Path
) -> None:
    """A fiche quotes a row by its title: "row-0022" would tell an analyst nothing."""
    path = tmp_path / "corps.csv"
    decidim_export[["body"]].head(30).to_csv(path, sep=";", index=False)
    with_ids = tmp_path / "avec-id.csv"
    decidim_export[["id", "body"]].head(3).to_csv(with_ids, sep=";", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # no city, no date
        documents = load_corpus(path, text_column="body")
        named = load_corpus(with_ids, text_column="body", id_column="id")
    assert documents.loc[21, schema.DOC_ID] == "row-0022"
    assert documents.loc[21, schema.TITLE] == "corps.csv, ligne 23"
    assert sorted(named[schema.TITLE]) == sorted(decidim_export["id"].head(3))  # its own id


def test_a_table_of_one_column_of_texts_is_read_whatever_its_commas(
    decidim_export: pd.DataFrame, tmp_path: Path
) -> None:
    """A header of one name has no delimiter to sniff: the bodies' commas and semicolons are
    not one (the sniffer took the commas for one, and line 9 had more than line 2)."""
    export = tmp_path / "export.csv"
    decidim_export[["id", "body"]].head(30).to_csv(export, sep=";", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # no city, no date
        expected = load_corpus(export, text_column="body", id_column="id")
    expected_texts = sorted(expected[schema.TEXT])
    for separator in (";", ","):
        path = tmp_path / "textes.csv"
        decidim_export[["body"]].head(30).to_csv(path, sep=separator, index=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CorpusWarning)
            documents = load_corpus(path, text_column="body")
        assert sorted(documents[schema.TEXT]) == expected_texts  # the same 30 texts


def test_a_first_text_with_one_comma_keeps_its_beginning(
    decidim_export: pd.DataFrame, tmp_path: Path
) -> None:
    """pandas reads a first row with one field more than the header as an index: the text
    lost what came before its comma, without a word."""
    titles = decidim_export["title"].dropna()
    one_comma = titles[titles.str.count(",") == 1].iloc[0]
    path = tmp_path / "titres.csv"
    path.write_text("titre\n" + one_comma + "\n" + "Taxer le kérosène\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        documents = load_corpus(path, text_column="titre")
    assert sorted(documents[schema.TEXT]) == sorted([one_comma, "Taxer le kérosène"])
    export = tmp_path / "export.csv"
    rows = decidim_export[["id", "title"]].head(3).to_csv(sep=";", index=False).splitlines()
    rows[1] += ";en trop"  # a field more than the header on the first row
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"export\.csv, ligne 2 : .*plus de champs que l'en-tête"):
        load_corpus(export, text_column="title", id_column="id")


def _quiet_load(path: Path, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # no city, no date
        return load_corpus(path, **options)


def test_a_lone_carriage_return_in_a_tsv_cell_is_a_line_break_in_its_text(
    decidim_export: pd.DataFrame, tmp_path: Path
) -> None:
    """Mac line breaks ("\\r") inside unquoted cells of a TSV whose lines end with "\\n": they
    cut the texts (and shifted the rows) when read as ends of lines."""
    export = decidim_export[["id", "body"]].head(30)
    quoted = tmp_path / "export.csv"
    export.to_csv(quoted, sep=";", index=False)
    expected = _quiet_load(quoted, text_column="body", id_column="id")
    mac = export.assign(body=export["body"].str.replace("\r\n", "\r"))
    assert mac["body"].str.contains("\r").sum() >= 5
    lines = ["id\tbody", *(f"{i}\t{b}" for i, b in zip(mac["id"], mac["body"], strict=True))]
    tsv = tmp_path / "export.tsv"
    tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    documents = _quiet_load(tsv, text_column="body", id_column="id")
    # (a cell's last "\r", before the line's "\n", is read as the end of the line)
    assert documents[schema.TEXT].str.strip().tolist() == expected[schema.TEXT].str.strip().tolist()


def test_a_csv_opening_on_excel_s_separator_line_is_read(
    decidim_export: pd.DataFrame, tmp_path: Path
) -> None:
    """« sep=; » first: what a CSV saved for Excel may start with (Excel hides the line)."""
    table = decidim_export[["id", "title", "body"]].head(5).to_csv(sep=";", index=False)
    path = tmp_path / "export-excel.csv"
    path.write_bytes(("\ufeffsep=;\r\n" + table.replace("\n", "\r\n")).encode("utf-8"))
    documents = _quiet_load(path, text_column="body", id_column="id")
    assert sorted(documents[schema.DOC_ID]) == sorted(decidim_export["id"].head(5))
    first = decidim_export["id"].iloc[0]
    assert documents.set_index(schema.DOC_ID).loc[first, schema.SOURCE] == (
        "export-excel.csv, ligne 2"  # as Excel numbers it, the separator line hidden
    )


def test_a_workbook_with_groups_of_columns_above_their_names_is_read_from_the_names(
    decidim_export: pd.DataFrame, tmp_path: Path
) -> None:
    """« Identification » merged over A:B, « Contribution » over C:D: the names are on line 2."""
    export = decidim_export[["id", "created_at", "title", "body"]].head(12)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Identification", None, "Contribution", None])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:D1")
    sheet.append(["id", "Date de dépôt", "Titre", "Texte"])
    for row in export.itertuples(index=False):
        sheet.append(list(row))
    path = tmp_path / "export.xlsx"
    book.save(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        documents = load_corpus(
            path, text_column="Texte", id_column="id", meta_columns=["date=Date de dépôt"]
        )
    assert any("l’en-tête du tableau est la ligne 2" in str(w.message) for w in caught)
    assert sorted(documents[schema.DOC_ID]) == sorted(export["id"])
    assert documents[schema.DATE].notna().all()


def test_a_column_without_a_name_is_named_by_its_place_in_messages(
    decidim_export: pd.DataFrame, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    decidim_export[["id", "body"]].head(5).to_csv(path, sep=";", index=False, header=["id", ""])
    with pytest.raises(CorpusError, match=r"colonnes du tableau sont : id, colonne 2 \(sans nom\)"):
        load_corpus(path, text_column="texte", id_column="id")


def test_a_short_text_column_beside_a_much_longer_one_is_said(
    decidim_export: pd.DataFrame, tmp_path: Path
) -> None:
    """A « text » column of titles beside the bodies: taken, as its name says, with a warning."""
    path = tmp_path / "export.csv"
    export = decidim_export[["id", "title", "body"]].head(20)
    export.rename(columns={"title": "text"}).to_csv(path, sep=";", index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        documents = load_corpus(path, id_column="id")
    said = [str(w.message) for w in caught if "fois plus longs" in str(w.message)]
    assert len(said) == 1 and "--text-column « body »" in said[0]
    assert sorted(documents[schema.TEXT]) == sorted(t.strip() for t in export["title"])


def test_sheets_of_the_same_columns_are_read_one_after_the_other(
    decidim_export: pd.DataFrame, tmp_path: Path
) -> None:
    """One sheet per month: only the first was read, and the advice (« donnez une de ses
    colonnes ») could not be followed, every sheet having the same."""
    export = decidim_export[["id", "title", "body"]].head(20)
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"note": ["Export du 3 mai"]}).to_excel(
            writer, sheet_name="Notice", index=False
        )
        export.head(12).to_excel(writer, sheet_name="Janvier", index=False)
        export.tail(8).to_excel(writer, sheet_name="Février", index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        documents = load_corpus(path, text_column="body", id_column="id")
    assert sorted(documents[schema.DOC_ID]) == sorted(export["id"])
    said = " ".join(str(w.message) for w in caught)
    assert "les feuilles « Janvier », « Février » ont les mêmes colonnes" in said
    assert "autres feuilles laissées de côté : « Notice »" in said
    last = documents.set_index(schema.DOC_ID).loc[export["id"].iloc[-1], schema.SOURCE]
    assert last == "export.xlsx, feuille « Février », ligne 9"


@pytest.mark.parametrize("entry", ["date:created_at", "date -> created_at", "date→created_at"])
def test_a_column_mapped_with_another_sign_than_equals_is_shown_the_right_syntax(
    tmp_path: Path, decidim_export: pd.DataFrame, entry: str
) -> None:
    """« --meta-columns date:created_at » on a real Decidim export: the message gives the
    line to type (it suggested the column « created_at » and listed the columns)."""
    export = tmp_path / "export.csv"
    decidim_export[["id", "body", "created_at"]].head(12).to_csv(export, sep=";", index=False)
    with pytest.raises(CorpusError) as caught:
        load_corpus(export, text_column="body", id_column="id", meta_columns=[entry])
    assert "export.csv" in str(caught.value)
    assert "écrivez « date=created_at »" in str(caught.value)
