"""Run one function in a second process while this one goes on (a 2-core machine's other core).

Used for work that is long, independent of what follows, and only needed later: spaCy's NER for
name protection while the texts are parsed (:class:`analysis.names.EntityPrefetch`). The
result, and the warnings the function gave, come back with :meth:`Background.result`; an error
is raised there, as it would have been in this process.

Tried and left out: writing the Excel workbook beside the other reports saved nothing
measurable at 100,000 segments (what precedes it, the name protection of every table, cannot
run beside it; what follows is short).

Example
-------
>>> job = Background(sum, [1, 2, 3])
>>> job.result()
6
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Callable
from typing import Any


def has_spare_core() -> bool:
    """True when this machine has more than one core and processes can be forked."""
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


def _call(function: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[Any, list]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = function(*args, **kwargs)
    return value, [(str(w.message), w.category, w.filename, w.lineno) for w in caught]


class Background:
    """``function(*args, **kwargs)`` in a forked process (as spaCy's ``n_process`` does: the
    child starts at once and never imports the caller's script again).

    ``function`` and its arguments are pickled to the child and the result back, so they must
    be picklable (module-level functions, tables, texts).
    """

    def __init__(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._done: tuple[Any, list] | None = None
        self._closed = False
        self._pool = None
        if "fork" not in multiprocessing.get_all_start_methods():  # run by result(), here
            self._pending: Any = _Deferred(function, args, kwargs)
            return
        self._pool = multiprocessing.get_context("fork").Pool(processes=1)
        self._pending = self._pool.apply_async(_call, (function, args, kwargs))

    def result(self) -> Any:
        """Wait for the function's value and return it; its warnings are given again here."""
        if self._done is None:
            if self._closed and not self._pending.ready():
                raise RuntimeError("The background process was stopped before it finished.")
            try:
                self._done = self._pending.get()
            finally:
                self.close()
        value, said = self._done
        for message, category, filename, lineno in said:
            warnings.warn_explicit(message, category, filename, lineno)
        return value

    def close(self) -> None:
        """Stop the process (the result is no longer wanted, or has arrived)."""
        self._closed = True
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()


class _Deferred:
    """The function run in this process when :meth:`Background.result` asks (no fork)."""

    def __init__(self, function: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        self._call = (function, args, kwargs)

    def ready(self) -> bool:
        return True

    def get(self) -> tuple[Any, list]:
        return _call(*self._call)
