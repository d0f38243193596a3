"""Load the book's tables from `data/`, validated against `data/datapackage.json`.

Every value is checked against its field's Table Schema type and constraints before
it reaches a chapter. A bad file raises `DataError`, which names the file, the row,
the column and what was expected. Nothing is coerced or dropped silently: the only
missing value is the empty string, and only optional fields may use it.

Frictionless (used in the tests) checks the same package against the standard; this
module exists so that chapters get typed frames and authors get errors they can act on.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import paths

_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")
_TRUE = {"true", "True", "TRUE", "1"}
_FALSE = {"false", "False", "FALSE", "0"}


class DataError(ValueError):
    """A problem in one place of one data file.

    `row` counts data rows from 1 (the header is row 0) and `line` is the line of the
    file, which is what an editor shows; both are None when the problem is the file.
    """

    def __init__(
        self,
        file: Path | str,
        problem: str,
        *,
        row: int | None = None,
        line: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ):
        self.file, self.row, self.line, self.column = str(file), row, line, column
        self.problem, self.expected = problem, expected
        where = [self.file]
        if row is not None:
            where.append("header" if row == 0 else f"row {row}")
            where[-1] += f" (line {line})" if line is not None else ""
        if column is not None:
            where.append(f"column '{column}'")
        message = ", ".join(where) + f": {problem}"
        if expected:
            message += f"; expected {expected}"
        super().__init__(message)


@dataclass(frozen=True)
class Resource:
    """One table of the data package: its name, file and Table Schema."""

    name: str
    path: Path
    schema: dict[str, Any]
    title: str = ""
    description: str = ""

    @property
    def fields(self) -> list[dict[str, Any]]:
        return self.schema["fields"]

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        key = self.schema.get("primaryKey", [])
        return [key] if isinstance(key, str) else list(key)

    @property
    def foreign_keys(self) -> list[dict[str, Any]]:
        return self.schema.get("foreignKeys", [])


def load_package(datapackage: Path | None = None) -> dict[str, Any]:
    """The parsed `datapackage.json`."""
    datapackage = Path(datapackage or paths.DATAPACKAGE)
    try:
        with datapackage.open(encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise DataError(datapackage, "the data package descriptor is missing") from None
    except json.JSONDecodeError as err:
        raise DataError(
            datapackage, f"not valid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
        ) from None


def resources(datapackage: Path | None = None) -> dict[str, Resource]:
    """Every resource of the package, by name, in the package's order."""
    datapackage = Path(datapackage or paths.DATAPACKAGE)
    package = load_package(datapackage)
    return {
        entry["name"]: Resource(
            name=entry["name"],
            path=datapackage.parent / entry["path"],
            schema=entry["schema"],
            title=entry.get("title", ""),
            description=entry.get("description", ""),
        )
        for entry in package["resources"]
    }


def load_table(name: str, datapackage: Path | None = None) -> pd.DataFrame:
    """Load the resource `name`, check every value and key, and return a typed frame."""
    return _Loader(Path(datapackage or paths.DATAPACKAGE)).load(name)


class _Loader:
    """Loads tables of one package, remembering each so that a foreign key is
    checked against a table that was itself validated."""

    def __init__(self, datapackage: Path):
        self.resources = resources(datapackage)
        self.tables: dict[str, pd.DataFrame] = {}

    def load(self, name: str) -> pd.DataFrame:
        if name not in self.resources:
            raise KeyError(
                f"no table named '{name}' in the data package; "
                f"the tables are: {', '.join(self.resources)}"
            )
        if name not in self.tables:
            resource = self.resources[name]
            frame, lines = _read_and_type(resource)
            _check_unique(resource, frame, lines)
            # Stored before its keys are checked, so a table may refer to itself.
            self.tables[name] = frame
            for foreign_key in resource.foreign_keys:
                self._check_foreign_key(resource, frame, lines, foreign_key)
        return self.tables[name]

    def _check_foreign_key(self, resource, frame, lines, foreign_key) -> None:
        fields = _as_list(foreign_key["fields"])
        target_name = foreign_key["reference"]["resource"] or resource.name
        target_fields = _as_list(foreign_key["reference"]["fields"])
        target = self.load(target_name)
        known = set(map(tuple, target[target_fields].astype(object).itertuples(index=False)))
        target_file = self.resources[target_name].path.name
        for position, values in enumerate(frame[fields].astype(object).itertuples(index=False)):
            if any(pd.isna(v) for v in values):
                continue  # an empty optional reference refers to nothing
            if tuple(values) not in known:
                shown = ", ".join(repr(v) for v in values)
                raise DataError(
                    resource.path,
                    f"{shown} is not a known {'/'.join(target_fields)} in {target_file}",
                    row=position + 1,
                    line=lines[position],
                    column=", ".join(fields),
                    expected=f"a value listed in {target_file}",
                )


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _read_and_type(resource: Resource) -> tuple[pd.DataFrame, list[int]]:
    """Read the CSV strictly and convert each column by its schema type."""
    path = resource.path
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        raise DataError(
            path,
            f"the file of table '{resource.name}' is missing",
            expected=f"a CSV at {path} (as datapackage.json says)",
        ) from None
    with handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(path, "the file is empty", row=0, line=1,
                            expected="a header row: " + ", ".join(resource.field_names)) from None
        except (csv.Error, UnicodeDecodeError) as err:
            raise DataError(path, f"unreadable header: {err}", row=0, line=1) from None
        _check_header(resource, header)
        rows, lines = [], []
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                line = (lines[-1] if lines else 1) + 1
                raise DataError(path, f"malformed CSV ({err})", row=len(rows) + 1, line=line,
                                column=header[_bad_field_index(path, line, len(header))],
                                expected='a value either plain or wholly in double quotes, '
                                         'with any quote inside doubled ("")') from None
            except UnicodeDecodeError as err:
                raise DataError(path, f"not UTF-8 text: {err}", row=len(rows) + 1) from None
            if not record:
                raise DataError(path, "blank line inside the table", row=len(rows) + 1,
                                line=reader.line_num, column=header[0],
                                expected="one record per line, no blank lines")
            if len(record) != len(header):
                column = header[len(record)] if len(record) < len(header) else header[-1]
                problem = (f"{len(record)} fields where the header has {len(header)}"
                           + (f"; the row ends before '{column}'" if len(record) < len(header)
                              else f"; extra fields after '{column}' (an unquoted comma?)"))
                raise DataError(path, problem, row=len(rows) + 1, line=reader.line_num,
                                column=column, expected=f"{len(header)} comma-separated fields")
            rows.append(record)
            lines.append(reader.line_num)

    columns = {}
    for index, field in enumerate(resource.fields):
        raw = [record[index] for record in rows]
        columns[field["name"]] = _typed_column(resource, field, raw, lines)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows))), lines


def _bad_field_index(path: Path, line: int, width: int) -> int:
    """The field of `line` where the quoting goes wrong: the first that holds a quote
    without being wholly quoted, or that never closes its quote."""
    text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    index, position = 0, 0
    while position <= len(text):
        if text.startswith('"', position):
            end = position + 1
            while True:
                end = text.find('"', end)
                if end == -1:
                    return min(index, width - 1)  # the quote never closes
                if text.startswith('""', end):
                    end += 2
                    continue
                break
            if end + 1 < len(text) and text[end + 1] != ",":
                return min(index, width - 1)  # text after the closing quote
            position = end + 2
        else:
            comma = text.find(",", position)
            field = text[position:] if comma == -1 else text[position:comma]
            if '"' in field:
                return min(index, width - 1)
            if comma == -1:
                break
            position = comma + 1
        index += 1
    return width - 1


def _check_header(resource: Resource, header: list[str]) -> None:
    expected = resource.field_names
    if header == expected:
        return
    seen = set()
    for name in header:
        if name in seen:
            raise DataError(resource.path, "the column appears twice in the header",
                            row=0, line=1, column=name)
        seen.add(name)
    for name in expected:
        if name not in header:
            raise DataError(resource.path, "the column is missing from the header",
                            row=0, line=1, column=name,
                            expected="columns " + ", ".join(expected))
    for name in header:
        if name not in expected:
            raise DataError(resource.path, "the column is not in the table's schema",
                            row=0, line=1, column=name,
                            expected="columns " + ", ".join(expected)
                            + " (add new columns to datapackage.json first)")
    raise DataError(resource.path, "the columns are in a different order from the schema",
                    row=0, line=1, column=next(h for h, e in zip(header, expected) if h != e),
                    expected="columns in this order: " + ", ".join(expected))


def _typed_column(resource: Resource, field: dict, raw: list[str], lines: list[int]) -> pd.Series:
    kind = field.get("type", "string")
    constraints = field.get("constraints", {})
    values: list[Any] = []
    for position, text in enumerate(raw):
        def fail(problem: str, expected: str | None = None):
            raise DataError(resource.path, problem, row=position + 1, line=lines[position],
                            column=field["name"], expected=expected)

        if text == "":
            if constraints.get("required"):
                fail("the value is blank but the column is required",
                     f"a {kind}" + (f" such as {field['example']}" if "example" in field else ""))
            values.append(None)
            continue
        if text != text.strip():
            fail(f"{text!r} has spaces at its start or end", "the value without surrounding spaces")
        value = _parse(kind, text, field)
        if value is _INVALID:
            fail(f"{text!r} is not a valid {kind}", _TYPE_HELP.get(kind, kind))
        problem = _constraint_problem(value, text, constraints)
        if problem:
            fail(*problem)
        values.append(value)
    return _series(kind, values)


_INVALID = object()
_TYPE_HELP = {
    "integer": "a whole number written with digits only, e.g. 42",
    "number": "a number written with digits and an optional decimal point, e.g. 197.5",
    "date": "an ISO date YYYY-MM-DD, e.g. 2024-11-22",
    "year": "a four-digit year, e.g. 2024",
    "boolean": "true or false",
}


def _parse(kind: str, text: str, field: dict) -> Any:
    if kind == "string":
        return text
    if kind == "integer":
        return int(text) if _INTEGER.fullmatch(text) else _INVALID
    if kind == "number":
        return float(text) if _NUMBER.fullmatch(text) else _INVALID
    if kind == "year":
        return int(text) if _YEAR.fullmatch(text) else _INVALID
    if kind == "date":
        if not _DATE.fullmatch(text):
            return _INVALID
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return _INVALID
    if kind == "boolean":
        true_values = set(field.get("trueValues", _TRUE))
        false_values = set(field.get("falseValues", _FALSE))
        return True if text in true_values else False if text in false_values else _INVALID
    raise ValueError(f"field '{field['name']}' has type '{kind}', which this loader does not handle")


def _constraint_problem(value: Any, text: str, constraints: dict) -> tuple[str, str] | None:
    if "enum" in constraints and text not in constraints["enum"] and value not in constraints["enum"]:
        return f"{text!r} is not an allowed value", "one of: " + ", ".join(map(str, constraints["enum"]))
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], text):
        return (f"{text!r} does not match the column's pattern",
                f"text matching {constraints['pattern']}")
    if "minimum" in constraints and value < _bound(constraints["minimum"], value):
        return f"{text} is below the minimum", f"at least {constraints['minimum']}"
    if "maximum" in constraints and value > _bound(constraints["maximum"], value):
        return f"{text} is above the maximum", f"at most {constraints['maximum']}"
    if "minLength" in constraints and len(text) < constraints["minLength"]:
        return "the text is too short", f"at least {constraints['minLength']} characters"
    if "maxLength" in constraints and len(text) > constraints["maxLength"]:
        return f"the text is {len(text)} characters long", f"at most {constraints['maxLength']} characters"
    return None


def _bound(bound: Any, value: Any) -> Any:
    return dt.date.fromisoformat(bound) if isinstance(value, dt.date) else bound


def _series(kind: str, values: list[Any]) -> pd.Series:
    if kind in ("integer", "year"):
        return pd.Series(values, dtype="Int64" if None in values else "int64")
    if kind == "number":
        return pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
    if kind == "date":
        return pd.to_datetime(pd.Series(values, dtype="object"))
    if kind == "boolean":
        return pd.Series(values, dtype="boolean")
    return pd.Series(values, dtype="object")


def _check_unique(resource: Resource, frame: pd.DataFrame, lines: list[int]) -> None:
    keys = [resource.primary_key] if resource.primary_key else []
    keys += [[f["name"]] for f in resource.fields if f.get("constraints", {}).get("unique")]
    for key in keys:
        first_seen: dict[tuple, int] = {}
        for position, values in enumerate(frame[key].astype(object).itertuples(index=False)):
            if any(pd.isna(v) for v in values):
                if key == resource.primary_key:
                    raise DataError(resource.path, "a primary-key value is blank",
                                    row=position + 1, line=lines[position], column=", ".join(key))
                continue
            if values in first_seen:
                earlier = first_seen[values]
                raise DataError(
                    resource.path,
                    f"{', '.join(map(repr, values))} repeats the key of row {earlier + 1} "
                    f"(line {lines[earlier]})",
                    row=position + 1, line=lines[position], column=", ".join(key),
                    expected="each key to appear once",
                )
            first_seen[values] = position
