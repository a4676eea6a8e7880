"""Tests of analysis.workers: a function run in a second process, its value and warnings."""

from __future__ import annotations

import multiprocessing
import os
import time
import warnings

import pytest

from analysis.workers import Background, has_spare_core, map_in_two


def _lemma_lengths(words: list[str], *, minimum: int) -> dict[str, int]:
    if len(words) > 3:
        warnings.warn(f"{len(words)} mots, dont {words[3]!r}", UserWarning, stacklevel=1)
    return {w: len(w) for w in words if len(w) >= minimum} | {"pid": os.getpid()}


def _refuse(text: str) -> None:
    raise ValueError(f"colonne inconnue : {text}")


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "réveillé"


needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform"
)


@needs_fork
def test_the_value_and_the_warnings_come_back() -> None:
    job = Background(_lemma_lengths, ["médiation", "tig", "vidéoprotection", "préfet"], minimum=4)
    with pytest.warns(UserWarning, match="4 mots, dont 'préfet'"):
        value = job.result()
    assert value.pop("pid") != os.getpid()  # computed in another process
    assert value == {"médiation": 9, "vidéoprotection": 15, "préfet": 6}
    assert not multiprocessing.active_children()
    with pytest.warns(UserWarning, match="4 mots"):  # asked again: same value, same warning
        assert job.result()["préfet"] == 6


@needs_fork
def test_an_error_is_raised_where_the_result_is_asked() -> None:
    job = Background(_refuse, "commune")
    with pytest.raises(ValueError, match="colonne inconnue : commune") as raised:
        job.result()
    assert str(raised.value) == "colonne inconnue : commune"  # what a user is shown
    assert "in _refuse" in raised.value.__notes__[0]  # where, for a developer
    assert not multiprocessing.active_children()


@needs_fork
def test_a_stopped_job_leaves_no_process_and_says_so() -> None:
    job = Background(_sleep, 30.0)
    job.close()
    assert not multiprocessing.active_children()
    with pytest.raises(RuntimeError, match="arrêté avant la fin"):
        job.result()


def test_a_spare_core_needs_two_cores(monkeypatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not has_spare_core()
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert has_spare_core() == ("fork" in multiprocessing.get_all_start_methods())


@needs_fork
def test_the_arguments_are_not_copied_to_the_process() -> None:
    # a lock cannot be pickled: the forked process starts with it in its memory
    import threading

    lock = threading.Lock()
    job = Background(lambda held, words: (held.locked(), len(words)), lock, ["préfet", "maire"])
    assert job.result() == (False, 2)


def test_without_a_second_process_the_function_runs_when_asked() -> None:
    job = Background(_lemma_lengths, ["médiation", "tig"], minimum=4, parallel=False)
    assert job.result() == {"médiation": 9, "pid": os.getpid()}
    refused = Background(_refuse, "commune", parallel=False)
    for _ in range(2):  # the same error each time it is asked
        with pytest.raises(ValueError, match="colonne inconnue : commune"):
            refused.result()


@needs_fork
def test_a_process_that_dies_says_so() -> None:
    job = Background(os._exit, 3)
    with pytest.raises(RuntimeError, match="code de sortie 3"):
        job.result()
    assert not multiprocessing.active_children()


@pytest.mark.skipif(not has_spare_core(), reason="one core, or no fork: nothing runs beside")
def test_two_processes_map_in_order_and_say_what_failed() -> None:
    lemmas = ["médiation", "tig", "vidéoprotection", "préfet", "bailleur"]
    assert map_in_two(len, lemmas) == [9, 3, 15, 6, 8]
    # every other item is computed in another process
    pids = map_in_two(lambda _: os.getpid(), lemmas)
    assert pids[::2] == [os.getpid()] * 3 and os.getpid() not in pids[1::2]
    assert map_in_two(lambda _: os.getpid(), lemmas, parallel=False) == [os.getpid()] * 5
    # an error of the second process ("tig") is raised here, as this one's would be
    with pytest.raises(ValueError, match="colonne inconnue : bailleur"):
        map_in_two(lambda w: _refuse(w) if w == "bailleur" else len(w), lemmas)
    with pytest.raises(ValueError, match="colonne inconnue : tig"):
        map_in_two(lambda w: _refuse(w) if w == "tig" else len(w), lemmas)
