"""The errors and warnings of report writing."""


class ExportError(ValueError):
    """The reports cannot be written (unknown format, output path is a file, bad figure...)."""


class ExportWarning(UserWarning):
    """A report was written with a change the reader should know of (truncated cell...)."""
