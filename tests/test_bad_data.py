"""Bad data must fail loudly: each kind of damage raises a DataError that names the
file, the row and the column, and says what was expected."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from chipbook.data import DataError, load_table, resources, validate_package


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
    assert_names(error, "articles.csv", 1, resources()["articles"].field_names[-1])  # the last column
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


# --- CSV files as spreadsheet programs save them ------------------------------------------
# Each kind is either read as the same table, or refused with one exact message.

def message_of(scratch, table: str) -> str:
    with pytest.raises(DataError) as caught:
        validate_package(scratch.folder)
    return str(caught.value).removeprefix(f"{scratch.path(table)}, ")


def rewrite(scratch, table: str, **dialect) -> None:
    rows = list(csv.reader(scratch.path(table).open(encoding="utf-8", newline="")))
    with scratch.path(table).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, **{"lineterminator": "\n", **dialect}).writerows(rows)


def assert_reads_the_same(scratch, table: str) -> None:
    pd.testing.assert_frame_equal(load_table(table, scratch.descriptor), load_table(table))


def test_byte_order_mark_is_accepted(scratch):
    path = scratch.path("articles")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Excel's "CSV UTF-8"
    assert_reads_the_same(scratch, "articles")


def test_windows_line_endings_are_accepted(scratch):
    rewrite(scratch, "evidence", lineterminator="\r\n")
    assert_reads_the_same(scratch, "evidence")


def test_quoted_numbers_are_accepted(scratch):
    rewrite(scratch, "accelerator_specs", quoting=csv.QUOTE_ALL)
    assert_reads_the_same(scratch, "accelerator_specs")


@pytest.mark.parametrize("delimiter, name", [(";", "semicolons"), ("\t", "tabs")])
def test_wrong_delimiter_is_named(scratch, delimiter, name):
    rewrite(scratch, "articles", delimiter=delimiter)
    assert message_of(scratch, "articles") == (
        f"header (line 1): the fields are separated by {name}, not commas; "
        "expected comma-separated values (in a spreadsheet, save as 'CSV UTF-8 (comma delimited)')")


@pytest.mark.parametrize("row", [10, "last"])
def test_a_byte_that_is_not_utf8_is_placed(scratch, row):
    row = len(scratch.rows("sources")) if row == "last" else row  # deep in the file, past csv's first read
    scratch.set_value("sources", row, "title", "Caf\u00e9 prices")
    path = scratch.path("sources")
    path.write_bytes(path.read_bytes().replace("Caf\u00e9".encode(), "Caf\u00e9".encode("cp1252")))
    assert message_of(scratch, "sources") == (
        f"row {row} (line {row + 1}), column 'title': byte 0xe9 is not UTF-8 text (the file was saved in "
        "another encoding, such as Windows-1252); expected the file saved as UTF-8 (in a spreadsheet, 'CSV UTF-8')")


@pytest.mark.parametrize("tail", ["\n", ",,,,,,,,\n"], ids=["empty line", "row of commas"])
def test_trailing_empty_rows_are_refused(scratch, tail):
    path = scratch.path("articles")
    path.write_text(path.read_text(encoding="utf-8") + tail, encoding="utf-8")
    assert message_of(scratch, "articles") == (
        "row 3 (line 4), column 'article_id': the row is blank (a spreadsheet may leave empty rows at the end); "
        "expected one record per line and no blank rows")


def test_trailing_empty_columns_are_refused(scratch):
    path = scratch.path("articles")
    path.write_text("".join(line + ",\n" for line in path.read_text(encoding="utf-8").splitlines()), encoding="utf-8")
    columns = ", ".join(resources()["articles"].field_names)
    last = resources()["articles"].field_names[-1]
    assert message_of(scratch, "articles") == (
        f"header (line 1): the header has 1 empty column name(s) after '{last}' (a spreadsheet left "
        f"empty columns); expected columns {columns}, and no empty columns after them")


def test_spreadsheet_dates_are_refused_with_the_iso_form(scratch):
    scratch.set_value("evidence", 5, "as_of", "21/11/2026")
    assert message_of(scratch, "evidence") == (
        "row 5 (line 6), column 'as_of': '21/11/2026' is not a valid date (a day/month/year date, as spreadsheets "
        "show dates); expected an ISO date YYYY-MM-DD, here 2026-11-21")


def test_a_month_first_date_is_called_month_day_year(scratch):
    scratch.set_value("evidence", 5, "as_of", "11/21/2026")
    assert message_of(scratch, "evidence") == (
        "row 5 (line 6), column 'as_of': '11/21/2026' is not a valid date (a month/day/year date, as spreadsheets "
        "show dates); expected an ISO date YYYY-MM-DD, here 2026-11-21")


def test_an_ambiguous_slash_date_names_both_readings(scratch):
    """05/11/2026 is 5 November to a European spreadsheet and 11 May to a US one."""
    scratch.set_value("evidence", 5, "as_of", "05/11/2026")
    assert message_of(scratch, "evidence") == (
        "row 5 (line 6), column 'as_of': '05/11/2026' is not a valid date (an ambiguous spreadsheet date: as "
        "day/month/year it is 2026-11-05, as month/day/year it is 2026-05-11); expected an ISO date YYYY-MM-DD: "
        "2026-11-05 or 2026-05-11, whichever the source means")


def test_a_date_in_no_known_form_gets_no_unrelated_example(scratch):
    scratch.set_value("evidence", 5, "as_of", "November 2026")
    assert message_of(scratch, "evidence") == (
        "row 5 (line 6), column 'as_of': 'November 2026' is not a valid date; expected an ISO date YYYY-MM-DD")


def test_an_unknown_source_id_with_no_near_miss_says_to_add_it(scratch):
    scratch.set_value("evidence", 7, "source_id", "zz-entirely-new-2026")
    assert message_of(scratch, "evidence") == (
        "row 7 (line 8), column 'source_id': 'zz-entirely-new-2026' is not a known source_id in sources.csv (if it "
        "is new, add it to sources.csv first); expected a value listed in sources.csv")


def test_messages_name_the_file_relative_to_the_repository():
    from chipbook import paths

    error = DataError(paths.DATA_DIR / "evidence.csv", "a problem", row=1, line=2, column="as_of")
    assert str(error) == "data/evidence.csv, row 1 (line 2), column 'as_of': a problem"
    assert error.file == str(paths.DATA_DIR / "evidence.csv")  # the full path stays on the error


def test_thousands_separators_are_refused(scratch):
    scratch.set_value("accelerator_specs", 1, "hbm_bandwidth_gb_s", "1,200")
    assert message_of(scratch, "accelerator_specs") == (
        "row 1 (line 2), column 'hbm_bandwidth_gb_s': '1,200' is not a valid number (it has a thousands "
        "separator); expected a number written with digits and an optional decimal point, no thousands "
        "separators, e.g. 1234.5")


def test_non_breaking_spaces_are_refused(scratch):
    scratch.set_value("sources", 3, "publisher", "Google\u00a0Cloud")
    assert message_of(scratch, "sources") == (
        "row 3 (line 4), column 'publisher': 'Google\\xa0Cloud' contains a non-breaking space (U+00A0); "
        "expected ordinary spaces (U+0020) only")


def test_one_validation_per_content(scratch, monkeypatch):
    """A validated package is not validated again: the second call reads a stamp."""
    validate_package(scratch.folder)
    monkeypatch.setattr("chipbook.data._check_schema", lambda *a: pytest.fail("validated twice"))
    validate_package(scratch.folder)
    load_table("claims", scratch.descriptor)


def test_validation_stamps_are_one_file_in_the_ignored_build_folder(scratch, tmp_path, monkeypatch):
    """One stamp file, replaced on each success, inside the repository's _build/ (which git
    ignores), not one file per validation in the system's temporary folder."""
    from chipbook import data, paths

    assert data._STAMPS.parent == paths.ROOT / "_build"
    monkeypatch.setattr(data, "_STAMPS", tmp_path / "_build" / ".chipbook-validated.json")
    validate_package(scratch.folder)
    scratch.set_value("articles", 1, "title", "A retitled article")
    validate_package(scratch.folder)  # an edit: checked again, its stamp replaced
    assert [p.name for p in data._STAMPS.parent.iterdir()] == [".chipbook-validated.json"]
    assert list(json.loads(data._STAMPS.read_text())) == [str(scratch.folder.resolve())]


def test_an_extra_column_points_to_the_schema_generator_not_the_generated_file(scratch):
    rows = scratch.rows("articles")
    scratch.write_rows("articles", [dict(r, notes="x") for r in rows], list(rows[0]) + ["notes"])
    columns = ", ".join(resources()["articles"].field_names)
    assert message_of(scratch, "articles") == (
        "header (line 1), column 'notes': the column is not in the table's schema; expected columns "
        f"{columns} (a new column goes first into scripts/make_datapackage.py; then run `make datapackage`)")
