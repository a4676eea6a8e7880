"""Fixtures of the tracing tests."""

from __future__ import annotations

import pandas as pd
import pytest
from factories import tracing_segments


@pytest.fixture()
def segments() -> pd.DataFrame:
    """The segments of four concertations (a fresh copy: tests may change it)."""
    return tracing_segments()
