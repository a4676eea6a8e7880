"""The errors and warnings of tracing: what the user reads when a table cannot be traced.

Each warning is a class of its own so that :mod:`analysis.messages` can say it once however many
steps give it; every message is in French.
"""

from __future__ import annotations


class TracingError(ValueError):
    """A table cannot be traced (bad ``by`` column, unknown period or unit...)."""


class MissingDateWarning(UserWarning):
    """Some concertations have no date; they are left out of dates, periods and statuses."""


class SingleConcertationWarning(UserWarning):
    """Only one concertation (or part): recurrence is counted over contributions instead.

    Every step that meets the situation gives the same text, so that it is said once.
    """


class UnnamedConcertationWarning(UserWarning):
    """Among named concertations, some documents have none: recurrence counts them together
    as one more concertation, without a name."""


class EmptySelectionWarning(UserWarning):
    """No segment has the requested function: no group can be formed."""


class SmallCellsWarning(UserWarning):
    """Specificity cells too small to test (they could never be significant)."""
