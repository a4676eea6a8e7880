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


def average_linkage(distances: np.ndarray) -> np.ndarray:
    """SciPy's ``linkage(distances, method="average")``, the same tree to the bit, made in the
    condensed vector ``distances`` itself, which it overwrites: SciPy's works on a copy, as
    large again (1.3 GB more for the 19,000 freins of a 100,000-segment corpus).

    Parameters
    ----------
    distances
        The condensed distances (float64) of at least two rows, as :func:`condensed_distances`
        returns them.

    Returns
    -------
    numpy.ndarray
        The linkage matrix: one row per merge, sorted by distance (SciPy's format, for
        :func:`scipy.cluster.hierarchy.fcluster`).
    """
    n_rows = int(round((1 + np.sqrt(1 + 8 * distances.size)) / 2))
    if n_rows * (n_rows - 1) // 2 != distances.size or n_rows < 2:
        raise ValueError(f"{distances.size} distances are no condensed matrix of 2 rows or more")
    chain_merges, number_merges = _linkage_loops()
    merges = np.empty((n_rows - 1, 4))
    chain_merges(distances, n_rows, merges)
    merges = merges[np.argsort(merges[:, 2], kind="mergesort")]
    number_merges(merges, n_rows)
    return merges


@functools.cache
def _linkage_loops() -> tuple[Callable[..., None], Callable[..., None]]:
    """The compiled loops of :func:`average_linkage`."""
    from analysis.tracing.linkage_kernel import chain_merges, number_merges

    return chain_merges, number_merges


@functools.cache
def _compiled() -> Callable[..., None]:
    """The compiled loop (Numba is imported only when distances are computed)."""
    from analysis.tracing.distances_kernel import condensed_rows

    return condensed_rows
