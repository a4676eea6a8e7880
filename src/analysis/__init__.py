"""Concertation workbook: themes, obstacles and proposals across French concertations."""

__version__ = "0.1.0"
