"""People in metadata columns (an export's author, contributor or user): found by the column's
name and by its content, and replaced by pseudonyms that are the same everywhere.

A platform export often keeps who wrote each contribution (``author/name``, ``user/nickname``,
``Nom``). Those cells are not text, so the name finder of :mod:`analysis.privacy` does not see
them; they go out with ``documents.csv``, ``segments.csv``, the Excel workbook and the
IRaMuTeQ corpus. Here every distinct person becomes ``contributeur 1``, ``contributeur 2``...,
numbered in the order of the documents (by ``doc_id``), so the same person has the same
pseudonym in every file of a run and a reader can still see who wrote several contributions.

A column holds people when

- its name says so (``auteur``, ``author``, ``contributeur``, ``user``, ``participant``,
  ``signataire``, ``prénom``, ``email``...; ``nom`` or ``name`` only alone or beside one of
  those: ``category/name`` names a category), unless its cells are long texts; or
- its content does: most of its distinct values look like a person's name (a known first name
  then capitalised words, or an e-mail address), whatever the column is called.

``[export] people_columns`` adds columns the detection misses, ``[export] public_columns`` keeps
columns as they are (an official's name that must stay).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from analysis import schema
from analysis.privacy.words import FIRST_NAMES, word_key

PSEUDONYM = "contributeur {number}"
PEOPLE_RULE = "colonne de personnes"  # the rule of these rows in protection-noms.csv

# Words of a column name that say it holds people
_PEOPLE_WORDS = frozenset(
    """
    auteur auteurs autrice author authors contributeur contributeurs contributrice contributor
    contributors user users utilisateur utilisatrice usager usagere participant participante
    participants signataire signataires redacteur redactrice depute deputee senateur senatrice
    prenom prenoms firstname lastname surname givenname familyname pseudo pseudonyme nickname
    username login email mail courriel createur creatrice creator interlocuteur interlocutrice
    personne person membre member demandeur demandeuse declarant declarante
    """.split()
)
# Words that name a person only beside the words above or alone ("category/name" does not)
_NAME_WORDS = frozenset({"nom", "noms", "name", "names", "fullname", "full"})
# Parts of a column name that say nothing of its content ("author/name/fr", "user_id")
_NEUTRAL_WORDS = frozenset({"fr", "en", "de", "du", "the", "of", "id", "1", "2", "et", "and"})
_NEVER = frozenset({*schema.DOCUMENT_COLUMNS, schema.FILE, schema.ATELIER})

_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w'’.-]*$")
_MAX_TEXT_WORDS = 6  # a column whose cells are longer holds texts, not names
_CONTENT_SHARE = 0.6  # share of name-like values that makes a column one of people
_SAMPLE = 2000  # distinct values looked at


@dataclasses.dataclass(frozen=True)
class PeoplePseudonyms:
    """The pseudonymised documents, and what was done, for the report and the run's log."""

    documents: pd.DataFrame
    columns: tuple[str, ...]  # the columns of people, in the table's order
    replaced: pd.DataFrame  # one row per (document, column): item, doc_id, field, rule, context
    n_people: int

    def notice(self) -> str | None:
        """The French line the run's log prints, or None when no column holds people."""
        if not self.columns:
            return None
        names = ", ".join(f"« {c} »" for c in self.columns)
        last = PSEUDONYM.format(number=self.n_people)
        return (
            f"{self.n_people} personne(s) des colonnes {names} remplacée(s) par des pseudonymes "
            f"(« {PSEUDONYM.format(number=1)} » à « {last} », les mêmes dans tous les fichiers ; "
            "voir protection-noms.csv). Pour garder une colonne telle quelle : [export] "
            'public_columns = ["<colonne>"] ; pour en ajouter une : [export] people_columns.'
        )


def _ascii(text: str) -> str:
    """``text`` without its accents ("Prénom" -> "Prenom"; other non-ASCII letters dropped)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _column_words(column: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", _ascii(str(column)).lower())


def named_for_people(column: str) -> bool:
    """True when a column's name says it holds people (``author/name``, ``Nom``, ``user_id``)."""
    words = [w for w in _column_words(column) if w not in _NEUTRAL_WORDS]
    if any(w in _PEOPLE_WORDS for w in words):
        return True
    return bool(words) and all(w in _NAME_WORDS for w in words)


def looks_like_a_person(value: str) -> bool:
    """True for "Claire Vasseur", "VASSEUR Claire", "J. Dupuis" or "c.vasseur@example.org"."""
    value = " ".join(value.split())
    if _EMAIL.match(value):
        return True
    words = value.replace(",", " ").split()
    if not 2 <= len(words) <= 4 or not all(_NAME_WORD.match(w) for w in words):
        return False
    keys = [word_key(w) for w in words]
    initial = re.fullmatch(r"[A-ZÀ-Þ]\.", words[0]) is not None
    return initial or keys[0] in FIRST_NAMES or keys[-1] in FIRST_NAMES


def _distinct_values(series: pd.Series) -> list[str]:
    values = series.dropna().astype(str).str.strip()
    return sorted(set(values[values != ""]))[:_SAMPLE]


def holds_people(series: pd.Series) -> bool:
    """Tell whether a metadata column holds people, by its name and its content."""
    values = _distinct_values(series)
    if not values:
        return False
    words = pd.Series([len(v.split()) for v in values])
    if words.median() > _MAX_TEXT_WORDS:
        return False  # texts ("avis du citoyen"), whatever the column's name
    if named_for_people(str(series.name)):
        return True
    if len(values) < 2 and len(series.dropna()) < 2:
        return False  # one value says too little
    return sum(looks_like_a_person(v) for v in values) >= _CONTENT_SHARE * len(values)


def people_columns(
    documents: pd.DataFrame, *, add: Iterable[str] = (), public: Iterable[str] = ()
) -> list[str]:
    """The metadata columns of ``documents`` that hold people, in the table's order.

    The workbook's own columns (``doc_id``, ``city``, ``title``, ``text``...) are never people;
    ``add`` are taken whatever their content, ``public`` never.
    """
    added, kept = set(add), set(public)
    found = []
    for column in documents.columns:
        if column in kept or column in _NEVER:
            continue
        if column in added or holds_people(documents[column]):
            found.append(column)
    return found


def _person_key(value: str) -> str:
    """ "Hélène LAGACHE", "Lagache, Helene": one person (case, accents, word order aside)."""
    return " ".join(sorted(_ascii(value).casefold().replace(",", " ").split()))


def pseudonymise_people(
    documents: pd.DataFrame, *, add: Iterable[str] = (), public: Iterable[str] = ()
) -> PeoplePseudonyms:
    """Replace the people of the metadata columns by ``contributeur N``.

    Parameters
    ----------
    documents
        The documents table (``doc_id`` and any metadata columns).
    add, public
        Columns taken as people whatever their content (``[export] people_columns``), and
        columns never touched (``[export] public_columns``).

    Returns
    -------
    PeoplePseudonyms
        The same person (same name once case, accents, spaces and word order are set aside)
        has the same
        number in every column and every row; numbers follow the documents by ``doc_id``, then
        the columns in their order, so a run gives the same pseudonyms every time.
    """
    columns = people_columns(documents, add=add, public=public)
    report_columns = [schema.NAME_ITEM, schema.DOC_ID, schema.NAME_FIELD, schema.NAME_RULE]
    report_columns.append(schema.NAME_CONTEXT)
    if not columns:
        return PeoplePseudonyms(documents, (), schema.empty_table(report_columns), 0)
    order = documents[schema.DOC_ID].astype(str).sort_values(kind="stable").index
    numbers: dict[str, int] = {}
    for position in order:
        for column in columns:
            value = documents.at[position, column]
            if isinstance(value, str) and value.strip():
                numbers.setdefault(_person_key(value), len(numbers) + 1)
    pseudonymised = documents.copy()
    rows = []
    for column in columns:
        pseudonyms = []
        for doc_id, value in zip(documents[schema.DOC_ID], documents[column], strict=True):
            if not (isinstance(value, str) and value.strip()):
                pseudonyms.append(value)
                continue
            pseudonym = PSEUDONYM.format(number=numbers[_person_key(value)])
            pseudonyms.append(pseudonym)
            rows.append((str(doc_id), str(doc_id), str(column), PEOPLE_RULE, pseudonym))
        pseudonymised[column] = pd.Series(pseudonyms, index=documents.index, dtype=object)
    replaced = pd.DataFrame(rows, columns=report_columns)
    return PeoplePseudonyms(pseudonymised, tuple(columns), replaced, len(numbers))
