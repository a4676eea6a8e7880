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
