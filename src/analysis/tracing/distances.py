"""Cosine distances of every pair of statements, for the average linkage of canonical groups.

Written straight into SciPy's condensed vector (row 0's pairs, then row 1's...): memory is the
n(n-1)/2 distances, not several dense n-by-n copies (1.9 GB each for 15,000 statements). Each
row's similarities to the rows after it are summed by a compiled loop
(:mod:`analysis.compiled`) into a dense buffer, in SciPy's order: the distances SciPy's sparse
product gave, to the bit, in 4.6 CPU-seconds instead of 7.0 for the 10,732 proposals of the
speed benchmark. Blocks of rows are shared between the cores; each writes its own part of the
vector, so the result does not depend on their number.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from analysis.compiled import csr_arrays, in_blocks

_BLOCK = 64  # rows per task: the first rows have the most pairs, small tasks share them out


def condensed_distances(vectors: sp.csr_matrix, *, block: int = _BLOCK) -> np.ndarray:
    """Cosine distances (``1 - `` the rows' dot products, clipped to [0, 2]) of every pair of
    rows, in SciPy's condensed order (:func:`scipy.spatial.distance.squareform`).

    Parameters
    ----------
    vectors
        Rows at unit length (the dot product of two rows is their cosine).
    block
        Rows per task given to a thread.

    Returns
    -------
    numpy.ndarray
        The n(n-1)/2 distances, float64.
    """
    vectors = sp.csr_matrix(vectors)
    n_rows = vectors.shape[0]
    distances = np.empty(n_rows * (n_rows - 1) // 2, dtype=np.float64)
    transposed = vectors.T.tocsr()
    transposed.sort_indices()  # the loop finds each term's rows after a row by bisection
    arrays = (csr_arrays(vectors), csr_arrays(transposed))
    kernel = _compiled()
    in_blocks(lambda start, stop: kernel(*arrays, start, stop, distances), n_rows, block)
    return distances


@functools.cache
def _compiled() -> Callable[..., None]:
    """The compiled loop (Numba is imported only when distances are computed)."""
    from analysis.tracing.distances_kernel import condensed_rows

    return condensed_rows
