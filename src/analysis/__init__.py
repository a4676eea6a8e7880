"""Concertation workbook: themes, obstacles and proposals across French concertations."""

import os
import platform
from pathlib import Path

__version__ = "0.1.0"

# OpenBLAS, NumPy's and SciPy's linear algebra, picks its kernels by processor when NumPy is first
# imported: the machine the shipped model was first made on took AVX-512 kernels, an AMD EPYC
# takes Haswell ones, which sum in another order, so the function model and the themes differed
# in their last digits from one machine to the other. The same kernels on every x86-64 machine
# with AVX2 keep the reports, the packaged model and the notebooks' outputs identical from a
# machine to the next (the Makefile sets the same, for notebooks that import pandas before this
# package).
_BLAS_KERNELS = "Haswell"


def _has_avx2() -> bool:
    """Whether the processor has the instructions of :data:`_BLAS_KERNELS` (Linux only: read
    from /proc/cpuinfo; elsewhere OpenBLAS keeps its own choice)."""
    if platform.machine().lower() not in {"x86_64", "amd64"}:
        return False
    try:
        with Path("/proc/cpuinfo").open(encoding="utf-8", errors="replace") as lines:
            flags = next((line for line in lines if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "avx2" in flags and "fma" in flags


if "OPENBLAS_CORETYPE" not in os.environ and _has_avx2():
    os.environ["OPENBLAS_CORETYPE"] = _BLAS_KERNELS
