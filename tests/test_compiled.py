"""Tests of analysis.compiled: the arrays the compiled loops read, and compiling them all."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from analysis import compiled


def test_the_loops_read_the_rows_as_stored_in_one_set_of_types() -> None:
    # a row's entries in their stored order: the order SciPy's product sums them in
    unsorted = sp.csr_matrix(
        (np.array([2.0, 1.0], dtype=np.float32), np.array([1, 0], dtype=np.int32), [0, 2]),
        shape=(1, 2),
    )
    indptr, indices, data = compiled.csr_arrays(unsorted)
    assert indices.tolist() == [1, 0] and data.tolist() == [2.0, 1.0]
    assert (indptr.dtype, indices.dtype, data.dtype) == (np.int64, np.int64, np.float64)


def test_every_loop_compiles_and_runs() -> None:
    compiled.compile_all()
    from analysis.themes.nearest_kernel import search
    from analysis.tracing.distances_kernel import condensed_rows

    assert search.signatures and condensed_rows.signatures  # compiled for the arrays' types
