"""The theme methods a :class:`ThemeModel` can use, by the name analysts give them.

Adding a method is one :class:`~analysis.themes.base.ThemeEstimator` subclass and one entry here.
"""

from __future__ import annotations

from typing import Literal

from analysis.themes.base import ThemeEstimator
from analysis.themes.kmeans import KMeansThemes
from analysis.themes.nmf import NMFThemes
from analysis.themes.reinert import ReinertThemes
from analysis.themes.spectral import SpectralThemes

Method = Literal["nmf", "reinert", "kmeans", "spectral"]
METHODS: dict[str, type[ThemeEstimator]] = {
    "nmf": NMFThemes,
    "reinert": ReinertThemes,
    "kmeans": KMeansThemes,
    "spectral": SpectralThemes,
}
