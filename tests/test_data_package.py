"""The data package passes the book's one validator (Frictionless, behind
chipbook.data.validate_package) and every table loads typed. That the descriptor is what
scripts/make_datapackage.py writes, that every CSV is described, every column described
and every table sourced are `make check`'s rules (chipbook.data, chipbook.table_rules),
broken one by one in tests/test_table_rules.py."""

from __future__ import annotations

import pytest

from chipbook.data import load_table, resources, validate_package

RESOURCES = resources()


def test_package_is_valid():
    validate_package()  # raises DataError naming the first problem


@pytest.mark.parametrize("name", list(RESOURCES))
def test_table_loads_typed(name):
    frame = load_table(name)
    assert list(frame.columns) == RESOURCES[name].field_names
    for field in RESOURCES[name].fields:
        kind = str(frame[field["name"]].dtype)
        expected = {"date": "datetime64[s]", "number": "float64", "boolean": "boolean"}.get(field["type"])
        if expected:
            assert kind == expected, (name, field["name"], kind)
