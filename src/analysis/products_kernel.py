"""What both compiled searches share (:mod:`analysis.compiled`): one row's dot products with
the other rows of a CSR matrix, summed into a dense buffer in SciPy's order, and the distance
of a cosine."""

from __future__ import annotations

import numpy as np

from analysis.compiled import CsrArrays, jit


@jit
def sum_products(
    rows: CsrArrays,
    transposed: CsrArrays,
    row: int,
    first_other: int,
    summed: np.ndarray,
) -> None:
    """Add to ``summed[other]`` the dot product of ``row`` and each row ``other`` from
    ``first_other`` on. ``rows`` is (``indptr``, ``indices``, ``data``) of the matrix,
    ``transposed`` the same of its transpose, indices sorted in each row."""
    indptr, indices, data = rows
    t_indptr, t_indices, t_data = transposed
    for at in range(indptr[row], indptr[row + 1]):  # the row's terms in SciPy's order
        term, weight = indices[at], data[at]
        begin, end = t_indptr[term], t_indptr[term + 1]
        if first_other > 0:  # the term's rows from first_other on, by bisection
            begin += np.searchsorted(t_indices[begin:end], first_other)
        for other_at in range(begin, end):
            summed[t_indices[other_at]] += weight * t_data[other_at]


@jit
def cosine_distance(similarity: float) -> float:
    """``1 - similarity``, clipped to [0, 2] (rounding can put a cosine outside [-1, 1])."""
    return min(max(1.0 - similarity, 0.0), 2.0)
