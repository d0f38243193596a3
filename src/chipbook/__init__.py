"""Shared plumbing for the book: paths, validated data loading, the chart theme and
the ledger tables. Chapters import it in one hidden setup cell.

Submodules load on first use, so `python -m chipbook.check` does not import Altair."""

import importlib
import warnings

# Python hides DeprecationWarnings raised outside __main__; the book's own code (and the
# library calls it makes, which warn at its frames) must show them, so that the executor,
# which fails a chapter on any stderr output, catches them before they break next year.
warnings.filterwarnings("default", category=DeprecationWarning, module=r"chipbook(\.|$)")

from . import paths
from .data import DataError, load_table

__all__ = ["charts", "data", "ledger", "paths", "DataError", "load_table"]


def __getattr__(name: str):
    if name in ("charts", "ledger", "data", "appendix", "check", "vocabulary"):
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'chipbook' has no attribute {name!r}")
