"""Loops compiled by Numba, for the two all-pairs computations that dominate their stage on a
large corpus: each segment's nearest segments (:mod:`analysis.themes.nearest`) and the cosine
distances of every pair of statements (:mod:`analysis.tracing.distances`), then their average
linkage, made in the distances themselves (:mod:`analysis.tracing.linkage_kernel`).

Both sum a row's sparse products into one dense buffer, in SciPy's order (the same floats, to
the bit, as SciPy's sparse product; :mod:`analysis.products_kernel`), where SciPy builds a
sparse matrix more than half full in two passes before it can be read. The machine code is
cached beside the compiled modules (or in Numba's user cache when the package's folder is
read-only; in memory only when neither can be written): about 6 to 9 s to compile once after an
install, which ``make`` does while installing (:func:`compile_all`), 0.2 s to load in a new
process. Numba is imported only when a loop is first needed.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

from analysis.workers import usable_cores

# what a compiled loop reads of a CSR matrix: indptr, indices, data
CsrArrays = tuple[np.ndarray, np.ndarray, np.ndarray]


def jit(function: Callable) -> Callable:
    """``function`` compiled without the GIL (threads share the cores), its machine code cached
    when a folder can hold it."""
    import numba

    try:
        return numba.njit(nogil=True, cache=True)(function)
    except RuntimeError:  # no folder to cache the machine code in
        return numba.njit(nogil=True)(function)


def csr_arrays(matrix: sp.csr_matrix) -> CsrArrays:
    """``indptr``, ``indices`` and ``data`` of a CSR matrix, in the one set of types the loops
    are compiled for; each row's entries in their stored order, which is the order SciPy's
    product sums them in."""
    return (
        matrix.indptr.astype(np.int64, copy=False),
        matrix.indices.astype(np.int64, copy=False),
        matrix.data.astype(np.float64, copy=False),
    )


def in_blocks(task: Callable[[int, int], None], n_rows: int, block: int) -> None:
    """``task(start, stop)`` for every block of ``block`` rows, the blocks shared between the
    cores this process may use (a compiled loop releases the GIL). Each task must write only
    its own rows' part of the output, so the result does not depend on the number of cores."""
    with ThreadPoolExecutor(max_workers=usable_cores()) as pool:
        list(
            pool.map(lambda start: task(start, min(start + block, n_rows)), range(0, n_rows, block))
        )


def compile_all() -> None:
    """Compile every loop now (once per installation: ``make`` calls it after installing)."""
    from analysis.themes.nearest import nearest_rows
    from analysis.tracing.distances import average_linkage, condensed_distances

    nearest_rows(sp.identity(2, format="csr"), 2)
    average_linkage(condensed_distances(sp.identity(3, format="csr")))
