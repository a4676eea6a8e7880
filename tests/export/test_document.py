"""One fiche, three renderers: Markdown, Word and HTML say the same thing, block by block.

Each format is read back with its own tools (text, python-docx, html.parser) into the same
neutral form: (kind, texts...) per block, spaces normalised (Markdown puts corpus text on one
line, with plain spaces). Group rows compare their label and note: Markdown writes them as
lines, Word and HTML as tables (whose cells are compared with each other).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace
from html.parser import HTMLParser

import docx
import pandas as pd
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph as WordParagraph
from factories import DECIDIM_THEMES, FICHE_THEMES, decidim_corpus, french_corpus, quiet

from analysis import labels, schema
from analysis.config import SummariesConfig
from analysis.export import fiche_document, fiche_to_markdown, fiches_docx, report_html
from analysis.export.document import (
    Bullets,
    Citation,
    Groups,
    Heading,
    Paragraph,
    in_quotation_marks,
)
from analysis.summaries import Fiche, build_fiches
from analysis.summaries.wording import without_final_period

NBSP = labels.NBSP
THEMES_TABLE = pd.DataFrame({"Thème": ["x"]})
_STAMP = dt.datetime(2024, 1, 1)


def _french_fiches() -> list[Fiche]:
    documents, segments, groups = french_corpus()
    links = pd.DataFrame({"obstacle_group_id": ["F01"], "proposal_group_id": ["P01"]})
    return build_fiches(segments, FICHE_THEMES, documents=documents, groups=groups, links=links)


def _cases() -> dict[str, Fiche]:
    """Fiches of every shape, the empty sections included."""
    police = _french_fiches()[0]
    documents, segments, groups = decidim_corpus()
    contributions = quiet(
        build_fiches, segments, DECIDIM_THEMES, documents=documents, groups=groups
    )
    silent = SummariesConfig(n_summary_sentences=0)
    f_documents, f_segments, _ = french_corpus()
    no_groups = build_fiches(f_segments, FICHE_THEMES, documents=f_documents, config=silent)
    return {
        "complete": police,
        "no quotes": replace(police, quotes=()),
        "no summary, no freins, no proposals": no_groups[0],
        "no cities, one consultation (contributions)": contributions[0],
        "contributions, no groups": quiet(
            build_fiches, segments, DECIDIM_THEMES, documents=documents
        )[1],
        "nothing changed between the periods": replace(police, new_items=(), faded_items=()),
        "everything empty": replace(
            police,
            keywords=(),
            cities=(),
            obstacles=(),
            proposals=(),
            good_practices=(),
            quotes=(),
            summary=(),
            new_items=(),
            faded_items=(),
            split_date=None,
        ),
    }


CASES = [
    "complete",
    "no quotes",
    "no summary, no freins, no proposals",
    "no cities, one consultation (contributions)",
    "contributions, no groups",
    "nothing changed between the periods",
    "everything empty",
]


@pytest.fixture(scope="module")
def cases() -> dict[str, Fiche]:
    built = _cases()
    assert list(built) == CASES
    return built


# --- the expected content, from the model ------------------------------------------------------


def _expected(fiche: Fiche) -> list[tuple]:
    blocks = []
    for block in fiche_document(fiche):
        match block:
            case Heading(text):
                blocks.append(("heading", text))
            case Paragraph(text, _, lead):
                blocks.append(("paragraph", lead, text))
            case Bullets(items):
                blocks.append(("bullets", *items))
            case Citation(text, source):
                blocks.append(("citation", in_quotation_marks(text), source))
            case Groups(_, rows):
                blocks.append(("groups", *((without_final_period(r.label), r.note) for r in rows)))
    return blocks


# --- Markdown, read back ------------------------------------------------------------------------

_GROUP_LINE = re.compile(rf"^- \*\*(.+?)\*\*{NBSP}: (.+?)\.(?: \*(.+)\*)?$")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _markdown_block(chunk: str) -> tuple:
    lines = chunk.split("\n")
    if chunk.startswith("#"):
        return ("heading", _unescape(chunk.lstrip("#").strip()))
    if chunk.startswith("> "):
        return ("citation", _unescape(lines[0][2:]), _unescape(lines[2].removeprefix("> — ")))
    if chunk.startswith("- **"):
        rows = [_GROUP_LINE.match(line).groups() for line in lines]
        return ("groups", *((_unescape(label), _unescape(note or "")) for label, _, note in rows))
    if chunk.startswith("- "):
        return ("bullets", *(_unescape(line[2:]) for line in lines))
    if lead := re.match(rf"^\*\*(.+?)\*\*{NBSP}: (.*)$", chunk):
        return ("paragraph", _unescape(lead[1]), _unescape(lead[2]))
    if chunk.startswith("*") and chunk.endswith("*"):
        return ("paragraph", "", _unescape(chunk[1:-1]))
    return ("paragraph", "", _unescape(chunk))


def markdown_blocks(fiche: Fiche) -> list[tuple]:
    return [_markdown_block(chunk) for chunk in fiche_to_markdown(fiche).rstrip("\n").split("\n\n")]


# --- Word, read back with python-docx -------------------------------------------------------------


def _word_table(table: Table) -> tuple[tuple, list[list[str]]]:
    rows, cells = [], []
    for row in table.rows[1:]:
        runs = row.cells[0].paragraphs[0].runs
        label = "".join(r.text for r in runs if not r.italic)
        note = "".join(r.text for r in runs if r.italic).strip()
        rows.append((without_final_period(label), note))
        cells.append([label, *(c.text for c in row.cells[1:])])
    return ("groups", *rows), cells


def word_blocks(fiche: Fiche) -> tuple[list[tuple], list[list[str]]]:
    """The fiche's blocks in fiches.docx, and the cells of its group tables."""
    document = docx.Document(io.BytesIO(fiches_docx([fiche], THEMES_TABLE, stamp=_STAMP, intro=[])))
    body = list(document.element.body.iterchildren())
    start = next(
        i
        for i, el in enumerate(body)
        if el.tag.endswith("}p") and WordParagraph(el, document).text == fiche.label
    )
    blocks: list[tuple] = []
    cells: list[list[str]] = []
    for element in body[start:]:
        if element.tag.endswith("}tbl"):
            block, rows = _word_table(Table(element, document))
            blocks.append(block)
            cells += rows
        elif element.tag.endswith("}p"):
            _add_word_paragraph(blocks, WordParagraph(element, document))
    return blocks, cells


def _add_word_paragraph(blocks: list[tuple], paragraph: WordParagraph) -> None:
    style, text, runs = paragraph.style.name, paragraph.text, paragraph.runs
    if style.startswith("Heading"):
        blocks.append(("heading", text))
    elif style == "List Bullet" and blocks and blocks[-1][0] == "bullets":
        blocks[-1] = (*blocks[-1], text)
    elif style == "List Bullet":
        blocks.append(("bullets", text))
    elif style == "Quote":
        blocks.append(("citation", text))
    elif blocks and blocks[-1][0] == "citation" and len(blocks[-1]) == 2:
        blocks[-1] = (*blocks[-1], text.removeprefix("— "))
    elif runs and runs[0].bold:
        blocks.append(
            ("paragraph", runs[0].text.removesuffix(f"{NBSP}: "), text[len(runs[0].text) :])
        )
    elif text:  # not the page break
        blocks.append(("paragraph", "", text))


# --- HTML, read back with html.parser -------------------------------------------------------------


class _Section(HTMLParser):
    """The blocks of the fiche's <section>: each child element of the section is one block."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # 1: inside the section; 2: inside one of its blocks
        self.blocks: list[dict] = []
        self.cells: list[list[str]] = []
        self.inner: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "section":
            self.depth = 1
            return
        if self.depth == 0:
            return
        if self.depth == 1:
            self.blocks.append({"tag": tag, "parts": [], "lead": "", "rows": []})
        else:
            self._open(self.blocks[-1], tag)
        self.depth += 1
        self.inner.append(tag)

    def _open(self, block: dict, tag: str) -> None:
        """A tag inside a block: a new list item, quote part, table row or cell."""
        if tag in ("li", "p", "cite"):
            block["parts"].append("")
        elif tag == "tr" and "tbody" in self.inner:
            block["rows"].append({"cells": [], "note": ""})
        elif tag == "td":
            block["rows"][-1]["cells"].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.depth = 0
        elif self.depth > 1:
            self.depth -= 1
            self.inner.pop()

    def handle_data(self, data: str) -> None:
        if self.depth < 2:
            return
        block = self.blocks[-1]
        if block["tag"] == "table":
            if "td" in self.inner and "em" in self.inner:
                block["rows"][-1]["note"] += data
            elif "td" in self.inner:
                block["rows"][-1]["cells"][-1] += data
        elif "strong" in self.inner:
            block["lead"] += data
        elif block["parts"]:
            block["parts"][-1] += data
        else:
            block["parts"].append(data)


def html_blocks(fiche: Fiche) -> tuple[list[tuple], list[list[str]]]:
    """The fiche's blocks in report.html, and the cells of its group tables."""
    page = report_html([fiche], THEMES_TABLE, {}, {}, intro=[], max_rows=50)
    parser = _Section()
    parser.feed(page)
    blocks, cells = [], []
    for block in parser.blocks:
        tag, parts = block["tag"], block["parts"]
        if tag in ("h2", "h3"):
            blocks.append(("heading", "".join(parts)))
        elif tag == "p" and block["lead"]:
            blocks.append(("paragraph", block["lead"], "".join(parts).removeprefix(f"{NBSP}: ")))
        elif tag == "p":
            blocks.append(("paragraph", "", "".join(parts)))
        elif tag == "ul":
            blocks.append(("bullets", *parts))
        elif tag == "blockquote":
            blocks.append(("citation", *parts))
        elif tag == "table":
            rows = [
                (without_final_period(r["cells"][0].rstrip()), r["note"]) for r in block["rows"]
            ]
            blocks.append(("groups", *rows))
            cells += [[r["cells"][0].rstrip(), *r["cells"][1:]] for r in block["rows"]]
    return blocks, cells


# --- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_markdown_word_and_html_say_the_same_thing(cases, case: str) -> None:
    fiche = cases[case]
    expected = _expected(fiche)
    words, word_cells = word_blocks(fiche)
    page, page_cells = html_blocks(fiche)
    assert _spaced(markdown_blocks(fiche)) == _spaced(expected)
    assert _spaced(words) == _spaced(expected)
    assert _spaced(page) == _spaced(expected)
    assert word_cells == page_cells  # the group tables, cell by cell


@pytest.mark.parametrize(
    ("case", "shown"),
    [
        ("complete", f"Villes{NBSP}: Grenoble, Montpellier, Nîmes, Rennes, Toulouse."),
        ("no quotes", "Aucune citation retenue."),
        ("no summary, no freins, no proposals", "Aucune phrase retenue."),
        ("no summary, no freins, no proposals", "Aucun frein récurrent identifié."),
        (
            "nothing changed between the periods",
            "Rien de nouveau ni d'estompé entre les deux périodes.",
        ),
        ("complete", "Aucune proposition n'y répond dans le corpus."),
    ],
)
def test_the_fixed_drifts_show_in_every_format(cases, case: str, shown: str) -> None:
    """Once only in Markdown (the cities, an empty summary, no change) or missing from Word (no
    quote): now in the three."""
    fiche = cases[case]
    formats = (markdown_blocks(fiche), word_blocks(fiche)[0], html_blocks(fiche)[0])
    for blocks in map(_spaced, formats):
        assert any(
            " ".join(shown.split()) in text
            for block in blocks
            for item in block[1:]
            for text in _texts(item)
        )


def test_a_single_period_says_so_without_an_empty_change_list(cases) -> None:
    fiche = cases["everything empty"]
    blocks = markdown_blocks(fiche)
    changes = blocks.index(("heading", labels.FICHE_LABELS["changes"]))
    assert blocks[changes + 1] == ("paragraph", "", fiche.period_note)
    assert blocks[changes + 2] == ("heading", labels.FICHE_LABELS["sources"])


def test_contributions_mode_counts_contributions_in_the_tables(cases) -> None:
    fiche = cases["no cities, one consultation (contributions)"]
    assert fiche.recurrence_unit == schema.DOC_ID and fiche.cities == ()
    groups = next(b for b in fiche_document(fiche) if isinstance(b, Groups))
    # no document has a city or a date: no empty "Villes" column, no "date inconnue" one
    assert groups.header == ("Frein", "Contributions", "Segments")
    assert all(len(row.cells) == 3 for row in groups.rows)
    assert "soulevé dans 3 contributions" in fiche_to_markdown(fiche)


def test_a_corpus_with_cities_and_dates_keeps_their_columns(cases) -> None:
    groups = next(b for b in fiche_document(cases["complete"]) if isinstance(b, Groups))
    assert groups.header[1] == "Villes" and groups.header[-1] == "Période"


def _spaced(blocks: list[tuple]) -> list[tuple]:
    """Blocks whose every text has its spaces (no-break ones included) made plain and single."""

    def plain(item: object) -> object:
        if isinstance(item, tuple):
            return tuple(plain(i) for i in item)
        return " ".join(str(item).split())

    return [plain(block) for block in blocks]


def _texts(item: object) -> tuple[str, ...]:
    return item if isinstance(item, tuple) else (str(item),)
