"""The compiled part of :func:`analysis.tracing.distances.average_linkage` (Numba, imported on
first use): average linkage by nearest-neighbour chains, in the condensed vector itself."""

from __future__ import annotations

import numpy as np

from analysis.compiled import jit


@jit
def _pair(n_rows: int, first: int, second: int) -> int:
    """The place of the pair (``first``, ``second``) in a condensed vector of ``n_rows``."""
    if first > second:
        first, second = second, first
    return n_rows * first - first * (first + 1) // 2 + second - first - 1


@jit
def chain_merges(distances: np.ndarray, n_rows: int, merges: np.ndarray) -> None:
    """Write into ``merges`` (``n_rows - 1`` rows) the merges of average linkage, in the order
    the chains find them: the two clusters (the smaller index first; a merged cluster keeps
    the larger one's index), their distance and the merged cluster's size.

    The chain grows from a cluster to its nearest one (the first of the nearest in index
    order; the one before it in the chain when as near, so that the chain cannot cycle) until
    two clusters are each other's nearest: they are merged, and the distance from any other
    cluster to the merged one becomes the average of its distances to both, weighted by their
    sizes. ``distances`` (condensed) is overwritten."""
    size = np.ones(n_rows, dtype=np.int64)
    chain = np.empty(n_rows, dtype=np.int64)
    length = 0
    for step in range(n_rows - 1):
        if length == 0:
            for row in range(n_rows):
                if size[row] > 0:
                    chain[0] = row
                    break
            length = 1
        while True:
            current = chain[length - 1]
            nearest = -1
            best = np.inf
            if length > 1:
                nearest = chain[length - 2]
                best = distances[_pair(n_rows, current, nearest)]
            for row in range(n_rows):
                if size[row] == 0 or row == current:
                    continue
                distance = distances[_pair(n_rows, current, row)]
                if distance < best:
                    best = distance
                    nearest = row
            if length > 1 and nearest == chain[length - 2]:
                break
            chain[length] = nearest
            length += 1
        length -= 2
        low, high = min(current, nearest), max(current, nearest)
        n_low, n_high = size[low], size[high]
        merges[step, 0] = low
        merges[step, 1] = high
        merges[step, 2] = best
        merges[step, 3] = n_low + n_high
        size[low] = 0
        size[high] = n_low + n_high
        for row in range(n_rows):
            if size[row] == 0 or row == high:
                continue
            to_high = _pair(n_rows, row, high)
            distances[to_high] = (
                n_low * distances[_pair(n_rows, row, low)] + n_high * distances[to_high]
            ) / (n_low + n_high)


@jit
def _root(parent: np.ndarray, node: int) -> int:
    """The cluster that ``node`` is part of now, its path shortened for the next search."""
    root = node
    while parent[root] != root:
        root = parent[root]
    while parent[node] != root:
        parent[node], node = root, parent[node]
    return root


@jit
def number_merges(merges: np.ndarray, n_rows: int) -> None:
    """Give the merges (sorted by distance) SciPy's names: the rows are clusters 0 to
    ``n_rows - 1``, the cluster made by merge ``i`` is ``n_rows + i``; each merge names its
    two clusters, the smaller name first, and counts the rows of the merged one."""
    parent = np.arange(2 * n_rows - 1)
    size = np.ones(2 * n_rows - 1, dtype=np.int64)
    for step in range(n_rows - 1):
        first = _root(parent, np.int64(merges[step, 0]))
        second = _root(parent, np.int64(merges[step, 1]))
        low, high = min(first, second), max(first, second)
        merged = n_rows + step
        parent[low] = parent[high] = merged
        size[merged] = size[low] + size[high]
        merges[step, 0] = low
        merges[step, 1] = high
        merges[step, 3] = size[merged]
