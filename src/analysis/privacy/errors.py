"""Errors and warnings of name protection."""


class NameProtectionError(ValueError):
    """The input to name protection is malformed (wrong type, missing text column)."""


class NameProtectionWarning(UserWarning):
    """Name protection runs with less than it should (no spaCy NER: patterns only)."""


class PeopleNotice(UserWarning):
    """Metadata columns of people were pseudonymised: the run's log says which (a note, not a
    problem)."""

    prefix = "note"  # shown as "note : ..." by analysis.messages
