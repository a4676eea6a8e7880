"""Loaded by pytest before the tests and their imports: the package comes first, so that NumPy
takes the linear algebra kernels it pins (see ``analysis/__init__.py``)."""

import analysis  # noqa: F401
