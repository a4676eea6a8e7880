"""The errors and warnings of :mod:`analysis.nlp`."""

from __future__ import annotations

from analysis.cache import CacheWarning

__all__ = [
    "CacheWarning",
    "EmptyLemmasWarning",
    "ModelNotFoundError",
    "NlpError",
    "NlpWarning",
    "NotFrenchWarning",
    "ParsedMismatchError",
    "WordListError",
]


class NlpError(ValueError):
    """Base class of the errors of this module."""


class ModelNotFoundError(NlpError):
    """The spaCy model named in the configuration is not installed."""


class WordListError(NlpError):
    """A stop-word or expression file is missing or unreadable."""


class ParsedMismatchError(NlpError):
    """The parsed results do not belong to the segments they are used with."""


class NlpWarning(UserWarning):
    """Base class of the warnings of this module."""


class NotFrenchWarning(NlpWarning):
    """Some documents or segments do not look French; they are kept out of the themes."""


class EmptyLemmasWarning(NlpWarning):
    """Some segments have no content word left (stop words only, or empty after cleaning)."""
