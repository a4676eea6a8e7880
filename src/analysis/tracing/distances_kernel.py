"""The compiled part of :func:`analysis.tracing.distances.condensed_distances` (Numba, imported
on first use)."""

from __future__ import annotations

import numpy as np

from analysis.compiled import CsrArrays, jit
from analysis.products_kernel import cosine_distance, sum_products


@jit
def condensed_rows(
    rows: CsrArrays,
    transposed: CsrArrays,
    start: int,
    stop: int,
    out: np.ndarray,
) -> None:
    """The distances from rows ``start`` to ``stop`` of a CSR matrix (``rows``: ``indptr``,
    ``indices``, ``data``; ``transposed``: the same of its transpose, indices sorted) to the
    rows after each, into their places of the condensed vector ``out``."""
    n_rows = rows[0].size - 1
    summed = np.zeros(n_rows)
    for row in range(start, stop):
        sum_products(rows, transposed, row, row + 1, summed)
        cursor = row * (n_rows - 1) - row * (row - 1) // 2  # the pairs of the rows before
        for other in range(row + 1, n_rows):
            out[cursor] = cosine_distance(summed[other])
            summed[other] = 0.0
            cursor += 1
