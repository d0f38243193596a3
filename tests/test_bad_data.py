"""Bad data must fail loudly: each kind of damage raises a DataError that names the
file, the row and the column, and says what was expected."""

from __future__ import annotations

import pytest

from chipbook.data import DataError, load_table


def load_error(scratch, table: str) -> DataError:
    with pytest.raises(DataError) as caught:
        load_table(table, scratch.descriptor)
    return caught.value


def assert_names(error: DataError, file: str, row: int, column: str) -> None:
    message = str(error)
    assert error.file.endswith(file) and file in message, message
    assert error.row == row, message
    assert (f"row {row}" if row else "header") in message, message
    assert error.column == column and f"column '{column}'" in message, message
    assert error.expected and "expected" in message, message


def test_wrong_type(scratch):
    scratch.set_value("sources", 3, "date_published", "March 2024")
    error = load_error(scratch, "sources")
    assert_names(error, "sources.csv", 3, "date_published")
    assert "YYYY-MM-DD" in str(error)


def test_impossible_date(scratch):
    scratch.set_value("evidence", 5, "as_of", "2025-02-30")
    assert_names(load_error(scratch, "evidence"), "evidence.csv", 5, "as_of")


def test_missing_column(scratch):
    rows = scratch.rows("claims")
    fields = [f for f in rows[0] if f != "verdict"]
    scratch.write_rows("claims", [{f: r[f] for f in fields} for r in rows], fields)
    error = load_error(scratch, "claims")
    assert_names(error, "claims.csv", 0, "verdict")
    assert "missing" in str(error)


def test_unknown_source_id(scratch):
    scratch.set_value("evidence", 7, "source_id", "no-such-source-2024")
    error = load_error(scratch, "evidence")
    assert_names(error, "evidence.csv", 7, "source_id")
    assert "'no-such-source-2024'" in str(error) and "sources.csv" in str(error)


def test_unknown_claim_id(scratch):
    scratch.set_value("evidence", 2, "claim_id", "A1-99")
    assert_names(load_error(scratch, "evidence"), "evidence.csv", 2, "claim_id")


def test_blank_source_id(scratch):
    scratch.set_value("evidence", 4, "source_id", "")
    error = load_error(scratch, "evidence")
    assert_names(error, "evidence.csv", 4, "source_id")
    assert "blank" in str(error) and "required" in str(error)


def test_duplicate_key(scratch):
    rows = scratch.rows("claims")
    rows[10]["claim_id"] = rows[3]["claim_id"]
    scratch.write_rows("claims", rows)
    error = load_error(scratch, "claims")
    assert_names(error, "claims.csv", 11, "claim_id")
    assert "row 4" in str(error)  # points back at the first use of the key


def test_value_outside_allowed_set(scratch):
    scratch.set_value("claims", 6, "verdict", "mostly true")
    error = load_error(scratch, "claims")
    assert_names(error, "claims.csv", 6, "verdict")
    assert "partly supported" in str(error)  # lists the allowed verdicts


def test_pattern_violation(scratch):
    scratch.set_value("sources", 2, "url", "www.example.com/no-scheme")
    assert_names(load_error(scratch, "sources"), "sources.csv", 2, "url")


def test_malformed_row_with_extra_field(scratch):
    line = scratch.path("articles").read_text(encoding="utf-8").splitlines()[1]
    scratch.replace_line("articles", 2, line + ",stray")
    error = load_error(scratch, "articles")
    assert_names(error, "articles.csv", 1, "latest_source_id")
    assert "unquoted comma" in str(error) and error.line == 2


def test_malformed_row_with_short_record(scratch):
    scratch.replace_line("articles", 3, "A2,Some title")
    error = load_error(scratch, "articles")
    assert_names(error, "articles.csv", 2, "publisher")  # the first column the row lacks


def test_malformed_quoting(scratch):
    line = scratch.path("articles").read_text(encoding="utf-8").splitlines()[1]
    article_id, title, _publisher, rest = line.split(",", 3)
    # Text after a closing quote: the third field's quoting is broken.
    scratch.replace_line("articles", 2, f'{article_id},{title},"Draft" Publish,{rest}')
    error = load_error(scratch, "articles")
    assert error.row == 1 and error.column == "publisher", str(error)
    assert "articles.csv" in str(error) and "quotes" in str(error)


def test_surrounding_spaces(scratch):
    scratch.set_value("evidence", 3, "confidence", "high ")
    assert_names(load_error(scratch, "evidence"), "evidence.csv", 3, "confidence")


def test_missing_file(scratch):
    scratch.path("evidence").unlink()
    error = load_error(scratch, "evidence")
    # A missing file has no rows or columns to name; the error names the file and
    # where the data package says it should be.
    assert error.file.endswith("evidence.csv") and error.row is None and error.column is None
    assert "missing" in str(error) and "datapackage.json" in str(error)


def test_bad_rows_are_not_dropped(scratch):
    """The loader never skips a row it cannot read: a damaged row late in the file
    still fails the load."""
    last = len(scratch.rows("evidence"))
    scratch.set_value("evidence", last, "stance", "agrees")
    assert_names(load_error(scratch, "evidence"), "evidence.csv", last, "stance")


def test_referenced_table_is_validated_too(scratch):
    """Loading evidence checks the sources it points to, so a broken sources.csv
    is reported even when only evidence was asked for."""
    scratch.set_value("sources", 1, "kind", "blog")
    assert_names(load_error(scratch, "evidence"), "sources.csv", 1, "kind")
