"""The segments of the curation tests: two concertations, then a third."""

from __future__ import annotations

import pandas as pd
import pytest
from factories import FIRST_ROUND, NEW_CONCERTATION, curation_segments


@pytest.fixture(scope="module")
def first() -> pd.DataFrame:
    return curation_segments(FIRST_ROUND, ("C1", "C2"))


@pytest.fixture(scope="module")
def grown(first: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([first, curation_segments(NEW_CONCERTATION, ("C3",))], ignore_index=True)
