"""Run one function in a second process while this one goes on (a 2-core machine's other core).

Used for work that is long, independent of what runs meanwhile, and only needed later: spaCy's
NER for name protection while the texts are parsed (:class:`analysis.privacy.EntityPrefetch`),
the function classification while the themes are fitted (:mod:`analysis.pipeline`), the
Excel workbook while the other reports are rendered (:mod:`analysis.export`), the report's
figures while the names of the reports are protected, the correspondence maps and the
concordance while the function classifier ends and the tracing tables are computed, the
tracing's counts (specificities, themes by city...) and the groups of its less frequent
functions while the most frequent one is grouped; and, with :func:`map_in_two`, half of a few
independent calls: the spectral embeddings of a large corpus, the descriptions of its
canonical groups, the fiches. The result, and the
warnings the function gave, come back with :meth:`Background.result`; an error is raised there,
as it would have been in this process.

The process is forked: it starts with this process's memory as it is (a 100,000-segment table,
parsed Docs), so the arguments are not copied; only the result is sent back.

Grouping the freins beside the proposals is done only when the functions grouped beside are
few (:data:`analysis.tracing.tables.GROUPED_BESIDE`): two large n² distance vectors at once,
each copied while linking (by SciPy, before the linkage was made in place), took 5.4 GiB at
100,000 segments, over the 4 GiB budget.

Example
-------
>>> job = Background(sum, [1, 2, 3])
>>> job.result()
6
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol


def usable_cores() -> int:
    """The cores this process may run on (its affinity; 1 when the system does not say): the
    threads of a block-by-block computation (neighbour search, distances)."""
    return max(1, len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else 1


def has_spare_core() -> bool:
    """True when this machine has more than one core and processes can be forked."""
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


def map_in_two(
    function: Callable[[Any], Any], items: Iterable[Any], *, parallel: bool = True
) -> list[Any]:
    """``[function(item) for item in items]``, every other item computed by a forked process
    (:class:`Background`) while this one computes the others: for a few long, independent
    calls (the spectral embeddings of several graphs). Alternate items, not halves: calls
    sorted by size (graphs of more and more neighbours) share out evenly. In order, whatever
    the process; in this process only without ``parallel``, a spare core or two items.

    >>> map_in_two(abs, [-1, 2, -3])
    [1, 2, 3]
    """
    items = list(items)
    if not parallel or len(items) < 2 or not has_spare_core():
        return [function(item) for item in items]
    job = Background(_map, function, items[1::2])
    with closing_on_error(lambda: job):
        mine = [function(item) for item in items[::2]]
    found: list[Any] = [None] * len(items)
    found[::2], found[1::2] = mine, job.result()
    return found


def _map(function: Callable[[Any], Any], items: list[Any]) -> list[Any]:
    return [function(item) for item in items]


class _Closable(Protocol):
    def close(self) -> None: ...


@contextmanager
def closing_on_error(job: Callable[[], _Closable | None]) -> Iterator[None]:
    """Stop the background job that ``job()`` gives, if one was started, when the block fails
    (its result will never be asked: the process must not outlive the error)."""
    try:
        yield
    except BaseException:
        started = job()
        if started is not None:
            started.close()
        raise


def _call(function: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[Any, list]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = function(*args, **kwargs)
    return value, [(str(w.message), w.category, w.filename, w.lineno) for w in caught]


def _child(function: Callable[..., Any], args: tuple, kwargs: dict, sender: Any) -> None:
    """In the forked process: send back ``(True, (value, warnings))`` or ``(False, error)``."""
    try:
        answer: tuple[bool, Any] = (True, _call(function, args, kwargs))
    except BaseException as error:  # noqa: BLE001 - every error is raised again in the parent
        # where it happened, for a developer (a user's message is the error's own text)
        error.add_note(f"Dans le processus d'arrière-plan :\n{traceback.format_exc()}")
        answer = (False, error)
    try:
        sender.send(answer)
    except Exception as error:  # noqa: BLE001 - an error or value that cannot be pickled
        sender.send((False, RuntimeError(_unsent_message(error))))
    finally:
        sender.close()


def _unsent_message(error: Exception) -> str:
    return (
        f"Le processus d'arrière-plan n'a pas pu renvoyer son résultat ({type(error).__name__} : "
        f"{error}) : la fonction doit rendre des valeurs que pickle sait copier (tables, "
        "dictionnaires, textes)."
    )


class Background:
    """``function(*args, **kwargs)`` in a forked process (as spaCy's ``n_process`` does: the
    child starts at once and never imports the caller's script again).

    The value (and an error) is pickled back, so it must be picklable (tables, dicts, texts);
    the function and its arguments need not be. Without ``fork`` (Windows, macOS' default),
    or with ``parallel=False``, the function runs in this process when :meth:`result` asks.
    """

    def __init__(
        self, function: Callable[..., Any], /, *args: Any, parallel: bool = True, **kwargs: Any
    ) -> None:
        self._call = (function, args, kwargs)
        self._answer: tuple[bool, Any] | None = None  # (succeeded, (value, warnings) or error)
        self._closed = False
        self._process: Any = None
        if not parallel or "fork" not in multiprocessing.get_all_start_methods():
            return  # run by result(), here
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_child, args=(function, args, kwargs, sender), daemon=True
        )
        self._process.start()
        sender.close()  # the child's end: EOF here if the child dies without answering

    def result(self) -> Any:
        """Wait for the function's value and return it; its warnings are given again here."""
        if self._answer is None and self._process is None:  # here, warnings as they come
            function, args, kwargs = self._call
            try:
                self._answer = (True, (function(*args, **kwargs), []))
            except Exception as error:
                self._answer = (False, error)
                raise
        if self._answer is None:
            self._answer = self._receive()
        succeeded, answer = self._answer
        if not succeeded:
            raise answer
        value, said = answer
        for message, category, filename, lineno in said:
            warnings.warn_explicit(message, category, filename, lineno)
        return value

    def _receive(self) -> tuple[bool, Any]:
        if self._closed:
            raise RuntimeError(
                "Le processus d'arrière-plan a été arrêté avant la fin : son résultat n'existe "
                "pas ; relancez l'étape."
            )
        try:
            return self._receiver.recv()
        except EOFError:
            self._process.join(5)
            raise RuntimeError(
                "Le processus d'arrière-plan s'est terminé sans réponse (code de sortie "
                f"{self._process.exitcode}) : la mémoire a peut-être manqué. Pour tout faire "
                "dans un seul processus, réglez [nlp] n_process_min_words au-dessus du nombre "
                "de mots du corpus dans analysis.toml."
            ) from None
        finally:
            self.close()

    def close(self) -> None:
        """Stop the process (the result is no longer wanted, or has arrived)."""
        self._closed = True
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._receiver.close()
