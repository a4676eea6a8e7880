"""How the ``analysis`` command speaks to its user: in French, each situation said once.

- A warning of the workbook's own modules (its category is defined in ``analysis.*``:
  ``CorpusWarning``, ``ThemeWarning``...) is shown once per text, as ``attention : ...``,
  however many times the analysis gives it. A category whose class sets ``said_once = True``
  is shown once whatever its texts (the first one): one situation met by several steps. A
  category whose class sets ``prefix = "note"`` says what was done, not a problem (``note : ...``).
- A warning of a library (matplotlib's legend, scikit-learn's ``ConvergenceWarning``, pandas'
  ``FutureWarning``, numpy's ``RuntimeWarning``) and a library's log records (pypdf...) say
  nothing a user can act on: they are kept out, and shown as ``débogage : ...`` with ``--debug``.
- An error is the user's (exit 2: the message says what to correct) when it is an ``OSError``
  (a file missing, a permission) or one of the workbook's own ``ValueError`` classes
  (``CorpusError``, ``ConfigError``...). Anything else is a bug (exit 3), told in one line that
  says which step failed and what to send.

Example
-------
>>> with warnings_said_once() as display:  # doctest: +SKIP
...     pipeline.run(config)
"""

from __future__ import annotations

import errno
import logging
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

EXIT_USER_ERROR = 2
EXIT_BUG = 3
BUG_CONTACT = "l'équipe du classeur"

_PACKAGE = "analysis"
_PACKAGE_DIR = Path(__file__).resolve().parent
_MAX_ERROR_CHARS = 300  # a library's message can hold a whole table: one line stays readable

# the step a module does, as the user knows it
_STEPS = {
    "config": "lecture des réglages",
    "corpus": "lecture du corpus",
    "segmentation": "découpage en segments",
    "nlp": "analyse linguistique",
    "vectorise": "analyse linguistique",
    "themes": "recherche des thèmes",
    "curation": "application du fichier de curation",
    "cities": "lecture du corpus",
    "roles": "repérage des freins et propositions",
    "tracing": "comptage des freins et propositions récurrents",
    "summaries": "rédaction des fiches",
    "plots": "tracé des figures",
    "privacy": "protection des noms",
    "export": "écriture des rapports",
    "pipeline": "analyse",
}
_FUNCTION_STEPS = {
    ("pipeline", "write"): "écriture des rapports",
    ("pipeline", "make_figures"): "tracé des figures",
    ("pipeline", "rerun_from_output"): "relecture du dossier de sortie",
}
# modules every step calls: a failure there belongs to the step that called them
_PLUMBING = frozenset({"workers", "schema", "labels", "messages", "cli", "__init__"})


class CommandError(ValueError):
    """A command line that cannot run (the output file is the corpus itself...)."""


def is_ours(kind: type) -> bool:
    """True when a warning or error class is defined in the workbook (``analysis.*``)."""
    module = kind.__module__
    return module == _PACKAGE or module.startswith(_PACKAGE + ".")


def is_user_error(error: BaseException) -> bool:
    """True when ``error`` is the user's to correct: an ``OSError`` or one of the workbook's
    own ``ValueError`` classes. A library's ``ValueError`` (pandas, numpy) is a bug.

    Examples
    --------
    >>> from analysis.config import ConfigError
    >>> is_user_error(ConfigError("[themes] k_min")), is_user_error(ValueError("numpy"))
    (True, False)
    """
    return isinstance(error, OSError) or (isinstance(error, ValueError) and is_ours(type(error)))


def _one_line(text: str, limit: int | None = None) -> str:
    line = " ".join(text.split())
    if limit is not None and len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def failing_step(error: BaseException) -> tuple[str, str] | None:
    """The step that raised ``error`` (French) and where (``module.function``), from its
    traceback: the deepest frame in the workbook's own modules. None when no frame is ours
    (an error raised in a second process comes back without its frames)."""
    ours = [
        (_module_path(frame.f_code.co_filename), frame.f_code.co_qualname.split(".")[0])
        for frame, _line in traceback.walk_tb(error.__traceback__)
        if _PACKAGE_DIR in Path(frame.f_code.co_filename).resolve().parents
    ]
    ours = [(path, function) for path, function in ours if path[0] not in _PLUMBING]
    if not ours:
        return None
    path, function = ours[-1]  # a lambda or a nested function counts as its outer function
    module = path[0]  # the step is the top-level module or subpackage
    step = _FUNCTION_STEPS.get((module, function), _STEPS.get(module, module))
    return step, ".".join((*path, function))


def _module_path(filename: str) -> tuple[str, ...]:
    """``("tracing", "links")`` for ``src/analysis/tracing/links.py``; a package's
    ``__init__`` is the package itself."""
    parts = Path(filename).resolve().relative_to(_PACKAGE_DIR).with_suffix("").parts
    return parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts


def bug_line(error: BaseException) -> str:
    """One French line for an unexpected error: which step failed, the error, what to send.

    Examples
    --------
    >>> bug_line(TypeError("bad dtype"))  # doctest: +ELLIPSIS
    "erreur inattendue : TypeError : bad dtype. Ce n'est pas une erreur de votre part..."
    """
    found = failing_step(error)
    where = f" pendant l'étape « {found[0]} » ({found[1]})" if found else ""
    text = _one_line(str(error), _MAX_ERROR_CHARS)
    what = f"{type(error).__name__} : {text}" if text else type(error).__name__
    return (
        f"erreur inattendue{where} : {what.rstrip('.')}. Ce n'est pas une erreur de votre "
        f"part : relancez la même commande avec --debug et envoyez toute la sortie à "
        f"{BUG_CONTACT}."
    )


def user_error_line(error: BaseException) -> str:
    """One French line for a user error (the workbook's messages say what to correct)."""
    if isinstance(error, OSError) and error.filename is not None and error.strerror:
        # "[Errno 13] Permission denied: 'x'" is English and shows the number
        reason = _OS_REASONS.get(error.errno, error.strerror)
        return f"erreur : {error.filename} : {reason}."
    return f"erreur : {_one_line(str(error))}"


_OS_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EROFS: "support en lecture seule",
    errno.EEXIST: "existe déjà",
}


def _to_stderr(line: str) -> None:
    # through tqdm: a line printed while a progress bar runs does not break the bar's line
    tqdm.write(line, file=sys.stderr)


class WarningDisplay:
    """Shows warnings as :mod:`warnings` hands them over (``warnings.showwarning``).

    Parameters
    ----------
    debug
        Show the libraries' warnings too, as ``débogage : ...`` lines.
    write
        Where a line goes (stderr, beside any progress bar).

    Attributes
    ----------
    said_
        The texts already shown (the categories, for those said once whatever their text).
    """

    def __init__(self, *, debug: bool = False, write: Callable[[str], None] = _to_stderr) -> None:
        self.debug = debug
        self.write = write
        self.said_: set[object] = set()

    def show(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: object = None,
        line: str | None = None,
    ) -> None:
        """The ``warnings.showwarning`` hook."""
        text = _one_line(str(message))
        if not is_ours(category):
            if self.debug:
                place = f"{Path(filename).name}:{lineno}"
                self.write(f"débogage : {category.__name__} ({place}) : {text}")
            return
        key: object = category if getattr(category, "said_once", False) else text
        if key in self.said_:
            return
        self.said_.add(key)
        self.write(f"{getattr(category, 'prefix', 'attention')} : {text}")


class _LibraryLogs(logging.Handler):
    """Keeps the libraries' log records (pypdf's "Ignoring wrong pointing object"...) out of
    the user's sight: Python would print them raw; ``--debug`` shows them."""

    def __init__(self, display: WarningDisplay) -> None:
        super().__init__(logging.WARNING)
        self.display = display

    def emit(self, record: logging.LogRecord) -> None:
        if self.display.debug:
            self.display.write(f"débogage : journal {record.name} : {record.getMessage()}")


@contextmanager
def warnings_said_once(
    *, debug: bool = False, write: Callable[[str], None] = _to_stderr
) -> Iterator[WarningDisplay]:
    """Show warnings (and the libraries' log records) through a :class:`WarningDisplay`
    while the block runs; the previous warning settings and log handlers come back after it."""
    display = WarningDisplay(debug=debug, write=write)
    logs = _LibraryLogs(display)
    root = logging.getLogger()
    with warnings.catch_warnings():
        # Python's filters stay ("default": once per place; the display says each text once,
        # whatever the place); --debug shows the libraries' deprecations too
        if debug:
            warnings.simplefilter("default")
        warnings.showwarning = display.show
        root.addHandler(logs)
        try:
            yield display
        finally:
            root.removeHandler(logs)
