"""Write the Decidim export (``lille-propositions-decidim.csv``) as the spreadsheets analysts
get when someone opened it in LibreOffice Calc or in an old Excel and saved it: ``.ods`` and
``.xls``. The text is the export's, unchanged.

The ``.ods`` has the markup Calc writes (see ``write_ods`` in ``tests/factories.py``) and a
first sheet holding a note about the export, as shared workbooks often do. The ``.xls`` is
written by xlwt (Excel 97-2003's format). Run from the repository's root::

    .venv/bin/pip install xlwt==1.3.0    # once: only the .xls needs it
    .venv/bin/python tests/data/real/make_spreadsheets.py
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1]))  # tests/, for factories

from factories import write_ods  # noqa: E402

SOURCE = HERE / "lille-propositions-decidim.csv"
NUMBERS = ("id", "votes", "comments", "category/id", "scope/id", "component/id")
NOTE = "Export de la plateforme Decidim de la MEL, Grand Débat national, propositions libres."


def rows() -> list[list[str]]:
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def write_xls(table: list[list[str]], path: Path) -> None:
    import xlwt  # noqa: PLC0415 (only this file needs it)

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("propositions")
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if r and table[0][c] in NUMBERS and re.fullmatch(r"\d+", value):
                sheet.write(r, c, int(value))
            elif value:  # a cell holds no carriage return: a line break is "\n"
                sheet.write(r, c, value.replace("\r\n", "\n"))
    book.save(str(path))


if __name__ == "__main__":
    table = rows()
    notice = [["Lisez-moi"], [NOTE]]
    write_ods(
        HERE / "lille-propositions-decidim.ods",
        {"Notice": notice, "propositions": table},
        numbers=NUMBERS,
    )
    write_xls(table, HERE / "lille-propositions-decidim.xls")
