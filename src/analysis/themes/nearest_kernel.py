"""The compiled part of :func:`analysis.themes.nearest.nearest_rows` (Numba, imported on the
first search, see :mod:`analysis.compiled`): each row's similarities summed into a dense
buffer, its k nearest rows kept."""

from __future__ import annotations

import numpy as np

from analysis.compiled import CsrArrays, jit
from analysis.products_kernel import cosine_distance, sum_products
from analysis.themes.nearest import GOLDEN, MIX


@jit
def pair_key(row: int, column: int) -> np.uint64:
    """:func:`analysis.themes.nearest.tie_key` of one pair."""
    mixed = np.uint64(row) * np.uint64(GOLDEN)  # wraps around, as NumPy's uint64 does
    mixed += np.uint64(column)
    mixed ^= mixed >> np.uint64(31)
    mixed *= np.uint64(MIX)
    return mixed ^ (mixed >> np.uint64(29))


@jit
def distance(summed: np.ndarray, row: int, other: int) -> float:
    """Cosine distance from ``row`` to ``other``, clipped to [0, 2]; 0 to itself (identical
    rows may round above 0)."""
    if other == row:
        return 0.0
    return cosine_distance(summed[other])


@jit
def kth_smallest(summed: np.ndarray, row: int, heap: np.ndarray) -> float:
    """The k-th smallest distance of ``row`` (k = ``heap.size``): a max-heap of the k
    smallest distances read so far."""
    k = heap.size
    heap[:] = np.inf
    for other in range(summed.size):
        value = distance(summed, row, other)
        if value < heap[0]:  # replaces the largest kept, which sinks to its place
            at = 0
            while 2 * at + 1 < k:
                child = 2 * at + 1
                if child + 1 < k and heap[child + 1] > heap[child]:
                    child += 1
                if heap[child] <= value:
                    break
                heap[at] = heap[child]
                at = child
            heap[at] = value
    return heap[0]


@jit
def sort_by_distance_then_key(values: np.ndarray, keys: np.ndarray, found: np.ndarray) -> None:
    """Insertion sort, in place, of the k rows kept (k is small) by (distance, key)."""
    for at in range(1, values.size):
        value, key, other = values[at], keys[at], found[at]
        before = at - 1
        while before >= 0 and (
            values[before] > value or (values[before] == value and keys[before] > key)
        ):
            values[before + 1], keys[before + 1] = values[before], keys[before]
            found[before + 1] = found[before]
            before -= 1
        values[before + 1], keys[before + 1], found[before + 1] = value, key, other


@jit
def search(
    rows: CsrArrays,
    transposed: CsrArrays,
    start: int,
    stop: int,
    out_distances: np.ndarray,
    out_rows: np.ndarray,
) -> None:
    """The nearest rows of rows ``start`` to ``stop`` of a CSR matrix of unit rows (``rows``:
    ``indptr``, ``indices``, ``data``; ``transposed``: the same of its transpose) into
    ``out_*`` (rows from ``start``)."""
    n_rows, k = rows[0].size - 1, out_rows.shape[1]
    summed = np.zeros(n_rows)
    heap = np.empty(k)
    tied = np.empty(n_rows, dtype=np.int64)
    tied_keys = np.empty(n_rows, dtype=np.uint64)
    found = np.empty(k, dtype=np.int64)
    keys = np.empty(k, dtype=np.uint64)
    values = np.empty(k)
    for row in range(start, stop):
        sum_products(rows, transposed, row, 0, summed)
        bound = kth_smallest(summed, row, heap)
        n_below, n_tied = 0, 0
        for other in range(n_rows):
            value = distance(summed, row, other)
            summed[other] = 0.0  # ready for the next row
            if value < bound:
                found[n_below], keys[n_below] = other, pair_key(row, other)
                values[n_below] = value
                n_below += 1
            elif value == bound:
                tied[n_tied], tied_keys[n_tied] = other, pair_key(row, other)
                n_tied += 1
        needed = k - n_below  # at least 1: the bound is the k-th distance
        last = np.partition(tied_keys[:n_tied], needed - 1)[needed - 1]
        n_kept = n_below
        for at in range(n_tied):  # the tied rows of the smallest keys, as many as needed
            if tied_keys[at] <= last and n_kept < k:
                found[n_kept], keys[n_kept], values[n_kept] = tied[at], tied_keys[at], bound
                n_kept += 1
        sort_by_distance_then_key(values, keys, found)
        out_distances[row - start] = values
        out_rows[row - start] = found
