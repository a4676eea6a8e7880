"""Which reader reads which file: one module per format, looked up by file extension.

Every reader module has ``EXTENSIONS`` (the extensions it reads) and a ``read`` function (see
:class:`~analysis.corpus.records.Reader`). A folder holds documents only; a table is a corpus of
its own, given alone.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from analysis.corpus import markdown, odt, pdf, tables, word
from analysis.corpus.errors import CorpusError
from analysis.corpus.records import Reader


def _by_extension(*modules: ModuleType) -> dict[str, Reader]:
    return {extension: module.read for module in modules for extension in module.EXTENSIONS}


DOCUMENT_READERS = _by_extension(markdown, word, odt, pdf)
TABLE_READERS = _by_extension(tables)
DOCUMENT_EXTENSIONS = tuple(DOCUMENT_READERS)
TABLE_EXTENSIONS = tuple(TABLE_READERS)

# Formats users often have, and what to save them as.
FORMAT_HINTS = {
    ".doc": "enregistrez-le en .docx",
    ".rtf": "enregistrez-le en .docx",
    ".html": "enregistrez-le en .md ou .txt",
    ".htm": "enregistrez-le en .md ou .txt",
}


def file_reader(path: Path) -> Reader:
    """The reader of a file given alone as the corpus: a table or a document.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    Reader
        The ``read`` function of its format.

    Raises
    ------
    CorpusError
        When no reader reads its extension; the message says what to save it as.
    """
    suffix = path.suffix.lower()
    reader = TABLE_READERS.get(suffix) or DOCUMENT_READERS.get(suffix)
    if reader is None:
        hint = FORMAT_HINTS.get(suffix, "convertissez-le dans l’un de ces formats")
        raise CorpusError(
            f"{path.name} : type de fichier « {suffix or '(aucun)'} » non pris en charge. "
            f"Formats acceptés : un dossier, {', '.join(DOCUMENT_EXTENSIONS + TABLE_EXTENSIONS)} "
            f"; {hint}."
        )
    return reader
