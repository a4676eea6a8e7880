"""matplotlib figures of the workbook.

Every function takes DataFrames (or a fitted model) and an optional ``ax``, draws, and returns
the Axes. None of them calls ``plt.show()`` or saves: notebooks display, ``export`` saves.
"""

from __future__ import annotations

import matplotlib



import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402


def _axes(ax: Axes | None, figsize: tuple[float, float] = (8, 5)) -> Axes:
    """Return ``ax`` or a fresh Axes of the given size."""
    if ax is not None:
        return ax
    _, new_ax = plt.subplots(figsize=figsize)
    return new_ax


# --- corpus plots -----------------------------------------------------------------------------

# --- theme plots (themes.py) ------------------------------------------------------------------

# --- tracing plots (functions.py, tracing.py) -------------------------------------------------
