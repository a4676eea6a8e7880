"""What corpus loading tells its user: errors, warnings, and files skipped with a warning."""

from __future__ import annotations

import warnings
from collections.abc import Sequence


class CorpusError(ValueError):
    """The corpus cannot be loaded as it is; the message (French) names the file and what to do."""


class CorpusWarning(UserWarning):
    """Part of the corpus was skipped, merged or guessed; the message (French) says which."""


class SkippedFile(Exception):
    """A file that is reported with a warning and left out (internal to the package)."""


def warn(message: str) -> None:
    """Warn with :class:`CorpusWarning`, pointing at the caller of the function that warns."""
    warnings.warn(message, CorpusWarning, stacklevel=3)


def shorten(items: Sequence[str], limit: int = 15, *, sep: str = ", ") -> str:
    """Join the first ``limit`` items and say how many more there are."""
    shown = sep.join(items[:limit])
    return shown + (f" et {len(items) - limit} autre(s)" if len(items) > limit else "")


# what the JSON and YAML readers say (in English) of a malformed file, in French
_READER_MESSAGES = (
    ("Expecting ',' delimiter", "une virgule manque entre deux éléments"),
    ("Expecting ':' delimiter", "il manque « : » après un nom de champ"),
    (
        "Expecting property name enclosed in double quotes",
        "un nom de champ doit être entre guillemets doubles, ou une virgule est en trop",
    ),
    ("Expecting value", "une valeur manque ou est mal écrite"),
    ("Unterminated string", "un texte entre guillemets n’est pas fermé"),
    ("Extra data", "du texte suit la fin des données"),
    (
        "Invalid control character",
        "un saut de ligne ou une tabulation dans un texte entre guillemets",
    ),
    ("Invalid \\escape", "une barre oblique inverse (\\) mal placée"),
    ("mapping values are not allowed here", "un « : » dans une valeur sans guillemets"),
    ("could not find expected ':'", "il manque « : » après une clé"),
    ("found character '\\t' that cannot start any token", "une tabulation au lieu d’espaces"),
    ("found undefined alias", "un « * » en tête d’une valeur sans guillemets"),
    ("expected <block end>", "une ligne mal alignée, ou des guillemets mal fermés"),
    ("found unexpected end of stream", "des guillemets ne sont pas fermés"),
)


def reader_message(message: str) -> str:
    """The French of a JSON or YAML reader's message on a malformed file (the message itself
    when it is not a known one)."""
    return next(
        (french for english, french in _READER_MESSAGES if message.startswith(english)), message
    )
