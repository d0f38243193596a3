"""Shared plumbing for the book: paths, validated data loading, the chart theme and
the ledger tables. Chapters import it in one hidden setup cell."""

from . import charts, data, ledger, paths
from .data import DataError, load_table

__all__ = ["charts", "data", "ledger", "paths", "DataError", "load_table"]
