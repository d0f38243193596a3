"""Fixture tables for the models' tests: small CSVs under tests/fixtures/<module>/, laid out
like the tables of data/ and typed by their schema, so a model's hand-worked answers stay
true whatever an author does to data/."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from chipbook.data import typed_csv

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(module: str, table: str) -> pd.DataFrame:
    """tests/fixtures/<module>/<table>.csv, typed as chipbook.load_table(<table>) would be."""
    return typed_csv(FIXTURES / module / f"{table}.csv", table)
