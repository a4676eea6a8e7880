"""The errors and warnings of :mod:`analysis.curation`."""

from __future__ import annotations


class CurationError(ValueError):
    """The curation file or the theme memory cannot be read; the message says what to fix."""


class CurationWarning(UserWarning):
    """A curation line was skipped (it names a theme or a segment this run does not have)."""
