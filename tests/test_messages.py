"""What the command says: user errors and bugs told apart, each warning said once, in French."""

from __future__ import annotations

import logging
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from analysis import tracing
from analysis.config import ConfigError, load_config
from analysis.corpus import CorpusError, CorpusWarning
from analysis.messages import (
    BUG_CONTACT,
    WarningDisplay,
    bug_line,
    failing_step,
    is_user_error,
    user_error_line,
    warnings_said_once,
)
from analysis.tracing import SingleConcertationWarning


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (CorpusError("corpus.csv : colonne « corps » absente"), True),
        (ConfigError("analysis.toml : clé inconnue"), True),
        (FileNotFoundError(2, "No such file or directory", "absent.csv"), True),
        (PermissionError(13, "Permission denied", "rapport"), True),
        (ValueError("cannot reshape array"), False),  # pandas and numpy raise ValueError too
        (TypeError("Column 'specificity' has dtype object"), False),
        (KeyError("theme_id"), False),
        (RuntimeError("ARPACK error -9"), False),
    ],
)
def test_user_errors_are_the_workbooks_own_and_os_errors(error: Exception, expected: bool) -> None:
    assert is_user_error(error) is expected


def test_a_bug_names_the_step_the_error_and_what_to_send() -> None:
    with pytest.raises(TypeError) as caught:
        load_config(123)  # type: ignore[arg-type]
    assert failing_step(caught.value) == ("lecture des réglages", "config.load_config")
    line = bug_line(caught.value)
    assert "\n" not in line
    assert line.startswith("erreur inattendue pendant l'étape « lecture des réglages »")
    assert "(config.load_config) : TypeError : " in line
    assert "--debug" in line and BUG_CONTACT in line


def test_a_bug_without_frames_or_with_a_huge_message_stays_one_line() -> None:
    line = bug_line(ValueError("row\n" * 500))
    assert line.startswith("erreur inattendue : ValueError : row row")
    assert "\n" not in line and len(line) < 600
    assert bug_line(TypeError()).startswith("erreur inattendue : TypeError. ")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (PermissionError(13, "Permission denied", "rapport"), "erreur : rapport : permission"),
        (FileNotFoundError(2, "No such file", "a.csv"), "erreur : a.csv : fichier ou dossier"),
        (CorpusError("a.csv : ligne 3\nillisible"), "erreur : a.csv : ligne 3 illisible"),
    ],
)
def test_user_errors_are_one_french_line(error: Exception, expected: str) -> None:
    assert user_error_line(error).startswith(expected)


def _warn_like_an_analysis() -> None:
    for table in ("freins", "propositions", "récurrences", "thèmes", "villes"):
        warnings.warn("Une seule concertation : rien à comparer.", CorpusWarning, stacklevel=2)
        warnings.warn(f"Une seule concertation ({table}).", SingleConcertationWarning, stacklevel=2)
    _, ax = plt.subplots()
    ax.legend()  # matplotlib: "No artists with labels found to put in legend"
    plt.close(ax.figure)
    warnings.warn("Maximum number of iterations reached", ConvergenceWarning, stacklevel=2)
    warnings.warn("Series.__getitem__ treating keys as positions", FutureWarning, stacklevel=2)
    with np.errstate(divide="warn"):
        np.log(np.zeros(1))  # RuntimeWarning: divide by zero


def test_each_situation_is_said_once_and_library_warnings_are_kept_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SingleConcertationWarning, "said_once", True, raising=False)
    lines: list[str] = []
    with warnings_said_once(write=lines.append):
        _warn_like_an_analysis()
    assert lines == [
        "attention : Une seule concertation : rien à comparer.",
        "attention : Une seule concertation (freins).",
    ]


def test_debug_shows_the_library_warnings_and_logs() -> None:
    lines: list[str] = []
    with warnings_said_once(debug=True, write=lines.append):
        _warn_like_an_analysis()
        logging.getLogger("pypdf").warning("Ignoring wrong pointing object 6 0")
    debug = [line for line in lines if line.startswith("débogage : ")]
    assert any("No artists with labels found" in line for line in debug)
    assert any(line.startswith("débogage : ConvergenceWarning") for line in debug)
    assert any("RuntimeWarning" in line for line in debug)
    assert "débogage : journal pypdf : Ignoring wrong pointing object 6 0" in debug
    assert len(lines) - len(debug) == 1 + 5  # one said once, five texts of the other


def test_the_previous_warning_settings_come_back() -> None:
    before = (warnings.showwarning, list(warnings.filters), list(logging.getLogger().handlers))
    with warnings_said_once(write=[].append):
        warnings.warn("dedans", CorpusWarning, stacklevel=1)
    after = (warnings.showwarning, list(warnings.filters), list(logging.getLogger().handlers))
    assert after == before


def test_a_display_keeps_what_it_said() -> None:
    lines: list[str] = []
    display = WarningDisplay(write=lines.append)
    for _ in range(3):
        display.show("Texte  sur\ndeux lignes", CorpusWarning, "corpus.py", 1)
    assert lines == ["attention : Texte sur deux lignes"]
    assert display.said_ == {"Texte sur deux lignes"}


def test_an_error_in_a_subpackage_names_its_step_and_module() -> None:
    with pytest.raises(tracing.TracingError) as caught:
        tracing.period_labels(pd.Series(pd.to_datetime(["2022-05-13"])), "decade")  # type: ignore[arg-type]
    assert failing_step(caught.value) == (
        "comptage des freins et propositions récurrents",
        "tracing.dates.period_labels",
    )
