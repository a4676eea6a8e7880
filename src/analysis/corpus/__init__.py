"""Reading the user's corpus: every supported input becomes one documents table.

This is the only package that reads the user's input. Whatever the format (a folder of
Markdown/text, Word or PDF files, a platform export table, an IRaMuTeQ corpus file), the result
is the same DataFrame: the columns of :data:`analysis.schema.DOCUMENT_COLUMNS`, then ``file``
(the input file, relative to the corpus root), then any extra metadata (``atelier``...) in
alphabetical order. Rows are sorted by ``doc_id``, so the table does not depend on the order
of the files on disk. The user's files are only ever opened for reading.

``text`` is the document body as in the file, with the few changes a reader would not notice
or would want: line endings become ``"\\n"``, runs of spaces and tabs inside a line become one
space (no space before ``,`` or ``.``, none at the start or end of a line: see
:func:`tidy_spaces`), Word headings become ``## `` lines, HTML in table fields becomes plain text
and PDF lines are joined back into paragraphs.
Segmentation computes character offsets into this text, so what users read in quotes is tidy.

The same text loaded twice (a note as ``.md`` and ``.docx``, a row repeated in an export) is
counted once, with a warning naming the copies left out. Output folders of the workbook (holding
``run.json`` or ``theme_memory.json``) inside a corpus folder are never read as corpus.

Bad input raises :class:`CorpusError` or warns with :class:`CorpusWarning` (and skips what it
cannot read), with a message in French naming the file, line or column and what to do;
``corpus/README.md`` lists which is which.

Modules
-------
``loader``       :func:`load_corpus`, :func:`load_corpus_from_config`: a path to the table
``folder``       a folder: the document files under it, what is left aside
``readers``      which reader reads which extension
``markdown``     ``.md``/``.markdown``/``.txt`` with a YAML front matter
``word``         ``.docx``
``odt``          ``.odt`` (LibreOffice)
``pdf``          ``.pdf`` (text layer rebuilt into paragraphs)
``tables``       platform exports (``.csv``, ``.tsv``, ``.xlsx``, ``.xls``, ``.ods``,
                 ``.json``, ``.jsonl``)
``table_files``  a table file read as strings, one reader per format
``iramuteq``     IRaMuTeQ corpora, read and written (:func:`to_iramuteq`)
``records``      a document's record, the reader interface, :func:`tidy_spaces`
``encoding``     bytes to text
``dates``        dates as users write them, dates and cities from file names
``html_text``    HTML in table fields to plain text
``duplicates``   copies counted once, ids kept unique
``annotations``  :func:`load_annotations`
``overview``     what a corpus holds (notebook 01)
``errors``       :class:`CorpusError`, :class:`CorpusWarning`

Example
-------
>>> from analysis.corpus import load_corpus, corpus_overview
>>> documents = load_corpus("corpus")  # doctest: +SKIP
>>> corpus_overview(documents)[["city", "n_documents"]].head(2)  # doctest: +SKIP
"""

from analysis.corpus.annotations import ANNOTATIONS_FILE, load_annotations
from analysis.corpus.errors import CorpusError, CorpusWarning
from analysis.corpus.folder import OUTPUT_MARKERS
from analysis.corpus.html_text import html_to_text
from analysis.corpus.iramuteq import IRAMUTEQ_VARIABLES, to_iramuteq
from analysis.corpus.loader import load_corpus, load_corpus_from_config
from analysis.corpus.overview import (
    category_columns,
    corpus_overview,
    count_written_words,
    documents_per_type,
    words_per_document,
)
from analysis.corpus.readers import DOCUMENT_EXTENSIONS, TABLE_EXTENSIONS
from analysis.corpus.records import tidy_spaces

__all__ = [
    "ANNOTATIONS_FILE",
    "DOCUMENT_EXTENSIONS",
    "IRAMUTEQ_VARIABLES",
    "OUTPUT_MARKERS",
    "TABLE_EXTENSIONS",
    "CorpusError",
    "CorpusWarning",
    "category_columns",
    "corpus_overview",
    "count_written_words",
    "documents_per_type",
    "html_to_text",
    "load_annotations",
    "load_corpus",
    "load_corpus_from_config",
    "tidy_spaces",
    "to_iramuteq",
    "words_per_document",
]
