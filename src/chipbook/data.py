"""The book's tables from `data/`: validated once against `data/datapackage.json`,
then loaded as typed frames.

`validate_package()` checks the whole package in two passes and stops at the first
problem with a `DataError` naming the file, row, line, column and what was expected:

0. every CSV in `data/` is described in the package (a table without a schema would
   never be checked);
1. the files as files, which Table Schema does not describe: UTF-8 text (a byte-order
   mark is accepted), commas between fields, well-formed quoting, no spaces around a
   value and no non-breaking spaces;
2. every Table Schema rule (types, constraints, header, primary, unique and foreign
   keys) by Frictionless, whose errors are reworded here into the book's messages, with a
   "did you mean" for a near-miss and a pattern explained in words
   (`vocabulary.PATTERN_WORDS`);
3. derived columns: a field whose schema states a `chipbook:formula` holds, on every
   row, the value of that formula of the row's other columns (`chipbook.expressions`),
   rounded to `chipbook:decimals` places where stated.

A success is remembered in one stamp file in the repository's ignored build folder
(`_build/.chipbook-validated.json`: per data folder, a hash per table of the files and of
this module), so a build or a test run pays for it once. `load_table()` calls
it, then reads the CSV with pandas and converts each column by its schema type; it
never checks a rule itself.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.metadata
import io
import json
import re
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths

if TYPE_CHECKING:
    import pandas as pd

# Properties the book adds to a Table Schema field or resource (Table Schema allows custom
# properties; Frictionless ignores them). scripts/make_datapackage.py writes them; this
# module and chipbook.check enforce them.
FORMULA = "chipbook:formula"  # field: the column is this expression of the row's other columns
DECIMALS = "chipbook:decimals"  # field: ... rounded to this many decimals
NOT_AFTER = "chipbook:notAfter"  # date field: the latest date allowed (see NOT_AFTER_RULES)
QUOTES = "chipbook:quotes"  # text field: may quote other tables' values with {placeholders} (chipbook.quotes)
SOURCED = "chipbook:sourced"  # resource: false for tables of the book's own decisions, which cite no source
# What a date field's NOT_AFTER may say; a date field without it gets the first.
NOT_AFTER_RULES = {
    "evidence date": "no later than the book's evidence date (the latest accessed date in sources.csv)",
    "today": "no later than today",
    "no limit": "any date (a forecast or target may lie in the future)",
}

def suggest(value: str, candidates, cutoff: float = 0.75) -> str:
    """A "did you mean" for a value that is not among `candidates`: the one that differs
    only in case (or in spaces, underscores and hyphens), else the closest by difflib.
    Returns " (did you mean 'x'?)"-style text, or "" when nothing is close."""
    import difflib

    candidates = [str(c) for c in dict.fromkeys(candidates) if c not in ("", None)]

    def plain(text: str) -> str:
        return re.sub(r"[\s_-]+", "-", text.strip().lower())

    same = [c for c in candidates if plain(c) == plain(value) and c != value]
    if same:
        how = "case" if same[0].lower() == value.lower() else "case, spaces or hyphens"
        return f" (did you mean '{same[0]}'? It differs only in {how})"
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""


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
        where = [_shown_path(file)]
        if row is not None:
            where.append("header" if row == 0 else f"row {row}")
            where[-1] += f" (line {line})" if line is not None else ""
        if column is not None:
            where.append(f"column '{column}'")
        message = ", ".join(where) + f": {problem}"
        if expected:
            message += f"; expected {expected}"
        super().__init__(message)


def _shown_path(file: Path | str) -> str:
    """A file as the docs show it: relative to the repository (data/x.csv) when it is inside
    it, else as given (a test's temporary package)."""
    try:
        return Path(file).resolve().relative_to(paths.ROOT).as_posix()
    except (ValueError, OSError):
        return str(file)


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
        raise DataError(datapackage, "the data package descriptor is missing",
                        expected="the file `make datapackage` writes from scripts/make_datapackage.py") from None
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


_DERIVED_CACHES: list = []


def cached_per_process(function):
    """functools.lru_cache for what is read or derived from the data package once per
    process (a build, a kernel, a test run); `clear_caches()` empties every such cache, for
    a test that points `paths.DATAPACKAGE` at another package."""
    cached = functools.lru_cache(maxsize=None)(function)
    _DERIVED_CACHES.append(cached)
    return cached


def clear_caches() -> None:
    for cached in _DERIVED_CACHES:
        cached.cache_clear()


def load_table(name: str, datapackage: Path | None = None) -> pd.DataFrame:
    """The resource `name` as a frame: strings as text (a blank optional value is None;
    a column whose schema says `chipbook:quotes` has its placeholders filled, see
    chipbook.quotes),
    integer and year columns as int64 (Int64 when some are blank), numbers as float64,
    dates as datetime64, booleans as boolean. Validates the whole package first (once;
    see `validate_package`), so it raises the package's first `DataError` if any."""
    import pandas as pd  # imported here, so `python -m chipbook.check` starts without it

    datapackage = Path(datapackage or paths.DATAPACKAGE)
    with paths.unrecorded():  # not this chapter's inputs: see chipbook.paths.record_inputs
        validate_package(datapackage.parent)
    found = resources(datapackage)
    if name not in found:
        raise KeyError(f"no table named '{name}' in the data package; the tables are: {', '.join(found)}")
    resource = found[name]
    frame = pd.read_csv(resource.path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    typed = pd.DataFrame({f["name"]: _typed(f, frame[f["name"]]) for f in resource.fields},
                         index=pd.RangeIndex(len(frame)))
    quoting = [f["name"] for f in resource.fields if f.get(QUOTES)]
    if quoting:  # the text a reader sees: placeholders filled from the tables they quote
        from .quotes import Tables, filled_column

        tables = Tables(datapackage)
        for column in quoting:
            typed[column] = pd.Series(filled_column(name, column, datapackage, tables), index=typed.index,
                                      dtype=object)
    return typed


def typed_csv(path: Path | str, name: str, datapackage: Path | None = None) -> pd.DataFrame:
    """A CSV laid out like the table `name` (any of its columns, in any order), typed by that
    table's schema as `load_table` types it, without validation or placeholders: for the
    models' test fixtures (tests/fixtures/<module>/<name>.csv). Raises KeyError for a column
    the table does not have."""
    import pandas as pd

    fields = {f["name"]: f for f in resources(datapackage)[name].fields}
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    unknown = [c for c in frame.columns if c not in fields]
    if unknown:
        raise KeyError(f"{path}: columns {unknown} are not columns of the table '{name}'")
    return pd.DataFrame({c: _typed(fields[c], frame[c]) for c in frame.columns}, index=pd.RangeIndex(len(frame)))


def _typed(field: dict, text: pd.Series) -> pd.Series:
    import pandas as pd

    blank = text == ""
    kind = field.get("type", "string")
    if kind in ("integer", "year"):
        return pd.to_numeric(text.mask(blank)).astype("Int64" if blank.any() else "int64")
    if kind == "number":
        return pd.to_numeric(text.mask(blank)).astype("float64")
    if kind == "date":
        return pd.to_datetime(text.mask(blank), format="%Y-%m-%d").astype("datetime64[s]")
    if kind == "boolean":
        values = {v: True for v in field.get("trueValues", ["true", "True", "TRUE", "1"])}
        values |= {v: False for v in field.get("falseValues", ["false", "False", "FALSE", "0"])}
        return text.mask(blank).map(values).astype("boolean")
    return text.astype(object).mask(blank, None)


def rows(name: str, datapackage: Path | None = None, validate: bool = True) -> list[dict[str, str]]:
    """The data rows of a validated table as text, with `_row` (from 1) and `_line` (the
    file line the row starts on): for checks that must not wait for pandas to import.
    `validate=False` skips the package's validation (a hash of every file), for a caller
    that has just run `validate_package` itself and reads many tables."""
    datapackage = Path(datapackage or paths.DATAPACKAGE)
    if validate:
        with paths.unrecorded():  # not this chapter's inputs: see chipbook.paths.record_inputs
            validate_package(datapackage.parent)
    resource = resources(datapackage)[name]
    text = resource.path.read_text(encoding="utf-8-sig")
    records, starts = _records(resource, text)
    header = records[0]
    return [dict(zip(header, record), _row=row, _line=line)
            for row, (record, line) in enumerate(zip(records[1:], starts[1:]), start=1)]


# --- validation ----------------------------------------------------------------------------

_STAMPS = paths.ROOT / "_build" / ".chipbook-validated.json"
_OTHER_FOLDERS = 8  # data folders besides the book's whose stamps are kept (tests' scratch copies)


def validate_package(data_dir: Path | str | None = None) -> None:
    """Check every table of the package in `data_dir` (default: the book's `data/`);
    raise `DataError` for the first problem, in the package's order of tables.

    Each table's success is remembered by a hash of what its validity depends on (this
    module, the Frictionless version, the package's and the table's descriptor, its file
    and the files its foreign keys point at), so a second call costs a hash
    (milliseconds) and, after an edit, only the edited tables and those that refer to
    them are checked again. The hashes live in one file, `_STAMPS` (ignored by git), holding
    the current hashes of each data folder still on disk, replaced whole on each success."""
    descriptor = Path(data_dir or paths.DATA_DIR) / "datapackage.json"
    found = resources(descriptor)
    _check_every_csv_described(descriptor, found)
    stamps = _fingerprints(descriptor, found)
    folder = str(descriptor.parent.resolve())
    known = _read_stamps().get(folder, {})
    stale = [name for name in found if known.get(name) != stamps[name]]
    if not stale:
        return
    lines = {name: _check_file(found[name]) for name in stale}
    _check_schema(descriptor, found, stale, lines)
    for name in stale:
        _check_formulas(found[name], lines[name])
    # Keep the book's data folder and the few latest others still on disk (a test's copies).
    book = str(paths.DATA_DIR.resolve())
    current = _read_stamps()
    others = [(f, s) for f, s in current.items() if f not in (folder, book) and Path(f).is_dir()]
    _write_stamps({f: s for f, s in current.items() if f == book} | dict(others[-_OTHER_FOLDERS:]) | {folder: stamps})


def _read_stamps() -> dict[str, dict[str, str]]:
    try:
        found = json.loads(_STAMPS.read_text(encoding="utf-8"))
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_stamps(stamps: dict[str, dict[str, str]]) -> None:
    """Replace the stamp file whole (a temporary file renamed over it), so processes that
    validate at once never read half a file; the last writer wins, and a lost entry only
    costs one more validation."""
    try:
        _STAMPS.parent.mkdir(parents=True, exist_ok=True)
        partial = _STAMPS.with_name(f"{_STAMPS.name}.{os.getpid()}")
        partial.write_text(json.dumps(stamps), encoding="utf-8")
        os.replace(partial, _STAMPS)
    except OSError:  # a read-only checkout: validate again next time
        pass


def _fingerprints(descriptor: Path, found: dict[str, Resource]) -> dict[str, str]:
    """A hash per table of everything its validity depends on."""
    package = load_package(descriptor)
    entries = {entry["name"]: entry for entry in package["resources"]}
    common = (Path(__file__).read_bytes() + (Path(__file__).parent / "expressions.py").read_bytes()
              + (Path(__file__).parent / "vocabulary.py").read_bytes()
              + importlib.metadata.version("frictionless").encode()
              + json.dumps({k: v for k, v in package.items() if k != "resources"}, sort_keys=True).encode())
    contents = {name: r.path.read_bytes() if r.path.exists() else b"missing" for name, r in found.items()}
    stamps = {}
    for name, resource in found.items():
        digest = hashlib.sha256(common)
        targets = {fk["reference"]["resource"] or name for fk in resource.foreign_keys}
        for part in sorted({name} | (targets & set(found))):
            digest.update(json.dumps(entries[part], sort_keys=True).encode() + b"\0" + contents[part] + b"\0")
        stamps[name] = digest.hexdigest()
    return stamps


def _check_every_csv_described(descriptor: Path, found: dict[str, Resource]) -> None:
    """Pass 0: a CSV in the data folder that the package does not describe is refused,
    since nothing would check it and the book's pages could not load it."""
    described = {r.path.resolve() for r in found.values()}
    script = descriptor.parent.parent / "scripts" / "make_datapackage.py"
    for path in sorted(descriptor.parent.glob("*.csv")):
        if path.resolve() not in described:
            if script.exists() and f'"name": "{path.stem}"' in script.read_text(encoding="utf-8"):
                expected = (f"`make datapackage` (scripts/make_datapackage.py describes '{path.stem}', but "
                            "datapackage.json was written before that)")
            else:
                expected = (f"a schema for '{path.stem}' in scripts/make_datapackage.py (its fields with types, "
                            "descriptions and units, a primary key, a foreign key from source_id to sources), "
                            "then `make datapackage`")
            raise DataError(path, f"the table '{path.stem}' is not described in datapackage.json, so nothing "
                            "checks it", expected=expected)


# Characters a spreadsheet or a web page leaves in a value that look like a space, or
# like nothing, and make an identical-looking value differ.
_LOOKALIKE_SPACES = {"\u00a0": "a non-breaking space (U+00A0)", "\u202f": "a narrow non-breaking space (U+202F)",
                     "\u2007": "a figure space (U+2007)", "\u200b": "a zero-width space (U+200B)",
                     "\ufeff": "a zero-width no-break space (U+FEFF)"}
_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _check_file(resource: Resource) -> list[int]:
    """Pass 1 for one CSV: it exists, is UTF-8, uses commas, quotes well, and no value
    has spaces around it or a look-alike space in it. Returns the file line each record
    starts on (index 0 is the header), for the messages of pass 2."""
    path = resource.path
    if not path.exists():
        raise DataError(path, f"the file of table '{resource.name}' is missing",
                        expected=f"a CSV at {path} (as datapackage.json says)")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        _raise_not_utf8(resource, raw, err)
    text = text.removeprefix("\ufeff")  # Excel's "CSV UTF-8" starts with a byte-order mark
    header_line = text.split("\n", 1)[0].rstrip("\r")
    if "," not in header_line:
        for delimiter, name in _DELIMITERS.items():
            if delimiter in header_line:
                raise DataError(path, f"the fields are separated by {name}, not commas", row=0, line=1,
                                expected="comma-separated values (in a spreadsheet, save as "
                                         "'CSV UTF-8 (comma delimited)')")
    records, starts = _records(resource, text)
    for row, (record, line) in enumerate(zip(records, starts)):
        for column, value in zip(records[0], record):
            for char, name in _LOOKALIKE_SPACES.items():
                if char in value:
                    raise DataError(path, f"{value!r} contains {name}", row=row, line=line, column=column,
                                    expected="ordinary spaces (U+0020) only")
            if value != value.strip():
                raise DataError(path, f"{value!r} has spaces at its start or end", row=row, line=line,
                                column=column, expected="the value without surrounding spaces")
    return starts


def _raise_not_utf8(resource: Resource, raw: bytes, err: UnicodeDecodeError):
    line = raw.count(b"\n", 0, err.start) + 1
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    records, starts = _records(resource, text, strict=False)
    row = max(i for i, start in enumerate(starts) if start <= line)
    record = records[row]
    field = next((i for i, value in enumerate(record) if "\ufffd" in value), 0)
    columns = records[0] if row else resource.field_names
    raise DataError(resource.path, f"byte 0x{raw[err.start]:02x} is not UTF-8 text "
                    "(the file was saved in another encoding, such as Windows-1252)",
                    row=row, line=line, column=columns[min(field, len(columns) - 1)],
                    expected="the file saved as UTF-8 (in a spreadsheet, 'CSV UTF-8')") from None


def _records(resource: Resource, text: str, strict: bool = True) -> tuple[list[list[str]], list[int]]:
    """The records of a CSV text and the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=strict)
    records, starts, end = [], [], 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return records, starts
        except csv.Error as err:
            line = end + 1
            header = records[0] if records else resource.field_names
            raise DataError(resource.path, f"malformed CSV ({err})", row=len(records), line=line,
                            column=header[_bad_field_index(text.splitlines()[line - 1], len(header))],
                            expected='a value either plain or wholly in double quotes, '
                                     'with any quote inside doubled ("")') from None
        records.append(record)
        starts.append(end + 1)
        end = reader.line_num


def _bad_field_index(text: str, width: int) -> int:
    """The field of one line where the quoting goes wrong: the first that holds a quote
    without being wholly quoted, or that never closes its quote."""
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


def _check_schema(descriptor: Path, found: dict[str, Resource], names: list[str],
                  lines: dict[str, list[int]]) -> None:
    """Pass 2: Frictionless checks every Table Schema rule of the tables `names`, foreign
    keys included; the first error, in the package's order of tables and each table's
    order of rows, becomes a DataError."""
    import frictionless  # imported here: a validated package never pays for the import

    try:
        package = frictionless.Package(str(descriptor))
    except frictionless.FrictionlessException as err:  # a problem with the descriptor itself
        raise DataError(descriptor, err.error.message) from None
    for name in names:
        report = package.get_resource(name).validate()
        errors = report.tasks[0].errors if report.tasks else report.errors
        if errors:
            # Of the first faulty row's errors, the row's shape first, then left to right.
            row = getattr(errors[0], "row_number", None)
            first = min((e for e in errors if getattr(e, "row_number", None) == row),
                        key=lambda e: (e.type not in _SHAPE_ERRORS, getattr(e, "field_number", 0) or 0))
            raise _reworded(found[name], first, lines[name], found)


_SHAPE_ERRORS = {"blank-row", "extra-cell", "missing-cell"}
_TYPE_HELP = {
    "integer": "a whole number written with digits only, e.g. 42",
    "number": "a number written with digits and an optional decimal point, no thousands separators, e.g. 1234.5",
    "date": "an ISO date YYYY-MM-DD",
    "year": "a four-digit year, e.g. 2024",
    "boolean": "true or false",
}
_SLASH_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


def _reworded(resource: Resource, error, starts: list[int], found: dict[str, Resource]) -> DataError:
    """The book's message for one Frictionless error (frictionless.errors.*)."""
    path, names = resource.path, resource.field_names
    row = getattr(error, "row_number", None)
    if row is None or error.type.endswith("-label"):  # the header
        where = {"row": 0, "line": 1}
    else:
        where = {"row": row - 1, "line": starts[row - 1] if row - 1 < len(starts) else None}
    columns = "columns " + ", ".join(names)
    kind = error.type

    if kind.endswith("-label"):  # Frictionless found the header wrong; say how, first thing first
        labels = list(error.labels)
        twice = [label for label in labels if labels.count(label) > 1 and label]
        missing = [name for name in names if name not in labels]
        extra = [label for label in labels if label not in names]
        if twice:
            return DataError(path, "the column appears twice in the header", column=twice[0], **where)
        if missing:
            return DataError(path, "the column is missing from the header", column=missing[0],
                             expected=columns, **where)
        if extra and extra[0] == "":
            last = [label for label in labels if label][-1]
            return DataError(path, f"the header has {labels.count('')} empty column name(s) after '{last}' "
                             "(a spreadsheet left empty columns)",
                             expected=columns + ", and no empty columns after them", **where)
        if extra:
            return DataError(path, "the column is not in the table's schema", column=extra[0],
                             expected=columns + " (a new column goes first into scripts/make_datapackage.py; then run `make datapackage`)", **where)
        return DataError(path, "the columns are in a different order from the schema",
                         column=next(h for h, n in zip(labels, names) if h != n),
                         expected="columns in this order: " + ", ".join(names), **where)

    if kind == "blank-row":
        return DataError(path, "the row is blank (a spreadsheet may leave empty rows at the end)",
                         column=names[0], expected="one record per line and no blank rows", **where)
    if kind == "extra-cell":
        width = len(names)
        return DataError(path, f"{len(error.cells)} fields where the header has {width}; extra fields after "
                         f"'{names[-1]}' (an unquoted comma?)", column=names[-1],
                         expected=f"{width} comma-separated fields", **where)
    if kind == "missing-cell":
        return DataError(path, f"{len(error.cells)} fields where the header has {len(names)}; "
                         f"the row ends before '{error.field_name}'", column=error.field_name,
                         expected=f"{len(names)} comma-separated fields", **where)
    if kind in ("primary-key", "unique-error"):
        key = resource.primary_key if kind == "primary-key" else [error.field_name]
        earlier = re.search(r"position \"?(\d+)", error.note or "")
        if not earlier:  # a blank key
            return DataError(path, "a primary-key value is blank", column=", ".join(key), **where)
        first = int(earlier.group(1)) - 1
        return DataError(path, f"{', '.join(map(repr, error.cells if kind == 'unique-error' else _key_cells(resource, error)))} "
                         f"repeats the key of row {first} (line {starts[first]})",
                         column=", ".join(key), expected="each key to appear once", **where)
    if kind == "foreign-key":
        referenced = found[error.reference_name or resource.name]
        target = referenced.path.name
        fields = ", ".join(error.field_names)
        shown = ", ".join(repr(v) for v in error.field_cells)
        hint = ""
        if len(error.field_cells) == 1 and len(error.reference_field_names) == 1:
            hint = suggest(error.field_cells[0], _column_values(referenced, error.reference_field_names[0]))
        if not hint:  # nothing near: most likely a new one
            hint = f" (if it is new, add it to {target} first)"
        return DataError(path, f"{shown} is not a known {'/'.join(error.reference_field_names)} in {target}{hint}",
                         column=fields, expected=f"a value listed in {target}", **where)

    field = next((f for f in resource.fields if f["name"] == getattr(error, "field_name", None)), None)
    if field is not None and kind == "type-error":
        return DataError(path, f"{error.cell!r} is not a valid {field['type']}{_hint(field['type'], error.cell)}",
                         column=field["name"], expected=_type_expected(field["type"], error.cell), **where)
    if field is not None and kind == "constraint-error":
        return _constraint_error(path, field, error.cell, error.note, where)
    return DataError(path, error.message, **where)  # any other Frictionless error, in its own words


def _column_values(resource: Resource, column: str) -> list[str]:
    """The values of one column of a table, as text (for a "did you mean")."""
    records, _ = _records(resource, resource.path.read_text(encoding="utf-8-sig"), strict=False)
    if not records or column not in records[0]:
        return []
    index = records[0].index(column)
    return [record[index] for record in records[1:] if len(record) > index]


def _key_cells(resource: Resource, error) -> list[str]:
    return [error.cells[resource.field_names.index(name)] for name in resource.primary_key]


def _hint(kind: str, text: str) -> str:
    """What a value that fails its type probably is, for values spreadsheets write."""
    if kind == "date" and (readings := _slash_date_readings(text)):
        if len(readings) == 2:
            (dmy, as_dmy), (mdy, as_mdy) = readings
            return f" (an ambiguous spreadsheet date: as {dmy} it is {as_dmy}, as {mdy} it is {as_mdy})"
        (order, _), = readings
        return f" (a {order} date, as spreadsheets show dates)"
    if kind in ("number", "integer") and re.fullmatch(r"-?\d{1,3}([,']\d{3})+(\.\d+)?", text):
        return " (it has a thousands separator)"
    return ""


def _slash_date_readings(text: str) -> list[tuple[str, str]]:
    """The ISO dates a spreadsheet's slash date can mean, each with its order:
    '22/11/2024' -> [('day/month/year', '2024-11-22')], '11/22/2024' -> [('month/day/year',
    '2024-11-22')], '05/11/2024' -> both orders; [] for text that is no such date."""
    import datetime

    match = _SLASH_DATE.fullmatch(text)
    if not match:
        return []
    first, second, year = (int(g) for g in match.groups())
    readings = {}
    for order, (day, month) in (("day/month/year", (first, second)), ("month/day/year", (second, first))):
        try:
            readings.setdefault(datetime.date(year, month, day).isoformat(), order)
        except ValueError:
            pass
    return [(order, iso) for iso, order in readings.items()]


def _type_expected(kind: str, text: str) -> str:
    """What a column of type `kind` expects, with the value's own ISO date where a slash
    date has one reading (an example unrelated to the value would only confuse)."""
    help_text = _TYPE_HELP.get(kind, kind)
    if kind == "date":
        readings = _slash_date_readings(text)
        if len(readings) == 1:
            return f"{help_text}, here {readings[0][1]}"
        if len(readings) == 2:
            return f"{help_text}: {readings[0][1]} or {readings[1][1]}, whichever the source means"
    return help_text


def _constraint_error(path: Path, field: dict, text: str, note: str, where: dict) -> DataError:
    """A value that breaks the constraint Frictionless names in its note."""
    constraints, name, kind = field.get("constraints", {}), field["name"], field.get("type", "string")
    rule = re.search(r'constraint "(\w+)"', note or "")
    rule = rule.group(1) if rule else ""
    limit = constraints.get(rule)
    if rule == "required":
        return DataError(path, "the value is blank but the column is required", column=name,
                         expected=f"a {kind}", **where)
    if rule == "enum":
        allowed = limit if isinstance(limit, list) else []
        return DataError(path, f"{text!r} is not an allowed value{suggest(text, allowed)}", column=name,
                         expected="one of: " + ", ".join(map(str, allowed)), **where)
    if rule == "pattern":
        return DataError(path, f"{text!r} is not in the column's form{_pattern_hint(text, limit)}", column=name,
                         expected=_pattern_words(limit), **where)
    problem, expected = {
        "maxLength": (f"the text is {len(text)} characters long", f"at most {limit} characters"),
        "minLength": (f"the text is {len(text)} characters long", f"at least {limit} characters"),
        "minimum": (f"{text} is below the minimum", f"at least {limit}"),
        "maximum": (f"{text} is above the maximum", f"at most {limit}"),
    }.get(rule, (f"{text!r} breaks the column's constraint {rule!r}", json.dumps(limit)))
    return DataError(path, problem, column=name, expected=expected, **where)


def _pattern_words(pattern: str) -> str:
    """What a pattern asks for, in words (vocabulary.PATTERN_WORDS states each once)."""
    from .vocabulary import PATTERN_WORDS

    return PATTERN_WORDS.get(pattern, f"text of the form the schema gives (pattern {pattern}; "
                                      "describe it in words in chipbook.vocabulary.PATTERN_WORDS)")


def _pattern_hint(text: str, pattern: str) -> str:
    """The value in the pattern's form, where joining its words with hyphens (and
    lowercasing it) gives one: 'A1_03' -> 'A1-03', 'Anthropic Series_E' -> 'anthropic-series-e'."""
    joined = re.sub(r"[\s_]+", "-", text.strip())
    for candidate in (joined, joined.lower()):
        if candidate != text and re.fullmatch(pattern.strip("^$"), candidate):
            return f" (did you mean '{candidate}'?)"
    return ""


def _check_formulas(resource: Resource, starts: list[int]) -> None:
    """Pass 3 for one table: each field with a formula holds, on every row, the formula's
    value of the row's other columns (rounded to its decimals where stated). Rows where an
    input is blank are skipped; a blank result where the inputs are filled is refused."""
    from decimal import Decimal, InvalidOperation

    from .expressions import ExpressionError, evaluate, names, rounded

    derived = [f for f in resource.fields if FORMULA in f]
    if not derived:
        return
    records, _ = _records(resource, resource.path.read_text(encoding="utf-8-sig"))
    header = records[0]
    enums = {f["name"]: f.get("constraints", {}).get("enum", []) for f in resource.fields}
    for field in derived:
        formula, places = field[FORMULA], field.get(DECIMALS)
        inputs = names(formula)
        for row, (record, line) in enumerate(zip(records[1:], starts[1:]), start=1):
            cells = dict(zip(header, record))
            if any(cells.get(name, "") == "" for name in inputs):
                continue

            def number(name: str) -> Decimal:
                try:
                    return Decimal(cells[name])
                except (KeyError, InvalidOperation):
                    raise ExpressionError(f"the formula's input '{name}' is not a number column of the table") from None

            def position(name: str) -> Decimal:
                return Decimal(enums[name].index(cells[name]) + 1)

            where = dict(row=row, line=line, column=field["name"])
            try:
                exact = evaluate(formula, number, position)
            except ExpressionError as err:
                raise DataError(resource.path, f"the column's formula {formula} cannot be computed: {err}",
                                expected="a formula of the row's number columns (scripts/make_datapackage.py)",
                                **where) from None
            expected = rounded(exact, places) if places is not None else exact
            shown = _plain(expected)
            how = f" (rounded to {places} decimals)" if places is not None else ""
            written = cells.get(field["name"], "")
            if written == "":
                raise DataError(resource.path, "the value is blank", expected=f"{shown}: the column is {formula} "
                                f"of the row's other columns{how}", **where)
            if Decimal(written) != expected:
                worked = re.sub(r"position\((\w+)\)", lambda m: f"position('{cells[m[1]]}')", formula)
                worked = re.sub(r"\b[a-z_][a-z0-9_]*\b(?!\()",
                                lambda m: cells[m[0]] if m[0] in cells else m[0], worked)
                raise DataError(resource.path, f"{written} is not {formula} = {worked} = {shown}{how}",
                                expected=f"{shown} (the column is computed from the row's other columns: "
                                "change them, and this with them)", **where)


def _plain(number) -> str:
    """A Decimal as plain digits, without an exponent or trailing zeros: 5.372750 -> 5.37275."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
