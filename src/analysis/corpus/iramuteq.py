"""IRaMuTeQ corpora, read and written.

An IRaMuTeQ corpus is a text file where each text starts with a ``****`` line carrying starred
variables (``**** *ville_dijon *date_2023-04-28``) and ``-*theme`` lines mark thematic parts.
Reading gives one record per text (``-*theme`` lines become ``## theme`` headings); writing
(:func:`to_iramuteq`) does the reverse, so that loading what it writes gives the documents back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import schema
from analysis.corpus.errors import CorpusError, warn
from analysis.corpus.records import KEY_ALIASES, Record, document_record

# IRaMuTeQ variable names (no "_" allowed in them) <-> document columns.
IRAMUTEQ_VARIABLES: dict[str, str] = {
    schema.DOC_ID: "id",
    schema.CONCERTATION_ID: "concertation",
    schema.CITY: "ville",
    schema.DATE: "date",
    schema.DOC_TYPE: "type",
}

_HEADER = re.compile(r"\*{4}(?:\s.*)?")
_VARIABLE = re.compile(r"\*(?P<name>[^\s_*]+)_(?P<value>\S+)")
_THEMATIC = re.compile(r"-\*(?P<name>\S+)\s*")
_MARKDOWN_HEADING = re.compile(r"#{1,6}\s+(?P<name>\S.*?)\s*")


# --- reading ------------------------------------------------------------------------------------


def is_iramuteq(text: str) -> bool:
    """Tell whether a text file is an IRaMuTeQ corpus: its first line starts with ``****``."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    return bool(_HEADER.fullmatch(first.lstrip("\ufeff")))


def read_text(text: str, relative: str) -> list[Record]:
    """One record per ``****`` text; ``-*theme`` lines become ``## theme`` headings.

    Parameters
    ----------
    text
        The corpus file's text, ``"\\n"`` line endings.
    relative
        The file's POSIX path relative to the corpus root.

    Returns
    -------
    list of dict
        The records, in file order; a text without words is left out with a warning. Ids not
        given by a ``*id_`` variable are ``<file stem>-0001``...

    Raises
    ------
    CorpusError
        When text comes before the first ``****`` line or a variable is malformed.
    """
    records = []
    stem = Path(relative).stem
    texts = _parse(text, relative)
    if not any(variables for _, variables, _ in texts):  # "****" may be a note's ornament
        warn(
            f"{relative} : lu comme un corpus IRaMuTeQ (sa première ligne commence par "
            f"« **** »), de {len(texts)} texte(s), sans aucune variable étoilée. Si ce n’est "
            "pas un corpus IRaMuTeQ, retirez les lignes « **** » : le fichier sera lu comme "
            "une note."
        )
    flags = _flag_variables([variables for _, variables, _ in texts])
    for number, (line, variables, body) in enumerate(texts, start=1):
        where = f"{relative}, ligne {line}"
        if not body.strip():
            warn(f"{where} : texte IRaMuTeQ sans aucun mot ; laissé de côté.")
            continue
        meta = {KEY_ALIASES.get(name, name): value for name, value in variables.items()}
        flagged = [f"{name}_{variables[name]}" for name in flags if name in variables]
        if flagged:
            meta[schema.STARRED] = flagged[0]
        meta.setdefault(schema.DOC_ID, f"{stem}-{number:04d}")
        meta.setdefault(schema.SOURCE, f"{relative}, ligne {line}")
        record = document_record(meta, body, None, relative, where=where)
        record["_origin"] = where
        records.append(record)
    return records


def _flag_variables(texts: list[dict[str, str]]) -> list[str]:
    """Variables written as flags, one modality each and never two in a text
    (``*Democratie_Citoyennete`` on some texts, ``*Transition_Ecologique`` on others): together
    they are one variable whose values are the starred words. Empty when they do not cover
    most texts."""
    modalities: dict[str, set[str]] = {}
    for variables in texts:
        for name, value in variables.items():
            modalities.setdefault(name, set()).add(value)
    flags = [
        name
        for name, values in modalities.items()
        if len(values) == 1 and sum(name in v for v in texts) < len(texts)
    ]
    exclusive = all(sum(name in variables for name in flags) <= 1 for variables in texts)
    covered = sum(any(name in variables for name in flags) for variables in texts)
    return flags if len(flags) >= 2 and exclusive and 2 * covered >= len(texts) else []


def _parse(text: str, name: str) -> list[tuple[int, dict[str, str], str]]:
    """Split an IRaMuTeQ corpus into (header line number, variables, text) triples."""
    texts: list[tuple[int, dict[str, str], list[str]]] = []
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        if _HEADER.fullmatch(line):
            texts.append((number, _variables(line, f"{name}, ligne {number}"), []))
        elif not texts:
            if line.strip():
                raise CorpusError(
                    f"{name}, ligne {number} : du texte avant la première ligne « **** ». Un "
                    "corpus IRaMuTeQ commence chaque texte par une ligne comme "
                    "« **** *ville_dijon *date_2023 »."
                )
        elif thematic := _THEMATIC.fullmatch(line):
            lines = texts[-1][2]
            if lines and lines[-1].strip():
                lines.append("")  # a heading is a paragraph of its own
            lines.extend(["## " + thematic.group("name"), ""])
        else:
            texts[-1][2].append(line)
    return [(number, variables, "\n".join(lines).strip()) for number, variables, lines in texts]


def _variables(line: str, where: str) -> dict[str, str]:
    variables: dict[str, str] = {}
    for token in line[4:].split():
        match = _VARIABLE.fullmatch(token)
        if match is None:
            raise CorpusError(
                f"{where} : {token!r} n’est pas une variable étoilée ; écrivez « *nom_valeur » "
                "(pas d’espace dans la valeur, pas de « _ » dans le nom)."
            )
        if match.group("name") in variables:
            raise CorpusError(
                f"{where} : la variable « *{match.group('name')} » est donnée deux fois ; "
                "gardez-en une."
            )
        variables[match.group("name")] = match.group("value")
    return variables


# --- writing ------------------------------------------------------------------------------------


def to_iramuteq(
    documents: pd.DataFrame,
    *,
    variables: Mapping[str, str] | Sequence[str] = IRAMUTEQ_VARIABLES,
) -> str:
    """Write documents as an IRaMuTeQ corpus (text only: :mod:`analysis.export` writes files).

    Each document becomes ``**** *id_<doc_id> *ville_<city>...`` followed by its text; ``#``
    heading lines become ``-*heading`` thematic lines. Values lose their spaces (replaced by
    ``-``) and headings theirs (replaced by ``_``): IRaMuTeQ forbids them. Empty values are left
    out. Documents are written in ``doc_id`` order. Loading the result with
    :func:`~analysis.corpus.load_corpus` gives the documents back.

    Parameters
    ----------
    documents
        Needs ``text`` and the columns named in ``variables`` (``doc_id`` to sort, if present).
    variables
        ``{column: variable name}``, or a list of columns used as their own names. Names must
        not contain ``_``, spaces or ``*``.

    Returns
    -------
    str
        The corpus, ``"\\n"`` line endings, ending with a newline.

    Raises
    ------
    CorpusError
        When a variable name is not valid for IRaMuTeQ.
    schema.SchemaError
        When a column is missing.
    """
    mapping = dict(variables) if isinstance(variables, Mapping) else {c: c for c in variables}
    for column, name in mapping.items():
        if not re.fullmatch(r"[^\s_*]+", name):
            raise CorpusError(
                f"Le nom de variable IRaMuTeQ {name!r} (colonne « {column} ») ne doit contenir "
                "ni « _ », ni espace, ni « * » ; donnez-en un autre, par exemple "
                "variables={'doc_type': 'type'}."
            )
    schema.require_columns(documents, schema.TEXT, *mapping, table="documents")
    if schema.DOC_ID in documents.columns:
        documents = documents.sort_values(schema.DOC_ID, kind="stable")
    blocks = []
    for row in documents.to_dict("records"):
        header = " ".join(
            f"*{name}_{value}" for column, name in mapping.items() if (value := _value(row[column]))
        )
        blocks.append(f"**** {header}".rstrip() + "\n" + _body(str(row[schema.TEXT])))
    return "\n\n".join(blocks) + "\n"


def _value(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, dt.date | pd.Timestamp):
        timestamp = pd.Timestamp(value)
        value = timestamp.date().isoformat() if timestamp == timestamp.normalize() else timestamp
    return re.sub(r"\s+", "-", str(value).strip()).replace("*", "")


def _body(text: str) -> str:
    """Markdown body -> IRaMuTeQ body: headings as ``-*name`` lines hugging their text."""
    lines = text.replace("\r\n", "\n").strip().split("\n")
    out: list[str] = []
    for line in lines:
        heading = _MARKDOWN_HEADING.fullmatch(line)
        if heading:
            while out and not out[-1].strip():
                out.pop()  # the loader puts back the blank lines around headings
            out.append("-*" + re.sub(r"\s+", "_", heading.group("name")).replace("*", ""))
        elif not line.strip() and out and out[-1].startswith("-*"):
            continue
        elif _HEADER.fullmatch(line) or line.startswith("-*"):
            out.append(" " + line)  # would be read as a header or a thematic line
        else:
            out.append(line)
    return "\n".join(out)
