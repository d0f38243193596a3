"""Numbers a text quotes from the book's tables, written as placeholders and filled
wherever the text is shown, so a finding never keeps an old price after the table moved.

A text field whose schema says `chipbook:quotes` may hold placeholders: the free-text
columns the book prints (evidence and anthropic_jax_evidence findings, every `reason`,
article_disagreements.why, scenarios.description), marked `quotes=True` in
scripts/make_datapackage.py. For example:

    {accelerator_prices[aws-trainium2-od-us-east-2-2025].usd_per_offering_hour:,.2f}
    {accelerator_prices[aws-trainium2-od-us-east-2-2025].usd_per_chip_hour
      / accelerator_prices[aws-trainium-od-us-east-1-2025].usd_per_chip_hour:.1f}

A reference is `table[key].column`: a table of datapackage.json, the row's primary key
(the values of a composite key joined by commas, in the key's order) and a column. A
placeholder is one reference, or arithmetic of references and numbers (`+ - * /`,
parentheses, `round(x, n)`: chipbook.expressions), then optionally `:` and a Python format
specification (`.2f`, `,.0f`, `.0%`), rounding halves up (5.625 -> 5.63). One reference
without a format shows the cell as the CSV writes it; arithmetic needs a format. Write `$`
and units outside the braces.

`fill(text)` gives the text a reader sees; `load_table` fills every such column, so the
chapters' evidence walks, ledger.json and every other page show filled text, while the CSV
(and its download) keeps the placeholders. `check_quotes()` (run by `make check`) names
the row of each placeholder that cannot be filled, with a "did you mean" for a table,
key or column that is nearly right, and refuses a placeholder in a column not marked to
quote, which nothing would fill.
"""

from __future__ import annotations

import decimal
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from . import paths
from .data import QUOTES, DataError, Resource, resources, rows, suggest
from .expressions import ExpressionError, evaluate

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
REFERENCE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\]\.([A-Za-z_][A-Za-z0-9_]*)")
FORM = "{table[key].column:format}"


class QuoteError(ValueError):
    """A placeholder that cannot be filled; the message says why, and what was expected."""

    def __init__(self, problem: str, expected: str):
        super().__init__(problem)
        self.problem, self.expected = problem, expected


class Tables:
    """The text rows of the package's tables, by primary key, read on first use."""

    def __init__(self, datapackage: Path | None = None):
        self.descriptor = Path(datapackage or paths.DATAPACKAGE)
        self.found: dict[str, Resource] = resources(self.descriptor)
        self._by_key: dict[str, dict[str, dict]] = {}

    def cell(self, table: str, key: str, column: str) -> str:
        if table not in self.found:
            raise QuoteError(f"names no table '{table}'{suggest(table, self.found)}",
                             f"{FORM} with a table of datapackage.json")
        resource = self.found[table]
        if table not in self._by_key:
            self._by_key[table] = {",".join(row[k] for k in resource.primary_key): row
                                   for row in rows(table, self.descriptor, validate=False)}
        by_key = self._by_key[table]
        if key not in by_key:
            keys = "/".join(resource.primary_key)
            raise QuoteError(f"names no row '{key}' of {resource.path.name}{suggest(key, by_key)}",
                             f"a {keys} of {resource.path.name}"
                             + (" (the key's values joined by commas)" if len(resource.primary_key) > 1 else ""))
        if column not in resource.field_names:
            raise QuoteError(f"names no column '{column}' of {resource.path.name}"
                             f"{suggest(column, resource.field_names)}",
                             f"a column of {resource.path.name}: {', '.join(resource.field_names)}")
        value = by_key[key][column]
        if value == "":
            raise QuoteError(f"quotes {table}[{key}].{column}, which is blank", "a reference to a filled cell")
        return value


def fill(text: str, tables: Tables | None = None) -> str:
    """`text` with each placeholder replaced by its value. Raises QuoteError for the first
    placeholder that cannot be filled."""
    if "{" not in text and "}" not in text:
        return text
    tables = tables or Tables()
    if PLACEHOLDER.sub("", text).count("{") or PLACEHOLDER.sub("", text).count("}"):
        raise QuoteError("the text has a brace that opens or closes no placeholder", f"placeholders of the form {FORM}")
    return PLACEHOLDER.sub(lambda m: _value(m[1], tables), text)


def _value(inside: str, tables: Tables) -> str:
    body, spec = _split_format(inside)
    shown = "{" + inside + "}"
    references = {}

    def name(match: re.Match) -> str:
        references.setdefault(match[0], (f"_ref{len(references)}", match))
        return references[match[0]][0]

    expression = REFERENCE.sub(name, body)
    if not references:
        raise QuoteError(f"the placeholder {shown} quotes no table", f"placeholders of the form {FORM}")
    try:
        cells = {alias: tables.cell(m[1], m[2].strip(), m[3]) for alias, m in references.values()}
    except QuoteError as err:
        raise QuoteError(f"the placeholder {shown} {err.problem}", err.expected) from None
    if expression.strip() in cells and spec is None:
        return cells[expression.strip()]  # one reference, shown as the CSV writes it
    if spec is None:
        raise QuoteError(f"the placeholder {shown} is arithmetic without a format",
                         f"a format after a colon, e.g. {{{body.strip()}:.1f}}")

    def number(alias: str) -> Decimal:
        if alias not in cells:
            raise ExpressionError(f"'{alias}' is not a reference of the form table[key].column")
        try:
            return Decimal(cells[alias])
        except InvalidOperation:
            raise ExpressionError(f"{_name_of(alias, references)} is {cells[alias]!r}, not a number") from None

    try:
        result = evaluate(expression, number)
    except ExpressionError as err:
        message = str(err)
        for alias, match in references.values():
            message = message.replace(alias, match[0])
        raise QuoteError(f"the placeholder {shown} cannot be computed: {message}", f"arithmetic of {FORM} references") from None
    try:
        with decimal.localcontext() as context:
            context.rounding = decimal.ROUND_HALF_UP  # as a person rounds: 5.625 -> 5.63
            return format(result, spec)
    except ValueError:
        raise QuoteError(f"the placeholder {shown} has the format '{spec}', which Python cannot apply to a number",
                         "a format such as .2f (two decimals), ,.0f (thousands separated) or .0% (a percentage)") from None


def _name_of(alias: str, references: dict) -> str:
    return next(match[0] for name, match in references.values() if name == alias)


def _split_format(inside: str) -> tuple[str, str | None]:
    """The expression and the format after the last colon outside brackets, if any."""
    depth = 0
    for index in range(len(inside) - 1, -1, -1):
        char = inside[index]
        if char == "]":
            depth += 1
        elif char == "[":
            depth -= 1
        elif char == ":" and depth == 0:
            return inside[:index], inside[index + 1:].strip()
    return inside, None


def quoting_fields(resource: Resource) -> list[str]:
    return [f["name"] for f in resource.fields if f.get(QUOTES)]


def filled_column(name: str, column: str, datapackage: Path | None = None,
                  tables: Tables | None = None) -> list[str | None]:
    """The column's values in row order with their placeholders filled (None for a blank).
    Raises DataError naming the row, line and column of the first that cannot be filled."""
    descriptor = Path(datapackage or paths.DATAPACKAGE)
    tables = tables or Tables(descriptor)
    out: list[str | None] = []
    for row in rows(name, descriptor, validate=False):
        text = row[column]
        try:
            out.append(fill(text, tables) if text else None)
        except QuoteError as err:
            raise DataError(tables.found[name].path, err.problem, row=row["_row"],
                            line=row["_line"], column=column, expected=err.expected) from None
    return out


def check_quotes(data_dir: Path | None = None) -> None:
    """Every placeholder of every quoting column can be filled, and no other column holds
    one (it would be published as typed) (`make check`). Raises DataError."""
    descriptor = Path(data_dir or paths.DATA_DIR) / "datapackage.json"
    tables = Tables(descriptor)
    for name, resource in tables.found.items():
        for column in quoting_fields(resource):
            filled_column(name, column, descriptor, tables)
        check_no_placeholder_outside_quoting_columns(resource, descriptor, tables.found)


def check_no_placeholder_outside_quoting_columns(resource: Resource, descriptor: Path,
                                                 found: dict[str, Resource]) -> None:
    """A `{table[key].column}` placeholder in a text column whose schema does not say
    `chipbook:quotes` is refused: nothing fills it, so the reader would see the braces."""
    if "{" not in resource.path.read_text(encoding="utf-8-sig"):
        return
    plain = [f["name"] for f in resource.fields if f.get("type", "string") == "string" and not f.get(QUOTES)]
    quoting = [f"{r.name}.{c}" for r in found.values() for c in quoting_fields(r)]
    for row in rows(resource.name, descriptor, validate=False):
        for column in plain:
            placeholder = next((m[0] for m in PLACEHOLDER.finditer(row[column]) if REFERENCE.search(m[1])), None)
            if placeholder:
                raise DataError(resource.path, f"the placeholder {placeholder} is in a column that does not quote "
                                "tables, so it would be published as typed", row=row["_row"], line=row["_line"],
                                column=column,
                                expected=("the figure written out, or the column marked quotes=True in "
                                          "scripts/make_datapackage.py (then `make datapackage`) if the book prints "
                                          "it; the columns that quote now: " + ", ".join(quoting)))
