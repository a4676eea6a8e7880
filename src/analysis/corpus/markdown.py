"""Reader of Markdown and plain text files, with an optional YAML front matter.

A ``.txt`` file whose first line starts with ``****`` is an IRaMuTeQ corpus: it is read by
:mod:`analysis.corpus.iramuteq`, one record per text.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from analysis.corpus import iramuteq
from analysis.corpus.encoding import decode, read_bytes
from analysis.corpus.errors import CorpusError, SkippedFile, reader_message
from analysis.corpus.records import ReadOptions, Record, document_record

EXTENSIONS = (".md", ".markdown", ".txt")

_FENCE = re.compile(r"---[ \t]*")
_CLOSING_FENCES = ("---", "...")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def read(path: Path, relative: str, options: ReadOptions) -> list[Record]:
    """Read one Markdown or text file as document records (a
    :class:`~analysis.corpus.records.Reader`): one record, or one per text of an IRaMuTeQ
    ``.txt``. Uses ``options.encoding``.

    Raises
    ------
    SkippedFile
        When the file is empty, binary or has no text after its front matter.
    CorpusError
        When the front matter is malformed or the explicit encoding fails.
    """
    text = decode(read_bytes(path, relative), relative, encoding=options.encoding)
    if path.suffix.lower() == ".txt" and iramuteq.is_iramuteq(text):
        return iramuteq.read_text(text, relative)
    meta, body = split_front_matter(text, relative)
    body = table_rows_as_paragraphs(without_page_breaks(body))
    if not body.strip():
        raise SkippedFile(f"{relative} : aucun texte après l’en-tête. Ajoutez le texte.")
    return [document_record(meta, body, None, relative)]


# a page break of a text extracted from a PDF (pdftotext), with the page's number on its own
# line before or after it
_PAGE_BREAK = re.compile(r"(?:\n[ \t]*\d{1,4}[ \t]*)?\n?\f(?:[ \t]*\d{1,4}[ \t]*\n)?")


def without_page_breaks(body: str) -> str:
    """A text extracted from a PDF (``pdftotext``): each page break (form feed) and the page
    number on its own line beside it become a paragraph break. They were read as a segment
    « 5 », and as a control character inside the next segment's text."""
    return _PAGE_BREAK.sub("\n\n", body) if "\f" in body else body


# the line under a Markdown table's header: "|---|:---:|", "--- | ---"
_TABLE_RULE = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*")


def table_rows_as_paragraphs(body: str) -> str:
    """Each row of a Markdown table as a paragraph of its cells joined by " | " (as a Word
    table's rows are read), the rule under the header left out: a table read as running text
    cut its segments in the middle of cells, and quoted « |---|---| ».

    Parameters
    ----------
    body
        Markdown text, ``"\\n"`` line endings.

    Returns
    -------
    str
        The text, its tables' lines apart as paragraphs; other lines unchanged.
    """
    lines = body.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        if (
            index + 1 < len(lines)
            and "|" in lines[index]
            and _TABLE_RULE.fullmatch(lines[index + 1])
        ):
            rows = [lines[index]]
            index += 2
            while index < len(lines) and "|" in lines[index] and lines[index].strip():
                rows.append(lines[index])
                index += 1
            for row in rows:
                cells = [c.strip() for c in row.strip().strip("|").split("|")]
                out += [""] if out and out[-1].strip() else []
                out.append(" | ".join(c for c in cells if c))
            out.append("")
            continue
        out.append(lines[index])
        index += 1
    return "\n".join(out)


def split_front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    """Return the YAML front matter (``{}`` when none) and the body that follows it, unchanged.

    Parameters
    ----------
    text
        The file's text, ``"\\n"`` line endings.
    name
        The file as messages name it.

    Returns
    -------
    tuple
        The front matter's keys and values, and the body.

    Raises
    ------
    CorpusError
        When the front matter is not closed, is not valid YAML, holds an impossible date or is
        not made of ``key: value`` lines; the message gives the line.
    """
    lines = text.split("\n")
    if not _FENCE.fullmatch(lines[0]):
        return {}, text
    closing = next(
        (i for i in range(1, len(lines)) if lines[i].rstrip() in _CLOSING_FENCES),
        None,
    )
    if closing is None:
        raise CorpusError(
            f"{name}, ligne 1 : l’en-tête ouvert par « --- » n’est jamais fermé. Ajoutez une "
            "ligne « --- » après sa dernière clé (ou supprimez la ligne 1 si le fichier n’a pas "
            "d’en-tête)."
        )
    source = "\n".join(lines[1:closing])
    try:
        meta = yaml.safe_load(source) if source.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f", ligne {mark.line + 2}" if mark is not None else ""
        problem = reader_message(getattr(error, "problem", None) or str(error).split("\n")[0])
        raise CorpusError(
            f"{name}{where} : l’en-tête n’est pas du YAML valide ({problem}). Écrivez une ligne "
            "« clé: valeur » par champ et mettez entre guillemets doubles les valeurs qui "
            'contiennent « : » ou des guillemets, par exemple title: "Dijon : restitution".'
        ) from error
    except ValueError as error:  # YAML reads 2023-02-30 as a date, and fails
        raise CorpusError(
            f"{name}{_impossible_date_line(lines[1:closing])} : date impossible dans l’en-tête "
            f"({error}). Vérifiez-la et écrivez-la AAAA-MM-JJ."
        ) from error
    if not isinstance(meta, dict):
        raise CorpusError(
            f"{name} : l’en-tête doit être fait de lignes « clé: valeur » (trouvé : "
            f"{type(meta).__name__})."
        )
    return meta, "\n".join(lines[closing + 1 :])


def _impossible_date_line(lines: list[str]) -> str:
    """``", ligne N"`` for the first date of the front matter ``lines`` that cannot exist."""
    for number, line in enumerate(lines, start=2):  # the front matter starts on line 2
        for found in _ISO_DATE.findall(line):
            try:
                dt.date.fromisoformat(found)
            except ValueError:
                return f", ligne {number}"
    return ""
