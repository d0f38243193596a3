"""Shared plumbing for the book: paths, validated data loading, the chart theme and
the ledger tables. Chapters import it in one hidden setup cell.

Submodules load on first use, so `python -m chipbook.check` does not import Altair."""

import importlib

from . import paths
from .data import DataError, load_table

__all__ = ["charts", "data", "ledger", "paths", "DataError", "load_table"]


def __getattr__(name: str):
    if name in ("charts", "ledger", "data", "appendix", "check", "vocabulary"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'chipbook' has no attribute {name!r}")
