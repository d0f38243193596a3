"""Shared fixtures: a scratch copy of the data package that a test may break."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from chipbook import paths


class ScratchPackage:
    """A copy of data/ in a temporary folder, with helpers to damage one file."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.descriptor = folder / "datapackage.json"

    def path(self, table: str) -> Path:
        return self.folder / f"{table}.csv"

    def rows(self, table: str) -> list[dict[str, str]]:
        with self.path(table).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def write_rows(self, table: str, rows: list[dict[str, str]], fields: list[str] | None = None) -> None:
        fields = fields or list(rows[0])
        with self.path(table).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def set_value(self, table: str, row: int, column: str, value: str) -> None:
        """Set data row `row` (1-based, as DataError counts) of `column` to `value`."""
        rows = self.rows(table)
        rows[row - 1][column] = value
        self.write_rows(table, rows)

    def replace_line(self, table: str, line: int, text: str) -> None:
        lines = self.path(table).read_text(encoding="utf-8").splitlines()
        lines[line - 1] = text
        self.path(table).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def scratch(tmp_path: Path) -> ScratchPackage:
    shutil.copytree(paths.DATA_DIR, tmp_path / "data")
    return ScratchPackage(tmp_path / "data")


def pytest_sessionstart(session):
    """Check data/ once, before any test is collected: a bad value stops the run with one
    clear message instead of failing every test that loads a table."""
    from chipbook.check import check_rules
    from chipbook.data import DataError, validate_package

    try:
        validate_package()
        check_rules()
    except DataError as err:
        pytest.exit(f"data/ is invalid, so no test ran: {err}", returncode=3)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the browser check's counts, so a CI log shows what was checked."""
    from site_pages import BROWSER_SUMMARY

    for line in config.stash.get(BROWSER_SUMMARY, []):
        terminalreporter.write_line(line)
