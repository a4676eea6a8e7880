"""Bytes to text: the encodings users' files come in, line endings, text encoded twice."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from analysis.corpus.errors import CorpusError, SkippedFile, warn

_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â€|Â[\u00a0-\u00bf]")


def check_encoding(encoding: str) -> None:
    """Raise :class:`CorpusError` unless ``encoding`` is ``"auto"`` or a Python codec name."""
    if encoding == "auto":
        return
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise CorpusError(
            f"Encodage inconnu {encoding!r} : utilisez « auto » ou un nom d’encodage Python comme "
            "« utf-8 », « cp1252 » ou « latin-1 »."
        ) from None


def read_bytes(path: Path, relative: str) -> bytes:
    """Return a file's bytes; raise :class:`SkippedFile` when it cannot be read or is empty."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SkippedFile(
            f"{relative} : illisible ({error.strerror}). Vérifiez qu’il "
            "n’est pas ouvert dans un autre programme et que vous avez le droit de le lire."
        ) from error
    if not data.strip():
        raise SkippedFile(f"{relative} : fichier vide. Supprimez-le ou écrivez son texte.")
    return data


def decode(data: bytes, name: str, *, encoding: str = "auto", table: bool = False) -> str:
    """Decode a file's bytes and normalise its line endings to ``"\\n"``.

    In a ``table`` (CSV, TSV) whose lines end with ``"\\n"``, a lone ``"\\r"`` is a line break
    inside a cell (a Mac text pasted in a spreadsheet): it is kept, for the table reader.

    Parameters
    ----------
    data
        The file's content.
    name
        The file as messages name it.
    encoding
        ``"auto"`` reads UTF-8 (with or without BOM) and falls back to cp1252, then latin-1,
        with a warning; any other value is a Python codec name, used strictly.

    Returns
    -------
    str
        The text, with ``"\\n"`` line endings.

    Raises
    ------
    SkippedFile
        For binary data.
    CorpusError
        When an explicit encoding fails.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    elif b"\x00" in data[:8192]:
        raise SkippedFile(
            f"{name} : contenu binaire, pas du texte (un fichier renommé ?). "
            "Enregistrez-le en texte brut (.txt/.md, UTF-8) ou en .docx."
        )
    elif encoding != "auto":
        text = _decode_strictly(data, name, encoding)
    else:
        text = _decode_auto(data, name)
    if garbled := _MOJIBAKE.search(text):
        warn(
            f"{name} : le texte contient des suites comme {garbled.group(0)!r}, signe d’accents "
            "encodés deux fois (UTF-8 lu comme Windows-1252) ; réenregistrez le fichier depuis le "
            "programme qui l’a créé."
        )
    text = text.replace("\r\n", "\n")
    return text if table and "\n" in text else text.replace("\r", "\n")


def _decode_strictly(data: bytes, name: str, encoding: str) -> str:
    codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CorpusError(
            f"{name}, ligne {line} : pas du {encoding} valide (octet {data[error.start]:#04x}). "
            "Vérifiez l’encodage du fichier, ou utilisez l’encodage « auto »."
        ) from error


def _decode_auto(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text, used = data.decode("cp1252"), "Windows-1252 (cp1252)"
    except UnicodeDecodeError:
        text, used = data.decode("latin-1"), "Latin-1 (ISO-8859-1)"
    warn(
        f"{name} : pas en UTF-8 ; lu comme {used}. Vérifiez quelques mots accentués ; "
        "réenregistrez le fichier en UTF-8 pour faire taire cet avertissement."
    )
    return text
