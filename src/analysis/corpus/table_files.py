"""Table files read as strings: CSV, TSV, spreadsheets (Excel ``.xlsx`` and ``.xls``,
LibreOffice ``.ods``), JSON and JSON Lines, one reader per format.

Each reader gives the table (every cell a string, ``""`` when missing) and a label per row, as
messages name it: ``"ligne 2"`` for the first row of a sheet (its header is line 1),
``"entrée 1"`` for the first object of a JSON list.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.corpus.encoding import decode, read_bytes
from analysis.corpus.errors import CorpusError, reader_message, warn
from analysis.corpus.odt import spreadsheet_rows

Table = tuple[pd.DataFrame, list[str]]  # the cells as strings, and a label per row
UNNAMED = re.compile(r"Unnamed: (\d+)")  # pandas' name of a column whose header is empty


def read_table(path: Path, name: str, *, encoding: str, wanted: Sequence[str] = ()) -> Table:
    """Read a table file with the reader of its extension (:data:`TABLE_READERS`).

    Parameters
    ----------
    path
        A ``.csv``, ``.tsv``, ``.xlsx``, ``.xls``, ``.ods``, ``.json`` or ``.jsonl`` file.
    name
        The file as messages name it.
    encoding
        For text formats: ``"auto"`` or a Python codec name (see
        :func:`analysis.corpus.encoding.decode`).
    wanted
        The columns asked for (text, id, metadata): a workbook's sheet holding them all is
        read (see :func:`_chosen_sheets`).

    Returns
    -------
    tuple
        The table, every cell a string, and a label per row.

    Raises
    ------
    SkippedFile
        When the file is empty or binary.
    CorpusError
        When the file is malformed; the message gives the line.
    """
    suffix = path.suffix.lower()
    if suffix in (*_WORKBOOKS, ".ods"):
        return _read_workbook_file(path, name, encoding, wanted=wanted)
    return TABLE_READERS[suffix](path, name, encoding)


def _sheet_rows(frame: pd.DataFrame, name: str) -> Table:
    """Rows of a sheet are labelled by their line, the header being line 1 (or the line found
    below a preamble, see :func:`_below_preamble`), blank lines counted and left out; column
    names are text (a spreadsheet's header cell may hold a number or a date: "2019" is then
    its name)."""
    frame, skipped = _below_preamble(frame, name)
    names: list[str] = []
    for column in frame.columns:
        column_name, copy = str(column), 0
        while column_name in names:  # 2019 and "2019" in one header: pandas' ".1" suffix
            copy += 1
            column_name = f"{column}.{copy}"
        names.append(column_name)
    frame.columns = names
    labels = [f"ligne {i + 2 + skipped}" for i in range(len(frame))]
    # a blank line holds nothing: left out, after it has counted in the lines' numbers (as a
    # spreadsheet numbers its rows)
    filled = (frame.astype(str).apply(lambda column: column.str.strip()) != "").any(axis=1)
    if filled.all():
        return frame, labels
    kept = filled.to_numpy()
    return frame[kept].reset_index(drop=True), [x for x, k in zip(labels, kept, strict=True) if k]


_PREAMBLE_ROWS = 10  # how far below the first line a header is looked for


def _header_like(cell: str) -> bool:
    """A cell that can name a column: filled, at most 60 characters, not a number."""
    return 0 < len(cell) <= 60 and not re.fullmatch(r"[\d\s.,:/+-]+", cell)


def _below_preamble(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, int]:
    """The table below a preamble ("Export du 12/01/2019", blank lines) that pushed its
    header down: when the first line names no column but the first, the first of the next
    :data:`_PREAMBLE_ROWS` rows whose cells all read as column names (filled, short, not a
    number) and all differ is the header (a warning names the lines left out). So is the
    line below a first line of groups of columns, which leaves some unnamed. Returns the
    table and how many lines came before its header."""
    names = [str(c) for c in frame.columns]
    named = [n for n in names if n.strip() and not UNNAMED.fullmatch(n)]
    if len(names) < 2:
        return frame, 0
    # groups of columns above their names (« Identification » merged over A:B, « Contribution »
    # over C:D): the first line leaves columns unnamed, the one below names them all
    groups = len(named) >= 2 and len(named) < len(names)
    if any(n in named for n in names[1:]) and not groups:  # a preamble fills A1 at most
        return frame, 0
    for row in range(min(1 if groups else _PREAMBLE_ROWS, len(frame))):
        cells = [str(v).strip() for v in frame.iloc[row]]
        if all(_header_like(cell) for cell in cells) and len(set(cells)) == len(cells):
            said = f" (« {named[0]} »)" if named else ""
            warn(
                f"{name} : l’en-tête du tableau est la ligne {row + 2} ({', '.join(cells)}) ; "
                f"les lignes au-dessus{said} sont laissées de côté. Si ce n’est pas l’en-tête, "
                "retirez ces lignes du fichier."
            )
            table = frame.iloc[row + 1 :].reset_index(drop=True)
            table.columns = cells
            return table, row + 1
    return frame, 0


# the delimiter of a table of one column: the unit separator, a control character no text has
_NO_DELIMITER = "\x1f"


def _read_text(path: Path, name: str, encoding: str, *, table: bool = False) -> str:
    return decode(read_bytes(path, name), name, encoding=encoding, table=table)


def _without_separator_line(text: str) -> tuple[str, str | None]:
    """A CSV saved for Excel may open on ``sep=;``, the delimiter Excel is to use: return
    the text without that line and the delimiter, or the text and None. Excel does not show
    the line: the rows keep the numbers Excel gives them."""
    first, _, rest = text.partition("\n")
    match = re.fullmatch(r"\ufeff?sep=(.)", first.strip("\r"))
    return (rest, match[1]) if match else (text, None)


def _read_csv_file(path: Path, name: str, encoding: str) -> Table:
    text, delimiter = _without_separator_line(_read_text(path, name, encoding, table=True))
    delimiter = delimiter or _sniff_delimiter(text)
    try:
        return _sheet_rows(read_csv(text, name, delimiter), name)
    except CorpusError as unreadable:
        if any(_header_delimiters(text).values()):
            raise
        # a header of one name ("texte"): one column of texts, whose commas and semicolons
        # the sniffer took for a delimiter
        try:
            return _sheet_rows(read_csv(text, name, _NO_DELIMITER), name)
        except CorpusError:
            raise unreadable from unreadable.__cause__  # the parser's error, as first raised


def _read_tsv_file(path: Path, name: str, encoding: str) -> Table:
    return _sheet_rows(read_csv(_read_text(path, name, encoding, table=True), name, "\t"), name)


# how a workbook format is opened, and what messages call it: openpyxl reads .xlsx (its
# cells' _xHHHH_ escapes are put back below), calamine Excel 97-2003's .xls; LibreOffice's
# .ods is read by analysis.corpus.odt, which keeps a cell's line breaks
_WORKBOOKS = {
    ".xlsx": ("openpyxl", "classeur Excel"),
    ".xls": ("calamine", "classeur Excel 97-2003"),
}


def _read_workbook_file(path: Path, name: str, encoding: str, wanted: Sequence[str] = ()) -> Table:
    """A spreadsheet's sheet (see :func:`_chosen_sheets`) as strings; ``encoding`` is unused
    (a workbook carries its own)."""
    suffix = path.suffix.lower()
    if suffix == ".ods":
        sheets = {
            sheet: _header_frame(rows) for sheet, rows in spreadsheet_rows(path, name).items()
        }
        return _sheets_rows([(s, sheets[s]) for s in _chosen_sheets(sheets, name, wanted)], name)
    engine, kind = _WORKBOOKS[suffix]
    try:
        with pd.ExcelFile(path, engine=engine) as workbook:
            sheets = {sheet: workbook.parse(sheet, dtype=str) for sheet in workbook.sheet_names}
    except Exception as error:  # a damaged workbook fails in many ways (zip, XML, OLE, styles)
        raise CorpusError(
            f"{name} : ne s’ouvre pas comme un {kind} ({error}). Ouvrez-le dans un tableur et "
            f"enregistrez-le de nouveau en {suffix}."
        ) from error
    frames = []
    for sheet in _chosen_sheets(sheets, name, wanted):
        frame = sheets[sheet].fillna("")
        if suffix == ".xlsx":
            frame.columns = [_unescape_ooxml(c) for c in frame.columns]
            frame = frame.map(_unescape_ooxml)
        frames.append((sheet, frame))
    return _sheets_rows(frames, name)


def _sheets_rows(frames: list[tuple[str, pd.DataFrame]], name: str) -> Table:
    """The rows of one sheet (see :func:`_sheet_rows`), or of several sheets of the same
    columns one after the other, each row labelled by its sheet and line."""
    if len(frames) == 1:
        return _sheet_rows(frames[0][1], name)
    tables, labels = [], []
    for sheet, frame in frames:
        rows, sheet_labels = _sheet_rows(frame, name)
        tables.append(rows)
        labels += [f"feuille « {sheet} », {label}" for label in sheet_labels]
    return pd.concat(tables, ignore_index=True), labels


def _header_frame(rows: list[list[str]]) -> pd.DataFrame:
    """Rows of cells as a table whose header is the first row, an empty header cell named as
    pandas names it ("Unnamed: 2"); a second "avis" becomes "avis.1" in :func:`_sheet_rows`,
    as for every sheet."""
    width = max((len(row) for row in rows), default=0)
    if not width:
        return pd.DataFrame()
    header = rows[0] + [""] * (width - len(rows[0]))
    names = [cell if cell.strip() else f"Unnamed: {i}" for i, cell in enumerate(header)]
    body = [row + [""] * (width - len(row)) for row in rows[1:]]
    return pd.DataFrame(body, columns=names, dtype=object)


def _chosen_sheets(
    sheets: Mapping[str, pd.DataFrame], name: str, wanted: Sequence[str]
) -> list[str]:
    """The sheets of a workbook to read: the first that holds every column asked for, else
    the one holding the most text (a workbook often opens on a notice or a summary sheet),
    with every other sheet of exactly its columns (one sheet per month).

    A workbook of several sheets says which are read, and why, with a warning.
    """
    names = list(sheets)
    if len(names) == 1:
        return names

    def headers(sheet: str) -> list[str]:
        return [str(c).strip() for c in sheets[sheet].columns]

    holding = [s for s in names if wanted and {w.strip() for w in wanted} <= set(headers(s))]
    if holding:
        chosen = holding[0]
        why = f"elle a {'la colonne' if len(wanted) == 1 else 'les colonnes'} " + ", ".join(
            f"« {w} »" for w in wanted
        )
    else:
        sizes = {s: int(sheets[s].fillna("").astype(str).map(len).to_numpy().sum()) for s in names}
        chosen = max(names, key=lambda s: sizes[s])  # the first of equal ones
        why = "elle porte le plus de texte"
    read = [s for s in names if headers(s) == headers(chosen)]
    others = ", ".join(f"« {s} »" for s in names if s not in read)
    left = f" ; autres feuilles laissées de côté : {others}" if others else ""
    if len(read) > 1:
        listed = ", ".join(f"« {s} »" for s in read)
        warn(
            f"{name} : les feuilles {listed} ont les mêmes colonnes : elles sont lues l’une "
            f"après l’autre, chaque ligne nommée par sa feuille{left}."
        )
        return read
    warn(
        f"{name} : la feuille « {chosen} » est lue ({why}){left}. Pour lire une autre "
        "feuille, donnez une de ses colonnes avec --text-column."
    )
    return read


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape_ooxml(cell: Any) -> Any:
    """A workbook cell's text with the characters Excel writes as ``_xHHHH_`` put back (a
    carriage return is ``_x000D_`` in a real export's cells); ``_x005F_`` escapes a literal."""
    if not isinstance(cell, str) or "_x" not in cell:
        return cell
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), cell)


def _read_json_file(path: Path, name: str, encoding: str) -> Table:
    records = _json_records(_read_text(path, name, encoding), name)
    return _records_frame(records), [f"entrée {i + 1}" for i in range(len(records))]


def _read_jsonl_file(path: Path, name: str, encoding: str) -> Table:
    records, labels = [], []
    for number, line in enumerate(_read_text(path, name, encoding).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(
                f"{name}, ligne {number} : JSON invalide ({reader_message(error.msg)})."
            ) from error
        if not isinstance(item, dict):
            raise CorpusError(f"{name}, ligne {number} : un objet {{...}} par ligne est attendu.")
        records.append(item)
        labels.append(f"ligne {number}")
    return _records_frame(records), labels


TABLE_READERS: dict[str, Callable[[Path, str, str], Table]] = {
    ".csv": _read_csv_file,
    ".tsv": _read_tsv_file,
    **dict.fromkeys((*_WORKBOOKS, ".ods"), _read_workbook_file),
    ".json": _read_json_file,
    ".jsonl": _read_jsonl_file,
}


def read_csv(text: str, name: str, delimiter: str) -> pd.DataFrame:
    """Read CSV text as strings (``""`` when missing).

    Parameters
    ----------
    text
        The file's text.
    name
        The file as messages name it.
    delimiter
        The field separator.

    Returns
    -------
    pandas.DataFrame
        Every cell a string.

    Raises
    ------
    CorpusError
        When a row does not parse (a quote left open, a field too many); names the line.
    """
    try:
        table = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,  # blank lines count in the lines' numbers
            lineterminator="\n",  # a lone "\r" is a line break inside a cell (see decode)
        )
    except pd.errors.ParserError as error:
        line = re.search(r"line (\d+)", str(error))
        fields = re.search(r"Expected (\d+) fields in line \d+, saw (\d+)", str(error))
        problem = f"{fields[1]} champs attendus, {fields[2]} trouvés" if fields else str(error)
        where = f", ligne {line.group(1)}" if line else ""
        raise _unreadable(name, where, delimiter, problem.strip()) from error
    if not isinstance(table.index, pd.RangeIndex):
        # a first row with more fields than the header: pandas would make the first ones an
        # index, and the texts would lose their beginning
        raise _unreadable(name, ", ligne 2", delimiter, "plus de champs que l'en-tête")
    return table


def _unreadable(name: str, where: str, delimiter: str, problem: str = "") -> CorpusError:
    return CorpusError(
        f"{name}{where} : illisible comme tableau au délimiteur {delimiter!r}"
        + (f" ({problem})" if problem else "")
        + ". Vérifiez les guillemets autour des textes qui contiennent le délimiteur ou des "
        "retours à la ligne."
    )


_DELIMITERS = ";,\t|"


def _header_delimiters(text: str) -> dict[str, int]:
    """How many times each delimiter is in the first line, quoted parts aside."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    return {d: header.count(d) for d in _DELIMITERS}


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter from the header line (quoted parts aside), else csv.Sniffer."""
    counts = _header_delimiters(text)
    best = max(counts, key=lambda d: counts[d])
    if counts[best] > 0 and list(counts.values()).count(counts[best]) == 1:
        return best
    try:
        return csv.Sniffer().sniff(text[:20_000], delimiters=_DELIMITERS).delimiter
    except csv.Error:
        return ","


def _json_records(text: str, name: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problem = reader_message(error.msg)
        raise CorpusError(
            f"{name}, ligne {error.lineno}, colonne {error.colno} : JSON invalide ({problem})."
        ) from error
    if isinstance(data, dict):
        lists = [value for value in data.values() if isinstance(value, list)]
        if len(lists) != 1:
            raise CorpusError(
                f"{name} : une liste d’objets est attendue, ou un objet qui contient une seule "
                "telle liste."
            )
        data = lists[0]
    if not isinstance(data, list):
        raise CorpusError(
            f"{name} : une liste d’objets est attendue, trouvé : {type(data).__name__}."
        )
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise CorpusError(
                f"{name}, entrée {number} : un objet {{...}} est attendu, trouvé : {item!r}."
            )
    return data


def _records_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Flatten nested JSON (``{"body": {"fr": ...}}`` -> column ``body.fr``) into strings."""
    flat = [_flatten(record) for record in records]
    columns = list(dict.fromkeys(key for record in flat for key in record))
    return pd.DataFrame([[r.get(c, "") for c in columns] for r in flat], columns=columns)


def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in record.items():
        column = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, prefix=f"{column}."))
        elif isinstance(value, list):
            scalars = all(not isinstance(v, dict | list) for v in value)
            flat[column] = (
                "; ".join("" if v is None else str(v) for v in value)
                if scalars
                else json.dumps(value, ensure_ascii=False)
            )
        else:
            flat[column] = "" if value is None else str(value)
    return flat
