"""Exact cosine nearest neighbours of sparse rows, with a fixed order for rows at the same distance.

The spectral method needs each segment's nearest segments. Computed with SciPy, a block of
rows × all rows product is a sparse matrix more than half full on real text (most segments
share a frequent lemma with most others), built in two passes, then made dense, then searched:
13.8 CPU-seconds for the 19,770 segments of the speed benchmark. :func:`nearest_rows` does the
same arithmetic in one compiled pass per row (Numba): the row's similarities are summed into a
dense buffer in SciPy's order (the same floats, to the bit), the ``k``-th smallest distance is
found by a heap while the buffer is read, and only the rows up to it are kept: 3.7
CPU-seconds for the same graph.

Rows at the same distance are common (a short segment shares no term with most others: all at
distance 1). They are ordered by :func:`tie_key`, a fixed hash of the (segment, row) pair, so
that the same few segments are not every such segment's neighbours, and the result does not
depend on a sort's or a selection's implementation.

The loop is compiled once and cached (:mod:`analysis.compiled`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from analysis.compiled import csr_arrays, in_blocks

# the hash's constants (splitmix64's): a bijection of 64-bit integers that mixes every bit
GOLDEN = 0x9E3779B97F4A7C15
MIX = 0xBF58476D1CE4E5B9

_BLOCK = 256  # rows per task given to a thread


def tie_key(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The order of rows at the same distance from a segment: a fixed hash of the pair.

    Taken in corpus order, or in any one order, the same few segments would be the nearest of
    every segment that shares no term with most others, and pull them into one theme; a hash
    of (segment, row) gives each segment its own order, the same on every run and machine.

    >>> tie_key(np.array([0, 0]), np.array([1, 2])) < tie_key(np.array([0, 0]), np.array([2, 1]))
    array([ True, False])
    """
    mixed = rows.astype(np.uint64) * np.uint64(GOLDEN)  # uint64 arithmetic wraps around
    mixed += columns.astype(np.uint64)
    mixed ^= mixed >> np.uint64(31)
    mixed *= np.uint64(MIX)
    return mixed ^ (mixed >> np.uint64(29))


def nearest_rows(
    X: sp.csr_matrix, n_found: int, *, block: int = _BLOCK
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``n_found`` nearest rows by cosine distance, itself included, nearest first.

    Parameters
    ----------
    X
        Rows × terms (TF-IDF); rows without any term are at distance 1 from every other row.
    n_found
        How many rows to keep per row, at most the number of rows.
    block
        Rows per task; the tasks are shared between the cores this process may use (the
        result does not depend on their number).

    Returns
    -------
    tuple
        ``(distances, columns)``, two (rows × ``n_found``) arrays: cosine distances
        (``1 - similarity``, clipped to [0, 2]; 0 from a row to itself) and the rows found,
        by distance, then by :func:`tie_key`.
    """
    n_rows = X.shape[0]
    if not 1 <= n_found <= n_rows:
        raise ValueError(f"n_found = {n_found}: choose between 1 and the {n_rows} rows.")
    unit = normalize(sp.csr_matrix(X, dtype=np.float64))
    arrays = (csr_arrays(unit), csr_arrays(unit.T.tocsr()))
    distances = np.empty((n_rows, n_found))
    columns = np.empty((n_rows, n_found), dtype=np.int64)
    kernel = _compiled()

    def search(start: int, stop: int) -> None:  # fills its own rows of the outputs
        kernel(*arrays, start, stop, distances[start:stop], columns[start:stop])

    in_blocks(search, n_rows, block)
    return distances, columns


@functools.cache
def _compiled() -> Callable[..., None]:
    """The compiled search (Numba is imported only when a search is made)."""
    from analysis.themes.nearest_kernel import search

    return search
