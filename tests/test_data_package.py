"""The data package passes the book's one validator (Frictionless, behind
chipbook.data.validate_package), is complete, is generated from its script, and every
table loads typed."""

from __future__ import annotations

import importlib.util

import pytest

from chipbook import paths
from chipbook.data import load_table, resources, validate_package

RESOURCES = resources()


def test_package_is_valid():
    validate_package()  # raises DataError naming the first problem


def test_descriptor_is_what_the_script_generates():
    spec = importlib.util.spec_from_file_location("make_datapackage", paths.ROOT / "scripts" / "make_datapackage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert paths.DATAPACKAGE.read_text(encoding="utf-8") == module.render(), (
        "data/datapackage.json differs from scripts/make_datapackage.py: run `make datapackage`"
    )


def test_every_csv_is_described_and_every_resource_exists():
    on_disk = {p.name for p in paths.DATA_DIR.glob("*.csv")}
    described = {r.path.name for r in RESOURCES.values()}
    assert on_disk == described, f"not in datapackage.json: {on_disk - described}; missing files: {described - on_disk}"


@pytest.mark.parametrize("name", list(RESOURCES))
def test_table_loads_and_is_not_empty(name):
    frame = load_table(name)
    assert len(frame) > 0
    assert list(frame.columns) == RESOURCES[name].field_names


# Tables of the book's own decisions rather than of facts: a verdict change rests on the
# claim's evidence rows, which point at sources, and the verdict rules are the book's method;
# which claims an open question bears on is the book's judgement (the question itself
# names its nearest evidence).
BOOK_DECISIONS = {"sources", "verdict_history", "verdict_rules", "open_question_claims"}


@pytest.mark.parametrize("name", [n for n in RESOURCES if n not in BOOK_DECISIONS])
def test_every_row_points_at_a_source(name):
    resource = RESOURCES[name]
    source_columns = [fk["fields"] for fk in resource.foreign_keys if fk["reference"]["resource"] == "sources"]
    assert source_columns, f"{name} has no foreign key to sources"
    for column in source_columns:
        field = next(f for f in resource.fields if f["name"] == column)
        assert field.get("constraints", {}).get("required"), f"{name}.{column} must be required"


@pytest.mark.parametrize("name", list(RESOURCES))
def test_every_field_is_described(name):
    for field in RESOURCES[name].fields:
        assert len(field.get("description", "")) > 10, f"{name}.{field['name']} needs a description"
